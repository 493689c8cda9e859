"""The facilitator's shared screen: what a presentation opens, and ending it when that closes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from csa_companion.content.model import Practice, Tool
from csa_companion.domain.worksheet import Worksheet
from csa_companion.screens import routes
from csa_companion.services import PresentTarget, Services


class PresentRoot(Screen[None]):
    """The bottom of a presentation's screen stack: opens the target at once and ends the app
    (back to the shell) when the target closes."""

    def __init__(self, services: Services, target: PresentTarget) -> None:
        super().__init__()
        self.services = services
        self.target = target
        self.opened = False

    def compose(self) -> ComposeResult:
        yield Static("")

    def on_screen_resume(self) -> None:
        if self.opened:
            self.app.exit()
            return
        self.opened = True
        self.open_target()

    def open_target(self) -> None:
        services, target = self.services, self.target
        item = services.library.get(target.item_id) if target.item_id else None
        if isinstance(item, Practice):
            self.app.push_screen(routes.make("practice-setup", services, item, presenting=True))
        elif isinstance(item, Tool):
            self.app.push_screen(self.group_walkthrough(item))
        else:
            self.app.push_screen(routes.make("practices", services, presenting=True))

    def group_walkthrough(self, tool: Tool) -> Screen[None]:
        now = self.services.clock.now()
        title = f"Group session, {now:%d %b %Y %H:%M}"
        sheet = Worksheet.new(tool, title, now, group=True)
        return routes.make("walkthrough", self.services, tool, sheet)
