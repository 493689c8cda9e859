"""BreathPacer: a shape that grows on the in-breath and shrinks on the out-breath.

With reduced motion it shows only the words ("Breathe in", "Breathe out"), never a moving shape.
"""

from __future__ import annotations

import math

from rich.console import RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

WORDS = {"in": "Breathe in", "hold": "Hold", "out": "Breathe out", "rest": "Rest"}
SHAPE = "●"
ROWS = 7


def pacer_rows(size: float, rows: int = ROWS) -> list[str]:
    """A filled ellipse of `rows` lines whose radius follows `size` (0 to 1); terminal cells
    are about twice as tall as wide, so each line is twice as wide as the radius."""
    radius = 0.5 + size * (rows / 2 - 0.5)
    lines = []
    for row in range(rows):
        y = row - (rows - 1) / 2
        half = math.sqrt(max(0.0, radius * radius - y * y)) * 2
        lines.append(SHAPE * round(half * 2) if half >= 0.5 else "")
    return lines


class BreathPacer(Widget):
    """Draws the pacer for the size and label its parent sets."""

    DEFAULT_CSS = """
    BreathPacer { height: 9; width: 1fr; content-align: center middle; text-align: center; }
    BreathPacer.reduced { height: 3; }
    """

    size_now: reactive[float] = reactive(0.0)
    label: reactive[str] = reactive("")
    reduced: reactive[bool] = reactive(False)

    def watch_reduced(self, reduced: bool) -> None:
        self.set_class(reduced, "reduced")

    def render(self) -> RenderableType:
        words = Text(WORDS.get(self.label, ""), style="bold")
        if self.reduced:
            return words
        shape = Text("\n".join(pacer_rows(self.size_now)))
        return Text("\n").join([shape, words])
