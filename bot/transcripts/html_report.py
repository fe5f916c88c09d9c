"""The HTML export: one standalone page a recruiter opens in a browser.

Inline CSS only: no JavaScript and nothing fetched from elsewhere, and a
Content-Security-Policy that forbids both, so the page works offline and a
candidate's text can never run in it. Every dynamic text goes through `_e`
(html.escape), candidates' messages above all.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TextIO

from bot.core.vocabulary import Outcome
from bot.store.queries import Message, Transcript
from bot.transcripts.export import feedback_label
from bot.transcripts.render import OUTCOME_LABELS, when

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; background: #f6f8fa; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
.sub { color: #59636e; margin-top: 0; }
details { background: #fff; border: 1px solid #d1d9e0; border-radius: 8px;
  margin: 1rem 0; padding: .6rem 1rem; }
summary { cursor: pointer; font-weight: 600; }
summary .facts { font-weight: 400; color: #59636e; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .8rem 0; }
dt { color: #59636e; } dd { margin: 0; }
ol { list-style: none; padding: 0; margin: 0; }
li { margin: .5rem 0; padding: .5rem .8rem; border-radius: 8px; max-width: 80%; }
li.in { background: #ddf4ff; margin-right: auto; }
li.out { background: #eef1f4; margin-left: auto; }
.meta { font-size: .8rem; color: #59636e; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: .75rem; padding: 0 .4rem; border-radius: 1rem;
  color: #fff; background: #59636e; }
.answer { background: #1a7f37; } .clarify { background: #9a6700; }
.fallback { background: #cf222e; } .handoff { background: #8250df; }
.smalltalk { background: #0969da; }
footer { color: #59636e; font-size: .85rem; margin: 2rem 0; }
"""
_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<h1>{title}</h1>
<p class="sub">{subtitle}</p>
"""


def _e(value: object) -> str:
    return escape(str(value))


def write_html(transcripts: Iterable[Transcript], out: TextIO, *, title: str, subtitle: str) -> int:
    """Write the report; returns the number of conversations in it."""
    out.write(_HEAD.format(title=_e(title), subtitle=_e(subtitle), css=_CSS))
    count = 0
    for transcript in transcripts:
        out.write(_conversation(transcript))
        count += 1
    if not count:
        out.write("<p>No conversations match these filters.</p>\n")
    out.write(
        f"<footer>{count} conversation{'s' if count != 1 else ''}. Times are UTC.</footer>\n"
        "</body>\n</html>\n"
    )
    return count


def _conversation(transcript: Transcript) -> str:
    s = transcript.summary
    facts = (
        f"{when(s.started_at)} · {s.posting} · {s.messages} messages · "
        f"{s.fallback} without answer · {s.status.replace('_', ' ')}"
    )
    who = s.display_name or s.who
    if s.username and s.display_name:
        who += f" (@{s.username})"
    rows = [
        ("Candidate", who),
        ("Candidate key", s.candidate),
        ("Posting", s.posting),
        ("Status", s.status.replace("_", " ")),
        ("Language", s.lang or "-"),
        ("Started", f"{when(s.started_at)} UTC"),
        ("Last activity", f"{when(s.last_activity_at)} UTC"),
        ("Conversation id", s.id),
        (
            "Bot replies",
            f"{s.answered} answered, {s.clarify} did you mean, {s.fallback} no answer, "
            f"{s.handoff} handed off; feedback {s.helpful} helpful, {s.unhelpful} not",
        ),
    ]
    details = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    messages = "".join(_message(m) for m in transcript.messages)
    return (
        f'<details open id="c-{_e(s.id)}">\n'
        f'<summary>{_e(who)} <span class="facts">· {_e(facts)}</span></summary>\n'
        f"<dl>{details}</dl>\n<ol>\n{messages}</ol>\n</details>\n"
    )


def _message(m: Message) -> str:
    who = (
        "Candidate"
        if m.direction == "in"
        else "Recruiter"
        if m.outcome == Outcome.RECRUITER
        else "Bot"
    )
    meta = [when(m.at, seconds=True), who]
    badge = ""
    if m.direction == "out" and m.outcome:
        label = OUTCOME_LABELS.get(m.outcome, m.outcome)
        badge = f' <span class="badge {_e(m.outcome)}">{_e(label)}</span>'
        if m.topics:
            meta.append(
                ("suggested: " if m.outcome == Outcome.CLARIFY else "topic: ") + ", ".join(m.topics)
            )
        if m.confidence is not None:
            meta.append(f"confidence {m.confidence:.2f}")
        if m.helpful is not None:
            meta.append(("👍 " if m.helpful else "👎 ") + feedback_label(m.helpful))
    elif m.outcome == Outcome.COMMAND:
        meta.append("command")
    return (
        f'<li class="{"in" if m.direction == "in" else "out"}">'
        f'<div class="meta">{_e(" · ".join(meta))}{badge}</div>'
        f'<div class="text">{_e(m.text)}</div></li>\n'
    )
