"""Opening a worksheet in the right screen, its one-line label, and exporting it; shared by
Home, Tools, the worksheet screens and the command palette.

The screens open through the navigation registry (screens/routes.py), so that this module
imports none of them and showing Home does not load them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from csa_companion.domain.worksheet import COMPLETE, DRAFT, Worksheet
from csa_companion.screens.base import CompanionScreen
from csa_companion.widgets.markup import escape

if TYPE_CHECKING:
    from csa_companion.content.model import Tool


def open_worksheet(screen: CompanionScreen, worksheet: Worksheet) -> None:
    """Drafts resume in the walkthrough (or observer); finished worksheets open read-only."""
    from csa_companion.content.model import Tool

    tool = screen.services.library.get(worksheet.tool_id)
    if not isinstance(tool, Tool):
        screen.notify(
            f"The tool “{worksheet.tool_id}” is not in your content any more, so this "
            "worksheet cannot open. Its answers are kept; `csa-companion worksheet export` "
            "prints them.",
            severity="warning",
        )
        return
    if worksheet.status != DRAFT:
        screen.open("worksheet-view", tool, worksheet)
    elif worksheet.observations and tool.acts:
        screen.open("observer", tool, worksheet)
    else:
        screen.open("walkthrough", tool, worksheet)


def store_worksheet(screen: CompanionScreen, worksheet: Worksheet) -> bool:
    """Save the worksheet; a draft with nothing in it is not kept (one whose every answer was
    erased is removed), so starting a tool and leaving at once leaves no empty draft."""
    worksheets = screen.services.worksheets
    if worksheet.status == DRAFT and worksheet.is_empty:
        if worksheets.get(worksheet.uid) is None:
            return True
        return screen.store_call(lambda: worksheets.delete(worksheet.uid))
    return screen.store_call(lambda: worksheets.save(worksheet))


def worksheet_label(worksheet: Worksheet, tool_title: str = "") -> str:
    # Ended early: finished before its closing step (or every required step) was answered.
    mark = {DRAFT: "✎ draft", COMPLETE: "✓ done "}.get(worksheet.status, "◐ early")
    if worksheet.group:
        mark += "  group"
    elif worksheet.team:
        mark += "  team"
    about = f"  [$text-muted]{escape(tool_title)}[/]" if tool_title else ""
    title = escape(worksheet.title)
    return f"{mark}  {title}  [$text-muted]{worksheet.updated:%d %b %H:%M}[/]{about}"


def export_worksheet(screen: CompanionScreen, tool: Tool, worksheet: Worksheet) -> None:
    """Ask where to, then write the worksheet as Markdown (private to the user) and say where."""
    from csa_companion.domain.export import export_file_name, worksheet_markdown
    from csa_companion.errors import UsageError
    from csa_companion.paths import expanded
    from csa_companion.screens.dialogs import Ask
    from csa_companion.storage.private_files import write_private

    def chosen(path: str | None) -> None:
        if path is None:
            return
        try:
            target = expanded(path)
        except UsageError as error:
            screen.notify(f"Could not write it: {error}", severity="error", markup=False)
            return
        if screen.services.stores.paths.would_replace_data(target):
            screen.notify(
                f"Not written: {target} is in the data folder, where it could replace your "
                "data. Choose another place.",
                severity="error",
            )
            return
        try:
            write_private(target, worksheet_markdown(tool, worksheet))
        except OSError as error:
            screen.notify(
                f"Could not write {target}: {error.strerror or error}",
                severity="error",
                markup=False,
            )
            return
        from csa_companion.transfer.actions import plain_note

        screen.notify(
            f"Exported to {target}{plain_note(screen.services.stores.paths)}", markup=False
        )

    screen.app.push_screen(
        Ask(
            "Export this worksheet as Markdown to:",
            str(Path.home() / export_file_name(worksheet)),
            "The file stays on this computer. Enter to write it, Escape to cancel.",
        ),
        chosen,
    )
