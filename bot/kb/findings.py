"""What `kb check` reports: errors block a commit and a reload, warnings don't."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.core.knowledge import KnowledgeError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, located in a knowledge file."""

    severity: Severity
    kind: str  # schema, duplicate-example, placeholder, stale, empty-fact, self-test, probe
    file: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "kind": self.kind,
            "file": str(self.file),
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


def schema_findings(error: KnowledgeError) -> list[Finding]:
    """The loader's problems as findings (all of them: the loader collects every one)."""
    return [
        Finding(
            Severity.ERROR,
            "schema",
            p.file,
            p.line,
            p.column,
            f"{p.field}: {p.message}" if p.field else p.message,
        )
        for p in error.problems
    ]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]
