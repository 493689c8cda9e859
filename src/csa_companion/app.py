"""The Textual app: screens, global keys, themes, notices and keeping up with other processes."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, ScreenStackError
from textual.binding import Binding
from textual.command import Provider
from textual.content import Content
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widget import AwaitMount

from csa_companion.clock import Clock
from csa_companion.content.library import Library
from csa_companion.domain.role import ROLE_SETTING, role_label, saved_role
from csa_companion.domain.wording import plural
from csa_companion.platforms import (
    install_exit_signals,
    plain_driver,
    wants_plain_glyphs,
    watch_terminal,
)
from csa_companion.screens import routes
from csa_companion.screens.base import CompanionScreen, KeepsTyped
from csa_companion.screens.home import HomeScreen
from csa_companion.services import PresentTarget, Services
from csa_companion.storage.crypto import Cipher, KeyRecord
from csa_companion.storage.encryption import DEFAULT_LOCK_MINUTES, LOCK_SETTING, lock_problem
from csa_companion.storage.safe_storage import StoreError
from csa_companion.storage.store import Stores
from csa_companion.widgets.markup import valid_markup
from csa_companion.widgets.themes import ANSI_LIGHT, DARK, HIGH_CONTRAST, LIGHT, THEMES, saved_theme

if TYPE_CHECKING:
    from csa_companion.storage.inbox import PresentationSink

IDLE_CHECK_SECONDS = 1.0
ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
"""What counts as someone using the app (the idle lock's clock starts again)."""
HELD_CHECK_SECONDS = 0.3
"""How soon a notification held while a dialog was open shows once it has closed."""
SCREENSHOT_DELAY = 0.1  # seconds for the palette to close, so it is not in the picture


def _commands() -> type[Provider]:
    """The palette's commands, imported when the palette first opens (not at start)."""
    from csa_companion.screens.commands import CompanionCommands

    return CompanionCommands


class CompanionApp(App[None]):
    """csa-companion. Build it with `cli.make_app`."""

    TITLE = "csa-companion"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = {_commands}  # and not Textual's own (see screens/commands.py)
    SUSPENDED_SCREEN_CLASS = "-suspended"
    """On a screen under a dialog: its focused field is not framed (app.tcss)."""
    BINDINGS: ClassVar = [
        Binding("f1,question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        *,
        stores: Stores,
        library: Library,
        clock: Clock,
        refresh_seconds: float = 2.0,
        present: PresentTarget | None = None,
        blank: Stores | None = None,
        check_command: str = "csa-companion content check",
        daily_backup: bool = False,
        key_record: KeyRecord | None = None,
        sink: PresentationSink | None = None,
        ask_role: bool = False,
    ) -> None:
        """`present` makes a presentation: personal repositories then sit on `blank`, an
        empty throwaway store (see Services.for_presenting). `key_record`: the data folder is
        encrypted; unless `stores` already has the key, the app asks for the passphrase
        before it opens anything, except a presentation, which is given a `sink` instead:
        what it saves is sealed for the owner (storage/inbox.py)."""
        super().__init__()
        self.present = present
        self.ask_role = ask_role and present is None
        """Ask the person's role at start when it has never been chosen (the real app)."""
        if present is not None:
            assert blank is not None, "a presentation needs a blank store"
            self.add_class("-presenting")
        self._stores, self._blank, self._library, self._clock = stores, blank, library, clock
        self.key_record = key_record
        self._sink = sink
        self.locked = key_record is not None and stores.cipher is None and present is None
        """Encrypted and not unlocked yet (or locked after idle minutes): nothing is shown."""
        self._last_input = clock.monotonic()
        self._root_depth = 1  # where Home sits in the screen stack
        self.refresh_seconds = refresh_seconds
        self.daily_backup = daily_backup and present is None
        """Take the day's snapshot once the first frame is up (see transfer/snapshots.py)."""
        self.check_command = check_command
        """The shell command that checks the content this app loaded (named in notices)."""
        self._told_read_only = False
        self._quit_asked = False  # the next ctrl+q quits even with unsaved text
        self._stop_watching: Callable[[], None] = lambda: None  # the terminal's hang-up
        self._store_trouble = ""  # what the last poll of the stores could not do, as told
        self._held: list[tuple[str, str, SeverityLevel, float | None, bool]] = []
        """Notifications raised while a dialog was open (see `notify`)."""
        for theme in (DARK, LIGHT, HIGH_CONTRAST):
            self.register_theme(theme)
        self.set_reactive(CompanionApp.ansi_theme_light, ANSI_LIGHT)
        self._set_theme(saved_theme(None))  # until the settings are read (after unlocking)
        for name in list(self.available_themes):  # only ours in any theme list
            if name not in THEMES.values():
                self.unregister_theme(name)
        if not self.locked:
            self._build_services()

    def _build_services(self) -> None:
        """Open the stores (on an encrypted folder, once the passphrase opened the key)."""
        stores, library, clock = self._stores, self._library, self._clock
        if self.present is not None:
            assert self._blank is not None
            self.services = Services.for_presenting(stores, self._blank, library, clock, self._sink)
        else:
            self.services = Services.build(stores, library, clock)
        saved = self.services.settings.get(self._theme_key)
        if self.present is not None and saved is None:
            self._set_theme(HIGH_CONTRAST.name)  # readable from the back of a room
        else:
            self._set_theme(saved_theme(saved))

    def _set_theme(self, name: str) -> None:
        """Set the theme; before the app runs, without Textual's watcher, which would queue
        a second parse of the whole stylesheet and a restyle of every widget on Home."""
        if self.is_running:
            self.theme = name
            return
        self.set_reactive(App.theme, name)
        dark = self.current_theme.dark
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        self.update_classes(
            {**classes, f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark},
            update=False,
        )
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's text: Textual dims the sub-title, which then reads at 4.4:1 in Light."""
        return Content(f"{title} — {sub_title}" if sub_title else title)

    @property
    def _theme_key(self) -> str:
        """Presentations remember their own theme, apart from the personal one."""
        return "present-theme" if self.present is not None else "theme"

    def get_default_screen(self) -> Screen[None]:
        """Home is the bottom of the screen stack (a presentation has its own root); an
        encrypted folder starts on a blank screen under the passphrase screen."""
        if self.locked:
            return Screen()
        if self.present is not None:
            from csa_companion.screens.present.present import PresentRoot

            return PresentRoot(self.services, self.present)
        return HomeScreen(self.services)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A shared screen shows no notifications, except errors (a save that failed).

        A notification never covers a dialog or a picker: raised while one is open, it waits
        and shows once the dialog has closed (a dialog's own messages go into the dialog: see
        dialogs.SaysInPlace)."""
        if self.present is not None and severity != "error":
            return
        if markup and not valid_markup(message):
            markup = False  # text with brackets of its own: shown as it is, never a traceback
        if self.locked or self._open_dialog() is not None:
            self._held.append((message, title, severity, timeout, markup))
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _open_dialog(self) -> ModalScreen[object] | None:
        """The dialog or picker on top (the palette and help too), if one is open."""
        try:
            screen = self.screen
        except ScreenStackError:
            return None
        return screen if isinstance(screen, ModalScreen) else None

    def _show_held(self) -> None:
        """Notifications that waited for a dialog to close, once it has."""
        if self._held and not self.locked and self._open_dialog() is None:
            held, self._held = self._held, []
            for message, title, severity, timeout, markup in held:
                super().notify(
                    message, title=title, severity=severity, timeout=timeout, markup=markup
                )

    def on_ready(self) -> None:
        """The first frame is up: move everything made so far out of the collector's way
        (a full collection over a 5,000-entry journal otherwise stalls typing for ~80 ms)."""
        gc.freeze()
        gc.enable()
        if not self.locked:
            self._daily_backup()

    def _daily_backup(self) -> None:
        if self.daily_backup:
            from csa_companion.transfer.snapshots import daily_in_background

            stores = self.services.stores
            daily_in_background(
                stores.paths, self.services.clock.now(), self._report_from_thread, stores.cipher
            )

    def _report_from_thread(self, message: str) -> None:
        with contextlib.suppress(RuntimeError):  # the app has already closed
            self.call_from_thread(
                self.notify, message, severity="warning", timeout=15, markup=False
            )

    def on_mount(self) -> None:
        self.set_interval(HELD_CHECK_SECONDS, self._show_held)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self._handle_exit_signals(install=True)
        if self.locked:
            self._ask_passphrase("Your data is encrypted.", self._unlocked_at_start)
            return
        self._started()

    def _started(self) -> None:
        self.show_notices()
        if self.ask_role and saved_role(self.services.settings.get(ROLE_SETTING)) is None:
            self.action_choose_role(first=True)
        self.set_interval(self.refresh_seconds, self.poll_store)
        if self.key_record is not None:
            self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)

    def action_choose_role(self, first: bool = False) -> None:
        """Ask which role is closest to the person's own (the tools' examples follow it)."""
        from csa_companion.screens.dialogs import RoleDialog

        current = saved_role(self.services.settings.get(ROLE_SETTING))

        def chosen(role: str | None) -> None:
            if role is None:  # decided later: asked again at the next start
                return
            try:
                self.services.settings.set(ROLE_SETTING, role)
            except StoreError as error:
                self.notify(
                    f"Your role could not be saved: {error}", severity="error", markup=False
                )
                return
            refresh = getattr(self.screen, "show_hint", None)
            if callable(refresh):
                refresh()
            if not first or role:
                self.notify(f"Your role: {role_label(role)}. Examples follow it where they can.")

        self.push_screen(RoleDialog(current), chosen)

    # -- encryption: unlocking, and locking when idle ---------------------------------------

    def _ask_passphrase(self, reason: str, then: Callable[[Cipher | None], None]) -> None:
        from csa_companion.screens.data.unlock import UnlockScreen

        assert self.key_record is not None
        self.push_screen(UnlockScreen(self.key_record, reason), then)

    def _unlocked_at_start(self, cipher: Cipher | None) -> None:
        """The passphrase opened the key: open the stores and show Home."""
        self._stores.cipher = cipher
        try:
            self._build_services()
        except StoreError as error:
            self.exit(return_code=1, message=str(error))
            return
        self._join_inbox()
        self.locked = False
        self._last_input = self._clock.monotonic()
        # The passphrase screen is still on the stack while its callback runs: Home replaces
        # the blank screen once it has gone.
        self.call_later(self._open_root)

    def _open_root(self) -> None:
        # Home goes on top of the blank screen (Textual cannot switch away from the bottom
        # screen), which stays under it: "above Home" now starts one screen higher.
        self._root_depth = 2
        self.push_screen(self.get_default_screen())
        self._started()
        self._daily_backup()

    @property
    def lock_minutes(self) -> float:
        """Idle minutes before the app locks (a setting; 0 never locks)."""
        value = self.services.settings.get(LOCK_SETTING)
        return DEFAULT_LOCK_MINUTES if lock_problem(value) else float(value)

    def lock_if_idle(self) -> None:
        """Lock once nobody has typed or clicked for the set minutes (a presentation, or a
        running practice, which nobody touches on purpose, stays open)."""
        if self.locked or self.key_record is None or self.present is not None:
            return
        if getattr(self.screen, "KEEPS_AWAKE", False):
            self._last_input = self._clock.monotonic()
            return
        minutes = self.lock_minutes
        if minutes > 0 and self._clock.monotonic() - self._last_input >= minutes * 60:
            self.lock()

    def lock(self) -> None:
        """Save what is waiting, hide everything and ask for the passphrase again."""
        for screen in self.screen_stack:
            if isinstance(screen, CompanionScreen):
                screen.save_pending()
        self.locked = True  # notifications wait for the passphrase (see notify)
        self.clear_notifications()  # none on screen names a title over the lock
        minutes = f"{self.lock_minutes:g}"
        self._ask_passphrase(
            f"Locked after {minutes} idle minute{'' if minutes == '1' else 's'}.", self._unlocked
        )

    def _unlocked(self, cipher: Cipher | None) -> None:
        self.locked = False
        self._last_input = self._clock.monotonic()
        self._join_inbox()
        self.show_notices()

    def _join_inbox(self, *, unlocking: bool = True) -> bool:
        """What presentations saved while the data was locked joins it (storage/inbox.py;
        an unlock also makes the inbox's key pair if the folder has none); True if anything
        arrived."""
        stores = self.services.stores
        if self.present is not None or stores.cipher is None:
            return False
        from csa_companion.storage.inbox import join_inbox, pending  # only when encrypted

        if not unlocking and (self.locked or not pending(stores.paths)):
            return False
        notices = join_inbox(stores)
        for notice in notices:  # not "Your data was recovered": nothing was damaged
            self.notify(
                notice, title="From a presentation", severity="warning", timeout=30, markup=False
            )
        return bool(notices)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While locked, only quitting works (no help, palette or navigation over the lock)."""
        if getattr(self, "locked", False) and action != "quit":  # (also asked during __init__)
            return False
        return super().check_action(action, parameters)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY):
            self._last_input = self._clock.monotonic()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self._handle_exit_signals(install=False)

    # -- signals ----------------------------------------------------------------------------

    def _handle_exit_signals(self, *, install: bool) -> None:
        """SIGTERM (`kill`) and SIGHUP (the terminal was closed) would end the process at once,
        losing what was typed since the last autosave: they save it first, then exit. On
        Windows, Ctrl+Break (SIGBREAK) does (platforms.install_exit_signals). A terminal that
        hangs up without a SIGHUP reaching the app does the same (platforms.watch_terminal)."""
        loop = asyncio.get_running_loop()
        install_exit_signals(loop, self.exit_on_signal, install=install)
        if install and not (self.is_headless or self.is_web) and sys.__stdin__ is not None:

            def hung_up() -> None:  # in the watching thread
                with contextlib.suppress(RuntimeError):  # the loop has already closed
                    loop.call_soon_threadsafe(self.exit_on_signal, signal.SIGHUP)

            self._stop_watching = watch_terminal(sys.__stdin__.fileno(), hung_up)
        elif not install:
            self._stop_watching()

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; in an older Windows console, one that draws
        only the glyphs its fonts have (platforms.wants_plain_glyphs)."""
        driver: type[Driver] = super().get_driver_class()
        if wants_plain_glyphs(os.environ):
            driver = plain_driver(driver)
        return driver

    def exit_on_signal(self, signum: int) -> None:
        """Save every pending draft and worksheet, and what is typed in a dialog, now; then
        exit as a signalled process does."""
        for screen in self.screen_stack:
            if isinstance(screen, KeepsTyped):
                screen.save_pending()
        self.exit(return_code=128 + signum)

    # -- notices and other processes --------------------------------------------------------

    def show_notices(self) -> None:
        """Tell the user about recovered files and skipped content."""
        if self.present is not None:
            return
        stores = self.services.stores
        for notice in stores.take_notices():
            self.notify(
                notice,
                title="Your data was recovered",
                severity="warning",
                timeout=30,
                markup=False,
            )
        if stores.read_only and not self._told_read_only:
            self._told_read_only = True
            self.notify(
                f"Your data folder {stores.paths.root} is read-only: you can read everything, "
                "but nothing can be saved, not even drafts. What you type stays on screen "
                "until you close it.",
                title="Read-only",
                severity="warning",
                timeout=30,
                markup=False,
            )
        library = self.services.library
        if library.skipped:
            names = ", ".join(path.name for path in library.skipped)
            first = library.problems[0] if library.problems else None
            self.notify(
                f"Skipped {plural(len(library.skipped), 'broken content file')}: {names}."
                + (f" First problem: line {first.line}: {first.message}." if first else "")
                + f" Run `{self.check_command}` for the full list.",
                title="Content problem",
                severity="warning",
                timeout=30,
                markup=False,
            )
            library.skipped = []

    def poll_store(self) -> None:
        """Pick up changes other processes made (e.g. `journal add` in another terminal)."""
        if not self.is_running:
            # Closing: screens are losing their widgets, and a reload would fail on them
            # (a traceback at quit when a change arrived just then, such as the day's snapshot).
            return
        try:
            changed = self.services.stores.refresh()
            # A presentation in another window, while this one is unlocked, saves to the inbox.
            changed = self._join_inbox(unlocking=False) or changed
        except StoreError as error:
            if str(error) != self._store_trouble:  # told once, not at every poll
                self._store_trouble = str(error)
                self.notify(str(error), severity="error", timeout=15, markup=False)
            return
        self._store_trouble = ""
        self.show_notices()
        if changed:
            for screen in self.screen_stack:
                # A screen still being composed shows fresh data when it mounts.
                if isinstance(screen, CompanionScreen) and screen.is_mounted:
                    screen.reload()

    def on_app_focus(self) -> None:
        self.poll_store()

    # -- navigation -------------------------------------------------------------------------

    def action_go(self, destination: str) -> None:
        """Open a destination on top of Home (closing whatever was open above Home)."""
        if destination != "home" and destination not in routes.GO:
            # The one place a destination without its screen yet says so (Home lists it).
            self.notify(f"{destination.title()} arrives in a coming version.", severity="warning")
            return
        if destination == "home":
            self._close_above_home()
        else:
            self.open_above_home(routes.make(destination, self.services))

    def open(self, route: str, *args: Any, **kwargs: Any) -> None:
        """Open the route `route` (screens/routes.py) on top of the current screen: a screen is
        pushed; a function is called with the top-most of our screens (a dialog or the palette
        may be above it)."""
        opener = routes.target(route)
        if routes.is_screen(opener):
            self.push_screen(opener(self.services, *args, **kwargs))
            return
        screen = next(
            (s for s in reversed(self.screen_stack) if isinstance(s, CompanionScreen)), None
        )
        assert screen is not None, f"no screen to open {route!r} from"
        opener(screen, *args, **kwargs)

    def open_above_home(self, screen: Screen[None]) -> AwaitMount:
        """Show `screen` right above Home, closing whatever was open."""
        self._close_above_home()
        return self.push_screen(screen)

    def _close_above_home(self) -> None:
        while len(self.screen_stack) > self._root_depth:
            self.pop_screen()

    async def action_quit(self) -> None:
        """Quit, keeping what is typed on every screen and dialog (also from the lock screen);
        but when some of it could not be saved (a read-only data folder), ask first, as escape
        does: a second ctrl+q, or "Quit anyway", quits."""
        unsaved = [
            screen
            for screen in self.screen_stack
            if isinstance(screen, KeepsTyped) and not screen.keep_typed()
        ]
        if not unsaved or self._quit_asked:
            self.exit()
            return
        from csa_companion.screens.dialogs import Choice

        def answer(choice: str | None) -> None:
            self._quit_asked = False
            if choice == "quit":
                self.exit()

        self._quit_asked = True
        self.clear_notifications()  # toasts sit above dialogs: the question must be readable
        self.push_screen(
            Choice(
                "What you typed could not be saved: it is only on screen, and quitting loses "
                "it. Copy it somewhere first, or quit anyway (ctrl+q again).",
                [("stay", "Keep it open"), ("quit", "Quit anyway")],
                cancel_id="stay",
            ),
            answer,
        )

    def action_help(self) -> None:
        from csa_companion.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def screenshot(self) -> None:
        """Save an SVG of the screen in the data folder, once the palette has closed."""
        self.set_timer(SCREENSHOT_DELAY, self._save_screenshot)

    def _save_screenshot(self) -> None:
        from csa_companion.screens.commands import screenshot_path
        from csa_companion.storage.private_files import write_private

        stamp = f"{self.services.clock.now():%Y-%m-%d-%H%M%S}"
        path = screenshot_path(self.services.stores.paths.root, stamp)
        try:
            write_private(path, self.export_screenshot())
        except OSError as error:
            self.notify(
                f"Could not save the screenshot to {path}: {error.strerror or error}", markup=False
            )
            return
        self.notify(f"Screenshot saved to {path}", title="Screenshot", timeout=15, markup=False)

    # -- themes -----------------------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        self.theme = name

    def _remember_theme(self, theme: Theme) -> None:
        if self.services.settings.get(self._theme_key) == theme.name:
            return  # set from the settings (after unlocking): nothing to write
        try:
            self.services.settings.set(self._theme_key, theme.name)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
