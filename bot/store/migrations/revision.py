"""Which schema a transcript database is at, read without Alembic (cheap to import)."""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

LEGACY_VERSIONS = 6  # PRAGMA user_version 1..6 are revisions 0001..0006
ALEMBIC_MANAGED = 1000  # user_version once Alembic owns the schema


def revision_of(db: Connection) -> int:
    """The schema's number, read-only: Alembic's revision, else SQLite's legacy version."""
    if inspect(db).has_table("alembic_version"):
        found = db.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return int(found) if found is not None and str(found).isdigit() else 0
    if db.dialect.name != "sqlite":
        return 0
    version = int(db.execute(text("PRAGMA user_version")).scalar_one())
    return version if version <= LEGACY_VERSIONS else 0
