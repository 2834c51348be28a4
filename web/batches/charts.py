"""Charts of a batch drawn on the server as SVG: the cost-versus-ecology frontier with the
scenarios marked on it, and each member's cost pooled against buying alone.

Each chart is an `<svg role="img">` with a title and a description, labels written on the
marks (not in colour alone, so it reads in print and in grey), and the page shows the same
figures in a table next to it. No script draws anything.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

Format = Callable[[Decimal], str]


@dataclass(frozen=True)
class FrontierPoint:
    """A solve of the frontier: its eco floor's result."""

    eco_score: Decimal
    total_cost: Decimal


@dataclass(frozen=True)
class ScenarioMark:
    """A computed scenario placed on the frontier chart."""

    number: int
    eco_score: Decimal
    total_cost: Decimal


@dataclass(frozen=True)
class MemberBar:
    """One member's pooled cost and cost alone."""

    member: str
    total: Decimal
    alone: Decimal
    savings: Decimal


@dataclass(frozen=True)
class Box:
    """A rectangle of the chart, in SVG units: where a label is written."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return not (
            self.right <= other.left
            or other.right <= self.left
            or self.bottom <= other.top
            or other.bottom <= self.top
        )

    def inside(self, other: Box) -> bool:
        return (
            self.left >= other.left
            and self.right <= other.right
            and self.top >= other.top
            and self.bottom <= other.bottom
        )


FONT_SIZE = 13  # the charts' font size in batches.css
LABEL_HEIGHT = 16


def text_width(text: str) -> float:
    """A generous estimate of a label's width at the charts' bold 13 px: wide enough that two
    labels estimated apart are apart on screen."""
    return round(len(text) * FONT_SIZE * 0.62 + 4, 1)


def place_label(
    cx: float, cy: float, width: float, placed: list[Box], bounds: Box
) -> tuple[float, float, str]:
    """Where a scenario's label goes: beside its mark, on the first side where it overlaps no
    label already written and stays inside the plot, trying farther rows above and below when
    the near ones are taken. Returns the text's x, baseline y and anchor, and keeps its box."""
    candidates = []
    for row in range(0, 6):
        for above in (True, False):
            top = (
                cy - 8 - LABEL_HEIGHT - row * LABEL_HEIGHT if above else cy + 8 + row * LABEL_HEIGHT
            )
            candidates.append((Box(cx + 8, top, cx + 8 + width, top + LABEL_HEIGHT), "start"))
            candidates.append((Box(cx - 8 - width, top, cx - 8, top + LABEL_HEIGHT), "end"))
    inside = [c for c in candidates if c[0].inside(bounds)] or candidates
    box, anchor = next(
        (c for c in inside if not any(c[0].overlaps(other) for other in placed)), inside[0]
    )
    placed.append(box)
    x = box.left if anchor == "start" else box.right
    return x, round(box.bottom - 4, 1), anchor


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values from `low` to `high`, about `count` of them (1, 2 or 5 times a power of
    ten apart)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    values = []
    value = start
    while value <= high + step * 1e-9:
        values.append(round(value, 10))
        value += step
    if values[-1] < high:
        values.append(round(values[-1] + step, 10))
    return values


