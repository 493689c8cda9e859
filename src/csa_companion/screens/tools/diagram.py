"""A worksheet's diagram on the whole screen: every box's whole text, wrapped, scrolling where
needed (beside the answers, at 80x24, each box shows only its first line or two)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header

from csa_companion.content.model import Tool
from csa_companion.domain.worksheet import Worksheet
from csa_companion.screens.base import CompanionScreen
from csa_companion.services import Services
from csa_companion.widgets.diagram_view import DiagramView
from csa_companion.widgets.footer import Footer


class DiagramScreen(CompanionScreen):
    """One worksheet's diagram, full screen; the arrows and page keys scroll it."""

    DEFAULT_CSS = """
    #diagram-full { height: 1fr; padding: 0 1; }
    """
    HELP_TEXT = (
        "The worksheet's diagram with every answer whole. The arrows, Page Up and Page Down "
        "scroll it; Escape goes back to the worksheet."
    )
    BINDINGS = [Binding("escape,g", "back", "Back", id="diagram.back")]

    def __init__(self, services: Services, tool: Tool, worksheet: Worksheet) -> None:
        super().__init__(services)
        self.tool = tool
        self.worksheet = worksheet

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="diagram-full"):
            yield DiagramView(self.tool, self.worksheet, whole=True, id="diagram")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.worksheet.title} · diagram"
        self.query_one("#diagram-full").focus()

    def action_back(self) -> None:
        self.dismiss()
