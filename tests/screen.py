"""Reading what the user sees: the top screen rendered to plain text."""

from __future__ import annotations

from typing import Any

from textual.app import App


def screen_text(app: App[Any]) -> str:
    """The current screen as the terminal would show it, one line per row, no styling."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


FRAME = str.maketrans(dict.fromkeys("█▊▎▌▐▔▁▀▄│─┃━╸╺┏┓┗┛", " "))


def screen_words(app: App[Any]) -> str:
    """The current screen's words in reading order: borders dropped, runs of space and line
    ends made one space (so a sentence wrapped inside a dialog reads as one line)."""
    return " ".join(screen_text(app).translate(FRAME).split())
