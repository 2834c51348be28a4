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
    for mark in scenarios:
        cx, cy = x(float(mark.eco_score)), y(float(mark.total_cost))
        label = escape(scenario_label(mark.number))
        anchor = "end" if cx > left + plot_w * 0.8 else "start"
        shift = -10 if anchor == "end" else 10
        body.append(
            f'<g class="chart-scenario"><rect x="{cx - 6}" y="{cy - 6}" width="12" height="12"/>'
            f'<text x="{cx + shift}" y="{cy - 8}" text-anchor="{anchor}">{label}</text></g>'
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
    label_w, value_w, row_h = 170, 130, 44
    top = 34
    height = top + row_h * max(len(bars), 1) + 10
    biggest = max([float(b.alone) for b in bars] + [float(b.total) for b in bars] + [1.0])
    plot_w = width - label_w - value_w

    def w(value: Decimal) -> float:
        return round(max(float(value), 0.0) / biggest * plot_w, 1)

    body = [
        f'<g class="chart-legend"><rect class="chart-pooled" x="{label_w}" y="6" width="14" '
        f'height="10"/><text x="{label_w + 20}" y="15">{escape(pooled_label)}</text>'
        f'<rect class="chart-alone" x="{label_w + 190}" y="6" width="14" height="10"/>'
        f'<text x="{label_w + 210}" y="15">{escape(alone_label)}</text></g>'
    ]
    for index, bar in enumerate(bars):
        y = top + index * row_h
        name = bar.member if len(bar.member) <= 24 else bar.member[:23] + "…"
        body.append(
            f'<g class="chart-member"><text x="{label_w - 8}" y="{y + 20}" '
            f'text-anchor="end">{escape(name)}</text>'
            f'<rect class="chart-pooled" x="{label_w}" y="{y + 4}" width="{w(bar.total)}" '
            f'height="14"/>'
            f'<rect class="chart-alone" x="{label_w}" y="{y + 20}" width="{w(bar.alone)}" '
            f'height="14"/>'
            f'<text class="chart-value" x="{width - value_w + 8}" y="{y + 24}">'
            f"{escape(money(bar.savings))}</text></g>"
        )
    return Markup(_svg(width, height, key, title, description, body))
