"""Typed content items: tools (with steps), practices (with timed phases) and learn pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""What an id looks like: lowercase words joined by dashes."""
KINDS = ("tool", "practice", "learn", "questions", "reflection", "survey", "session")
BLOCK_KINDS = (
    *("practice", "check-in", "journal", "content", "exercise", "breakout", "reflection"),
    *("break", "closing"),
)
OCCASIONS = ("orientation", "1", "2", "3", "4")
"""What a session plan is for: the orientation or learning session 1-4 of the calendar."""
DIAGRAMS = (
    "iceberg",
    "ladder-of-inference",
    "shifting-the-burden",
    "four-player",
    "connectedness-ladder",
)


@dataclass(frozen=True, kw_only=True)
class Item:
    """Fields every content file has."""

    id: str
    kind: str
    title: str
    summary: str
    body: str
    source: Path
    order: int = 0
    """Where the item sits in its list (lower first; ties by title)."""
    body_line: int = 1
    """The file line the body starts on (for problems found in the body)."""


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    prompts: tuple[str, ...]
    hint: str
    example: str
    optional: bool = False
    choices: tuple[str, ...] = ()
    team_prompts: tuple[str, ...] = ()
    """The prompts as a team asks them ("we"), for a team's worksheet."""
    closing: bool = False
    """The closing reflection on one's own thinking and feelings; only a tool's last step."""
    see_also: tuple[str, ...] = ()
    """Ids of the tools or pages this step leads on to."""
    team_title: str = ""
    team_hint: str = ""
    team_example: str = ""
    """The title, hint and example as a team reads them ("we"), where the plain ones say "I"."""
    examples: tuple[tuple[str, str], ...] = ()
    """(role, example) pairs: the example for a person in that role (see content/roles.py)."""

    def prompts_for(self, team: bool) -> tuple[str, ...]:
        """The team prompts for a team's worksheet when the step has them, else the prompts."""
        return self.team_prompts if team and self.team_prompts else self.prompts

    def title_for(self, team: bool) -> str:
        return self.team_title if team and self.team_title else self.title

    def hint_for(self, team: bool) -> str:
        return self.team_hint if team and self.team_hint else self.hint

    def example_for(self, team: bool, role: str | None = None) -> str:
        """A team's example on a team's worksheet; else the example for `role`, falling back
        to the default example when the step has none for that role."""
        if team:
            return self.team_example or self.example
        return dict(self.examples).get(role or "", self.example)


@dataclass(frozen=True)
class FacilitatorNotes:
    """What a facilitator needs to teach a tool with a group (the session plans use it too)."""

    minutes: int
    """The time the tool needs with a group, introduction to debrief."""
    introduce: str
    activity: str
    """A room or breakout activity."""
    debrief: str
    safety: str
    """Power and safety when the team's director is in the room."""


@dataclass(frozen=True)
class Act:
    """One act of the Four Player Model, with the key that records it in observer mode."""

    id: str
    key: str
    name: str
    does: str
    helps: str


@dataclass(frozen=True, kw_only=True)
class Tool(Item):
    steps: tuple[Step, ...]
    diagram: str | None = None
    rungs: tuple[str, ...] = ()
    acts: tuple[Act, ...] = ()
    facilitator: FacilitatorNotes | None = None

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


@dataclass(frozen=True)
class Rhythm:
    """A breathing rhythm in seconds: in, hold after in, out, rest after out."""

    inhale: float
    exhale: float
    hold: float = 0
    rest: float = 0

    @property
    def cycle(self) -> float:
        return self.inhale + self.hold + self.exhale + self.rest


@dataclass(frozen=True)
class Phase:
    id: str
    title: str
    seconds: int
    cue: str
    rhythm: Rhythm | None = None
    wait: bool = False
    """Hold at the end of the phase until the facilitator continues."""
    bells: tuple[float, ...] = ()
    """Seconds into the phase at which a bell sounds."""


@dataclass(frozen=True, kw_only=True)
class Practice(Item):
    phases: tuple[Phase, ...]
    opening: str = ""
    """Words the facilitator says before starting."""
    closing: str = ""
    """Words for the end."""
    question: bool = False
    """Shows a guiding question (chosen from the question bank or typed) on screen."""

    @property
    def total_seconds(self) -> int:
        return sum(p.seconds for p in self.phases)


