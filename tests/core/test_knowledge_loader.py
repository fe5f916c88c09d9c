"""Loading validates everything and points at file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.dialogue import Responder
from bot.core.knowledge import KnowledgeError, load_knowledge
from tests.conftest import posting_yaml, topic_yaml


def problems_of(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    return [str(p) for p in caught.value.problems]


def test_valid_folder_loads_and_fills_facts(make_kb) -> None:
    answer = "Apply here: {apply_url}"
    root = make_kb(posting_yaml(topic_yaml("apply", answer)))
    posting = load_knowledge(root).posting()
    assert posting.slug == "test-job"
    # An unfilled value is never shown as a placeholder: the answer waits for it.
    assert posting.answer("apply", "fr") is None

    root = make_kb(posting_yaml(topic_yaml("apply", answer), "facts: {apply_url: https://x.y}\n"))
    assert load_knowledge(root).posting().answer("apply", "en") == "Apply here: https://x.y"


def test_posting_overrides_company_topic_by_id(make_kb) -> None:
    company = "company: ACME\ntopics:\n" + topic_yaml("salary", "Company.") + topic_yaml("mission")
    root = make_kb(posting_yaml(topic_yaml("salary", "Posting.")), company)
    posting = load_knowledge(root).posting()
    assert [t.id for t in posting.topics] == ["salary", "mission"]
    assert posting.answer("salary", "es") == "Posting."


def test_syntax_error_names_file_and_line(make_kb) -> None:
    root = make_kb(posting_yaml(topic_yaml("role")) + "  - id: [unclosed\n")
    [problem] = problems_of(root)
    assert "test-job.yaml:" in problem
    assert "YAML syntax" in problem
    line = int(problem.split(":")[1])
    assert line >= 20


def test_missing_translation_is_located(make_kb) -> None:
    text = posting_yaml(topic_yaml("role"))
    start = text.index("    fr:")
    end = text.index("    es:")
    root = make_kb(text[:start] + text[end:])
    [problem] = problems_of(root)
    assert "topics[0](role).fr" in problem
    assert "missing translation 'fr'" in problem
    assert ":7:5:" in problem  # the topic's own line, where 'fr' belongs


def test_unknown_key_is_located(make_kb) -> None:
    text = posting_yaml(topic_yaml("role")).replace("      answer:", "      answr:", 1)
    [*problems] = problems_of(make_kb(text))
    assert any("unknown key 'answr'" in p and ":12:" in p for p in problems)


def test_a_topic_with_neither_answer_nor_facts_is_located(make_kb) -> None:
    text = posting_yaml(topic_yaml("role")).replace('      answer: "An answer."\n', "", 1)
    [problem] = problems_of(make_kb(text))
    assert "topics[0](role)" in problem and "needs 'facts:' or an 'answer:'" in problem


def test_duplicate_topic_id(make_kb) -> None:
    root = make_kb(posting_yaml(topic_yaml("role") + topic_yaml("role")))
    [problem] = problems_of(root)
    assert "duplicate topic id 'role'" in problem


def test_duplicate_yaml_key(make_kb) -> None:
    text = posting_yaml(topic_yaml("role")).replace("owner: talent\n", "owner: a\n    owner: b\n")
    [problem] = problems_of(make_kb(text))
    assert "duplicate key" in problem and "owner" in problem


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("   ", "at least 1 character"),
        ("x" * 4097, "at most 4096 characters"),
        ("See {nowhere}", "unknown fact(s) ['nowhere']"),
        ("Open { brace", "bad placeholder"),
    ],
)
def test_bad_answers(make_kb, answer: str, message: str) -> None:
    problems = problems_of(make_kb(posting_yaml(topic_yaml("role", answer))))
    assert any(message in p and "answer" in p for p in problems), problems


def test_unknown_related_topic(make_kb) -> None:
    text = posting_yaml(topic_yaml("role")).replace(
        "owner: talent\n", "owner: talent\n    related: [nope]\n"
    )
    [problem] = problems_of(make_kb(text))
    assert "unknown topic 'nope'" in problem


def test_every_problem_of_every_file_in_one_run(make_kb) -> None:
    company = "company: ACME\ntopics:\n" + topic_yaml("mission").replace("owner: talent", "owner:")
    text = posting_yaml(topic_yaml("role").replace("2026-11-01", "someday"))
    problems = problems_of(make_kb(text, company))
    assert any("company.yaml" in p and "owner" in p for p in problems)
    assert any("test-job.yaml" in p and "last_reviewed" in p for p in problems)


def test_safe_load_refuses_python_tags(make_kb) -> None:
    text = posting_yaml(topic_yaml("role", "x")).replace(
        '"x"', "!!python/object/apply:os.system [ls]"
    )
    [problem] = problems_of(make_kb(text))
    assert "YAML" in problem


def test_empty_folder(tmp_path: Path) -> None:
    assert any("no posting files" in p for p in problems_of(tmp_path))


def test_postings_live_side_by_side(make_kb) -> None:
    company = "company: ACME\ntopics:\n" + topic_yaml("salary", "Shared.")
    root = make_kb(posting_yaml(topic_yaml("role")), company)
    other = posting_yaml(topic_yaml("salary", "Own.")).replace("slug: test-job", "slug: other-job")
    (root / "postings" / "other-job.yaml").write_text(
        other.replace("posting:\n", "posting:\n  default: true\n"), encoding="utf-8"
    )
    knowledge = load_knowledge(root)
    assert set(knowledge.postings) == {"test-job", "other-job"}
    assert knowledge.posting().slug == "other-job"
    assert knowledge.posting("test-job").answer("salary", "en") == "Shared."
    assert knowledge.posting("other-job").answer("salary", "en") == "Own."
    assert not knowledge.posting("other-job").has_topic("role")
    assert load_knowledge(root, default_posting="test-job").posting().slug == "test-job"
    responder = Responder(knowledge)
    assert responder.reply("question salary en", posting="test-job").text == "Shared."
    assert responder.reply("question salary en", posting="other-job").text == "Own."


def test_missing_folder(tmp_path: Path) -> None:
    assert any("knowledge folder not found" in p for p in problems_of(tmp_path / "nope"))
