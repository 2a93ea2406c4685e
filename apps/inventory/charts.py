"""A small server-rendered SVG chart of an inventory's total and available over time."""

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, MARGIN = 640, 180, 40
SERIES = (  # name, label, colour, dash pattern (so equal lines stay visible)
    ("total", "Total", "#417690", "none"),
    ("available", "Available", "#c47a00", "6 4"),
)


def stock_chart(points: Sequence[tuple[datetime, int, int]]) -> SafeString:
    """Step lines of (time, total, available) points, oldest first; empty without points.

    Stock holds its value until the next change, so each line steps at every point.
    """
    if not points:
        return SafeString("")
    values = [value for _, total, available in points for value in (total, available)]
    low, high = min(0, *values), max(1, *values)
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds() or 1

    def x(when: datetime) -> float:
        return MARGIN + (when - start).total_seconds() / span * (WIDTH - 2 * MARGIN)

    def y(value: int) -> float:
        return HEIGHT - MARGIN - (value - low) / (high - low) * (HEIGHT - 2 * MARGIN)

    def line(column: int) -> str:
        corners, previous = [], None
        for point in points:
            if previous is not None:
                corners.append((x(point[0]), y(previous)))
            corners.append((x(point[0]), y(point[column])))
            previous = point[column]
        return " ".join(f"{px:.1f},{py:.1f}" for px, py in corners)

    polylines = format_html_join(
        "",
        '<polyline class="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}" '
        'points="{}">'
        "<title>{}</title></polyline>"
        '<text x="{}" y="14" font-size="12" fill="{}">■ {}</text>',
        (
            (name, color, dash, line(column), label, MARGIN + 90 * (column - 1), color, label)
            for column, (name, label, color, dash) in enumerate(SERIES, start=1)
        ),
    )
    return format_html(
        '<svg class="stock-chart" role="img" aria-label="Total and available over time" '
        'width="{w}" height="{h}" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg">'
        '<line x1="{left}" y1="{zero}" x2="{right}" y2="{zero}" stroke="#bbb"/>'
        '<text x="{label}" y="{top}" font-size="11" fill="#666" text-anchor="end">{high}</text>'
        '<text x="{label}" y="{bottom}" font-size="11" fill="#666" text-anchor="end">{low}</text>'
        '<text x="{left}" y="{under}" font-size="11" fill="#666">{first}</text>'
        '<text x="{right}" y="{under}" font-size="11" fill="#666" text-anchor="end">{last}</text>'
        "{polylines}</svg>",
        w=WIDTH,
        h=HEIGHT,
        left=MARGIN,
        right=WIDTH - MARGIN,
        label=MARGIN - 6,
        zero=f"{y(0):.1f}",
        top=f"{y(high) + 4:.1f}",
        bottom=f"{y(low) + 4:.1f}",
        high=high,
        low=low,
        under=HEIGHT - 12,
        first=f"{timezone.localtime(start):%Y-%m-%d %H:%M}",
        last=f"{timezone.localtime(end):%Y-%m-%d %H:%M}",
        polylines=polylines,
    )
