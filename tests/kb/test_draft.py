"""`kb draft`: facts read from three postings in three styles, a draft that loads once its
markers are resolved, and how much of the curated Back Market file the draft gets right."""

from __future__ import annotations

import functools
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.knowledge import LANGUAGES, load_knowledge
from bot.kb.check import check_knowledge
from bot.kb.draft import CompanyInfo, make_draft, read_company_file, slugify
from bot.kb.draft_compare import compare, key_facts
from bot.kb.draft_topics import MARKER
from bot.kb.posting_text import read_posting
from tests.conftest import KNOWLEDGE, ROOT, run_bot

TODAY = date(2026, 12, 1)
POSTINGS = ROOT / "tests" / "data" / "postings"
BACK_MARKET = ROOT / "seeds" / "backmarket-backend-engineer.txt"
LUMEN = POSTINGS / "lumen-fullstack-fr.txt"
NORTHWIND = POSTINGS / "northwind-platform-us.txt"
SOL = POSTINGS / "sol-data-es.txt"
ALL = (BACK_MARKET, LUMEN, NORTHWIND, SOL)


def fresh_draft(path: Path, **options: Any):
    return make_draft(
        path.read_text(encoding="utf-8"),
        source=str(path.relative_to(ROOT)),
        today=TODAY,
        company_file=read_company_file(KNOWLEDGE),
        **options,
    )


@functools.cache
def _cached_draft(path: Path, options: tuple[tuple[str, Any], ...]):
    return fresh_draft(path, **dict(options))


def draft_of(path: Path, **options: Any):
    """A draft, made once per run for the same posting and options (a few seconds each;
    the tests only read it)."""
    return _cached_draft(path, tuple(sorted(options.items())))


def resolve_markers(value: Any) -> Any:
    """What an admin does, done mechanically: drop every marker, keep the text."""
    if isinstance(value, dict):
        return {k: resolve_markers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_markers(v) for v in value]
    if isinstance(value, str):
        text = re.sub(rf"{MARKER}(?: \([^)]*\))?:\s*", "", value)
        return re.sub(rf"\s*\(?{MARKER}\)?", "", text).strip()
    return value


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


# -- facts ----------------------------------------------------------------------------


def test_back_market_facts() -> None:
    facts = read_posting(BACK_MARKET.read_text(encoding="utf-8"))
    assert (facts.lang, facts.title, facts.company) == ("en", "Backend Engineer", "Back Market")
    assert facts.stack == (
        "Python", "FastAPI", "Django", "Kubernetes", "GKE", "Docker", "ArgoCD", "CircleCI",
        "GitHub",
    )  # fmt: skip
    assert facts.remote.policy == "frequent remote"
    assert facts.remote.quotes == ("Télétravail fréquent",)
    assert facts.salary.stated is False
    assert facts.salary.quote == "Salaire : Non spécifié"
    assert facts.locations == ()  # no office named for the role...
    assert facts.mentioned_places == ("Málaga",)  # ...only where the recruiter sits
    assert facts.languages == ("English",)
    assert [s.split()[0] for s in facts.process_steps] == [
        "Call",
        "Technical",
        "Tech",
        "Team",
        "Back",
    ]
    assert "30mns code review" in facts.process_steps[1]
    assert facts.contract == ()
    assert facts.experience == ("experienced",)
    assert facts.apply_url is None
    # Job-board boilerplate is not part of the posting.
    assert not any("Envie" in s or "D’autres offres" in s for s in facts.process_steps)


def test_french_startup_facts() -> None:
    facts = read_posting(LUMEN.read_text(encoding="utf-8"))
    assert (facts.lang, facts.company) == ("fr", "Lumen Santé")
    assert facts.title == "Développeur·se Full-Stack (H/F)"
    assert facts.stack == (
        "Node.js", "TypeScript", "React", "Next.js", "PostgreSQL", "Redis", "AWS", "Docker",
        "Terraform", "GitLab",
    )  # fmt: skip
    assert (facts.remote.policy, facts.remote.days) == ("hybrid", 2)
    assert (facts.salary.low, facts.salary.high, facts.salary.currency) == (45_000, 55_000, "EUR")
    assert facts.locations == ("Lyon",)
    assert facts.languages == ("French", "English")
    assert len(facts.process_steps) == 4
    assert facts.process_steps[1].startswith("Un test technique")
    assert facts.contract == ("permanent (CDI)", "full-time")
    assert facts.years == 3
    assert "Pour postuler, envoie ton CV à jobs@lumen-sante.fr" in facts.quoted("apply")
    assert facts.quoted("benefits")[0] == "Mutuelle prise en charge à 100 %"


