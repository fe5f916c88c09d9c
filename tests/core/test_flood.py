from bot.core.flood import FloodWindow, Verdict, admit


def run(times: list[float], limit: int, window_s: float = 10.0) -> list[Verdict]:
    window, verdicts = FloodWindow(), []
    for now in times:
        window, verdict = admit(window, now, limit, window_s)
        verdicts.append(verdict)
    return verdicts


def test_allows_up_to_the_limit_then_warns_once_then_drops():
    verdicts = run([0.0] * 6, limit=3)
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]


def test_the_window_slides_and_a_pause_resets_the_warning():
    verdicts = run([0.0, 0.0, 0.0, 10.5, 10.5, 10.5], limit=2)
    # every earlier message has left the window at 10.5, so the candidate is warned again
    assert verdicts == [Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN] * 2


def test_spamming_keeps_the_window_full():
    verdicts = run([float(s) for s in range(30)], limit=2)  # twice the rate, for 30 s
    assert verdicts[-1] is Verdict.DROP


def test_the_window_keeps_no_more_than_it_needs():
    window = FloodWindow()
    for now in range(1000):
        window, _ = admit(window, 0.001 * now, 3, 10.0)
    assert len(window.times) == 4
