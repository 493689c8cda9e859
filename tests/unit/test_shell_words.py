"""Words the shell takes badly: a passphrase of nothing but spaces, and text that begins with
'-' (taken for an option)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from csa_companion.cli import main
from tests.helpers import journal_at
from tests.transfer_data import file_bytes


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    monkeypatch.delenv("CSA_COMPANION_PASSPHRASE", raising=False)
    try:
        code = main(["--data-dir", str(folder), *argv])
    except SystemExit as usage:  # argparse's own refusals
        code = int(usage.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


BLANK = {
    "spaces": " " * 12,
    "tabs": "\t" * 12,
    "no-break spaces": "\u00a0" * 12,
    "zero-width spaces": "\u200b" * 12,
    "ideographic spaces": "\u3000" * 12,
    "seven letters in spaces": "  a b c d e f g  ",
}
NEW_PASSPHRASE_COMMANDS = {
    "encrypt": ("encrypt",),
    "export --encrypt": ("export", "--out", "{tmp}/all.json", "--encrypt"),
    "share --encrypt": (
        "share",
        "--entry",
        "{uid}",
        "--name",
        "S",
        "--out",
        "{tmp}/b.json",
        "--encrypt",
    ),
}


@pytest.mark.parametrize("blank", BLANK.values(), ids=BLANK.keys())
@pytest.mark.parametrize(
    "argv", NEW_PASSPHRASE_COMMANDS.values(), ids=NEW_PASSPHRASE_COMMANDS.keys()
)
def test_a_new_passphrase_of_spaces_is_refused(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    blank: str,
    argv: tuple[str, ...],
) -> None:
    data = tmp_path / "data"
    code, out, _ = run(capsys, monkeypatch, data, "journal", "add", "mine")
    uid = out.split()[1].rstrip(":")
    before = file_bytes(data)
    argv = tuple(a.format(tmp=tmp_path, uid=uid) for a in argv)
    code, _, err = run(capsys, monkeypatch, data, *argv, stdin=f"{blank}\n{blank}\n")
    assert code == 2 and err.count("\n") == 1, err
    assert "at least 8 characters besides spaces" in err
    assert file_bytes(data) == before
    assert not list(tmp_path.glob("*.json"))


def test_a_passphrase_of_words_and_spaces_is_taken(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    words = " correct horse "
    code, _, err = run(capsys, monkeypatch, tmp_path / "d", "encrypt", stdin=f"{words}\n" * 2)
    assert code == 0, err


def test_changing_to_a_passphrase_of_spaces_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "d"
    assert run(capsys, monkeypatch, data, "encrypt", stdin="long enough\n" * 2)[0] == 0
    key = (data / "key.json").read_bytes()
    code, _, err = run(
        capsys,
        monkeypatch,
        data,
        "passphrase",
        stdin="long enough\n" + (" " * 10 + "\n") * 2,
    )
    assert code == 2 and "besides spaces" in err
    assert (data / "key.json").read_bytes() == key


@pytest.mark.parametrize("text", ["-noted", "--noted", "-5", "- a list item", "--"])
def test_text_that_begins_with_a_dash_goes_after_double_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str
) -> None:
    data = tmp_path / "d"
    code, _, err = run(capsys, monkeypatch, data, "journal", "add", "--", text)
    assert code == 0, err
    assert [e.body for e in journal_at(data).all()] == [text]


@pytest.mark.parametrize("text", ["-noted", "--noted", "-x"])
def test_text_taken_for_an_option_says_how_to_write_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str
) -> None:
    code, _, err = run(capsys, monkeypatch, tmp_path / "d", "journal", "add", text)
    assert code == 2
    assert "text that begins with '-' goes after '--'" in err
    assert "journal add -- '-noted'" in err
    assert not (tmp_path / "d" / "journal.json").exists()
    assert not (tmp_path / "d" / "journal").exists()  # the journal's months, since issue 21


def test_a_title_that_begins_with_a_dash_says_how_to_write_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "d"
    code, _, err = run(capsys, monkeypatch, data, "journal", "add", "x", "--title", "-late")
    assert code == 2 and "joined to its option with '='" in err and "--title=-noted" in err
    code, _, err = run(capsys, monkeypatch, data, "journal", "add", "x", "--title=-late")
    assert code == 0, err
    assert [e.title for e in journal_at(data).all()] == ["-late"]


@pytest.mark.parametrize(
    "argv",
    [
        ("journal", "list", "--search", "-late"),
        ("journal", "list", "--tag", "-x"),
        ("journal", "add", "x", "--tag", "-x"),
    ],
)
def test_the_hint_for_a_value_beginning_with_a_dash_names_its_option(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    argv: tuple[str, ...],
) -> None:
    """`journal list --search -late` was told to write `--title=-noted`."""
    code, _, err = run(capsys, monkeypatch, tmp_path / "d", *argv)
    option = argv[-2]
    hint = err.splitlines()[-1]
    assert code == 2 and f"`{option}=-noted`" in hint and "--title" not in hint
