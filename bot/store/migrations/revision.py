"""Which schema a transcript database file is at, read without Alembic (cheap to import)."""

from __future__ import annotations

import sqlite3

LEGACY_VERSIONS = 6  # PRAGMA user_version 1..6 are revisions 0001..0006
ALEMBIC_MANAGED = 1000  # user_version once Alembic owns the schema


def schema_revision(db: sqlite3.Connection) -> int:
    """The schema's number, read-only: Alembic's revision, else the legacy version."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "alembic_version" in tables:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        return int(row[0]) if row and str(row[0]).isdigit() else 0
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    return version if version <= LEGACY_VERSIONS else 0
