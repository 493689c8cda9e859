"""The facilitator's shared screen: what a presentation opens, and ending it when that closes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from csa_companion.content.model import Practice, Tool
from csa_companion.domain.wording import quoted
from csa_companion.domain.worksheet import Worksheet, status_words
from csa_companion.screens import routes
from csa_companion.screens.dialogs import Ask, Choice
from csa_companion.services import PresentTarget, Services


class PresentRoot(Screen[None]):
    """The bottom of a presentation's screen stack: opens the target at once and ends the app
    (back to the shell) when the target closes. A tool first asks for the group worksheet's
    title, and at the end says where the worksheet was saved."""

    def __init__(self, services: Services, target: PresentTarget) -> None:
        super().__init__()
        self.services = services
        self.target = target
        self.opened = False
        self.walk: Screen[None] | None = None

    def compose(self) -> ComposeResult:
        yield Static("")

    def on_screen_resume(self) -> None:
        if self.app.screen is not self:
            return  # the next step is already up (a dialog's answer opened it)
        if self.opened:
            self.app.exit()
            return
        self.opened = True
        self.open_target()

    def open_target(self) -> None:
        services, target = self.services, self.target
        if target.kind == "session":
            from csa_companion.screens.present.session import session_screen

            self.app.push_screen(session_screen(services, target))
            return
        item = services.library.get(target.item_id) if target.item_id else None
        if isinstance(item, Practice):
            self.app.push_screen(routes.make("practice-setup", services, item, presenting=True))
        elif isinstance(item, Tool):
            self.ask_title(item)
        else:
            self.app.push_screen(routes.make("practices", services, presenting=True))

    def ask_title(self, tool: Tool) -> None:
        """The group worksheet's title, the default filled in (Enter keeps it)."""
        now = self.services.clock.now()
        default = f"Group session, {now:%d %b %Y %H:%M}"

        def titled(title: str | None) -> None:
            if title is None:  # Escape: no walk, back to the shell
                self.app.exit()
                return
            self.walk = self.group_walkthrough(tool, title)
            self.app.push_screen(self.walk, lambda _: self.say_where(tool))

        self.app.push_screen(
            Ask(
                f"{tool.title} with the group: a title for the group worksheet",
                default,
                "Enter keeps this title (or type another); Escape leaves.",
            ),
            titled,
        )

    def group_walkthrough(self, tool: Tool, title: str) -> Screen[None]:
        sheet = Worksheet.new(tool, title, self.services.clock.now(), group=True)
        return routes.make("walkthrough", self.services, tool, sheet)

    def say_where(self, tool: Tool) -> None:
        """After the walk: where the group worksheet was saved, and as what."""
        walked = getattr(self.walk, "worksheet", None)
        repo = self.services.worksheets
        saved = repo.get(walked.uid) if isinstance(walked, Worksheet) else None
        if saved is None:
            message = "Nothing was written, so no group worksheet was kept."
        else:
            where = getattr(repo, "where_saved", lambda: "with your worksheets")()
            message = (
                f"{quoted(saved.title)} ({tool.title}, {status_words(saved.status)}) is saved "
                f"as a group worksheet {where}."
            )
        self.app.push_screen(
            Choice(message, [("close", "Close")], cancel_id="close"),
            lambda _: self.app.exit(message=message),
        )
