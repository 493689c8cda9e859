"""The help screen: what the current screen is for and every key that works on it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label, Static

from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.commands import listed_bindings

GENERAL = (
    "ctrl+p opens the command palette: every destination and action, searchable. "
    "Tab and shift+tab move between areas; ctrl+q quits (everything is already saved). "
    "Your data stays on this computer."
)


class HelpScreen(ModalScreen[None]):
    """Keys for the screen it was opened from."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help {
        width: 76; max-width: 96%; height: auto; max-height: 90%;
        border: thick $accent; background: $panel; padding: 0 1;
    }
    #help-text { margin: 1 0; }
    #help-keys { height: auto; }
    #help-close { color: $text-muted; margin-top: 1; }
    """

    BINDINGS: ClassVar = [Binding("escape,f1,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, about: Screen[object]) -> None:
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Label(f"Help: {self.about.sub_title or 'csa-companion'}", classes="box-title")
            text = self.about.HELP_TEXT if isinstance(self.about, CompanionScreen) else ""
            yield DataTable(id="help-keys", show_cursor=False, zebra_stripes=True)
            yield Static(f"{text}\n\n{GENERAL}".strip(), id="help-text")
            yield Label("Press Escape to close.", id="help-close")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "What it does")
        keys: dict[str, list[str]] = {}
        for active in listed_bindings(self.about):
            binding = active.binding
            shown = keys.setdefault(binding.description, [])
            shown.append(self.app.get_key_display(binding))
        keys.setdefault("Command palette", ["ctrl+p"])
        for description, shown in keys.items():
            table.add_row(", ".join(dict.fromkeys(shown)), description)

    def action_close(self) -> None:
        self.dismiss()
