"""`python -m bot transcripts ...` run as real subprocesses, as a recruiter would."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re

import pytest

from bot.core.dialogue import Outcome
from bot.store import TranscriptStore
from bot.store.conversation import ConversationLog
from tests.conftest import query
from tests.test_cli import run as run_bot
from tests.transcripts.conftest import TODAY, Sample, reply, transcripts


def ok(*args: str, sample: Sample, stdin: str = "", columns: int = 200) -> str:
    result = transcripts(*args, database=sample.path, stdin=stdin, columns=columns)
    assert result.returncode == 0, result.stderr
    return result.stdout


def conversation_count(sample: Sample) -> int:
    return int(query(sample.path, "SELECT count(*) FROM conversations")[0][0])


# -- list -------------------------------------------------------------------------------


def test_list_newest_first_with_counts_and_feedback(sample: Sample) -> None:
    out = ok("list", sample=sample)
    rows = [line for line in out.splitlines() if line[:8] in {"c0ffee00", "a1b2ffff", "a1b2c3d4"}]
    assert [r[:8] for r in rows] == ["c0ffee00", "a1b2ffff", "a1b2c3d4"]
    assert "0ld0ld00" in out
    ana, pierre, jane = rows
    assert "Ana López" in ana and " es " in ana and "closed" in ana and "0 · 0 · 2" in ana
    assert "Pierre Martin" in pierre and "handed off" in pierre and "👍1 👎0" in pierre
    assert "Jane Doe" in jane and " 8 " in jane and "2 · 1 · 1" in jane and "👍1 👎1" in jane
    assert "show c0ffee00" in out  # tells the recruiter what to do next


@pytest.mark.parametrize(
    ("args", "shown", "hidden"),
    [
        (["--posting", "frontend"], ["c0ffee00"], ["a1b2ffff", "a1b2c3d4", "0ld0ld00"]),
        (["--unanswered"], ["c0ffee00", "a1b2ffff", "a1b2c3d4"], ["0ld0ld00"]),
        (["--handed-off"], ["a1b2ffff"], ["c0ffee00", "a1b2c3d4", "0ld0ld00"]),
        (["--outcome", "clarify"], ["a1b2c3d4"], ["c0ffee00", "a1b2ffff"]),
        (["--lang", "fr"], ["a1b2ffff"], ["c0ffee00", "a1b2c3d4"]),
        (["--search", "sponsor"], ["a1b2ffff", "a1b2c3d4"], ["c0ffee00", "0ld0ld00"]),
        (["--unhelpful"], ["a1b2c3d4"], ["c0ffee00", "a1b2ffff", "0ld0ld00"]),
        (["--unreviewed", "--search", "@janedoe"], ["a1b2c3d4"], ["a1b2ffff", "c0ffee00"]),
        (["--since", "1d"], ["c0ffee00", "a1b2ffff"], ["a1b2c3d4", "0ld0ld00"]),
        (["--until", "yesterday", "--since", "2d"], ["a1b2ffff", "a1b2c3d4"], ["c0ffee00"]),
    ],
)
def test_list_filters(sample: Sample, args: list[str], shown: list[str], hidden: list[str]) -> None:
    out = ok("list", *args, sample=sample)
    for prefix in shown:
        assert prefix in out
    for prefix in hidden:
        assert prefix not in out


def test_list_limit_says_there_are_more(sample: Sample) -> None:
    out = ok("list", "--limit", "2", sample=sample)
    assert "c0ffee00" in out and "a1b2ffff" in out and "a1b2c3d4" not in out
    assert "Showing 2 of 4 conversations" in out


def test_list_with_nothing_to_show_says_so(sample: Sample) -> None:
    out = ok("list", "--posting", "nope", sample=sample)
    assert out.startswith("No conversations match (all dates, posting nope)")


def test_list_fits_an_80_column_terminal(sample: Sample) -> None:
    out = ok("list", sample=sample, columns=80)
    assert max(len(line) for line in out.splitlines()) <= 80
    for header in ("ID", "Candidate", "Lang", "Status", "Msgs", "Feedback"):
        assert header in out
    assert "Jane Doe" in out and "👍1 👎1" in out


def test_bad_date_is_explained(sample: Sample) -> None:
    result = transcripts("list", "--since", "last week", database=sample.path)
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


# -- show -------------------------------------------------------------------------------


def test_show_by_prefix_reads_like_a_transcript(sample: Sample) -> None:
    out = ok("show", "a1b2c", sample=sample)
    assert sample.jane in out
    for fact in ("Jane Doe", "@janedoe", "telegram:1001", "backend", "open"):
        assert fact in out
    order = [
        out.index(text)
        for text in ("is it remote?", "Yes, mostly remote.", "do you sponsor visas?", "Not stated.")
    ]
    assert order == sorted(order)
    assert "answered  ·  topic: remote-work  ·  confidence 0.91  ·  👍 helpful" in out
    assert "did you mean  ·  suggested: salary, benefits" in out
    assert "👎 not helpful" in out
    assert f"{TODAY.replace(day=1).year}" in out


def test_show_prints_candidate_text_verbatim(sample: Sample) -> None:
    out = ok("show", "c0ffee", sample=sample)
    assert "<script>alert('x')</script> remote?" in out
    assert "small talk" in out and "no answer" in out


def test_show_ambiguous_prefix(sample: Sample) -> None:
    result = transcripts("show", "a1b2", database=sample.path)
    assert result.returncode == 1 and result.stdout == ""
    assert "2 conversations have an id starting with 'a1b2'" in result.stderr
    assert sample.jane in result.stderr and sample.pierre in result.stderr


def test_show_unknown_id(sample: Sample) -> None:
    result = transcripts("show", "deadbeef", database=sample.path)
    assert result.returncode == 1
    assert "No conversation has an id starting with 'deadbeef'" in result.stderr
    assert "Traceback" not in result.stderr


# -- export -----------------------------------------------------------------------------


def test_export_csv_to_stdout_with_filters(sample: Sample) -> None:
    rows = list(csv.DictReader(io.StringIO(ok("export", "--posting", "frontend", sample=sample))))
    assert {r["conversation"] for r in rows} == {sample.ana}
    assert [r["text"] for r in rows if r["direction"] == "in"] == [
        "hola",
        "do you sponser visa",
        "<script>alert('x')</script> remote?",
    ]
    assert [r["outcome"] for r in rows if r["direction"] == "out"] == [
        "smalltalk", "fallback", "fallback"
    ]  # fmt: skip


def test_export_csv_file_opens_in_excel(sample: Sample, tmp_path) -> None:
    target = tmp_path / "out.csv"
    result = transcripts("export", "--output", str(target), database=sample.path)
    assert result.returncode == 0, result.stderr
    assert "Exported 4 conversations to" in result.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read accents right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 8 + 5 + 6 + 2
    assert "Ana López" in {r["display_name"] for r in rows}
    assert not (tmp_path / "out.csv.part").exists()


def test_export_jsonl_unanswered_only(sample: Sample, tmp_path) -> None:
    target = tmp_path / "out.jsonl"
    ok("export", "--format", "jsonl", "--unanswered", "--output", str(target), sample=sample)
    objects = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in objects] == [sample.ana, sample.pierre, sample.jane]
    assert all(o["counts"]["fallback"] > 0 for o in objects)


def test_export_html_needs_a_file(sample: Sample) -> None:
    result = transcripts("export", "--format", "html", database=sample.path)
    assert result.returncode == 1
    assert "--output report.html" in result.stderr


def test_export_html_escapes_and_pseudonymizes(sample: Sample, tmp_path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    for target in (first, second):
        ok("export", "--format", "html", "--pseudonymize", "--output", str(target), sample=sample)
    page = first.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    for identifier in ("Jane Doe", "janedoe", "telegram:1001", "Ana López", "web:ana-77"):
        assert identifier not in page
    assert "candidate-" in page and "pseudonyms" in page
    # Stable: the second export names everyone the same way.
    names = sorted(set(re.findall(r"candidate-[0-9a-f]{8}", page)))
    assert len(names) == 4
    assert names == sorted(set(re.findall(r"candidate-[0-9a-f]{8}", second.read_text())))


def test_export_jsonl_pseudonyms_are_stable_across_runs(sample: Sample) -> None:
    runs = [ok("export", "--format", "jsonl", "--pseudonymize", sample=sample) for _ in range(2)]
    assert runs[0] == runs[1]
    assert "1001" not in runs[0] and "Pierre Martin" not in runs[0]
    keys = {json.loads(line)["candidate"]["key"] for line in runs[0].splitlines()}
    assert len(keys) == 4 and all(k.startswith("candidate-") for k in keys)


# -- unanswered ---------------------------------------------------------------------------


def test_unanswered_groups_near_duplicates(sample: Sample) -> None:
    out = ok("unanswered", sample=sample)
    visas = next(line for line in out.splitlines() if "sponser visa" in line)
    assert visas.split()[0] == "3"
    assert "en, es" in visas
    assert "4 unanswered questions in 2 groups" in out


def test_unanswered_json_and_filters(sample: Sample) -> None:
    data = json.loads(ok("unanswered", "--json", sample=sample))
    assert data["unanswered"] == 4
    assert [(g["count"], len(g["conversations"])) for g in data["groups"]] == [(3, 3), (1, 1)]
    assert data["groups"][0]["languages"] == ["en", "es"]
    assert data["groups"][0]["last_asked"].startswith(str(TODAY))
    frontend = json.loads(ok("unanswered", "--json", "--posting", "frontend", sample=sample))
    assert frontend["unanswered"] == 2
    today = json.loads(ok("unanswered", "--json", "--since", "today", sample=sample))
    assert [g["count"] for g in today["groups"]] == [1, 1]
    assert (
        json.loads(ok("unanswered", "--json", "--limit", "1", sample=sample))["groups"][0]["count"]
        == 3
    )


def test_unanswered_from_the_real_terminal_chat(tmp_path) -> None:
    database = tmp_path / "chat.sqlite3"
    script = (
        "do you sell phone cases?\nDo you sell phone case\ndo you sell phone cases ??\n"
        "is it remote?\nhow large is the engineering team\n0\nquit\n"
    )
    chat = run_bot("chat", stdin=script, env={"BOT_DATABASE": str(database)})
    assert chat.returncode == 0, chat.stderr
    result = transcripts("unanswered", "--json", database=database)
    assert result.returncode == 0, result.stderr
    groups = json.loads(result.stdout)["groups"]
    # "0. none of these" counts against the question that led to "did you mean".
    assert [(g["count"], g["example"]) for g in groups][1:] == [
        (1, "how large is the engineering team")
    ]
    assert groups[0]["count"] == 3 and "phone case" in groups[0]["example"]


# -- stats ----------------------------------------------------------------------------------


def test_stats_json_matches_hand_counts(sample: Sample) -> None:
    data = json.loads(ok("stats", "--json", sample=sample))
    assert data["until"] == str(TODAY) and len(data["days"]) == 30
    assert (data["conversations"], data["messages"], data["replies"]) == (3, 19, 10)
    assert data["rates"] == {
        "answer": 0.3, "not_stated": 0.0, "clarify": 0.1, "fallback": 0.4, "handoff": 0.1,
        "smalltalk": 0.1,
    }  # fmt: skip
    assert data["handed_off_conversations"] == 1
    assert data["top_topics"][0] == {"topic": "salary", "answers": 2}
    assert data["feedback"] == {"helpful": 2, "votes": 3, "helpful_ratio": 0.6667}
    assert data["languages"]["es"]["fallback_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert data["days"][str(TODAY)]["replies"] == 3


def test_stats_for_one_posting_and_all_time(sample: Sample) -> None:
    frontend = json.loads(ok("stats", "--json", "--posting", "frontend", sample=sample))
    assert (frontend["conversations"], frontend["replies"]) == (1, 3)
    assert frontend["feedback"]["helpful_ratio"] is None
    everything = json.loads(ok("stats", "--json", "--since", "500d", sample=sample))
    assert everything["conversations"] == 4 and everything["messages"] == 21


def test_stats_in_the_terminal(sample: Sample) -> None:
    out = ok("stats", sample=sample)
    assert "Conversations" in out and "Handed off to a recruiter" in out
    assert "2 of 3 votes helpful (67%)" in out
    answered = next(line for line in out.splitlines() if line.strip().startswith("answered"))
    assert answered.split()[1:3] == ["3", "30%"] and "█" in answered
    today = next(line for line in out.splitlines() if line.strip().startswith(str(TODAY)))
    assert today.split()[1:4] == ["1", "3", "3"] and "█" in today
    assert "salary" in out and "remote-work" in out


def test_stats_with_the_period_backwards(sample: Sample) -> None:
    result = transcripts("stats", "--since", "today", "--until", "2d", database=sample.path)
    assert result.returncode == 1 and "is after --until" in result.stderr


# -- purge and erase --------------------------------------------------------------------


def test_purge_with_days_and_default_from_settings(sample: Sample) -> None:
    assert "Deleted 0 conversations" in ok("purge", "--days", "500", sample=sample)
    assert conversation_count(sample) == 4  # opening the store deleted nothing either
    result = transcripts("purge", database=sample.path)  # BOT_RETENTION_DAYS=180
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 conversation with no activity in the last 180 days" in result.stdout
    assert conversation_count(sample) == 3
    assert "0ld0ld00" not in ok("list", sample=sample)


def test_erase_asks_first(sample: Sample) -> None:
    refused = transcripts("erase", "telegram:1001", database=sample.path, stdin="no\n")
    assert refused.returncode == 1
    assert "Erase everything stored about Jane Doe (telegram:1001)" in refused.stdout
    assert "1 conversation(s), 8 message(s)" in refused.stdout
    assert "Nothing was erased" in refused.stdout
    assert conversation_count(sample) == 4

    out = ok("erase", "telegram:1001", sample=sample, stdin="yes\n")
    # 2 feedback votes, 8 messages, 1 conversation, 1 candidate
    assert "Erased Jane Doe (telegram:1001): 12 rows deleted." in out
    for table, column in (
        ("feedback", "candidate"),
        ("messages", "candidate"),
        ("conversations", "candidate"),
        ("candidates", "key"),
    ):
        sql = f"SELECT count(*) FROM {table} WHERE {column} = 'telegram:1001'"
        assert query(sample.path, sql) == [(0,)]
    assert conversation_count(sample) == 3  # the old conversation was not purged on the way
    assert transcripts("show", "a1b2c", database=sample.path).returncode == 1


def test_erase_with_yes_and_unknown_key(sample: Sample) -> None:
    out = ok("erase", "web:ana-77", "--yes", sample=sample)
    assert "Erased Ana López (web:ana-77): 8 rows deleted." in out  # 6 messages, conv, candidate
    unknown = transcripts("erase", "telegram:42", "--yes", database=sample.path)
    assert unknown.returncode == 1
    assert "Nothing is stored about a candidate with the key 'telegram:42'" in unknown.stderr


# -- the command itself -----------------------------------------------------------------


def test_missing_database_is_explained(tmp_path) -> None:
    result = transcripts("list", database=tmp_path / "none.sqlite3")
    assert result.returncode == 1
    assert f"No transcript database at {tmp_path / 'none.sqlite3'}" in result.stderr
    assert not (tmp_path / "none.sqlite3").exists()
    erase = transcripts("erase", "x:1", "--yes", database=tmp_path / "none.sqlite3")
    assert erase.returncode == 1 and not (tmp_path / "none.sqlite3").exists()


def test_database_option_overrides_the_environment(sample: Sample, tmp_path) -> None:
    result = transcripts(
        "list", "--database", str(sample.path), database=tmp_path / "elsewhere.sqlite3"
    )
    assert result.returncode == 0, result.stderr
    assert "Jane Doe" in result.stdout


def test_transcripts_alone_lists_the_sub_commands() -> None:
    result = transcripts(database=None)
    assert result.returncode == 2
    for name in ("list", "show", "export", "unanswered", "stats", "purge", "erase"):
        assert f"    {name}" in result.stdout


async def test_reads_while_the_bot_is_writing(tmp_path) -> None:
    path = tmp_path / "live.sqlite3"
    async with TranscriptStore(path) as store:
        log = ConversationLog(store, "telegram", "5", "backend", display_name="Live Larry")
        log.exchange(reply("do you sponsor visas?", Outcome.FALLBACK), 1.0)
        assert await store.flush()
        listed = await asyncio.to_thread(transcripts, "list", database=path)
        assert listed.returncode == 0, listed.stderr
        assert "Live Larry" in listed.stdout
        # The salt is written while the bot holds its connection; then the bot goes on.
        exported = await asyncio.to_thread(
            transcripts, "export", "--format", "jsonl", "--pseudonymize", database=path
        )
        assert exported.returncode == 0, exported.stderr
        assert "Live Larry" not in exported.stdout
        log.exchange(reply("Do you sponser visas", Outcome.FALLBACK), 1.0)
        assert await store.flush()
        assert store.healthy
        grouped = await asyncio.to_thread(transcripts, "unanswered", "--json", database=path)
    assert [g["count"] for g in json.loads(grouped.stdout)["groups"]] == [2]
