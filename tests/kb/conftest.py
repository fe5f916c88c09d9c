"""Small knowledge folders written by the tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

TOPICS = {
    "remote": ("Remote work", "You can work remotely two days a week.", "remote work from home"),
    "salary": ("Salary", "The salary is 50k to 60k euros.", "salary pay compensation"),
    "stack": ("Tech stack", "We use Python and PostgreSQL.", "tech stack python database"),
}


def topic(
    topic_id: str,
    title: str,
    answer: str,
    words: str,
    *,
    reviewed: str = "2026-11-01",
    extra: str = "",
) -> str:
    """A topic whose examples in every language use `words`."""
    w = words.split()
    examples = [f"what about {w[0]}", f"tell me about the {w[1]}", f"{w[2]} question", *w]
    langs = "".join(
        f"""
  {lang}:
    title: {title}
    answer: "{answer}"
    examples: {examples + ([extra] if extra and lang == "en" else [])}"""
        for lang in ("en", "fr", "es")
    )
    return f"- id: {topic_id}\n  owner: talent\n  last_reviewed: {reviewed}{langs}\n"


def posting(topics: str, *, facts: str = "{}", probes: str = "[]") -> str:
    return (
        "posting:\n  slug: test-job\n  company: ACME\n"
        "  title: {en: Engineer, fr: Ingénieur, es: Ingeniero}\n"
        f"facts: {facts}\n"
        f"out_of_scope: {{en: {probes}, fr: [], es: []}}\n"
        "topics:\n" + textwrap.indent(topics, "  ")
    )


def write(folder: Path, text: str) -> Path:
    (folder / "postings").mkdir(parents=True, exist_ok=True)
    (folder / "postings" / "test-job.yaml").write_text(text, encoding="utf-8")
    return folder


def good_posting(**overrides: str) -> str:
    return posting("".join(topic(i, *TOPICS[i]) for i in TOPICS), **overrides)
