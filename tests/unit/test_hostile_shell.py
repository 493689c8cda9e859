"""Every shell command against hostile settings (issue 7): a data folder that is a file or sits
below one, a read-only data folder, damaged store files of every kind, a newer store, broken
content files, text that is not UTF-8, and a closed or full stdout.

Each run starts the installed command in a subprocess, as a user would, and must end with the
expected exit status, messages on stderr that are one line each (starting "csa-companion: ")
and no traceback anywhere. A table of commands covers every command and subcommand the parser
knows (a test fails when a new one is not in it).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import pytest

from csa_companion.cli import _parser, main
from csa_companion.cli import rhythm as cli_rhythm
from csa_companion.domain.worksheet import Worksheet
from csa_companion.paths import DATA_DIR_ENV, DataPaths
from csa_companion.storage.fileformat import decode, encode
from csa_companion.storage.journal_store import JournalStore
from csa_companion.storage.migrations import SCHEMA_VERSION
from csa_companion.storage.repos import WorksheetRepo
from csa_companion.storage.store import Stores
from csa_companion.transfer.records import SHELF
from tests.conftest import START
from tests.helpers import die_with_test_run

ENTRY_POINT = Path(sys.executable).with_name("csa-companion")
CLI = [str(ENTRY_POINT)] if ENTRY_POINT.exists() else [sys.executable, "-m", "csa_companion"]
CALENDAR = Path(__file__).parent.parent / "data" / "program" / "cohort.toml"
COHORT_ANSWERS = Path(__file__).parent.parent / "data" / "cohort" / "answers.csv"
STORE_NAMES = (*Stores.NAMES, *cli_rhythm.NAMES, SHELF)
SHEET_UID = "5eed5eed5eed"
# Bytes that are not UTF-8: Latin-1, a CESU-8 surrogate pair, a cut-off sequence.
NOT_UTF8 = b"caf\xe9, \xed\xa0\xbd\xed\xb8\x80, cut \xe2\x82"


@dataclass(frozen=True)
class Command:
    """One command line; `{sheet}`, `{out}`, `{calendar}`, `{export}` and `{snapshot}` are
    filled in per run."""

    argv: tuple[str, ...]
    writes: bool = False  # changes the data folder
    store: bool = True  # opens the data folder at all
    ui: bool = False  # hands the terminal over (an app or a server): run only where it must stop
    stdin: bytes | None = None

    @property
    def name(self) -> str:
        return " ".join(self.argv) or "(no command: the app)"

    @property
    def words(self) -> tuple[str, ...]:
        """The command's words, without options and arguments."""
        return tuple(w for w in self.argv if w.isalpha() and w.islower())[:2]


