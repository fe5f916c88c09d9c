"""The deploy tools (kubectl, kubernetes-validate...) that deploy/validate.sh installs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.deploy.validating import ROOT, TOOLS, run_validate


@pytest.fixture(scope="session")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """deploy/.tools/bin, installed by a first run of validate.sh if it is not there yet."""
    if not (TOOLS / ".installed").exists():
        done = run_validate(ROOT, tmp_path_factory.mktemp("install"))
        assert (TOOLS / ".installed").exists(), done.stdout + done.stderr
    return TOOLS / "bin"


@pytest.fixture(scope="session")
def kubectl(tools: Path) -> str:
    """kubectl as validate.sh finds it: the machine's, else the one it installed."""
    found = shutil.which("kubectl") or shutil.which("kubectl", path=str(tools))
    assert found, "validate.sh installs kubectl when the machine has none"
    return found
