"""Measured quality on labelled questions: right topic (and fact), rejection of off-topic
questions, not-stated questions recognised, and the reply's language.

Kinds: `in` (expected is a topic, or `topic/fact` when one fact answers it), `multi`
(topics joined by '+'), `unstated` (the posting doesn't say: known unknowns, unknown
specifics, false premises; expected is the topic or '-'), `oos` (off topic: must fall back).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.dialogue import Outcome, Reply, Responder, reply_language
from bot.core.knowledge import LANGUAGES, is_smalltalk

NOT_ANSWERABLE = "-"
# Third-party off-topic files (tests/data/third_party) and their language.
OFF_TOPIC_FILES = {
    "clinc150_oos_val.txt": "en",
    "clinc150_inscope_val.txt": "en",
    "ha_fr_dev.txt": "fr",
    "ha_es_dev.txt": "es",
}
IN_SCOPE_KINDS = frozenset({"in", "other"})
# A small-talk reply ("you're welcome") to an off-topic message is not a job answer,
# so it counts as rejected.
REJECT_KINDS = frozenset({"oos"})
UNSTATED = "unstated"
# `topic/*`: a broad question, answered with the whole topic.
WHOLE = "*"
_ANSWERED = (Outcome.ANSWER, Outcome.NOT_STATED)


@dataclass(frozen=True, slots=True)
class Labelled:
    """One labelled question: `expected` is topic ids joined by '+', or '-' for none."""

    lang: str
    expected: str
    kind: str
    question: str

    @property
    def expected_topics(self) -> tuple[str, ...]:
        if self.expected == NOT_ANSWERABLE:
            return ()
        return tuple(part.partition("/")[0] for part in self.expected.split("+"))

    @property
    def expected_fact(self) -> str | None:
        """The one fact that answers the question, when the label names one."""
        return self.expected.partition("/")[2] or None


def read_devset(path: Path) -> list[Labelled]:
    """Rows of a `lang expected kind question` TSV file with a header line."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Labelled(r["lang"], r["expected"], r["kind"], r["question"]) for r in rows]


