"""What every screen needs, handed down by the app: repositories, content and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from csa_companion.clock import Clock
from csa_companion.content.model import Library
from csa_companion.domain.journal import JournalEntry
from csa_companion.domain.worksheet import Worksheet
from csa_companion.storage.practice_log import PracticeLogRepo
from csa_companion.storage.repos import DraftRepo, JournalRepo, SettingsRepo, WorksheetRepo
from csa_companion.storage.store import Stores


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
    recently_deleted: list[JournalEntry] = field(default_factory=list)
    """Entries deleted this session, newest last, for undo."""
    deleted_worksheets: list[Worksheet] = field(default_factory=list)

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
        )
