"""EntryList: a virtual list of journal entries that repaints only the visible rows, so
searching 5,000 entries updates in constant time."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from csa_companion.domain.journal import JournalRow


class EntryList(ScrollView, can_focus=True):
    """One line per entry: star, date, title and tags, with a cursor."""

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", id="entry-list.open", show=False),
    ]
    COMPONENT_CLASSES = {
        "entry-list--cursor",
        "entry-list--date",
        "entry-list--tags",
        "entry-list--star",
    }
    DEFAULT_CSS = """
    EntryList { height: 1fr; background: $surface; }
    EntryList > .entry-list--cursor {
        background: $block-cursor-blurred-background; color: $block-cursor-blurred-foreground;
    }
    EntryList:focus > .entry-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    EntryList > .entry-list--date { color: $text-muted; }
    EntryList > .entry-list--tags { color: $text-primary; }
    EntryList > .entry-list--star { color: $text-warning; }
    """

    cursor: reactive[int] = reactive(0)

    @dataclass
    class Highlighted(Message):
        entry: JournalRow | None

    @dataclass
    class Selected(Message):
        entry: JournalRow

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[JournalRow] = []

    @property
    def current(self) -> JournalRow | None:
        return self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None

    def show(self, entries: list[JournalRow], keep_uid: str | None = None) -> None:
        """Replace the rows; keep the cursor on `keep_uid` if it is still listed."""
        self.entries = entries
        index = self.cursor  # still on its row (a search showing more of what it finds)
        if not (0 <= index < len(entries) and entries[index].uid == keep_uid):
            index = next((n for n, e in enumerate(entries) if e.uid == keep_uid), 0)
        self.virtual_size = Size(self.size.width, len(entries))
        self.cursor = min(index, max(len(entries) - 1, 0))
        self.post_message(self.Highlighted(self.current))
        self.refresh()

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region(Region(0, new, 1, 1), animate=False)
        self.refresh()

    def action_move(self, delta: int) -> None:
        if self.entries:
            self.cursor = max(0, min(len(self.entries) - 1, self.cursor + delta))
            self.post_message(self.Highlighted(self.current))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, index: int) -> None:
        self.action_move((len(self.entries) - 1 if index < 0 else 0) - self.cursor)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current))

    def on_click(self, event: events.Click) -> None:
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self.entries):
            already = index == self.cursor
            self.cursor = index
            self.post_message(self.Highlighted(self.current))
            if already or event.chain > 1:
                self.action_select()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if index >= len(self.entries):
            return Strip.blank(width, self.rich_style)
        entry = self.entries[index]
        base = self.rich_style
        star, date, tags = (self._color(f"entry-list--{part}") for part in ("star", "date", "tags"))
        if index == self.cursor:
            # The cursor row is one color: the others are chosen for the list's background.
            base = star = date = tags = self.get_component_rich_style("entry-list--cursor")
        star_text = "★ " if entry.starred else "  "
        date_text = f"{entry.created:%Y-%m-%d %H:%M}  "
        tag_text = "  " + " ".join(f"#{t}" for t in entry.tags) if entry.tags else ""
        # What does not fit ends in "…", so a cut title or tag never looks whole.
        room = width - cell_len(star_text) - cell_len(date_text)
        title = _cut(entry.display_title, room)
        tag_text = _cut(tag_text, room - cell_len(title)) if title == entry.display_title else ""
        segments = [
            Segment(star_text, star),
            Segment(date_text, date),
            Segment(title, base),
            Segment(tag_text, tags),
        ]
        strip = Strip(segments).crop_extend(0, width, base)
        return strip.simplify()

    def _color(self, component: str) -> Style:
        """The list's style in a component's color. A partial component style would leave
        colors relative to the background ($text-muted) unresolved: white on light gray."""
        return self.rich_style + Style(color=self.get_component_rich_style(component).color)


def _cut(text: str, width: int) -> str:
    """`text` if it fits in `width` cells, else cut to fit with a closing "…"."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…" if width > 0 else ""