COMMANDS = [
    Command((), ui=True),
    Command(("run",), ui=True),
    Command(("present", "practice", "check-in"), ui=True),
    Command(("present", "tool", "iceberg"), ui=True),
    Command(("present", "session", "1"), ui=True),
    Command(("present", "session", "1", "--audience"), ui=True),
    Command(("serve", "--port", "9"), ui=True, store=False),
    Command(("where",), store=False),
    Command(("content", "check"), store=False),
    Command(("content", "list", "--json"), store=False),
    Command(("session", "list"), store=False),
    Command(("session", "show", "2", "--start", "9:00")),
    Command(("session", "export", "orientation", "--out", "{out}")),
    Command(("worksheet", "list")),
    Command(("worksheet", "list", "--tool", "iceberg", "--json")),
    Command(("worksheet", "export", "{sheet}")),
    Command(("worksheet", "export", "{sheet}", "--out", "{out}")),
    Command(("journal", "add", "From the shell", "--title", "Shell", "--tag", "cli"), writes=True),
    Command(("journal", "add", "-"), writes=True, stdin=b"Piped in\n"),
    Command(("journal", "list")),
    Command(("journal", "list", "--search", "pickup", "--tag", "team", "--json")),
    Command(("journal", "list", "--on-this-day")),
    Command(("program", "show")),
    Command(("program", "import", "{calendar}"), writes=True),
    Command(("reflection", "list", "--json")),
    Command(("reflection", "export", "2026-11")),
    Command(("survey", "export")),
    Command(("survey", "code")),
    Command(("survey", "code", "P-17"), writes=True),
    Command(("export", "--out", "{out}")),
    Command(("export", "--format", "markdown", "--out", "{out}")),
    Command(("import", "{export}")),  # all of it is already here: nothing to write
    Command(("backup",), writes=True),
    Command(("backup", "list"), store=False),
    Command(("backup", "restore", "{snapshot}"), writes=True),
    # Writes only the bundle (outside the data folder): works read-only.
    Command(("share", "--worksheet", "{sheet}", "--name", "Me", "--out", "{out}")),
    # Reads survey answers from outside the data folder, and only content from it.
    Command(("cohort", "report", str(COHORT_ANSWERS)), store=False),
    Command(("cohort", "report", str(COHORT_ANSWERS), "--out", "{out}"), store=False),
]
# Turning encryption on changes what every other command needs (a passphrase), so these run
# against the hostile settings in tests/unit/test_encryption.py, each on its own folder.
ENCRYPTION_COMMANDS = [
    Command(("encrypt",), writes=True, store=False, stdin=b"correct horse\ncorrect horse\n"),
    Command(("decrypt",), writes=True, store=False, stdin=b"correct horse\n"),
    Command(("passphrase",), writes=True, store=False, stdin=b"correct horse\n"),
]
# The team commands need a team folder as well; they run against the hostile settings in
# tests/unit/test_team_shell.py, in this order, on one data folder and one team folder.
TEAM_COMMANDS = [
    Command(("team", "join", "{team}", "--name", "Me"), writes=True),
    Command(("team", "publish", "--worksheet", "{sheet}")),
    Command(("team", "list")),
    Command(("team", "list", "--json")),
    Command(("team", "withdraw", "{sheet}")),
    Command(("team", "leave"), writes=True),
]


@dataclass
class Run:
    command: Command
    code: int
    out: bytes
    err: str

    def describe(self) -> str:
        return (
            f"`{self.command.name}` exited {self.code}\n"
            f"stderr: {self.err!r}\nstdout: {self.out[:300]!r}"
        )


@dataclass(frozen=True)
class Setting:
    """Where and how the commands run."""

    data_dir: Path | bytes
    prefix: tuple[str, ...] = ()  # e.g. a read-only mount around the command
    extra: tuple[str, ...] = ()  # options added after the command's own words
    stdout: str = "pipe"  # or "closed", "broken-pipe", "full"
    shared: bool = False  # every command runs on the same folder (else each on its own copy)
    env: dict[str, str] = field(default_factory=dict)


def command_line(command: Command, setting: Setting, tmp: Path) -> list[str | bytes]:
    out_file = tmp / "exports" / f"{abs(hash(command.name))}.md"
    folder = Path(os.fsdecode(setting.data_dir))
    snapshots = sorted(folder.glob("backups/*.json")) if folder.is_dir() else []
    fill = {
        "sheet": SHEET_UID,
        "out": out_file,
        "calendar": CALENDAR,
        "export": folder / "exports" / "export.json",
        "snapshot": snapshots[0].name if snapshots else "none.json",
        "team": tmp / "team-folder",
    }
    argv: list[str | bytes] = [arg.format(**fill) for arg in command.argv]
    data_dir = setting.data_dir if isinstance(setting.data_dir, bytes) else str(setting.data_dir)
    return [
        *setting.prefix,
        *CLI,
        b"--data-dir" if isinstance(data_dir, bytes) else "--data-dir",
        data_dir,
        *argv,
        *setting.extra,
    ]


def environment(setting: Setting) -> dict[str, str]:
    env = {**os.environ, **setting.env}
    env.pop(DATA_DIR_ENV, None)
    return env


