"""Fixtures shared by every test: each test gets its own data dir and a fixed clock, and the
user's real data dir is never touched."""

from __future__ import annotations

import os

os.environ["TEXTUAL_ANIMATIONS"] = "none"  # before Textual is imported anywhere

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from csa_companion.app import CompanionApp
from csa_companion.cli import make_app
from csa_companion.clock import FakeClock
from csa_companion.paths import DATA_DIR_ENV, bundled_content_dir

START = datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=-8)))

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
