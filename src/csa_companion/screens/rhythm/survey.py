"""A pre/post survey for one learning session, drawn from the survey content file: a 1-5
rating and an optional comment per item, kept as a draft until it is submitted."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.widgets import Header, Input, Label

from csa_companion.content.model import Survey, SurveyItem
from csa_companion.domain.survey import (
    HIGH,
    LOW,
    PARTICIPANT,
    PRE,
    SUBMITTED,
    Answer,
    SurveyError,
    SurveyResponse,
    items_for,
    parse_rating,
)
from csa_companion.domain.wording import plural
from csa_companion.screens.base import CompanionScreen, autosave
from csa_companion.screens.rhythm.rhythm_nav import sentence
from csa_companion.services import Services
from csa_companion.widgets.footer import Footer


def open_survey(screen: CompanionScreen, session: int, when: str) -> None:
    """Open the survey for a session, or say why it cannot open."""
    services = screen.services
    survey = services.library.survey
    event = services.rhythm.program.get(services.clock.now().date()).session(session)
    if survey is None or event is None:
        screen.notify(
            'No survey content (kind = "survey")' if survey is None else "No such session.",
            severity="warning",
        )
        return
    titles = {t.id: t.title for t in services.library.tools}
    items = items_for(survey, event.tools, titles)
    screen.app.push_screen(SurveyScreen(services, survey, items, session, when))


class SurveyScreen(CompanionScreen):
    """Rate each item 1-5 (what the numbers mean is shown at the top)."""

    DEFAULT_CSS = """
    #survey-scale { padding: 0 1; color: $text-muted; }
    #survey-items { height: 1fr; }
    .item-text { padding: 1 1 0 1; width: 100%; }
    .item-row { height: 3; }
    .rating { width: 9; }
    .comment { width: 1fr; }
    .item-problem { padding: 0 1; color: $text-error; height: auto; width: 100%; display: none; }
    #code-row { height: 3; }
    #code-row Label { padding: 1 1 0 1; }
    #code { width: 24; }
    #survey-status { padding: 0 1; height: auto; width: 100%; }
    """
    HELP_TEXT = (
        "Rate each statement from 1 to 5 as things are for you today; a comment is optional. "
        "Your answers are kept as a draft while you type; ctrl+s submits once every item has "
        "a rating. The participant code (not your name) goes into the CSV export."
    )
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "submit", "Submit", id="survey.submit"),
        Binding("escape", "back", "Back (keeps draft)", id="survey.back"),
    ]

    def __init__(
        self,
        services: Services,
        survey: Survey,
        items: list[SurveyItem],
        session: int,
        when: str,
    ) -> None:
        super().__init__(services)
        self.survey = survey
        self.items = items
        self.response = services.rhythm.surveys.get(session, when) or SurveyResponse(
            session, when, services.clock.now()
        )
        # Kept here so that what was typed can still be read while the screen is removed.
        self.ratings: list[Input] = []
        self.comments: list[Input] = []
        self.problems: list[Label] = []
        for n, item in enumerate(items):
            answer = self.response.answer(item.id)
            rating = "" if answer.rating is None else str(answer.rating)
            self.ratings.append(
                Input(rating, placeholder=f"{LOW}-{HIGH}", id=f"rating-{n}", classes="rating")
            )
            self.comments.append(  # no select-all on Tab: a key typed would replace the comment
                Input(
                    answer.comment,
                    placeholder="comment (optional)",
                    classes="comment",
                    select_on_focus=False,
                )
            )
            self.problems.append(Label("", classes="item-problem"))
        self.status = Label("", id="survey-status")
        self._autosave = autosave(self, self.save)
        self._left = False

    def compose(self) -> ComposeResult:
        yield Header()
        scale = "  ".join(f"{n} {label}" for n, label in enumerate(self.survey.scale, start=1))
        yield Label(escape(scale), id="survey-scale")
        with VerticalScroll(id="survey-items"):
            with Horizontal(id="code-row"):
                yield Label("Participant code (not your name)")
                code = str(self.services.settings.get(PARTICIPANT) or "")
                yield Input(code, id="code", max_length=40)
            for n, item in enumerate(self.items):
                yield Label(f"{n + 1}. {escape(item.text)}", classes="item-text")
                with Horizontal(classes="item-row"):
                    yield self.ratings[n]
                    yield self.comments[n]
                yield self.problems[n]
        yield self.status
        yield Footer()

    def on_mount(self) -> None:
        phase = "before" if self.response.when == PRE else "after"
        self.sub_title = f"Survey {phase} learning session {self.response.session}"
        self._status()
        self.query_one("#rating-0" if self.items else "#code", Input).focus()

    def _status(self, extra: str = "") -> None:
        state = "submitted" if self.response.status == SUBMITTED else "draft"
        left = len(self.response.missing(self.items))
        todo = f"{plural(left, 'item')} still to rate." if left else "Every item is rated."
        self.status.update(f"Status: {state}. {todo} {extra}".strip())

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "code":
            code = event.value.strip()
            if code:
                self.store_call(lambda: self.services.settings.set(PARTICIPANT, code))
            return
        self._autosave()

    def _read(self) -> SurveyResponse | None:
        """The response as on screen; None (with a message in place) if a rating is wrong."""
        response = self.response
        now = self.services.clock.now()
        ok = True
        for n, item in enumerate(self.items):
            problem = self.problems[n]
            try:
                rating = parse_rating(self.ratings[n].value)
            except SurveyError as error:
                problem.update(escape(str(error)))
                problem.display = True
                ok = False
                continue
            problem.display = False
            comment = self.comments[n].value.strip()
            if response.answer(item.id) != Answer(rating, comment):
                response = response.with_answer(item.id, Answer(rating, comment), now)
        return response if ok else None

    def save(self) -> None:
        """Keep the answers as they are (a draft, unless already submitted)."""
        self._autosave.cancel()
        response = self._read()
        if response is None or response == self.response:
            return
        if self.store_call(lambda: self.services.rhythm.surveys.save(response)):
            self.response = response
            self._status(f"Saved {response.updated:%H:%M:%S}.")

    def action_submit(self) -> None:
        self.save()
        if self._read() is None:
            self._status("Fix the rating marked in red first.")
            return
        try:
            done = self.response.submitted(self.items, self.services.clock.now())
        except SurveyError as error:
            self._status(sentence(str(error)) + ".")
            return
        if self.store_call(lambda: self.services.rhythm.surveys.save(done)):
            self.response = done
            self.notify("Survey submitted. Thank you.")
            self.action_back()

    def action_back(self) -> None:
        self.save()
        self._left = True
        self.dismiss()

    def on_unmount(self) -> None:
        if not self._left:
            self.save()
