"""Cohort report: a facilitator picks a folder of survey answers and reads them put together.

The folder may hold survey CSVs, whole exports or a team folder (transfer.cohort gathers them,
in a thread: 240,000 answers take about a second). The chart is text: for each statement a bar
for the mean before and one for the mean after (as Growth draws one person's ratings; see the
README for why no plotting library).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, Label, Static
from textual.worker import get_current_worker

from csa_companion.screens.base import CompanionScreen
from csa_companion.widgets.footer import Footer

if TYPE_CHECKING:
    from csa_companion.domain.cohort import Answers, CohortReport
    from csa_companion.services import Services
    from csa_companion.storage.crypto import Cipher
    from csa_companion.transfer.cohort import TeamKey
    from csa_companion.transfer.team import Membership

PROGRESS_EVERY = 200  # files: how often a long read says how far it is
CHART_WIDTH = 76  # fits 80 columns with the scroll bar and padding
FOLDER_SETTING = "cohort_folder"
"""The setting that remembers the folder last read (a path on this computer)."""


class _Stopped(Exception):
    """A read no longer wanted (its screen left, or a newer read started)."""


class CohortScreen(CompanionScreen):
    """Type a folder, Enter reads it; the report scrolls below."""

    DEFAULT_CSS = """
    #cohort-path { margin: 0 1; }
    #cohort-status { padding: 0 1; width: 1fr; height: auto; }
    #cohort-report { height: 1fr; padding: 0 1; }
    """
    HELP_TEXT = (
        "Many participants' survey answers put together, for a facilitator or an assessor. "
        "Type the folder that holds them (survey CSVs from survey export, whole exports, or a "
        "team folder) and press Enter; the report scrolls below (arrows and page keys; "
        "shift+tab goes back to the folder). For each statement: participants with both "
        "ratings (paired n), the mean before and after, the change, how many rose, stayed and "
        "fell, and Cohen's d_z. Cells with fewer than 3 participants show no numbers; "
        "participant codes never show. The shell command cohort report writes the same report "
        "as Markdown with an SVG chart, CSV or JSON; ctrl+o writes the Markdown and the chart "
        "to the exports folder in your data folder."
    )
    BINDINGS: ClassVar = [
        Binding("escape", "app.go('home')", "Home", id="cohort.home"),
        Binding("ctrl+r", "read", "Read again", id="cohort.read"),
        Binding("ctrl+t", "comments", "Comments", id="cohort.comments"),
        Binding("ctrl+o", "export", "Export", id="cohort.export"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.answers: Answers | None = None
        self.report: CohortReport | None = None
        self.comments = False
        self._generation = 0  # each read's number: only the latest one is shown

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="a folder of survey CSVs, exports or a team folder; Enter reads it",
            id="cohort-path",
        )
        yield Label("", id="cohort-status")
        with VerticalScroll(id="cohort-report"):
            yield Static("", id="cohort-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Cohort report"
        path = self.query_one("#cohort-path", Input)
        path.value = str(self.services.settings.get(FOLDER_SETTING, "") or "")
        path.focus()
        team = self._membership()
        if not path.value and team is not None:
            path.value = str(team.folder)
            self._status("Your team's folder is filled in: press Enter to read it.")
        else:
            self._status("Type the folder that holds the answers and press Enter.")

    def _membership(self) -> Membership | None:
        """This data folder's team, if it is in one (its folder, and an encrypted team's key)."""
        from csa_companion.storage.safe_storage import StoreError
        from csa_companion.transfer.team import LOCAL, TeamCache

        try:
            return TeamCache(self.services.stores[LOCAL]).membership()
        except (StoreError, OSError):
            return None

    def _status(self, text: str) -> None:
        self.query_one("#cohort-status", Label).update(Text(text))

    @on(Input.Submitted, "#cohort-path")
    def _submitted(self) -> None:
        self.action_read()

    def action_read(self) -> None:
        typed = self.query_one("#cohort-path", Input).value.strip()
        if not typed:
            self._status("Type the folder that holds the answers first.")
            return
        try:
            folder = Path(typed).expanduser()
        except RuntimeError:  # ~nosuch/...: an unknown user's home
            self._status(f"{typed}: no such user's home folder.")
            return
        self._status(f"Reading {folder} …")
        self.store_call(lambda: self.services.settings.set(FOLDER_SETTING, typed))
        self._generation += 1
        team = self._membership()
        own_team = team.folder.expanduser().resolve() if team is not None else None

        def team_key(found: Path) -> Cipher | None:
            """Our own team's key (kept in this data folder); another team's is not known.
            A damaged key kept here ends the read with its message (TeamError)."""
            if team is None or found.expanduser().resolve() != own_team:
                return None
            return team.cipher()

        self._gather(folder, self._generation, self.comments, team_key)

    @work(thread=True, exclusive=True, group="cohort")
    def _gather(self, folder: Path, generation: int, comments: bool, team_key: TeamKey) -> None:
        """Read and count in a thread (240,000 answers: about a second), then show it."""
        from csa_companion.errors import CompanionError
        from csa_companion.transfer.cohort import gather

        worker = get_current_worker()

        def progress(done: int, name: str) -> None:
            # Before each file: a read whose screen was left, or that a newer read overtook,
            # stops here (a folder typed by mistake may hold a whole drive).
            if worker.is_cancelled or generation != self._generation or not self.is_attached:
                raise _Stopped
            if done and done % PROGRESS_EVERY == 0:
                with contextlib.suppress(RuntimeError):  # the app closed in the meantime
                    self.app.call_from_thread(self._reading, generation, done)

        result: str | tuple[Answers, CohortReport]
        try:
            answers = gather([folder], progress=progress, team_key=team_key)
            result = answers, self._report(answers, comments)
        except _Stopped:
            return
        except CompanionError as error:
            result = str(error)
        except OSError as error:  # the folder vanished between the check and the read
            result = f"cannot read {folder}: {error.strerror or error}"
        except Exception as error:  # a file no check foresaw: say so, and stay up
            result = f"cannot read {folder}: {type(error).__name__}: {error}"
        with contextlib.suppress(RuntimeError):  # the app closed in the meantime
            self.app.call_from_thread(self._done, generation, result)

    def _reading(self, generation: int, done: int) -> None:
        if generation == self._generation and self.is_attached:
            self._status(f"Reading … {done:,} files so far")

    def _report(self, answers: Answers, comments: bool) -> CohortReport:
        from csa_companion.domain.cohort import cohort_report, survey_statements

        texts, earlier = survey_statements(self.services.library)
        return cohort_report(answers, texts, earlier=earlier, comments=comments)

    def _done(self, generation: int, result: str | tuple[Answers, CohortReport]) -> None:
        if generation != self._generation or not self.is_attached:
            return  # read again since, or the screen was closed: this one is stale
        if isinstance(result, str):
            self.answers = self.report = None
            self._status(result)
            self.query_one("#cohort-body", Static).update("")
            return
        self.answers, report = result
        self._show(report)

    def action_comments(self) -> None:
        self.comments = not self.comments
        if self.answers is not None:
            self._show(self._report(self.answers, self.comments))
        self.notify("Comments shown." if self.comments else "Comments hidden.")

    def _show(self, report: CohortReport) -> None:
        from csa_companion.domain.cohort_render import count

        self.report = report
        if not report.statements:
            first = [*report.skipped, *report.problems, *report.notices][:1]
            why = f" ({first[0]})" if first else ""
            self._status(f"No survey answers found there{why}.")
        else:
            left = report.malformed + len(report.skipped)
            more = " Some were left out: see Notes at the end." if left else ""
            self._status(
                f"{count(report.participants, 'participant')}, "
                f"{count(report.answers, 'answer')} from {count(report.files, 'file')}.{more}"
            )
        self.query_one("#cohort-body", Static).update(report_text(report))
        scroll = self.query_one("#cohort-report", VerticalScroll)
        scroll.scroll_home(animate=False)
        if report.statements and self.focused is self.query_one("#cohort-path"):
            scroll.focus()  # the arrows and page keys read on; shift+tab goes back

    def action_export(self) -> None:
        """Write the report as Markdown, with its SVG chart beside it, to the exports folder."""
        from csa_companion.domain.cohort_render import markdown, svg
        from csa_companion.storage.private_files import write_private

        if self.report is None or not self.report.statements:
            self.notify("Read a folder of survey answers first.", severity="warning")
            return
        folder = self.services.stores.paths.root / "exports"
        name = f"cohort-report-{self.services.clock.now():%Y-%m-%d-%H%M}"
        out, chart = folder / f"{name}.md", folder / f"{name}-growth.svg"
        try:
            write_private(chart, svg(self.report))
            write_private(out, markdown(self.report, chart.name))
        except OSError as error:
            self.notify(
                f"Could not write {out}: {error.strerror or error}", severity="error", markup=False
            )
            return
        from csa_companion.transfer.actions import plain_note

        note = plain_note(self.services.stores.paths)
        self.notify(f"Exported to {out} (chart: {chart.name}){note}", timeout=10, markup=False)


def report_text(report: CohortReport) -> Text:
    """The report as terminal text: notes, then each statement's bars (all sessions, then each
    session) with rose/stayed/fell and d_z, then comments when asked for."""
    from csa_companion.domain.cohort_render import (
        EFFECT_NOTE,
        comment_lines,
        held_note,
        notes,
        text_bars,
    )

    text = Text()
    for line in text_bars(report, details=True, width=CHART_WIDTH):
        bold = bool(line) and not line.startswith(" ")
        text.append(line + "\n", style="bold" if bold else "")
    text.append(EFFECT_NOTE + "\n")
    found = notes(report)
    if found:
        text.append("\nNotes\n", style="bold")
        for depth, note in found:
            text.append(f"{'  ' * depth}- {note}\n")
    if report.comments or report.comments_held:
        text.append("\nComments\n", style="bold")
        if report.comments_held:
            text.append(held_note(report) + "\n")
        for heading, comments in comment_lines(report):
            text.append(heading + "\n", style="bold")
            for comment in comments:
                text.append(f"  - {comment}\n")
    return text
