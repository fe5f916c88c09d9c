"""Alembic's environment: run by `bot.store.migrations.upgrade` on its open connection."""

from __future__ import annotations

from alembic import context

from bot.store.migrations.upgrade import adopt_legacy_version, refuse_unknown_revision

connection = context.config.attributes["connection"]
context.configure(connection=connection, transaction_per_migration=False)
with context.begin_transaction():
    migration = context.get_context()
    refuse_unknown_revision(migration, context.script)
    adopt_legacy_version(migration, context.script)
    context.run_migrations()
