"""Where the transcript database is: a SQLite file's path, or a PostgreSQL URL. Imports
nothing of the bot's, so that settings and the store can both read it; the engine itself
is bot.store.database's."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

POSTGRESQL_SCHEMES = ("postgresql", "postgres")

Location = Path | str  # a SQLite file, or a PostgreSQL URL


class NotOnPostgreSQL(RuntimeError):
    """A command that works on a SQLite file (a file copy), asked to use PostgreSQL."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} works on a SQLite file, and BOT_DATABASE (or --database) names "
            "a PostgreSQL server"
        )


def parse_location(value: object) -> Location:
    """BOT_DATABASE or --database: a PostgreSQL URL stays text, anything else is a path."""
    text = str(value)
    return text if is_postgresql(text) else Path(text)


def sqlite_file(location: Location, what: str) -> Path:
    """The SQLite file at `location`; NotOnPostgreSQL (naming `what`) if it is a server."""
    if is_postgresql(location):
        raise NotOnPostgreSQL(what)
    return Path(location)


def is_postgresql(location: Location) -> bool:
    return isinstance(location, str) and location.split(":", 1)[0].split("+")[0] in (
        POSTGRESQL_SCHEMES
    )


def redacted(location: Location) -> str:
    """The location for people and logs: a path, or the URL without its password."""
    if not is_postgresql(location):
        return str(location)
    parts = urlsplit(str(location))
    if parts.password is None:
        return str(location)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
