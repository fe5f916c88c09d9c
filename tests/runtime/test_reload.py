"""Safe hot reload: good edits are picked up while answering, broken ones never served."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.core.dialogue import Responder
from bot.core.knowledge import load_knowledge
from bot.runtime.reload import KnowledgeReloader, ReloadResult
from tests.conftest import ROOT
from tests.kb.conftest import good_posting, write

OLD = "You can work remotely two days a week."
NEW = "You can work remotely three days a week."


class Bot:
    """What a channel holds: the responder in use, replaced by the reloader."""

    def __init__(self, folder: Path) -> None:
        self.responder = Responder(load_knowledge(folder))
        self.refused: list[ReloadResult] = []
        self.reloader = KnowledgeReloader(
            folder, None, self.responder, on_swap=self._swap, on_refused=self._refused
        )

    def _swap(self, fresh: Responder) -> None:
        self.responder = fresh

    async def _refused(self, result: ReloadResult) -> None:
        self.refused.append(result)

    def answer(self) -> str:
        return self.responder.reply("can I work from home?").text


async def until(predicate: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


@pytest.fixture
async def watched(tmp_path: Path) -> AsyncIterator[tuple[Bot, Path]]:
    folder = write(tmp_path / "knowledge", good_posting())
    bot = Bot(folder)
    watcher = asyncio.create_task(bot.reloader.watch())
    await asyncio.sleep(0.3)  # let the watcher start before the test edits files
    yield bot, folder
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher


def edit(folder: Path, *replacements: str) -> None:
    """Replace old, new, old, new... in the posting file, in one write."""
    file = folder / "postings" / "test-job.yaml"
    text = file.read_text()
    for old, new in zip(replacements[::2], replacements[1::2], strict=True):
        text = text.replace(old, new)
    file.write_text(text, encoding="utf-8")


async def test_a_good_edit_is_picked_up_while_questions_are_answered(watched):
    bot, folder = watched
    assert bot.answer() == OLD
    seen: list[str] = []

    async def candidates() -> None:
        while NEW not in seen:
            seen.append(bot.answer())
            await asyncio.sleep(0.005)

    asking = asyncio.create_task(candidates())
    edit(folder, OLD, NEW)
    await asyncio.wait_for(asking, timeout=20)
    assert set(seen) == {OLD, NEW}  # every reply came whole from one version or the other
    assert seen.index(NEW) > 0 and all(a == NEW for a in seen[seen.index(NEW) :])
    assert bot.reloader.last is not None and bot.reloader.last.status == "loaded"
    assert bot.reloader.last.reason == "file change"


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("  - id: salary\n", "  - id: [salary\n"),  # YAML syntax
        ("title: Salary", "titel: Salary"),  # schema: unknown key, missing title
        ("tell me about the pay", "tech stack python"),  # self-test: routes to another topic
    ],
)
async def test_a_broken_edit_is_refused_and_the_old_one_still_served(watched, broken, expected):
    bot, folder = watched
    before = bot.responder
    edit(folder, broken, expected)
    await until(lambda: bot.refused)
    [result] = bot.refused
    assert result.status == "refused" and result.errors
    assert all(f"{folder}/postings/test-job.yaml:" in str(e) for e in result.errors)
    assert bot.responder is before and bot.answer() == OLD
    health = bot.reloader.health()
    assert health["last_reload"]["status"] == "refused" and health["last_reload"]["errors"]

    edit(folder, expected, broken, OLD, NEW)  # the admin fixes it: served, no restart
    await until(lambda: bot.answer() == NEW)
    assert bot.reloader.last is not None and bot.reloader.last.status == "loaded"


async def test_a_configmap_symlink_swap_is_picked_up(tmp_path: Path):
    """Kubernetes updates a mounted ConfigMap by pointing `..data` at a new folder."""
    root = tmp_path / "knowledge"
    first = write(root / "..2026_11_27_10_00_00.1", good_posting())
    (root / "..data").symlink_to(first.name)
    (root / "postings").symlink_to("..data/postings")
    bot = Bot(root)
    watcher = asyncio.create_task(bot.reloader.watch())
    await asyncio.sleep(0.3)
    try:
        second = write(root / "..2026_11_27_10_05_00.2", good_posting().replace(OLD, NEW))
        (root / "..data_tmp").symlink_to(second.name)
        (root / "..data_tmp").replace(root / "..data")  # atomic, as the kubelet does
        shutil.rmtree(first)
        await until(lambda: bot.answer() == NEW)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    assert bot.reloader.last is not None and bot.reloader.last.status == "loaded"


async def test_an_unchanged_folder_is_not_rebuilt(tmp_path: Path):
    bot = Bot(write(tmp_path / "knowledge", good_posting()))
    before = bot.responder
    result = await bot.reloader.reload("SIGHUP")
    assert result.status == "unchanged" and bot.responder is before
    forced = await bot.reloader.reload("/reload", force=True)
    assert forced.status == "loaded" and bot.responder is not before


async def test_the_terminal_chat_reloads_too(tmp_path: Path):
    folder = write(tmp_path / "knowledge", good_posting())
    env = {
        **os.environ,
        "BOT_KNOWLEDGE": str(folder),
        "BOT_DATABASE": str(tmp_path / "bot.sqlite3"),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    chat = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "chat",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert chat.stdin is not None and chat.stdout is not None

    async def ask() -> str:
        chat.stdin.write(b"can I work from home?\n")
        await chat.stdin.drain()
        while True:
            line = (await asyncio.wait_for(chat.stdout.readline(), 20)).decode()
            if line.startswith("You can work remotely"):
                return line.strip()

    try:
        assert await ask() == OLD
        edit(folder, OLD, NEW)
        deadline = asyncio.get_running_loop().time() + 20
        while await ask() != NEW:
            assert asyncio.get_running_loop().time() < deadline, "the chat did not reload"
            await asyncio.sleep(0.2)
    finally:
        chat.stdin.close()
        await asyncio.wait_for(chat.wait(), 20)
