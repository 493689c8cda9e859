"""CompanionScreen: the base of every screen (services, help text, safe store calls)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer

if TYPE_CHECKING:
    from textual.widgets import Input, TextArea

from csa_companion.screens import routes
from csa_companion.services import Services
from csa_companion.storage.repos import SettingsRepo
from csa_companion.storage.safe_storage import StoreError, StoreReadOnlyError


class KeepsTyped:
    """A screen or dialog that may hold text the user typed: before the app quits (ctrl+q, a
    signal) it asks each one to keep that text, so that nothing typed is lost."""

    def save_pending(self) -> None:
        """The app is about to exit (a signal): save what is typed now."""
        self.keep_typed()

    def keep_typed(self) -> bool:
        """Save what is typed here now; False if some of it could not be saved (a read-only
        folder, a field that does not read: it is still on screen, and quitting would lose
        it)."""
        return True


RESTORED = "What you typed here before the app closed is back."


@dataclass(frozen=True)
class DraftPlace:
    """Where a dialog keeps what is typed in it while the app is closed: a key of the
    settings (one per dialog: the event it edits, the tool a title is for)."""

    settings: SettingsRepo
    key: str

    @property
    def setting(self) -> str:
        return f"typed:{self.key}"


class KeepsFields(KeepsTyped):
    """A dialog whose text fields (its Inputs and TextAreas with ids; never a passphrase)
    are kept at `place` when the app quits with it open (ctrl+q, also from the lock screen, a
    signal), and are back, with a note, when the same dialog opens again: call `restore_typed`
    when it mounts, and `forget_typed` when it is accepted or canceled."""

    place: DraftPlace | None = None
    _given: dict[str, str] | None = None  # the fields as the dialog filled them in

    def _fields(self) -> dict[str, Input | TextArea]:
        from textual.widgets import Input, TextArea  # when asked: TextArea is slow to import

        assert isinstance(self, Screen)
        return {
            str(field.id): field
            for field in self.query("Input, TextArea").results()
            if isinstance(field, Input | TextArea)
            and field.id
            and not (isinstance(field, Input) and field.password)
        }

    def _typed(self) -> dict[str, str]:
        return {key: _text_of(field) for key, field in self._fields().items()}

    def restore_typed(self) -> None:
        """Put back what was kept at the last quit, if anything, and say so."""
        self._given = self._typed()
        kept = self.place.settings.get(self.place.setting) if self.place else None
        if not isinstance(kept, dict):
            return
        for key, field in self._fields().items():
            if isinstance(kept.get(key), str):
                _set_text(field, kept[key])
        self.say_restored()

    def say_restored(self) -> None:
        """Say that what was typed is back (in place: see dialogs.SaysInPlace; the app holds
        a notification until the dialog closes)."""
        assert isinstance(self, Screen)
        self.notify(RESTORED)

    def keep_typed(self) -> bool:
        """Keep the fields as typed (the app is quitting); False if they could not be kept."""
        assert isinstance(self, Screen)
        if self.place is None or self._given is None or not self.is_mounted:
            return True
        typed = self._typed()
        try:
            if typed == self._given:  # as the dialog filled them in: nothing to keep
                self.place.settings.remove(self.place.setting)
            else:
                self.place.settings.set(self.place.setting, typed)
        except StoreError:
            return False
        return True

    def forget_typed(self) -> None:
        """The dialog is done (accepted or canceled): nothing is kept for it any more (in a
        read-only folder what was kept stays, and comes back next time)."""
        if self.place is not None:
            with contextlib.suppress(StoreError):
                self.place.settings.remove(self.place.setting)


def _text_of(field: Input | TextArea) -> str:
    return field.text if hasattr(field, "text") else field.value


def _set_text(field: Input | TextArea, text: str) -> None:
    if hasattr(field, "text"):
        field.text = text
    else:
        field.value = text


class CompanionScreen(KeepsTyped, Screen[None]):
    """A full screen of the app."""

    HELP_TEXT: ClassVar[str] = ""
    """What this screen is for, shown at the top of the help screen."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self._told_read_only = False
        self.debounced: list[Debounce] = []
        """This screen's autosaves, made at once by `save_pending` (a preview waiting for a
        pause is not one: quitting drew it for nothing, and left it drawing at the exit)."""

    def save_pending(self) -> None:
        """Make every waiting debounced call now: the app is about to exit (a signal) or
        lock."""
        for debounce in self.debounced:
            debounce.flush()

    def keep_typed(self) -> bool:
        """Make the waiting autosaves now (ctrl+q a moment after typing lost the last
        letters); a screen that can tell when its save failed overrides this."""
        self.save_pending()
        return True

    def store_call(self, action: Callable[[], object]) -> bool:
        """Run a store operation; on failure tell the user and return False (nothing is lost:
        whatever they typed stays on screen)."""
        try:
            action()
        except StoreReadOnlyError as error:
            if not self._told_read_only:  # once: autosave would repeat it at every pause
                self._told_read_only = True
                self.notify(str(error), title="Not saved", severity="error", timeout=15)
            return False
        except StoreError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=15)
            return False
        return True

    def reload(self) -> None:
        """Show data another process changed; screens that list stored data override this."""

    def open(self, route: str, *args: Any, **kwargs: Any) -> None:
        """Open the route `route` on top of this screen (see screens/routes.py): a screen is
        pushed, built with the services and `args`; a function is called with this screen and
        `args`."""
        opener = routes.target(route)
        if routes.is_screen(opener):
            self.app.push_screen(opener(self.services, *args, **kwargs))
        else:
            opener(self, *args, **kwargs)

    def export_markdown(self, name: str, text: str) -> None:
        """Write `text` to the exports folder as `name` and say where (or why not), and that
        it is plain text when the data folder is encrypted."""
        from csa_companion.storage.private_files import write_private
        from csa_companion.transfer.actions import plain_note

        path = self.services.stores.paths.root / "exports" / name
        try:
            write_private(path, text)
        except OSError as error:
            self.notify(f"Could not write {path}: {error.strerror}", severity="error", markup=False)
            return
        note = plain_note(self.services.stores.paths)
        self.notify(f"Exported to {path}{note}", timeout=10, markup=False)

    def make_screen(self, route: str, *args: Any, **kwargs: Any) -> Screen[Any]:
        """The screen of the route `route`, built with the services and `args` (to switch to
        it, or to push it with a callback)."""
        return routes.make(route, self.services, *args, **kwargs)


