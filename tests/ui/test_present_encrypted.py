"""Presenting on an encrypted data folder: no passphrase screen in front of the group, nothing
saved in plaintext, and what was saved joins the owner's data at the next unlock."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from csa_companion.cli import main
from csa_companion.paths import DataPaths
from csa_companion.screens.data.unlock import UnlockScreen
from csa_companion.screens.dialogs import Choice
from csa_companion.screens.home import HomeScreen
from csa_companion.screens.practice.practice import PracticeScreen
from csa_companion.screens.practice.practice_setup import PracticeSetupScreen, preset_key
from csa_companion.screens.tools.walkthrough import WalkthroughScreen
from csa_companion.services import PresentTarget
from csa_companion.storage.crypto import Cipher, new_cipher, wrap
from csa_companion.storage.encryption import unlock, write_key
from csa_companion.storage.inbox import ensure_owner_key, inbox_dir, pending
from csa_companion.storage.repos import SettingsRepo, WorksheetRepo
from csa_companion.storage.store import Stores
from tests.conftest import AppFactory
from tests.screen import screen_text, screen_words
from tests.ui.test_present import end_group_walk, start_group_walk
from tests.ui.test_unlock import PASS, encrypted_with_entry
from tests.waiting import wait_for, wait_for_screen

GROUP_WORDS = "Marimba the group noticed the bus"


def cipher_of(data_dir: Path) -> Cipher:
    cipher = unlock(DataPaths(data_dir), PASS)
    assert cipher is not None
    return cipher


def unlocked_once(data_dir: Path) -> None:
    """An encrypted folder unlocked since the inbox came in (it has the key pair)."""
    encrypted_with_entry(data_dir)
    ensure_owner_key(DataPaths(data_dir), cipher_of(data_dir))


def every_byte(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())


async def test_present_tool_opens_without_the_passphrase_and_seals_the_group_worksheet(
    new_app: AppFactory, data_dir: Path
) -> None:
    unlocked_once(data_dir)
    app = new_app(present=PresentTarget("tool", "iceberg"))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_group_walk(pilot)
        assert not any(isinstance(s, UnlockScreen) for s in app.screen_stack)
        assert "passphrase" not in screen_words(app).lower()
        assert "Pickup" not in screen_text(app)
        screen = app.screen
        assert isinstance(screen, WalkthroughScreen)
        screen.query_one(TextArea).load_text(GROUP_WORDS)
        await pilot.pause()
        await pilot.press("ctrl+f")
        await wait_for_screen(pilot, Choice)  # the other steps are empty: finish anyway
        await pilot.click("#finish")
        said = await end_group_walk(pilot)
        assert "(The Iceberg, ended early) is saved as a group worksheet sealed for you" in said
        assert "joins your worksheets, as a group worksheet, when you next unlock" in said
    assert pending(DataPaths(data_dir)), "the group worksheet waits in the inbox"
    assert b"Marimba" not in every_byte(data_dir)  # nothing in plaintext anywhere
    # The next unlock: the group worksheet joins the worksheets, and the inbox empties.
    app = new_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_screen(pilot, UnlockScreen)
        await pilot.press(*PASS, "enter")
        await wait_for_screen(pilot, HomeScreen)
        await wait_for(
            lambda: "now with it: 1 group worksheet" in screen_words(app), "the notice", pilot
        )
        # Titled for what it is: nothing was damaged, nothing recovered.
        assert "From a presentation" in screen_words(app)
        assert "recovered" not in screen_words(app)
    assert not pending(DataPaths(data_dir))
    sheets = WorksheetRepo(Stores(DataPaths(data_dir), cipher=cipher_of(data_dir))["worksheets"])
    [group] = sheets.all()
    assert group.group and group.answer("event") == GROUP_WORDS
    assert b"Marimba" not in every_byte(data_dir)


async def test_present_practice_opens_without_the_passphrase_and_its_preset_joins_later(
    new_app: AppFactory, data_dir: Path
) -> None:
    unlocked_once(data_dir)
    app = new_app(present=PresentTarget("practice", "settling-arrive"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, PracticeSetupScreen)
        assert not any(isinstance(s, UnlockScreen) for s in app.screen_stack)
        assert "passphrase" not in screen_words(app).lower()
        assert app.theme == "csa-high-contrast"
        app.screen.query_one("#setup-length", Input).value = "7"
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, PracticeScreen)
    assert pending(DataPaths(data_dir))
    assert b'"total"' not in every_byte(data_dir)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, UnlockScreen)
        await pilot.press(*PASS, "enter")
        await wait_for_screen(pilot, HomeScreen)
        preset = app.services.settings.get(preset_key("settling-arrive"))
        assert preset is not None and preset["total"] == 420
    assert not pending(DataPaths(data_dir))


def test_a_shell_unlock_joins_the_inbox(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    unlocked_once(data_dir)
    from csa_companion.storage.inbox import PresentationSink

    sink = PresentationSink.open(DataPaths(data_dir))
    sink.put("setting", {"key": preset_key("settling-arrive"), "value": {"minutes": 7}})
    monkeypatch.setenv("CSA_COMPANION_PASSPHRASE", PASS)
    assert main(["--data-dir", str(data_dir), "journal", "list"]) == 0
    assert "Pickup" in capsys.readouterr().out
    assert not pending(DataPaths(data_dir))
    settings = SettingsRepo(Stores(DataPaths(data_dir), cipher=cipher_of(data_dir))["settings"])
    assert settings.get(preset_key("settling-arrive")) == {"minutes": 7}


def test_present_before_any_unlock_is_one_line_and_asks_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder encrypted before the inbox existed has no key pair until its next unlock."""
    cipher = new_cipher()
    paths = DataPaths(data_dir)
    paths.ensure()
    write_key(paths, wrap(cipher, PASS))
    assert main(["--data-dir", str(data_dir), "present", "tool", "iceberg"]) == 1
    err = capsys.readouterr().err
    assert "unlock it once more" in err and len(err.splitlines()) == 1
    assert main(["--data-dir", str(data_dir), "serve", "--tool", "iceberg"]) == 1
    assert "unlock it once more" in capsys.readouterr().err
    assert not inbox_dir(paths).exists() or not pending(paths)
