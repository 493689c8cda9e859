"""The one walkthrough screen that drives every tool, step by step, from its content."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Header, Label, OptionList, ProgressBar, Static, TextArea
from textual.widgets.option_list import Option

from csa_companion.content.model import Step, Tool
from csa_companion.domain.role import ROLE_SETTING, role_label, saved_role
from csa_companion.domain.wording import plural, quoted, sentence
from csa_companion.domain.worksheet import COMPLETE, Worksheet, join_choice
from csa_companion.screens.base import CompanionScreen, autosave
from csa_companion.screens.dialogs import Choice, Pick
from csa_companion.screens.tools.worksheets import store_worksheet
from csa_companion.services import Services
from csa_companion.widgets.diagram_view import DiagramView
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markup import escape

NARROW = 100  # below this many columns the diagram is shown on demand (ctrl+g)


class WalkthroughScreen(CompanionScreen):
    """Prompts, an answer box, hint and example on demand, and the live diagram."""

    DEFAULT_CSS = """
    #walk { height: 1fr; }
    #walk-main { width: 1fr; padding: 0 1; }
    #step-heading { text-style: bold; color: $accent; width: 100%; }
    #progress { margin-bottom: 1; }
    #prompts { margin-bottom: 1; }
    #answer { height: 1fr; min-height: 4; }
    #choices { height: auto; max-height: 10; }
    #choice-help { color: $text-muted; width: 100%; }
    #stuck { height: auto; max-height: 10; border-top: solid $secondary; padding: 0 1; }
    #walk-diagram { width: 50%; border-left: solid $primary 50%; padding: 0 1; }
    /* The diagram sits beside the steps, or on demand (ctrl+g) when the terminal is narrow */
    WalkthroughScreen.-no-diagram #walk-diagram { display: none; }
    WalkthroughScreen.-narrow #walk-diagram { display: none; }
    WalkthroughScreen.-narrow.-diagram-only #walk-diagram {
        display: block; width: 100%; border-left: none;
    }
    WalkthroughScreen.-narrow.-diagram-only #walk-main { display: none; }
    """

    HELP_TEXT = (
        "Answer each step in your own words; every change is saved as you type, so you can "
        "leave and come back at any time. Press ctrl+t when stuck for a hint and a worked "
        "example. The diagram fills in with your answers (ctrl+g shows or hides it)."
    )
    BINDINGS = [
        # At 80 columns the footer holds about 68 cells of keys; help lists the hidden ones.
        Binding("ctrl+n", "step(1)", "Next", id="walk.next"),
        Binding("ctrl+b", "step(-1)", "Back", id="walk.back"),
        Binding("ctrl+o", "jump", "Steps", id="walk.jump", show=False),
        Binding("ctrl+t", "stuck", "Stuck?", id="walk.stuck"),
        Binding("ctrl+g", "diagram", "Diagram", id="walk.diagram"),
        Binding("ctrl+f", "finish", "Finish", id="walk.finish"),
        Binding("escape", "leave", "Leave", id="walk.leave", show=False),
    ]

    def __init__(self, services: Services, tool: Tool, worksheet: Worksheet) -> None:
        super().__init__(services)
        self.tool = tool
        self.worksheet = worksheet
        self.opened = worksheet
        """The worksheet as it was when the screen opened (to tell whether anything changed)."""
        ids = [s.id for s in tool.steps]
        self.index = ids.index(worksheet.current_step) if worksheet.current_step in ids else 0
        self.answer_box = TextArea(id="answer", soft_wrap=True)
        self.diagram = DiagramView(tool, worksheet, self.step.id, id="diagram")
        self._autosave = autosave(self, self.save)
        self._focus_before_diagram: Widget | None = None
        self._leave_unsaved = False

    @property
    def step(self) -> Step:
        return self.tool.steps[self.index]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="walk"):
            with Vertical(id="walk-main"):
                yield Label("", id="step-heading")
                yield ProgressBar(total=len(self.tool.steps), show_eta=False, id="progress")
                yield Static("", id="prompts")
                yield OptionList(id="choices")
                yield Label("", id="choice-help")
                yield self.answer_box
                with VerticalScroll(id="stuck"):
                    yield Static("", id="stuck-text")
            with VerticalScroll(id="walk-diagram"):
                yield self.diagram
        yield Footer()

    def on_mount(self) -> None:
        team = " (team)" if self.worksheet.team else ""
        self.sub_title = f"{self.tool.title}{team}: {self.worksheet.title}"
        self.query_one("#stuck").display = False
        self._fit(self.size.width)
        self.show_step()

    def on_resize(self) -> None:
        self._fit(self.size.width)

    def _fit(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")

    # -- showing a step ---------------------------------------------------------------------

    def show_step(self) -> None:
        step = self.step
        total = len(self.tool.steps)
        optional = "  (optional)" if step.optional else ""
        team = self.team
        self.query_one("#step-heading", Label).update(
            f"Step {self.index + 1} of {total} · {escape(step.title_for(team))}{optional}"
        )
        self._show_progress()
        prompts = step.prompts_for(team)
        self.query_one("#prompts", Static).update("\n".join(f"• {escape(p)}" for p in prompts))
        self.show_hint()
        # A choice step takes a choice and, in the box below it, words (why, what else).
        choices = self.query_one("#choices", OptionList)
        choices.display = bool(step.choices)
        self.query_one("#choice-help").display = bool(step.choices)
        self.answer_box.placeholder = "Your words (optional)" if step.choices else ""
        self.answer_box.load_text(self.worksheet.words(step))
        self.answer_box.move_cursor(self.answer_box.document.end)  # go on where it stopped
        if step.choices:
            chosen = self.worksheet.chosen(step)
            choices.clear_options()
            choices.add_options(Option(escape(choice), id=choice) for choice in step.choices)
            choices.highlighted = step.choices.index(chosen) if chosen else 0
            self._show_choice_help()
        self._focus_answer()
        self.diagram.show(self.worksheet, step.id)

    def _focus_answer(self) -> None:
        """Put the cursor where this step is answered: its choices, or the answer box."""
        (self.query_one("#choices") if self.step.choices else self.answer_box).focus()

    def _show_choice_help(self) -> None:
        chosen = self.worksheet.chosen(self.step)
        self.query_one("#choice-help", Label).update(
            f"Chosen: {escape(chosen)} · to change it: shift+tab, ↑↓, Enter · words below"
            if chosen
            else "↑↓ then Enter chooses · your words go in the box below"
        )

    def _show_progress(self) -> None:
        answered = sum(1 for s in self.tool.steps if self.worksheet.answer(s.id).strip())
        self.query_one(ProgressBar).update(progress=answered)

    def show_hint(self) -> None:
        """The step's hint and example: the team's on a team's worksheet, else the example
        for the person's role (the default one when the step has none for it)."""
        step, team = self.step, self.team
        self.query_one("#stuck-text", Static).update(
            f"[b]Stuck?[/b] {escape(step.hint_for(team))}{self._see_also(step)}"
            f"\n\n[b]{self._example_label(step)}[/b] "
            f"{escape(step.example_for(team, self.role))}"
        )

    @property
    def team(self) -> bool:
        """A team's or a group's worksheet: the steps speak as "we"."""
        return self.worksheet.asks_as_team

    @property
    def role(self) -> str | None:
        """The person's role (a setting), whose examples the hints show."""
        return saved_role(self.services.settings.get(ROLE_SETTING))

    def _example_label(self, step: Step) -> str:
        """'Example:', or whose example it is when it comes from the person's role."""
        role = None if self.team else self.role
        if role and role in dict(step.examples):
            return f"Example ({role_label(role).lower()}):"
        return "Example:"

    def _see_also(self, step: Step) -> str:
        """A line naming where this step leads on to (tools and pages, by title)."""
        items = [self.services.library.get(i) for i in step.see_also]
        titles = [
            f"{escape(item.title)} ({'Tools' if isinstance(item, Tool) else 'Learn'})"
            for item in items
            if item is not None
        ]
        return f"\n[b]See also:[/b] {'; '.join(titles)}" if titles else ""

    # -- answering --------------------------------------------------------------------------

    @on(TextArea.Changed, "#answer")
    def _typed(self) -> None:
        step, text = self.step, self.answer_box.text
        self._record(join_choice(self.worksheet.chosen(step), text) if step.choices else text)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._record(join_choice(event.option.id or "", self.answer_box.text))
        self._show_choice_help()
        self.answer_box.focus()  # chosen: now the words, if any

    def _record(self, text: str) -> None:
        if text == self.worksheet.answer(self.step.id):
            return
        self.worksheet = self.worksheet.with_answer(self.step.id, text, self.services.clock.now())
        self.diagram.show(self.worksheet, self.step.id)
        self._show_progress()
        self._autosave()

    def save(self) -> bool:
        """Store the worksheet now (also called on every step change and on leaving)."""
        self._autosave.cancel()
        return store_worksheet(self, self.worksheet)

    def keep_typed(self) -> bool:
        if self.save():
            return True
        stored = self.services.worksheets.get(self.worksheet.uid)  # only a step change unsaved?
        return stored is not None and stored.answers == self.worksheet.answers

    def go_to(self, index: int) -> None:
        self.index = max(0, min(len(self.tool.steps) - 1, index))
        self.worksheet = self.worksheet.at_step(self.step.id)
        self.save()
        self.show_step()

    # -- actions ----------------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        if self.index + delta >= len(self.tool.steps):
            self.action_finish()
        elif self.index + delta >= 0:
            self.go_to(self.index + delta)

    def action_jump(self) -> None:
        options = []
        for n, step in enumerate(self.tool.steps):
            mark = "✓" if self.worksheet.answer(step.id).strip() else "·"
            options.append((step.id, f"{mark} {n + 1}. {step.title_for(self.team)}"))

        def picked(step_id: str | None) -> None:
            ids = [s.id for s in self.tool.steps]
            if step_id in ids:
                self.go_to(ids.index(step_id))

        self.app.push_screen(Pick("Go to which step?", options, self.index), picked)

    def action_stuck(self) -> None:
        stuck = self.query_one("#stuck")
        stuck.display = not stuck.display

    def action_diagram(self) -> None:
        if not self.has_class("-narrow"):
            self.toggle_class("-no-diagram")
        elif not self.has_class("-diagram-only"):
            self._focus_before_diagram = self.focused
            self.add_class("-diagram-only")
            self.query_one("#walk-diagram").focus()  # the arrow keys scroll it
        else:
            # The answer box was hidden with the steps and lost focus: give it back.
            self.remove_class("-diagram-only")
            before = self._focus_before_diagram
            self.call_after_refresh(before.focus if before is not None else self._focus_answer)

    def action_finish(self) -> None:
        self.save()
        empty = self.worksheet.empty_steps(self.tool)
        if not empty:
            self._complete()
            return
        titles = [s.title_for(self.team) for s in self.tool.steps if s.id in empty]
        first = titles[0]
        if len(titles) == 1:
            question = (
                f"1 step has no answer yet: {sentence(first)} Finish anyway, or go back to it?"
            )
        else:
            listed = "\n".join(f"• {title}" for title in titles)
            question = (
                f"{plural(len(titles), 'step')} have no answer yet:\n{listed}\n"
                "Finish anyway, or go back to the first of them?"
            )

        def answer(choice: str | None) -> None:
            if choice == "finish":
                self._complete()
            elif choice == "back":
                self.go_to([s.id for s in self.tool.steps].index(empty[0]))

        self.app.push_screen(
            Choice(
                question,
                # The question names the step: a button naming it too cut the other one off.
                [
                    ("back", "Go back to it" if len(titles) == 1 else "Go back to the first"),
                    ("finish", "Finish anyway"),
                ],
            ),
            answer,
        )

    def _complete(self) -> None:
        self.worksheet = self.worksheet.finished(self.tool, self.services.clock.now())
        if self.save():
            how = "Finished" if self.worksheet.status == COMPLETE else "Ended early"
            self.notify(
                f"{how}: {quoted(self.worksheet.title)}. It is saved with your worksheets.",
                markup=False,
            )
            if self.services.presenting:  # a group's walk ends the presentation
                self.dismiss()
                return
            self.app.switch_screen(self.make_screen("worksheet-view", self.tool, self.worksheet))

    def action_leave(self) -> None:
        saved = self.save()
        if not saved and not self._leave_unsaved:
            self._leave_unsaved = True  # a second escape leaves anyway
            self.notify(
                "Your answers could not be saved, so they stay here: copy them somewhere, or "
                "press escape again to leave without keeping them.",
                title="Not saved",
                severity="warning",
                timeout=15,
            )
            return
        if saved and self.worksheet.is_empty and self.worksheet.status != COMPLETE:
            self.notify("Nothing was written, so no draft was kept.", timeout=3)
        elif saved and self.worksheet.status != COMPLETE:
            self.notify("Saved. Resume this worksheet from Home or Tools.", timeout=3)
        elif saved and self.worksheet.answers != self.opened.answers:
            # a finished worksheet left unchanged needs no word: nothing waits to be resumed
            self.notify(
                f"Saved your changes to {quoted(self.worksheet.title)}.", timeout=3, markup=False
            )
        self.dismiss()

    def on_unmount(self) -> None:
        if self._autosave.cancel():  # quitting mid-step: keep the last keystrokes too
            self.save()
