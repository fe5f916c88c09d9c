"""Small server-side SVG charts for the console's Trends page.

Each builder returns the markup of one `<svg>` as `Markup`, ready for a Jinja
template: every text that comes from the data (a topic, a language) is escaped
here. Drawing uses presentation attributes only (fill=, stroke=, class=), never
style= or <style> and no script, so the page's Content-Security-Policy holds and
a chart renders even without the stylesheet; its class names let the stylesheet
restyle it. A chart has a viewBox and no fixed size, so it scales to its
container (on a phone too), role="img" with an aria-label that sums it up, and
<title> tooltips on its marks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

# The stylesheet's palette (console.css), as attributes so the charts need no CSS.
INK = "#1d2330"
MUTED = "#5d6678"
LINE = "#dde1e8"
BACKGROUND = "#f6f7f9"
ACCENT = "#2456c7"
GOOD = "#1b7f4b"
WARN = "#a35b00"
BAD = "#b3261e"

FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
# Large for a 600-unit-wide drawing: shrunk to a phone's width it is still readable.
FONT_SIZE = 15
MAX_TICKS = 7  # date labels under a time chart
LABEL_CHARS = 18  # longer labels of a bar chart are cut (the tooltip has them whole)


@dataclass(frozen=True, slots=True)
class Series:
    """One line of `daily_rates`: a share (0 to 1) per day, None where there is none."""

    name: str
    values: Sequence[float | None]
    color: str
    css: str  # its class: "series <css>"
    dash: str | None = None  # stroke-dasharray, so the lines differ without colour too


@dataclass(frozen=True, slots=True)
class _Box:
    """A chart's size and its plot area inside the margins."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> float:
        """The y of the plot's zero line."""
        return self.height - self.bottom


_TIME = _Box(600, 240, left=56, right=24, top=12, bottom=30)
_TIME_WITH_LEGEND = _Box(600, 262, left=56, right=24, top=40, bottom=30)
_BARS_WIDTH = 480
_BARS_LABELS = 170
_BARS_ROW = 30


def daily_bars(days: Sequence[date], counts: Sequence[int], *, title: str, unit: str) -> Markup:
    """A bar per day: `counts[i]` `unit` on `days[i]` (messages per day)."""
    if len(days) != len(counts):
        raise ValueError("one count per day")
    if not any(counts):
        return _no_data(title, f"No {unit} in this period.")
    box = _TIME
    top, step = _scale(max(counts))
    busiest = max(range(len(counts)), key=lambda i: (counts[i], i))
    summary = (
        f"{title}: {_count(sum(counts))} {unit} from {_spoken(days[0])} to {_spoken(days[-1])}, "
        f"at most {_count(counts[busiest])} on {_spoken(days[busiest])}"
    )
    parts = [*_y_axis(box, top, step, _count), *_x_axis(box, days)]
    slot = box.plot_width / len(days)
    for i, (day, count) in enumerate(zip(days, counts, strict=True)):
        x = box.left + i * slot
        height = count / top * box.plot_height
        parts.append(
            f'<g class="day"><title>{escape(f"{_spoken(day)}: {_count(count)} {unit}")}</title>'
        )
        parts.append(_hover(x, box.top, slot, box.plot_height))
        if count:
            parts.append(
                _rect(x + slot * 0.1, box.base - height, slot * 0.8, height, "bar", ACCENT)
            )
        parts.append("</g>")
    return _svg(box.width, box.height, summary, parts)


