"""The SVG charts: well-formed, proportional, escaped, CSP-safe, and sane with no data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from jinja2 import Environment
from markupsafe import Markup

from bot.console.charts import (
    BAD,
    GOOD,
    LABEL_CHARS,
    MAX_TICKS,
    Series,
    daily_bars,
    daily_rates,
    horizontal_bars,
    ratio_bar,
)

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script>"
DAYS = [date(2025, 6, 1) + timedelta(days=n) for n in range(4)]


def parse(markup: Markup) -> ET.Element:
    """The chart as XML, after checking what every chart must have."""
    assert isinstance(markup, Markup)
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") is None and root.get("height") is None  # it scales
    assert root.get("role") == "img" and root.get("aria-label")
    assert root[0].tag == f"{SVG}title" and root[0].text == root.get("aria-label")
    for element in root.iter():
        assert element.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject")
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    return root


def find(root: ET.Element, tag: str, css: str | None = None) -> list[ET.Element]:
    found = root.iter(f"{SVG}{tag}")
    return [e for e in found if css is None or css in e.get("class", "").split()]


def texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter() if e.tag in (f"{SVG}text", f"{SVG}title")]


def number(element: ET.Element, name: str) -> float:
    return float(element.get(name, "nan"))


# -- messages per day ---------------------------------------------------------------------


def test_bar_heights_are_proportional_and_stand_on_one_line() -> None:
    root = parse(daily_bars(DAYS, [5, 0, 10, 20], title="Messages per day", unit="messages"))
    bars = find(root, "rect", "bar")
    assert len(bars) == 3  # no bar on the empty day
    heights = [number(b, "height") for b in bars]
    assert heights[1] / heights[0] == pytest.approx(2, rel=0.02)
    assert heights[2] / heights[0] == pytest.approx(4, rel=0.02)
    bottoms = {round(number(b, "y") + number(b, "height"), 1) for b in bars}
    assert len(bottoms) == 1
    assert all(b.get("fill") for b in bars)  # coloured without the stylesheet


def test_every_day_has_a_tooltip_even_with_no_bar() -> None:
    root = parse(daily_bars(DAYS, [5, 0, 1234, 20], title="Messages per day", unit="messages"))
    days = find(root, "g", "day")
    assert len(days) == 4
    tips = [day.find(f"{SVG}title").text for day in days]  # type: ignore[union-attr]
    assert tips == [
        "1 Jun 2025: 5 messages",
        "2 Jun 2025: 0 messages",
        "3 Jun 2025: 1,234 messages",
        "4 Jun 2025: 20 messages",
    ]
    assert "at most 1,234 on 3 Jun 2025" in root.get("aria-label", "")


def test_a_long_period_labels_a_few_days_ending_with_the_last() -> None:
    days = [date(2025, 1, 1) + timedelta(days=n) for n in range(90)]
    root = parse(daily_bars(days, list(range(90)), title="Messages", unit="messages"))
    ticks = [e.text for e in find(root, "text", "tick")]
    dates = [t for t in ticks if t and not t.replace(",", "").isdigit()]
    assert 2 <= len(dates) <= MAX_TICKS
    assert dates[0] == "31 Mar"  # 1 January + 89 days
    assert len(find(root, "rect", "bar")) == 89


def test_the_y_axis_tops_out_at_a_round_number_above_the_highest_bar() -> None:
    root = parse(daily_bars(DAYS, [3, 97, 12, 40], title="Messages", unit="messages"))
    ticks = [e.text for e in find(root, "text", "tick")]
    assert "100" in ticks and "0" in ticks
    tallest = max(number(b, "height") for b in find(root, "rect", "bar"))
    grid = [number(line, "y1") for line in find(root, "line")]
    assert tallest <= max(grid) - min(grid)


def test_no_messages_draws_a_no_data_chart() -> None:
    for counts, days in (([0, 0, 0, 0], DAYS), ([], [])):
        root = parse(daily_bars(days, counts, title="Messages per day", unit="messages"))
        assert not find(root, "rect", "bar")
        assert "No messages in this period." in texts(root)


def test_counts_and_days_must_pair_up() -> None:
    with pytest.raises(ValueError, match="one count per day"):
        daily_bars(DAYS, [1, 2], title="Messages", unit="messages")


# -- rates over time ------------------------------------------------------------------------


def rates(*values: list[float | None]) -> list[Series]:
    names = ("answer", "fallback")
    return [
        Series(name, v, color, name, dash)
        for name, v, color, dash in zip(names, values, (GOOD, BAD), (None, "2 3"), strict=False)
    ]


def points(polyline: ET.Element) -> list[tuple[float, float]]:
    pairs = (p.split(",") for p in polyline.get("points", "").split())
    return [(float(x), float(y)) for x, y in pairs]


def test_rate_lines_are_placed_on_a_0_to_100_percent_scale() -> None:
    root = parse(daily_rates(DAYS, rates([0.0, 0.5, 1.0, 0.25]), title="Reply rates"))
    (line,) = find(root, "polyline")
    ys = [y for _, y in points(line)]
    bottom, middle, top, quarter = ys
    assert middle == pytest.approx((bottom + top) / 2, abs=0.1)
    assert quarter == pytest.approx(bottom + (top - bottom) / 4, abs=0.1)
    assert top < bottom  # SVG's y grows downwards
    assert {"0%", "50%", "100%"} <= set(texts(root))


def test_a_day_with_no_reply_is_a_gap_and_a_lone_day_a_dot() -> None:
    values: list[float | None] = [0.5, 0.6, None, 0.4]
    root = parse(daily_rates(DAYS, rates(values, [0.1, None, None, None]), title="Rates"))
    answer, fallback = (g for g in find(root, "g", "series"))
    assert [len(points(p)) for p in find(answer, "polyline")] == [2]
    assert len(find(answer, "circle")) == 1  # the lone fourth day
    assert not find(fallback, "polyline") and len(find(fallback, "circle")) == 1
    assert "answer" in answer.get("class", "").split()


def test_rate_tooltips_carry_every_series_and_the_note() -> None:
    root = parse(
        daily_rates(
            DAYS,
            rates([0.5, None, 1.0, 0.0], [0.25, None, 0.0, 1.0]),
            title="Reply rates",
            notes=["4 replies", "no replies", "1 reply", "2 replies"],
            overall=[0.4, 0.3],
        )
    )
    tips = [g.find(f"{SVG}title").text for g in find(root, "g", "day")]  # type: ignore[union-attr]
    assert tips[0] == "1 Jun 2025: answer 50%, fallback 25% (4 replies)"
    assert tips[1] == "2 Jun 2025: answer n/a, fallback n/a (no replies)"
    assert "over the whole period answer 40%, fallback 30%" in root.get("aria-label", "")
    legend = [e.text for e in find(root, "text", "legend-text")]
    assert legend == ["answer", "fallback"]
    dashes = [e.get("stroke-dasharray") for e in find(root, "line", "swatch")]
    assert dashes == [None, "2 3"]  # told apart without colour too


def test_no_replies_at_all_draws_a_no_data_chart() -> None:
    root = parse(daily_rates(DAYS, rates([None] * 4, [None] * 4), title="Reply rates"))
    assert not find(root, "polyline") and "No replies in this period." in texts(root)
    parse(daily_rates([], rates([], []), title="Reply rates"))


def test_rates_and_days_must_pair_up() -> None:
    with pytest.raises(ValueError, match="one value per day"):
        daily_rates(DAYS, rates([0.5]), title="Rates")
    with pytest.raises(ValueError, match="one value per day"):
        daily_rates(DAYS, rates([0.5] * 4), title="Rates", notes=["x"])


# -- topics, languages, feedback ------------------------------------------------------------


def test_horizontal_bars_are_proportional_in_the_order_given() -> None:
    items = [("salary", 40), ("remote-work", 10), ("visa", 20)]
    root = parse(horizontal_bars(items, title="Top topics", unit="answers", total=70))
    widths = [number(b, "width") for b in find(root, "rect", "bar")]
    assert widths[0] / widths[1] == pytest.approx(4, rel=0.02)
    assert widths[2] / widths[1] == pytest.approx(2, rel=0.02)
    assert [e.text for e in find(root, "text", "label")] == ["salary", "remote-work", "visa"]
    tips = [g.find(f"{SVG}title").text for g in find(root, "g", "item")]  # type: ignore[union-attr]
    assert tips[0] == "salary: 40 answers (57%)"


def test_labels_from_the_database_are_escaped() -> None:
    evil_unit = 'answers" onload="alert(2)'
    markup = horizontal_bars([(EVIL, 3), ("a&b", 1)], title=EVIL, unit=evil_unit)
    assert EVIL not in markup and "<script" not in markup
    assert "&lt;script&gt;" in markup
    root = parse(markup)  # no script element, no on* attribute
    assert EVIL in texts(root)[0]  # the text reads as typed
    assert any(t.startswith(f"{EVIL}: 3 ") for t in texts(root))
    assert "a&b" in texts(root)
    series = [Series(EVIL, [0.5] * 4, GOOD, "answer")]
    rates_markup = daily_rates(DAYS, series, title=EVIL, notes=[EVIL] * 4)
    assert "<script" not in rates_markup
    assert EVIL in [e.text for e in find(parse(rates_markup), "text", "legend-text")]


def test_a_long_label_is_cut_but_its_tooltip_is_whole() -> None:
    label = "a-very-long-topic-name-that-goes-on-and-on"
    root = parse(horizontal_bars([(label, 3)], title="Topics", unit="answers"))
    (shown,) = [e.text for e in find(root, "text", "label")]
    assert shown is not None and shown.endswith("…") and len(shown) <= LABEL_CHARS
    assert label.startswith(shown[:-1])
    assert any(t.startswith(f"{label}: 3 answers") for t in texts(root))


def test_no_topics_draws_a_no_data_chart() -> None:
    for items in ([], [("salary", 0)]):
        root = parse(horizontal_bars(items, title="Top topics", unit="answers"))
        assert not find(root, "rect", "bar") and "No answers in this period." in texts(root)


def test_the_ratio_bar_splits_at_the_share() -> None:
    root = parse(ratio_bar(2, 3, title="Feedback", part_name="helpful", rest_name="not helpful"))
    (part,) = find(root, "rect", "part")
    (rest,) = find(root, "rect", "rest")
    assert number(part, "width") / number(rest, "width") == pytest.approx(2, rel=0.01)
    assert number(rest, "x") == pytest.approx(number(part, "x") + number(part, "width"))
    assert "67% helpful (2 of 3), 33% not helpful (1)" in texts(root)


def test_the_ratio_bar_at_the_extremes() -> None:
    all_good = parse(ratio_bar(5, 5, title="Feedback", part_name="helpful", rest_name="not"))
    assert len(find(all_good, "rect", "part")) == 1 and not find(all_good, "rect", "rest")
    none = parse(ratio_bar(0, 0, title="Feedback", part_name="helpful", rest_name="not"))
    assert "No votes in this period." in texts(none)
    with pytest.raises(ValueError, match="between 0 and whole"):
        ratio_bar(4, 3, title="Feedback", part_name="helpful", rest_name="not")


def test_a_template_inserts_a_chart_as_is() -> None:
    chart = ratio_bar(1, 2, title="Feedback", part_name="helpful", rest_name="not helpful")
    page = Environment(autoescape=True).from_string("<div>{{ chart }}</div>").render(chart=chart)
    assert page == f"<div>{chart}</div>"
