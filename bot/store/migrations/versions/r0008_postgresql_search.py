"""8: the console's search on PostgreSQL. SQLite has its FTS5 index since revision 3's
messages_fts; PostgreSQL gets a GIN index over each message's words, accents ignored
(unaccent) and no stemming ('simple'), as FTS5's unicode61 tokenizer reads them. On
SQLite it does nothing."""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None
SEPARATORS = "<>&@./_-"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # unaccent() itself is only STABLE (its dictionary could change): an index needs this
    # IMMUTABLE wrapper, with the dictionary named in full. PostgreSQL's parser reads
    # "<script>...</script>" as markup and "a@b.com" as one e-mail token: these
    # characters become spaces first, so that every word a candidate typed is found, as
    # FTS5 finds it.
    spaces = " " * len(SEPARATORS)
    op.execute(
        f"""CREATE FUNCTION hirebot_words(t text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        RETURN to_tsvector('simple'::regconfig,
            translate(unaccent('unaccent'::regdictionary, t), '{SEPARATORS}', '{spaces}'))"""
    )
    # New entries wait in the index's pending list (32 MB, 8x the default) until
    # autovacuum or a full list merges them: a burst of writes does not pay each word's
    # merge (bench_store: 2-3x the write rate), and searches read the short rest.
    op.execute(
        "CREATE INDEX messages_words ON messages USING gin (hirebot_words(text)) "
        "WITH (gin_pending_list_limit = 32768)"
    )
