"""What a presentation saves on an encrypted data folder, kept without the passphrase: sealed to
the owner, and joined to their data at the next unlock.

A presentation (`present practice`, `present tool`, `serve` without `--app`) runs in front of a
group and never asks for the personal passphrase, so it cannot open the encrypted stores. What
it saves (a group worksheet, practice presets; a facilitator's session record) goes to the
data folder's `inbox/` instead, sealed to the owner's public key:

- `inbox/owner-key.json` holds an X25519 key pair made at the first unlock (`ensure_owner_key`):
  the public half in the clear, the private half sealed with the folder's data key (itself
  wrapped by the passphrase-derived key in `key.json`, so a passphrase change leaves the pair as
  it is). The private half's header names the public half, authenticated, so a public key
  swapped in the file is caught at the next unlock (a fresh pair is made and the notice says so).
- Each saved record is one file, `inbox/<kind>-<hash of its key>.sealed`, replaced whole at
  every save (the newest version wins): an ephemeral X25519 key agreed with the owner's public
  key, HKDF-SHA256 to an AES-256-GCM key, the header line as associated data (`seal_for_owner`).
  Anyone can seal; only the passphrase opens, so nothing in the folder is plaintext.
- At the next unlock (the app, or a shell command given the passphrase) `join_inbox` opens each
  file, checks it, applies it to the stores and removes it. A file that does not open (sealed to
  another key) is kept aside as `*.unopened`, never deleted.

Anyone who can write the data folder can seal a file too, so the inbox accepts only what a
presentation writes: each kind (`InboxKind`) names its store, table, key field and which
documents it accepts, and every document must pass the store's own document check. A new kind
(such as a facilitator's session record) is one `register_kind(...)` call; a repository writes
through `PresentationSink.put(kind, doc)` / `.remove(kind, key)`:

    register_kind("session-record", InboxKind("sessions", "sessions", "uid", accepts, "updated"))
    sink = PresentationSink.open(paths)   # NoOwnerKey when no unlock has made the pair yet
    sink.put("session-record", record.to_doc())

A presentation cannot read back what it sealed (only the owner can): it keeps its own copy in its
throwaway store for as long as it runs.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from csa_companion.errors import CompanionError
from csa_companion.paths import DataPaths
from csa_companion.storage.crypto import Cipher, SealError
from csa_companion.storage.lock import FileLock, LockTimeout
from csa_companion.storage.private_files import write_atomic

if TYPE_CHECKING:
    from csa_companion.storage.store import Stores

INBOX = "inbox"
OWNER_KEY = "owner-key.json"
OWNER_FORMAT = "csa-companion-owner-key"
SEALED_FOR_OWNER = "csa-companion-sealed-for-owner"
SUFFIX = ".sealed"
UNOPENED = ".unopened"
HKDF_INFO = b"csa-companion inbox v1"
NONCE_BYTES = 12


class NoOwnerKey(CompanionError):
    """An encrypted folder whose inbox key pair has not been made yet (no unlock since)."""


def inbox_dir(paths: DataPaths) -> Path:
    return paths.root / INBOX


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise SealError("a field is not text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SealError("a field is not valid base64") from None


def fingerprint(public: bytes) -> str:
    """A short name for a public key, written in each sealed file's header."""
    return hashlib.sha256(public).hexdigest()[:16]


# -- sealing to a public key ----------------------------------------------------------------


def _derive(shared: bytes, ephemeral: bytes, owner: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), 32, salt=None, info=HKDF_INFO + ephemeral + owner).derive(shared)