def run(command: Command, setting: Setting, tmp: Path) -> Run:
    """Run one command in a subprocess; bounded in time, so a hang fails instead of blocking."""
    argv = command_line(command, setting, tmp)
    env = environment(setting)
    stdout: int | None = subprocess.PIPE
    read_end = None
    if setting.stdout == "closed":
        argv = ["sh", "-c", 'exec "$@" >&-', "sh", *argv]
        stdout = None
    elif setting.stdout == "broken-pipe":
        read_end, stdout = os.pipe()
        os.close(read_end)  # the reader is gone before the command writes anything
    elif setting.stdout == "full":
        stdout = os.open("/dev/full", os.O_WRONLY)
    try:
        done = subprocess.run(
            argv,
            input=command.stdin if command.stdin is not None else b"",
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
        )
    finally:
        if isinstance(stdout, int) and stdout != subprocess.PIPE:
            os.close(stdout)
    return Run(command, done.returncode, done.stdout or b"", done.stderr.decode("utf-8", "replace"))


# What an app asks before its first screen, and the key that answers it: the person's role on a
# first start (Escape decides later), a presented tool's group worksheet title (Enter keeps it).
FIRST_QUESTIONS = ((b"Which role is closest", b"\x1b"), (b"a title for the group", b"\r"))


def run_in_terminal(command: Command, setting: Setting, tmp: Path, shown: bytes) -> Run:
    """Run an app in a pseudo-terminal of 80x24 until it shows `shown`, then press ctrl+q (again
    every few seconds, in case the app was not yet reading keys) and read everything it writes
    until it exits; all bounded in time."""
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        command_line(command, setting, tmp),
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env={**environment(setting), "TERM": "xterm-256color"},
        start_new_session=True,
        preexec_fn=die_with_test_run,
    )
    os.close(child_fd)
    output, asked_to_quit, last_ask = b"", False, 0.0
    answered: set[bytes] = set()
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main_fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(main_fd, 65536)
                except OSError:  # EIO: the app has exited and closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            for question, answer in FIRST_QUESTIONS:
                if question in output and question not in answered:
                    os.write(main_fd, answer)
                    answered.add(question)
            if shown in output and time.monotonic() - last_ask > 3:
                os.write(main_fd, b"\x11")  # ctrl+q
                asked_to_quit, last_ask = True, time.monotonic()
            if process.poll() is not None and not ready:
                break
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main_fd)
    assert asked_to_quit, f"`{command.name}` never showed {shown!r}: {output[-2000:]!r}"
    return Run(command, code, b"", output.decode("utf-8", "replace"))


def run_all(commands: Sequence[Command], setting: Setting, tmp: Path) -> list[Run]:
    """Run the commands side by side, to keep the whole table within a reasonable time; each
    on its own copy of the data folder (unless the setting shares it), so that each one meets
    the setting as it was made, not as another command left it."""
    settings = [setting] * len(commands)
    folder = Path(os.fsdecode(setting.data_dir))
    if not setting.shared and folder.is_dir():
        settings = []
        for n in range(len(commands)):
            copy = tmp / "runs" / str(n) / folder.name
            shutil.copytree(folder, copy)
            same_type = os.fsencode(copy) if isinstance(setting.data_dir, bytes) else copy
            settings.append(replace(setting, data_dir=same_type))
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda c, s: run(c, s, tmp), commands, settings))


def assert_clean(runs: list[Run]) -> None:
    """No traceback, no Python error text, and every stderr line one complete message."""
    for r in runs:
        assert "Traceback" not in r.err and b"Traceback" not in r.out, r.describe()
        assert "Error:" not in r.err and "Exception" not in r.err, r.describe()
        for line in r.err.splitlines():
            assert line.startswith("csa-companion: "), r.describe()


def one_line(r: Run, containing: str = "") -> None:
    lines = r.err.splitlines()
    assert len(lines) == 1 and containing in lines[0], r.describe()


