"""The passphrase screen of an encrypted data folder: at start, and when the app locks itself
after some idle minutes. It is a full, opaque screen, so nothing behind it shows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label

from csa_companion.storage.crypto import Cipher, KeyRecord, WrongPassphrase


class UnlockScreen(Screen[Cipher]):
    """Ask for the passphrase until it opens the data key; returns the key's cipher. A wrong
    passphrase changes nothing: it says so and asks again."""

    DEFAULT_CSS = """
    UnlockScreen { align: center middle; }
    UnlockScreen > Vertical {
        width: 64; max-width: 95%; height: auto; padding: 1 2;
        border: thick $accent; background: $panel;
    }
    UnlockScreen Label { width: 100%; }
    UnlockScreen #unlock-problem { color: $text-error; height: auto; margin-top: 1; }
    UnlockScreen #unlock-hint { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, record: KeyRecord, reason: str) -> None:
        super().__init__()
        self.record = record
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.reason, id="unlock-reason")
            yield Label("Passphrase:")
            yield Input(password=True, id="unlock-passphrase")
            yield Label("", id="unlock-problem")
            yield Label("Enter unlocks, ctrl+q quits.", id="unlock-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        problem = self.query_one("#unlock-problem", Label)
        if not event.value:
            problem.update("Type your passphrase, then press Enter.")
            return
        try:
            cipher = self.record.unlock(event.value)
        except WrongPassphrase:
            event.input.clear()
            problem.update("Wrong passphrase; nothing was changed. Try again.")
            return
        self.dismiss(cipher)
