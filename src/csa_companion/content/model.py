"""Typed content items: tools (with steps), practices (with timed phases) and learn pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("tool", "practice", "learn", "questions", "reflection", "survey")
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

    def prompts_for(self, team: bool) -> tuple[str, ...]:
        """The team prompts for a team's worksheet when the step has them, else the prompts."""
        return self.team_prompts if team and self.team_prompts else self.prompts


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


@dataclass(frozen=True)
class Problem:
    """Something wrong with a content file, at a line (1-based)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Library:
    """Every loaded item by id, plus the problems met while loading."""

    items: dict[str, Item] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)

    def get(self, item_id: str) -> Item | None:
        return self.items.get(item_id)

    @property
    def tools(self) -> list[Tool]:
        tools = [i for i in self.items.values() if isinstance(i, Tool)]
        return sorted(tools, key=lambda t: (t.order, t.title))

    @property
    def practices(self) -> list[Practice]:
        practices = [i for i in self.items.values() if isinstance(i, Practice)]
        return sorted(practices, key=lambda p: (p.order, p.title))

    @property
    def question_sets(self) -> list[QuestionSet]:
        """Every question set of every bank, in file order."""
        banks = sorted(
            (i for i in self.items.values() if isinstance(i, QuestionBank)),
            key=lambda b: (b.order, b.title),
        )
        return [s for bank in banks for s in bank.sets]

    @property
    def reflection(self) -> ReflectionPrompts | None:
        return next((i for i in self.items.values() if isinstance(i, ReflectionPrompts)), None)

    @property
    def survey(self) -> Survey | None:
        return next((i for i in self.items.values() if isinstance(i, Survey)), None)

    @property
    def learn_pages(self) -> list[LearnPage]:
        pages = [i for i in self.items.values() if isinstance(i, LearnPage)]
        return sorted(pages, key=lambda p: (p.order, p.title))
