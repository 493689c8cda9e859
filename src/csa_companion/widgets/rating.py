"""A rating control: one of LOW to HIGH, chosen with the number keys, the arrow keys or a click.

It takes nothing else (a letter typed into a survey's rating box went into the wrong box), and
shows the chosen number in brackets, `1  2 [3] 4  5`, so the choice reads without color.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

CELL = 3  # each number takes three cells: "[3]" or " 3 "


class Rating(Widget, can_focus=True):
    """A rating from `low` to `high`, or None (not rated yet)."""

    DEFAULT_CSS = """
    Rating {
        width: auto; height: 3; padding: 0 1;
        border: tall $border-blurred; background: $surface;
    }
    Rating:focus { border: heavy $border; }
    """
    BINDINGS: ClassVar = [
        Binding("right", "step(1)", "Higher", show=False, id="rating.higher"),
        Binding("left", "step(-1)", "Lower", show=False, id="rating.lower"),
        Binding("backspace,delete", "clear", "Clear", show=False, id="rating.clear"),
    ]

    value: reactive[int | None] = reactive(None)

    class Changed(Message):
        """The rating changed (also when cleared: `value` is None)."""

        def __init__(self, rating: Rating, value: int | None) -> None:
            super().__init__()
            self.rating = rating
            self.value = value

        @property
        def control(self) -> Rating:
            return self.rating

    def __init__(
        self,
        value: int | None = None,
        *,
        low: int = 1,
        high: int = 5,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.low, self.high = low, high
        self.set_reactive(Rating.value, value if value is None or low <= value <= high else None)

    def get_content_width(self, container: object, viewport: object) -> int:
        return CELL * (self.high - self.low + 1)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 1

    def render(self) -> Text:
        text = Text(no_wrap=True)
        for number in range(self.low, self.high + 1):
            if number == self.value:
                text.append(f"[{number}]", style="bold reverse")
            else:
                text.append(f" {number} ")
        return text

    def watch_value(self, value: int | None) -> None:
        self.post_message(self.Changed(self, value))

    def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isdigit():
            number = int(event.character)
            if self.low <= number <= self.high:
                self.value = number
            event.stop()
            event.prevent_default()

    def action_step(self, by: int) -> None:
        if self.value is None:
            self.value = self.low
        else:
            self.value = max(self.low, min(self.high, self.value + by))

    def action_clear(self) -> None:
        self.value = None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        number = self.low + offset.x // CELL
        if self.low <= number <= self.high:
            self.value = number
