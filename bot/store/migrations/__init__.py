"""The transcript database's schema: Alembic revisions (versions/), applied by `upgrade`.

Import from the modules: `upgrade` brings in Alembic and SQLAlchemy (a quarter of a
second), which only code that opens the database for writing needs."""