# -- the data folder each setting starts from ------------------------------------------------


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding something in every store: entries, a worksheet, a calendar,
    a participant code, a theme."""
    folder = tmp_path_factory.mktemp("seed") / "data"
    d = str(folder)
    for argv in (
        ["journal", "add", "Pickup went well", "--tag", "team"],
        ["journal", "add", "A second entry"],
        ["program", "import", str(CALENDAR)],
        ["survey", "code", "P-1"],
    ):
        assert main(["--data-dir", d, *argv]) == 0
    sheet = Worksheet("iceberg", "Pickup", START, START, uid=SHEET_UID)
    stores = Stores(DataPaths(folder))
    WorksheetRepo(stores["worksheets"]).save(sheet)
    for name in STORE_NAMES:  # every store file exists, with a backup of the same data
        store = stores[name]
        # the journal: each of its months' files (storage/journal_store.py)
        for one in store.months() if isinstance(store, JournalStore) else [store]:
            for _ in range(2):
                with one.transaction():
                    one.storage.write(one.storage.read())
    assert main(["--data-dir", d, "backup"]) == 0  # a snapshot of all of it
    assert main(["--data-dir", d, "export", "--out", str(folder / "exports" / "export.json")]) == 0
    files = [DataPaths(folder).store_file(n) for n in STORE_NAMES if n != "journal"]
    files += list((folder / "journal").glob("*.json"))
    assert all(file.with_suffix(".json.bak").exists() for file in files)
    return folder


def copy_of(seeded: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(seeded, target)
    return target


# -- every command is in the table ------------------------------------------------------------


def leaf_commands(
    parser: argparse.ArgumentParser, words: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield words
        return
    for name, sub in subparsers[0].choices.items():
        yield from leaf_commands(sub, (*words, name))


def test_the_table_covers_every_command() -> None:
    covered = {c.words for c in (*COMMANDS, *ENCRYPTION_COMMANDS, *TEAM_COMMANDS)}
    missing = [" ".join(words) for words in leaf_commands(_parser()) if words not in covered]
    assert missing == [], "add these commands to COMMANDS in this file"
    assert () in covered  # the app itself


# -- settings ---------------------------------------------------------------------------------


SHELL_COMMANDS = [c for c in COMMANDS if not c.ui]


@pytest.fixture(scope="module")
def baseline(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[Command, Run]:
    """Every shell command on a normal data folder."""
    tmp = tmp_path_factory.mktemp("baseline")
    runs = run_all(SHELL_COMMANDS, Setting(copy_of(seeded, tmp)), tmp)
    return {r.command: r for r in runs}


def test_a_normal_data_folder(baseline: dict[Command, Run]) -> None:
    """The baseline: every command succeeds."""
    runs = list(baseline.values())
    assert_clean(runs)
    for r in runs:
        assert r.code == 0, r.describe()


@pytest.mark.parametrize("below", [False, True], ids=["is-a-file", "below-a-file"])
def test_a_data_folder_that_is_a_file(tmp_path: Path, below: bool) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    data_dir = a_file / "data" if below else a_file
    runs = run_all(COMMANDS, Setting(data_dir), tmp_path)  # the app and servers stop first
    assert_clean(runs)
    for r in runs:
        assert r.code == 2, r.describe()
        one_line(r, "which is a file, not a folder" if below else "is a file, not a folder")
    assert a_file.read_text() == "mine"
    [where] = [r for r in runs if r.command.argv == ("where",)]
    assert b"(not usable: " in where.out


@cache
def read_only_mechanism() -> str:
    """How to make a folder read-only here, even as root (who ignores permission bits): a
    read-only bind mount in a private mount namespace, else the immutable attribute."""
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=30)
    if probe.returncode == 0:
        return "mount"
    if shutil.which("chattr") and subprocess.run(
        ["chattr", "-V"], capture_output=True
    ).returncode in (0, 1):
        return "chattr"
    pytest.fail("neither `unshare -rm` nor `chattr` works here: cannot make a read-only folder")


@pytest.fixture
def read_only(seeded: Path, tmp_path: Path) -> Iterator[Setting]:
    folder = copy_of(seeded, tmp_path)
    if read_only_mechanism() == "mount":
        script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        prefix = ("unshare", "-rm", "sh", "-c", script, str(folder))
        yield Setting(folder, prefix=prefix, shared=True)
        return
    paths = [folder, *folder.rglob("*")]  # the journal's months are in a folder of their own
    subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
    try:
        yield Setting(folder, shared=True)
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def stored(folder: Path) -> dict[str, bytes]:
    """The store files and their backups (not the lock files)."""
    files = [*folder.glob("*.json*"), *folder.glob("journal/*.json*")]  # the journal's months
    return {str(p.relative_to(folder)): p.read_bytes() for p in files if ".lock" not in p.name}


def test_a_read_only_data_folder(read_only: Setting, tmp_path: Path) -> None:
    folder = Path(str(read_only.data_dir))
    before = stored(folder)
    runs = run_all(SHELL_COMMANDS, read_only, tmp_path)
    assert_clean(runs)
    for r in runs:
        if r.command.writes:
            assert r.code == 1, r.describe()
            one_line(r)
        else:
            assert r.code == 0, r.describe()  # reading works read-only
    assert stored(folder) == before


def garbage(raw: bytes) -> bytes:
    return b"\x00\xff not a store at all \x00"


def unframed_empty(raw: bytes) -> bytes:
    return b"{}"


def truncated(raw: bytes) -> bytes:
    return raw[: len(raw) * 2 // 3]


def invalid_utf8(raw: bytes) -> bytes:
    return raw.replace(b"Pickup", b"Pick\xff\xfe").replace(b'"', b'"\xc3', 1)


def bad_documents(raw: bytes) -> bytes:
    """A framed file with a valid checksum whose documents are not what the app expects."""
    schema, tables = decode(raw)
    for table in tables.values():
        table["9001"] = "x"
        table["9002"] = {"body": "b", "created": "not a date", "uid": "bad-date"}
        table["9003"] = {"body": "no uid, no created"}
    return encode(tables, schema)


def newer_schema(raw: bytes) -> bytes:
    return encode(decode(raw)[1], SCHEMA_VERSION + 1)


DAMAGE = [garbage, unframed_empty, truncated, invalid_utf8, bad_documents]


def main_files(folder: Path) -> list[Path]:
    """Every store's file (the journal's: each month's)."""
    files = [DataPaths(folder).store_file(n) for n in STORE_NAMES if n != "journal"]
    return files + sorted((folder / "journal").glob("*.json"))


