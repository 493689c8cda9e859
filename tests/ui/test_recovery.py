"""Nothing the user wrote is lost: a killed app, a damaged file, a broken content file."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from csa_companion.screens.home import HomeScreen
from csa_companion.screens.journal.editor import EntryEditorScreen
from csa_companion.screens.journal.journal import JournalScreen
from csa_companion.storage.fileformat import decode, encode
from csa_companion.storage.repos import DraftRepo
from csa_companion.storage.store import Store
from tests.conftest import AppFactory
from tests.helpers import another_process, journal_file, read_only, seed_journal
from tests.screen import screen_text
from tests.waiting import press_closing, wait_for, wait_for_screen

TYPIST = """
import asyncio, sys
from pathlib import Path
from csa_companion.cli import make_app
from csa_companion.paths import bundled_content_dir
from csa_companion.storage.repos import DraftRepo
from csa_companion.storage.store import Store

async def main() -> None:
    data = Path(sys.argv[1])
    app = make_app(data_dir=data, content_dirs=[bundled_content_dir()])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.press("tab", *"Half a thought about pickup")  # past the title
        drafts = DraftRepo(Store(data / "drafts.json"))
        for _ in range(500):
            drafts.store.refresh()
            mine = [d for d in drafts.all() if d.body.startswith("Half")]
            if mine and mine[0].body.endswith("pickup"):
                break
            await pilot.pause(0.02)
        await pilot.press(*" and more typing")
        print("typing", flush=True)
        await asyncio.sleep(60)

asyncio.run(main())
"""


async def test_draft_survives_a_killed_app(new_app: AppFactory, data_dir: Path) -> None:
    with another_process(TYPIST, data_dir, ready="typing"):
        pass  # killed mid-typing: what was typed before the last pause must be kept

    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, HomeScreen)
        assert "Unsaved draft “Half a thought about" in screen_text(app)
        await pilot.press("d")
        await wait_for_screen(pilot, EntryEditorScreen)
        assert app.screen.query_one("#body").text.startswith(  # type: ignore[attr-defined]
            "Half a thought about pickup"
        )
        assert "Draft restored." in screen_text(app)


async def test_two_windows_keep_two_drafts(new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await wait_for_screen(pilot, EntryEditorScreen)
        await pilot.press("tab", *"Second window")
        with another_process(TYPIST, data_dir, ready="typing"):

            def both_kept() -> bool:
                app.services.stores.refresh()
                bodies = {d.body for d in app.services.drafts.all()}
                return "Second window" in bodies and any(b.startswith("Half") for b in bodies)

            await wait_for(both_kept, "both windows' drafts in the store", pilot)


async def test_new_entry_offers_the_waiting_draft(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "tab", *"Unfinished")
        await wait_for(lambda: app.services.drafts.all() != [], "the draft to be autosaved", pilot)
    again = new_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await wait_for(lambda: "Resume it" in screen_text(again), "the draft question", pilot)
        await pilot.press("enter")  # Resume draft
        await wait_for_screen(pilot, EntryEditorScreen)
        assert again.screen.query_one("#body").text == "Unfinished"  # type: ignore[attr-defined]


async def test_corrupted_journal_opens_with_recovered_data(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_journal(data_dir, ("Safe entry", "in the backup", ()), ("Newest", "lost half", ()))
    journal = journal_file(data_dir)  # the month's file
    journal.write_bytes(journal.read_bytes()[:-40])  # a write cut short
    app = new_app()
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await wait_for(lambda: "was damaged" in screen_text(app), "the recovery notice", pilot)
        assert "Safe entry" in screen_text(app)
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        assert "Safe entry" in screen_text(app)
    aside = list(journal.parent.glob(f"{journal.name}.damaged-*"))
    assert len(aside) == 1 and aside[0].stat().st_size > 0


async def test_broken_content_file_is_skipped_with_a_notice(
    new_app: AppFactory, tmp_path: Path
) -> None:
    extra = tmp_path / "my-content"
    extra.mkdir()
    (extra / "broken.md").write_text('+++\nid = "broken"\nkind = "tool"\n+++\nBody\n')
    from csa_companion.paths import bundled_content_dir

    app = new_app(content_dirs=[bundled_content_dir(), extra])
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await wait_for(lambda: "broken.md" in screen_text(app), "the content notice", pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.services.library.get("iceberg") is not None


async def test_an_unreadable_entry_is_named_and_the_others_are_listed(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_journal(data_dir, ("Readable entry", "kept", ()))
    journal = journal_file(data_dir)  # the month's file
    _, tables = decode(journal.read_bytes())
    tables["journal"]["2"] = {"uid": "odd", "body": "lost?", "created": "last Tuesday"}
    journal.write_bytes(encode(tables, schema=1))
    app = new_app()
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await pilot.press("j")
        await wait_for_screen(pilot, JournalScreen)
        await wait_for(lambda: "journal #2" in screen_text(app), "the notice", pilot)
        assert "Readable entry" in screen_text(app)


SIGNALLED_TYPIST = """
import asyncio, sys
from pathlib import Path
from csa_companion.cli import make_app
from csa_companion.paths import bundled_content_dir
from csa_companion.screens import base

