"""Where the user's data and own content live; computed when asked, never at import time."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from csa_companion.errors import UsageError

APP_NAME = "csa-companion"
DATA_DIR_ENV = "CSA_COMPANION_DATA_DIR"


def expanded(text: str) -> Path:
    """`text` as a path, a leading ~ or ~user expanded; a ~user with no home folder is a
    UsageError (pathlib raises a bare RuntimeError)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        raise UsageError(f"{text}: there is no home folder for {text.split('/')[0]}") from None


def default_data_dir() -> Path:
    """The data dir: $CSA_COMPANION_DATA_DIR if set, else the platform's user data dir."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return expanded(override)
    import platformdirs  # imported here: only needed when no override is given

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def bundled_content_dir() -> Path:
    """The teaching content shipped with the app (inside the wheel, or the repo's content/)."""
    packaged = Path(__file__).resolve().parent / "bundled_content"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "content"


@dataclass(frozen=True)
class DataPaths:
    """Every file the app keeps in one data dir."""

    root: Path

    @property
    def user_content(self) -> Path:
        return self.root / "content"

    @property
    def backups(self) -> Path:
        """The snapshots' folder (transfer/snapshots.py)."""
        return self.root / "backups"

    def store_file(self, name: str) -> Path:
        return self.root / f"{name}.json"

    @property
    def exports(self) -> Path:
        """Where the app writes exports: the one place in the data folder output may go."""
        return self.root / "exports"

    def would_replace_data(self, out: Path) -> bool:
        """True if `out` is the data folder or anywhere inside it, its `exports` folder
        aside, whether or not it exists yet: `export --out DATA/journal.json` replaced the
        journal, `--out DATA/worksheets.json` made a store of an export at the next start, and
        a Markdown folder in `DATA/backups` filled the snapshots' folder."""
        target, folder = out.expanduser().resolve(), self.root.expanduser().resolve()
        exports = self.exports.expanduser().resolve()
        if target == exports or exports in target.parents:
            return False
        return target == folder or folder in target.parents

    def check_out(self, out: Path | None, option: str = "--out") -> None:
        """Refuse (UsageError) an output path in the data folder: every command that writes a
        file or folder the user names calls this (the shell does it for any `--out`)."""
        if out is not None and self.would_replace_data(out):
            raise UsageError(
                f"{option} {out} is in the data folder, where it could replace your data or be "
                f"taken for it; write it somewhere else (such as {self.exports})"
            )

    def problem(self) -> str | None:
        """Why the data dir cannot be a folder (it, or a folder above it, is a file), or None.
        Other problems (permissions) are met, and explained, when the store opens."""
        for path in (self.root, *self.root.parents):
            try:
                if not path.exists():  # also False below a file
                    continue
                if path.is_dir():
                    return None
            except OSError:
                return None
            if path == self.root:
                return f"the data folder {self.root} is a file, not a folder"
            return f"the data folder {self.root} is inside {path}, which is a file, not a folder"
        return None

    def ensure(self) -> None:
        """Create the data dir, private to this user (0700). A folder that cannot be changed
        (a read-only mount, an immutable folder) is used as it is: reading still works."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise UsageError(self.problem() or f"{self.root} is not a folder") from None
        if self.root.stat().st_mode & 0o777 != 0o700:
            with contextlib.suppress(OSError):
                os.chmod(self.root, 0o700)
