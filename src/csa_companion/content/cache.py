"""The parsed bundled content, kept between starts: parsing ~25 content files' TOML front
matter took ~13 ms of CPU (the largest fixed cost of a start after Textual's own imports),
reading it back takes ~1 ms.

Only a library read from the bundled content alone is kept: when the user's content folder,
or a --content folder, holds any Markdown file, everything is parsed as before (so nothing the
user wrote is ever copied out of the data folder). The key is the name, size and modification
time of every bundled file, a digest of the content package's own modules, and the app's and
Python's versions: any change parses again. The file is in the platform's cache folder
($XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows;
$CSA_COMPANION_CACHE_DIR if set), private to the user. Anything wrong with it (missing,
unreadable, damaged, another user's) only means parsing again; failing to write it is silent.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csa_companion.paths import APP_NAME, bundled_content_dir
from csa_companion.platforms import binary, replace

if TYPE_CHECKING:
    from csa_companion.content.library import Library

CACHE_DIR_ENV = "CSA_COMPANION_CACHE_DIR"
CACHE_FILE = "content.pickle"
FORMAT = 2  # 2: the library keeps its items pickled until first asked for


def cache_dir() -> Path:
    """Where the cache lives (computed here, without platformdirs' import: ~5 ms)."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":  # pragma: no cover - not run on CI
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_NAME / "Cache"
    if sys.platform == "darwin":  # pragma: no cover - not run on CI
        return Path.home() / "Library" / "Caches" / APP_NAME
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / APP_NAME


def load_library(dirs: Sequence[Path]) -> Library:
    """The library of `dirs` (content/loader.py's load_library), read from the cache when only
    the bundled content holds files and nothing changed since it was kept."""
    key = _key(dirs)
    if key is not None:
        kept = _read(key)
        if kept is not None:
            return kept
    from csa_companion.content.loader import load_library as parse

    library = parse(dirs)
    if key is not None:
        _write(key, library)
    return library


def _stamps(files: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    stamps = []
    for path in files:
        stat = path.stat()
        stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def _key(dirs: Sequence[Path]) -> tuple[Any, ...] | None:
    """What the kept library must have been read from; None when it may not be kept."""
    bundled = bundled_content_dir()
    if not dirs or dirs[0] != bundled:
        return None
    try:
        for folder in dirs[1:]:
            if folder.is_dir() and next(folder.rglob("*.md"), None) is not None:
                return None  # the user's own content: parsed every time, never copied
        files = sorted(bundled.rglob("*.md"))
        return (FORMAT, sys.version_info[:3], _stamps(files), _code())
    except OSError:
        return None


def _code() -> tuple[str, str, tuple[tuple[str, int, int], ...]]:
    """What the kept objects were made by: the version, a digest of the content package's
    modules (an upgrade may keep their sizes and times), and a frozen program's own file."""
    import hashlib

    from csa_companion import __version__

    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    frozen = _stamps([Path(sys.executable)]) if getattr(sys, "frozen", False) else ()
    return (__version__, digest.hexdigest(), frozen)


def _read(key: tuple[Any, ...]) -> Library | None:
    path = cache_dir() / CACHE_FILE
    try:
        with path.open("rb") as file:
            stat = os.fstat(file.fileno())
            if hasattr(os, "getuid") and (stat.st_uid != os.getuid() or stat.st_mode & 0o022):
                return None  # another user's, or others may write it: not to be unpickled
            import pickle

            kept_key, library = pickle.load(file)
    except Exception:  # missing, unreadable, damaged, or from another version's classes
        return None
    from csa_companion.content.library import Library

    if kept_key != key or not isinstance(library, Library) or not library.intact():
        return None
    return library


def _write(key: tuple[Any, ...], library: Library) -> None:
    import pickle

    folder = cache_dir()
    temp = folder / f".{CACHE_FILE}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = pickle.dumps((key, library), protocol=pickle.HIGHEST_PROTOCOL)
        fd = os.open(temp, binary(os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        replace(temp, folder / CACHE_FILE)
    except Exception:  # a read-only home, a full disk: the next start parses again
        with contextlib.suppress(OSError):
            temp.unlink()