def _svg(width: int, height: int, key: str, title: str, description: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{key}-title {key}-desc">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def frontier_chart(
    points: Sequence[FrontierPoint],
    scenarios: Sequence[ScenarioMark],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    scenario_label: Callable[[int], str],
    money: Format,
    key: str = "frontier-chart",
) -> Markup:
    """Total cost (vertical) against the eco score (horizontal): the frontier as a line
    through its points, each scenario as a labelled square."""
    width, height = 640, 360
    left, right, top, bottom = 96, 24, 20, 56
    ecos = [float(p.eco_score) for p in points] + [float(s.eco_score) for s in scenarios]
    costs = [float(p.total_cost) for p in points] + [float(s.total_cost) for s in scenarios]
    if not ecos:
        ecos, costs = [0.0, 100.0], [0.0, 1.0]
    x_ticks = ticks(min(ecos), max(ecos))
    y_ticks = ticks(min(costs), max(costs))
    x0, x1, y0, y1 = x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1]
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(value: float) -> float:
        return round(left + (value - x0) / ((x1 - x0) or 1) * plot_w, 1)

    def y(value: float) -> float:
        return round(top + plot_h - (value - y0) / ((y1 - y0) or 1) * plot_h, 1)

    body = ['<g class="chart-grid" aria-hidden="true">']
    for value in y_ticks:
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value)}" y2="{y(value)}"/>'
            f'<text class="chart-tick" x="{left - 8}" y="{y(value) + 4}" text-anchor="end">'
            f"{escape(money(Decimal(str(value))))}</text>"
        )
    for value in x_ticks:
        body.append(
            f'<line x1="{x(value)}" x2="{x(value)}" y1="{top}" y2="{top + plot_h}"/>'
            f'<text class="chart-tick" x="{x(value)}" y="{top + plot_h + 18}" '
            f'text-anchor="middle">{value:g}</text>'
        )
    body.append("</g>")
    body.append(
        f'<text class="chart-axis" x="{left + plot_w / 2}" y="{height - 8}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
        f'<text class="chart-axis" x="14" y="{top + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2})">{escape(y_label)}</text>'
    )
    ordered = sorted(points, key=lambda p: (p.eco_score, p.total_cost))
    if len(ordered) > 1:
        path = " ".join(f"{x(float(p.eco_score))},{y(float(p.total_cost))}" for p in ordered)
        body.append(f'<polyline class="chart-frontier" points="{path}"/>')
    for p in ordered:
        body.append(
            f'<circle class="chart-point" cx="{x(float(p.eco_score))}" '
            f'cy="{y(float(p.total_cost))}" r="4"/>'
        )
    placed: list[Box] = []
    bounds = Box(left, top, width - right, top + plot_h)
    for mark in sorted(scenarios, key=lambda m: (m.eco_score, m.total_cost, m.number)):
        cx, cy = x(float(mark.eco_score)), y(float(mark.total_cost))
        text = scenario_label(mark.number)
        tx, ty, anchor = place_label(cx, cy, text_width(text), placed, bounds)
        body.append(
            f'<g class="chart-scenario"><rect x="{cx - 6}" y="{cy - 6}" width="12" height="12"/>'
            f'<text x="{tx}" y="{ty}" text-anchor="{anchor}">{escape(text)}</text></g>'
        )
    return Markup(_svg(width, height, key, title, description, body))


def savings_chart(
    bars: Sequence[MemberBar],
    *,
    title: str,
    description: str,
    pooled_label: str,
    alone_label: str,
    money: Format,
    key: str = "savings-chart",
) -> Markup:
    """Each member on two bars: what it pays pooled (filled) and what it would pay alone
    (outlined), with the savings written at the end."""
    width = 640
    value_w, row_h, name_h = 130, 60, 18
    top = 34
    height = top + row_h * max(len(bars), 1) + 10
    biggest = max([float(b.alone) for b in bars] + [float(b.total) for b in bars] + [1.0])
    plot_w = width - value_w

    def w(value: Decimal) -> float:
        return round(max(float(value), 0.0) / biggest * plot_w, 1)

    body = [
        f'<g class="chart-legend"><rect class="chart-pooled" x="0" y="6" width="14" '
        f'height="10"/><text x="20" y="15">{escape(pooled_label)}</text>'
        f'<rect class="chart-alone" x="190" y="6" width="14" height="10"/>'
        f'<text x="210" y="15">{escape(alone_label)}</text></g>'
    ]
    for index, bar in enumerate(bars):
        y = top + index * row_h
        # The name has the whole width on a line of its own: never cut at the left edge.
        body.append(
            f'<g class="chart-member"><text x="0" y="{y + 13}">{escape(bar.member)}</text>'
            f'<rect class="chart-pooled" x="0" y="{y + name_h + 4}" width="{w(bar.total)}" '
            f'height="14"/>'
            f'<rect class="chart-alone" x="0" y="{y + name_h + 20}" width="{w(bar.alone)}" '
            f'height="14"/>'
            f'<text class="chart-value" x="{width - value_w + 8}" y="{y + name_h + 24}">'
            f"{escape(money(bar.savings))}</text></g>"
        )
    return Markup(_svg(width, height, key, title, description, body))
