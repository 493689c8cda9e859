"""The only place that wires the pieces together: `make_app` builds the app on a data folder
and content folders (tests call it with a tmp_path), and `content_dirs` says which content
folders load, in which order.

Textual and the content loader are imported only when an app is made, so that shell commands
start fast.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from csa_companion.clock import Clock, SystemClock
from csa_companion.paths import DataPaths, bundled_content_dir, default_data_dir
from csa_companion.storage.encryption import read_key
from csa_companion.storage.store import Stores

if TYPE_CHECKING:
    from csa_companion.app import CompanionApp
    from csa_companion.services import PresentTarget
    from csa_companion.storage.crypto import Cipher


def content_dirs(paths: DataPaths, extra: Sequence[Path] = ()) -> list[Path]:
    """Bundled content, then the user's content folder, then --content folders (later wins)."""
    return [bundled_content_dir(), paths.user_content, *extra]


def make_app(
    *,
    data_dir: Path,
    content_dirs: Sequence[Path],
    clock: Clock | None = None,
    lock_timeout: float = 5.0,
    refresh_seconds: float = 2.0,
    present: PresentTarget | None = None,
    daily_backup: bool = False,
    cipher: Cipher | None = None,
    ask_role: bool = False,
) -> CompanionApp:
    """Build the app on a data dir and content folders; tests call this with a tmp_path.

    With `present`, the app is a presentation for a shared screen: its personal stores are an
    empty folder removed at exit, so nothing personal can be shown. With `daily_backup`, the
    first start of each day takes a snapshot (in a thread, once the first frame is up); with
    `ask_role`, the app asks the person's role at start until one is chosen. On an
    encrypted data folder the app asks for the passphrase first, unless `cipher` (the unlocked
    key) is given."""
    from csa_companion.app import CompanionApp  # Textual is imported only to run the app
    from csa_companion.content.cache import load_library  # parsed once, kept between starts

    # Start-up makes many long-lived objects (the stored data, the widgets): collecting garbage
    # among them only costs time. The app turns collection back on once its first frame is up.
    gc.disable()
    paths = DataPaths(data_dir)
    clock = clock or SystemClock()
    if present is not None and present.data_dir is None:
        present = replace(present, data_dir=paths.root)
    sink = None
    try:
        key_record = read_key(paths)
        stores = Stores(paths, lock_timeout=lock_timeout, cipher=cipher)
        if present is not None and key_record is not None and cipher is None:
            # A presentation never asks for the passphrase: it opens nothing encrypted, and
            # what it saves is sealed for the owner (NoOwnerKey before the first unlock).
            from csa_companion.storage.inbox import PresentationSink

            sink = PresentationSink.open(paths, clock.now)
        # Open now, so a locked or too-new store stops us before the UI starts (a presentation
        # opens only what it uses: it never reads the journal). An encrypted folder is opened
        # once the app has asked for the passphrase.
        elif key_record is None or cipher is not None:
            stores["settings" if present is not None else "journal"]
    except BaseException:
        gc.enable()
        raise
    library = load_library(content_dirs)
    own = {bundled_content_dir(), stores.paths.user_content}
    return CompanionApp(
        stores=stores,
        library=library,
        clock=clock,
        refresh_seconds=refresh_seconds,
        present=present,
        blank=_blank_stores() if present is not None else None,
        check_command=check_command(data_dir, [d for d in content_dirs if d not in own]),
        daily_backup=daily_backup,
        ask_role=ask_role,
        key_record=key_record,
        sink=sink,
    )


def _blank_stores() -> Stores:
    """Empty stores in a temporary folder, removed when the process ends."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="csa-companion-present-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Stores(DataPaths(folder))


def check_command(data_dir: Path, extra_content: Sequence[Path]) -> str:
    """The `content check` command that checks what an app on these folders loads."""
    import shlex

    words = ["csa-companion"]
    if data_dir != default_data_dir():
        words += ["--data-dir", str(data_dir)]
    for folder in extra_content:
        words += ["--content", str(folder)]
    return shlex.join([*words, "content", "check"])