def read_off_topic(path: Path, lang: str) -> list[Labelled]:
    """A plain file of off-topic questions, one per line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Labelled(lang, NOT_ANSWERABLE, "oos", line) for line in lines if line.strip()]


def read_off_topic_sets(folder: Path) -> dict[str, list[Labelled]]:
    """The third-party off-topic files found in `folder`, by file name."""
    return {
        name: read_off_topic(folder / name, lang)
        for name, lang in OFF_TOPIC_FILES.items()
        if (folder / name).is_file()
    }


@dataclass(slots=True)
class Tally:
    """Counts for one group of questions (a language, a file)."""

    in_scope: int = 0
    correct: int = 0
    clarified: int = 0
    wrong: int = 0
    rejectable: int = 0
    rejected: int = 0
    multi: int = 0
    multi_correct: int = 0
    facts: int = 0
    facts_correct: int = 0
    unstated: int = 0
    unstated_correct: int = 0
    lang_total: int = 0
    lang_correct: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[tuple[Labelled, Reply]] = field(default_factory=list)

    def add(self, item: Labelled, reply: Reply, single_fact: frozenset[str] = frozenset()) -> None:
        """Tally one reply; `single_fact` topics answer a fact question whole."""
        self.lang_total += 1
        self.lang_correct += reply.reply_lang == reply_language(item.lang)
        answered = set(reply.topics) if reply.outcome in _ANSWERED else set()
        if item.kind in IN_SCOPE_KINDS:
            self.in_scope += 1
            expected = item.expected_topics[0]
            ok = answered == {expected}
            self.correct += ok
            self.clarified += reply.outcome is Outcome.CLARIFY
            if answered and not ok:
                self.wrong += 1
                got = "+".join(sorted(answered))
                self.confusions[(expected, got)] += 1
            if item.expected_fact:
                self.facts += 1
                wanted = item.expected_fact
                shown = any(
                    p.topic == expected
                    and (
                        p.whole
                        if wanted == WHOLE
                        else wanted in p.facts or (p.whole and expected in single_fact)
                    )
                    for p in reply.picks
                )
                self.facts_correct += ok and shown
                ok = ok and shown
            if not ok:
                self.misses.append((item, reply))
        elif item.kind == "multi":
            self.multi += 1
            ok = answered == set(item.expected_topics)
            self.multi_correct += ok
            if not ok:
                self.misses.append((item, reply))
        elif item.kind == UNSTATED:
            self.unstated += 1
            ok = reply.outcome is Outcome.NOT_STATED and (
                not item.expected_topics or set(item.expected_topics) <= answered
            )
            self.unstated_correct += ok
            if not ok:
                self.misses.append((item, reply))
        elif item.kind in REJECT_KINDS:
            self.rejectable += 1
            rejected = reply.outcome is Outcome.FALLBACK or (
                reply.outcome is Outcome.ANSWER and all(map(is_smalltalk, reply.topics))
            )
            self.rejected += rejected
            if not rejected:
                self.misses.append((item, reply))

    @property
    def accuracy(self) -> float:
        return _ratio(self.correct, self.in_scope)

    @property
    def clarify_rate(self) -> float:
        return _ratio(self.clarified, self.in_scope)

    @property
    def rejection(self) -> float:
        return _ratio(self.rejected, self.rejectable)

    @property
    def multi_accuracy(self) -> float:
        return _ratio(self.multi_correct, self.multi)

    @property
    def fact_accuracy(self) -> float:
        return _ratio(self.facts_correct, self.facts)

    @property
    def unstated_rate(self) -> float:
        return _ratio(self.unstated_correct, self.unstated)

    @property
    def language_accuracy(self) -> float:
        return _ratio(self.lang_correct, self.lang_total)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


@dataclass(slots=True)
class Report:
    """Tallies per language of the dev set and per third-party off-topic file."""

    by_lang: dict[str, Tally] = field(default_factory=dict)
    by_file: dict[str, Tally] = field(default_factory=dict)
    # The same figures on questions kept out of every tuning step.
    held_out: dict[str, Tally] = field(default_factory=dict)

    def as_json(self) -> dict[str, dict[str, dict[str, float | int]]]:
        def figures(t: Tally) -> dict[str, float | int]:
            return {
                "in_scope": t.in_scope,
                "accuracy": t.accuracy,
                "clarify_rate": t.clarify_rate,
                "wrong_answers": t.wrong,
                "rejectable": t.rejectable,
                "rejection": t.rejection,
                "multi": t.multi,
                "multi_accuracy": t.multi_accuracy,
                "facts": t.facts,
                "fact_accuracy": t.fact_accuracy,
                "unstated": t.unstated,
                "unstated_recognised": t.unstated_rate,
                "language_accuracy": t.language_accuracy,
            }

        return {
            "by_lang": {k: figures(v) for k, v in self.by_lang.items()},
            "held_out": {k: figures(v) for k, v in self.held_out.items()},
            "by_file": {k: figures(v) for k, v in self.by_file.items()},
        }


def evaluate(
    responder: Responder,
    devset: Iterable[Labelled],
    off_topic: dict[str, list[Labelled]] | None = None,
    held_out: Iterable[Labelled] = (),
) -> Report:
    """Answer every question without a language hint and tally the outcomes."""
    report = Report()
    posting = responder.knowledge.posting()
    single = frozenset(t.id for t in posting.topics if len(t.facts) == 1)
    for rows, groups in ((devset, report.by_lang), (held_out, report.held_out)):
        for item in rows:
            group = item.lang if item.lang in LANGUAGES else "other"
            groups.setdefault(group, Tally()).add(item, responder.reply(item.question), single)
    for name, items in (off_topic or {}).items():
        tally = report.by_file.setdefault(name, Tally())
        for item in items:
            tally.add(item, responder.reply(item.question))
    return report


def format_report(report: Report, show_misses: int = 0) -> str:
    """A plain-text table of the report, then the most confused topic pairs."""
    header = (
        f"{'group':<28}{'n':>5}{'top-1':>8}{'facts':>8}{'clarify':>9}{'wrong':>7}"
        f"{'oos n':>7}{'reject':>8}{'unst n':>8}{'unstat':>8}{'multi':>8}{'lang':>7}"
    )
    lines = [header, "-" * len(header)]

    def row(name: str, t: Tally) -> str:
        def pct(x: float) -> str:
            return "    -" if x != x else f"{100 * x:5.1f}%"

        return (
            f"{name:<28}{t.in_scope:>5}{pct(t.accuracy):>8}{pct(t.fact_accuracy):>8}"
            f"{pct(t.clarify_rate):>9}{t.wrong:>7}{t.rejectable:>7}{pct(t.rejection):>8}"
            f"{t.unstated:>8}{pct(t.unstated_rate):>8}{pct(t.multi_accuracy):>8}"
            f"{pct(t.language_accuracy):>7}"
        )

    lines += [row(f"dev {name}", t) for name, t in report.by_lang.items()]
    lines += [row(f"held-out {name}", t) for name, t in report.held_out.items()]
    lines += [row(name, t) for name, t in report.by_file.items()]
    lines += ["", "Most confused topic pairs (expected -> answered):"]
    for name, tally in report.by_lang.items():
        pairs = ", ".join(f"{a} -> {b} ({n})" for (a, b), n in tally.confusions.most_common(5))
        lines.append(f"  {name}: {pairs or 'none'}")
    if show_misses:
        lines += ["", "Misses:"]
        groups = (
            *report.by_lang.items(),
            *((f"held-out {k}", v) for k, v in report.held_out.items()),
            *report.by_file.items(),
        )
        for name, tally in groups:
            for item, reply in tally.misses[:show_misses]:
                got = "+".join(reply.topics) or ",".join(reply.suggestions)
                picked = ",".join(f for p in reply.picks for f in (*p.facts, *p.unknowns))
                lines.append(
                    f"  [{name}] {item.expected:<22} {reply.outcome.value:<10} {got:<24} "
                    f"{picked:<20} {reply.confidence:.2f} {reply.reply_lang} {item.question}"
                )
    return "\n".join(lines)
