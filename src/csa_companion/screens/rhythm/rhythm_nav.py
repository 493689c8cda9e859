"""Where the program's rhythm lives in the app: its palette entries, and opening what a Home
line points to ('reflection', 'survey:2-pre', 'program', ...) through the navigation registry
(screens/routes.py), which also holds the rhythm's destinations."""

from __future__ import annotations

from csa_companion.domain.wording import raised
from csa_companion.screens.base import CompanionScreen

PALETTE = [
    ("Go to Reflections", "Monthly reflections", "reflections"),
    ("Go to Program", "Your program's calendar and surveys", "program"),
    ("Go to Coaching log", "Coaching sessions and next steps", "coaching"),
    ("Go to Growth", "Your survey ratings, before and after each session", "growth"),
]
DESTINATIONS = ("reflections", "program", "coaching", "growth")
"""The rhythm's destinations of the app's `go` action (screens/routes.py opens them)."""


def sentence(text: str) -> str:
    """A message with its first letter raised."""
    return raised(text)


def open_target(screen: CompanionScreen, target: str) -> None:
    """Open what a due item points to, on top of `screen`."""
    services = screen.services
    if target in ("reflection", "coach-question"):
        month = services.rhythm.month(services.clock.now())
        screen.open("reflection", month, coach_question=target == "coach-question")
    elif target.startswith("survey:"):
        session, when = target.removeprefix("survey:").split("-")
        screen.open("survey", int(session), when)
    elif target in DESTINATIONS:
        screen.open(target)
