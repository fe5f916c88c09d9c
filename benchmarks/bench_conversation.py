"""What the conversation rules cost on top of answering: `Conversation.step` against
`Responder.reply` on the same dev-set questions, in one process.

    python benchmarks/bench_conversation.py [--passes N]

Each pass asks every dev-set question both ways, which first alternating, from a fresh
state each time (a state carried over would trip the flood rule). Medians per question; machines
here are shared, so read the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.conversation import Conversation, Text  # noqa: E402
from bot.core.dialogue import Responder  # noqa: E402
from bot.core.knowledge import load_knowledge  # noqa: E402
from bot.evaluation import read_devset  # noqa: E402

DEVSET = ROOT / "tests" / "data" / "devset.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    responder = Responder(load_knowledge(ROOT / "knowledge"))
    responder.warm_up()
    talk = Conversation(responder)
    questions = [row.question for row in read_devset(DEVSET)]
    reply_ms: list[float] = []
    step_ms: list[float] = []
    for _ in range(args.passes):
        for i, question in enumerate(questions):
            state = talk.start()
            # Which goes first alternates, so that neither always finds the caches warm.
            for kind in ("reply", "step") if i % 2 else ("step", "reply"):
                start = time.perf_counter()
                if kind == "reply":
                    responder.reply(question)
                else:
                    talk.step(state, Text(question))
                elapsed = 1000 * (time.perf_counter() - start)
                (reply_ms if kind == "reply" else step_ms).append(elapsed)
    reply, step = statistics.median(reply_ms), statistics.median(step_ms)
    print(f"{len(questions)} questions x {args.passes} passes")
    print(f"Responder.reply     median {reply:.3f} ms")
    print(f"Conversation.step   median {step:.3f} ms  ({step / reply:.2f}x the reply alone)")
    print(f"rules on top        median {step - reply:+.3f} ms per question")


if __name__ == "__main__":
    main()
