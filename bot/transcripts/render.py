"""Terminal output for recruiters: rich tables, transcripts and bar charts.

Every text that came from a candidate goes through `Text` (never markup) after
`printable`, so neither "[bold]" nor a terminal escape sequence in a message
can change what the recruiter's terminal shows.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.core.vocabulary import Outcome, Status
from bot.store.queries import ConversationSummary, Message, Transcript
from bot.transcripts.grouping import QuestionGroup
from bot.transcripts.stats import Stats, Tally

OUTCOME_LABELS: dict[str, str] = {
    Outcome.ANSWER: "answered",
    Outcome.CLARIFY: "did you mean",
    Outcome.FALLBACK: "no answer",
    Outcome.NOT_STATED: "not in the posting (said so)",
    Outcome.HANDOFF: "handed off",
    Outcome.SMALLTALK: "small talk",
    Outcome.COMMAND: "command",
    Outcome.RECRUITER: "from a recruiter",
    Outcome.FLOOD: "sent too fast, not answered",
    Outcome.NOTIFY: "new answer sent later (kb notify)",
}
OUTCOME_STYLES: dict[str, str] = {
    Outcome.ANSWER: "green",
    Outcome.CLARIFY: "yellow",
    Outcome.FALLBACK: "red",
    Outcome.NOT_STATED: "dark_orange",
    Outcome.HANDOFF: "magenta",
    Outcome.SMALLTALK: "cyan",
    Outcome.COMMAND: "dim",
}
STATUS_STYLES: dict[str, str] = {
    Status.OPEN: "green",
    Status.HANDED_OFF: "magenta",
    Status.CLOSED: "dim",
}
LEGEND = (
    "Replies: ✓ answered · ? did you mean · ! not in the posting (said so) · ✗ no answer "
    "(sent to a recruiter). Times are UTC."
)
BAR_WIDTH = 30
# Control characters (escape sequences, bells) except newline and tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` safe to show in a terminal: control characters become '�'."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text.replace("\r\n", "\n"))


def when(timestamp: str, *, seconds: bool = False) -> str:
    """'2025-06-01 14:05' from a stored UTC timestamp."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def status_text(status: str) -> Text:
    return Text(status.replace("_", " "), style=STATUS_STYLES.get(status, ""))


def _count(value: int, style: str) -> Text:
    return Text(str(value), style=style if value else "dim")


def _feedback(helpful: int, unhelpful: int) -> Text:
    if not helpful and not unhelpful:
        return Text("-", style="dim")
    return Text(f"👍{helpful} 👎{unhelpful}")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


# -- list -----------------------------------------------------------------------------


