"""The worksheets a presentation may see: group worksheets only.

Presentation mode is given this repository instead of the full one, so a personal worksheet
cannot reach a shared screen whatever a screen asks for.
"""

from __future__ import annotations

from csa_companion.domain.worksheet import Worksheet
from csa_companion.storage.repos import WorksheetRepo


class GroupWorksheetRepo(WorksheetRepo):
    """A WorksheetRepo that reads and writes group worksheets only."""

    def all(self, tool_id: str | None = None) -> list[Worksheet]:
        return [w for w in super().all(tool_id) if w.group]

    def get(self, uid: str) -> Worksheet | None:
        sheet = super().get(uid)
        return sheet if sheet is not None and sheet.group else None

    def save(self, worksheet: Worksheet) -> None:
        if not worksheet.group:
            raise ValueError("a presentation saves group worksheets only")
        super().save(worksheet)

    def delete(self, uid: str) -> None:
        if self.get(uid) is not None:
            super().delete(uid)

    def where_saved(self) -> str:
        """Where a saved group worksheet is, in words for the facilitator."""
        return (
            f"with your worksheets, in {self.store.path} (`csa-companion worksheet list` shows "
            "it under group worksheets)"
        )
