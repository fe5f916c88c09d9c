"""Read a job posting's plain text into sections and the facts it states.

Pure functions over a string: no network, no model. Everything found is the posting's
own wording (lines and sentences, quoted as they are), plus a few values parsed from
them (technologies, cities, a salary range) that tests and the draft summary use.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.kb import posting_lexicon as lex

BULLET = re.compile(r"^\s*(?:[-*•·●▪◦‣–—]|\d{1,2}[.)]|\(\d{1,2}\))\s+")
STEP_PREFIX = re.compile(r"^(?:step|[ée]tape|paso|fase)\s*\d+\s*[:.\-–]\s*", re.IGNORECASE)
KEY_VALUE = re.compile(r"^(?P<label>[^:]{2,40}?)\s*:\s*(?P<value>\S.*)$")
TERMINAL = re.compile(r"[.!?;,]\s*$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“«(¿¡A-ZÀ-ÖØ-Þ])")
# Emoji and pictographs that decorate headings ("What you will do 🕵️").
DECORATION = re.compile(r"[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]+")
MONEY = re.compile(
    r"(?P<cur1>US\$|[$€£])?\s?(?P<num>\d{1,3}(?:[ ,.\u202f]\d{3})+|\d+(?:[.,]\d+)?)"
    r"\s?(?P<k>[kK](?![a-z]))?\s?(?P<cur2>k€|€|\$|£|EUR|USD|GBP|euros?)?",
)
RANGE_SEP = re.compile(r"^\s*(?:-|–|—|to|à|a|and|et|y)\s*$", re.IGNORECASE)
REQUIREMENT_CUES = re.compile(
    r"\b(we are looking for|we're looking for|you are|you have|you will need|"
    r"nous recherchons|on recherche|tu es|tu as|vous [eê]tes|vous avez|"
    r"buscamos|tienes|eres)\b",
    re.IGNORECASE,
)
CANDIDATE_CUES = re.compile(
    r"\b(as an?|en tant que|como|this position|ce poste|este puesto|profile|profil|perfil)\b",
    re.IGNORECASE,
)
ROLE_CUES = re.compile(
    r"\b(you will|you'll|vous (allez|serez|aurez)|tu (vas|seras|auras)|ser[aá]s|vas a|"
    r"te encargar[aá]s)\b",
    re.IGNORECASE,
)
LOCATION_CUES = re.compile(
    r"\b(based in|located in|locations?|offices?|headquarter\w*|bas[eé]e? [aà]|(?-i:bureaux?)|"
    r"si[eè]ge|ubicad[oa]|oficinas?|sede|time ?zones?|fuseaux?)\b",
    re.IGNORECASE,
)
# Heading kinds that end a section but whose own lines say nothing in particular.
BOUNDARY_ONLY = ("container", "summary")
# Section kinds whose short lines ("Python", "Docker") are facts; elsewhere a line
# needs a few words to be worth quoting.
TERSE_KINDS = frozenset({"stack", "process", "location", "salary", "remote", "benefits"})
OFFICE_CUES = re.compile(
    r"\b(offices?|bureaux|locaux|oficinas?|sede|headquarter\w*|si[eè]ge)\b", re.IGNORECASE
)
COUNTRY_CODES = re.compile(r"\b[A-Z]{2}(?:/[A-Z]{2})+\b")


@dataclass(frozen=True, slots=True)
class Section:
    """A heading (empty for the text before the first one), its kind and its lines."""

    heading: str
    kind: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Salary:
    """What the posting says about pay: a range, an explicit silence, or nothing."""

    stated: bool
    quote: str | None = None
    low: int | None = None
    high: int | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class Remote:
    """The remote policy, as a label from the lexicon, with the lines that state it."""

    policy: str | None
    days: int | None
    quotes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PostingFacts:
    """Everything the draft is built from; `quotes` maps a topic kind to posting lines."""

    lang: str
    title: str | None
    company: str | None
    sections: tuple[Section, ...]
    stack: tuple[str, ...]
    remote: Remote
    locations: tuple[str, ...]
    mentioned_places: tuple[str, ...]
    workplace_lines: tuple[str, ...]
    salary: Salary
    languages: tuple[str, ...]
    process_steps: tuple[str, ...]
    contract: tuple[str, ...]
    experience: tuple[str, ...]
    years: int | None
    apply_url: str | None
    quotes: Mapping[str, tuple[str, ...]]

    def quoted(self, kind: str) -> tuple[str, ...]:
        return self.quotes.get(kind, ())


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    bullet: bool
    heading: bool
    section: int


def read_posting(text: str, lang: str | None = None, company: str | None = None) -> PostingFacts:
    """Split `text` into sections and collect the facts it states."""
    lines, sections = _sections(_clean_lines(text))
    kv = _key_values(lines)
    detected_lang = lang or detect_language(text)
    stack_sections = {i for i, s in enumerate(sections) if s.kind == "stack"}
    in_stack = [ln for ln in lines if ln.section in stack_sections and not ln.heading]
    content = [ln for ln in lines if not ln.heading]
    by_kind = _lines_by_kind(sections)
    free = _free_sentences(lines, sections)

    stack = find_stack([ln.text for ln in in_stack], [ln.text for ln in lines])
    stack_quotes = tuple(ln.text for ln in in_stack) or tuple(
        ln.text for ln in content if find_stack([], [ln.text])
    )
    remote = find_remote(
        [ln.text for ln in lines if sections[ln.section].kind != "process"], kv.get("remote", ())
    )
    locations, workplace_lines, place_lines, places = _locations(lines, sections, kv)
    salary = find_salary([ln.text for ln in lines], kv.get("salary", ()))
    languages, language_lines = find_languages([s for ln in lines for s in _sentences(ln.text)])
    # A line with an address in it is how to apply, not an interview step.
    steps = tuple(
        STEP_PREFIX.sub("", s) for s in by_kind.get("process", ()) if not lex.URL.search(s)
    )
    contract, contract_lines = _matches(lex.CONTRACTS, [ln.text for ln in lines], kv, "contract")
    # The level is the hire's: read it in the title and in sentences about the candidate,
    # not in the ones about colleagues ("the Staff engineer of your group").
    about_candidate = [
        *([lines[0].text] if lines else []),
        *by_kind.get("requirements", ()),
        *(s for s in free if REQUIREMENT_CUES.search(s) or CANDIDATE_CUES.search(s)),
    ]
    experience, _ = _matches(lex.EXPERIENCE_LEVELS, _unique(about_candidate), kv, "experience")
    years = _years(about_candidate)
    # Quoted: what is labelled as experience, and the lines giving years of it.
    experience_lines = _unique(
        (
            *kv.get("experience", ()),
            *(t for t in about_candidate if years and lex.YEARS_OF_EXPERIENCE.search(t)),
        )
    )
    urls = _unique(
        m.group(0).rstrip(".,;")
        for t in _texts(lines)
        for m in lex.URL.finditer(t)
        if m.group(0).startswith("http")
    )
    apply_lines = _unique(
        (
            *kv.get("apply", ()),
            *by_kind.get("apply", ()),
            *(t for t in _texts(lines) if lex.URL.search(t)),
            *(s for s in free if lex.APPLY_CUES.search(s)),
        )
    )
    quotes: dict[str, tuple[str, ...]] = {
        "role": by_kind.get("role", ()) or _pick(free, ROLE_CUES, 8),
        "requirements": _unique(
            (*by_kind.get("requirements", ()), *_pick(free, REQUIREMENT_CUES, 6))
        ),
        "experience": experience_lines,
        "tech-stack": stack_quotes,
        "architecture": by_kind.get("architecture", ()),
        "ways-of-working": _pick(free, lex.WAYS_OF_WORKING_CUES, 6),
        "career-growth": _pick(free, lex.CAREER_CUES, 6),
        "remote-work": remote.quotes,
        "locations": place_lines,
        "language": language_lines,
        "salary": (salary.quote,) if salary.quote else (),
        "interview-process": steps,
        "contract": contract_lines,
        "benefits": by_kind.get("benefits", ()),
        "apply": apply_lines,
        "company": _unique(
            (*by_kind.get("company", ()), *_pick(free, lex.COMPANY_CUES, 6)),
        ),
        "engineering-org": _unique((*by_kind.get("team", ()), *_pick(free, lex.TEAM_CUES, 4))),
    }
    return PostingFacts(
        lang=detected_lang,
        title=_title(lines, kv),
        company=company or _company(lines, kv),
        sections=sections,
        stack=stack,
        remote=remote,
        locations=locations,
        mentioned_places=places,
        workplace_lines=workplace_lines,
        salary=salary,
        languages=languages,
        process_steps=steps,
        contract=contract,
        experience=experience,
        years=years,
        apply_url=urls[0] if urls else None,
        quotes=MappingProxyType({k: v for k, v in quotes.items() if v}),
    )


def detect_language(text: str) -> str:
    """'en', 'fr' or 'es': whose function words the text uses most (ties go to English)."""
    words = Counter(re.findall(r"[a-zà-ÿ]+", text.lower()))
    scores = {lang: sum(words[w] for w in vocab) for lang, vocab in lex.FUNCTION_WORDS.items()}
    return max(scores, key=lambda lang: (scores[lang], lang == "en"))


def find_stack(stack_lines: Iterable[str], all_lines: Iterable[str]) -> tuple[str, ...]:
    """Technologies named in the posting, in order of first mention.

    Ambiguous names ("Go", "Swift") count only in a stack section or next to another
    technology on the same line.
    """
    found: dict[str, int] = {}
    stack_lines = list(stack_lines)
    for number, line in enumerate([*stack_lines, *all_lines]):
        names = [name for name, pattern in lex.TECH.items() if _search(pattern, line)]
        sure = [n for n in names if n not in lex.AMBIGUOUS_TECH]
        for name in names:
            if name in lex.AMBIGUOUS_TECH and not sure and number >= len(stack_lines):
                continue
            position = _search(lex.TECH[name], line)
            found.setdefault(name, number * 10_000 + (position.start() if position else 0))
    return tuple(sorted(found, key=found.__getitem__))


def find_remote(lines: Iterable[str], labelled: Iterable[str] = ()) -> Remote:
    """The remote policy from labelled lines first, else from any line with a remote word."""
    quotes = _unique((*labelled, *(t for t in lines if lex.REMOTE_WORDS.search(t))))
    if not quotes:
        return Remote(None, None, ())
    joined = " ".join(quotes)
    policy = next((name for name, pattern in lex.REMOTE_POLICIES if _search(pattern, joined)), None)
    days = lex.DAYS_PER_WEEK.search(joined)
    return Remote(policy, int(days.group(1)) if days else None, quotes)


def find_salary(lines: Iterable[str], labelled: Iterable[str] = ()) -> Salary:
    """A salary range with its currency, an explicit "not specified", or nothing."""
    lines = list(lines)
    for line in [*labelled, *lines]:
        money = _salary_range(line)
        if money and (SALARY_LINE.search(line) or money[2] is not None or labelled):
            low, high, currency = money
            return Salary(True, line, low, high, currency)
    for line in [*labelled, *(t for t in lines if lex.SALARY_WORDS.search(t))]:
        if lex.SALARY_SILENT.search(line):
            return Salary(False, line)
    return Salary(False, None)


SALARY_LINE = lex.SALARY_WORDS


def find_languages(sentences: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Languages the posting asks for (a name next to a cue such as "fluent") and where."""
    found: list[str] = []
    quotes: list[str] = []
    for sentence in sentences:
        hits = [
            (m.start(), n) for n, p in lex.LANGUAGE_NAMES.items() if (m := _search(p, sentence))
        ]
        names = [name for _, name in sorted(hits)]
        if names and lex.LANGUAGE_CUES.search(sentence):
            found.extend(n for n in names if n not in found)
            quotes.append(sentence)
    return tuple(found), _unique(quotes)


