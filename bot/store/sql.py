"""Hand-tuned SQL text on either database: `?` placeholders, as SQLite spells them,
bound by name through SQLAlchemy so that psycopg gets them too."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, CursorResult, text
from sqlalchemy.ext.asyncio import AsyncConnection

_MARK = re.compile(r"\?")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def run(db: Connection, sql: str, params: Sequence[object] = ()) -> CursorResult[*tuple[Any, ...]]:
    """Execute `sql`; each `?` takes the next of `params`. Rows read as mappings or tuples."""
    numbers = itertools.count()
    named = _MARK.sub(lambda _: f":p{next(numbers)}", sql)
    values = {f"p{i}": value for i, value in enumerate(params)}
    return db.execute(text(named), values)


def is_sqlite(db: Connection | AsyncConnection) -> bool:
    return db.dialect.name == "sqlite"


def storable(text: str) -> str:
    """`text` as every database can hold it: a NUL (which PostgreSQL refuses) or a lone
    surrogate (not UTF-8) becomes U+FFFD, the replacement character."""
    return _UNSTORABLE.sub("\ufffd", text)
