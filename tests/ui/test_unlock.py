"""An encrypted data folder in the app: the passphrase at start, a wrong one, and the lock
after idle minutes (driven by the fake clock)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from csa_companion.app import CompanionApp
from csa_companion.clock import FakeClock
from csa_companion.domain.journal import JournalEntry
from csa_companion.paths import DataPaths
from csa_companion.screens.data.unlock import UnlockScreen
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.journal.editor import EntryEditorScreen
from csa_companion.screens.journal.journal import JournalScreen
from csa_companion.storage.crypto import new_cipher, wrap
from csa_companion.storage.encryption import LOCK_SETTING, write_key
from csa_companion.storage.program_repos import CoachingRepo
from csa_companion.storage.repos import DraftRepo, JournalRepo, SettingsRepo
from csa_companion.storage.store import Store, Stores
from tests.conftest import START, AppFactory
from tests.helpers import journal_file
from tests.screen import screen_words
from tests.waiting import press_closing, wait_for, wait_for_screen

PASS = "correct horse battery"


def encrypted_with_entry(data_dir: Path, minutes: int | None = None) -> bytes:
    """An encrypted folder holding one entry; returns the journal file's bytes."""
    cipher = new_cipher()
    paths = DataPaths(data_dir)
    paths.ensure()
    write_key(paths, wrap(cipher, PASS))
    stores = Stores(paths, cipher=cipher)
    JournalRepo(stores["journal"]).add(JournalEntry.new("Pickup went well", START, title="Pickup"))
    if minutes is not None:
        SettingsRepo(stores["settings"]).set(LOCK_SETTING, minutes)
    return journal_file(data_dir).read_bytes()


async def test_the_app_asks_for_the_passphrase_and_a_wrong_one_changes_nothing(
    new_app: AppFactory, data_dir: Path
) -> None:
    before = encrypted_with_entry(data_dir)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, UnlockScreen)
        assert "Your data is encrypted." in screen_words(app)
        assert "Pickup" not in screen_words(app)
        await pilot.press("ctrl+p", "j")  # no palette, no journal over the lock
        assert isinstance(app.screen, UnlockScreen)
        app.screen.query_one(Input).value = ""
        await pilot.press(*"not it at all", "enter")
        await wait_for(lambda: "Wrong passphrase" in screen_words(app), "the wrong-passphrase note")
        assert "Wrong passphrase; nothing was changed. Try again." in screen_words(app)
        assert app.screen.query_one(Input).value == ""
        assert journal_file(data_dir).read_bytes() == before
        await pilot.press(*PASS, "enter")
        await wait_for_screen(pilot, HomeScreen)
        await wait_for(lambda: "Pickup" in screen_words(app), "the entry on Home")
        await pilot.press("j")  # a destination opens above Home, and going home closes it
        await wait_for_screen(pilot, JournalScreen)
        app.action_go("home")
        await wait_for_screen(pilot, HomeScreen)


async def test_the_app_locks_after_idle_minutes_and_clears_the_screen(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    encrypted_with_entry(data_dir, minutes=5)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, UnlockScreen)
        await pilot.press(*PASS, "enter")
        await wait_for(lambda: "Pickup" in screen_words(app), "the entry on Home")
        clock.advance(4 * 60)
        await pilot.press("down")  # someone is here: the idle time starts again
        clock.advance(4 * 60)
        app.lock_if_idle()  # what the timer calls every second: not yet
        assert not app.locked and isinstance(app.screen, HomeScreen)
        clock.advance(60)
        await wait_for_screen(pilot, UnlockScreen)  # the timer itself locks it
        words = screen_words(app)
        assert "Locked after 5 idle minutes." in words and "Pickup" not in words
        await pilot.press(*"wrong passphrase", "enter")
        await wait_for(lambda: "Wrong passphrase" in screen_words(app), "the wrong-passphrase note")
        await pilot.press(*PASS, "enter")
        await wait_for_screen(pilot, HomeScreen)
        assert "Pickup" in screen_words(app)


async def test_a_stored_lock_time_the_shell_would_refuse_locks_at_the_default(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    """lock-minutes = -5 (written by an older import --settings) meant never locking."""
    encrypted_with_entry(data_dir, minutes=-5)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, UnlockScreen)
        await pilot.press(*PASS, "enter")
        await wait_for(lambda: "Pickup" in screen_words(app), "the entry on Home")
        clock.advance(10 * 60)
        await wait_for_screen(pilot, UnlockScreen)
        assert "Locked after 10 idle minutes." in screen_words(app)