@pytest.mark.parametrize("backup_too", [False, True], ids=["main", "main-and-backup"])
@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.replace("_", "-"))
def test_damaged_store_files(
    seeded: Path, tmp_path: Path, damage: Callable[[bytes], bytes], backup_too: bool
) -> None:
    """Every store file damaged the same way (and its backup too): each command still works
    on what can be read, and says what it found in one line per notice."""
    folder = copy_of(seeded, tmp_path)
    for main_file in main_files(folder):
        files = [main_file, main_file.with_name(main_file.name + ".bak")][: 2 if backup_too else 1]
        for file in files:
            file.write_bytes(damage(file.read_bytes()))
    runs = run_all(SHELL_COMMANDS, Setting(folder), tmp_path)
    assert_clean(runs)
    nothing_good_left = backup_too and damage is not bad_documents
    for r in runs:
        if nothing_good_left and "{sheet}" in r.command.argv:
            assert r.code == 1 and "no worksheet has an id" in r.err, r.describe()
        else:
            assert r.code == 0, r.describe()
        if r.command.store:  # what it found is named
            assert r.err.startswith("csa-companion: "), r.describe()


def test_a_store_written_by_a_newer_version(seeded: Path, tmp_path: Path) -> None:
    folder = copy_of(seeded, tmp_path)
    for file in main_files(folder):
        file.write_bytes(newer_schema(file.read_bytes()))
    before = stored(folder)
    # the app and present open the store before the screen starts; serve opens none
    commands = [c for c in COMMANDS if c.store or not c.ui]
    runs = run_all(commands, Setting(folder), tmp_path)
    assert_clean(runs)
    for r in runs:
        if r.command.store:
            assert r.code == 1, r.describe()
            one_line(r, "newer csa-companion")
        else:
            assert r.code == 0, r.describe()
    assert stored(folder) == before


