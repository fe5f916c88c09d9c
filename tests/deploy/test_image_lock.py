"""The image's lock installs as the Dockerfile installs it: every pinned file for the
image's platform exists on PyPI and matches a hash in the lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "deploy" / "requirements.lock"
# deploy/Dockerfile: CPython 3.11 on Debian bookworm (glibc 2.36), x86_64.
PLATFORMS = ["manylinux_2_36_x86_64", *(f"manylinux_2_{v}_x86_64" for v in (28, 17, 5))]
PLATFORMS += ["manylinux2014_x86_64", "manylinux1_x86_64", "linux_x86_64"]


def test_every_locked_file_downloads_and_matches_its_hash(tmp_path: Path):
    platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--isolated",
            "--quiet",
            "--no-deps",
            "--require-hashes",
            "--only-binary=:all:",
            *platforms,
            "--python-version",
            "3.11",
            "--index-url",
            "https://pypi.org/simple",
            "-r",
            str(LOCK),
            "-d",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    pins = [line for line in LOCK.read_text().splitlines() if "==" in line]
    assert len(list(tmp_path.iterdir())) == len(pins) > 30