def daily_rates(
    days: Sequence[date],
    series: Sequence[Series],
    *,
    title: str,
    notes: Sequence[str] | None = None,
    overall: Sequence[float | None] | None = None,
) -> Markup:
    """A line per series of shares (0 to 100%) over the days; a day with no value is a
    gap. `notes[i]` adds to the tooltip of `days[i]` (say, "20 replies"); `overall`, one
    share per series for the whole period, goes into the chart's accessible summary."""
    if any(len(s.values) != len(days) for s in series) or (notes and len(notes) != len(days)):
        raise ValueError("one value per day")
    if not any(v is not None for s in series for v in s.values):
        return _no_data(title, "No replies in this period.")
    box = _TIME_WITH_LEGEND
    summary = f"{title}, per day from {_spoken(days[0])} to {_spoken(days[-1])}"
    if overall:
        shares = (f"{s.name} {_percent(share)}" for s, share in zip(series, overall, strict=True))
        summary += f"; over the whole period {', '.join(shares)}"
    parts = [*_y_axis(box, 1.0, 0.25, _percent), *_x_axis(box, days), *_legend(box, series)]
    slot = box.plot_width / len(days)
    for i, day in enumerate(days):
        values = ", ".join(f"{s.name} {_percent(s.values[i])}" for s in series)
        note = f" ({notes[i]})" if notes else ""
        tip = f"{_spoken(day)}: {values}{note}"
        parts.append(f'<g class="day"><title>{escape(tip)}</title>')
        parts.append(_hover(box.left + i * slot, box.top, slot, box.plot_height))
        parts.append("</g>")
    for s in series:
        parts.append(f'<g class="series {escape(s.css)}">')
        for run in _runs(s.values):
            points = [(box.left + (i + 0.5) * slot, _y(box, value)) for i, value in run]
            if len(points) == 1:
                ((x, y),) = points
                parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{s.color}"/>')
                continue
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            path = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{s.color}" stroke-width="2.5"'
                f' stroke-linejoin="round" stroke-linecap="round"{dash}/>'
            )
        parts.append("</g>")
    return _svg(box.width, box.height, summary, parts)


def horizontal_bars(
    items: Sequence[tuple[str, int]], *, title: str, unit: str, total: int | None = None
) -> Markup:
    """A bar per (label, count), in the order given; `total` adds each one's share."""
    if not items or not any(count for _, count in items):
        return _no_data(title, f"No {unit} in this period.")
    biggest = max(count for _, count in items)
    height = len(items) * _BARS_ROW + 8
    bar_space = _BARS_WIDTH - _BARS_LABELS - 56  # room for the value after the bar
    listed = ", ".join(f"{label} {_count(count)}" for label, count in items[:5])
    more = f" and {len(items) - 5} more" if len(items) > 5 else ""
    parts: list[str] = []
    for row, (label, count) in enumerate(items):
        y = 4 + row * _BARS_ROW
        share = f" ({_percent(count / total)})" if total else ""
        tip = f"{label}: {_count(count)} {unit}{share}"
        width = count / biggest * bar_space
        parts.append(f'<g class="item"><title>{escape(tip)}</title>')
        parts.append(_hover(0, y, _BARS_WIDTH, _BARS_ROW))
        parts.append(
            _text(_BARS_LABELS - 8, y + 20, _cut(label), anchor="end", fill=INK, css="label")
        )
        parts.append(_rect(_BARS_LABELS, y + 5, max(width, 1.0), _BARS_ROW - 10, "bar", ACCENT))
        parts.append(
            _text(_BARS_LABELS + width + 6, y + 20, _count(count), fill=MUTED, css="value")
        )
        parts.append("</g>")
    return _svg(_BARS_WIDTH, height, f"{title}: {listed}{more}", parts)


def ratio_bar(part: int, whole: int, *, title: str, part_name: str, rest_name: str) -> Markup:
    """One bar split in two: `part` of `whole` (helpful votes of all votes)."""
    if not 0 <= part <= whole:
        raise ValueError("part must be between 0 and whole")
    if not whole:
        return _no_data(title, "No votes in this period.")
    width, height, bar = _BARS_WIDTH, 68.0, _BARS_WIDTH - 16
    rest = whole - part
    share = part / whole
    said = (
        f"{_percent(share)} {part_name} ({_count(part)} of {_count(whole)}), "
        f"{_percent(1 - share)} {rest_name} ({_count(rest)})"
    )
    parts = []
    split = 8 + share * bar
    for x, w, count, name, color, css in (
        (8.0, share * bar, part, part_name, GOOD, "part"),
        (split, bar - share * bar, rest, rest_name, BAD, "rest"),
    ):
        if count:
            tip = f"{_count(count)} {name} ({_percent(count / whole)})"
            parts.append(f"<g><title>{escape(tip)}</title>")
            parts.append(_rect(x, 8, w, 24, css, color))
            parts.append("</g>")
    parts.append(_text(8, 56, said, fill=INK, css="caption"))
    return _svg(width, height, f"{title}: {said}", parts)