def test_us_remote_posting_facts() -> None:
    facts = read_posting(NORTHWIND.read_text(encoding="utf-8"))
    assert (facts.lang, facts.company) == ("en", "Northwind Analytics")
    assert facts.stack == ("Kubernetes", "AWS", "EKS", "Terraform", "Go", "Datadog", "Python")
    assert facts.remote.policy == "fully remote"
    assert "US time zones" in facts.remote.quotes[0]
    assert (facts.salary.low, facts.salary.high, facts.salary.currency) == (
        150_000,
        185_000,
        "USD",
    )
    assert facts.locations == ()
    assert facts.languages == ("English",)
    assert len(facts.process_steps) == 4
    assert facts.experience == ("senior",)
    assert facts.years == 6
    assert facts.apply_url == "https://northwind.example.com/careers/platform-engineer"


def test_spanish_posting_facts() -> None:
    facts = read_posting(SOL.read_text(encoding="utf-8"))
    assert (facts.lang, facts.company) == ("es", "Sol Energía")
    assert facts.stack == ("Python", "SQL", "Airflow", "BigQuery")
    assert (facts.remote.policy, facts.remote.days) == ("hybrid", 3)
    assert (facts.salary.low, facts.salary.high, facts.salary.currency) == (38_000, 44_000, "EUR")
    assert facts.locations == ("Madrid",)
    assert facts.languages == ("English", "French")
    assert facts.process_steps == (
        "Entrevista telefónica con Recursos Humanos",
        "Prueba técnica",
        "Entrevista final con el equipo de datos",
    )


def test_a_posting_without_salary_says_nothing_about_one() -> None:
    facts = read_posting(
        "Data Analyst\n\nACME\n\nWe use Python and dbt.\nWork from our Paris office."
    )
    assert facts.salary.stated is False and facts.salary.quote is None
    assert facts.locations == ("Paris",)
    assert facts.stack == ("Python", "dbt")


