"""Textual's Select, with its blank choice (e.g. "All tags") readable.

Textual dims the blank choice in the open list: 3.8:1 against the highlighted row, below
WCAG AA. Here it is drawn like the other choices.
"""

from __future__ import annotations

from typing import TypeVar

from textual.widgets import Select as TextualSelect
from textual.widgets._select import SelectOverlay

T = TypeVar("T")


class Select(TextualSelect[T]):
    def _setup_options_renderables(self) -> None:
        super()._setup_options_renderables()
        if self._allow_blank:
            self.query_one(SelectOverlay).replace_option_prompt_at_index(0, self.prompt)
