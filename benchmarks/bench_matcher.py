"""Speed, memory and accuracy of the matcher against v1 and a naive rapidfuzz baseline.

    python benchmarks/bench_matcher.py [--passes N] [--v1 COMMIT]

Each side runs in its own fresh process so that load time and peak RSS are
its own. v1 is the matcher and knowledge base of commit V1 (before facts and
known unknowns), checked out with `git archive` into a temporary folder and asked
the same dev set. Figures are medians over the dev set; machines here are shared,
so read ratios rather than absolute numbers.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "tests" / "data" / "devset.tsv"
# The last commit before the answers issue: topic-level answers, no facts.
V1 = "c014014"
# The baseline answers when WRatio reaches this score, else falls back.
BASELINE_CUTOFF = 80.0


def _ours(root: Path) -> tuple[float, object]:
    from bot.core.dialogue import Responder
    from bot.core.knowledge import load_knowledge

    start = time.perf_counter()
    responder = Responder(load_knowledge(root / "knowledge"))
    responder.warm_up()
    loaded = time.perf_counter() - start

    def answer(question: str) -> tuple[str, tuple[str, ...]]:
        reply = responder.reply(question)
        return reply.outcome.value, reply.topics

    return loaded, answer


def _baseline(root: Path) -> tuple[float, object]:
    from rapidfuzz import process

    from bot.core.knowledge import load_knowledge

    start = time.perf_counter()
    posting = load_knowledge(root / "knowledge").posting()
    examples = [
        (example, topic.id)
        for topic in posting.topics
        for lang in ("en", "fr", "es")
        for example in [
            *topic.text(lang).examples,
            *(e for f in getattr(topic, "facts", ()) for e in f.text(lang).examples),
        ]
    ]
    choices = [e for e, _ in examples]
    loaded = time.perf_counter() - start

    def answer(question: str) -> tuple[str, tuple[str, ...]]:
        hit = process.extractOne(question, choices, score_cutoff=BASELINE_CUTOFF)
        return ("answer", (examples[hit[2]][1],)) if hit else ("fallback", ())

    return loaded, answer


def _devset() -> list[dict[str, str]]:
    with DEVSET.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _right_topic(reply: tuple[str, tuple[str, ...]], expected: str) -> bool:
    """One topic, the expected one (a fact-level label counts its topic), as an answer
    or, for v2, as a reply that says the asked detail isn't stated."""
    outcome, topics = reply
    return outcome in ("answer", "not_stated") and topics == (expected.split("/")[0],)


def measure(mode: str, root: Path, passes: int) -> dict[str, float]:
    sys.path.insert(0, str(root))
    items = _devset()
    loaded, answer = (_baseline if mode == "baseline" else _ours)(root)
    timings: list[float] = []
    for _ in range(passes):
        for item in items:
            start = time.perf_counter_ns()
            answer(item["question"])  # type: ignore[operator]
            timings.append((time.perf_counter_ns() - start) / 1e6)
    in_scope = [i for i in items if i["kind"] == "in"]
    off = [i for i in items if i["kind"] == "oos"]
    correct = sum(_right_topic(answer(i["question"]), i["expected"]) for i in in_scope)  # type: ignore[operator]
    rejected = sum(answer(i["question"])[0] == "fallback" for i in off)  # type: ignore[operator,index]
    timings.sort()
    return {
        "questions": len(items),
        "load_s": loaded,
        "median_ms": statistics.median(timings),
        "p99_ms": timings[int(0.99 * (len(timings) - 1))],
        "qps": 1000.0 * len(timings) / sum(timings),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "accuracy": correct / len(in_scope),
        "rejection": rejected / len(off),
    }


def _checkout(commit: str, folder: Path) -> Path:
    """`bot/` and `knowledge/` of `commit`, extracted into `folder`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "bot", "knowledge", "seeds"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _run(mode: str, root: Path, passes: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--mode", mode, "--root", str(root), "--passes", str(passes)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--v1", default=V1, metavar="COMMIT")
    parser.add_argument("--mode", choices=("ours", "baseline"))
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(measure(args.mode, args.root, args.passes)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-v1-") as tmp:
        v1 = _run("ours", _checkout(args.v1, Path(tmp)), args.passes)
    ours, base = _run("ours", ROOT, args.passes), _run("baseline", ROOT, args.passes)
    rows = [
        ("questions x passes", "questions", "{:.0f}", False),
        ("median per question (ms)", "median_ms", "{:.3f}", True),
        ("p99 per question (ms)", "p99_ms", "{:.3f}", True),
        ("questions/s, one core", "qps", "{:.0f}", True),
        ("knowledge load (s)", "load_s", "{:.3f}", True),
        ("peak RSS (MB)", "peak_rss_mb", "{:.1f}", True),
        ("in-scope top-1 accuracy", "accuracy", "{:.1%}", False),
        ("out-of-scope rejection", "rejection", "{:.1%}", False),
    ]
    head = f"{'':<28}{'matcher':>10}{'v1':>10}{'/v1':>8}{'baseline':>10}{'/base':>8}"
    print(head)
    for label, key, fmt, ratio in rows:
        cells = f"{label:<28}{fmt.format(ours[key]):>10}{fmt.format(v1[key]):>10}"
        cells += f"{f'{ours[key] / v1[key]:.2f}x' if ratio and v1[key] else '':>8}"
        cells += f"{fmt.format(base[key]):>10}"
        cells += f"{f'{ours[key] / base[key]:.2f}x' if ratio and base[key] else '':>8}"
        print(cells)
    print(
        f"\nv1: commit {args.v1}, its own matcher and knowledge base, on today's dev set."
        f"\nbaseline: rapidfuzz process.extractOne (WRatio) over the raw examples, "
        f"answering at score >= {BASELINE_CUTOFF:.0f}; {args.passes} passes over the dev set."
    )
    print("targets: p99 < 2 ms, load < 1 s, RSS < 100 MB")


if __name__ == "__main__":
    main()