def test_broken_content_files(seeded: Path, tmp_path: Path) -> None:
    """A broken file in the user's content folder and in a --content folder (given after the
    command): content check finds both, content list warns, the rest carry on."""
    folder = copy_of(seeded, tmp_path)
    extra = tmp_path / "extra"
    for place in (folder / "content", extra):
        place.mkdir()
        (place / "latin1.md").write_bytes(b'+++\nid = "caf\xe9"\n+++\n')
        (place / "bad-toml.md").write_text('+++\nid = "x\nkind =\n+++\n')
    runs = run_all(
        SHELL_COMMANDS,
        Setting(folder, extra=("--content", str(extra))),
        tmp_path,
    )
    assert_clean(runs)
    for r in runs:
        if r.command.argv[:2] == ("content", "check"):
            assert r.code == 1, r.describe()
            one_line(r, "4 problems")
            assert r.out.count(b"the file is not UTF-8 text") == 2
        elif r.command.argv[:2] == ("content", "list"):
            assert r.code == 0, r.describe()
            one_line(r, "skipped 4 broken files")
        else:
            assert r.code == 0, r.describe()


NOT_UTF8_ARG = NOT_UTF8.decode("utf-8", "surrogateescape")


@pytest.mark.parametrize(
    ("argv", "stdin", "code", "message"),
    [
        (
            ("journal", "add", NOT_UTF8_ARG, "--title", NOT_UTF8_ARG, "--tag", NOT_UTF8_ARG),
            None,
            0,
            "not UTF-8: each was saved as",
        ),
        (("journal", "add", "-"), NOT_UTF8, 0, "not UTF-8: each was saved as"),
        (("journal", "list", "--search", NOT_UTF8_ARG), None, 2, "--search is not valid UTF-8"),
        (("journal", "list", "--tag", NOT_UTF8_ARG), None, 2, "--tag is not valid UTF-8"),
        (("worksheet", "list", "--tool", NOT_UTF8_ARG), None, 2, "--tool is not valid UTF-8"),
        (("worksheet", "export", NOT_UTF8_ARG), None, 2, "id is not valid UTF-8"),
        (("survey", "code", NOT_UTF8_ARG), None, 0, "not UTF-8: each was saved as"),
        (("reflection", "export", NOT_UTF8_ARG), None, 2, ""),
        (("program", "import", NOT_UTF8_ARG), None, 1, "cannot read"),
        (("content", "check", NOT_UTF8_ARG), None, 2, "no such folder"),
        (("present", "tool", NOT_UTF8_ARG), None, 2, ""),
        (("present", "practice", NOT_UTF8_ARG), None, 2, ""),
        (("serve", "--tool", NOT_UTF8_ARG), None, 2, ""),
    ],
    ids=lambda v: v[1] if isinstance(v, tuple) and len(v) > 1 else None,
)
def test_text_that_is_not_utf8(
    seeded: Path,
    tmp_path: Path,
    argv: tuple[str, ...],
    stdin: bytes | None,
    code: int,
    message: str,
) -> None:
    folder = copy_of(seeded, tmp_path)
    command = Command(
        tuple(os.fsencode(a).decode("utf-8", "surrogateescape") for a in argv), stdin=stdin
    )
    [r] = run_all([command], Setting(folder), tmp_path)
    assert_clean([r])
    assert r.code == code, r.describe()
    one_line(r, message)
    for file in main_files(folder):  # no lone surrogate reached a store: every file reads
        decode(file.read_bytes())


