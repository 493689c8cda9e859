"""Small modal dialogs that return a typed answer. Questions and labels are shown as written
(Content, never parsed as markup: Textual's escape lets "[$500]" through as a variable)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from csa_companion.screens.base import DraftPlace, KeepsFields
from csa_companion.widgets.markup import shown


class SaysInPlace:
    """For a dialog with a message line (a Label with id "dialog-message"): what it tells the
    person (nothing chosen, nothing typed) goes there, not into a toast over the dialog."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        assert isinstance(self, ModalScreen)
        text = shown(message, markup)  # markup only where it is meant and valid
        self.query_one("#dialog-message", Label).update(
            Content(f"{title}: ") + text if title else text
        )


class Choice(ModalScreen[str]):
    """Ask a question with a few buttons; returns the id of the button pressed.
    Escape returns `cancel_id`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    DEFAULT_CSS = """
    Choice { align: center middle; }
    Choice > Vertical {
        width: 64; max-width: 95%; height: auto; padding: 1 2;
        border: thick $accent; background: $panel;
    }
    Choice #question { width: 100%; margin-bottom: 1; }
    Choice Horizontal { height: auto; align-horizontal: right; }
    Choice Button { margin-left: 1; }
    """

    def __init__(
        self, question: str, options: list[tuple[str, str]], *, cancel_id: str = "cancel"
    ) -> None:
        super().__init__()
        self.question = question
        self.options = options
        self.cancel_id = cancel_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.question), id="question")
            with Horizontal():
                for index, (option_id, label) in enumerate(self.options):
                    yield Button(
                        label, id=option_id, variant="primary" if index == 0 else "default"
                    )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or self.cancel_id)

    def action_cancel(self) -> None:
        self.dismiss(self.cancel_id)


def confirm_delete(what: str) -> Choice:
    """The standard 'delete X?' question; answers 'delete' or 'cancel'."""
    return Choice(
        f"Delete {what}? You can undo this right after.",
        [("delete", "Delete"), ("cancel", "Keep it")],
    )


class Ask(SaysInPlace, KeepsFields, ModalScreen[str | None]):
    """Ask for one line of text; returns it stripped, or None when canceled. With `place`,
    what is typed is kept over a quit and back when the same question is asked again (a
    title: what the person wrote; not a file's path or a count)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]
    DEFAULT_CSS = """
    Ask { align: center middle; }
    Ask > Vertical {
        width: 72; max-width: 95%; height: auto; padding: 1 2;
        border: thick $accent; background: $panel;
    }
    Ask Label { width: 100%; margin-bottom: 1; }
    Ask #hint { color: $text-muted; margin: 1 0 0 0; }
    """

    def __init__(
        self, question: str, value: str = "", hint: str = "", place: DraftPlace | None = None
    ) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.hint = hint
        self.place = place

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.question))
            yield Input(self.value, id="ask-input")
            yield Label("", id="dialog-message")  # what goes wrong, here, not in a toast
            yield Label(self.hint or "Enter to confirm, Escape to cancel.", id="hint")

    def on_mount(self) -> None:
        self.restore_typed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.forget_typed()
            self.dismiss(event.value.strip())
        else:
            self.notify("Please type something, or press Escape to cancel.", severity="warning")

    def action_cancel(self) -> None:
        self.forget_typed()
        self.dismiss(None)


class Pick(ModalScreen[str | None]):
    """Pick one of several labeled options; returns its id, or None when canceled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick.cancel")]
    DEFAULT_CSS = """
    Pick { align: center middle; }
    Pick > Vertical {
        width: 72; max-width: 95%; height: auto; max-height: 90%; padding: 1 2;
        border: thick $accent; background: $panel;
    }
    Pick OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, question: str, options: list[tuple[str, str]], selected: int = 0) -> None:
        super().__init__()
        self.question = question
        self.options = options
        self.selected = selected

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.question))
            yield OptionList(
                *(Option(Content(label), id=option_id) for option_id, label in self.options)
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.selected
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RoleDialog(ModalScreen[str | None]):
    """Ask which role is closest to the person's own, for the examples the tools show.
    Returns a key of ROLES, NO_ROLE for "none of these", or None when put off (Escape)."""

    BINDINGS = [Binding("escape", "later", "Decide later", id="role.later")]
    DEFAULT_CSS = """
    RoleDialog { align: center middle; }
    RoleDialog > Vertical {
        width: 64; max-width: 95%; height: auto; max-height: 95%; padding: 1 2;
        border: thick $accent; background: $panel;
    }
    RoleDialog #role-question { width: 100%; margin-bottom: 1; }
    RoleDialog OptionList { height: auto; max-height: 12; }
    RoleDialog #role-help { width: 100%; margin-top: 1; color: $text-muted; }
    """

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        from csa_companion.content.roles import ROLES
        from csa_companion.domain.role import NO_ROLE

        with Vertical():
            yield Label(
                "Which role is closest to yours? The tools' examples will come from work like "
                "yours where they can.",
                id="role-question",
            )
            options = [Option(Content(label), id=key) for key, label in ROLES.items()]
            options.append(Option("None of these (the default examples)", id=NO_ROLE or "none"))
            yield OptionList(*options, id="roles")
            yield Label(
                "Enter chooses · Escape decides later. Change it any time: ctrl+p, then My role.",
                id="role-help",
            )

    def on_mount(self) -> None:
        roles = self.query_one("#roles", OptionList)
        ids = [roles.get_option_at_index(n).id for n in range(roles.option_count)]
        wanted = self.current if self.current else ("none" if self.current == "" else None)
        roles.highlighted = ids.index(wanted) if wanted in ids else 0
        roles.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from csa_companion.domain.role import NO_ROLE

        event.stop()
        chosen = event.option.id
        self.dismiss(NO_ROLE if chosen in (None, "none") else chosen)

    def action_later(self) -> None:
        self.dismiss(None)
