"""DiagramView: shows a tool's diagram for a worksheet, redrawn to fit its width and to use the
height of the pane it sits in."""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget
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
        whole: bool = False,
        id: str | None = None,
    ) -> None:
        """`whole`: every answer whole, however tall the drawing (in a pane that scrolls)."""
        super().__init__(id=id)
        self.tool = tool
        self.worksheet = worksheet
        self.current_step = current_step
        self.whole = whole
        self._room: tuple[int, int | None] | None = None

    def show(self, worksheet: Worksheet, current_step: str | None = None) -> None:
        self.worksheet = worksheet
        self.current_step = current_step
        self._draw()

    def on_mount(self) -> None:
        # The pane's height changes without this widget being resized (it is as tall as its
        # diagram): look again whenever the screen lays itself out.
        self.screen.screen_layout_refresh_signal.subscribe(self, self._layout_changed)
        self._draw()

    def on_resize(self) -> None:
        self._layout_changed()

    def _measure(self) -> tuple[int, int | None]:
        """The width to draw in, and the height of the pane around this widget (if known)."""
        width = self.content_region.width or FALLBACK_WIDTH
        pane = self.parent
        height = pane.scrollable_content_region.height if isinstance(pane, Widget) else 0
        return width, (height or None)

    def _layout_changed(self, _screen: Screen[object] | None = None) -> None:
        """Redraw if the room changed (after this layout: one asked for during it is lost)."""
        if self.is_attached and self._measure() != self._room:
            self.call_after_refresh(self._draw)

    def _draw(self) -> None:
        self._room = width, height = self._measure()
        self.update(
            render_diagram(
                self.tool, self.worksheet, width, self.current_step, height, whole=self.whole
            )
        )
