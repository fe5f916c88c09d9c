"""Backups that run: the snapshot job against a Kubernetes API, and the documented restore
on a copy of a disk taken the way a snapshot takes it (mid-write, without warning)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "deploy" / "k8s" / "backup" / "snapshot.py"
PREFIX = "/apis/snapshot.storage.k8s.io/v1/namespaces/hirebot/volumesnapshots"
TOKEN = "service-account-token"


@dataclass
class FakeKube:
    """The few VolumeSnapshot calls the job makes, as the API server answers them."""

    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    polls_until_ready: int = 2
    fail_with: str | None = None
    created: int = 0

    def handle(self, method: str, url: str, body: Any, token: str) -> tuple[int, Any]:
        self.calls.append((method, url))
        if token != f"Bearer {TOKEN}":
            return 401, {"kind": "Status", "code": 401}
        path, query = urlparse(url).path, parse_qs(urlparse(url).query)
        if method == "POST" and path == PREFIX:
            self.created += 1
            name = body["metadata"]["generateName"] + f"new{self.created}"
            body["metadata"].update(name=name, creationTimestamp="2026-12-06T02:30:00Z")
            body["status"] = {"readyToUse": False, "polls": 0}
            self.snapshots[name] = body
            return 201, body
        if method == "GET" and path == PREFIX:
            key, value = query["labelSelector"][0].split("=")
            items = [
                s for s in self.snapshots.values() if s["metadata"]["labels"].get(key) == value
            ]
            return 200, {"items": items}
        name = path.removeprefix(PREFIX + "/")
        if name not in self.snapshots:
            return 404, {"kind": "Status", "code": 404}
        if method == "GET":
            status = self.snapshots[name]["status"]
            status["polls"] = status.get("polls", 0) + 1
            if self.fail_with:
                status["error"] = {"message": self.fail_with}
            elif status["polls"] >= self.polls_until_ready:
                status["readyToUse"] = True
            return 200, self.snapshots[name]
        if method == "DELETE":
            return 200, self.snapshots.pop(name)
        return 405, {}


@pytest.fixture
def kube() -> Iterator[tuple[FakeKube, str]]:
    fake = FakeKube()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            status, answer = fake.handle(
                self.command, self.path, body, self.headers.get("Authorization", "")
            )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def old_snapshot(name: str, pvc: str, day: int, ready: bool = True) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "labels": {"hirebot.dev/snapshot-of": pvc},
            "creationTimestamp": f"2026-11-{day:02d}T02:30:00Z",
        },
        "spec": {"source": {"persistentVolumeClaimName": pvc}},
        "status": {"readyToUse": ready},
    }


def run_job(
    api: str, tmp_path: Path, keep: int = 3, token: str = TOKEN
) -> subprocess.CompletedProcess[str]:
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    env = {
        "PATH": os.environ["PATH"],
        "KUBERNETES_API": api,
        "KUBERNETES_TOKEN_FILE": str(token_file),
        "NAMESPACE": "hirebot",
        "PVC": "hirebot-data",
        "SNAPSHOT_CLASS": "hirebot-pd",
        "KEEP": str(keep),
        "POLL_SECONDS": "0.01",
        "READY_TIMEOUT": "5",
    }
    return subprocess.run(
        [sys.executable, str(SNAPSHOT)], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_job_snapshots_the_disk_waits_for_it_and_keeps_the_newest(kube, tmp_path):
    fake, api = kube
    for day in (1, 2, 3, 4):
        fake.snapshots[f"hirebot-data-{day}"] = old_snapshot(
            f"hirebot-data-{day}", "hirebot-data", day
        )
    fake.snapshots["hirebot-data-5"] = old_snapshot(
        "hirebot-data-5", "hirebot-data", 5, ready=False
    )
    fake.snapshots["other-1"] = old_snapshot("other-1", "other-disk", 1)

    done = run_job(api, tmp_path, keep=3)

    assert done.returncode == 0, done.stderr
    [new] = [s for s in fake.snapshots.values() if s["metadata"]["name"].endswith("new1")]
    assert new["spec"] == {
        "volumeSnapshotClassName": "hirebot-pd",
        "source": {"persistentVolumeClaimName": "hirebot-data"},
    }
    assert new["status"]["readyToUse"] is True  # it waited for the snapshot to be ready
    # The newest three ready ones stay (the new one, days 4 and 3); days 1 and 2 go.
    # A snapshot still being cut and another disk's snapshot are never touched.
    assert sorted(fake.snapshots) == [
        "hirebot-data-3",
        "hirebot-data-4",
        "hirebot-data-5",
        "hirebot-data-new1",
        "other-1",
    ]
    assert [c for c in fake.calls if c[0] == "DELETE"] == [
        ("DELETE", f"{PREFIX}/hirebot-data-2"),
        ("DELETE", f"{PREFIX}/hirebot-data-1"),
    ]
    logs = [json.loads(line) for line in done.stdout.splitlines()]
    assert logs[0]["message"] == "snapshot hirebot-data-new1 of hirebot-data is ready"
    assert {entry["severity"] for entry in logs} == {"INFO"}


def test_a_failed_snapshot_fails_the_job_and_deletes_nothing(kube, tmp_path):
    fake, api = kube
    fake.fail_with = "quota exceeded"
    for day in (1, 2, 3, 4, 5):
        fake.snapshots[f"hirebot-data-{day}"] = old_snapshot(
            f"hirebot-data-{day}", "hirebot-data", day
        )

    done = run_job(api, tmp_path, keep=1)

    assert done.returncode != 0
    assert "quota exceeded" in done.stderr
    assert not [c for c in fake.calls if c[0] == "DELETE"]
    assert len(fake.snapshots) == 6


def test_a_wrong_token_fails_loudly(kube, tmp_path):
    fake, api = kube
    done = run_job(api, tmp_path, token="stolen")
    assert done.returncode != 0 and "401" in done.stderr
    assert fake.snapshots == {}


WRITER = """
import asyncio, sys
from pathlib import Path
from bot.core.dialogue import Outcome, Reply
from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog

async def main(path):
    async with TranscriptStore(Path(path)) as store:
        log = ConversationLog(store, "telegram", "7", "backend", display_name="Snap Shot")
        n = 0
        while True:
            for _ in range(20):
                n += 1
                log.exchange(Reply(f"question {n}", "en", "en", Outcome.FALLBACK, (), 0.1,
                                   "I don't know", ()), 1.0)
            assert await store.flush()
            print(n, flush=True)  # n questions (2n rows) are committed

asyncio.run(main(sys.argv[1]))
"""


def count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT count(*) FROM messages").fetchone()[0])


@pytest.mark.parametrize("shm", ["as it was", "lost"])
def test_restore_from_a_disk_snapshot_taken_mid_write(tmp_path: Path, shm: str):
    """A disk snapshot is the disk as a crash leaves it: the bot killed while writing, the
    database with its -wal (and a -shm that the snapshot may not have caught). The
    restore in deploy/README.md gets back every committed row, and a bot opens it."""
    disk = tmp_path / "disk"
    disk.mkdir()
    database = disk / "bot.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(database)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    committed = 0
    assert writer.stdout is not None
    for line in writer.stdout:
        committed = int(line)
        if committed >= 400:
            break
    writer.send_signal(signal.SIGKILL)  # mid-write: the next batch was on its way
    writer.wait(timeout=30)
    assert (disk / "bot.sqlite3-wal").exists()  # WAL frames not yet checkpointed

    snapshot = tmp_path / "snapshot"  # a new disk made from the snapshot
    shutil.copytree(disk, snapshot)
    if shm == "lost":
        (snapshot / "bot.sqlite3-shm").unlink(missing_ok=True)

    restored = tmp_path / "data" / "bot.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "restore", str(snapshot / "bot.sqlite3")],
        cwd=ROOT,
        env={**os.environ, "BOT_DATABASE": str(restored)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = count(restored)
    assert rows >= 2 * committed  # every committed exchange, maybe part of the next batch
    assert f"{rows} messages" in done.stdout
    with closing(sqlite3.connect(restored)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check = subprocess.run(
        [sys.executable, "-m", "bot", "transcripts", "list"],
        cwd=ROOT,
        env={**os.environ, "BOT_DATABASE": str(restored)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0 and "Snap Shot" in check.stdout, check.stderr