def seal_for_owner(owner_public: bytes, plaintext: bytes) -> bytes:
    """`plaintext` sealed so that only the holder of the private half of `owner_public` (a raw
    X25519 public key) can open it: a header line, then AES-256-GCM ciphertext."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = serialization.Encoding.Raw
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(owner_public))
    key = _derive(shared, ephemeral_public, owner_public)
    nonce = os.urandom(NONCE_BYTES)
    header = {
        "format": SEALED_FOR_OWNER,
        "version": 1,
        "owner": fingerprint(owner_public),
        "ephemeral": _b64(ephemeral_public),
        "nonce": _b64(nonce),
    }
    line = orjson.dumps(header) + b"\n"
    return line + AESGCM(key).encrypt(nonce, plaintext, line)


@dataclass(frozen=True)
class OwnerKey:
    """The inbox key pair: `private` is None where only sealing is possible (a presentation)."""

    public: bytes
    private: bytes | None = None

    def open(self, raw: bytes) -> bytes:
        """The plaintext of a file sealed to this key, or SealError."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.asymmetric.x25519 import (
            X25519PrivateKey,
            X25519PublicKey,
        )
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if self.private is None:
            raise SealError("only the owner can open it")
        end = raw.find(b"\n", 0, 4096)
        if end < 0:
            raise SealError("it is not a sealed inbox file")
        line = raw[: end + 1]
        try:
            header = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise SealError("its header is not valid") from None
        if not isinstance(header, dict) or header.get("format") != SEALED_FOR_OWNER:
            raise SealError("it is not a sealed inbox file")
        if header.get("version") != 1:
            raise SealError("it is from a newer csa-companion")
        if header.get("owner") != fingerprint(self.public):
            raise SealError("it was sealed to another key")
        ephemeral, nonce = _unb64(header.get("ephemeral")), _unb64(header.get("nonce"))
        if len(ephemeral) != 32 or len(nonce) != NONCE_BYTES:
            raise SealError("its header is not valid")
        private = X25519PrivateKey.from_private_bytes(self.private)
        try:
            shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        except ValueError:
            raise SealError("its header is not valid") from None
        key = _derive(shared, ephemeral, self.public)
        try:
            return AESGCM(key).decrypt(nonce, raw[end + 1 :], line)
        except InvalidTag:
            raise SealError("it is cut off or was changed after it was written") from None


def _new_pair() -> OwnerKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.generate()
    return OwnerKey(
        private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        ),
        private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        ),
    )


