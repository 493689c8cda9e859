"""What shell commands import: each pays only for what it uses (quick capture must start fast).

Not a timed test (timings on a shared machine swing): it reads `python -X importtime`, which
names every module a process imports, and checks that modules other commands need stay out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from csa_companion.cli import rhythm as cli_rhythm
from csa_companion.cli.parser import AREAS
from csa_companion.content.cache import load_library
from csa_companion.paths import bundled_content_dir
from csa_companion.storage import program_repos
from tests.helpers import die_with_test_run, journal_at, seed_journal

# Modules that `journal add` on a plain (not encrypted) folder has no use for.
NOT_FOR_QUICK_CAPTURE = (
    "textual",
    "rich",
    "cryptography",
    "argon2",
    "csa_companion.app",
    "csa_companion.content",
    "csa_companion.transfer.actions",
    "csa_companion.domain.coaching",
    "csa_companion.domain.due",
    "csa_companion.domain.lookback",
    "csa_companion.domain.practice",
    "csa_companion.domain.program",
    "csa_companion.domain.reflection",
    "csa_companion.domain.survey",
    "csa_companion.transfer.snapshots",
    "csa_companion.storage.program_repos",
    "csa_companion.transfer.records",
    "calendar",
    "csv",
    "tomllib",
)


# Runs the command line as `python -m csa_companion` does, then writes what it imported. (Not
# `python -X importtime`: it leaves out modules imported by importlib.import_module, which is
# how the command areas are loaded.)
RUN_SCRIPT = """
import json, runpy, sys
out = sys.argv.pop(1)
sys.argv[0] = "csa-companion"
try:
    runpy.run_module("csa_companion", run_name="__main__")
except SystemExit as done:
    code = done.code
with open(out, "w") as file:
    json.dump({"code": code, "modules": sorted(sys.modules)}, file)
"""


def imported_by(*argv: str, tmp: Path) -> set[str]:
    """The modules `python -m csa_companion ARGV` imports (it must succeed)."""
    out = tmp / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", RUN_SCRIPT, str(out), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=die_with_test_run,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(out.read_text())
    assert seen["code"] == 0, done.stderr[-2000:]
    assert "csa_companion.cli.parser" in seen["modules"]  # the output was read as meant
    return set(seen["modules"])


def unwanted(names: set[str], forbidden: tuple[str, ...]) -> list[str]:
    """The names that are a forbidden module or inside a forbidden package."""
    return sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden))


# ... nor, on a plain folder, for the passphrase prompt and the presentations' inbox; nor for
# the other command areas (only the area of the command being run builds its parsers).
ENCRYPTED_ONLY = ("csa_companion.cli.crypto", "csa_companion.storage.inbox", "getpass")
OTHER_AREAS = tuple(f"csa_companion.cli.{area}" for area in AREAS if area != "journal")


def test_journal_add_imports_only_what_it_uses(data_dir: Path, tmp_path: Path) -> None:
    names = imported_by("--data-dir", str(data_dir), "journal", "add", "a quick note", tmp=tmp_path)
    assert [e.body for e in journal_at(data_dir).all()] == ["a quick note"]
    assert "csa_companion.cli.journal" in names
    assert unwanted(names, NOT_FOR_QUICK_CAPTURE + ENCRYPTED_ONLY + OTHER_AREAS) == []


@pytest.mark.parametrize("argv", [["where"], ["journal", "list"]], ids=" ".join)
def test_other_journal_commands_skip_the_rhythm_and_the_app(
    data_dir: Path, tmp_path: Path, argv: list[str]
) -> None:
    names = imported_by("--data-dir", str(data_dir), *argv, tmp=tmp_path)
    assert unwanted(names, NOT_FOR_QUICK_CAPTURE + ENCRYPTED_ONLY) == []


def test_where_names_every_rhythm_store() -> None:
    """`where` lists the rhythm's stores from cli_rhythm.NAMES, so that it does not import
    the repositories: the two lists must stay the same."""
    assert cli_rhythm.NAMES == program_repos.NAMES


# What Home's first screen has no use for: the screens behind it, the practice model, the
# snapshot code (the daily snapshot starts after the first frame), encryption on a plain
# folder, and strptime (its first call builds the locale's tables, ~10 ms).
NOT_FOR_HOME = (
    "cryptography",
    "argon2",
    "_strptime",
    "csa_companion.domain.practice",
    "csa_companion.screens.journal.editor",
    "csa_companion.screens.journal.journal",
    "csa_companion.transfer.snapshots",
    "csa_companion.transfer.records",
    "csa_companion.transfer.actions",
    # building the app does not build the command line's parser
    "argparse",
    "csa_companion.cli.parser",
    # presentations, the encrypted inbox and exports load when used
    "csa_companion.screens.present",
    "csa_companion.storage.inbox",
    "csv",
    # the number of days in a month is asked only of a date typed in
    "calendar",
    # the content's classes: Home shows no content item, and the kept library opens its
    # items when first asked for (content/library.py)
    "csa_companion.content.model",
    # the palette's commands load when it first opens
    "csa_companion.screens.commands",
    # no other screen until it opens (screens open each other through screens/routes.py)
    "csa_companion.screens.data",
    "csa_companion.screens.practice",
    "csa_companion.screens.tools.tools",
    "csa_companion.screens.tools.walkthrough",
    "csa_companion.screens.rhythm.program",
    "csa_companion.screens.rhythm.reflections",
)

HOME_SCRIPT = """
import asyncio, json, sys
from pathlib import Path
from csa_companion.cli import make_app
from csa_companion.paths import bundled_content_dir

async def main():
    app = make_app(data_dir=Path(sys.argv[1]), content_dirs=[bundled_content_dir()])
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(500):
            if type(app.screen).__name__ == "HomeScreen":
                break
            await asyncio.sleep(0.01)
        await pilot.pause()
        print(json.dumps({"screen": type(app.screen).__name__, "modules": sorted(sys.modules)}))

asyncio.run(main())
"""


def test_home_starts_without_what_it_does_not_show(data_dir: Path) -> None:
    seed_journal(data_dir, ("Circle", "the quiet corner worked", ()))  # Home lists it
    load_library([bundled_content_dir()])  # kept, as after any earlier start
    done = subprocess.run(
        [sys.executable, "-c", HOME_SCRIPT, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=die_with_test_run,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["screen"] == "HomeScreen"
    assert "csa_companion.screens.home" in seen["modules"]
    assert unwanted(set(seen["modules"]), NOT_FOR_HOME) == []