def normalise(text: str) -> str:
    """Lower case without accents, for comparing wordings."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# -- lines and sections ---------------------------------------------------------------


def _clean_lines(text: str) -> list[tuple[str, bool]]:
    cleaned: list[tuple[str, bool]] = []
    for raw in text.replace("\u00a0", " ").replace("\u202f", " ").splitlines():
        line = re.sub(r"\s+", " ", raw).strip()
        bullet = bool(BULLET.match(line))
        line = BULLET.sub("", line).strip()
        line = re.sub(r"(?:\s*\.){2,}$", ".", line)  # "world (US/FR/ES/JP). ." -> "... ."
        if not line or lex.BOILERPLATE.match(line) or not re.search(r"\w", line):
            continue
        if cleaned and cleaned[-1] == (line, bullet) and len(line.split()) > 4:
            continue  # a paragraph pasted twice
        cleaned.append((line, bullet))
    return cleaned


def _sections(cleaned: list[tuple[str, bool]]) -> tuple[list[_Line], tuple[Section, ...]]:
    lines: list[_Line] = []
    headings: list[tuple[str, str | None]] = [("", None)]
    for number, (text, bullet) in enumerate(cleaned):
        kind = _heading_kind(text, bullet)
        if number == 0 and kind is not False:
            kind = None  # the job title: "Full-Stack Developer" is not a stack section
        label = _fact_label(text)
        if kind is False and label:
            # "Salary: ..." ends the section before it, whatever that was.
            headings.append(("", None))
        if kind is not False:
            heading = DECORATION.sub("", text.lstrip("#")).strip().rstrip(":").strip()
            headings.append((heading, None if kind in (None, *BOUNDARY_ONLY) else str(kind)))
            lines.append(_Line(heading, bullet, True, len(headings) - 1))
            if text.endswith(":") and len(heading.split()) > 6:  # "As an X, you will face:"
                lines.append(_Line(text, bullet, False, len(headings) - 1))
        else:
            lines.append(_Line(text.rstrip(), bullet, False, len(headings) - 1))
    sections = tuple(
        Section(
            heading,
            kind,
            tuple(ln.text for ln in lines if ln.section == index and not ln.heading),
        )
        for index, (heading, kind) in enumerate(headings)
    )
    return lines, sections


def _heading_kind(text: str, bullet: bool) -> str | bool | None:
    """False for a body line; else the heading's kind (None when it names no known one)."""
    words = text.split()
    bare = DECORATION.sub("", text.lstrip("#")).strip().rstrip(":").strip()
    kind = _classify(bare)
    if text.startswith("#"):
        return kind
    if bullet:
        return kind if len(words) <= 3 and kind and not TERMINAL.search(text) else False
    letters = [c for c in bare if c.isalpha()]
    if len(letters) >= 3 and all(c.isupper() for c in letters) and len(words) <= 10:
        return kind
    if text.endswith(":") and len(words) <= 12:
        return kind
    if KEY_VALUE.match(text) and len(KEY_VALUE.match(text)["label"].split()) <= 4:  # type: ignore[index]
        return False
    if len(words) <= 8 and not TERMINAL.search(bare) and kind and not lex.URL.search(text):
        return kind
    return False


