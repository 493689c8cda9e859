"""What is due now: this month's reflection, surveys around sessions, the coach question."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from csa_companion.domain.program import (
    Program,
    days_away,
    last_session_started,
    next_coaching,
    next_session,
)
from csa_companion.domain.reflection import DONE, month_name
from csa_companion.domain.survey import POST, PRE, SUBMITTED


@dataclass(frozen=True)
class Due:
    """One thing to do; `target` says what opens it ('reflection', 'survey:2-pre', ...)."""

    text: str
    target: str


def due_items(
    program: Program,
    now: datetime,
    month: str,
    reflection_status: str,
    coach_question: str,
    survey_status: Callable[[int, str], str | None],
) -> list[Due]:
    """Everything due at `now`, most pressing first."""
    due = []
    after = last_session_started(program, now)
    if after is not None and survey_status(after.number, POST) != SUBMITTED:
        due.append(Due(f"Post-survey for {after.title.lower()}", f"survey:{after.number}-{POST}"))
    upcoming = next_session(program, now)
    if upcoming is not None and survey_status(upcoming.number, PRE) != SUBMITTED:
        due.append(
            Due(
                f"Pre-survey before {upcoming.title.lower()} ({days_away(upcoming, now)})",
                f"survey:{upcoming.number}-{PRE}",
            )
        )
    if reflection_status != DONE:
        due.append(Due(f"Reflection for {month_name(month)} ({reflection_status})", "reflection"))
    coaching = next_coaching(program, now)
    if coaching is not None and not coach_question:
        due.append(
            Due(
                f"A question for your coach before {coaching.start:%d %b} "
                f"({days_away(coaching, now)})",
                "reflection",
            )
        )
    return due
