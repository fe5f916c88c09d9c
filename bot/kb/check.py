"""`python -m bot kb check [DIR]`: the gate to run before committing a knowledge change."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.core.dialogue import Responder
from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.kb.findings import Finding, errors, schema_findings
from bot.kb.lints import lint
from bot.kb.selftest import SelfTestFigures, self_test
from bot.settings import Settings

STALE_AFTER_DAYS = 180


@dataclass(slots=True)
class CheckReport:
    folder: Path
    findings: list[Finding] = field(default_factory=list)
    postings: int = 0
    topics: int = 0
    figures: SelfTestFigures | None = None
    responder: Responder | None = None  # the checked knowledge, ready to serve if clean

    @property
    def ok(self) -> bool:
        return not errors(self.findings)

    def as_json(self) -> dict[str, object]:
        f = self.figures
        return {
            "folder": str(self.folder),
            "ok": self.ok,
            "errors": len(errors(self.findings)),
            "warnings": len(self.findings) - len(errors(self.findings)),
            "postings": self.postings,
            "topics": self.topics,
            "self_test": None
            if f is None
            else {
                "examples": f.examples,
                "routed": f.routed,
                "clarified": f.clarified,
                "probes": f.probes,
                "rejected": f.rejected,
            },
            "findings": [x.as_json() for x in self.findings],
        }


def check_knowledge(
    folder: Path,
    *,
    posting: str | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
    today: date | None = None,
) -> CheckReport:
    """Load, lint and self-test `folder`; never raises on a broken knowledge base."""
    report = CheckReport(folder)
    try:
        knowledge = load_knowledge(folder, posting)
    except KnowledgeError as exc:
        report.findings = schema_findings(exc)
        return report
    report.postings = len(knowledge.postings)
    report.topics = len({t.id for p in knowledge.postings.values() for t in p.topics})
    report.findings = lint(knowledge, stale_after_days, today or date.today())
    responder = Responder(knowledge)
    tested, report.figures = self_test(responder)
    report.findings += tested
    report.findings.sort(key=lambda f: (str(f.file), f.line, f.column))
    report.responder = responder
    return report


def summary(report: CheckReport, seconds: float) -> str:
    lines = [str(f) for f in report.findings]
    count_errors = len(errors(report.findings))
    warnings = len(report.findings) - count_errors
    if report.figures is not None:
        f = report.figures
        lines.append(
            f"self-test: {f.routed}/{f.examples} examples reach their topic"
            f' ({f.clarified} only through "did you mean"),'
            f" {f.rejected}/{f.probes} off-topic probes rejected"
        )
    verdict = "OK" if report.ok else "FAILED"
    lines.append(
        f"{verdict}: {report.folder}: {report.postings} posting(s), {report.topics} topics, "
        f"{count_errors} error(s), {warnings} warning(s) in {seconds:.1f} s"
    )
    return "\n".join(lines)


def add_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings
) -> None:
    p = sub.add_parser(
        "check",
        help="Validate, lint and self-test a knowledge folder (run it before committing).",
        description=__doc__,
    )
    p.add_argument("knowledge", nargs="?", type=Path, metavar="DIR")
    p.add_argument(
        "--stale-days",
        type=int,
        default=STALE_AFTER_DAYS,
        help=f"warn when a topic's last_reviewed is older (default {STALE_AFTER_DAYS})",
    )
    p.add_argument("--json", action="store_true", help="one JSON object, for tools")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    start = time.perf_counter()
    report = check_knowledge(settings.knowledge, stale_after_days=args.stale_days)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        print(summary(report, time.perf_counter() - start), file=sys.stdout)
    return 0 if report.ok else 1
