"""Home on a new data folder: "Start here" (what the companion is for, three first steps, and
a way to hide it), gone once used or hidden; Data is on Home's menu."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList

from csa_companion.paths import DataPaths
from csa_companion.storage.repos import SettingsRepo
from csa_companion.storage.store import Stores
from tests.conftest import AppFactory
from tests.helpers import seed_journal
from tests.screen import screen_text
from tests.waiting import wait_for

START_STEPS = ("Take one situation through the Iceberg", "Write a journal entry", "calendar")


def settings_at(data_dir: Path) -> SettingsRepo:
    return SettingsRepo(Stores(DataPaths(data_dir))["settings"])


async def choose_start(pilot: Pilot[None], option_id: str) -> None:
    start = pilot.app.screen.query_one("#home-start", OptionList)
    start.focus()
    start.highlighted = start.get_option_index(option_id)
    await pilot.press("enter")


async def test_a_new_folder_starts_here_until_a_step_is_taken(
    new_app: AppFactory, data_dir: Path
) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: "Start here" in screen_text(app), "Start here on Home", pilot)
        text = screen_text(app)
        assert "real situations from your site" in text
        assert all(step in text for step in START_STEPS) and "Hide this" in text
        assert "Data" in text and "Back up, export, share" in text  # on Home's menu, 80x24
        await choose_start(pilot, "start-entry")
        await wait_for(lambda: "Tags" in screen_text(app), "the journal editor", pilot)
        app.action_go("home")
        await wait_for(lambda: "Recent journal entries" in screen_text(app), "Home", pilot)
        assert "Start here" not in screen_text(app)
    assert settings_at(data_dir).get("start_here_done") is True
    app = new_app()  # and not again at the next start
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: "Recent journal entries" in screen_text(app), "Home", pilot)
        assert "Start here" not in screen_text(app)


async def test_start_here_can_be_hidden_and_the_iceberg_opens_from_it(
    new_app: AppFactory, data_dir: Path
) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: "Start here" in screen_text(app), "Start here on Home", pilot)
        await choose_start(pilot, "start-iceberg")
        await wait_for(lambda: "short title" in screen_text(app), "a new Iceberg", pilot)
        await wait_for(lambda: "The Iceberg" in screen_text(app), "the Iceberg behind", pilot)
    settings_at(data_dir).set("start_here_done", None)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: "Start here" in screen_text(app), "Start here on Home", pilot)
        await choose_start(pilot, "start-dismiss")
        await wait_for(lambda: "Start here" not in screen_text(app), "it hidden", pilot)
    assert settings_at(data_dir).get("start_here_done") is True


async def test_a_folder_in_use_has_no_start_here_and_data_is_one_key_away(
    new_app: AppFactory, data_dir: Path
) -> None:
    seed_journal(data_dir, ("Pickup", "It went well", ()))
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: "Pickup" in screen_text(app), "the entry on Home", pilot)
        assert "Start here" not in screen_text(app)
        assert not app.screen.query("#home-start")  # its card is not even made (start-up)
        await pilot.press("a")
        await wait_for(lambda: "Data folder" in screen_text(app), "the Data screen", pilot)
