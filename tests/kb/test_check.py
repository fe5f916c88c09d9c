"""`kb check`: schema errors, each lint, the self-test, the summary and exit codes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from bot.kb.check import check_knowledge
from bot.kb.findings import Severity
from tests.conftest import run_bot
from tests.kb.conftest import TOPICS, good_posting, posting, topic, write


def kinds(report) -> list[tuple[str, str]]:
    return [(f.severity.value, f.kind) for f in report.findings]


def test_a_clean_folder_passes(tmp_path: Path):
    report = check_knowledge(write(tmp_path, good_posting()))
    assert report.ok and report.findings == []
    assert report.figures is not None and report.figures.routed == report.figures.examples == 60


def test_schema_errors_all_at_once_with_file_and_line(tmp_path: Path):
    broken = good_posting().replace("- id: salary", "- id: remote", 1)  # duplicate id
    broken = broken.replace("  es:\n      title: Tech stack", "  xx:\n      title: Tech stack")
    report = check_knowledge(write(tmp_path, broken))
    assert not report.ok and report.figures is None
    messages = [str(f) for f in report.findings]
    assert any("duplicate topic id 'remote'" in m for m in messages)
    assert any("missing translation 'es'" in m for m in messages)
    assert all(m.startswith(f"{tmp_path}/postings/test-job.yaml:") for m in messages)


def test_an_answer_over_4096_characters(tmp_path: Path):
    long = posting(topic("remote", "Remote", "x" * 4100, TOPICS["remote"][2]))
    report = check_knowledge(write(tmp_path, long))
    assert any("4096" in f.message for f in report.findings) and not report.ok


def test_an_example_under_two_topics(tmp_path: Path):
    text = posting(
        topic("remote", *TOPICS["remote"], extra="can I work from home")
        + topic("salary", *TOPICS["salary"], extra="can I work from home")
    )
    report = check_knowledge(write(tmp_path, text))
    [dup] = [f for f in report.findings if f.kind == "duplicate-example"]
    assert dup.severity is Severity.ERROR
    assert "'can I work from home' is under topic 'salary' and also under 'remote'" in dup.message
    assert f"test-job.yaml:{dup.line}:" in str(dup) and dup.line > 20


def test_stale_topics_are_a_warning(tmp_path: Path):
    text = posting(topic("remote", *TOPICS["remote"], reviewed="2024-01-01"))
    report = check_knowledge(write(tmp_path, text), today=date(2026, 11, 27))
    assert kinds(report) == [("warning", "stale")] and report.ok
    assert "last reviewed on 2024-01-01" in report.findings[0].message
    fresh = check_knowledge(write(tmp_path, text), today=date(2024, 2, 1))
    assert fresh.findings == []


def test_placeholders_left_unfilled(tmp_path: Path):
    text = posting(topic("remote", "Remote", "TO REVIEW: how many days?", TOPICS["remote"][2]))
    report = check_knowledge(write(tmp_path, text))
    assert not report.ok
    found = [f for f in report.findings if f.kind == "placeholder"]
    assert len(found) == 3  # one answer per language
    assert "placeholder 'TO REVIEW' left in en.answer" in found[0].message


def test_an_empty_fact_is_a_warning(tmp_path: Path):
    text = posting(
        topic("remote", "Remote", "Apply at {apply_url}.", TOPICS["remote"][2]),
        facts="{apply_url: null}",
    )
    report = check_knowledge(write(tmp_path, text))
    assert kinds(report) == [("warning", "empty-fact")] and report.ok


def test_self_test_lists_each_confusion_with_the_winner_and_score(tmp_path: Path):
    text = good_posting(probes="['what about tech']")  # an off-topic probe that isn't one
    text = text.replace("tell me about the pay", "tech stack python", 1)
    report = check_knowledge(write(tmp_path, text))
    assert not report.ok
    example = [f for f in report.findings if f.kind == "self-test"]
    assert any(
        "example 'tech stack python' of topic 'salary' is answered with stack (score 0."
        in f.message
        for f in example
    )
    [probe] = [f for f in report.findings if f.kind == "probe"]
    assert "off-topic probe 'what about tech' is answered with stack (score 0.87)" in probe.message


def test_the_shipped_knowledge_base_passes():
    report = check_knowledge(Path("knowledge"))
    assert report.ok, "\n".join(str(f) for f in report.findings if f.severity is Severity.ERROR)


def test_cli_exit_codes_summary_and_json(tmp_path: Path):
    good = run_bot("kb", "check", str(write(tmp_path / "good", good_posting())), env={})
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.splitlines()[-1].startswith("OK: ")
    bad_folder = write(tmp_path / "bad", good_posting().replace("Remote work", "TODO"))
    bad = run_bot("kb", "check", str(bad_folder), env={})
    assert bad.returncode == 1 and "error: topic 'remote': placeholder 'TODO'" in bad.stdout
    assert bad.stdout.splitlines()[-1].startswith("FAILED: ")
    as_json = run_bot("kb", "check", "--json", str(bad_folder), env={})
    data = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and data["ok"] is False and data["errors"] == 3
    assert {f["kind"] for f in data["findings"]} == {"placeholder"}
