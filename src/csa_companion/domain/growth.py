"""The growth chart: for each survey item, pre against post for every session and the trend,
as plain text lines (bars of block characters, so they read the same in every theme)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from csa_companion.domain.survey import HIGH, Trend

FULL, EMPTY = "█", "·"
SPARK = " ▁▂▃▄▅▆▇█"


def bar(rating: int | None) -> str:
    """'███·· 3' for 3 of 5; blanks when there is no rating."""
    if rating is None:
        return f"{'':<{HIGH}}  -"
    return f"{FULL * rating}{EMPTY * (HIGH - rating)} {rating}"


def trend_word(change: int | None) -> str:
    if change is None:
        return "trend: not enough ratings yet"
    arrow = "↗" if change > 0 else "↘" if change < 0 else "→"
    return f"trend {arrow} {change:+d} from first to last rating"


def spark(trend: Trend) -> str:
    """The ratings across sessions, pre then post, as one small line."""
    ratings = [r for p in trend.points for r in (p.pre, p.post)]
    return "".join(" " if r is None else SPARK[round(r * (len(SPARK) - 1) / HIGH)] for r in ratings)


def growth_lines(trends: Sequence[Trend], texts: dict[str, str], width: int) -> list[str]:
    """The chart, no line longer than `width` (item texts wrap, never get cut)."""
    lines: list[str] = []
    for trend in trends:
        title = texts.get(trend.item, trend.item)
        lines += textwrap.wrap(title, width) or [title[:width]]
        for point in trend.points:
            change = "" if point.change is None else f"  {point.change:+d}"
            lines.append(
                f"  Session {point.session}  pre {bar(point.pre)}  post {bar(point.post)}{change}"
            )
        lines.append(f"  {spark(trend)}  {trend_word(trend.overall)}")
        lines.append("")
    return lines
