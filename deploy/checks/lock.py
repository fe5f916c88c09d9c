"""The image's lock file satisfies pyproject.toml, and every pin carries hashes.

python -m checks.lock PYPROJECT LOCK
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from checks.objects import run

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(\S+)")


def pins(text: str) -> tuple[dict[str, str], list[str]]:
    """{name: version} of the lock, and the names pinned without a hash."""
    entries = re.split(r"\n(?=\S)", text)
    versions, unhashed = {}, []
    for entry in entries:
        match = PIN.match(entry)
        if not match:
            continue
        name = canonicalize_name(match[1])
        versions[name] = match[3]
        if "--hash=sha256:" not in entry:
            unhashed.append(name)
    return versions, unhashed


def check(args: list[str]) -> list[str]:
    project = tomllib.loads(Path(args[0]).read_text())["project"]
    versions, unhashed = pins(Path(args[1]).read_text())
    problems = [f"{args[1]}: {name} has no --hash" for name in unhashed]
    for line in project["dependencies"]:
        wanted = Requirement(line)
        name = canonicalize_name(wanted.name)
        if name not in versions:
            problems.append(f"{args[1]}: {wanted.name} is in pyproject.toml but not locked")
        elif not wanted.specifier.contains(versions[name], prereleases=True):
            problems.append(
                f"{args[1]}: {wanted.name}=={versions[name]} does not satisfy {wanted.specifier}"
            )
    if problems:
        problems.append("run deploy/lock.sh and commit deploy/requirements.lock")
    return problems


if __name__ == "__main__":
    run(check)
