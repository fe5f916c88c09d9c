"""Lints beyond the schema: duplicated examples, placeholders, stale topics, empty facts.

They read the YAML files again, with the position of every value, so that each
finding points at the line to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.core.knowledge import LANGUAGES, KnowledgeBase
from bot.core.knowledge.yaml_source import YamlDocument, read_yaml
from bot.core.text import clean, fold
from bot.kb.findings import Finding, Severity

# Left by `kb draft`, by `kb suggest`, or by a hurried admin.
PLACEHOLDER = re.compile(r"\b(TO REVIEW|TODO|FIXME|TBD|XXX)\b")
TEXT_FIELDS = ("title", "answer")


def lint(knowledge: KnowledgeBase, stale_after_days: int, today: date) -> list[Finding]:
    """Every lint over the files the knowledge base was loaded from."""
    docs = _documents(knowledge)
    findings: list[Finding] = []
    for doc in docs:
        findings += _placeholders(doc)
        findings += _stale(doc, today - timedelta(days=stale_after_days), stale_after_days)
        findings += _empty_facts(doc)
    findings += _shared_examples(knowledge, docs)
    return findings


def _documents(knowledge: KnowledgeBase) -> list[YamlDocument]:
    files = sorted({f for p in knowledge.postings.values() for f in p.source_files})
    return [doc for doc, _ in map(read_yaml, files) if doc is not None]


def _topics(doc: YamlDocument) -> Iterator[tuple[int, dict[str, Any]]]:
    for i, topic in enumerate((doc.data or {}).get("topics") or []):
        if isinstance(topic, dict):
            yield i, topic


def _finding(
    doc: YamlDocument, path: tuple[Any, ...], severity: Severity, kind: str, message: str
) -> Finding:
    line, column = doc.locate(path)
    return Finding(severity, kind, doc.file, line, column, message)


def _placeholders(doc: YamlDocument) -> list[Finding]:
    found = []
    for i, topic in _topics(doc):
        for lang in LANGUAGES:
            block = topic.get(lang) or {}
            texts: list[tuple[tuple[str | int, ...], object]]
            texts = [((lang, f), block.get(f)) for f in TEXT_FIELDS]
            texts += [((lang, "examples", j), e) for j, e in enumerate(block.get("examples") or [])]
            for path, text in texts:
                match = PLACEHOLDER.search(str(text or ""))
                if match:
                    found.append(
                        _finding(
                            doc,
                            ("topics", i, *path),
                            Severity.ERROR,
                            "placeholder",
                            f"topic {topic.get('id')!r}: placeholder {match.group()!r} left "
                            f"in {'.'.join(map(str, path))}",
                        )
                    )
    return found


def _stale(doc: YamlDocument, cutoff: date, days: int) -> list[Finding]:
    return [
        _finding(
            doc,
            ("topics", i, "last_reviewed"),
            Severity.WARNING,
            "stale",
            f"topic {topic.get('id')!r} was last reviewed on {topic['last_reviewed']}, "
            f"over {days} days ago",
        )
        for i, topic in _topics(doc)
        if isinstance(topic.get("last_reviewed"), date) and topic["last_reviewed"] < cutoff
    ]


def _empty_facts(doc: YamlDocument) -> list[Finding]:
    facts = (doc.data or {}).get("facts") or {}
    return [
        _finding(
            doc,
            ("facts", name),
            Severity.WARNING,
            "empty-fact",
            f"fact {name!r} is empty: answers that use it tell candidates to ask a recruiter",
        )
        for name, value in facts.items()
        if value in (None, "")
    ]


def _shared_examples(knowledge: KnowledgeBase, docs: list[YamlDocument]) -> list[Finding]:
    """The same question under two topics that one posting serves: the matcher can't
    tell them apart, so one of the two topics never gets it."""
    by_file = {doc.file: doc for doc in docs}
    found: dict[tuple[Path, int, int], Finding] = {}
    for posting in knowledge.postings.values():
        where = _topic_places(posting.source_files, by_file)
        seen: dict[tuple[str, str], tuple[str, YamlDocument, tuple[Any, ...]]] = {}
        for topic in posting.topics:
            doc, i = where[topic.id]
            for lang in LANGUAGES:
                for j, example in enumerate(topic.text(lang).examples):
                    key = (lang, fold(clean(example)))
                    path = ("topics", i, lang, "examples", j)
                    if key in seen and seen[key][0] != topic.id:
                        other, other_doc, other_path = seen[key]
                        line, _ = other_doc.locate(other_path)
                        finding = _finding(
                            doc,
                            path,
                            Severity.ERROR,
                            "duplicate-example",
                            f"example {example!r} is under topic {topic.id!r} and also under "
                            f"{other!r} ({other_doc.file}:{line})",
                        )
                        found[(finding.file, finding.line, finding.column)] = finding
                    seen.setdefault(key, (topic.id, doc, path))
    return list(found.values())


def _topic_places(
    files: tuple[Path, ...], by_file: dict[Path, YamlDocument]
) -> dict[str, tuple[YamlDocument, int]]:
    """Where each topic of a posting is defined; a posting's topic overrides the company's."""
    places: dict[str, tuple[YamlDocument, int]] = {}
    for file in files:
        doc = by_file[file]
        for i, topic in _topics(doc):
            places[str(topic.get("id"))] = (doc, i)
    return places