async def test_the_lock_hides_notifications_until_unlocked(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    """A toast naming a title stayed over the passphrase screen after the lock, and one raised
    while locked showed there too; now both wait until the passphrase is given."""
    encrypted_with_entry(data_dir, minutes=5)
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_screen(pilot, UnlockScreen)
        await pilot.press(*PASS, "enter")
        await wait_for(lambda: "Pickup" in screen_words(app), "the entry on Home")
        app.notify("Deleted “Secret title”. Press ctrl+z in Tools to undo.", timeout=60)
        await wait_for(lambda: "Secret title" in screen_words(app), "the toast")
        clock.advance(5 * 60)
        await wait_for_screen(pilot, UnlockScreen)
        app.notify("A background snapshot of your journal", timeout=60)
        await pilot.pause(0.5)
        words = screen_words(app)
        assert "Locked after 5 idle minutes." in words
        assert "Secret title" not in words and "background snapshot" not in words
        await pilot.press(*PASS, "enter")
        await wait_for_screen(pilot, HomeScreen)
        await wait_for(lambda: "background snapshot" in screen_words(app), "the held toast")


async def test_locking_saves_what_was_typed_first(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    encrypted_with_entry(data_dir, minutes=1)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await wait_for_screen(pilot, EntryEditorScreen)
        await pilot.press(*"Half a thought", "enter", *"typed just now")
        clock.advance(60)
        app.lock_if_idle()  # at once, before the autosave's own timer
        drafts = DraftRepo(app.services.stores["drafts"]).all()
        assert [d.body for d in drafts] == ["typed just now"]
        await wait_for_screen(pilot, UnlockScreen)
        assert "Half a thought" not in screen_words(app)
        await pilot.press(*PASS, "enter")
        await wait_for_screen(pilot, EntryEditorScreen)  # back where it was
        assert "typed just now" in screen_words(app)


def reopened(app: CompanionApp, data_dir: Path, name: str) -> Store:
    """The store `name` on `data_dir`, as the next start opens it (with the same key)."""
    return Stores(DataPaths(data_dir), cipher=app.services.stores.cipher)[name]


async def unlock(pilot: Pilot[None]) -> None:
    """Past the passphrase asked at start, on Home."""
    await wait_for_screen(pilot, UnlockScreen)
    await pilot.press(*PASS, "enter")
    await wait_for_screen(pilot, HomeScreen)


async def unlock_and_open_coaching(app: CompanionApp, pilot: Pilot[None]) -> None:
    """Past the passphrase, the coaching log's new-session dialog, open."""
    from csa_companion.screens.rhythm.coaching import CoachingScreen, NoteDialog

    await unlock(pilot)
    app.open("coaching")
    await wait_for_screen(pilot, CoachingScreen)
    await pilot.press("n")
    await wait_for_screen(pilot, NoteDialog)


async def test_ctrl_q_from_the_lock_screen_keeps_a_coaching_session_being_typed(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    """Quitting from the idle lock with the coaching dialog open lost what it held."""
    encrypted_with_entry(data_dir, minutes=1)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_and_open_coaching(app, pilot)
        await pilot.press("tab", "tab", *"We talked about pickup.", "tab", *"Ask the team")
        clock.advance(60)
        app.lock_if_idle()
        await wait_for_screen(pilot, UnlockScreen)
        await pilot.press("ctrl+q")
        await wait_for(lambda: not app.is_running, "the app to end", pilot)
    [note] = CoachingRepo(reopened(app, data_dir, "coaching")).all()
    assert note.notes == "We talked about pickup."
    assert [s.text for s in note.steps] == ["Ask the team"]


async def test_ctrl_q_asks_first_when_the_coaching_session_cannot_be_kept(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    """A date that does not read cannot be saved: the quit asks, and the text stays."""
    encrypted_with_entry(data_dir, minutes=1)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock_and_open_coaching(app, pilot)
        dialog = app.screen
        await pilot.press("ctrl+u", *"soon", "tab", "tab", *"Notes worth keeping")
        clock.advance(60)
        app.lock_if_idle()
        await wait_for_screen(pilot, UnlockScreen)
        await pilot.press("ctrl+q")
        await wait_for(lambda: "could not be saved" in screen_words(app), "the question", pilot)
        await press_closing(pilot, "escape")  # keep it open: back to the lock
        await pilot.press(*PASS, "enter")
        await wait_for(lambda: app.screen is dialog, "the dialog again", pilot)
        assert "Notes worth keeping" in screen_words(app)
    assert CoachingRepo(reopened(app, data_dir, "coaching")).all() == []


async def test_ctrl_q_keeps_the_line_typed_after_a_practice(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    """The line typed in "What did you notice?" was lost at ctrl+q (from the lock too)."""
    from csa_companion.screens.practice.practice import NoticeDialog
    from tests.ui.test_practice import open_setup, start

    encrypted_with_entry(data_dir, minutes=5)  # the one-minute practice ends well before
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_setup(pilot, "arrival")
        await start(pilot)
        clock.advance(60)
        await wait_for_screen(pilot, NoticeDialog)
        await pilot.press(*"My shoulders let go")
        clock.advance(5 * 60)
        app.lock_if_idle()
        await wait_for_screen(pilot, UnlockScreen)
        await pilot.press("ctrl+q")
        await wait_for(lambda: not app.is_running, "the app to end", pilot)
    bodies = [e.body for e in JournalRepo(reopened(app, data_dir, "journal")).all()]
    assert "My shoulders let go" in bodies


async def test_ctrl_q_from_the_lock_screen_keeps_a_title_being_typed_sealed(
    new_app: AppFactory, data_dir: Path, clock: FakeClock
) -> None:
    """A dialog's text kept over the quit from the idle lock is back after the passphrase at
    the next start, and was never written plain into the encrypted folder."""
    from tests.ui.test_tools import open_title_dialog

    encrypted_with_entry(data_dir, minutes=1)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_title_dialog(pilot, "iceberg")
        await pilot.press("ctrl+u", *"Zanzibar gate shoving")
        clock.advance(60)
        app.lock_if_idle()
        await wait_for_screen(pilot, UnlockScreen)
        await pilot.press("ctrl+q")
        await wait_for(lambda: not app.is_running, "the app to end", pilot)
    assert not [p for p in data_dir.rglob("*") if p.is_file() and b"Zanzibar" in p.read_bytes()]
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_title_dialog(pilot, "iceberg")
        assert app.screen.query_one(Input).value == "Zanzibar gate shoving"
