"""Speed, memory and accuracy of the matcher against a naive rapidfuzz baseline.

    python benchmarks/bench_matcher.py [--passes N]

Each side runs in its own fresh process so that load time and peak RSS are
its own. Figures are medians over the dev set; machines here are shared, so
read ratios rather than absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEVSET = ROOT / "tests" / "data" / "devset.tsv"
KNOWLEDGE = ROOT / "knowledge"
# The baseline answers when WRatio reaches this score, else falls back.
BASELINE_CUTOFF = 80.0


def _ours() -> tuple[float, object]:
    from bot.core.dialogue import Responder
    from bot.core.knowledge import load_knowledge

    start = time.perf_counter()
    responder = Responder(load_knowledge(KNOWLEDGE))
    responder.warm_up()
    loaded = time.perf_counter() - start

    def answer(question: str) -> tuple[str, tuple[str, ...]]:
        reply = responder.reply(question)
        return reply.outcome.value, reply.topics

    return loaded, answer


def _baseline() -> tuple[float, object]:
    from rapidfuzz import process

    from bot.core.knowledge import load_knowledge

    start = time.perf_counter()
    posting = load_knowledge(KNOWLEDGE).posting()
    examples = [
        (example, topic.id)
        for topic in posting.topics
        for lang in ("en", "fr", "es")
        for example in topic.text(lang).examples
    ]
    choices = [e for e, _ in examples]
    loaded = time.perf_counter() - start

    def answer(question: str) -> tuple[str, tuple[str, ...]]:
        hit = process.extractOne(question, choices, score_cutoff=BASELINE_CUTOFF)
        return ("answer", (examples[hit[2]][1],)) if hit else ("fallback", ())

    return loaded, answer


def measure(mode: str, passes: int) -> dict[str, float]:
    from bot.evaluation import read_devset

    items = read_devset(DEVSET)
    loaded, answer = (_ours if mode == "ours" else _baseline)()
    timings: list[float] = []
    for _ in range(passes):
        for item in items:
            start = time.perf_counter_ns()
            answer(item.question)  # type: ignore[operator]
            timings.append((time.perf_counter_ns() - start) / 1e6)
    in_scope = [i for i in items if i.kind == "in"]
    off = [i for i in items if i.kind in ("oos", "silent")]
    correct = sum(answer(i.question) == ("answer", (i.expected,)) for i in in_scope)  # type: ignore[operator]
    rejected = sum(answer(i.question)[0] == "fallback" for i in off)  # type: ignore[operator,index]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--mode", choices=("ours", "baseline"))
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(measure(args.mode, args.passes)))
        return
    results = {}
    for mode in ("ours", "baseline"):
        out = subprocess.run(
            [sys.executable, __file__, "--mode", mode, "--passes", str(args.passes)],
            check=True,
            capture_output=True,
            text=True,
        )
        results[mode] = json.loads(out.stdout)
    ours, base = results["ours"], results["baseline"]
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
    print(f"{'':<28}{'matcher':>12}{'baseline':>12}{'ratio':>8}")
    for label, key, fmt, ratio in rows:
        r = f"{ours[key] / base[key]:.2f}x" if ratio and base[key] else ""
        print(f"{label:<28}{fmt.format(ours[key]):>12}{fmt.format(base[key]):>12}{r:>8}")
    print(
        f"\nbaseline: rapidfuzz process.extractOne (WRatio) over the raw examples, "
        f"answering at score >= {BASELINE_CUTOFF:.0f}; {args.passes} passes over the dev set."
    )
    print("targets: p99 < 2 ms, load < 1 s, RSS < 100 MB")


if __name__ == "__main__":
    main()