# -- the draft -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_draft_fails_until_markers_are_resolved_then_loads(path: Path, tmp_path: Path) -> None:
    draft = draft_of(path)
    data = yaml.safe_load(draft.yaml_text)
    texts = [
        s
        for topic in data["topics"]
        for lang in LANGUAGES
        for s in [topic[lang]["title"], topic[lang]["answer"], *topic[lang]["examples"]]
    ]
    assert draft.markers == sum(s.count(MARKER) for s in texts) > 0
    # Every answer waits for an admin: checked in the posting's language, translated elsewhere.
    for topic in data["topics"]:
        for lang in LANGUAGES:
            assert topic[lang]["answer"].startswith(f"{MARKER} ("), (topic["id"], lang)
            # The draft's self-test may drop starter examples, never a language's last one.
            assert 1 <= len(topic[lang]["examples"]) <= 15
        assert topic["owner"] == "to-review" and topic["last_reviewed"] == TODAY

    (tmp_path / "postings").mkdir()
    copy_sources(tmp_path)
    shutil.copy(KNOWLEDGE / "company.yaml", tmp_path / "company.yaml")
    resolved = resolve_markers(data)
    assert not any(MARKER in s for s in strings(resolved))
    (tmp_path / "postings" / f"{draft.slug}.yaml").write_text(
        yaml.safe_dump(resolved, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    posting = load_knowledge(tmp_path).posting(draft.slug)
    drafted = {t["id"] for t in data["topics"]}
    assert drafted <= {t.id for t in posting.topics}
    for topic_id in drafted:
        for lang in LANGUAGES:
            answer = posting.answer(topic_id, lang)  # None while {apply_url} is unknown
            template = posting.topic(topic_id).text(lang).answer or ""
            assert "{apply_url}" in template or (answer is not None and "/human" in answer)


def copy_sources(folder: Path) -> None:
    """The posting texts the YAML names (`source:`), at the same place relative to it."""
    for path in ALL:
        target = folder / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)


def write_resolved(draft: Any, folder: Path, company: bool) -> Path:
    """The draft after review (markers resolved), with or without the shipped company file."""
    (folder / "postings").mkdir(parents=True)
    copy_sources(folder)
    if company:
        shutil.copy(KNOWLEDGE / "company.yaml", folder / "company.yaml")
    resolved = resolve_markers(yaml.safe_load(draft.yaml_text))
    (folder / "postings" / f"{draft.slug}.yaml").write_text(
        yaml.safe_dump(resolved, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize("path", (LUMEN, NORTHWIND, SOL), ids=lambda p: p.stem)
def test_another_companys_resolved_draft_passes_kb_check(path: Path, tmp_path: Path) -> None:
    """Another company has no company.yaml yet: the draft is its whole knowledge base."""
    draft = make_draft(
        path.read_text(encoding="utf-8"),
        source=str(path.relative_to(ROOT)),
        today=TODAY,
        company_file=None,
    )
    report = check_knowledge(write_resolved(draft, tmp_path, company=False), today=TODAY)
    failed = "\n".join(str(f) for f in report.findings if f.severity.value == "error")
    assert report.ok, f"{path.name}:\n{failed}"


def test_back_markets_resolved_draft_beside_its_company_file(tmp_path: Path) -> None:
    """Known gap: beside the shipped company.yaml, a few of that file's own borderline
    examples and probes fail against the draft's thinner topics. kb check names each with
    file and line, so the admin's review fixes them; the draft can't edit company.yaml."""
    draft = draft_of(BACK_MARKET)
    report = check_knowledge(write_resolved(draft, tmp_path, company=True), today=TODAY)
    failed = [f for f in report.findings if f.severity.value == "error"]
    assert len(failed) <= 4, "\n".join(map(str, failed))
    assert all(f.kind in ("self-test", "probe") for f in failed)
    assert all(f.file.name == "company.yaml" for f in failed)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_every_number_in_a_draft_answer_is_in_the_posting(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    draft = draft_of(path)
    for topic in draft.topics:
        for lang in LANGUAGES:
            for number in re.findall(r"\d+", topic.texts[lang]["answer"]):
                assert number in text or int(number) <= len(topic.quoted), (topic.id, number)


def test_draft_is_deterministic_and_readable() -> None:
    first, second = fresh_draft(LUMEN), fresh_draft(LUMEN)
    assert first.yaml_text == second.yaml_text
    assert "answer: |-\n" in first.yaml_text
    assert "&id" not in first.yaml_text  # no YAML anchors for the shared date
    assert "related: [" in first.yaml_text


def test_silences_point_to_a_recruiter() -> None:
    draft = draft_of(BACK_MARKET)
    by_id = {t.id: t for t in draft.topics}
    salary = by_id["salary"].texts["en"]["answer"]
    assert "doesn't give a salary figure" in salary and "Non spécifié" in salary
    assert "contract" not in by_id  # silent: left to company.yaml's out-of-scope probes
    # company.yaml's security-privacy relates to architecture, so a posting must have one.
    sol = {t.id: t for t in draft_of(SOL).topics}
    architecture = sol["architecture"].texts["fr"]["answer"]
    assert "L'annonce ne décrit pas l'architecture." in architecture and "/human" in architecture
    assert "contract" in sol
    # Braces from the posting are literal text, not fact placeholders.
    assert "{{security, privacy}}" in by_id["role"].texts["en"]["answer"]


def test_company_topics_only_for_another_company() -> None:
    back_market = {t.id for t in draft_of(BACK_MARKET).topics}
    lumen = draft_of(LUMEN)
    assert "company" not in back_market  # company.yaml already describes Back Market
    assert {"company", "engineering-org"} <= {t.id for t in lumen.topics}
    company = next(t for t in lumen.topics if t.id == "company")
    assert company.texts["fr"]["title"] == "À propos de Lumen Santé"
    assert "40 collaborateurs" in company.texts["fr"]["answer"]


def test_options_override_detection() -> None:
    draft = draft_of(SOL, slug="datos-madrid", company="Sol Energía SA", lang="en")
    assert (draft.slug, draft.company, draft.facts.lang) == ("datos-madrid", "Sol Energía SA", "en")
    assert slugify("Back Market Backend Engineer") == "back-market-backend-engineer"
    assert len(slugify("x" * 10 + " word" * 20)) <= 40


def test_company_file_of_another_company() -> None:
    draft = draft_of(BACK_MARKET, company="Back Market")
    other = make_draft(
        BACK_MARKET.read_text(encoding="utf-8"),
        source="x.txt",
        today=TODAY,
        company_file=CompanyInfo("Someone Else", ("company",)),
    )
    assert not draft.include_company_level and other.include_company_level


# -- against the curated knowledge base ------------------------------------------------


def curated_text(topic: dict[str, Any]) -> str:
    """A curated topic's English, whole: its answer, or its intro and facts' sentences."""
    en = topic["en"]
    facts = [f["en"]["text"] for f in topic.get("facts") or []]
    return en.get("answer") or " ".join([en.get("intro") or "", *facts]).strip()


def test_draft_against_the_curated_back_market_file(capsys: pytest.CaptureFixture[str]) -> None:
    posting_text = BACK_MARKET.read_text(encoding="utf-8")
    curated_data = yaml.safe_load(
        (KNOWLEDGE / "postings" / "backmarket-backend-engineer.yaml").read_text(encoding="utf-8")
    )
    curated = {t["id"]: curated_text(t) for t in curated_data["topics"]}
    draft = draft_of(BACK_MARKET)
    drafted = {t.id: t.texts["en"]["answer"] for t in draft.topics}
    result = compare(drafted, curated, posting_text)
    with capsys.disabled():
        print("\n" + result.report())
        print(
            f"starter examples dropped by the draft's self-test: {len(draft.fit.pruned)}, "
            f"still failing: {draft.fit.failures}"
        )
    assert result.topics_drafted >= 11  # of 12 curated topics
    assert result.fact_share >= 0.75
    by_id = {t.topic_id: t for t in result.topics}
    for topic_id in ("tech-stack", "interview-process", "salary", "language"):
        assert by_id[topic_id].found == by_id[topic_id].key_facts, topic_id


def test_key_facts_keep_only_what_the_posting_states() -> None:
    posting = "We use Python. Interviews: 30 minutes with Ana Gloria in Málaga."
    facts = key_facts(
        'The process has 5 steps, 30 minutes with Ana Gloria in Málaga, "Python".', posting
    )
    assert set(facts) == {"30", "Python", "Málaga", "Ana Gloria"}


# -- the command ------------------------------------------------------------------------


def test_cli_writes_the_draft_and_a_summary(tmp_path: Path) -> None:
    output = tmp_path / "draft.yaml"
    result = run_bot(
        "kb", "draft", str(LUMEN), "--output", str(output), env={"BOT_KNOWLEDGE": str(KNOWLEDGE)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    data = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert data["posting"]["slug"] == "lumen-sante-developpeur-se-full-stack"
    assert data["posting"]["company"] == "Lumen Santé"
    assert "salary: 45000-55000 EUR" in result.stderr
    assert "remote: hybrid, 2 days a week" in result.stderr
    assert "its topics mission, funding, security-privacy would answer" in result.stderr
    assert re.search(r"^\d+ TO REVIEW markers remain\.$", result.stderr, re.MULTILINE)

    to_stdout = run_bot("kb", "draft", str(BACK_MARKET), "--slug", "bm-draft", env={})
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert yaml.safe_load(to_stdout.stdout)["posting"]["slug"] == "bm-draft"
    assert "stack: Python, FastAPI, Django" in to_stdout.stderr

    missing = run_bot("kb", "draft", str(tmp_path / "nope.txt"), env={})
    assert missing.returncode == 2 and "cannot read" in missing.stderr