def _classify(heading: str) -> str | None:
    lowered = heading.lower().strip()
    for kind, pattern in lex.HEADING_KINDS:
        if re.search(pattern, lowered):
            return kind
    return None


def _key_values(lines: list[_Line]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for line in lines:
        label = _fact_label(line.text)
        if label and not line.heading:
            found.setdefault(label, []).append(line.text)
    return {fact: tuple(texts) for fact, texts in found.items()}


def _fact_label(text: str) -> str | None:
    """The fact a "Label: value" line states ("Salaire : 45 k€" -> "salary"), if any."""
    match = KEY_VALUE.match(text)
    if not match or len(match["label"].split()) > 4 or match["label"].endswith(("http", "https")):
        return None
    label = match["label"].lower().strip()
    return next((fact for fact, pattern in lex.FACT_LABELS if re.search(pattern, label)), None)


def _lines_by_kind(sections: tuple[Section, ...]) -> dict[str, tuple[str, ...]]:
    by_kind: dict[str, list[str]] = {}
    for section in sections:
        if section.kind:
            by_kind.setdefault(section.kind, []).extend(
                line
                for line in section.lines
                if section.kind in TERSE_KINDS or len(line.split()) >= 3
            )
    return {kind: _unique(lines) for kind, lines in by_kind.items()}


def _free_sentences(lines: list[_Line], sections: tuple[Section, ...]) -> tuple[str, ...]:
    """Sentences outside the sections whose lines are facts of their own kind."""
    closed = {"process", "stack", "salary", "benefits"}
    return _unique(
        sentence
        for line in lines
        if not line.heading and sections[line.section].kind not in closed
        for sentence in _sentences(line.text)
    )


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if len(s.split()) >= 3]


