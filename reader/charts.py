"""Coordinates for the server-drawn pictures of the facet matrix (a number line per number
facet, a small chart per source's trail). Pure functions, no Django: the templates draw
SVG from what these return, and a table beside each picture carries the same data."""

from __future__ import annotations

import math
from dataclasses import dataclass

from reader.quantities import Interval

LINE_WIDTH = 600.0  # the number line's width, in SVG units (the picture scales to its box)
LABEL_WIDTH = 200.0  # the left part, where each row names its source
AXIS_WIDTH = LINE_WIDTH - LABEL_WIDTH


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """About `count` round numbers from low to high (1, 2, 2.5 or 5 times a power of ten)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


@dataclass(frozen=True)
class Scale:
    low: float
    high: float

    def x(self, value: float) -> float:
        """Where a value sits on the axis, LABEL_WIDTH to LINE_WIDTH (clamped to it)."""
        if math.isinf(value):
            return LABEL_WIDTH if value < 0 else LINE_WIDTH
        if self.high == self.low:
            return LABEL_WIDTH + AXIS_WIDTH / 2
        share = (value - self.low) / (self.high - self.low)
        return round(LABEL_WIDTH + max(0.0, min(1.0, share)) * AXIS_WIDTH, 2)


def scale_for(intervals: list[Interval]) -> Scale | None:
    """An axis that shows every finite end, with a margin; None without any."""
    ends = [end for i in intervals for end in (i.low, i.high) if math.isfinite(end)]
    if not ends:
        return None
    low, high = min(ends), max(ends)
    margin = max(1.0, (high - low) * 0.1)
    low = max(0.0, low - margin) if low >= 0 else low - margin
    return Scale(low, high + margin)


@dataclass(frozen=True)
class Bar:
    """One value on the number line: from x1 to x2, open-ended where an end is infinite."""

    x1: float
    x2: float
    open_low: bool
    open_high: bool
    y: float

    @property
    def drawn_x1(self) -> float:
        """A single number still shows: a bar at least 4 units wide."""
        return self.x1 if self.x2 - self.x1 >= 4 else round(self.x1 - 2, 2)

    @property
    def drawn_x2(self) -> float:
        return self.x2 if self.x2 - self.x1 >= 4 else round(self.x1 + 2, 2)

    @property
    def arrow(self) -> str:
        """The arrowhead of an open high end, as SVG polygon points."""
        return f"{LINE_WIDTH},{self.y - 6} {LINE_WIDTH + 9},{self.y} {LINE_WIDTH},{self.y + 6}"

    @property
    def label_x(self) -> float:
        """Where the row's label ends: in the left part, before the axis."""
        return LABEL_WIDTH - 8


def bar(scale: Scale, interval: Interval, row: int, row_height: float) -> Bar:
    return Bar(
        x1=scale.x(interval.low),
        x2=scale.x(interval.high),
        open_low=math.isinf(interval.low),
        open_high=math.isinf(interval.high),
        y=row * row_height + row_height / 2,
    )


def polyline(points: list[tuple[float, float]], width: float, height: float) -> list[tuple]:
    """(x, y) points scaled into a width x height box (y up), in order of x."""
    if not points:
        return []
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    x_low, x_high = min(xs), max(xs)
    y_low, y_high = min(ys), max(ys)

    def fit(value: float, low: float, high: float, size: float) -> float:
        return size / 2 if high == low else (value - low) / (high - low) * size

    pad = 6.0
    return [
        (
            round(pad + fit(x, x_low, x_high, width - 2 * pad), 1),
            round(height - pad - fit(y, y_low, y_high, height - 2 * pad), 1),
        )
        for x, y in points
    ]