@dataclass(frozen=True)
class QuestionSet:
    """Guiding questions for one occasion (the orientation, a learning session)."""

    id: str
    title: str
    questions: tuple[str, ...]
    journal: tuple[str, ...] = ()
    """Journaling prompts for the occasion's quiet writing."""
    tools: tuple[str, ...] = ()
    """The tools the occasion teaches (a learning session's tools in the program calendar)."""


@dataclass(frozen=True, kw_only=True)
class QuestionBank(Item):
    """Guiding questions for check-ins, grouped by occasion."""

    sets: tuple[QuestionSet, ...]


@dataclass(frozen=True, kw_only=True)
class LearnPage(Item):
    """An orientation page."""


@dataclass(frozen=True)
class Question:
    """One prompt of the monthly reflection; `for_coach` marks the question brought to coaching."""

    id: str
    text: str
    for_coach: bool = False


@dataclass(frozen=True, kw_only=True)
class ReflectionPrompts(Item):
    """The monthly reflection's prompts, in order."""

    questions: tuple[Question, ...]

    @property
    def coach_question(self) -> Question | None:
        return next((q for q in self.questions if q.for_coach), None)


@dataclass(frozen=True)
class SurveyItem:
    id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Survey(Item):
    """The pre/post self-rating survey: fixed items, plus one item per tool a session covers
    (`tool_item` with `{tool}` replaced by the tool's title); ratings 1 to len(scale)."""

    items: tuple[SurveyItem, ...]
    tool_item: str
    scale: tuple[str, ...]
    retired: tuple[SurveyItem, ...] = ()
    """Items no longer asked, kept so answers given to them still read in Growth and exports."""

    def texts(self) -> dict[str, str]:
        """Every item's text by id, retired items marked as an earlier question."""
        earlier = {i.id: f"{i.text} (asked in an earlier edition)" for i in self.retired}
        return {**earlier, **{i.id: i.text for i in self.items}}


@dataclass(frozen=True)
class Block:
    """One timed part of a session plan: what the group sees, and the facilitator's notes."""

    id: str
    title: str
    minutes: float
    """Whole minutes in a plan file; a share of them once repeated for several tools."""
    kind: str
    practice: str = ""
    """A practice id (kind practice): run within the block's time."""
    tool: str = ""
    """A tool id: its lesson (content) or its steps (exercise). Filled from the program
    calendar for blocks with `each_tool`."""
    learn: str = ""
    """A learn page id (kind content)."""
    prompt: str = ""
    """A journaling prompt."""
    question: str = ""
    """A guiding question (check-in, reflection)."""
    instructions: str = ""
    """What groups do (exercise, breakout), shown to everyone."""
    say: str = ""
    """Facilitator notes: what to say."""
    watch: str = ""
    """What to watch for."""
    debrief: str = ""
    """How to debrief."""
    safety: str = ""
    """With the team's director in the group: how to keep it safe to speak."""
    speakers: int = 0
    """A talking-piece round (reflection): how many speakers, by default."""
    turn_minutes: float = 0
    """A talking-piece round: minutes for each speaker."""
    each_tool: bool = False
    """Repeat this block for each tool the calendar gives the session (minutes shared)."""
    worksheet: bool = False
    """An exercise on a tool that can be walked as a group worksheet."""
    line: int = 1
    """The file line of its [[blocks]] table."""

    @property
    def shows(self) -> str:
        """What the group sees, in a word: the question, prompt or instructions."""
        return self.question or self.prompt or self.instructions


@dataclass(frozen=True, kw_only=True)
class SessionPlan(Item):
    """A facilitator's plan for the orientation or one learning session: blocks in order."""

    session: str
    """orientation, or 1-4 (the learning session of the calendar)."""
    minutes: int
    blocks: tuple[Block, ...]
    tools: tuple[str, ...] = ()
    """The tools assumed when the calendar names none for the session."""

    @property
    def block_minutes(self) -> float:
        return sum(b.minutes for b in self.blocks)


@dataclass(frozen=True)
class Problem:
    """Something wrong with a content file, at a line (1-based)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"
