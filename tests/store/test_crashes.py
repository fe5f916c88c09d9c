"""The process dies: SIGKILL loses at most the last batch window, SIGTERM/SIGINT lose nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.store import TranscriptStore
from bot.store.migrations.upgrade import head
from tests.conftest import KNOWLEDGE, ROOT
from tests.store.child import BURST
from tests.store.conftest import count, query, wait_until


def start_child(mode: str, db_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.child", mode, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def stored_messages(db_path: Path) -> int:
    """Messages in the file so far; 0 before the store has created it."""
    if not db_path.exists():
        return 0  # sqlite3.connect would create it
    try:
        return count(db_path, "messages")
    except sqlite3.OperationalError:
        return 0


def read_line(child: subprocess.Popen[str], deadline: float) -> str:
    assert child.stdout
    line = child.stdout.readline()
    if not line or time.monotonic() > deadline:
        child.kill()
        pytest.fail(f"child stopped or too slow: {child.communicate()[1][-2000:]}")
    return line


async def test_sigkill_mid_burst_leaves_a_sound_file_with_every_reported_row(
    db_path: Path,
) -> None:
    child = start_child("kill", db_path)
    deadline = time.monotonic() + 30
    written = 0
    try:
        while written < 5000:
            written = int(read_line(child, deadline).split()[1])
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        child.kill()
        child.communicate()

    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    # Rows are stored in the order they were logged: what is there is a whole prefix,
    # and it holds at least every row the child saw stored (2 are not messages).
    seqs = [seq for (seq,) in query(db_path, "SELECT seq FROM messages ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) >= written - 2
    async with TranscriptStore(db_path) as store:
        assert store.healthy
    assert query(db_path, "SELECT version_num FROM alembic_version") == [(head(),)]
    assert count(db_path, "messages") >= len(seqs)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_closes_the_store_and_flushes_every_row(
    db_path: Path, sig: signal.Signals
) -> None:
    child = start_child("term", db_path)
    try:
        line = read_line(child, time.monotonic() + 30)
        assert line == f"recorded {BURST + 2} written 0\n"
        assert count(db_path, "messages") == 0  # all of it is still in memory
        child.send_signal(sig)
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
        child.communicate()

    assert count(db_path, "messages") == BURST
    assert count(db_path, "conversations") == 1
    assert not db_path.with_name(db_path.name + ".spill.jsonl").exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_the_chat_command_closes_the_conversation_on_a_signal(
    db_path: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    questions = ["is it remote?", "what is the salary?", "how do I apply?"]
    with (tmp_path / "stderr.txt").open("w+") as stderr:
        chat = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
            cwd=ROOT,
            env={**os.environ, "BOT_KNOWLEDGE": str(KNOWLEDGE), "BOT_DATABASE": str(db_path)},
        )
        try:
            assert chat.stdin
            chat.stdin.write("".join(f"{q}\n" for q in questions))
            chat.stdin.flush()  # and stdin stays open: only the signal can end the chat
            await wait_until(lambda: stored_messages(db_path) == 6, timeout_s=30)
            assert query(db_path, "SELECT status FROM conversations") == [("open",)]
            chat.send_signal(sig)
            assert chat.wait(timeout=30) == 0, stderr.read()
        finally:
            chat.kill()
            chat.wait()

    # "closed" is logged as the chat ends: only a flush on the way out can store it.
    assert query(db_path, "SELECT status FROM conversations") == [("closed",)]
    assert [t for (t,) in query(db_path, "SELECT text FROM messages WHERE direction = 'in'")] == (
        questions
    )
    assert not db_path.with_name(db_path.name + ".spill.jsonl").exists()
