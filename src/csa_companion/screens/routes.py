"""The navigation registry: how a screen opens another without importing it.

A route is a name and where its opener lives ("module:attribute"), imported when first used,
so that no screen module imports another area's screens (and showing Home loads none of them):

- a screen class: built with the app's Services and the arguments given, so
  `self.open("entry", entry)` pushes `EntryViewScreen(services, entry)`;
- a function whose first argument is the screen that opens it, so
  `self.open("worksheet", sheet)` calls `open_worksheet(self, sheet)` (it picks the screen for
  the worksheet, or says why it cannot open).

Screens call `CompanionScreen.open` (or `make_screen`, to switch to the screen instead);
app-level code calls `CompanionApp.open`. A screen that others open gets a line here.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

    from csa_companion.services import Services

_S = "csa_companion.screens."

GO: dict[str, str] = {
    "tools": _S + "tools.tools:ToolsScreen",
    "journal": _S + "journal.journal:JournalScreen",
    "learn": _S + "tools.learn:LearnScreen",
    "practice": _S + "practice.practices:PracticesScreen",
    "reflections": _S + "rhythm.reflections:ReflectionsScreen",
    "program": _S + "rhythm.program:ProgramScreen",
    "coaching": _S + "rhythm.coaching:CoachingScreen",
    "growth": _S + "rhythm.growth:GrowthScreen",
    "data": _S + "data.data:DataScreen",
    "shared": _S + "data.shared:SharedScreen",
    "cohort": _S + "team.cohort:CohortScreen",
    "team": _S + "team.team:TeamScreen",
}
"""The app's `go` destinations (Home's menu, the palette): screens opened right above Home."""

ROUTES: dict[str, str] = {
    **GO,
    "entry": _S + "journal.entry_view:EntryViewScreen",
    "editor": _S + "journal.editor:open_editor",
    "draft": _S + "journal.editor:resume_draft",
    "worksheet": _S + "tools.worksheets:open_worksheet",
    "worksheet-export": _S + "tools.worksheets:export_worksheet",
    "worksheet-view": _S + "tools.worksheet_view:WorksheetViewScreen",
    "diagram": _S + "tools.diagram:DiagramScreen",
    "walkthrough": _S + "tools.walkthrough:WalkthroughScreen",
    "observer": _S + "tools.observer:ObserverScreen",
    "reflection": _S + "rhythm.reflections:ReflectionScreen",
    "survey": _S + "rhythm.survey:open_survey",
    "practice-setup": _S + "practice.practice_setup:PracticeSetupScreen",
    "practices": _S + "practice.practices:PracticesScreen",
    "team-publish": _S + "team.team:publish_to_team",
}


def target(name: str) -> Any:
    """What the route `name` opens: a screen class, or a function of the opening screen."""
    module, _, attribute = ROUTES[name].partition(":")
    return getattr(import_module(module), attribute)


def is_screen(opener: object) -> bool:
    from textual.screen import Screen

    return isinstance(opener, type) and issubclass(opener, Screen)


def make(name: str, services: Services, *args: Any, **kwargs: Any) -> Screen[Any]:
    """The screen of the route `name` (a screen class), built with `services` and the rest."""
    opener = target(name)
    assert is_screen(opener), f"the route {name!r} is not a screen"
    screen: Screen[Any] = opener(services, *args, **kwargs)
    return screen
