"""Fixtures shared by every test: each test gets its own data dir and a fixed clock, and the
user's real data dir is never touched."""

from __future__ import annotations

import os

os.environ["TEXTUAL_ANIMATIONS"] = "none"  # before Textual is imported anywhere

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual import _wait

from csa_companion.app import CompanionApp
from csa_companion.cli import make_app
from csa_companion.clock import FakeClock
from csa_companion.paths import DATA_DIR_ENV, bundled_content_dir

START = datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=-8)))

# Pilot.press waits after each key until the process is idle, looking in windows of 20 ms:
# at least 40 ms a key, most of a UI test's time. Windows of 5 ms see the same idleness.
_wait.SLEEP_GRANULARITY = 0.005
_wait.SLEEP_IDLE = _wait.SLEEP_GRANULARITY / 20.0

AppFactory = Callable[..., CompanionApp]


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The parsed-content cache (content/cache.py) of this test run, not the user's."""
    from csa_companion.content.cache import CACHE_DIR_ENV

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_DIR_ENV, str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "default-data"))
    yield


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def new_app(data_dir: Path, clock: FakeClock) -> AppFactory:
    """Build an app on the test's data dir (call again for "a new app on the same data")."""

    def build(**overrides: object) -> CompanionApp:
        options: dict[str, object] = {
            "data_dir": data_dir,
            "content_dirs": [bundled_content_dir()],
            "clock": clock,
            "refresh_seconds": 0.2,
        }
        options.update(overrides)
        return make_app(**options)  # type: ignore[arg-type]

    return build


# The longest tests (tens of seconds each on a busy 2-core machine: every screen in every theme,
# every command in every hostile setting, two real Syncthings) go first, so that pytest-xdist's
# workers share them from the start instead of one worker finishing the run alone with one of
# them. The order within each group is the collection order.
LONGEST_FIRST = (
    "tests/ui/test_contrast.py::test_every_text_reads_at_4_5_to_1",
    "tests/unit/test_team_syncthing.py",
    "tests/ui/test_content_roles.py",
    "tests/unit/test_hostile_shell.py",
    "tests/ui/test_forms.py::test_every_form_starts_at_its_first_field",
    "tests/ui/test_tools.py::test_walk_a_tool_end_to_end",
    "tests/unit/test_platforms.py::test_the_app_in_plain_glyphs",
    "tests/unit/test_kill.py",
    "tests/ui/test_browser.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        for n, prefix in enumerate(LONGEST_FIRST):
            if item.nodeid.startswith(prefix):
                return n
        return len(LONGEST_FIRST)

    items.sort(key=rank)
