"""`python -m bot ask` and `chat`, run as real subprocesses."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import KNOWLEDGE, ROOT, run_bot

KEYS = {
    "question", "lang", "topic", "topics", "outcome", "confidence", "answer", "suggestions",
    "unknowns", "more",
}  # fmt: skip


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    database = str(Path(tempfile.mkdtemp()) / "bot.sqlite3")  # never the repo's data/
    return run_bot(
        *args,
        env={"BOT_KNOWLEDGE": str(KNOWLEDGE), "BOT_DATABASE": database, **(env or {})},
        stdin=stdin,
    )


def test_ask_json_reads_stdin_one_object_per_line() -> None:
    questions = [
        "is it remote?",
        "",
        "what's the weather like",
        "salaire ?",
        "how large is the engineering team",
        "do you do pair programming?",
    ]
    result = run("ask", "--json", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["question"] for o in objects] == questions
    for o in objects:
        assert set(o) == KEYS
        assert o["outcome"] in {"answer", "not_stated", "clarify", "fallback"}
        assert (o["topic"] is None) == (o["outcome"] not in ("answer", "not_stated"))
        assert isinstance(o["confidence"], float)
    assert objects[0]["topic"] == "remote-work" and objects[0]["topics"] == ["remote-work"]
    assert objects[2]["outcome"] == "fallback"
    assert objects[3]["lang"] == "fr" and objects[3]["topic"] == "salary"
    assert objects[4]["outcome"] == "clarify" and len(objects[4]["suggestions"]) >= 2
    assert objects[5]["outcome"] == "not_stated" and objects[5]["topic"] == "ways-of-working"
    assert objects[5]["unknowns"] == ["ways-of-working/pair-programming"]
    assert objects[5]["answer"].startswith("The posting doesn't say whether")


def test_ask_arguments_and_readable_output() -> None:
    result = run("ask", "what", "is", "the", "stack")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("[answer tech-stack")
    assert "FastAPI" in result.stdout


def test_ask_with_broken_knowledge_exits_1_with_located_error(tmp_path) -> None:
    (tmp_path / "postings").mkdir()
    (tmp_path / "postings" / "x.yaml").write_text("posting: [\n", encoding="utf-8")
    result = run("ask", "--knowledge", str(tmp_path), "hi")
    assert result.returncode == 1
    assert f"{tmp_path / 'postings' / 'x.yaml'}:2:1:" in result.stderr


def test_run_without_token_starts_the_chat_and_says_why() -> None:
    result = run("run", stdin="quit\n")
    assert result.returncode == 0, result.stderr
    assert "No TELEGRAM_BOT_TOKEN" in result.stderr
    assert "automated assistant" in result.stdout


def test_run_without_token_says_where_the_console_is() -> None:
    result = run("run", stdin="quit\n", env={"BOT_CONSOLE": "true"})
    assert result.returncode == 0, result.stderr
    assert "python -m bot console" in result.stderr


def test_chat_with_piped_stdin() -> None:
    script = (
        "is it remote?\nhow large is the engineering team\n1\ntopics\nquel est le salaire ?\nquit\n"
    )
    result = run("chat", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "automated assistant" in out  # greeting
    assert "Remote" in out  # the remote-work answer
    assert "Did you mean" in out and "0. None of these" in out
    assert "salaire" in out.lower()
    assert out.rstrip().endswith("Au revoir, et bonne chance pour votre candidature !")


def test_chat_survives_end_of_input_without_quit() -> None:
    result = run("chat", stdin="hello")
    assert result.returncode == 0
    assert "Goodbye" in result.stdout


def test_chat_explains_that_no_recruiter_is_on_the_line() -> None:
    result = run("chat", stdin="/human\n")
    assert "no recruiter on the line" in result.stdout


def test_chat_logs_the_conversation_and_ask_does_not(tmp_path) -> None:
    database = tmp_path / "bot.sqlite3"
    env = {"BOT_DATABASE": str(database)}
    result = run("chat", stdin="is it remote?\nweather today?\ntopics\nquit\n", env=env)
    assert result.returncode == 0, result.stderr
    db = sqlite3.connect(database)
    rows = db.execute(
        "SELECT seq, direction, channel, outcome, topics, text FROM messages ORDER BY seq"
    ).fetchall()
    assert [r[:4] for r in rows] == [
        (1, "in", "terminal", None),
        (2, "out", "terminal", "answer"),
        (3, "in", "terminal", None),
        (4, "out", "terminal", "fallback"),
        (5, "in", "terminal", "command"),
        (6, "out", "terminal", "command"),
    ]
    assert rows[0][5] == "is it remote?" and rows[1][4] == "remote-work"
    assert db.execute("SELECT status FROM conversations").fetchall() == [("closed",)]

    run("ask", "is it remote?", env=env)
    assert db.execute("SELECT count(*) FROM messages").fetchone() == (6,)


def test_sigterm_ends_the_chat_and_flushes_the_transcript(tmp_path) -> None:
    database = tmp_path / "bot.sqlite3"
    env = {**os.environ, "BOT_KNOWLEDGE": str(KNOWLEDGE), "BOT_DATABASE": str(database)}
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert chat.stdin and chat.stdout
    chat.stdin.write("is it remote?\n")
    chat.stdin.flush()
    deadline = time.monotonic() + 30
    seen = ""
    while "Télétravail fréquent" not in seen and time.monotonic() < deadline:
        seen += chat.stdout.readline()
    assert "Télétravail fréquent" in seen
    chat.send_signal(signal.SIGTERM)  # stdin stays open: only the signal can end it
    assert chat.wait(timeout=30) == 0
    db = sqlite3.connect(database)
    assert db.execute("SELECT count(*) FROM messages").fetchone() == (2,)
    assert db.execute("SELECT status FROM conversations").fetchone() == ("closed",)
