"""Opening a worksheet in the right screen, and its one-line label; shared by Home and Tools.

The screens are imported when needed, so that showing Home does not load them all.
"""

from __future__ import annotations

from textual.markup import escape

from csa_companion.content.model import Tool
from csa_companion.domain.worksheet import DRAFT, Worksheet
from csa_companion.screens.base import CompanionScreen


def open_worksheet(screen: CompanionScreen, worksheet: Worksheet) -> None:
    """Drafts resume in the walkthrough (or observer); finished worksheets open read-only."""
    from csa_companion.screens.observer import ObserverScreen
    from csa_companion.screens.walkthrough import WalkthroughScreen
    from csa_companion.screens.worksheet_view import WorksheetViewScreen

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
        screen.app.push_screen(WorksheetViewScreen(screen.services, tool, worksheet))
    elif worksheet.observations and tool.acts:
        screen.app.push_screen(ObserverScreen(screen.services, tool, worksheet))
    else:
        screen.app.push_screen(WalkthroughScreen(screen.services, tool, worksheet))


def worksheet_label(worksheet: Worksheet, tool_title: str = "") -> str:
    mark = "✎ draft" if worksheet.status == DRAFT else "✓ done "
    if worksheet.group:
        mark += "  group"
    about = f"  [$text-muted]{escape(tool_title)}[/]" if tool_title else ""
    title = escape(worksheet.title)
    return f"{mark}  {title}  [$text-muted]{worksheet.updated:%d %b %H:%M}[/]{about}"