def _pick(sentences: Iterable[str], cue: re.Pattern[str], limit: int) -> tuple[str, ...]:
    """Up to `limit` sentences matching `cue`; link labels ("Our Career Site:") are not."""
    return tuple(s for s in sentences if cue.search(s) and not s.endswith(":"))[:limit]


# -- single facts ---------------------------------------------------------------------


def _title(lines: list[_Line], kv: Mapping[str, tuple[str, ...]]) -> str | None:
    if "title" in kv:
        return KEY_VALUE.match(kv["title"][0])["value"].strip()  # type: ignore[index]
    first = lines[0].text if lines else ""
    return first if first and len(first) <= 80 and not TERMINAL.search(first) else None


def _company(lines: list[_Line], kv: Mapping[str, tuple[str, ...]]) -> str | None:
    if "company" in kv:
        return KEY_VALUE.match(kv["company"][0])["value"].strip()  # type: ignore[index]
    texts = [ln.text for ln in lines]
    joined = "\n".join(texts)
    # Job boards and careers pages often put the company on the line under the title.
    if len(texts) > 1:
        second = texts[1]
        short = 1 <= len(second.split()) <= 4 and second[:1].isupper()
        named = not TERMINAL.search(second) and not _fact_label(second)
        if short and named and joined.count(second) >= 2:
            return second
    counts = Counter(t for t in texts[:25] if 1 <= len(t.split()) <= 4 and t[:1].isupper())
    repeated = [t for t, n in counts.items() if n >= 2 and not TERMINAL.search(t)]
    if repeated:
        return repeated[0]
    name = r"([A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*){0,2})"
    candidates: Counter[str] = Counter()
    for text in texts:
        for pattern in (
            rf"^(?:About|À propos de|A propos de|Sobre) {name}$",
            rf"\b(?:At|Chez|Join|Rejoignez|Rejoins|Únete a) {name}",
            rf"^{name} (?:is|est|es) (?:a|an|the|une?|la|le|l'|el)\b",
        ):
            candidates.update(m.group(1) for m in re.finditer(pattern, text))
    if not candidates:
        return None
    return max(sorted(candidates), key=lambda c: (candidates[c], joined.count(c)))


