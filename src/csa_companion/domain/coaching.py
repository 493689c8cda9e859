"""The coaching log: each session's date, the question brought, notes and next steps."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from csa_companion.domain.journal import new_uid


@dataclass(frozen=True)
class NextStep:
    text: str
    done: bool = False


@dataclass(frozen=True)
class CoachingNote:
    """One coaching session as the participant recorded it."""

    day: date
    updated: datetime
    question: str = ""
    notes: str = ""
    steps: tuple[NextStep, ...] = ()
    uid: str = field(default_factory=new_uid)

    def with_steps_text(self, text: str) -> CoachingNote:
        """Steps typed one a line; a step that keeps its text keeps its done mark."""
        done = {s.text for s in self.steps if s.done}
        lines = [line.strip().lstrip("-*").strip() for line in text.splitlines()]
        return replace(self, steps=tuple(NextStep(t, t in done) for t in lines if t))

    def toggled(self, index: int, now: datetime) -> CoachingNote:
        steps = list(self.steps)
        steps[index] = replace(steps[index], done=not steps[index].done)
        return replace(self, steps=tuple(steps), updated=now)

    def to_doc(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "day": self.day.isoformat(),
            "updated": self.updated.isoformat(),
            "question": self.question,
            "notes": self.notes,
            "steps": [{"text": s.text, "done": s.done} for s in self.steps],
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> CoachingNote:
        return cls(
            uid=str(doc["uid"]),
            day=date.fromisoformat(doc["day"]),
            updated=datetime.fromisoformat(doc["updated"]),
            question=str(doc.get("question", "")),
            notes=str(doc.get("notes", "")),
            steps=tuple(
                NextStep(str(s["text"]), bool(s.get("done"))) for s in doc.get("steps", ())
            ),
        )


def open_steps(notes: list[CoachingNote]) -> list[tuple[CoachingNote, int, str]]:
    """Next steps not yet done, oldest session first: (note, index, text)."""
    return [
        (note, index, step.text)
        for note in sorted(notes, key=lambda n: n.day)
        for index, step in enumerate(note.steps)
        if not step.done
    ]
