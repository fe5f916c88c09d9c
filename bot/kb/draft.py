"""`python -m bot kb draft POSTING.txt`: a draft posting YAML for an admin to curate.

The draft quotes the posting and invents nothing; where the posting is silent the
answer says so and points to a recruiter. Whatever an admin must check or translate
carries the marker `TO REVIEW`, which `kb check` refuses until it is resolved.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import Stemmer
import yaml

from bot.core.dialogue import Outcome, Responder
from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.knowledge.base import COMPANY_FILE, POSTINGS_DIR
from bot.core.knowledge.quotes import read_source
from bot.core.knowledge.schema import LANGUAGES, is_smalltalk
from bot.core.language import LanguageDetector
from bot.core.text import function_words, words
from bot.kb.draft_topics import MARKER, DraftTopic, build_topics, marker_count
from bot.kb.posting_text import PostingFacts, normalise, read_posting
from bot.kb.selftest import ANSWERED
from bot.settings import Settings

HEADER = """\
# DRAFT written by `python -m bot kb draft` from {source} on {today}.
# Every answer quotes the posting; where it is silent, the answer says so and offers
# a recruiter. Resolve each "TO REVIEW" marker (check the quoted lines against the
# posting, translate them, reword), set `owner`, then delete this comment.
# `python -m bot kb check` fails while any marker is left.
"""
FACTS_COMMENT = """\
# ADMIN: answers refer to these as {apply_url}. Leave null until known; the bot then
# tells the candidate a recruiter can give it.
"""
UNKNOWN_COMPANY = "Unknown company"


@dataclass(frozen=True, slots=True)
class CompanyInfo:
    """What the draft needs from company.yaml: whose it is, which topic ids it has, and
    which ids its topics relate to that a posting must define (`related: [architecture]`)."""

    name: str
    topic_ids: tuple[str, ...]
    needed_ids: tuple[str, ...] = ()
    # The file itself, which the draft is self-tested beside; None to test the draft alone.
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    facts: PostingFacts
    slug: str
    company: str
    topics: tuple[DraftTopic, ...]
    include_company_level: bool
    needed_ids: tuple[str, ...]
    company_topic_ids: tuple[str, ...]
    yaml_text: str
    fit: ExampleFit

    @property
    def markers(self) -> int:
        return marker_count(self.topics)


def make_draft(
    text: str,
    *,
    source: str,
    today: date,
    slug: str | None = None,
    company: str | None = None,
    lang: str | None = None,
    company_file: CompanyInfo | None = None,
) -> Draft:
    """Read the posting `text` and write the draft YAML; deterministic for a given `today`."""
    facts = read_posting(text, lang=lang, company=company)
    name = facts.company or UNKNOWN_COMPANY
    title = facts.title or "Job title (TO REVIEW)"
    own_company = company_file is not None and normalise(company_file.name) == normalise(name)
    topics = build_topics(
        facts,
        name,
        company_topics=company_file.topic_ids if company_file else (),
        include_company_level=not own_company,
        needed=company_file.needed_ids if company_file else (),
    )
    slug = slug or slugify(f"{facts.company or ''} {facts.title or 'posting'}")
    head: dict[str, Any] = {
        "posting": {
            "slug": slug,
            "company": name,
            "title": dict.fromkeys(LANGUAGES, title),
            "source": source,
            "default": False,
        },
        "facts": {"apply_url": facts.apply_url},
    }
    company_path = company_file.path if company_file else None
    topics, fit = fit_examples(topics, head, today, company_path, text)
    data = {**head, "topics": [topic.as_yaml_data(today) for topic in topics]}
    body = dump_yaml(data).replace("\nfacts:\n", "\n" + FACTS_COMMENT + "facts:\n", 1)
    header = HEADER.format(source=source, today=today.isoformat())
    needed = company_file.needed_ids if company_file else ()
    company_ids = company_file.topic_ids if company_file else ()
    return Draft(
        facts, slug, name, topics, not own_company, needed, company_ids, header + body, fit
    )


# -- the draft's own self-test ------------------------------------------------------------
# The starter examples are generic questions. Beside a given company.yaml some reach
# another topic, and some draw the company's off-topic probes into a draft topic; `kb
# check` refuses both. So the draft is self-tested as `kb check` will test it once its
# markers are resolved, and such examples are dropped until none is left to drop.

EXAMPLE_REVIEW = f"{MARKER} (example): "
# Each round drops what failed and tests again; the drafts settle in two to four rounds.
MAX_ROUNDS = 8
# Examples of one topic and language dropped because they draw in another file's question:
# past this, the topic's title or keywords are the pull, and dropping more only hurts.
MAX_PULL_DROPS = 3


@dataclass(frozen=True, slots=True)
class ExampleFit:
    """What the draft's self-test did to the starter examples."""

    pruned: tuple[tuple[str, str, str], ...] = ()  # (topic id, language, example) dropped
    kept_for_review: tuple[tuple[str, str, str], ...] = ()  # a language's last one, marked
    failures: int = 0  # examples and probes the self-test still gets wrong
    rounds: int = 0
    loads: bool = True  # False: the draft does not load beside company.yaml (not tested)


