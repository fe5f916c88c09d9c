"""Read a YAML file with `safe_load` semantics, remembering where every value sits."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.knowledge.problems import Problem

Path_ = tuple[Hashable, ...]


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Parsed data plus the (line, column) of each value, keyed by its path."""

    file: Path
    data: Any
    marks: dict[Path_, tuple[int, int]]

    def locate(self, path: Path_) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest existing parent."""
        while path and path not in self.marks:
            path = path[:-1]
        return self.marks.get(path, (1, 1))


def read_yaml(file: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse `file`; syntax errors and duplicate keys come back as problems."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(file, 1, 1, "", f"cannot read file: {exc}")]
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(file, line, col, "", f"YAML syntax: {exc.problem or exc}")]
    except yaml.YAMLError as exc:
        return None, [Problem(file, 1, 1, "", f"YAML: {exc}")]
    finally:
        loader.dispose()
    marks: dict[Path_, tuple[int, int]] = {}
    problems: list[Problem] = []
    if node is not None:
        _walk(node, (), marks, problems, file)
    return YamlDocument(file, data, marks), problems


def _walk(
    node: yaml.Node,
    path: Path_,
    marks: dict[Path_, tuple[int, int]],
    problems: list[Problem],
    file: Path,
) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                field = ".".join(map(str, (*path, key)))
                problems.append(Problem(file, line, col, field, "duplicate key"))
            seen.add(key)
            _walk(value_node, (*path, key), marks, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), marks, problems, file)
