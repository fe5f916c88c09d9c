"""The folders tell the truth: which part of the bot may import which."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

BOT = Path(__file__).parents[1] / "bot"


def package_imports() -> dict[str, set[str]]:
    """For each top-level part of `bot` (package or module), the other parts it imports."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in BOT.rglob("*.py"):
        part = path.relative_to(BOT).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = node.module.split(".")
                if names[0] == "bot" and len(names) > 1 and names[1] != part:
                    graph[part].add(names[1])
    return graph


def test_the_core_imports_nothing_else_of_the_bot() -> None:
    assert package_imports()["core"] == set()


def test_admin_tooling_never_imports_a_channel() -> None:
    graph = package_imports()
    assert "channels" not in graph["kb"]
    assert "channels" not in graph["runtime"]
    assert not {"channels", "console", "kb"} & graph["store"]


def test_no_import_cycle_between_parts() -> None:
    graph = package_imports()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(part for part in graph if reaches(part, part, {part}))
    assert cycles == []