@dataclass(frozen=True, slots=True)
class _Miss:
    """One question the self-test gets wrong."""

    topic_id: str | None  # the example's topic; None for an off-topic probe
    lang: str
    question: str
    winners: tuple[str, ...]  # the topics it was answered with, or offered


def fit_examples(
    topics: tuple[DraftTopic, ...],
    head: Mapping[str, Any],
    today: date,
    company_file: Path | None,
    posting_text: str = "",
) -> tuple[tuple[DraftTopic, ...], ExampleFit]:
    """Drop the starter examples that fail the self-test beside `company_file`.

    An example that reaches another topic (or none) is dropped. When a draft topic
    draws in a company example or an off-topic probe, its example closest to that
    question is dropped. A topic keeps at least one example per language: the one that
    scores best for it, marked `TO REVIEW (example)`. Deterministic: stable orders only.
    """
    examples = {(t.id, lang): list(t.texts[lang]["examples"]) for t in topics for lang in LANGUAGES}
    slug = str(head["posting"]["slug"])
    pruned: list[tuple[str, str, str]] = []
    kept: dict[tuple[str, str], str] = {}
    detector = LanguageDetector()
    stems = _Stems()
    misses: list[_Miss] = []
    pulls: dict[tuple[str, str], int] = {}
    rounds = 0
    with tempfile.TemporaryDirectory(prefix="kb-draft-") as tmp:
        folder = Path(tmp)
        (folder / POSTINGS_DIR).mkdir()
        _place_source(folder, str(head["posting"]["source"]), posting_text)
        if company_file is not None:
            shutil.copyfile(company_file, folder / COMPANY_FILE)
            _copy_company_source(company_file, folder)
        for rounds in range(1, MAX_ROUNDS + 1):
            data = _posting_data(head, topics, examples, today, alone=company_file is None)
            responder = _responder(folder, slug, data, detector)
            if responder is None:  # `kb check` will say why it does not load
                return topics, ExampleFit(rounds=rounds, loads=False)
            misses = _misses(responder, slug)
            drop = [
                d
                for d in _to_drop(misses, examples, stems)
                if kept.get((d[0], d[1])) != d[2]
                and (d[3] or pulls.get((d[0], d[1]), 0) < MAX_PULL_DROPS)
            ]
            if not drop or rounds == MAX_ROUNDS:
                break
            for topic_id, lang, example, failed in drop:
                if not failed:
                    pulls[topic_id, lang] = pulls.get((topic_id, lang), 0) + 1
                examples[topic_id, lang].remove(example)
                pruned.append((topic_id, lang, example))
                if not examples[topic_id, lang]:
                    dropped = [p[2] for p in pruned if p[:2] == (topic_id, lang)]
                    best = _best_for(responder, slug, topic_id, dropped)
                    examples[topic_id, lang].append(best)
                    kept[topic_id, lang] = best
    kept_items = {(t, lang, ex) for (t, lang), ex in kept.items()}
    fitted = tuple(
        replace(
            topic,
            texts={
                lang: {
                    **topic.texts[lang],
                    "examples": [
                        EXAMPLE_REVIEW + ex if (topic.id, lang, ex) in kept_items else ex
                        for ex in examples[topic.id, lang]
                    ],
                }
                for lang in LANGUAGES
            },
        )
        for topic in topics
    )
    return fitted, ExampleFit(
        pruned=tuple(p for p in dict.fromkeys(pruned) if p not in kept_items),
        kept_for_review=tuple(sorted(kept_items)),
        failures=len(misses),
        rounds=rounds,
    )


