"""Reading text colors back from a screenshot, and WCAG contrast.

`App.export_screenshot()` is Rich's `Console.export_svg`: one `<rect fill=...>` per run of cells
that has a background, and one `<text class=...>` per run of cells with the same style, whose
fill is set by that class in the `<style>` block (dim already blended in). Rows and columns
follow from the x and y of each element; Rich lays them out on a fixed grid.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from rich.cells import cell_len
from rich.color import Color as RichColor
from rich.color import ColorSystem

AA = 4.5  # WCAG 2 level AA, normal-size text

# Rich's export_svg grid (its defaults, which Textual uses).
CHAR_WIDTH = 20 * 0.61
LINE_HEIGHT = 20 * 1.22
CHAR_HEIGHT = 20

# Not text: box drawing and block elements draw borders, rules and scrollbars (WCAG 1.4.3
# covers text; borders carry no words), and a terminal draws emoji (the palette's 🔎) in
# their own colors, whatever the foreground.
DECORATION = re.compile(r"[\u2500-\u259f\U0001f300-\U0001faff]")

_CLASS = re.compile(r"\.(terminal-\d+-r\d+) \{ ([^}]*)\}")
_FILL = re.compile(r"fill: (#[0-9a-fA-F]{6})")
_RECT = re.compile(
    r'<rect fill="(#[0-9a-fA-F]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" '
    r'height="[\d.]+" shape-rendering="crispEdges"/>'
)
_TEXT = re.compile(r'<text class="(terminal-\d+-r\d+)" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>')
_CHROME = re.compile(r'<rect fill="(#[0-9a-fA-F]{6})" stroke=')


def luminance(color: str) -> float:
    """WCAG relative luminance of a #rrggbb color."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Run:
    """Neighboring text cells on one row with the same colors."""

    row: int
    column: int
    text: str
    foreground: str
    background: str

    @property
    def ratio(self) -> float:
        """The contrast in a terminal with true color."""
        return contrast(self.foreground, self.background)

    @property
    def ratio_256(self) -> float:
        """The contrast in a 256-color terminal (macOS Terminal, tmux without true color)."""
        return contrast(in_256_colors(self.foreground), in_256_colors(self.background))

    @property
    def lowest(self) -> float:
        return min(self.ratio, self.ratio_256)

    def __str__(self) -> str:
        return (
            f"row {self.row} col {self.column} {self.text.strip()!r}: "
            f"{self.foreground} on {self.background} = {self.ratio:.2f}:1, "
            f"{self.ratio_256:.2f}:1 in 256 colors"
        )


def in_256_colors(color: str) -> str:
    """What a 256-color terminal shows for `color`: Rich (which Textual writes through) sends
    the nearest color of the xterm palette."""
    return RichColor.parse(color).downgrade(ColorSystem.EIGHT_BIT).get_truecolor().hex


def text_runs(svg: str) -> list[Run]:
    """Every run of text (not spaces, not decoration) in a screenshot, with its colors."""
    fills = {name: _FILL.search(css) for name, css in _CLASS.findall(svg)}
    chrome = _CHROME.search(svg)
    default_background = chrome.group(1) if chrome else "#000000"
    backgrounds: dict[tuple[int, int], str] = {}
    for fill, x, y, width in _RECT.findall(svg):
        row = round((float(y) - 1.5) / LINE_HEIGHT)
        first = round(float(x) / CHAR_WIDTH)
        for column in range(first, first + round(float(width) / CHAR_WIDTH)):
            backgrounds[row, column] = fill
    cells: list[tuple[int, int, str, str, str]] = []
    for name, x, y, content in _TEXT.findall(svg):
        match = fills.get(name)
        foreground = match.group(1) if match else "#000000"
        row = round((float(y) - CHAR_HEIGHT) / LINE_HEIGHT)
        column = round(float(x) / CHAR_WIDTH)
        for char in html.unescape(content):
            if not char.isspace() and not DECORATION.match(char):
                background = backgrounds.get((row, column), default_background)
                cells.append((row, column, char, foreground, background))
            column += cell_len(char)
    return _join(cells)


def _join(cells: list[tuple[int, int, str, str, str]]) -> list[Run]:
    runs: list[Run] = []
    for row, column, char, foreground, background in sorted(cells):
        last = runs[-1] if runs else None
        if (
            last is not None
            and (last.row, last.foreground, last.background) == (row, foreground, background)
            and column - (last.column + cell_len(last.text)) <= 1
        ):
            gap = " " * (column - last.column - cell_len(last.text))
            runs[-1] = Run(row, last.column, last.text + gap + char, foreground, background)
        else:
            runs.append(Run(row, column, char, foreground, background))
    return runs


def unreadable(svg: str, minimum: float = AA) -> list[Run]:
    """The text runs of a screenshot whose contrast is below `minimum` in true color or in
    256 colors."""
    return [run for run in text_runs(svg) if run.lowest < minimum]
