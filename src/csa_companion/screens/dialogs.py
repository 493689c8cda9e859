"""Small modal dialogs that return a typed answer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


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
            yield Label(self.question, id="question")
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