def _place_source(folder: Path, name: str, text: str) -> None:
    """Write a posting text where the temporary knowledge folder's `source:` finds it."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        return  # found as named, or outside the folder: the draft's check says so
    (folder / relative).parent.mkdir(parents=True, exist_ok=True)
    (folder / relative).write_text(text, encoding="utf-8")


def _copy_company_source(company_file: Path, folder: Path) -> None:
    """The posting text company.yaml's quotes rest on, beside its temporary copy."""
    try:
        name = (yaml.safe_load(company_file.read_text(encoding="utf-8")) or {}).get("source")
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError):
        return
    if not isinstance(name, str):
        return
    found = read_source(company_file, name)
    if found is not None:
        _place_source(folder, name, found.path.read_text(encoding="utf-8"))


def _posting_data(
    head: Mapping[str, Any],
    topics: Iterable[DraftTopic],
    examples: Mapping[tuple[str, str], list[str]],
    today: date,
    *,
    alone: bool,
) -> dict[str, Any]:
    """The posting file as it will be once its markers are resolved (examples matter)."""
    drafted = {t.id for t in topics}
    data = []
    for topic in topics:
        item = topic.as_yaml_data(today)
        for lang in LANGUAGES:
            item[lang] = {**item[lang], "examples": list(examples[topic.id, lang])}
        if alone:  # without company.yaml, links to its topics cannot resolve
            item["related"] = [r for r in item.get("related", ()) if r in drafted]
        data.append(item)
    return {**head, "topics": data}


def _responder(
    folder: Path, slug: str, data: Mapping[str, Any], detector: LanguageDetector
) -> Responder | None:
    path = folder / POSTINGS_DIR / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False), "utf-8")
    try:
        return Responder(load_knowledge(folder, slug), detector)
    except KnowledgeError:
        return None


def _misses(responder: Responder, slug: str) -> list[_Miss]:
    """What `kb check`'s self-test (bot.kb.selftest) counts as an error, as data."""
    posting = responder.knowledge.posting(slug)
    misses: list[_Miss] = []
    for topic in posting.topics:
        for lang in LANGUAGES:
            for example in topic.text(lang).examples:
                reply = responder.reply(example, slug, lang)
                if reply.outcome in ANSWERED and topic.id in reply.topics:
                    continue
                if reply.outcome is Outcome.CLARIFY and topic.id in reply.suggestions:
                    continue  # a warning only
                winners = reply.topics if reply.outcome in ANSWERED else reply.suggestions
                misses.append(_Miss(topic.id, lang, example, winners))
    for lang in LANGUAGES:
        for probe in posting.out_of_scope[lang]:
            reply = responder.reply(probe, slug, lang)
            job = tuple(t for t in reply.topics if not is_smalltalk(t))
            if reply.outcome in ANSWERED and job:
                misses.append(_Miss(None, lang, probe, job))
    return misses