# -- pieces ------------------------------------------------------------------------------


def _svg(width: float, height: float, label: str, parts: Sequence[str]) -> Markup:
    text = escape(label)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}"'
        f' class="chart-svg" role="img" aria-label="{text}" font-family="{escape(FONT)}"'
        f' font-size="{FONT_SIZE}"><title>{text}</title>{"".join(parts)}</svg>'
    )


def _no_data(title: str, message: str) -> Markup:
    parts = [
        _rect(0, 0, _BARS_WIDTH, 56, "empty", BACKGROUND),
        _text(_BARS_WIDTH / 2, 33, message, anchor="middle", fill=MUTED, css="empty-text"),
    ]
    return _svg(_BARS_WIDTH, 56, f"{title}: {message}", parts)


def _rect(x: float, y: float, width: float, height: float, css: str, fill: str) -> str:
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"'
        f' class="{css}" fill="{fill}"/>'
    )


def _hover(x: float, y: float, width: float, height: float) -> str:
    """An invisible area that still catches the pointer, so a thin mark has its tooltip."""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"'
        ' class="hover" fill="#000" fill-opacity="0"/>'
    )


def _text(x: float, y: float, text: str, *, fill: str, css: str, anchor: str = "start") -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" class="{css}"'
        f' fill="{fill}">{escape(text)}</text>'
    )


def _y_axis(box: _Box, top: float, step: float, label: Callable[[float], str]) -> list[str]:
    """Grid lines with their values, from 0 to `top`."""
    parts = ['<g class="axis y-axis">']
    for k in range(round(top / step) + 1):
        value = k * step
        y = _n(box.base - value / top * box.plot_height)
        parts.append(
            f'<line x1="{_n(box.left)}" y1="{y}" x2="{_n(box.width - box.right)}" y2="{y}"'
            f' stroke="{LINE}" stroke-width="1"/>'
        )
        parts.append(
            _text(box.left - 6, float(y) + 4, label(value), anchor="end", fill=MUTED, css="tick")
        )
    parts.append("</g>")
    return parts


def _x_axis(box: _Box, days: Sequence[date]) -> list[str]:
    """Up to MAX_TICKS date labels, counted back from the last day so it is labelled."""
    slot = box.plot_width / len(days)
    every = math.ceil(len(days) / MAX_TICKS)
    parts = ['<g class="axis x-axis">']
    for i in range(len(days) - 1, -1, -every):
        x = box.left + (i + 0.5) * slot
        parts.append(
            _text(x, box.base + 21, _short(days[i]), anchor="middle", fill=MUTED, css="tick")
        )
    parts.append("</g>")
    return parts


def _legend(box: _Box, series: Sequence[Series]) -> list[str]:
    parts = ['<g class="legend">']
    x = box.left
    for s in series:
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(
            f'<line x1="{_n(x)}" y1="18" x2="{_n(x + 22)}" y2="18" stroke="{s.color}"'
            f' stroke-width="2.5" class="swatch {escape(s.css)}"{dash}/>'
        )
        parts.append(_text(x + 28, 23, s.name, fill=INK, css="legend-text"))
        x += 28 + 9 * len(s.name) + 24
    parts.append("</g>")
    return parts


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The stretches of consecutive days that have a value."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, value))
    if current:
        runs.append(current)
    return runs


def _y(box: _Box, share: float) -> float:
    return box.base - min(max(share, 0.0), 1.0) * box.plot_height


def _scale(biggest: int) -> tuple[int, int]:
    """A round top for the y axis at or above `biggest`, and the step of its grid lines
    (1, 2 or 5 times a power of ten; at most about four steps)."""
    rough = max(biggest / 4, 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return step * math.ceil(biggest / step), step


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _n(value: float) -> str:
    """A coordinate, short: 12.5, 40."""
    return f"{round(value, 1):g}"


def _count(value: float) -> str:
    return f"{round(value):,}"


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{round(share * 100)}%"


def _spoken(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _short(day: date) -> str:
    return f"{day.day} {day:%b}"
