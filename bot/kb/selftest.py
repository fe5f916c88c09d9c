"""The self-test: every example reaches its own topic, no off-topic probe gets an answer.

Questions go through the real Responder, exactly as candidates' questions do.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.core.dialogue import Outcome, Reply, Responder
from bot.core.knowledge import LANGUAGES, Topic, is_smalltalk
from bot.core.knowledge.yaml_source import YamlDocument, read_yaml
from bot.kb.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class SelfTestFigures:
    examples: int
    routed: int  # answered with their own topic
    clarified: int  # "did you mean" that offers their own topic (a warning)
    probes: int
    rejected: int


ANSWERED = (Outcome.ANSWER, Outcome.NOT_STATED)


def _examples(topic: Topic, i: int) -> Iterator[tuple[str, tuple[Hashable, ...], str | None]]:
    """(example, its YAML path, the fact id or '?not-stated id' it asks for) of a topic."""
    for lang in LANGUAGES:
        for j, example in enumerate(topic.text(lang).examples):
            yield example, ("topics", i, lang, "examples", j), None
        for k, fact in enumerate(topic.facts):
            for j, example in enumerate(fact.text(lang).examples):
                yield example, ("topics", i, "facts", k, lang, "examples", j), fact.id
        for k, entry in enumerate(topic.not_stated):
            for j, example in enumerate(entry.text(lang).examples):
                path = ("topics", i, "not_stated", k, lang, "examples", j)
                yield example, path, f"?{entry.id}"


def _reaches(reply: Reply, topic: str, part: str | None) -> bool:
    """Whether the reply gives the part of the topic the example asks for."""
    if part is None:
        return True
    if part.startswith("?"):
        return f"{topic}/{part[1:]}" in reply.unknowns
    return any(part in pick.facts or pick.whole for pick in reply.picks if pick.topic == topic)


def self_test(responder: Responder) -> tuple[list[Finding], SelfTestFigures]:
    findings: list[Finding] = []
    examples = routed = clarified = probes = rejected = 0
    for slug, posting in responder.knowledge.postings.items():
        docs = {f: doc for f in posting.source_files if (doc := read_yaml(f)[0]) is not None}
        places = _places(docs)
        for topic in posting.topics:
            doc, i = places[topic.id]
            for example, path, part in _examples(topic, i):
                examples += 1
                lang = str(path[2]) if part is None else str(path[4])
                reply = responder.reply(example, slug, lang)
                line, col = doc.locate(path)
                if reply.outcome in ANSWERED and topic.id in reply.topics:
                    routed += 1
                    if not _reaches(reply, topic.id, part):
                        entry = part.lstrip("?") if part else ""
                        text = (
                            f"[{slug}] example {example!r} of {topic.id}/{entry} reaches the "
                            f"topic but not {entry!r}: {reply.text[:80]!r}"
                        )
                        findings.append(
                            Finding(Severity.WARNING, "self-test", doc.file, line, col, text)
                        )
                    continue
                got = _describe(reply)
                text = f"[{slug}] example {example!r} of topic {topic.id!r} {got}"
                if reply.outcome is Outcome.CLARIFY and topic.id in reply.suggestions:
                    clarified += 1
                    findings.append(
                        Finding(Severity.WARNING, "self-test", doc.file, line, col, text)
                    )
                else:
                    findings.append(Finding(Severity.ERROR, "self-test", doc.file, line, col, text))
        for doc, lang, j, probe in _probes(docs):
            probes += 1
            reply = responder.reply(probe, slug, lang)
            job = [t for t in reply.topics if not is_smalltalk(t)]
            if reply.outcome in ANSWERED and job:
                line, col = doc.locate(("out_of_scope", lang, j))
                got = _describe(reply)
                message = f"[{slug}] off-topic probe {probe!r} {got}"
                findings.append(Finding(Severity.ERROR, "probe", doc.file, line, col, message))
            else:
                rejected += 1
    return findings, SelfTestFigures(examples, routed, clarified, probes, rejected)


def _describe(reply: Reply) -> str:
    """What the candidate would get, with the winning score."""
    score = f"score {reply.confidence:.2f}"
    if reply.outcome in ANSWERED:
        return f"is answered with {', '.join(reply.topics)} ({score})"
    if reply.outcome is Outcome.CLARIFY:
        return f'gets "did you mean" {", ".join(reply.suggestions)} ({score})'
    return f"gets no answer ({score})"


def _places(docs: dict[Path, YamlDocument]) -> dict[str, tuple[YamlDocument, int]]:
    places: dict[str, tuple[YamlDocument, int]] = {}
    for doc in docs.values():
        for i, topic in enumerate((doc.data or {}).get("topics") or []):
            if isinstance(topic, dict):
                places[str(topic.get("id"))] = (doc, i)
    return places


def _probes(docs: dict[Path, YamlDocument]) -> list[tuple[YamlDocument, str, int, str]]:
    found = []
    for doc in docs.values():
        block = (doc.data or {}).get("out_of_scope") or {}
        for lang in LANGUAGES:
            found += [(doc, lang, j, str(p)) for j, p in enumerate(block.get(lang) or [])]
    return found
