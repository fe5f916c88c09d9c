"""`python -m bot kb draft POSTING.txt`: a draft posting YAML for an admin to curate.

The draft quotes the posting and invents nothing; where the posting is silent the
answer says so and points to a recruiter. Whatever an admin must check or translate
carries the marker `TO REVIEW`, which `kb check` refuses until it is resolved.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.core.knowledge.base import COMPANY_FILE
from bot.core.knowledge.schema import LANGUAGES, is_smalltalk
from bot.kb.draft_topics import DraftTopic, build_topics, marker_count
from bot.kb.posting_text import PostingFacts, normalise, read_posting
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
    data: dict[str, Any] = {
        "posting": {
            "slug": slug,
            "company": name,
            "title": dict.fromkeys(LANGUAGES, title),
            "source": source,
            "default": False,
        },
        "facts": {"apply_url": facts.apply_url},
        "topics": [topic.as_yaml_data(today) for topic in topics],
    }
    body = dump_yaml(data).replace("\nfacts:\n", "\n" + FACTS_COMMENT + "facts:\n", 1)
    header = HEADER.format(source=source, today=today.isoformat())
    needed = company_file.needed_ids if company_file else ()
    company_ids = company_file.topic_ids if company_file else ()
    return Draft(facts, slug, name, topics, not own_company, needed, company_ids, header + body)


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
    return CompanyInfo(str(data.get("company", "")), ids, tuple(dict.fromkeys(related)))


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
        f"{draft.markers} TO REVIEW markers remain.",
    ]
    return "\n".join(rows)


def add_command(sub: argparse._SubParsersAction, settings: Settings) -> None:
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
