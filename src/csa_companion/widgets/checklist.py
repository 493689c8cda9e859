"""A list whose options are chosen or not, each marked ☑ or ☐ in its text.

Textual's SelectionList marks a chosen option by the color of an X that is always drawn, so
"chosen" could not be read without color (nor in a plain text capture). Space (or Enter, or a
click) chooses the highlighted option or takes it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

CHOSEN, NOT_CHOSEN = "☑", "☐"


class CheckList(OptionList):
    """Options given as (key, text) pairs, the text shown as written (never read as markup:
    a title may hold "[$500]"); `chosen` lists the chosen keys in list order. A prompt of
    several lines keeps its later lines under the first one's text."""

    BINDINGS: ClassVar = [Binding("space", "choose", "Choose", id="checklist.choose")]

    class Changed(Message):
        """The chosen options changed."""

        def __init__(self, checklist: CheckList) -> None:
            super().__init__()
            self.checklist = checklist

        @property
        def control(self) -> CheckList:
            return self.checklist

    def __init__(self, items: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        self._prompts = dict(items)
        self._chosen: set[str] = set()
        super().__init__(*(Option(self._prompt(key), id=key) for key, _ in items), id=id)

    @property
    def chosen(self) -> list[str]:
        return [key for key in self._prompts if key in self._chosen]

    def is_chosen(self, key: str) -> bool:
        return key in self._chosen

    def _prompt(self, key: str) -> Content:
        mark = CHOSEN if key in self._chosen else NOT_CHOSEN
        first, *rest = self._prompts[key].split("\n")
        return Content("\n".join([f"{mark} {first}", *(f"  {line}" for line in rest)]))

    def toggle(self, key: str) -> None:
        self._chosen ^= {key}
        self.replace_option_prompt(key, self._prompt(key))
        self.post_message(self.Changed(self))

    def action_choose(self) -> None:
        if self.highlighted is None:
            return
        key = self.get_option_at_index(self.highlighted).id
        if key is not None:
            self.toggle(key)

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click chooses too (not passed on: choosing is this list's selection)."""
        event.stop()
        if event.option.id is not None:
            self.toggle(event.option.id)
