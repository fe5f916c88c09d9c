"""Typed knowledge-base errors that point at a file, a line and a field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in a knowledge file, located for the admin who must fix it."""

    file: Path
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"


class KnowledgeError(Exception):
    """The knowledge base is invalid; nothing of it may be served."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (str(p.file), p.line, p.column)))
        count = len(self.problems)
        listing = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem(s) in the knowledge base:\n{listing}")
