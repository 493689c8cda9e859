"""Four Player observer mode: one key per act during a real meeting, a running tally, and a
named stuck pattern with the act that would help."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, Static

from csa_companion.content.model import Tool
from csa_companion.domain.four_player import (
    MIN_OBSERVATIONS,
    NOT_DETECTABLE,
    detect_patterns,
    sequence_text,
)
from csa_companion.domain.wording import plural, quoted
from csa_companion.domain.worksheet import COMPLETE, Observation, Worksheet
from csa_companion.screens.base import CompanionScreen
from csa_companion.screens.tools.worksheets import store_worksheet
from csa_companion.services import Services
from csa_companion.widgets.diagram_view import DiagramView
from csa_companion.widgets.footer import Footer
from csa_companion.widgets.markup import escape


class ObserverScreen(CompanionScreen):
    """Record acts as they happen; everything is saved after each key."""

    DEFAULT_CSS = """
    #speaker { margin: 0 1; }
    #observer { height: 1fr; }
    #observer-board { width: 1fr; padding: 0 1; }
    #observer-keys { padding: 1 0; }
    #observer-notes { width: 1fr; padding: 0 1; border-left: solid $primary 50%; }
    """

    AUTO_FOCUS = None  # the act keys must work from the start, not type into the name box
    HELP_TEXT = (
        "Observer mode for a live meeting. Press the key of each act as you notice it (shown on "
        "the board). To note who acted, press n, type the name, press Enter, then the act key. "
        "Backspace takes back the last act. Everything is saved as you go; ctrl+f ends the "
        "observation when the meeting is over (Escape leaves it waiting on Home)."
    )
    # The act keys, n and the Enter that ends a name are priority bindings: each is handled
    # as it arrives, before the next key is passed on. Otherwise a name typed straight after
    # n went to the board (its letters lost, or read as acts: the m of "Mo" was a Move), and
    # an act key straight after Enter went into the name. `check_action` sends each key to the
    # name box while it has focus, and acts only while it has not.
    BINDINGS = [
        Binding("n", "name", "Name", id="observer.name", priority=True),
        Binding("enter", "named", "Name given", show=False, id="observer.named", priority=True),
        Binding("backspace", "undo", "Undo last", id="observer.undo"),
        Binding("ctrl+f", "end", "End", id="observer.end"),
        Binding("escape", "done", "Done", id="observer.done"),
    ]

    def __init__(self, services: Services, tool: Tool, worksheet: Worksheet) -> None:
        super().__init__(services)
        self.tool = tool
        self.worksheet = worksheet
        # The board shows the act keys, so the footer leaves them out; help still lists them.
        acts = [
            Binding(
                a.key,
                f"record('{a.id}')",
                a.name,
                show=False,
                id=f"observer.act.{a.id}",
                priority=True,
            )
            for a in tool.acts
        ]
        self._bindings = BindingsMap.merge([BindingsMap(acts), self._bindings])

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Who acts next? (optional; Enter to go back)", id="speaker")
        with Horizontal(id="observer"):
            with Vertical(id="observer-board"):
                yield Label("", id="observer-keys")
                with VerticalScroll():
                    yield DiagramView(self.tool, self.worksheet, id="diagram")
            with VerticalScroll(id="observer-notes"):
                yield Static("", id="observer-sequence")
                yield Static("", id="observer-patterns")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Observing: {self.worksheet.title}"
        # Two keys a line: the board is half of an 80-column screen, and a key never wraps
        # away from its act.
        self._show_keys()
        self.show()

    def _show_keys(self) -> None:
        """The act keys, two a line, and who the next act is noted for (once named)."""
        keys = [f"[b]{a.key}[/b] {escape(a.name)}" for a in self.tool.acts] + ["[b]n[/b] name"]
        lines = ["   ".join(keys[n : n + 2]) for n in range(0, len(keys), 2)]
        who = self.query_one("#speaker", Input).value.strip()
        if who:
            lines.append(f"Next act: {escape(who)}")
        self.query_one("#observer-keys", Label).update("\n".join(lines))

    def on_screen_resume(self) -> None:
        # the board, not the name box, has the keys when the screen appears
        self.call_after_refresh(self.set_focus, None)

    def show(self) -> None:
        observations = self.worksheet.observations
        self.query_one(DiagramView).show(self.worksheet)
        sequence = sequence_text(observations, self.tool.acts) or "Nothing recorded yet."
        self.query_one("#observer-sequence", Static).update(
            f"[b]{plural(len(observations), 'act')}[/b]\n{escape(sequence)}\n"
        )
        patterns = detect_patterns(observations, self.tool.acts)
        if patterns:
            text = "\n\n".join(
                f"[b]{p.name}[/b]\n{p.explanation}\n[i]Try:[/i] {p.suggestion}" for p in patterns
            )
        else:
            text = "No stuck pattern shows yet."
        unseen = " and ".join(NOT_DETECTABLE)
        self.query_one("#observer-patterns", Static).update(
            f"{text}\n\n[$text-muted]A tally cannot show {unseen}: watch for those yourself.[/]"
        )

    def _save(self, worksheet: Worksheet) -> None:
        if store_worksheet(self, worksheet):
            self.worksheet = worksheet
            self.show()

    def action_record(self, act_id: str) -> None:
        # The name box may still have keys of the name waiting (Enter and the act key came
        # straight after them): the act is recorded after them, in the box's own queue.
        when = self.services.clock.now()
        self.query_one("#speaker", Input).call_later(self._record, act_id, when)

    def _record(self, act_id: str, when: datetime) -> None:
        speaker = self.query_one("#speaker", Input)
        observation = Observation(act_id, when, speaker.value.strip())
        speaker.value = ""
        self._save(self.worksheet.observed(observation))
        self._show_keys()

    def action_undo(self) -> None:
        if not self.worksheet.observations:
            self.notify("Nothing to take back.", severity="warning")
            return
        self._save(self.worksheet.without_last_observation(self.services.clock.now()))

    def action_name(self) -> None:
        # Now, before the next key is passed on (see BINDINGS); the "n" is not typed.
        self.set_focus(self.query_one("#speaker", Input), scroll_visible=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The screen's focus, set at once (a widget's has_focus follows a moment later).
        naming = self.is_mounted and self.focused is self.query_one("#speaker", Input)
        if action in ("name", "record"):
            return not naming
        if action == "named":
            return naming
        return super().check_action(action, parameters)

    def action_named(self) -> None:
        self._named()

    @on(Input.Submitted, "#speaker")
    def _named(self) -> None:
        self.set_focus(None)
        self._show_keys()

    @on(Input.Changed, "#speaker")
    def _naming(self) -> None:
        self._show_keys()

    def action_end(self) -> None:
        """The meeting is over: the observation is finished and no longer waits on Home."""
        if not self.worksheet.observations:
            self.notify("Nothing was recorded, so nothing was kept.", timeout=3)
            self.dismiss()
            return
        ended = self.worksheet.finished(self.tool, self.services.clock.now())
        if store_worksheet(self, ended):
            self.worksheet = ended
            early = (
                ""
                if ended.status == COMPLETE
                else f", ended early: fewer than {MIN_OBSERVATIONS} acts say too little"
            )
            self.notify(
                f"Ended {quoted(ended.title)}{early}. It is saved with your worksheets.",
                markup=False,
            )
            self.app.switch_screen(self.make_screen("worksheet-view", self.tool, ended))

    def action_done(self) -> None:
        speaker = self.query_one("#speaker", Input)
        if speaker.has_focus:
            self.set_focus(None)
            return
        self.dismiss()
