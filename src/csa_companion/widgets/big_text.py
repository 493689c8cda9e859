"""Large type for a shared screen: the time left and a question drawn in block letters that grow
with the widget's size (half-block pixels, so a pixel is about as wide as it is tall).

`big_lines` is a pure function (tested without an app); `BigText` draws it and falls back to
plain bold text when even the smallest size does not fit, or the text has a letter the font
lacks (text in another script).
"""

from __future__ import annotations

import unicodedata

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

GLYPH_W, GLYPH_H = 5, 7
# 5x7 glyphs, one number per row (bit 4 is the leftmost pixel), after the classic LCD font.
_FONT: dict[str, tuple[int, ...]] = {
    "A": (0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11),
    "B": (0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E),
    "C": (0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E),
    "D": (0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C),
    "E": (0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F),
    "F": (0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10),
    "G": (0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F),
    "H": (0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11),
    "I": (0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E),
    "J": (0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C),
    "K": (0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11),
    "L": (0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F),
    "M": (0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11),
    "N": (0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11),
    "O": (0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E),
    "P": (0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10),
    "Q": (0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D),
    "R": (0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11),
    "S": (0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E),
    "T": (0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04),
    "U": (0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E),
    "V": (0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04),
    "W": (0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A),
    "X": (0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11),
    "Y": (0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04),
    "Z": (0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F),
    "0": (0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E),
    "1": (0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E),
    "2": (0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F),
    "3": (0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E),
    "4": (0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02),
    "5": (0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E),
    "6": (0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E),
    "7": (0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08),
    "8": (0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E),
    "9": (0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C),
    " ": (0, 0, 0, 0, 0, 0, 0),
    ":": (0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00),
    ".": (0, 0, 0, 0, 0, 0x0C, 0x0C),
    ",": (0, 0, 0, 0, 0x0C, 0x04, 0x08),
    ";": (0, 0x0C, 0x0C, 0, 0x0C, 0x04, 0x08),
    "?": (0x0E, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04),
    "!": (0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04),
    "-": (0, 0, 0, 0x1F, 0, 0, 0),
    "+": (0, 0x04, 0x04, 0x1F, 0x04, 0x04, 0),
    "'": (0x0C, 0x04, 0x08, 0, 0, 0, 0),
    '"': (0x0A, 0x0A, 0x0A, 0, 0, 0, 0),
    "(": (0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02),
    ")": (0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08),
    "/": (0, 0x01, 0x02, 0x04, 0x08, 0x10, 0),
    "&": (0x0C, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0D),
    "%": (0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03),
}
_NARROW = {":": (1, 2), ".": (1, 2), ",": (1, 3), ";": (1, 2), "!": (2, 1), "'": (1, 3)}
"""Glyphs drawn from column `first` for `width` pixels, so a clock's colon takes little room."""
_SAME = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
_HALF = {(True, True): "\u2588", (True, False): "\u2580", (False, True): "\u2584"}


def fold(text: str) -> str | None:
    """The text in the font's letters (capitals, accents dropped), or None when a letter has no
    glyph (another script, an emoji)."""
    out = []
    for char in text:
        char = _SAME.get(char, char)
        if char in ("\n", "\t"):
            char = " "
        base = unicodedata.normalize("NFKD", char.upper())
        base = "".join(c for c in base if not unicodedata.combining(c))
        if not base or any(c not in _FONT for c in base):
            return None
        out.append(base)
    return "".join(out)


def _columns(char: str) -> tuple[int, int]:
    return _NARROW.get(char, (0, GLYPH_W))


def _text_width(text: str) -> int:
    """Pixels across, with a one-pixel gap between glyphs."""
    return sum(_columns(c)[1] for c in text) + max(0, len(text) - 1)


def _wrap(text: str, width: int) -> list[str] | None:
    """Words into lines of at most `width` pixels; None when a word alone is too wide."""
    lines: list[str] = []
    for word in text.split():
        if _text_width(word) > width:
            return None
        if lines and _text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def big_lines(
    text: str, width: int, height: int, *, wrap: bool = True, most: int = 12
) -> list[str] | None:
    """`text` in block letters as large as fits `width` x `height` cells (up to `most` cells a
    pixel), centered; None when it cannot fit at the smallest size or a letter is missing."""
    folded = fold(text)
    if folded is None or width < 1 or height < 1:
        return None
    for scale in range(most, 0, -1):
        across = width // scale
        lines = _wrap(folded, across) if wrap else [folded.strip()]
        if lines is None or any(_text_width(line) > across for line in lines):
            continue
        # Each line is 7 pixels and a pixel gap; a pixel is `scale` half-rows tall.
        rows = (len(lines) * (GLYPH_H + 1) - 1) * scale
        if (rows + 1) // 2 <= height:
            return _draw(lines, scale, width)
    return None


def _draw(lines: list[str], scale: int, width: int) -> list[str]:
    pixels: list[list[bool]] = []
    # Each line of words is centered under the widest (all of a line's rows by the same shift,
    # so its letters stay whole).
    widest = max((_text_width(line) for line in lines), default=0) * scale
    for number, line in enumerate(lines):
        if number:
            pixels += [[False] * 0 for _ in range(scale)]
        shift = [False] * ((widest - _text_width(line) * scale) // 2)
        for row in range(GLYPH_H):
            bits: list[bool] = []
            for index, char in enumerate(line):
                if index:
                    bits.append(False)
                first, count = _columns(char)
                pattern = _FONT[char][row]
                bits += [
                    bool(pattern >> (GLYPH_W - 1 - col) & 1) for col in range(first, first + count)
                ]
            wide = shift + [bit for bit in bits for _ in range(scale)]
            pixels += [wide for _ in range(scale)]
    across = max((len(row) for row in pixels), default=0)
    out = []
    for top in range(0, len(pixels), 2):
        upper = pixels[top]
        lower = pixels[top + 1] if top + 1 < len(pixels) else []
        cells = [_HALF.get((_at(upper, col), _at(lower, col)), " ") for col in range(across)]
        out.append("".join(cells).rstrip())
    pad = max(0, (width - across) // 2)
    return [(" " * pad + line) if line else "" for line in out]


def _at(row: list[bool], col: int) -> bool:
    return col < len(row) and row[col]


class BigText(Widget):
    """Text in block letters that fill the widget; plain bold text when they cannot."""

    DEFAULT_CSS = """
    BigText { height: 1fr; width: 100%; content-align: center middle; text-align: center; }
    """

    text: reactive[str] = reactive("", layout=False)

    def __init__(
        self, text: str = "", *, wrap: bool = True, most: int = 12, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.wrap = wrap
        self.most = most
        self.set_reactive(BigText.text, text)

    @property
    def is_big(self) -> bool:
        """Drawn in block letters at the current size (not the plain fallback)."""
        size = self.content_region.size
        return (
            big_lines(self.text, size.width, size.height, wrap=self.wrap, most=self.most)
            is not None
        )

    def render(self) -> Text:
        size = self.content_region.size
        lines = big_lines(self.text, size.width, size.height, wrap=self.wrap, most=self.most)
        if lines is None:
            return Text(self.text, style="bold", justify="center")
        top = max(0, (size.height - len(lines)) // 2)
        # Every line as wide as the widget: `big_lines` centered the block already, and the
        # CSS would center each line of its own length again, shifting the rows of a letter
        # against each other.
        full = [line.ljust(size.width) for line in lines]
        return Text("\n" * top + "\n".join(full), no_wrap=True, overflow="crop")
