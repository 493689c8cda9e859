"""DiagramView: shows a tool's diagram for a worksheet, redrawn to fit its width."""

from __future__ import annotations

from textual.widgets import Static

from csa_companion.content.model import Tool
from csa_companion.domain.diagrams import render_diagram
from csa_companion.domain.worksheet import Worksheet

FALLBACK_WIDTH = 60


class DiagramView(Static):
    """Set `show(...)` from the parent; the widget only draws."""

    DEFAULT_CSS = "DiagramView { width: 100%; height: auto; }"

    def __init__(
        self,
        tool: Tool,
        worksheet: Worksheet,
        current_step: str | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.tool = tool
        self.worksheet = worksheet
        self.current_step = current_step

    def show(self, worksheet: Worksheet, current_step: str | None = None) -> None:
        self.worksheet = worksheet
        self.current_step = current_step
        self._draw()

    def on_mount(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.content_region.width or FALLBACK_WIDTH
        self.update(render_diagram(self.tool, self.worksheet, width, self.current_step))
