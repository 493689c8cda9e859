"""Start-up: work Home does not need waits until it is up and usable."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from unittest import mock

from csa_companion.paths import DataPaths
from csa_companion.screens.journal.journal import JournalScreen
from csa_companion.storage.store import Stores
from csa_companion.transfer import snapshots as backup
from tests.conftest import AppFactory
from tests.helpers import seed_journal
from tests.screen import screen_words
from tests.waiting import wait_for, wait_for_screen

SIZE = (80, 24)


async def test_the_days_snapshot_does_not_hold_up_home(new_app: AppFactory, data_dir: Path) -> None:
    """The first start of a day snapshots the data folder (the whole journal, read and
    written again): Home shows and takes keys while that is still going on."""
    seed_journal(data_dir, ("Circle", "the quiet corner worked", ()))
    release = threading.Event()
    real_daily = backup.daily

    def slow_daily(stores: Stores, now: datetime) -> backup.Snapshot | None:
        release.wait(30)  # bounded: the test fails below rather than hang
        return real_daily(stores, now)

    with mock.patch.object(backup, "daily", slow_daily):
        app = new_app(daily_backup=True)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(lambda: "Circle" in screen_words(app), "Home's recent entry", pilot)
            await pilot.press("j")
            await wait_for_screen(pilot, JournalScreen)
            assert not backup.snapshots(Stores(DataPaths(data_dir)))  # still being taken
            release.set()
            await wait_for(
                lambda: backup.snapshots(Stores(DataPaths(data_dir))), "the snapshot", pilot
            )
            # The snapshot notes its day in the settings: the app picks that up (and reloads
            # its screens) while it still runs, not while it closes.
            await wait_for(
                lambda: app.services.settings.get(backup.LAST_DAY_SETTING) is not None,
                "the app to see the snapshot's day noted",
                pilot,
            )


async def test_a_change_that_arrives_as_the_app_quits_is_left_for_next_time(
    new_app: AppFactory, data_dir: Path
) -> None:
    """Quitting takes every screen's widgets away; a change another process (or the day's
    snapshot) wrote just then was picked up on the way out, and reloading a screen without
    its widgets ended the app with a traceback (NoMatches, about 1 quit in 15 in a loop).
    The app no longer reads changes once it is closing."""
    from csa_companion.app import CompanionApp
    from csa_companion.storage.repos import SettingsRepo

    app = new_app()
    reloads: list[str] = []
    real_close_all = CompanionApp._close_all

    async def close_all(self: CompanionApp) -> None:
        SettingsRepo(Stores(DataPaths(data_dir))["settings"]).set("written-at-quit", 1)
        self.poll_store()  # as the poll timer may, while the screens are closed below
        await real_close_all(self)

    with (
        mock.patch.object(CompanionApp, "_close_all", close_all),
        mock.patch.object(JournalScreen, "reload", lambda screen: reloads.append("journal")),
    ):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("j")
            await wait_for_screen(pilot, JournalScreen)
            reloads.clear()
    assert reloads == []
    assert SettingsRepo(Stores(DataPaths(data_dir))["settings"]).get("written-at-quit") == 1
