"""Start-up: work Home does not need waits until it is up and usable."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from unittest import mock

from csa_companion.paths import DataPaths
from csa_companion.screens.journal import JournalScreen
from csa_companion.storage import backup
from csa_companion.storage.store import Stores
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
