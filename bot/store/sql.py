"""Hand-tuned SQL text on either database: `?` placeholders, as SQLite spells them,
bound by name through SQLAlchemy so that psycopg gets them too."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, CursorResult, text

_MARK = re.compile(r"\?")


def run(db: Connection, sql: str, params: Sequence[object] = ()) -> CursorResult[*tuple[Any, ...]]:
    """Execute `sql`; each `?` takes the next of `params`. Rows read as mappings or tuples."""
    numbers = itertools.count()
    named = _MARK.sub(lambda _: f":p{next(numbers)}", sql)
    values = {f"p{i}": value for i, value in enumerate(params)}
    return db.execute(text(named), values)


def is_sqlite(db: Connection) -> bool:
    return db.dialect.name == "sqlite"