def test_a_data_folder_whose_name_is_not_utf8(seeded: Path, tmp_path: Path) -> None:
    """A folder name in Latin-1 is a good folder: every command works in it."""
    folder = tmp_path / "caf\udce9"  # the bytes b"caf\xe9"
    shutil.copytree(seeded, folder)
    runs = run_all(SHELL_COMMANDS, Setting(os.fsencode(folder)), tmp_path)
    assert_clean(runs)
    for r in runs:
        assert r.code == 0, r.describe()
    [where] = [r for r in runs if r.command.argv == ("where",)]
    assert b"/caf\xe9\n" in where.out  # the folder's name as it is on disk


@pytest.mark.parametrize(
    ("stdout", "code", "message"),
    [
        ("broken-pipe", 141, None),  # `| head -1`: quietly, as Unix tools do
        ("closed", 1, "cannot write the output: standard output is closed"),
        ("full", 1, "cannot write the output: No space left on device"),
    ],
)
def test_a_closed_or_full_stdout(
    seeded: Path,
    tmp_path: Path,
    baseline: dict[Command, Run],
    stdout: str,
    code: int,
    message: str | None,
) -> None:
    """A command with output to write fails as other Unix tools do; one without carries on."""
    runs = run_all(SHELL_COMMANDS, Setting(copy_of(seeded, tmp_path), stdout=stdout), tmp_path)
    assert_clean(runs)
    for r in runs:
        if not baseline[r.command].out:
            assert r.code == 0 and r.err == baseline[r.command].err, r.describe()
        elif message is None:
            assert r.code == code and r.err == "", r.describe()
        else:
            assert r.code == code, r.describe()
            one_line(r, message)


# -- the app itself, in a terminal --------------------------------------------------------------


def damaged_everywhere(folder: Path, damage: Callable[[bytes], bytes]) -> None:
    for main_file in main_files(folder):
        for file in (main_file, main_file.with_name(main_file.name + ".bak")):
            file.write_bytes(damage(file.read_bytes()))


APP = Command(())
PRESENT = Command(("present", "tool", "iceberg"))


@pytest.mark.parametrize(
    "setting",
    ["garbage", "bad-documents", "read-only", "broken-content", "latin-1-folder"],
)
def test_the_app_starts_and_quits_in_each_setting(
    seeded: Path, tmp_path: Path, read_only: Setting, setting: str
) -> None:
    """The app (and a presentation) opens on what it can read, shows Home, and quits with
    ctrl+q: exit 0 and no traceback on the terminal."""
    folder = copy_of(seeded, tmp_path / "own")
    chosen = Setting(folder)
    if setting == "garbage":
        damaged_everywhere(folder, garbage)
    elif setting == "bad-documents":
        damaged_everywhere(folder, bad_documents)
    elif setting == "read-only":
        chosen = read_only
    elif setting == "broken-content":
        (folder / "content").mkdir()
        (folder / "content" / "latin1.md").write_bytes(b'+++\nid = "caf\xe9"\n+++\n')
        chosen = Setting(folder, extra=("--content", str(folder / "content")))
    else:
        latin = tmp_path / "caf\udce9"
        shutil.copytree(folder, latin)
        damaged_everywhere(latin, truncated)  # so that the folder's name is shown in notices
        chosen = Setting(os.fsencode(latin))
    # Home's title: at 80x24 the role dialog (asked at the first start) covers "Learn" in
    # Home's menu once Home is drawn before the dialog, as it is when the journal opens fast
    for command, shown in ((APP, b"Home"), (PRESENT, b"Step 1 of")):
        r = run_in_terminal(command, chosen, tmp_path, shown)
        assert "Traceback" not in r.err and "Error" not in r.err, r.describe()
        assert r.code == 0, r.describe()
