"""Export, import, snapshots and sharing as actions that return a message for the user.

The shell commands (cli/data.py) and the app's Data screen both call these, so they say the
same things. Each raises a CompanionError (one line, nothing changed) when it cannot be done.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from csa_companion.content.library import Library
from csa_companion.domain.sharing import SharedItem
from csa_companion.domain.wording import plural
from csa_companion.errors import CompanionError, UsageError
from csa_companion.paths import DataPaths
from csa_companion.storage.private_files import write_atomic
from csa_companion.storage.safe_storage import StoreWriteError
from csa_companion.storage.store import Stores
from csa_companion.transfer import snapshots as backup
from csa_companion.transfer.records import (
    FORMAT,
    Contents,
    Progress,
    TransferError,
    check_contents,
    check_times,
    check_written,
    export_contents,
    export_payload,
    import_contents,
    load_json,
    read_file,
)

SHARE_NAME = "share_name"  # the display name last shared under (a setting)


PLAIN_NOTE = (
    "plain text: anyone who has the file can read it; "
    "the shell's `export --encrypt` gives it a passphrase"
)
SEALED_NOTE = "encrypted: it opens only with its passphrase"
ENCRYPTED_FOLDER_NOTE = (
    "plain text: your data folder is encrypted, this file is not; keep it where only you can "
    "read it"
)


def plain_note(paths: DataPaths, *, files: int = 1) -> str:
    """What the message of a plain-text export (Markdown, a worksheet, a reflection, survey
    answers, a report) adds when it was written from an encrypted data folder: " (...)", or
    "" when encryption is off (then nothing in the folder is encrypted either). `files`: how
    many it wrote (a Markdown folder's are "these files")."""
    from csa_companion.storage.encryption import is_encrypted

    if not is_encrypted(paths):
        return ""
    note = ENCRYPTED_FOLDER_NOTE
    if files != 1:
        note = note.replace("this file is not; keep it", "these files are not; keep them")
    return f" ({note})"


def export_json(
    stores: Stores,
    out: Path,
    now: datetime,
    progress: Progress | None = None,
    passphrase: str | None = None,
) -> str:
    """Write the JSON export; with `passphrase`, encrypted with it (storage/crypto.py)."""
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give a file name for the JSON export")
    payload, records = export_payload(stores, now, progress)
    _write(out, _sealed(payload, passphrase))
    note = SEALED_NOTE if passphrase else PLAIN_NOTE
    return f"exported {plural(records, 'record')} to {out} ({note})"


def _sealed(payload: bytes, passphrase: str | None) -> bytes:
    if passphrase is None:
        return payload
    from csa_companion.storage.crypto import seal_standalone

    return seal_standalone(payload, passphrase)


def _opened(
    stores: Stores, raw: bytes, name: str, passphrase: Callable[[str], str] | None
) -> bytes:
    """The plaintext of a file to import: as it is, or opened with its own passphrase (an
    encrypted export or bundle), or with this folder's key (one of its own snapshots)."""
    from csa_companion.storage.crypto import (
        SealError,
        check_standalone,
        is_sealed,
        needs_own_passphrase,
        open_standalone,
    )

    if not is_sealed(raw):
        return raw
    try:
        if needs_own_passphrase(raw):
            check_standalone(raw)  # its key settings, before a passphrase is asked for
            if passphrase is None:
                raise TransferError(
                    f"{name} is encrypted with its own passphrase; import it from the shell "
                    f"(`csa-companion import {name}`), which asks for it; nothing was imported"
                )
            return open_standalone(raw, passphrase(name))
        if stores.cipher is None:
            raise TransferError(
                f"{name} is encrypted with another data folder's key; nothing was imported"
            )
        return stores.cipher.open(raw)
    except SealError as why:
        raise TransferError(f"{name} does not decrypt ({why}); nothing was imported") from None


def export_markdown(
    stores: Stores, library: Library, out: Path, progress: Progress | None = None
) -> str:
    from csa_companion.transfer.folder import write_folder

    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file; give a folder for the Markdown export")
    try:
        written = write_folder(stores, library, out, progress)
    except OSError as error:
        raise CompanionError(f"cannot write {out}: {error.strerror or error}") from None
    return f"wrote {plural(written, 'file')} to {out}{plain_note(stores.paths, files=written)}"


def import_file(
    stores: Stores,
    file: Path,
    now: datetime,
    *,
    jrnl: bool = False,
    zone: tzinfo | None = None,
    progress: Progress | None = None,
    passphrase: Callable[[str], str] | None = None,
    settings: bool = False,
) -> str:
    """Import an export, a share bundle or (with `jrnl`, or when it plainly is one) a jrnl
    export. The whole file is checked before anything is written: a record changed more than
    a day from `now` refuses it. Settings in the file are applied only with `settings` (they
    change how the app keeps the data: how many snapshots, when it locks); otherwise they are
    left out, and the message says so. `passphrase(name)` asks for the passphrase of a file
    encrypted with its own."""
    from csa_companion.transfer.bundles import ShelfRepo, bundle_from, is_bundle

    name = str(file)
    data = load_json(_opened(stores, read_file(file), name, passphrase), name)
    kept: list[str] = []

    def snapshot() -> None:
        kept.append(backup.take(stores, now, label=backup.BEFORE_IMPORT).name)

    if jrnl:
        from csa_companion.domain.jrnl import NotJrnlError, entries_from_jrnl

        try:
            entries = entries_from_jrnl(data, zone)
        except NotJrnlError as why:
            raise TransferError(
                f"{name} is not a jrnl export ({why}); make one with `jrnl --export json`; "
                "nothing was imported"
            ) from None
        found = check_contents(
            {"journal": {"journal": [e.to_doc() for e in entries]}}, name, ["journal"]
        )
    elif is_bundle(data):
        bundle = bundle_from(data, name)
        check_written(bundle.shared_at, name, now)
        counts = ShelfRepo(stores).add(bundle)
        return (
            f"imported {plural(len(bundle.items), 'shared record')} from {bundle.sharer} into "
            f"Shared with me: {counts.summary()}"
        )
    elif isinstance(data, dict) and data.get("format") == FORMAT:
        found = export_contents(data, name)
    elif isinstance(data, dict) and isinstance(data.get("entries"), list):
        raise TransferError(
            f"{name} looks like a jrnl export; import it with "
            f"`csa-companion import --from jrnl {name}`"
        )
    else:
        raise TransferError(
            f"{name} is not a csa-companion export or share bundle; nothing was imported"
        )
    check_times(found, name, now)
    applied, left_out = _settings_of(found, name, settings)
    counts = import_contents(stores, found, before=snapshot, progress=progress)
    note = f"; your data before it is kept as the snapshot {kept[0]}" if kept else ""
    if applied:
        note += f"; settings taken from the file: {', '.join(applied)}"
    if left_out:
        note += (
            f"; {plural(left_out, 'setting')} in the file left out (`import --settings` "
            "applies them)"
        )
    return f"imported {name}: {counts.summary()}{note}"


def _settings_of(found: Contents, name: str, apply: bool) -> tuple[list[str], int]:
    """Take the settings out of `found` unless `apply`; with `apply`, refuse values this app
    would refuse when set here. Returns (the keys applied, how many were left out)."""
    docs = found.get("settings", {}).get("settings", [])
    if not apply:
        found.pop("settings", None)
        return [], len(docs)
    from csa_companion.storage.encryption import LOCK_SETTING, lock_problem

    checks = {backup.KEEP_SETTING: backup.keep_problem, LOCK_SETTING: lock_problem}
    for doc in docs:
        check = checks.get(str(doc.get("key")))
        if check is not None and (why := check(doc.get("value"))):
            raise TransferError(
                f"{name}: its setting {doc['key']} = {doc.get('value')!r} is refused "
                f"({why}); nothing was imported"
            )
    return sorted({str(doc.get("key")) for doc in docs}), 0


def share(
    stores: Stores,
    items: Sequence[SharedItem],
    name: str,
    out: Path,
    now: datetime,
    passphrase: str | None = None,
) -> str:
    """Write a bundle of `items` under the display name `name` (remembered); with
    `passphrase`, encrypted with it (the bundle's own, for the people it is given to)."""
    from csa_companion.storage.repos import SettingsRepo
    from csa_companion.transfer.bundles import bundle_bytes

    if not name.strip():
        raise UsageError("give the name the people you share with will see")
    if not items:
        raise UsageError("choose at least one record to share")
    _write(out, _sealed(bundle_bytes(items, name.strip(), now), passphrase))
    # In a read-only data folder the bundle is still written; only the name is not remembered.
    with contextlib.suppress(StoreWriteError):
        SettingsRepo(stores["settings"]).set(SHARE_NAME, name.strip())
    if passphrase:
        return (
            f"wrote {plural(len(items), 'record')} to {out} ({SEALED_NOTE}: tell it to them apart)"
        )
    return f"wrote {plural(len(items), 'record')} to {out} (plain text: give it only to them)"


def human_size(size: int) -> str:
    """1234 -> '1.2 KB'."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _write(out: Path, payload: bytes) -> None:
    try:
        write_atomic(out, payload)
    except OSError as error:
        raise CompanionError(f"cannot write {out}: {error.strerror or error}") from None
