from bot.core.flood import FloodGuard, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_allows_up_to_the_limit_then_warns_once_then_drops():
    clock = Clock()
    guard = FloodGuard(3, 10.0, clock)
    verdicts = [guard.check("ana") for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]


def test_candidates_are_counted_apart():
    guard = FloodGuard(1, 10.0, Clock())
    assert guard.check("ana") is Verdict.ALLOW
    assert guard.check("bob") is Verdict.ALLOW
    assert guard.check("ana") is Verdict.WARN


def test_the_window_slides_and_a_pause_resets_the_warning():
    clock = Clock()
    guard = FloodGuard(2, 10.0, clock)
    for _ in range(3):
        guard.check("ana")
    clock.now = 10.5  # every earlier message has left the window
    assert guard.check("ana") is Verdict.ALLOW
    assert guard.check("ana") is Verdict.ALLOW
    assert guard.check("ana") is Verdict.WARN  # warned again: the earlier warning was reset


def test_spamming_keeps_the_window_full():
    clock = Clock()
    guard = FloodGuard(2, 10.0, clock)
    for step in range(30):  # one message a second, twice the rate, for 30 s
        clock.now = float(step)
        last = guard.check("ana")
    assert last is Verdict.DROP


def test_memory_is_bounded():
    guard = FloodGuard(1, 10.0, Clock(), max_tracked=100)
    for user in range(1000):
        guard.check(user)
    assert guard.check(999) is Verdict.WARN  # recent candidates are remembered
    assert guard.check(0) is Verdict.ALLOW  # the oldest were forgotten
