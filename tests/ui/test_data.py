"""The Data screen (export, import, snapshots, progress) and Shared with me, at 80x24."""

from __future__ import annotations

import threading
from pathlib import Path

import orjson
import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, ProgressBar

from csa_companion.paths import DataPaths
from csa_companion.screens.data import data as data_screen
from csa_companion.screens.data.data import DataScreen
from csa_companion.screens.data.shared import ShareDialog, SharedItemScreen, SharedScreen
from csa_companion.screens.dialogs import Ask, Choice, Pick
from csa_companion.storage.store import Stores
from csa_companion.transfer import snapshots as backup
from csa_companion.transfer.actions import PLAIN_NOTE, human_size
from csa_companion.transfer.bundles import ShelfRepo
from csa_companion.transfer.records import Progress
from csa_companion.widgets.checklist import CheckList
from tests.conftest import START, AppFactory
from tests.helpers import journal_at
from tests.screen import screen_text, screen_words
from tests.transfer_data import old_journal, sam_shares, seed_everything
from tests.ui.test_palette import run as run_command
from tests.waiting import press_closing, wait_for, wait_for_screen

SIZE = (80, 24)
JRNL = Path(__file__).parent.parent / "data" / "jrnl-export.json"


async def open_data(pilot: Pilot[None]) -> DataScreen:
    await run_command(pilot, "Go to Data")
    await wait_for_screen(pilot, DataScreen)
    screen = pilot.app.screen
    assert isinstance(screen, DataScreen)
    return screen


async def finished(pilot: Pilot[None], screen: DataScreen) -> str:
    await wait_for(lambda: not screen.busy, "the data action to finish", pilot)
    await pilot.pause()
    return screen.last_message


async def test_data_screen_shows_where_and_how_big(new_app: AppFactory, data_dir: Path) -> None:
    seed_everything(data_dir)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_data(pilot)
        words = screen_words(app)
        assert f"Data folder {data_dir}" in words
        assert "KB in" in words and "files" in words
        assert "Last snapshot none yet · 0 snapshots kept of 10" in words
        for action in ("Export everything (JSON)", "Restore a snapshot", "Shared with me"):
            assert action in words


