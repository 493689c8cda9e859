"""Gathering survey answers for the cohort report from files, folders and team folders.

Each path given is a survey CSV (`survey export`), a whole JSON export (`export`), a team
folder (`transfer/team.py`: the survey answers its members published, under their participant
codes), or a folder of any of these, read to any depth (hidden files and folders, and
spreadsheet lock files, skipped).
Files are read in name order, so "the one read last" (the tie-break between duplicates) is the
same on every computer. What cannot be read is left out with one line saying why: a file larger
than MAX_BYTES, a device or a pipe, a folder or file without permission. A path that does not
exist at all is an error: it is more likely a typo than a part of the cohort.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from csa_companion.domain.cohort import Answers
from csa_companion.domain.team import SURVEY, TEAM_FILE
from csa_companion.errors import CompanionError

MAX_BYTES = 100 * 1024 * 1024  # one file: 240,000 answers in one CSV are about 10 MB
SUFFIXES = (".csv", ".json")
Progress = Callable[[int, str], None]  # (files read so far, the file being read)
TeamKey = Callable[[Path], "Cipher | None"]  # an encrypted team folder -> its key

if TYPE_CHECKING:
    from csa_companion.storage.crypto import Cipher


class CohortPathError(CompanionError):
    """A path given that is not there; nothing was read."""


def gather(
    paths: Sequence[Path],
    answers: Answers | None = None,
    progress: Progress | None = None,
    team_key: TeamKey | None = None,
) -> Answers:
    """Read every survey answer under `paths` into `answers` (a new one if None).
    `team_key(folder)` gives an encrypted team folder's key (asking its passphrase); without
    it, such a team's files are left out with the team reader's notice."""
    answers = answers if answers is not None else Answers()
    for path in paths:
        if not os.path.lexists(path):
            raise CohortPathError(f"{named(path)}: no such file or folder; nothing was read")
    done = 0
    for path in paths:
        for file in _files(path, answers, team_key):
            if progress is not None:
                progress(done, named(file))
            read_one(file, answers)
            done += 1
    return answers


def _files(path: Path, answers: Answers, team_key: TeamKey | None) -> Iterator[Path]:
    """The files to read under `path`: itself if it is not a folder, else every CSV and JSON
    file below it, in name order; folders that cannot be listed are named in `answers`."""
    if not path.is_dir():
        yield path
        return
    if (path / TEAM_FILE).exists():
        read_team_folder(path, answers, team_key)
        return

    def unreadable(error: OSError) -> None:
        where = error.filename or path
        answers.skipped.append(
            f"cannot read the folder {named(where)}: {error.strerror or error}; left out"
        )

    for folder, dirs, files in os.walk(path, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if TEAM_FILE in files and Path(folder) != path:
            read_team_folder(Path(folder), answers, team_key)
            dirs[:] = []
            continue
        for name in sorted(files):
            if name.startswith((".", "~$")) or not name.lower().endswith(SUFFIXES):
                continue
            yield Path(folder, name)


def named(path: Path | str) -> str:
    """A path as text fit for a report: each byte of its name that is not UTF-8 (Python
    keeps those as lone surrogates, which no UTF-8 file can hold) as U+FFFD."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


def read_one(file: Path, answers: Answers) -> None:
    """Read one file into `answers`, or say in `answers.skipped` why it was left out."""
    try:
        info = file.stat()
    except OSError as error:
        answers.skipped.append(f"cannot read {named(file)}: {error.strerror or error}; left out")
        return
    if not stat.S_ISREG(info.st_mode):
        # /dev/zero or a pipe: reading it would go on until memory runs out
        answers.skipped.append(
            f"{named(file)} is not a regular file (a device or a pipe); left out"
        )
        return
    if info.st_size > MAX_BYTES:
        answers.skipped.append(
            f"{named(file)} is larger than {MAX_BYTES // (1024 * 1024)} MB "
            f"({info.st_size / (1024 * 1024):.0f} MB); not survey answers; left out"
        )
        return
    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # a file that grew since stat stops here
    except OSError as error:
        answers.skipped.append(f"cannot read {named(file)}: {error.strerror or error}; left out")
        return
    if len(raw) > MAX_BYTES:
        answers.skipped.append(
            f"{named(file)} is larger than {MAX_BYTES // (1024 * 1024)} MB; left out"
        )
        return
    try:
        answers.read(raw, named(file))
    except MemoryError:  # a file near MAX_BYTES on a small machine: the others still count
        answers.skipped.append(f"{named(file)} is too large to read here; left out")


def read_team_folder(folder: Path, answers: Answers, team_key: TeamKey | None = None) -> None:
    """The survey answers a team's members published, each under the participant code it
    was published with (never a member's name). An encrypted team's files are read with
    `team_key(folder)`; without it they are left out, with the team reader's notice."""
    from csa_companion.transfer.team import read_team

    cipher = team_key(folder) if team_key is not None and is_encrypted_team(folder) else None
    try:
        view = read_team(folder, cipher=cipher)
    except (CompanionError, OSError) as error:
        answers.skipped.append(f"cannot read the team folder {named(folder)}: {error}; left out")
        return
    answers.notices.extend(f"{named(folder)}: {notice}" for notice in view.notices)
    if not any(i.kind == SURVEY for m in view.members for i in m.state.live()):
        answers.skipped.append(
            f"{named(folder)}: no member of this team has published survey answers yet (each "
            "publishes theirs with `team publish --surveys`)"
        )
        return
    for member in view.members:  # each member's file counts as one file read
        before = answers.rows
        source = f"{named(folder)} (member {member.member})"
        surveys = [item for item in member.state.live() if item.kind == SURVEY]
        for number, item in enumerate(surveys, start=1):
            doc = item.document
            code = doc.get("participant") if isinstance(doc, dict) else None
            if not isinstance(code, str) or not code.strip():
                answers.problem(source, number, "has no participant code", what="survey")
                continue
            answers.response(source, number, code, doc, what="survey")
        if answers.rows > before:
            answers.files += 1


def is_encrypted_team(folder: Path) -> bool:
    """Whether the team in `folder` encrypts its files (its csa-team.json names a key)."""
    try:
        data = orjson.loads((folder / TEAM_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return False
    return isinstance(data, dict) and data.get("encryption") is not None
