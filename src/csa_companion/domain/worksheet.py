"""Worksheets: one person's answers to one tool's steps, plus observer-mode records."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from csa_companion.domain.journal import new_uid

if TYPE_CHECKING:
    from csa_companion.content.model import Step, Tool

DRAFT, COMPLETE, ENDED_EARLY = "draft", "complete", "ended-early"
MIN_OBSERVATIONS = 6  # fewer acts than this say too little to name a pattern (four_player)
STATUS_WORDS = {DRAFT: "draft", COMPLETE: "complete", ENDED_EARLY: "ended early"}
"""A worksheet is complete only once its closing step (or every required step) is answered;
one finished before that has "ended early" (an observation: ended before MIN_OBSERVATIONS acts,
too few to read a pattern from). A draft is still being worked on."""


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status.replace("-", " "))


@dataclass(frozen=True)
class Observation:
    """One act seen in a meeting (Four Player observer mode): the act id and who, if given."""

    act: str
    at: datetime
    name: str = ""

    def to_doc(self) -> dict[str, Any]:
        return {"act": self.act, "at": self.at.isoformat(), "name": self.name}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Observation:
        return cls(
            act=str(doc["act"]), at=datetime.fromisoformat(doc["at"]), name=doc.get("name", "")
        )


def join_choice(choice: str, words: str) -> str:
    """A choice step's answer: the choice on the first line, then a blank line and the words
    (so every reader of answers, the export included, shows both as plain text)."""
    return f"{choice}\n\n{words}" if words.strip() else choice


def split_choice(step: Step, answer: str) -> tuple[str, str]:
    """(choice, words) of a choice step's answer. An answer whose first line is not one of
    the step's choices (say the content renamed them) is kept whole as words, never dropped."""
    if not step.choices:
        return "", answer
    if answer.startswith("\n\n"):  # words without a choice
        return "", answer.removeprefix("\n\n")
    first, _, rest = answer.partition("\n")
    # matched loosely ("aware " is Aware): the answer may come from an older app or by hand
    choice = next((c for c in step.choices if c.casefold() == first.strip().casefold()), None)
    if choice is not None:
        return choice, rest.removeprefix("\n")
    return "", answer


@dataclass(frozen=True)
class Worksheet:
    """Answers keyed by step id; answers to steps a tool no longer has are kept, never dropped."""

    tool_id: str
    title: str
    created: datetime
    updated: datetime
    answers: dict[str, str] = field(default_factory=dict)
    status: str = DRAFT
    current_step: str | None = None
    observations: tuple[Observation, ...] = ()
    group: bool = False
    """A group's worksheet, typed by a facilitator on a shared screen (listed apart)."""
    uid: str = field(default_factory=new_uid)
    team: bool = False
    """Worked by a team together: steps show their team prompts ("we")."""

    @property
    def asks_as_team(self) -> bool:
        """Whether the steps ask their team prompts: a team's or a group's worksheet."""
        return self.team or self.group

    @classmethod
    def new(
        cls, tool: Tool, title: str, now: datetime, *, group: bool = False, team: bool = False
    ) -> Worksheet:
        first = tool.steps[0].id if tool.steps else None
        return cls(
            tool_id=tool.id,
            title=title.strip(),
            created=now,
            updated=now,
            current_step=first,
            group=group,
            team=team,
        )

    def answer(self, step_id: str) -> str:
        return self.answers.get(step_id, "")

    def with_answer(self, step_id: str, text: str, now: datetime) -> Worksheet:
        answers = dict(self.answers)
        if text.strip():
            answers[step_id] = text
        else:
            answers.pop(step_id, None)
        return replace(self, answers=answers, updated=now)

    def chosen(self, step: Step) -> str:
        """A choice step's choice, or "" when none of its choices is chosen."""
        return split_choice(step, self.answer(step.id))[0]

    def words(self, step: Step) -> str:
        """What was written for a step: on a choice step, the words beside the choice."""
        return split_choice(step, self.answer(step.id))[1]

    def with_choice(self, step: Step, choice: str, words: str, now: datetime) -> Worksheet:
        """Answer a choice step with a choice (or "") and words (or "")."""
        return self.with_answer(step.id, join_choice(choice, words), now)

    def at_step(self, step_id: str) -> Worksheet:
        return replace(self, current_step=step_id)

    def observed(self, observation: Observation) -> Worksheet:
        return replace(self, observations=(*self.observations, observation), updated=observation.at)

    def without_last_observation(self, now: datetime) -> Worksheet:
        return replace(self, observations=self.observations[:-1], updated=now)

    @property
    def is_empty(self) -> bool:
        """Nothing written or observed yet: not worth keeping as a draft."""
        return not self.observations and not any(a.strip() for a in self.answers.values())

    def completed(self, now: datetime) -> Worksheet:
        return replace(self, status=COMPLETE, updated=now)

    def is_answered_through(self, tool: Tool) -> bool:
        """Whether it can be called complete: its closing step is answered, or every required
        step is; an observation, once it holds enough acts to read a pattern from."""
        if self.observations and not any(a.strip() for a in self.answers.values()):
            return len(self.observations) >= MIN_OBSERVATIONS
        closing = [s for s in tool.steps if s.closing]
        if closing and all(self.answer(s.id).strip() for s in closing):
            return True
        return bool(tool.steps) and not self.empty_steps(tool)

    def finished(self, tool: Tool, now: datetime) -> Worksheet:
        """Finished by the person: complete when answered through, else ended early."""
        status = COMPLETE if self.is_answered_through(tool) else ENDED_EARLY
        return replace(self, status=status, updated=now)

    def duplicate(self, now: datetime) -> Worksheet:
        """A fresh draft with the same answers ("run the tool again on this situation")."""
        return replace(
            self,
            uid=new_uid(),
            title=f"{self.title} (again)",
            created=now,
            updated=now,
            status=DRAFT,
        )

    def empty_steps(self, tool: Tool) -> list[str]:
        """Ids of the tool's required steps without an answer, in order."""
        return [s.id for s in tool.steps if not s.optional and not self.answer(s.id).strip()]

    def orphaned_answers(self, tool: Tool) -> dict[str, str]:
        """Answers to step ids the tool no longer has (its content changed since)."""
        known = {s.id for s in tool.steps}
        return {k: v for k, v in self.answers.items() if k not in known}

    def to_doc(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "tool_id": self.tool_id,
            "title": self.title,
            "answers": dict(self.answers),
            "status": self.status,
            "current_step": self.current_step,
            "observations": [o.to_doc() for o in self.observations],
            "group": self.group,
            "team": self.team,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Worksheet:
        return cls(
            uid=str(doc["uid"]),
            tool_id=str(doc["tool_id"]),
            title=str(doc.get("title", "")),
            answers={str(k): str(v) for k, v in doc.get("answers", {}).items()},
            status=str(doc.get("status", DRAFT)),
            current_step=doc.get("current_step"),
            observations=tuple(Observation.from_doc(o) for o in doc.get("observations", [])),
            group=doc.get("group") is True,
            team=doc.get("team") is True,
            created=datetime.fromisoformat(doc["created"]),
            updated=datetime.fromisoformat(doc["updated"]),
        )
