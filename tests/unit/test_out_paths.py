"""Where a command may write what the user asks for: never inside the data folder (its exports
folder aside), whether or not the file exists yet; folders it has to make are private."""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from csa_companion.cli import main
from csa_companion.cli.parser import _parser
from csa_companion.paths import DataPaths
from csa_companion.storage.private_files import write_atomic
from tests.transfer_data import file_bytes, seed_everything


def commands_with(option: str) -> Iterator[tuple[list[str], argparse.ArgumentParser]]:
    """Every command (with its subcommand) whose parser has `option`: found in the parser,
    so a command added later is covered without naming it here."""

    def walk(parser: argparse.ArgumentParser, words: list[str]) -> Iterator[Any]:
        if any(option in action.option_strings for action in parser._actions):
            yield words, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk(sub, [*words, name])

    yield from walk(_parser(), [])


def argv_for(words: list[str], parser: argparse.ArgumentParser, out: Path) -> list[str]:
    """The command with `--out out` and a placeholder for whatever else it requires."""
    argv = [*words]
    for action in parser._actions:
        if action.option_strings and "--out" in action.option_strings:
            continue
        placeholder = str((action.choices and next(iter(action.choices))) or "x")
        if not action.option_strings and action.dest != "help":
            if isinstance(action, argparse._SubParsersAction):
                continue
            argv.append(placeholder)
        elif action.required:
            argv += [action.option_strings[0], placeholder]
    return [*argv, "--out", str(out)]


OUT_COMMANDS = [words for words, _ in commands_with("--out")]


def test_the_commands_with_out_are_found() -> None:
    """The walk sees the ones the issue named (and any added since)."""
    names = {" ".join(words) for words in OUT_COMMANDS}
    assert {"export", "share", "survey export", "reflection export", "worksheet export"} <= names


INSIDE = {
    "a store file not there yet": "shared.json",
    "a store file": "journal.json",
    "the folder itself": ".",
    "in its backups": "backups/new.json",
    "a Markdown folder in its backups": "backups/markdown",
    "in a folder not there yet": "new/deeper/file.json",
    "outside and back in": "exports/../team.json",
}


@pytest.mark.parametrize("words", OUT_COMMANDS, ids=[" ".join(w) for w in OUT_COMMANDS])
@pytest.mark.parametrize("inside", INSIDE.values(), ids=INSIDE.keys())
def test_every_out_inside_the_data_folder_is_refused(
    seeded: Path, words: list[str], inside: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = {" ".join(w): p for w, p in commands_with("--out")}[" ".join(words)]
    before = file_bytes(seeded)
    argv = argv_for(words, parser, seeded / inside)
    code = main(["--data-dir", str(seeded), *argv])
    err = capsys.readouterr().err
    assert code == 2, (argv, err)
    assert "is in the data folder" in err and err.count("\n") == 1
    assert file_bytes(seeded) == before
    assert not (seeded / "new").exists() and not (seeded / "backups" / "markdown").exists()


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    seed_everything(folder)
    (folder / "backups").mkdir()
    return folder


def test_the_exports_folder_is_where_output_may_go(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = seeded / "exports" / "all.json"
    assert main(["--data-dir", str(seeded), "export", "--out", str(out)]) == 0
    assert out.exists()
    paths = DataPaths(seeded)
    assert not paths.would_replace_data(seeded / "exports" / "markdown")
    assert paths.would_replace_data(seeded / "exports-2" / "x.json")


def test_folders_an_output_needs_are_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.umask(0o022)
    try:
        write_atomic(tmp_path / "a" / "b" / "c" / "file.json", b"{}")
    finally:
        os.umask(0o077)
    for folder in ("a", "a/b", "a/b/c"):
        assert stat.S_IMODE((tmp_path / folder).stat().st_mode) == 0o700, folder


def test_a_markdown_export_makes_its_folders_private(
    seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "out" / "deeper"
        code = main(
            ["--data-dir", str(seeded), "export", "--format", "markdown", "--out", str(out)]
        )
    finally:
        os.umask(old)
    assert code == 0
    folders = [tmp_path / "out", *(p for p in (tmp_path / "out").rglob("*") if p.is_dir())]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o700 for f in folders), folders


@pytest.mark.parametrize("name", ["journal", "worksheets", "reflections", "surveys"])
def test_a_markdown_folder_above_a_data_folder_it_would_write_into_is_refused(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A data folder named as one of the Markdown export's own folders (`--data-dir ~/journal`)
    and `--out` the folder above it: its files would land in the data folder."""
    home = tmp_path / "home"
    data = home / name
    seed_everything(data)
    before = file_bytes(data)
    argv = ["--data-dir", str(data), "export", "--format", "markdown", "--out", str(home)]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "into the data folder" in err and err.count("\n") == 1
    assert file_bytes(data) == before
    assert sorted(p.name for p in home.iterdir()) == [name]
