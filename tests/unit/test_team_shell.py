"""The team commands as a user runs them (installed command, a subprocess each) on a normal
data folder, a data folder that is a file, and a read-only data folder: the expected exit
status, one-line messages, no traceback (the table is TEAM_COMMANDS in test_hostile_shell)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.unit.test_hostile_shell import (
    TEAM_COMMANDS,
    Run,
    Setting,
    assert_clean,
    copy_of,
    one_line,
    read_only_mechanism,
    run,
    seeded,  # noqa: F401  (a fixture)
    stored,
)


def in_order(setting: Setting, tmp: Path, names: tuple[str, ...] = ()) -> list[Run]:
    """The team commands one after another on the same folders (`names`: only those)."""
    chosen = [c for c in TEAM_COMMANDS if not names or c.argv[1] in names]
    return [run(command, setting, tmp) for command in chosen]


def test_team_commands_on_a_normal_data_folder(seeded: Path, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "team-folder").mkdir()
    runs = in_order(Setting(copy_of(seeded, tmp_path), shared=True), tmp_path)
    assert_clean(runs)
    for r in runs:
        assert r.code == 0, r.describe()
    assert b"Worksheet: Pickup" in runs[2].out


def test_team_commands_on_a_data_folder_that_is_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    runs = in_order(Setting(a_file, shared=True), tmp_path)
    assert_clean(runs)
    for r in runs:
        assert r.code == 2, r.describe()
        one_line(r, "is a file, not a folder")
    assert a_file.read_text() == "mine"


def test_team_commands_on_a_read_only_data_folder(seeded: Path, tmp_path: Path) -> None:  # noqa: F811
    folder = copy_of(seeded, tmp_path)
    (tmp_path / "team-folder").mkdir()
    [joined] = in_order(Setting(folder, shared=True), tmp_path, ("join",))
    assert joined.code == 0, joined.describe()
    before = stored(folder)
    if read_only_mechanism() == "mount":
        script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        prefix = ("unshare", "-rm", "sh", "-c", script, str(folder))
        runs = in_order(Setting(folder, prefix=prefix, shared=True), tmp_path)
    else:
        paths = [folder, *folder.iterdir()]
        subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
        try:
            runs = in_order(Setting(folder, shared=True), tmp_path)
        finally:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
    assert_clean(runs)
    for r in runs:
        if r.command.writes:  # join and leave keep the membership in the data folder
            assert r.code == 1, r.describe()
            one_line(r, "cannot be written")
        else:  # publishing writes only the team folder; reading works
            assert r.code == 0, r.describe()
    assert b"Worksheet: Pickup" in runs[2].out
    assert stored(folder) == before