def _to_drop(
    misses: Iterable[_Miss], examples: Mapping[tuple[str, str], list[str]], stems: _Stems
) -> list[tuple[str, str, str, bool]]:
    """The draft examples to drop for `misses`, in a stable order, each once; True for an
    example that fails itself, False for one that draws in another file's question."""
    drop: dict[tuple[str, str, str], bool] = {}
    for miss in misses:
        if miss.topic_id is not None and (miss.topic_id, miss.lang) in examples:
            drop[miss.topic_id, miss.lang, miss.question] = True
            continue
        # A company example or a probe that a draft topic draws in: that topic's
        # example closest to the question is the likeliest pull.
        for winner in miss.winners:
            if (winner, miss.lang) not in examples or winner == miss.topic_id:
                continue
            closest = stems.closest(miss.question, examples[winner, miss.lang], miss.lang)
            if closest is not None:
                drop.setdefault((winner, miss.lang, closest), False)
    return [(*key, failed) for key, failed in drop.items()]


def _best_for(responder: Responder, slug: str, topic_id: str, candidates: list[str]) -> str:
    """The candidate that scores best for `topic_id` (the first one on a tie)."""
    matcher = responder.matcher(slug)
    scores = [matcher.match(c).score_of(topic_id) for c in candidates]
    return candidates[scores.index(max(scores))]


class _Stems:
    """Content-word stems, to tell which example a question is closest to."""

    _ALGORITHMS: Mapping[str, str] = {"en": "english", "fr": "french", "es": "spanish"}

    def __init__(self) -> None:
        self._stemmers = {lang: Stemmer.Stemmer(a) for lang, a in self._ALGORITHMS.items()}
        self._stopwords = {lang: function_words(lang) for lang in self._ALGORITHMS}

    def of(self, text: str, lang: str) -> frozenset[str]:
        tokens = words(text)
        content = [t for t in tokens if t not in self._stopwords[lang]] or tokens
        return frozenset(self._stemmers[lang].stemWords(content))

    def closest(self, question: str, candidates: Iterable[str], lang: str) -> str | None:
        """The candidate sharing most of the question's stems, None if none shares any."""
        asked = self.of(question, lang)
        best, best_key = None, (0, 0.0)
        for candidate in candidates:
            own = self.of(candidate, lang)
            shared = len(asked & own)
            key = (shared, shared / len(own) if own else 0.0)
            if shared and key > best_key:
                best, best_key = candidate, key
        return best


def slugify(text: str, limit: int = 40) -> str:
    """Lower-case ASCII words of two letters or more joined by hyphens, within `limit`."""
    spaced = "".join(c if c.isalnum() else " " for c in text.lower())
    words = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode().split()
    words = [w for w in words if len(w) > 1]  # "(H/F)", "(m/w/d)" say nothing
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or "posting"


class _Literal(str):
    """Written as a `|-` block."""


class _Flow(list[str]):
    """Written on one line: `[a, b]`."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent list items under their key, as the hand-written files do."""
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # every topic's date written out, never `&id001`


_Dumper.add_representer(
    _Literal, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style="|")
)
_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", list(v), flow_style=True)
)


def dump_yaml(data: dict[str, Any]) -> str:
    """Block-style YAML in the knowledge files' shape: answers as `|-`, short lists inline."""
    return yaml.dump(
        _styled(data, ()),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
        indent=2,
    )


