"""Growth: each survey item's rating before and after every session, and the trend."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Label, Static

from csa_companion.domain.growth import growth_lines
from csa_companion.domain.survey import item_texts, items_for, trends
from csa_companion.screens.base import CompanionScreen
from csa_companion.widgets.footer import Footer

CHART_WIDTH = 76  # fits 80 columns with the scroll bar and padding


class GrowthScreen(CompanionScreen):
    """Drawn with Textual's own widgets: the chart is plain text lines (see the README)."""

    DEFAULT_CSS = """
    #growth-note { padding: 0 1; color: $text-muted; height: auto; }
    #growth { height: 1fr; padding: 0 1; }
    """
    HELP_TEXT = (
        "Your submitted survey ratings: for each statement, before (pre) and after (post) "
        "every learning session, as bars of 1 to 5, then the trend across sessions. Drafts "
        "are not counted. Scroll with the arrow keys."
    )
    BINDINGS: ClassVar = [Binding("escape", "app.go('home')", "Home", id="growth.home")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Bars: █ rating out of 5. Only submitted surveys count.", id="growth-note")
        with VerticalScroll(id="growth"):
            yield Static("", id="growth-chart")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Growth"
        self.query_one("#growth").focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        library = self.services.library
        survey = library.survey
        titles = {t.id: t.title for t in library.tools}
        items = items_for(survey, list(titles), titles) if survey else []
        # Retired items keep their words, so answers given to them still read here.
        texts = item_texts(survey, titles) if survey else {}
        found = trends(self.services.rhythm.surveys.all(), [i.id for i in items])
        lines = growth_lines(found, texts, CHART_WIDTH)
        chart = Text()
        for line in lines or ["No submitted surveys yet: fill one in from Home or the Program."]:
            chart.append(line + "\n", style="bold" if line and not line.startswith(" ") else "")
        self.query_one("#growth-chart", Static).update(chart)
