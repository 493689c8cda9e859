"""From an encrypted data folder, every export in plain text says so; `encrypt` says what it
leaves plain (exports already made)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from csa_companion.cli import main
from tests.helpers import shell_clock
from tests.transfer_data import seed_everything

PASS = "correct horse battery"
NOTE = "plain text: your data folder is encrypted, this file is not"

PLAIN_EXPORTS = {
    "Markdown": ("export", "--format", "markdown", "--out", "{tmp}/markdown"),
    "worksheet": ("worksheet", "export", "w1", "--out", "{tmp}/w1.md"),
    "reflection": ("reflection", "export", "2027-01", "--out", "{tmp}/r.md"),
    "survey": ("survey", "export", "--out", "{tmp}/s.csv"),
}


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = main(["--data-dir", str(folder), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shell_clock(monkeypatch)
    data = tmp_path / "data"
    seed_everything(data)
    return data


@pytest.mark.parametrize("argv", PLAIN_EXPORTS.values(), ids=PLAIN_EXPORTS.keys())
def test_a_plain_export_from_an_encrypted_folder_says_so(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    tmp_path: Path,
    argv: tuple[str, ...],
) -> None:
    argv = tuple(a.format(tmp=tmp_path) for a in argv)
    code, out, err = run(capsys, monkeypatch, folder, *argv)
    assert code == 0, err
    assert NOTE not in out  # a plain folder: nothing to say
    assert run(capsys, monkeypatch, folder, "encrypt", stdin=f"{PASS}\n{PASS}\n")[0] == 0
    monkeypatch.setenv("CSA_COMPANION_PASSPHRASE", PASS)
    code, out, err = run(capsys, monkeypatch, folder, *argv)
    assert code == 0, err
    assert NOTE in out if argv[0] != "export" else "encrypted, these files are not" in out


def test_encrypt_says_that_exports_already_made_stay_plain(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path
) -> None:
    out_file = folder / "exports" / "all.json"
    assert run(capsys, monkeypatch, folder, "export", "--out", str(out_file))[0] == 0
    code, out, err = run(capsys, monkeypatch, folder, "encrypt", stdin=f"{PASS}\n{PASS}\n")
    assert code == 0, err
    assert f"1 file already in {folder / 'exports'} stays plain text" in out
    assert out_file.read_bytes().startswith(b"{\n")  # as it says: left plain


def test_encrypt_without_exports_says_nothing_of_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path
) -> None:
    code, out, _ = run(capsys, monkeypatch, folder, "encrypt", stdin=f"{PASS}\n{PASS}\n")
    assert code == 0 and "plain text" not in out


async def test_the_apps_worksheet_export_from_an_encrypted_folder_says_so(
    new_app: object, data_dir: Path, tmp_path: Path
) -> None:
    from textual.widgets import Input

    from csa_companion.screens.dialogs import Ask
    from csa_companion.screens.tools.walkthrough import WalkthroughScreen
    from tests.ui.test_palette import run as run_command
    from tests.ui.test_tools import start_worksheet
    from tests.ui.test_unlock import PASS as APP_PASS
    from tests.ui.test_unlock import encrypted_with_entry
    from tests.waiting import press_closing, wait_for, wait_for_screen

    encrypted_with_entry(data_dir)
    app = new_app()  # type: ignore[operator]
    target = tmp_path / "iceberg.md"
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        app.screen.query_one(Input).value = APP_PASS
        await pilot.press("enter")
        await start_worksheet(pilot, "iceberg", "n", "short title", WalkthroughScreen)
        await pilot.press(*"Shoving at the gate")
        await run_command(pilot, "Export this worksheet")
        await wait_for_screen(pilot, Ask)
        app.screen.query_one(Input).value = str(target)
        await press_closing(pilot, "enter")
        await wait_for(
            lambda: any(NOTE in n.message for n in app._notifications), "the notice", pilot
        )
