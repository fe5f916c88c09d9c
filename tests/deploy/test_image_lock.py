"""The image's install steps, run here as deploy/Dockerfile runs them: the lock installs
with --require-hashes from PyPI (every file matches a hash), it is complete (`pip check`,
with no dependency resolution of its own), and the installed bot runs with all its files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "deploy" / "requirements.lock"


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    # --isolated: PyPI itself, never this machine's pip configuration or mirrors.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )


def normal(pin: str) -> str:
    """name==version with the name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", pin.lower())


def test_the_locked_install_is_verified_complete_and_runs(tmp_path: Path):
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv, cwd=tmp_path).returncode == 0
    pip = [venv / "bin" / "python", "-m", "pip", "--isolated", "--disable-pip-version-check"]
    index = ["--index-url", "https://pypi.org/simple"]

    locked = run(
        *pip,
        "install",
        "--quiet",
        *index,
        "--require-hashes",
        "--no-deps",
        "-r",
        LOCK,
        cwd=tmp_path,
    )
    assert locked.returncode == 0, locked.stderr
    bot = run(*pip, "install", "--quiet", *index, "--no-deps", ROOT, cwd=tmp_path)
    assert bot.returncode == 0, bot.stderr
    check = run(*pip, "check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout  # no locked package misses a dependency

    listed = set(map(normal, run(*pip, "list", "--format=freeze", cwd=tmp_path).stdout.split()))
    pins = {normal(line.split(" ")[0]) for line in LOCK.read_text().splitlines() if "==" in line}
    assert len(pins) > 30 and pins <= listed, sorted(pins - listed)

    # The installed bot, outside the checkout, answers from the shipped knowledge.
    asked = run(
        venv / "bin" / "python",
        "-m",
        "bot",
        "ask",
        "--knowledge",
        ROOT / "knowledge",
        "is the job remote?",
        cwd=tmp_path,
    )
    assert asked.returncode == 0, asked.stderr
    assert "remote" in asked.stdout.lower()

    # Every file the package holds in git is installed: the console's pages included.
    where = run(venv / "bin" / "python", "-c", "import bot; print(bot.__file__)", cwd=tmp_path)
    installed = Path(where.stdout.strip()).parent
    tracked = [
        f for f in run("git", "ls-files", "bot", cwd=ROOT).stdout.split() if (ROOT / f).exists()
    ]
    missing = [f for f in tracked if not (installed.parent / f).is_file()]
    assert len(tracked) > 100 and not missing, missing
