"""Assemble validated files into postings: company topics, overridden per posting."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import ValidationError

from bot.core.knowledge.problems import KnowledgeError, Problem
from bot.core.knowledge.quotes import SourceText, read_source
from bot.core.knowledge.schema import (
    LANGUAGES,
    MAX_ANSWER_CHARS,
    CompanyFile,
    Localized,
    PostingFile,
    Topic,
)
from bot.core.knowledge.yaml_source import YamlDocument, read_yaml

COMPANY_FILE = "company.yaml"
POSTINGS_DIR = "postings"

M = TypeVar("M", CompanyFile, PostingFile)
# The longest value a placeholder may take, for the answer length check.
_LONGEST_VALUE = 300


@dataclass(frozen=True, slots=True)
class Posting:
    """One job posting with every topic a conversation about it can reach."""

    slug: str
    company: str
    title: Localized
    facts: Mapping[str, str | None]
    topics: tuple[Topic, ...]
    out_of_scope: Mapping[str, tuple[str, ...]]
    source_files: tuple[Path, ...]
    customer_service: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The posting text its facts quote (company and posting), when it was found.
    source: SourceText | None = None
    _by_id: Mapping[str, Topic] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({t.id: t for t in self.topics}))

    def topic(self, topic_id: str) -> Topic:
        return self._by_id[topic_id]

    def has_topic(self, topic_id: str) -> bool:
        return topic_id in self._by_id

    def answer(self, topic_id: str, lang: str) -> str | None:
        """A topic's own answer in `lang` (small talk; job topics are answered by their
        facts), or None while a value it names is not filled in."""
        return self._filled(self.topic(topic_id).text(lang).answer or "")

    def fact_text(self, topic_id: str, fact_id: str, lang: str) -> str | None:
        """A fact's sentence in `lang`, or None while a value it names is not filled in."""
        return self._filled(self.topic(topic_id).fact(fact_id).text(lang).text)

    def mentions(self, phrase: str) -> bool:
        """Whether the posting's own text names `phrase` (folded, whole words)."""
        return self.source is not None and self.source.mentions(phrase)

    def _filled(self, template: str) -> str | None:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        if any(self.facts.get(name) is None for name in names):
            return None
        return template.format_map(self.facts)


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Every posting found in one knowledge folder; immutable once loaded."""

    root: Path
    postings: Mapping[str, Posting]
    default_slug: str

    def posting(self, slug: str | None = None) -> Posting:
        """The posting `slug`, or the default one; KeyError if unknown."""
        return self.postings[slug or self.default_slug]


def load_knowledge(root: Path, default_posting: str | None = None) -> KnowledgeBase:
    """Load and validate the whole folder; raise KnowledgeError listing every problem."""
    if not root.is_dir():
        raise KnowledgeError([Problem(root, 1, 1, "", "knowledge folder not found")])
    problems: list[Problem] = []
    company_path = root / COMPANY_FILE
    company = _load_model(company_path, CompanyFile, problems) if company_path.exists() else None
    posting_paths = sorted((root / POSTINGS_DIR).glob("*.y*ml"))
    if not posting_paths:
        problems.append(Problem(root, 1, 1, "", f"no posting files in {root / POSTINGS_DIR}"))
    postings: dict[str, Posting] = {}
    defaults: list[str] = []
    for path in posting_paths:
        loaded = _load_model(path, PostingFile, problems)
        if loaded is None:
            continue
        doc, model = loaded
        if model.posting.slug in postings:
            problems.append(_at(doc, ("posting", "slug"), f"duplicate slug {model.posting.slug!r}"))
            continue
        postings[model.posting.slug] = _assemble(company, doc, model, problems)
        if model.posting.default:
            defaults.append(model.posting.slug)
    if len(defaults) > 1:
        problems.append(Problem(root, 1, 1, "posting.default", f"several defaults: {defaults}"))
    if problems:
        raise KnowledgeError(problems)
    default_slug = default_posting or (defaults[0] if defaults else sorted(postings)[0])
    if default_slug not in postings:
        raise KnowledgeError([Problem(root, 1, 1, "", f"unknown posting {default_slug!r}")])
    return KnowledgeBase(root, MappingProxyType(postings), default_slug)


def _load_model(
    path: Path, model: type[M], problems: list[Problem]
) -> tuple[YamlDocument, M] | None:
    doc, found = read_yaml(path)
    problems.extend(found)
    if doc is None or found:
        return None
    # Duplicate ids are found on the raw data, so they are reported with schema errors.
    problems.extend(_check_topic_ids(doc))
    try:
        parsed = model.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(_explain(doc, error) for error in exc.errors())
        return None
    return doc, parsed


def _explain(doc: YamlDocument, error: Any) -> Problem:
    loc = tuple(error["loc"])
    line, col = doc.locate(loc)
    field_name = _field_name(doc, loc)
    message = error["msg"]
    if error["type"] == "missing" and loc and loc[-1] in LANGUAGES:
        message = f"missing translation {loc[-1]!r}"
    elif error["type"] == "extra_forbidden":
        message = f"unknown key {loc[-1]!r}"
    return Problem(doc.file, line, col, field_name, message)


def _field_name(doc: YamlDocument, loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
            if loc[:i] == ("topics",):
                topic = (doc.data or {}).get("topics") or []
                topic_id = (
                    topic[part].get("id")
                    if part < len(topic) and isinstance(topic[part], dict)
                    else None
                )
                if topic_id:
                    parts[-1] += f"({topic_id})"
        else:
            parts.append(str(part))
    return ".".join(parts)


def _at(doc: YamlDocument, path: tuple[Any, ...], message: str) -> Problem:
    line, col = doc.locate(path)
    return Problem(doc.file, line, col, _field_name(doc, path), message)


def _check_topic_ids(doc: YamlDocument) -> list[Problem]:
    topics = doc.data.get("topics") if isinstance(doc.data, dict) else None
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, topic in enumerate(topics if isinstance(topics, list) else []):
        topic_id = topic.get("id") if isinstance(topic, dict) else None
        if not isinstance(topic_id, str):
            continue
        if topic_id in seen:
            problems.append(_at(doc, ("topics", i, "id"), f"duplicate topic id {topic_id!r}"))
        seen.add(topic_id)
    return problems


def _assemble(
    company: tuple[YamlDocument, CompanyFile] | None,
    doc: YamlDocument,
    model: PostingFile,
    problems: list[Problem],
) -> Posting:
    merged: dict[str, tuple[YamlDocument, int, Topic]] = {}
    sources: list[Path] = []
    out_of_scope: dict[str, tuple[str, ...]] = {lang: () for lang in LANGUAGES}
    customer_service: dict[str, tuple[str, ...]] = {lang: () for lang in LANGUAGES}
    texts: dict[Path, SourceText | None] = {}
    for source_doc, source in ([company] if company else []) + [(doc, model)]:
        sources.append(source_doc.file)
        text_path = source.source if isinstance(source, CompanyFile) else source.posting.source
        texts[source_doc.file] = _source_text(source_doc, text_path, problems)
        for i, topic in enumerate(source.topics):
            merged[topic.id] = (source_doc, i, topic)
        for lang in LANGUAGES:
            out_of_scope[lang] += getattr(source.out_of_scope, lang)
            customer_service[lang] += getattr(source.out_of_scope.customer_service, lang)
    for topic_doc, i, topic in merged.values():
        for j, related in enumerate(topic.related):
            if related not in merged:
                problems.append(
                    _at(topic_doc, ("topics", i, "related", j), f"unknown topic {related!r}")
                )
        for lang in LANGUAGES:
            path: tuple[str | int, ...] = ("topics", i, lang, "answer")
            problems.extend(
                _at(topic_doc, path, message)
                for message in _check_answer(topic.text(lang).answer or "", model.facts)
            )
        for j, fact in enumerate(topic.facts):
            for lang in LANGUAGES:
                path = ("topics", i, "facts", j, lang, "text")
                problems.extend(
                    _at(topic_doc, path, message)
                    for message in _check_answer(fact.text(lang).text, model.facts)
                )
            text = texts.get(topic_doc.file)
            if fact.quote is not None and text is not None and not text.quotes(fact.quote):
                problems.append(
                    _at(
                        topic_doc,
                        ("topics", i, "facts", j, "quote"),
                        f"quote not found in {text.path.name}: {fact.quote!r}",
                    )
                )
    posting_text = texts.get(doc.file)
    company_text = texts.get(company[0].file) if company else None
    return Posting(
        slug=model.posting.slug,
        company=model.posting.company,
        title=model.posting.title,
        facts=MappingProxyType(dict(model.facts)),
        topics=tuple(topic for _, _, topic in merged.values()),
        out_of_scope=MappingProxyType(out_of_scope),
        source_files=tuple(sources),
        customer_service=MappingProxyType(customer_service),
        source=SourceText.combined(posting_text, company_text),
    )


def _source_text(doc: YamlDocument, path: str | None, problems: list[Problem]) -> SourceText | None:
    """The posting text a file's quotes are checked against; a named file must exist."""
    if path is None:
        return None
    text = read_source(doc.file, path)
    if text is None:
        key = "posting" if "posting" in (doc.data or {}) else None
        where = (key, "source") if key else ("source",)
        problems.append(_at(doc, where, f"posting text {path!r} not found"))
    return text


def _check_answer(answer: str, facts: Mapping[str, str | None]) -> list[str]:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(answer) if name is not None]
    except ValueError as exc:
        return [f"bad placeholder ({exc}); write {{{{ and }}}} for literal braces"]
    unknown = [name for name in names if name not in facts]
    if unknown:
        return [f"unknown fact(s) {unknown}; declare them under 'facts:' in the posting"]
    longest = max([len(v or "") for v in facts.values()] + [_LONGEST_VALUE])
    if len(answer) + len(names) * longest > MAX_ANSWER_CHARS:
        return [f"answer may exceed {MAX_ANSWER_CHARS} characters once facts are filled in"]
    return []
