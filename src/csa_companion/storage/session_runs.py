"""Where a running session keeps its state: one small JSON file per plan in the data folder's
`sessions/` folder, written atomically at every change by the presenter and polled by the
audience views (other processes, a browser's among them).

The state holds plan and block ids and times only (see domain/session.py), never anything a
person wrote, so it is kept plain even in an encrypted data folder: the audience views, which
never have the passphrase, must read it. Records of finished runs go to `exports/sessions/`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson

from csa_companion.domain.program import Program
from csa_companion.paths import DataPaths
from csa_companion.storage.private_files import write_atomic

FOLDER = "sessions"
SUFFIX = ".run.json"
MAX_BYTES = 1 << 20
"""A run state is a few kilobytes; anything much larger is not one."""


def run_path(paths: DataPaths, plan_id: str) -> Path:
    return paths.root / FOLDER / f"{plan_id}{SUFFIX}"


def records_folder(paths: DataPaths) -> Path:
    return paths.root / "exports" / FOLDER


def save_run(path: Path, doc: dict[str, Any]) -> None:
    """Replace the state file all at once (0600). Raises OSError."""
    write_atomic(path, orjson.dumps(doc))


def read_run(path: Path) -> dict[str, Any] | None:
    """The saved state, or None when there is none or it cannot be read (half of nothing is
    never seen: writes are atomic)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_BYTES:
        return None
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) else None


def stamp(path: Path) -> tuple[int, int] | None:
    """What changes when the file is replaced (its inode and time), to skip unchanged reads."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns)


def read_calendar(paths: DataPaths) -> Program | None:
    """The program calendar when it can be read without the passphrase (the template when none
    was set), else None (an encrypted folder): presenting never asks for the passphrase."""
    from datetime import date

    from csa_companion.domain.program import template
    from csa_companion.storage.encryption import read_key

    try:
        if read_key(paths) is not None:
            return None
        if not paths.store_file("program").exists():
            return template(date.today())
        from csa_companion.storage.program_repos import Rhythm
        from csa_companion.storage.store import Stores

        return Rhythm.open(Stores(paths)).program.get(date.today())
    except Exception:
        return None


def remove_run(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
