"""The Library: every loaded content item by id, the problems met while loading, and the files
skipped.

A library kept between starts (content/cache.py) opens its items and problems only when first
asked for them: Home shows none of them, and creating the classes they are made of
(content/model.py) is ~10 ms of a start.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csa_companion.content.model import (
        Item,
        LearnPage,
        Practice,
        Problem,
        QuestionSet,
        ReflectionPrompts,
        SessionPlan,
        Survey,
        Tool,
    )


class Library:
    """Every loaded item by id, plus the problems met while loading."""

    def __init__(
        self,
        items: dict[str, Item] | None = None,
        problems: list[Problem] | None = None,
        skipped: list[Path] | None = None,
    ) -> None:
        self._items: dict[str, Item] = {} if items is None else items
        self._problems: list[Problem] = [] if problems is None else problems
        self.skipped: list[Path] = [] if skipped is None else skipped
        """Content files left out, each for a problem in `problems`."""
        self._kept: bytes | None = None  # items and problems, pickled, until first asked for
        self._digest = b""  # the kept bytes' digest, as they were written

    @property
    def items(self) -> dict[str, Item]:
        self._open()
        return self._items

    @property
    def problems(self) -> list[Problem]:
        self._open()
        return self._problems

    def _open(self) -> None:
        if self._kept is not None:
            self._items, self._problems = pickle.loads(self._kept)
            self._kept = None

    def intact(self) -> bool:
        """False if the kept items are not the bytes that were written (a damaged cache file:
        content/cache.py then parses the content again rather than fail when they open)."""
        return self._kept is None or hashlib.blake2b(self._kept).digest() == self._digest

    def __getstate__(self) -> dict[str, Any]:
        kept = pickle.dumps((self.items, self.problems), protocol=pickle.HIGHEST_PROTOCOL)
        return {"kept": kept, "digest": hashlib.blake2b(kept).digest(), "skipped": self.skipped}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._items, self._problems = {}, []
        self._kept, self._digest = state["kept"], state["digest"]
        self.skipped = state["skipped"]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Library):
            return NotImplemented
        return (self.items, self.problems, self.skipped) == (
            other.items,
            other.problems,
            other.skipped,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it was

    def __repr__(self) -> str:
        return f"Library({len(self.items)} items, {len(self.problems)} problems)"

    def get(self, item_id: str) -> Item | None:
        return self.items.get(item_id)

    @property
    def tools(self) -> list[Tool]:
        from csa_companion.content.model import Tool

        tools = [i for i in self.items.values() if isinstance(i, Tool)]
        return sorted(tools, key=lambda t: (t.order, t.title))

    @property
    def practices(self) -> list[Practice]:
        from csa_companion.content.model import Practice

        practices = [i for i in self.items.values() if isinstance(i, Practice)]
        return sorted(practices, key=lambda p: (p.order, p.title))

    @property
    def question_sets(self) -> list[QuestionSet]:
        """Every question set of every bank, in file order."""
        from csa_companion.content.model import QuestionBank

        banks = sorted(
            (i for i in self.items.values() if isinstance(i, QuestionBank)),
            key=lambda b: (b.order, b.title),
        )
        return [s for bank in banks for s in bank.sets]

    def journal_prompts(self, question: str) -> tuple[str, ...]:
        """The journaling prompts of the question set that asks `question` (none for a
        question typed by hand)."""
        found = next((s for s in self.question_sets if question in s.questions), None)
        return found.journal if found else ()

    @property
    def reflection(self) -> ReflectionPrompts | None:
        from csa_companion.content.model import ReflectionPrompts

        return next((i for i in self.items.values() if isinstance(i, ReflectionPrompts)), None)

    @property
    def survey(self) -> Survey | None:
        from csa_companion.content.model import Survey

        return next((i for i in self.items.values() if isinstance(i, Survey)), None)

    @property
    def sessions(self) -> list[SessionPlan]:
        """Session plans: the orientation first, then the learning sessions in order."""
        from csa_companion.content.model import OCCASIONS, SessionPlan

        plans = [i for i in self.items.values() if isinstance(i, SessionPlan)]
        return sorted(plans, key=lambda p: (OCCASIONS.index(p.session), p.order, p.title))

    @property
    def learn_pages(self) -> list[LearnPage]:
        from csa_companion.content.model import LearnPage

        pages = [i for i in self.items.values() if isinstance(i, LearnPage)]
        return sorted(pages, key=lambda p: (p.order, p.title))
