"""Text that may carry Textual markup, or brackets of its own (a title, a path typed)."""

from __future__ import annotations

from textual.content import Content
from textual.markup import MarkupError, to_content


def valid_markup(text: str) -> bool:
    """True if Textual can render `text` as markup ('[/b]' in a title or a path cannot)."""
    try:
        to_content(text)
    except MarkupError:
        return False
    return True


def shown(text: str, markup: bool = True) -> Content:
    """`text` as markup when it is meant and valid as markup, else exactly as written."""
    return Content.from_markup(text) if markup and valid_markup(text) else Content(text)


def escape(text: str) -> str:
    """`text` to put inside markup so it reads exactly as written. Textual's own escape lets
    '[$500]' through as a variable (it vanished from lists and views) and leaves a backslash
    before '[' to be read as an escape."""
    return text.replace("[", "\\[")