def _public_of(private: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return (
        X25519PrivateKey.from_private_bytes(private)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


# -- the owner's key pair -------------------------------------------------------------------


def owner_key_path(paths: DataPaths) -> Path:
    return inbox_dir(paths) / OWNER_KEY


def _key_lock(paths: DataPaths) -> FileLock:
    return FileLock(str(inbox_dir(paths) / ".owner-key.lock"), timeout=10.0)


def read_owner_key(paths: DataPaths) -> dict[str, Any] | None:
    """The key pair's file as stored, or None if there is none (or it is not readable)."""
    try:
        doc = orjson.loads(owner_key_path(paths).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return doc if isinstance(doc, dict) and doc.get("format") == OWNER_FORMAT else None


def public_key(paths: DataPaths) -> bytes | None:
    """The owner's public key, readable without the passphrase; None when there is none."""
    doc = read_owner_key(paths)
    if doc is None:
        return None
    try:
        public = _unb64(doc.get("public"))
    except SealError:
        return None
    return public if len(public) == 32 else None


def _unsealed_pair(doc: dict[str, Any], cipher: Cipher) -> OwnerKey | None:
    """The pair in `doc` with its private half opened, if it opens and matches its public
    half; else None."""
    try:
        public = _unb64(doc.get("public"))
        private = cipher.open(_unb64(doc.get("private")))
    except SealError:
        return None
    if len(private) != 32 or _public_of(private) != public:
        return None
    return OwnerKey(public, private)


def ensure_owner_key(paths: DataPaths, cipher: Cipher) -> tuple[OwnerKey, str | None]:
    """The folder's inbox key pair, made (and written) if it has none or if the one there does
    not open with the data key; with a notice when an existing pair had to be replaced."""
    folder = inbox_dir(paths)
    folder.mkdir(mode=0o700, exist_ok=True)
    lock = _key_lock(paths)
    lock.acquire()
    try:
        doc = read_owner_key(paths)
        if doc is not None:
            pair = _unsealed_pair(doc, cipher)
            if pair is not None:
                return pair, None
        had_one = owner_key_path(paths).exists()
        pair = _new_pair()
        assert pair.private is not None
        sealed = cipher.seal(pair.private, {"public": _b64(pair.public)})
        record = {"format": OWNER_FORMAT, "version": 1, "public": _b64(pair.public)}
        record["private"] = _b64(sealed)
        write_atomic(owner_key_path(paths), orjson.dumps(record, option=orjson.OPT_INDENT_2))
    finally:
        lock.release()
    if not had_one:
        return pair, None
    return pair, (
        f"{owner_key_path(paths)} did not match your data key (it was changed or damaged): a "
        "new one was made. Presentations started before now saved to the old one; their "
        "files stay in the inbox folder, unopened."
    )


# -- what may arrive ------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxKind:
    """One kind of record a presentation hands over: documents of `store`'s `table`, matched by
    `key_field`. `accepts` says which documents of that table a presentation may write;
    `newer_field` (an ISO time) keeps the stored document when it is newer; `label` names one
    record in the notice after joining (None: joined without a word)."""

    store: str
    table: str
    key_field: str
    accepts: Callable[[dict[str, Any]], bool]
    newer_field: str | None = None
    label: str | None = None


KINDS: dict[str, InboxKind] = {}


def register_kind(name: str, kind: InboxKind) -> None:
    KINDS[name] = kind


PRESENTATION_SETTINGS = ("present-theme", "reduced_motion")
PRESENTATION_SETTING_PREFIXES = ("practice-preset:",)


def is_presentation_setting(key: object) -> bool:
    """A setting a presentation may hand over (its theme, practice presets)."""
    return isinstance(key, str) and (
        key in PRESENTATION_SETTINGS or key.startswith(PRESENTATION_SETTING_PREFIXES)
    )


register_kind(
    "group-worksheet",
    InboxKind(
        "worksheets",
        "worksheets",
        "uid",
        lambda doc: doc.get("group") is True,
        newer_field="updated",
        label="group worksheet",
    ),
)
register_kind(
    "setting",
    InboxKind("settings", "settings", "key", lambda doc: is_presentation_setting(doc.get("key"))),
)


# -- writing (a presentation) ---------------------------------------------------------------


def _file_name(kind: str, key: str) -> str:
    return f"{kind}-{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:24]}"


class PresentationSink:
    """Where a presentation on a locked encrypted folder saves: one sealed file per record in
    the inbox. Raises StoreWriteError (the app's usual "Not saved") when the file cannot be
    written."""

    def __init__(self, paths: DataPaths, owner_public: bytes, clock: Callable[[], datetime]):
        self.paths = paths
        self.owner_public = owner_public
        self._now = clock

    @classmethod
    def open(
        cls, paths: DataPaths, clock: Callable[[], datetime] | None = None
    ) -> PresentationSink:
        """The sink for `paths`; NoOwnerKey when no unlock has made the key pair yet."""
        public = public_key(paths)
        if public is None:
            raise NoOwnerKey(
                "this encrypted data folder cannot keep what a presentation saves until you "
                "unlock it once more (open csa-companion and enter your passphrase); then "
                "presenting never asks for it"
            )
        return cls(paths, public, clock or (lambda: datetime.now(UTC)))

    def put(self, kind: str, doc: dict[str, Any]) -> None:
        """Keep `doc` (a document of `kind`'s table) for the owner, replacing any earlier
        version of the same record."""
        spec = KINDS[kind]
        key = doc[spec.key_field]
        self._write(kind, key, {"op": "put", "doc": doc})

    def remove(self, kind: str, key: str) -> None:
        """Tell the owner the record `key` of `kind` is gone (a group worksheet left empty)."""
        self._write(kind, key, {"op": "remove"})

    def _write(self, kind: str, key: str, body: dict[str, Any]) -> None:
        from csa_companion.storage.safe_storage import StoreReadOnlyError, StoreWriteError

        payload = {"kind": kind, "key": key, "written": self._now().isoformat(), **body}
        sealed = seal_for_owner(self.owner_public, orjson.dumps(payload))
        path = inbox_dir(self.paths) / (_file_name(kind, key) + SUFFIX)
        try:
            path.parent.mkdir(mode=0o700, exist_ok=True)
            lock = _inbox_lock(self.paths, timeout=5.0)
            lock.acquire()
            try:
                write_atomic(path, sealed)
            finally:
                lock.release()
        except LockTimeout:
            raise StoreWriteError(
                f"cannot save in {path.parent}: another csa-companion held it too long. "
                "What is on screen stays there."
            ) from None
        except OSError as error:
            reason = error.strerror or str(error)
            if isinstance(error, PermissionError) or error.errno == 30:  # EROFS
                raise StoreReadOnlyError(
                    f"cannot save in {path.parent}: {reason}. What is on screen stays there."
                ) from None
            raise StoreWriteError(
                f"cannot save in {path.parent}: {reason}. What is on screen stays there."
            ) from None


# -- joining (at unlock) --------------------------------------------------------------------


def pending(paths: DataPaths) -> list[Path]:
    """The sealed files waiting in the inbox, oldest first."""
    try:
        found = [p for p in inbox_dir(paths).iterdir() if p.name.endswith(SUFFIX)]
    except OSError:
        return []

    def age(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=age)


def join_inbox(stores: Stores) -> list[str]:
    """At unlock (`stores` has the data key): make the key pair if there is none, apply every
    sealed file in the inbox to the stores and remove it. Returns the notices to show."""
    cipher, paths = stores.cipher, stores.paths
    if cipher is None or not paths.root.is_dir():
        return []
    notices: list[str] = []
    try:
        owner, replaced = ensure_owner_key(paths, cipher)
    except (OSError, LockTimeout):
        return []  # a read-only folder: the inbox waits for an unlock that can write
    if replaced:
        notices.append(replaced)
    joined: dict[str, int] = {}
    refused: list[str] = []
    for path in pending(paths):
        outcome = _join_one(stores, owner, path)
        if outcome is None:
            continue
        kind, ok = outcome
        if ok:
            label = KINDS[kind].label if kind in KINDS else None
            if label:
                joined[label] = joined.get(label, 0) + 1
        else:
            refused.append(path.name)
    if joined:
        from csa_companion.domain.wording import plural

        what = ", ".join(plural(count, label) for label, count in joined.items())
        notices.append(f"Saved by a presentation while your data was locked, now with it: {what}.")
    if refused:
        notices.append(
            f"{plural_files(len(refused))} in {inbox_dir(paths)} could not be opened or read "
            f"and {'was' if len(refused) == 1 else 'were'} kept aside, unchanged "
            f"(*{UNOPENED}): {', '.join(refused[:5])}"
        )
    return notices


def plural_files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _inbox_lock(paths: DataPaths, timeout: float) -> FileLock:
    """Held while a sealed file is written, and while one is joined and removed, so that a
    save made meanwhile is never removed unread."""
    return FileLock(str(inbox_dir(paths) / ".inbox.lock"), timeout=timeout)


def _join_one(stores: Stores, owner: OwnerKey, path: Path) -> tuple[str, bool] | None:
    """Apply one sealed file and remove it: (its kind, True); ("", False) when it was set
    aside; None when it is gone, busy, or its store cannot be written now (it waits)."""
    from csa_companion.storage.safe_storage import StoreError

    lock = _inbox_lock(stores.paths, timeout=1.0)
    try:
        lock.acquire()
    except (LockTimeout, OSError):
        return None
    try:
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            record = _record(owner.open(raw))
        except SealError:
            _set_aside(path)
            return ("", False)
        try:
            _apply(stores, record)
            path.unlink()
        except (StoreError, OSError):
            return None
        return (record["kind"], True)
    finally:
        lock.release()


def _set_aside(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.rename(path.with_name(path.name + UNOPENED))


def _record(plaintext: bytes) -> dict[str, Any]:
    """The record in a sealed file, checked against its kind; SealError if it is not one."""
    from csa_companion.storage.documents import problem

    try:
        record = orjson.loads(plaintext)
    except orjson.JSONDecodeError:
        raise SealError("it is not valid JSON") from None
    if not isinstance(record, dict) or record.get("kind") not in KINDS:
        raise SealError("it is not a record a presentation writes")
    kind = KINDS[record["kind"]]
    key = record.get("key")
    if not isinstance(key, str):
        raise SealError("its record has no key")
    if record.get("op") == "remove":
        return record
    doc = record.get("doc")
    if record.get("op") != "put" or not isinstance(doc, dict) or doc.get(kind.key_field) != key:
        raise SealError("its record is not complete")
    if not kind.accepts(doc) or problem(kind.table, "1", doc) is not None:
        raise SealError("its record is not one a presentation may save")
    return record


def _apply(stores: Stores, record: dict[str, Any]) -> None:
    from tinydb import Query

    kind = KINDS[record["kind"]]
    store = stores[kind.store]
    match = Query()[kind.key_field] == record["key"]
    with store.transaction():
        table = store.table(kind.table)
        stored = table.get(match)
        if record["op"] == "remove":
            if isinstance(stored, dict) and kind.accepts(dict(stored)):
                table.remove(match)
            return
        doc = record["doc"]
        if isinstance(stored, dict) and kind.newer_field and _newer(stored, doc, kind.newer_field):
            return
        if stored is not None:
            table.update(doc, match)
        else:
            table.insert(doc)


def _newer(stored: Any, doc: dict[str, Any], field: str) -> bool:
    """True when the stored document was changed after `doc`."""
    try:
        return bool(datetime.fromisoformat(stored[field]) > datetime.fromisoformat(doc[field]))
    except (KeyError, TypeError, ValueError):
        return False


def forget_owner_key(paths: DataPaths) -> None:
    """Encryption was turned off: the key pair goes (its private half was sealed with the data
    key, which is gone too)."""
    with contextlib.suppress(OSError):
        owner_key_path(paths).unlink()