async def test_the_data_folders_size_counts_a_snapshots_linked_files_once(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_everything(data_dir)
    size, _ = data_screen.folder_size(data_dir)
    backup.take(Stores(DataPaths(data_dir)), START)  # parts: the store files, linked
    grown, _ = data_screen.folder_size(data_dir)
    assert grown - size < size / 4  # the manifest, and no second copy counted
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_data(pilot)
        assert f"Size {human_size(grown)} in" in screen_words(app)


async def test_export_and_snapshot_from_the_data_screen(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_everything(data_dir)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_data(pilot)
        await pilot.press("e")
        message = await finished(pilot, screen)
        [export] = (data_dir / "exports").glob("csa-companion-*.json")
        assert message == f"exported 24 records to {export} ({PLAIN_NOTE})"
        assert orjson.loads(export.read_bytes())["count"] == 24
        assert "Exported 24 records" in screen_words(app)
        await pilot.press("b")
        await finished(pilot, screen)
        assert len(backup.snapshots(Stores(DataPaths(data_dir)))) == 1
        assert "1 snapshot kept of 10" in screen_words(app)
        # why it was taken and what it holds
        assert "by hand · 7 entries, 4 worksheets, 1 reflection" in screen_words(app)
        await pilot.press("m")
        message = await finished(pilot, screen)
        assert message.startswith("wrote ") and (data_dir / "exports").is_dir()
        assert any((data_dir / "exports").glob("csa-companion-*/journal/2027-01.md"))


async def test_a_slow_action_shows_a_progress_bar(
    new_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data_screen, "PROGRESS_AFTER", 0.05)
    release = threading.Event()
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_data(pilot)

        def slow(stores: Stores, progress: Progress) -> str:
            progress(1, 4)
            release.wait(10)
            return "all done"

        screen.run_job("Working", slow)
        bar = screen.query_one("#data-progress", ProgressBar)
        await wait_for(lambda: bar.display and bar.progress == 1, "the progress bar", pilot)
        assert bar.total == 4 and "Working…" in screen_words(app)
        await pilot.press("e")  # a second action waits for the first
        await wait_for(
            lambda: any("Wait for the current" in n.message for n in app._notifications),
            "the notice that an action is under way",
            pilot,
        )
        release.set()
        assert await finished(pilot, screen) == "all done"
        assert not bar.display and "All done" in screen_words(app)


async def test_import_from_the_data_screen_reads_jrnl_and_refuses_damage(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_data(pilot)
        await pilot.press("i")
        await wait_for_screen(pilot, Ask)
        app.screen.query_one(Input).value = str(JRNL)
        await press_closing(pilot, "enter")
        message = await finished(pilot, screen)
        assert "5 added" in message
        assert len(journal_at(data_dir).all()) == 5
        assert len(app.services.journal.all()) == 5  # the app's own view caught up
        damaged = tmp_path / "cut.json"
        damaged.write_bytes(JRNL.read_bytes()[:100])
        await pilot.press("i")
        await wait_for_screen(pilot, Ask)
        app.screen.query_one(Input).value = str(damaged)
        await press_closing(pilot, "enter")
        message = await finished(pilot, screen)
        assert "damaged or cut off" in message and "nothing was imported" in message
        assert "nothing was imported" in screen_words(app)
        assert len(journal_at(data_dir).all()) == 5


async def test_importing_from_an_unknown_users_home_says_so(
    new_app: AppFactory, data_dir: Path
) -> None:
    """~nosuch/file.json ended the app with a RuntimeError from pathlib."""
    app = new_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_data(pilot)
        await pilot.press("i")
        await wait_for_screen(pilot, Ask)
        app.screen.query_one(Input).value = "~no-such-user-here/x.json"
        await press_closing(pilot, "enter")
        assert app.screen is screen
        await wait_for(
            lambda: "there is no home folder for ~no-such-user-here" in screen_words(app),
            "the message",
            pilot,
        )


async def test_restore_from_the_data_screen(new_app: AppFactory, data_dir: Path) -> None:
    seed_everything(data_dir)
    stores = Stores(DataPaths(data_dir))
    snap = backup.take(stores, START)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        journal = app.services.journal
        entry = journal.get("j1")
        assert entry is not None
        journal.delete("j1")
        screen = await open_data(pilot)
        await pilot.press("r")
        await wait_for_screen(pilot, Pick)
        words = screen_words(app)  # each snapshot: why it was taken, what it holds
        assert f"{snap.name.removesuffix('.json')}" in words
        assert "by hand · 7 entries, 4 worksheets, 1 reflection" in words
        await press_closing(pilot, "enter")
        await wait_for_screen(pilot, Choice)
        dialog = app.screen
        assert isinstance(dialog, Choice)
        assert "What you have now is kept as a snapshot first" in dialog.question
        await press_closing(pilot, "enter")
        message = await finished(pilot, screen)
        assert message.startswith(f"restored {snap.name}")
        assert app.services.journal.get("j1") is not None
        assert len(backup.snapshots(stores)) == 2


async def test_share_dialog_lists_what_is_chosen_then_writes_only_that(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_everything(data_dir)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_data(pilot)
        await pilot.press("s")
        await wait_for_screen(pilot, ShareDialog)
        chooser = app.screen.query_one(CheckList)
        labels = [str(chooser.get_option_at_index(i).prompt) for i in range(chooser.option_count)]
        cafeteria = next(n for n, label in enumerate(labels) if "Worksheet: Cafeteria" in label)
        # Which worksheet is which reads without color: its tool, when it was started, its
        # status; chosen or not is ☑ or ☐.
        assert labels[cafeteria].startswith("☐ Worksheet: Cafeteria\n  ")
        detail = labels[cafeteria].split("\n")[1].strip()
        assert " · started " in detail and detail.endswith(("complete", "draft", "ended early"))
        assert detail in screen_text(app)
        chooser.highlighted = cafeteria
        await pilot.press("space")
        await wait_for(lambda: "1 chosen." in screen_words(app), "the count", pilot)
        assert "☑ Worksheet: Cafeteria" in screen_text(app)
        assert screen_text(app).count("☑ ") == 1  # one chosen (the header says "(☑)")
        app.screen.query_one(Input).value = "Sam"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, Choice)
        dialog = app.screen
        assert isinstance(dialog, Choice)
        assert dialog.question.startswith(
            f"Share these as Sam?\n• Worksheet: Cafeteria ({detail})\n"
        )
        await press_closing(pilot, "enter")
        await wait_for_screen(pilot, DataScreen)
        [bundle] = (data_dir / "exports").glob("share-Sam-*.json")
        data = orjson.loads(bundle.read_bytes())
        assert [i["title"] for i in data["items"]] == ["Worksheet: Cafeteria"]


async def test_shared_with_me_view_export_delete_and_undo(
    new_app: AppFactory, data_dir: Path, tmp_path: Path
) -> None:
    _shared_with(data_dir, tmp_path)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, "Go to Shared with me")
        await wait_for_screen(pilot, SharedScreen)
        words = screen_words(app)
        assert "Sam" in words and "Worksheet: Cafeteria" in words and "Entry: Entry j1" in words
        assert journal_at(data_dir).all() == []  # apart from the person's own journal
        shelf = app.screen.query_one(OptionList)
        titles = [str(shelf.get_option_at_index(i).prompt) for i in range(shelf.option_count)]
        shelf.highlighted = next(i for i, t in enumerate(titles) if "Cafeteria" in t)
        await pilot.press("enter")
        await wait_for_screen(pilot, SharedItemScreen)
        words = screen_words(app)
        assert "Shared by Sam" in words and "read-only" in words
        await pilot.press("x")
        await wait_for(lambda: any((data_dir / "exports").glob("shared-Sam-*")), "export", pilot)
        [exported] = (data_dir / "exports").glob("shared-Sam-worksheet-*.md")
        assert "## Diagram" in exported.read_text()
        await press_closing(pilot, "d")
        await wait_for_screen(pilot, SharedScreen)
        assert "Cafeteria" not in screen_words(app)
        assert len(ShelfRepo(Stores(DataPaths(data_dir))).all()) == 1
        await pilot.press("ctrl+z")
        await wait_for(lambda: "Cafeteria" in screen_words(app), "the undo", pilot)
        assert len(ShelfRepo(Stores(DataPaths(data_dir))).all()) == 2


async def test_the_first_start_of_a_day_takes_a_snapshot(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_everything(data_dir)
    app = new_app(daily_backup=True)
    async with app.run_test(size=SIZE) as pilot:
        stores = Stores(DataPaths(data_dir))
        await wait_for(lambda: backup.snapshots(stores), "the day's snapshot", pilot)
    app = new_app(daily_backup=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
    assert len(backup.snapshots(Stores(DataPaths(data_dir)))) == 1  # once a day


async def test_an_older_folders_journal_copy_becomes_a_snapshot_the_picker_shows(
    new_app: AppFactory, data_dir: Path
) -> None:
    """A data folder of the version before months: the first start splits its journal.json,
    and the day's snapshot takes in the copy kept of it, named for why it was taken."""
    old_journal(data_dir)
    app = new_app(daily_backup=True)
    async with app.run_test(size=SIZE) as pilot:
        stores = Stores(DataPaths(data_dir))
        await wait_for(lambda: len(backup.snapshots(stores)) == 3, "the snapshots", pilot)
        assert list(data_dir.glob("journal.json.pre-split*")) == []
        await open_data(pilot)
        await pilot.press("r")
        await wait_for_screen(pilot, Pick)
        lines = screen_text(app).splitlines()
        held = "before the split · 3 entries, 4 worksheets, 1 reflection"
        assert sum(held in line for line in lines) == 1, "\n".join(lines)  # one line at 80 columns


async def test_a_change_from_another_process_while_a_screen_opens(
    new_app: AppFactory, data_dir: Path
) -> None:
    """The day's snapshot (or any other process) can write just as a screen is opening: the
    app re-reads and reloads its screens, and one not yet composed must wait for its mount
    (it raised NoMatches from Tools before)."""
    from csa_companion.screens.tools.tools import ToolsScreen
    from tests.helpers import seed_journal

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        seed_journal(data_dir, ("from the shell", "written elsewhere", ()))
        app.action_go("tools")  # pushed, not yet composed
        app.poll_store()
        await wait_for_screen(pilot, ToolsScreen)
        assert "Iceberg" in screen_words(app)


def _shared_with(data_dir: Path, tmp_path: Path) -> None:
    """Sam shares a worksheet and an entry with the person at `data_dir`."""
    from csa_companion.cli import main

    bundle = tmp_path / "bundle.json"
    sam_shares(tmp_path / "sender", bundle)
    assert main(["--data-dir", str(data_dir), "import", str(bundle)]) == 0


@pytest.mark.parametrize("theme", ["csa-dark", "csa-light", "csa-high-contrast"])
async def test_data_screens_read_at_4_5_to_1(
    new_app: AppFactory, data_dir: Path, tmp_path: Path, theme: str
) -> None:
    from csa_companion.widgets.themes import THEMES
    from tests.ui.test_contrast import Measure

    assert theme in THEMES.values()
    seed_everything(data_dir)
    _shared_with(data_dir, tmp_path)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        check = Measure(pilot)
        screen = await open_data(pilot)
        await pilot.press("b")
        await finished(pilot, screen)
        app.clear_notifications()
        await check("Data", "Data folder", "Snapshot ")
        await pilot.press("s")
        await wait_for_screen(pilot, ShareDialog)
        await check("Share dialog", "Your name", "Worksheet: Cafeteria")
        app.pop_screen()
        app.action_go("shared")
        await wait_for_screen(pilot, SharedScreen)
        await check("Shared with me", "Sam")
        await pilot.press("enter")
        await wait_for_screen(pilot, SharedItemScreen)
        await check("Shared record", "Shared by Sam")
    check.assert_readable(theme)


@pytest.mark.parametrize("destination", ["data", "shared"])
async def test_data_keys_fit_the_footer_and_are_in_help(
    new_app: AppFactory, destination: str
) -> None:
    from textual.widgets._footer import FooterKey

    from csa_companion.screens.help import HelpScreen
    from csa_companion.widgets.footer import Footer

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        app.action_go(destination)
        await wait_for(lambda: len(app.screen_stack) == 2 and app.screen.is_mounted, "", pilot)
        footer = app.screen.query_one(Footer)
        await wait_for(lambda: bool(footer.query(FooterKey)), "the footer's keys", pilot)
        await pilot.pause()
        bottom = screen_text(app).splitlines()[-1]
        keys = [f"{key.key_display} {key.description}".strip() for key in footer.query(FooterKey)]
        assert keys and all(key in bottom for key in keys)
        ours = {b.binding.description for b in app.screen.active_bindings.values() if b.binding.id}
        await pilot.press("f1")
        await wait_for_screen(pilot, HelpScreen)
        assert [d for d in ours if d not in screen_text(app)] == []


async def test_an_unexpected_failure_in_a_job_is_reported_and_frees_the_screen(
    new_app: AppFactory,
) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_data(pilot)

        def broken(stores: Stores, progress: Progress) -> str:
            raise ImportError("cannot import name 'x'")

        screen.run_job("Working", broken)
        message = await finished(pilot, screen)
        assert message == "it failed unexpectedly (ImportError: cannot import name 'x')"
        assert "It failed unexpectedly" in screen_words(app)
        await pilot.press("b")  # the next action runs
        assert (await finished(pilot, screen)).startswith("snapshot ")


async def test_control_characters_in_a_full_export_never_reach_the_shelf_screen(
    new_app: AppFactory, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shelf record arriving through a full JSON export (not a bundle) was shown as it was
    stored: "\\x1b[2J" in its text cleared the terminal."""
    from csa_companion.cli import main
    from tests.helpers import shell_clock

    shell_clock(monkeypatch)  # the shared records are dated 2027

    sender = tmp_path / "sender"
    _shared_with(sender, tmp_path)
    repo = ShelfRepo(Stores(DataPaths(sender)))
    doc = dict(next(iter(repo.store.documents("shared"))))
    evil = {"sharer": "Eve\x1b[5m", "title": "Evil\x1b[31m", "text": "x\x1b[2Jy\nnext"}
    repo.put_back(doc | evil | {"key": "Eve\x1b[5m\nentry\nevil"})
    export = tmp_path / "all.json"
    assert main(["--data-dir", str(sender), "export", "--out", str(export)]) == 0
    assert main(["--data-dir", str(data_dir), "import", str(export)]) == 0
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, "Go to Shared with me")
        await wait_for_screen(pilot, SharedScreen)
        shelf = app.screen.query_one(OptionList)
        # As shown: a prompt is markup, with every '[' escaped since titles read as written.
        prompts = [
            Content.from_markup(str(shelf.get_option_at_index(i).prompt)).plain
            for i in range(shelf.option_count)
        ]
        [row] = [n for n, p in enumerate(prompts) if "Evil" in p]
        assert "\x1b" not in "".join(prompts)
        assert "Eve\ufffd[5m" in prompts[row] and "Evil\ufffd[31m" in prompts[row]
        shelf.highlighted = row
        await pilot.press("enter")
        await wait_for_screen(pilot, SharedItemScreen)
        screen = app.screen
        assert isinstance(screen, SharedItemScreen)
        assert "\x1b" not in screen.item.sharer + screen.item.item.title + screen.item.item.text
        assert "x\ufffd[2Jy" in screen_words(app) and "Shared by Eve\ufffd[5m" in screen_words(app)


async def test_a_shared_record_exported_from_an_encrypted_folder_says_it_is_plain(
    new_app: AppFactory, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from csa_companion.cli import main
    from csa_companion.screens.data.unlock import UnlockScreen
    from tests.ui.test_unlock import PASS

    _shared_with(data_dir, tmp_path)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(f"{PASS}\n{PASS}\n".encode())))
    assert main(["--data-dir", str(data_dir), "encrypt"]) == 0
    app = new_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_screen(pilot, UnlockScreen)
        await pilot.press(*PASS, "enter")
        await pilot.pause()
        await run_command(pilot, "Go to Shared with me")
        await wait_for_screen(pilot, SharedScreen)
        await pilot.press("enter")
        await wait_for_screen(pilot, SharedItemScreen)
        await pilot.press("x")
        await wait_for(lambda: "Exported to" in screen_words(app), "the export's message", pilot)
        await wait_for(lambda: "is encrypted, this" in screen_words(app), "its plain note", pilot)
        [exported] = (data_dir / "exports").glob("shared-Sam-*.md")
        assert exported.read_text().strip()


async def test_ctrl_q_keeps_the_name_typed_in_the_share_dialog(
    new_app: AppFactory, data_dir: Path
) -> None:
    """ctrl+q lost the name being typed in the Share dialog; it is back when the dialog
    opens again (the name remembered for sharing changes only when a bundle is written)."""
    from csa_companion.storage.repos import SettingsRepo
    from csa_companion.transfer.actions import SHARE_NAME

    seed_everything(data_dir)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_data(pilot)
        await pilot.press("s")
        await wait_for_screen(pilot, ShareDialog)
        app.screen.query_one("#share-name", Input).focus()
        await pilot.press(*"Ana from the east campus")
        await pilot.press("ctrl+q")
        await wait_for(lambda: not app.is_running, "the app to end", pilot)
    assert SettingsRepo(Stores(DataPaths(data_dir))["settings"]).get(SHARE_NAME) is None
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_data(pilot)
        await pilot.press("s")
        await wait_for_screen(pilot, ShareDialog)
        name = app.screen.query_one("#share-name", Input)
        assert name.value == "Ana from the east campus"
        assert "What you typed here before the app closed is back." in screen_words(app)
        await press_closing(pilot, "escape")  # canceled: forgotten
        await pilot.press("s")
        await wait_for_screen(pilot, ShareDialog)
        assert app.screen.query_one("#share-name", Input).value == ""
