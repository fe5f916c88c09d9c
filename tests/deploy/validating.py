"""Running deploy/validate.sh, on the repository or on a copy to break."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VALIDATE = ROOT / "deploy" / "validate.sh"
TOOLS = Path(os.environ.get("HIREBOT_DEPLOY_TOOLS", ROOT / "deploy" / ".tools"))


def run_validate(root: Path, rendered: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HIREBOT_RENDERED": str(rendered)}
    return subprocess.run(
        ["bash", str(VALIDATE), str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def broken_copy(tmp_path: Path) -> Path:
    """A copy of what validate.sh reads, to break."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "deploy", root / "deploy", ignore=shutil.ignore_patterns(".tools"))
    shutil.copytree(ROOT / ".circleci", root / ".circleci")
    shutil.copytree(ROOT / "knowledge", root / "knowledge")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
