"""A pre/post survey for one learning session, drawn from the survey content file: a 1-5
rating and an optional comment per item, kept as a draft until it is submitted."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
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
)
from csa_companion.domain.wording import plural
from csa_companion.screens.base import CompanionScreen, autosave
from csa_companion.screens.rhythm.rhythm_nav import sentence
from csa_companion.services import Services
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markup import escape
from csa_companion.widgets.rating import Rating


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
    .comment { width: 1fr; }
    #code-row { height: 3; }
    #code-row Label { padding: 1 1 0 1; }
    #code { width: 24; }
    #survey-status { padding: 0 1; height: auto; width: 100%; }
    """
    HELP_TEXT = (
        "Rate each statement from 1 to 5 as things are for you today: type the number, or use "
        "the left and right arrows (backspace clears it); Tab moves to the comment, which is "
        "optional, then to the next statement. "
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
        self.ratings: list[Rating] = []
        self.comments: list[Input] = []
        for n, item in enumerate(items):
            answer = self.response.answer(item.id)
            self.ratings.append(
                Rating(answer.rating, low=LOW, high=HIGH, id=f"rating-{n}", classes="rating")
            )
            self.comments.append(  # no select-all on Tab: a key typed would replace the comment
                Input(
                    answer.comment,
                    placeholder="comment (optional)",
                    classes="comment",
                    select_on_focus=False,
                )
            )
        self.status = Label("", id="survey-status")
        self._autosave = autosave(self, self.save)
        self._left = False

    def compose(self) -> ComposeResult:
        yield Header()
        scale = "  ".join(f"{n} {label}" for n, label in enumerate(self.survey.scale, start=1))
        yield Label(escape(scale), id="survey-scale")
        # Not a Tab stop: Tab goes field to field, and the list scrolls to each.
        with VerticalScroll(id="survey-items", can_focus=False):
            with Horizontal(id="code-row"):
                yield Label("Participant code (not your name)")
                code = str(self.services.settings.get(PARTICIPANT) or "")
                yield Input(code, id="code", max_length=40)
            for n, item in enumerate(self.items):
                yield Label(f"{n + 1}. {escape(item.text)}", classes="item-text")
                with Horizontal(classes="item-row"):
                    yield self.ratings[n]
                    yield self.comments[n]
        yield self.status
        yield Footer()

    def on_mount(self) -> None:
        phase = "before" if self.response.when == PRE else "after"
        self.sub_title = f"Survey {phase} learning session {self.response.session}"
        self._status()
        self.query_one("#code", Input).focus()  # the first field, at the top

    def _status(self, extra: str = "") -> None:
        state = "submitted" if self.response.status == SUBMITTED else "draft"
        left = sum(1 for rating in self.ratings if rating.value is None)  # as on screen
        todo = f"{plural(left, 'item')} still to rate." if left else "Every item is rated."
        self.status.update(f"Status: {state}. {todo} {extra}".strip())

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "code":
            code = event.value.strip()
            if code:
                self.store_call(lambda: self.services.settings.set(PARTICIPANT, code))
            return
        self._autosave()

    def on_rating_changed(self, event: Rating.Changed) -> None:
        event.stop()
        if self.is_mounted:
            self._status()  # "N items still to rate" follows each rating at once
        self._autosave()

    def _read(self) -> SurveyResponse:
        """The response as on screen."""
        response = self.response
        now = self.services.clock.now()
        for n, item in enumerate(self.items):
            answer = Answer(self.ratings[n].value, self.comments[n].value.strip())
            if response.answer(item.id) != answer:
                response = response.with_answer(item.id, answer, now)
        return response

    def save(self) -> None:
        """Keep the answers as they are (a draft, unless already submitted)."""
        self._autosave.cancel()
        response = self._read()
        if response == self.response:
            return
        if self.store_call(lambda: self.services.rhythm.surveys.save(response)):
            self.response = response
            self._status(f"Saved {response.updated:%H:%M:%S}.")

    def action_submit(self) -> None:
        self.save()
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