def _styled(value: Any, path: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: _styled(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_styled(v, path) for v in value]
        return _Flow(items) if path and path[-1] in ("related", "keywords") else items
    if isinstance(value, str) and path and path[-1] == "answer":
        return _Literal("\n".join(line.rstrip() for line in value.splitlines()))
    return value


def read_company_file(knowledge: Path) -> CompanyInfo | None:
    """The company name and topic ids of `knowledge/company.yaml`, None if it is absent."""
    path = knowledge / COMPANY_FILE
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    topics = data.get("topics") or []
    topics = [t for t in topics if isinstance(t, dict) and "id" in t]
    ids = tuple(t["id"] for t in topics)
    related = (r for t in topics for r in t.get("related") or () if r not in ids)
    return CompanyInfo(str(data.get("company", "")), ids, tuple(dict.fromkeys(related)), path)


def summary(draft: Draft) -> str:
    """What was detected, for the admin's terminal."""
    f = draft.facts
    salary = (
        f"{f.salary.low}-{f.salary.high} {f.salary.currency}"
        if f.salary.stated
        else "not specified"
        if f.salary.quote
        else "not mentioned"
    )
    remote = f.remote.policy or "not mentioned"
    if f.remote.days:
        remote += f", {f.remote.days} days a week"
    silent = [t.id for t in draft.topics if not t.quoted]
    drafted = {t.id for t in draft.topics}
    undrafted = [i for i in draft.needed_ids if i not in drafted]
    # Another company's topics that the draft does not override would be served as-is.
    foreign = [
        i
        for i in draft.company_topic_ids
        if draft.include_company_level and not is_smalltalk(i) and i not in drafted
    ]
    company_topics = (
        "drafted (company.yaml is another company's or absent)"
        if draft.include_company_level
        else "left to company.yaml"
    )
    rows = [
        f"slug {draft.slug}, company {draft.company}, title {f.title or '?'}, language {f.lang}",
        f"stack: {', '.join(f.stack) or '-'}",
        f"remote: {remote}",
        f"locations: {', '.join(f.locations) or 'none stated'}; "
        f"mentioned: {', '.join(f.mentioned_places) or '-'}",
        f"salary: {salary}",
        f"languages: {', '.join(f.languages) or '-'}",
        f"interview steps: {len(f.process_steps)}",
        f"contract: {', '.join(f.contract) or '-'}; experience: {', '.join(f.experience) or '-'}"
        + (f", {f.years}+ years" if f.years else ""),
        f"apply: {f.apply_url or '-'}",
        f"topics: {len(draft.topics)}; silent (answer says so): {', '.join(silent) or '-'}",
        f"company-wide topics: {company_topics}",
        *(
            [f"WARNING: company.yaml relates to {', '.join(undrafted)}; add them by hand"]
            if undrafted
            else []
        ),
        *(
            [
                f"WARNING: company.yaml is another company's; its topics {', '.join(foreign)} "
                "would answer for this posting: override them or use its own knowledge folder"
            ]
            if foreign
            else []
        ),
        _fit_line(draft.fit),
        f"{draft.markers} TO REVIEW markers remain.",
    ]
    return "\n".join(rows)


def _fit_line(fit: ExampleFit) -> str:
    if not fit.loads:
        return "self-test: not run, the draft does not load (run `kb check` on it)"
    line = (
        f"self-test: {len(fit.pruned)} starter examples dropped in {fit.rounds} rounds, "
        f"{len(fit.kept_for_review)} kept as TO REVIEW (example)"
    )
    if fit.failures:
        line += f"; {fit.failures} questions still fail: `kb check` lists them"
    return line


def add_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings
) -> None:
    p = sub.add_parser(
        "draft",
        help="Draft a posting YAML from a job posting's text.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("posting_text", type=Path, metavar="POSTING.txt")
    p.add_argument("--output", type=Path, help="write the YAML here (default: stdout)")
    p.add_argument("--slug", help="posting slug (default: from company and title)")
    p.add_argument("--company", help="company name (default: detected)")
    p.add_argument("--lang", choices=LANGUAGES, help="the posting's language (default: detected)")
    p.set_defaults(func=_draft)


def _draft(args: argparse.Namespace, settings: Settings) -> int:
    try:
        text = args.posting_text.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.posting_text}: {exc}", file=sys.stderr)
        return 2
    try:
        company_file = read_company_file(settings.knowledge)
    except (OSError, yaml.YAMLError) as exc:
        print(f"ignoring {settings.knowledge / COMPANY_FILE}: {exc}", file=sys.stderr)
        company_file = None
    draft = make_draft(
        text,
        source=str(args.posting_text),
        today=date.today(),
        slug=args.slug,
        company=args.company,
        lang=args.lang,
        company_file=company_file,
    )
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(draft.yaml_text, encoding="utf-8")
    else:
        sys.stdout.write(draft.yaml_text)
    print(summary(draft), file=sys.stderr)
    return 0
