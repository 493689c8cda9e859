"""Where the program's rhythm lives in the app: its destinations, palette entries, and
opening what a Home line points to ('reflection', 'survey:2-pre', 'program', ...)."""

from __future__ import annotations

from collections.abc import Callable

from csa_companion.screens.base import CompanionScreen
from csa_companion.services import Services

PALETTE = [
    ("Go to Reflections", "Monthly reflections", "reflections"),
    ("Go to Program", "Your program's calendar and surveys", "program"),
    ("Go to Coaching log", "Coaching sessions and next steps", "coaching"),
    ("Go to Growth", "Your survey ratings, before and after each session", "growth"),
]


def sentence(text: str) -> str:
    """A message with its first letter raised (str.capitalize would lower the rest)."""
    return text[:1].upper() + text[1:]


def destinations(services: Services) -> dict[str, Callable[[], CompanionScreen]]:
    """Destination name -> screen factory, for the app's `go` action."""

    def reflections() -> CompanionScreen:
        from csa_companion.screens.reflections import ReflectionsScreen

        return ReflectionsScreen(services)

    def program() -> CompanionScreen:
        from csa_companion.screens.program import ProgramScreen

        return ProgramScreen(services)

    def coaching() -> CompanionScreen:
        from csa_companion.screens.coaching import CoachingScreen

        return CoachingScreen(services)

    def growth() -> CompanionScreen:
        from csa_companion.screens.growth import GrowthScreen

        return GrowthScreen(services)

    return {"reflections": reflections, "program": program, "coaching": coaching, "growth": growth}


def open_target(screen: CompanionScreen, target: str) -> None:
    """Open what a due item points to, on top of `screen`."""
    services = screen.services
    if target in ("reflection", "coach-question"):
        from csa_companion.screens.reflections import ReflectionScreen

        month = services.rhythm.month(services.clock.now())
        to_coach = target == "coach-question"
        screen.app.push_screen(ReflectionScreen(services, month, coach_question=to_coach))
    elif target.startswith("survey:"):
        from csa_companion.screens.survey import open_survey

        session, when = target.removeprefix("survey:").split("-")
        open_survey(screen, int(session), when)
    elif target in destinations(services):
        screen.app.push_screen(destinations(services)[target]())
