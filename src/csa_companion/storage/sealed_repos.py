"""The repositories of a presentation on a locked encrypted folder: read from its throwaway
store, and every save also sealed to the owner (storage/inbox.py), to join their data at the
next unlock."""

from __future__ import annotations

from typing import Any

from csa_companion.domain.worksheet import Worksheet
from csa_companion.storage.group_worksheets import GroupWorksheetRepo
from csa_companion.storage.inbox import PresentationSink, is_presentation_setting
from csa_companion.storage.repos import SettingsRepo
from csa_companion.storage.store import Store


class SealedSettingsRepo(SettingsRepo):
    """Settings a presentation sets (its theme, practice presets): kept for this run in the
    throwaway store, and sealed for the owner."""

    def __init__(self, store: Store, sink: PresentationSink) -> None:
        super().__init__(store)
        self.sink = sink

    def set(self, key: str, value: Any) -> None:
        if is_presentation_setting(key):
            self.sink.put("setting", {"key": key, "value": value})
        super().set(key, value)


class SealedGroupWorksheetRepo(GroupWorksheetRepo):
    """Group worksheets walked in a presentation: kept for this run in the throwaway store, and
    sealed for the owner at every save."""

    def __init__(self, store: Store, sink: PresentationSink) -> None:
        super().__init__(store)
        self.sink = sink

    def save(self, worksheet: Worksheet) -> None:
        if not worksheet.group:
            raise ValueError("a presentation saves group worksheets only")
        self.sink.put("group-worksheet", worksheet.to_doc())
        super().save(worksheet)

    def delete(self, uid: str) -> None:
        if self.get(uid) is not None:
            self.sink.remove("group-worksheet", uid)
            super().delete(uid)

    def where_saved(self) -> str:
        from csa_companion.storage.inbox import inbox_dir

        return (
            f"sealed for you in {inbox_dir(self.sink.paths)} (your data is encrypted): it "
            "joins your worksheets, as a group worksheet, when you next unlock"
        )