def short_when(timestamp: str, *, this_year: int | None = None) -> str:
    """'27 Nov 21:44', with the year only when it is not this year."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    year = "" if moment.year == (this_year or datetime.now(UTC).year) else f" {moment.year}"
    return f"{moment.day} {moment:%b}{year} {moment:%H:%M}"


def time_span(started: str, last: str) -> str:
    """'27 Nov 21:44 → 21:50': when a conversation started and when it was last active."""
    first, latest = short_when(started), short_when(last)
    if latest == first:
        return first
    if started[:10] == last[:10]:
        return f"{first} → {latest.rsplit(' ', 1)[1]}"
    return f"{first} → {latest}"


def print_conversations(
    console: Console, rows: list[ConversationSummary], total: int, filters_text: str
) -> None:
    if not rows:
        console.print(f"No conversations match ({filters_text}).", highlight=False)
        return
    postings = sorted({row.posting for row in rows})
    several = len(postings) > 1  # then each row names its posting under the candidate
    title = f"Conversations, most recently active first ({filters_text})"
    if not several:
        title += f"\nposting: {postings[0]}"
    table = Table(
        title=Text(printable(title)),
        box=box.SIMPLE_HEAD,
        header_style="bold",
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("ID", no_wrap=True, style="bold")
    table.add_column("Started → last active", min_width=12)
    table.add_column("Candidate" + (" / posting" if several else ""), min_width=12)
    table.add_column("Lang")
    # On a narrow terminal "handed off" takes two lines, so Feedback keeps its room.
    table.add_column("Status", max_width=8 if console.width < 100 else None)
    table.add_column("Msgs", justify="right")
    table.add_column("Replies\n✓ · ? · ✗", justify="right", no_wrap=True)
    table.add_column("Feedback", no_wrap=True)
    for row in rows:
        candidate = Text(printable(row.who))
        if several:
            candidate.append(f"\n{printable(row.posting)}", style="dim")
        table.add_row(
            row.short_id,
            time_span(row.started_at, row.last_activity_at),
            candidate,
            row.lang or "-",
            status_text(row.status),
            str(row.messages),
            Text.assemble(
                _count(row.answered, "green"),
                " · ",
                _count(row.clarify, "yellow"),
                " · ",
                _count(row.fallback, "bold red"),
            ),
            _feedback(row.helpful, row.unhelpful),
        )
    console.print(table)
    console.print(Text(LEGEND, style="dim"))
    if total > len(rows):
        console.print(
            f"Showing {len(rows)} of {total} conversations: add --limit {total} to see them all.",
            highlight=False,
        )
    console.print(
        f"To read one: [bold]python -m bot transcripts show {rows[0].short_id}[/bold]",
        highlight=False,
    )


# -- show -----------------------------------------------------------------------------


def print_transcript(console: Console, transcript: Transcript) -> None:
    s = transcript.summary
    header = Table.grid(padding=(0, 2))
    header.add_column(style="bold")
    header.add_column()
    who = Text(printable(s.display_name or s.who), style="bold")
    if s.username and s.display_name:
        who.append(f"  @{printable(s.username)}", style="")
    header.add_row("Candidate", who)
    header.add_row(
        "Candidate key", Text(f"{printable(s.candidate)}  (for `transcripts erase`)", style="")
    )
    header.add_row("Posting", Text(printable(s.posting)))
    header.add_row("Status", status_text(s.status))
    header.add_row("Started", f"{when(s.started_at)} UTC")
    header.add_row("Last activity", f"{when(s.last_activity_at)} UTC")
    header.add_row(
        "Messages",
        Text.assemble(
            f"{s.messages}  ·  ",
            (f"{s.answered} answered", "green"),
            "  ·  ",
            (f"{s.clarify} did you mean", "yellow"),
            "  ·  ",
            (f"{s.fallback} no answer", "red"),
            "  ·  feedback ",
            _feedback(s.helpful, s.unhelpful),
        ),
    )
    console.print(Panel(header, title=f"Conversation {s.id}", title_align="left", expand=False))
    if not transcript.messages:
        console.print("This conversation has no messages yet.")
        return
    table = Table(box=box.SIMPLE, show_header=True, header_style="bold", expand=True)
    table.add_column("Time (UTC)", no_wrap=True, style="dim")
    table.add_column("Who", no_wrap=True)
    table.add_column("Message", ratio=1, overflow="fold")
    day = ""
    for message in transcript.messages:
        stamp = when(message.at, seconds=True)
        shown, day = (stamp if stamp[:10] != day else stamp[11:]), stamp[:10]
        candidate = message.direction == "in"
        table.add_row(
            shown,
            Text("Candidate", style="bold cyan") if candidate else _sender(message),
            _message_cell(message),
        )
    console.print(table)


def _sender(message: Message) -> Text:
    if message.outcome == Outcome.RECRUITER:  # a recruiter's reply relayed by the bot
        return Text("Recruiter", style="bold magenta")
    return Text("Bot", style="bold green")


def _message_cell(message: Message) -> Group | Text:
    body = Text(printable(message.text))
    if message.direction == "in":
        if message.outcome in (Outcome.COMMAND, Outcome.FLOOD, Outcome.HANDOFF):
            body.append(f"  ({OUTCOME_LABELS[message.outcome]})", style="dim")
        return body
    details = Text(style="dim")
    if message.outcome:
        details.append(
            OUTCOME_LABELS.get(message.outcome, message.outcome),
            style=OUTCOME_STYLES.get(message.outcome, ""),
        )
    if message.topics:
        label = "suggested" if message.outcome == Outcome.CLARIFY else "topic"
        details.append(f"  ·  {label}: {printable(', '.join(message.topics))}")
    if message.confidence is not None:
        details.append(f"  ·  confidence {message.confidence:.2f}")
    if message.helpful is not None:
        details.append("  ·  ")
        details.append(
            "👍 helpful" if message.helpful else "👎 not helpful",
            style="green" if message.helpful else "red",
        )
    return Group(body, details) if details else body


# -- unanswered -----------------------------------------------------------------------


def print_unanswered(
    console: Console, groups: list[QuestionGroup], asked: int, scope_text: str
) -> None:
    if not groups:
        console.print(f"No unanswered questions ({scope_text}). 🎉")
        return
    table = Table(
        title=f"Questions the bot could not answer ({scope_text})",
        caption=(
            f"{asked} unanswered questions in {len(groups)} groups; near duplicates "
            "(typos, other word order) share a row. Times are UTC."
        ),
        box=box.SIMPLE_HEAD,
        header_style="bold",
    )
    table.add_column("Times", justify="right", style="bold red")
    table.add_column("Question (most common wording)", ratio=1, overflow="fold")
    table.add_column("Languages", no_wrap=True)
    table.add_column("Last asked", no_wrap=True)
    for group in groups:
        question = Text(printable(group.example))
        others = group.wordings[1:]
        if others:
            more = f" (+{len(others) - 2} more)" if len(others) > 2 else ""
            question.append(
                "\nalso: " + " / ".join(printable(w) for w in others[:2]) + more, style="dim"
            )
        table.add_row(
            str(group.count), question, ", ".join(group.languages), when(group.last_asked)
        )
    console.print(table)


# -- stats ----------------------------------------------------------------------------


def print_stats(console: Console, stats: Stats) -> None:
    scope = stats.period.describe() + (f", posting {stats.posting}" if stats.posting else "")
    console.print(Text(f"Transcript figures {scope} (UTC days)", style="bold"))
    if not stats.messages:
        console.print("No messages in this period.")
        return
    overview = Table.grid(padding=(0, 2))
    overview.add_column(style="bold")
    overview.add_column(justify="right")
    overview.add_row("Conversations", str(stats.conversations))
    overview.add_row("Handed off to a recruiter", str(stats.handed_off))
    overview.add_row("Messages", str(stats.messages))
    overview.add_row("Candidate questions", str(stats.questions))
    overview.add_row("Bot replies", str(stats.replies))
    feedback = (
        f"{stats.helpful} of {stats.votes} votes helpful ({_percent(stats.helpful_ratio)})"
        if stats.votes
        else "no votes yet"
    )
    overview.add_row("Feedback", feedback)
    console.print(Panel(overview, expand=False))

    outcomes = Table(title="How the bot replied", box=box.SIMPLE_HEAD, header_style="bold")
    outcomes.add_column("Reply")
    outcomes.add_column("Count", justify="right")
    outcomes.add_column("Share", justify="right")
    outcomes.add_column("")
    for outcome, count in stats.outcomes.items():
        style = OUTCOME_STYLES[outcome]
        outcomes.add_row(
            Text(OUTCOME_LABELS[outcome], style=style),
            str(count),
            _percent(stats.rate(outcome)),
            Text(_blocks(count, BAR_WIDTH / stats.replies if stats.replies else 0), style=style),
        )
    console.print(outcomes)

    if stats.topics:
        topics = Table(title="Top answered topics", box=box.SIMPLE_HEAD, header_style="bold")
        topics.add_column("Topic")
        topics.add_column("Answers", justify="right")
        for topic, count in stats.topics:
            topics.add_row(Text(printable(topic)), str(count))
        console.print(topics)

    console.print(_tally_table("Per language (of the question)", "Language", stats.languages))
    console.print(_day_chart(stats.days))


def _tally_table(title: str, label: str, tallies: tuple[Tally, ...]) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold")
    table.add_column(label)
    table.add_column("Questions", justify="right")
    table.add_column("Replies", justify="right")
    table.add_column("Answered", justify="right")
    table.add_column("No answer", justify="right")
    for t in tallies:
        table.add_row(
            t.label,
            str(t.questions),
            str(t.replies),
            _percent(t.share(t.answered)),
            _percent(t.share(t.fallback)),
        )
    return table


def _day_chart(days: tuple[Tally, ...]) -> Table:
    """One bar per day: bot replies, answered in green, 'did you mean' yellow, no answer red."""
    table = Table(
        title="Per day",
        caption=Text.assemble(
            ("█", "green"),
            " answered  ",
            ("█", "yellow"),
            " did you mean  ",
            ("█", "red"),
            " no answer  ",
            ("█", "bright_black"),
            " other replies",
        ),
        box=box.SIMPLE_HEAD,
        header_style="bold",
    )
    table.add_column("Day", no_wrap=True)
    table.add_column("Conv.", justify="right")
    table.add_column("Questions", justify="right")
    table.add_column("Replies", justify="right")
    table.add_column("", no_wrap=True)
    widest = max((t.replies for t in days), default=0) or 1
    for t in days:
        scale = BAR_WIDTH / widest
        other = t.replies - t.answered - t.clarify - t.fallback
        bar = Text.assemble(
            (_blocks(t.answered, scale), "green"),
            (_blocks(t.clarify, scale), "yellow"),
            (_blocks(t.fallback, scale), "red"),
            (_blocks(other, scale), "bright_black"),
        )
        if not t.replies and not t.questions:
            table.add_row(t.label, "", "", "", Text("·", style="dim"), style="dim")
            continue
        table.add_row(t.label, str(t.conversations), str(t.questions), str(t.replies), bar)
    return table


def _blocks(count: int, scale: float) -> str:
    """A bar segment; at least one block for any non-zero count, so none vanishes."""
    return "█" * max(1, round(count * scale)) if count else ""
