"""What every screen needs, handed down by the app: repositories, content and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from csa_companion.clock import Clock
from csa_companion.content.library import Library
from csa_companion.domain.journal import Draft, JournalEntry
from csa_companion.domain.worksheet import Worksheet
from csa_companion.storage.group_worksheets import GroupWorksheetRepo
from csa_companion.storage.practice_log import PracticeLogRepo
from csa_companion.storage.program_repos import Rhythm
from csa_companion.storage.repos import DraftRepo, JournalRepo, SettingsRepo, WorksheetRepo
from csa_companion.storage.store import Stores

if TYPE_CHECKING:
    from csa_companion.storage.inbox import PresentationSink


@dataclass(frozen=True)
class PresentTarget:
    """What to present: a practice (or the list of them, with no id), a tool, or a session
    (its presenter view, or with `audience` the view that follows it)."""

    kind: str
    item_id: str | None = None
    audience: bool = False
    auto: bool = False
    """A session that moves on by itself when a block's time is up."""
    start: str | None = None
    """A session's start time, HH:MM (else the program calendar's)."""
    data_dir: Path | None = None
    """The data folder (where a session's run state is kept); make_app fills it in."""


def check_target(library: Library, target: PresentTarget) -> str | None:
    """A message when the target is not in the content, else None."""
    if target.kind == "session":
        from csa_companion.domain.session import find_plan

        if target.item_id is not None and find_plan(library, target.item_id) is not None:
            return None
        known = ", ".join(["orientation", "1-4", *(p.id for p in library.sessions)])
        return f"no session plan {target.item_id!r} (known: {known})"
    if target.item_id is None:
        return None if target.kind == "practice" else "name the tool to present"
    from csa_companion.content.model import Practice, Tool

    item = library.get(target.item_id)
    wanted = Practice if target.kind == "practice" else Tool
    if not isinstance(item, wanted):
        known = ", ".join(i.id for i in library.items.values() if isinstance(i, wanted))
        return f"no {target.kind} has the id {target.item_id!r} (known: {known})"
    return None


@dataclass
class Services:
    stores: Stores
    library: Library
    clock: Clock
    journal: JournalRepo
    drafts: DraftRepo
    settings: SettingsRepo
    worksheets: WorksheetRepo
    practice_log: PracticeLogRepo
    rhythm: Rhythm
    """The program calendar, reflections, coaching log and surveys."""
    recently_deleted: list[JournalEntry] = field(default_factory=list)
    """Entries deleted this session, newest last, for undo."""
    deleted_worksheets: list[Worksheet] = field(default_factory=list)
    discarded: list[Draft | Worksheet] = field(default_factory=list)
    """Drafts (journal drafts, draft worksheets, observations) discarded this session, newest
    last, for undo on Home."""
    presenting: bool = False
    """On a shared screen: personal repositories are empty (see `for_presenting`)."""

    @classmethod
    def build(cls, stores: Stores, library: Library, clock: Clock) -> Services:
        return cls(
            stores=stores,
            library=library,
            clock=clock,
            journal=JournalRepo(stores["journal"]),
            drafts=DraftRepo(stores["drafts"]),
            settings=SettingsRepo(stores["settings"]),
            worksheets=WorksheetRepo(stores["worksheets"]),
            practice_log=PracticeLogRepo(stores),
            rhythm=Rhythm.open(stores, getattr(clock, "zone", None)),
        )

    @classmethod
    def for_presenting(
        cls,
        stores: Stores,
        blank: Stores,
        library: Library,
        clock: Clock,
        sink: PresentationSink | None = None,
    ) -> Services:
        """Services for a shared screen: every personal repository sits on `blank` (an empty,
        throwaway data folder), so no journal entry, draft or personal worksheet can reach the
        screen; only settings and group worksheets come from the real data. With `sink` (an
        encrypted folder, not unlocked: a presentation never asks for the passphrase) they too
        sit on `blank`, and what is saved is sealed for the owner (storage/inbox.py)."""
        services = cls.build(blank, library, clock)
        if sink is not None:
            from csa_companion.storage.sealed_repos import (
                SealedGroupWorksheetRepo,
                SealedSettingsRepo,
            )

            services.settings = SealedSettingsRepo(blank["settings"], sink)
            services.worksheets = SealedGroupWorksheetRepo(blank["worksheets"], sink)
        else:
            services.settings = SettingsRepo(stores["settings"])
            services.worksheets = GroupWorksheetRepo(stores["worksheets"])
        services.presenting = True
        return services