def _salary_range(line: str) -> tuple[int, int | None, str | None] | None:
    amounts = [m for m in MONEY.finditer(line) if m.group("num")]
    for first, second in itertools.pairwise(amounts):
        between = line[first.end() : second.start()]
        if RANGE_SEP.match(between) or (not between.strip() and first.group(0).endswith(" ")):
            low, high = _amount(first), _amount(second)
            k = bool(first.group("k") or second.group("k") or "k€" in (second.group("cur2") or ""))
            if k:
                low, high = (
                    (low * 1000 if low < 1000 else low),
                    (high * 1000 if high < 1000 else high),
                )
            currency = _currency(first) or _currency(second)
            if low >= 1000 and high >= low:
                return low, high, currency
    for match in amounts:
        amount = _amount(match) * (1000 if match.group("k") else 1)
        if amount >= 10_000 and _currency(match):
            return amount, None, _currency(match)
    return None


def _amount(match: re.Match[str]) -> int:
    digits = match.group("num")
    if re.fullmatch(r"\d{1,3}(?:[ ,.]\d{3})+", digits):
        return int(re.sub(r"\D", "", digits))
    return round(float(digits.replace(",", ".")))


def _currency(match: re.Match[str]) -> str | None:
    symbol = (match.group("cur1") or match.group("cur2") or "").lower()
    return lex.CURRENCIES.get(symbol)


def _locations(
    lines: list[_Line], sections: tuple[Section, ...], kv: Mapping[str, tuple[str, ...]]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Cities stated as the workplace, the lines stating a workplace, every line about
    places, and cities only mentioned (where the recruiter sits, say)."""
    stated_lines = [
        *kv.get("location", ()),
        *(ln.text for ln in lines if not ln.heading and sections[ln.section].kind == "location"),
        *(
            s
            for ln in lines
            if not ln.heading
            for s in _sentences(ln.text) or [ln.text]
            if OFFICE_CUES.search(s) and _cities([s])
        ),
    ]
    stated = _cities(stated_lines)
    other_lines = [
        s
        for ln in lines
        if ln.text not in stated_lines and not ln.heading
        for s in _sentences(ln.text) or [ln.text]
        if _cities([s]) or LOCATION_CUES.search(s) or COUNTRY_CODES.search(s)
    ]
    mentioned = tuple(c for c in _cities(other_lines) if c not in stated)
    return stated, _unique(stated_lines), _unique((*stated_lines, *other_lines)), mentioned


def _cities(lines: Iterable[str]) -> tuple[str, ...]:
    found: list[str] = []
    for line in lines:
        hits = [
            (m.start(), name)
            for name, pattern in lex.CITIES.items()
            if (m := _search(pattern, line))
        ]
        found.extend(name for _, name in sorted(hits) if name not in found)
    return tuple(found)


def _matches(
    table: Mapping[str, str],
    lines: Iterable[str],
    kv: Mapping[str, tuple[str, ...]],
    label: str,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names: list[str] = []
    quotes: list[str] = list(kv.get(label, ()))
    for line in [*quotes, *lines]:
        hits = [name for name, pattern in table.items() if _search(pattern, line)]
        if hits:
            names.extend(h for h in hits if h not in names)
            quotes.append(line)
    return tuple(names), _unique(quotes)


def _years(lines: Iterable[str]) -> int | None:
    for line in lines:
        match = lex.YEARS_OF_EXPERIENCE.search(line)
        if match and re.search(r"exp[eé]rien|experience", line, re.IGNORECASE):
            return int(match.group(1))
    return None


def _search(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, re.IGNORECASE)


def _texts(lines: list[_Line]) -> list[str]:
    return [ln.text for ln in lines]


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Each text once, in order; a sentence already inside an earlier line is dropped."""
    kept: list[str] = []
    for item in items:
        if item and not any(item in earlier for earlier in kept):
            kept.append(item)
    return tuple(kept)
