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
    """One thing to do; `target` says what opens it ('reflection', 'survey:2-pre',
    'coach-question': the reflection's last prompt); no two items share a target."""

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
        due.append(Due(f"Post-survey: session {after.number}", f"survey:{after.number}-{POST}"))
    upcoming = next_session(program, now)
    if upcoming is not None and survey_status(upcoming.number, PRE) != SUBMITTED:
        due.append(
            Due(
                f"Pre-survey: session {upcoming.number} ({days_away(upcoming, now)})",
                f"survey:{upcoming.number}-{PRE}",
            )
        )
    if reflection_status != DONE:
        short = month_name(month, "%b %Y")  # fits Home at 80 columns
        due.append(Due(f"Reflection, {short} ({reflection_status})", "reflection"))
    coaching = next_coaching(program, now)
    if coaching is not None and not coach_question:
        due.append(
            Due(
                f"Coach question by {coaching.start:%d %b} ({days_away(coaching, now)})",
                "coach-question",
            )
        )
    return due