# No autosave before the signal arrives: only the signal's own save can keep the text.
base.AUTOSAVE_SECONDS = base.AUTOSAVE_MAX_SECONDS = 600

async def main() -> int:
    app = make_app(data_dir=Path(sys.argv[1]), content_dirs=[bundled_content_dir()])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.press("tab", *"The last words before the window closed")  # the body
        print("typed", flush=True)
        for _ in range(1200):
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
    return app.return_code or 0

sys.exit(asyncio.run(main()))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
async def test_a_terminated_or_hung_up_app_saves_the_draft_before_exiting(
    new_app: AppFactory, data_dir: Path, signum: int
) -> None:
    with another_process(SIGNALLED_TYPIST, data_dir, ready="typed") as typist:
        typist.send_signal(signum)
        assert typist.wait(timeout=60) == 128 + signum  # it exited by itself, as signalled
    bodies = [d.body for d in DraftRepo(Store(data_dir / "drafts.json")).all()]
    assert bodies == ["The last words before the window closed"]


async def test_steady_typing_is_saved_without_waiting_for_a_pause(
    new_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csa_companion.screens import base

    monkeypatch.setattr(base, "AUTOSAVE_SECONDS", 600.0)  # no pause is ever long enough
    monkeypatch.setattr(base, "AUTOSAVE_MAX_SECONDS", 0.5)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await wait_for_screen(pilot, EntryEditorScreen)
        await pilot.press("tab")  # from the title to the body
        typed = ""
        for word in ("steady", "typing", "never", "pauses", "for", "long") * 10:
            await pilot.press(*word, "space")
            typed += word + " "
            if app.services.drafts.all():
                break
        [draft] = app.services.drafts.all()
        assert typed.startswith(draft.body) and draft.body
        assert isinstance(app.screen, EntryEditorScreen)  # saved while still typing


async def test_a_signal_saves_a_worksheet_answer_still_waiting_for_its_autosave(
    new_app: AppFactory, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csa_companion.screens import base
    from csa_companion.screens.tools.walkthrough import WalkthroughScreen
    from tests.ui.test_tools import start_worksheet, worksheets_at

    monkeypatch.setattr(base, "AUTOSAVE_SECONDS", 600.0)
    monkeypatch.setattr(base, "AUTOSAVE_MAX_SECONDS", 600.0)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
        await pilot.press(*"An answer typed just now")
        stored = [w.answers for w in worksheets_at(data_dir).all()]  # none: nothing saved yet
        assert not any("An answer typed just now" in answers.values() for answers in stored)
        app.exit_on_signal(signal.SIGTERM)
        assert app.return_code == 128 + signal.SIGTERM
        [after] = worksheets_at(data_dir).all()  # saved before the app began to exit
        assert "An answer typed just now" in after.answers.values()


async def test_a_read_only_folder_is_read_and_what_is_typed_stays_on_screen(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_journal(data_dir, ("Readable entry", "kept", ()))
    from csa_companion.paths import DataPaths
    from csa_companion.storage.store import Stores

    Stores(DataPaths(data_dir))["drafts"]  # every store file exists, as after any session
    with read_only(data_dir):
        app = new_app()
        async with app.run_test(size=(100, 32), notifications=True) as pilot:
            await wait_for(lambda: "is read-only" in screen_text(app), "the notice", pilot)
            await pilot.press("j")
            await wait_for_screen(pilot, JournalScreen)
            assert "Readable entry" in screen_text(app)
            app.clear_notifications()
            await pilot.press("n")
            await wait_for_screen(pilot, EntryEditorScreen)
            await pilot.press("tab", *"Words with nowhere to go")  # the body
            await wait_for(lambda: "Not saved" in screen_text(app), "the failed autosave", pilot)
            await pilot.press("ctrl+s")
            await pilot.press("escape")  # the text cannot be kept: the editor stays
            await wait_for(
                lambda: "could not be kept as a draft" in screen_text(app), "the warning", pilot
            )
            editor = app.screen
            assert isinstance(editor, EntryEditorScreen)
            assert editor.body_input.text == "Words with nowhere to go"
            assert screen_text(app).count("Nothing can be saved") == 1  # said once, not per pause
            await press_closing(pilot, "escape")  # a second escape leaves
            assert isinstance(app.screen, JournalScreen)


def every_store_file(data_dir: Path) -> None:
    """Create every store file, as any session leaves them (a read-only test then has them)."""
    from csa_companion.paths import DataPaths
    from csa_companion.storage.store import Stores

    stores = Stores(DataPaths(data_dir))
    for name in Stores.NAMES:
        stores[name]


async def test_in_a_read_only_folder_a_walkthrough_keeps_its_answers_on_screen(
    new_app: AppFactory, data_dir: Path
) -> None:
    from csa_companion.screens.tools.walkthrough import WalkthroughScreen
    from tests.ui.test_tools import start_worksheet

    every_store_file(data_dir)
    with read_only(data_dir):
        app = new_app()
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            walk = await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
            assert isinstance(walk, WalkthroughScreen)
            await pilot.press(*"An answer with nowhere to go")
            await pilot.press("escape")
            await wait_for(
                lambda: "Your answers could not be saved" in screen_text(app), "the warning", pilot
            )
            assert walk.answer_box.text == "An answer with nowhere to go"
            assert app.screen is walk
            await press_closing(pilot, "escape")  # a second escape leaves
            assert app.screen is not walk


async def test_in_a_read_only_folder_ctrl_q_asks_before_losing_what_the_editor_holds(
    new_app: AppFactory, data_dir: Path
) -> None:
    from csa_companion.paths import DataPaths
    from csa_companion.screens.dialogs import Choice
    from csa_companion.storage.store import Stores
    from tests.ui.test_palette import run

    Stores(DataPaths(data_dir))["drafts"]  # every store file exists, as after any session
    with read_only(data_dir):
        app = new_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("j")
            await wait_for_screen(pilot, JournalScreen)
            await pilot.press("n")
            await wait_for_screen(pilot, EntryEditorScreen)
            editor = app.screen
            assert isinstance(editor, EntryEditorScreen)
            await pilot.press("tab", *"Words with nowhere to go")  # the body
            await pilot.press("ctrl+q")
            await wait_for_screen(pilot, Choice)
            assert "could not be saved" in screen_text(app)
            assert "Quit anyway" in screen_text(app)
            await press_closing(pilot, "escape")  # keep it open
            assert editor.body_input.text == "Words with nowhere to go"
            assert app.is_running and app.screen is editor

            await run(pilot, "Quit")  # the palette's Quit asks too
            await wait_for_screen(pilot, Choice)
            await pilot.press("ctrl+q")  # a second ctrl+q quits
            await wait_for(lambda: not app.is_running, "the app to end", pilot)


async def test_in_a_read_only_folder_ctrl_q_asks_before_losing_a_walkthroughs_answers(
    new_app: AppFactory, data_dir: Path
) -> None:
    from csa_companion.screens.dialogs import Choice
    from csa_companion.screens.tools.walkthrough import WalkthroughScreen
    from tests.ui.test_tools import start_worksheet

    every_store_file(data_dir)
    with read_only(data_dir):
        app = new_app()
        async with app.run_test(size=(80, 24)) as pilot:
            walk = await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
            await pilot.press("ctrl+q")  # nothing typed yet: nothing to lose, it quits
            await wait_for(lambda: not app.is_running, "the app to end", pilot)

        app = new_app()
        async with app.run_test(size=(80, 24)) as pilot:
            walk = await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
            assert isinstance(walk, WalkthroughScreen)
            await pilot.press(*"An answer with nowhere to go")
            await pilot.press("ctrl+q")
            await wait_for_screen(pilot, Choice)
            assert "could not be saved" in screen_text(app)
            assert walk.answer_box.text == "An answer with nowhere to go"
            await pilot.click("#quit")  # "Quit anyway"
            await wait_for(lambda: not app.is_running, "the app to end", pilot)


async def test_in_a_read_only_folder_ctrl_q_asks_before_losing_a_title_being_typed(
    new_app: AppFactory, data_dir: Path
) -> None:
    """A dialog's text that cannot be kept over the quit is not dropped without a word."""
    from textual.widgets import Input

    from csa_companion.screens.dialogs import Choice
    from tests.ui.test_tools import open_title_dialog

    every_store_file(data_dir)
    with read_only(data_dir):
        app = new_app()
        async with app.run_test(size=(80, 24)) as pilot:
            dialog = await open_title_dialog(pilot, "iceberg")
            await pilot.press("ctrl+u", *"Pickup shoving", "ctrl+q")
            await wait_for_screen(pilot, Choice)
            assert "could not be saved" in screen_text(app)
            await press_closing(pilot, "escape")  # keep it open
            assert app.screen is dialog
            assert dialog.query_one(Input).value == "Pickup shoving"
