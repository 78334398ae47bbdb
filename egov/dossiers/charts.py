"""Small server-rendered SVG charts (no JavaScript, no external library).

Each chart has a ``<title>`` and ``<desc>`` and ``role="img"`` with ``aria-labelledby``; the page
shows a table with the same numbers next to it, so the chart is never the only way to read them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    label: str
    css_class: str  # colours live in the stylesheet (and so follow its contrast rules)


def stacked_bars(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    values: Sequence[Sequence[int]],
    width: int = 640,
    bar_height: int = 22,
) -> SafeString:
    """Horizontal stacked bars: one bar per category, one segment per series.

    ``values[i][j]`` is the value of series ``j`` in category ``i``.
    """
    label_width = 220
    gap = 8
    legend_height = 24
    chart_width = width - label_width - 60
    largest = max((sum(row) for row in values), default=0) or 1
    height = legend_height + len(categories) * (bar_height + gap) + gap
    number = next(_ids)
    title_id, desc_id = f"chart-{number}-title", f"chart-{number}-desc"
    parts = [
        format_html(
            '<svg class="chart" role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" '
            'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{}">{}</title><desc id="{}">{}</desc>',
            title_id,
            desc_id,
            width,
            height,
            title_id,
            title,
            desc_id,
            description,
        )
    ]
    x = label_width
    for item in series:
        parts.append(
            format_html(
                '<rect class="{}" x="{}" y="4" width="12" height="12"/>'
                '<text x="{}" y="15" class="chart-legend">{}</text>',
                item.css_class,
                x,
                x + 16,
                item.label,
            )
        )
        x += 16 + 8 * len(item.label) + 16
    for index, (category, row) in enumerate(zip(categories, values, strict=True)):
        y = legend_height + gap + index * (bar_height + gap)
        short = category if len(category) <= 32 else category[:31] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-label" text-anchor="end">{}</text>',
                label_width - 6,
                f"{y + bar_height * 0.7:.1f}",
                short,
            )
        )
        offset = float(label_width)
        for item, value in zip(series, row, strict=True):
            if value <= 0:
                continue
            size = chart_width * value / largest
            parts.append(
                format_html(
                    '<rect class="{}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{}: {}</title></rect>",
                    item.css_class,
                    f"{offset:.1f}",
                    y,
                    f"{size:.1f}",
                    bar_height,
                    item.label,
                    value,
                )
            )
            offset += size
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-value">{}</text>',
                f"{offset + 4:.1f}",
                f"{y + bar_height * 0.7:.1f}",
                sum(row),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part went through format_html