# Autosave: this long after typing pauses, and at least this often while typing goes on, so a
# crash or `kill -9` loses at most the last second of typing. A save holds up the app for about
# 20 ms (`make bench`, (e)) whatever the journal's size: drafts and worksheets have files of
# their own.
AUTOSAVE_SECONDS = 0.2
AUTOSAVE_MAX_SECONDS = 1.0
MIN_TIMER_SECONDS = 0.001


def autosave(owner: MessagePump, save: Callable[[], object]) -> Debounce:
    """The debounced save of what is being typed (editor, walkthrough); a screen makes its
    waiting autosaves before the app quits, exits on a signal or locks (`save_pending`)."""
    debounce = Debounce(owner, AUTOSAVE_SECONDS, save, max_wait=AUTOSAVE_MAX_SECONDS)
    if isinstance(owner, CompanionScreen):
        owner.debounced.append(debounce)
    return debounce


class Debounce:
    """Calls `callback` once calls to this object have paused for `delay` seconds (autosave
    while typing, preview while scrolling), and, if `max_wait` is given, at least that often
    while the calls go on without a pause (so that steady typing is saved too)."""

    def __init__(
        self,
        owner: MessagePump,
        delay: float,
        callback: Callable[[], object],
        *,
        max_wait: float | None = None,
    ) -> None:
        self._owner = owner
        self._delay = delay
        self._max_wait = max_wait
        self._callback = callback
        self._timer: Timer | None = None
        self._since = 0.0  # when the first call not yet made was asked for (monotonic)
        self._due = 0.0  # when the pending timer fires

    def __call__(self) -> None:
        now = time.monotonic()
        if self._timer is None:
            self._since = now
        due = now + self._delay
        if self._max_wait is not None:
            due = min(due, self._since + self._max_wait)
        if self._timer is not None and due <= self._due:
            return  # held at max_wait: restarting the timer would put the call off again
        self._stop_timer()
        self._due = due
        # Never 0: Textual's timer divides by its delay when it starts late (ZeroDivisionError
        # when the screen closes).
        self._timer = self._owner.set_timer(max(MIN_TIMER_SECONDS, due - now), self._fire)

    def _fire(self) -> None:
        self._timer = None
        self._callback()

    def flush(self) -> None:
        """Make the pending call now, if there is one."""
        if self.cancel():
            self._callback()

    def cancel(self) -> bool:
        """Forget a pending call; True if there was one."""
        pending = self._timer is not None
        self._stop_timer()
        return pending

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
