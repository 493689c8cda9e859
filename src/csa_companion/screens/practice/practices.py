"""Practice: the list of practices (run one for yourself, or present it) and the practice log."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from csa_companion.content.model import Practice
from csa_companion.domain.practice import format_seconds
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.practice.practice_setup import PracticeSetupScreen
from csa_companion.services import Services
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markup import escape

HISTORY = 50


class PracticesScreen(CompanionScreen):
    """Pick a practice; Enter runs it for yourself, `s` presents it on a shared screen."""

    DEFAULT_CSS = """
    #practices { height: 1fr; }
    #practice-list { width: 1fr; max-width: 44; }
    #practice-side { width: 1fr; }
    #practice-about { padding: 0 1; height: auto; }
    #practice-log { height: 1fr; }
    """

    HELP_TEXT = (
        "Settling and check-in practices. Enter runs the highlighted one for yourself (with a "
        "note and a line in your practice log afterwards); s presents it for a group, with "
        "nothing personal on screen. Your practice log is on the right: dates and minutes only."
    )
    BINDINGS: ClassVar = [
        Binding("s", "present", "Present", id="practices.present"),
        Binding("escape", "back", "Back", id="practices.back"),
    ]

    def __init__(self, services: Services, *, presenting: bool = False) -> None:
        super().__init__(services)
        self.practices = services.library.practices
        self.presenting = presenting

    def compose(self) -> ComposeResult:
        if not self.presenting:
            yield Header()
        with Horizontal(id="practices"):
            yield OptionList(
                *(
                    Option(
                        f"{escape(p.title)}\n   [$text-muted]{format_seconds(p.total_seconds)}[/]",
                        id=p.id,
                    )
                    for p in self.practices
                ),
                id="practice-list",
                classes="boxed",
            )
            with Vertical(id="practice-side"):
                yield Static("", id="practice-about")
                if not self.presenting:
                    yield Label("Your practice log", classes="box-title")
                    yield OptionList(id="practice-log", classes="boxed")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Practice"
        listing = self.query_one("#practice-list", OptionList)
        if self.practices:
            listing.highlighted = 0
        listing.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        if self.presenting:
            return
        log = self.query_one("#practice-log", OptionList)
        log.clear_options()
        entries = self.services.practice_log.all()
        for entry in entries[:HISTORY]:
            minutes = f"{entry.minutes:g} min"
            log.add_option(
                Option(f"{entry.started:%a %d %b %Y}  {minutes:>8}  {escape(entry.title)}")
            )
        if not entries:
            log.add_option(Option("No practices yet.", disabled=True))

    def highlighted(self) -> Practice | None:
        listing = self.query_one("#practice-list", OptionList)
        if listing.highlighted is None or not self.practices:
            return None
        return self.practices[listing.highlighted]

    @on(OptionList.OptionHighlighted, "#practice-list")
    def _show(self) -> None:
        practice = self.highlighted()
        if practice is not None:
            self.query_one("#practice-about", Static).update(
                f"{escape(practice.summary)}\n\n[$text-muted]Enter: run for myself · s: present[/]"
                if not self.presenting
                else escape(practice.summary)
            )

    @on(OptionList.OptionSelected, "#practice-list")
    def _run(self) -> None:
        practice = self.highlighted()
        if practice is not None:
            self.app.push_screen(
                PracticeSetupScreen(self.services, practice, presenting=self.presenting)
            )

    def action_present(self) -> None:
        practice = self.highlighted()
        if practice is not None:
            self.app.push_screen(PracticeSetupScreen(self.services, practice, presenting=True))

    def action_back(self) -> None:
        self.dismiss()
