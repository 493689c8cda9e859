"""Encryption at rest: bytes in, bytes out. AES-256-GCM under a random data key, which a key
derived from the passphrase (Argon2id) wraps.

A data folder with encryption on holds `key.json`: the Argon2id salt and parameters, a key id,
and the data key sealed with the passphrase's key. Every encrypted file starts with one header
line naming the key id and the file's fresh 96-bit nonce; the header is authenticated with the
contents (AES-GCM's associated data), so neither can be changed unnoticed:

    {"format": "csa-companion-encrypted", "version": 1, "key": ID, "nonce": B64}
    <AES-256-GCM ciphertext and tag>

A file meant to travel on its own (a share bundle, an export) carries its key record in its
header (`"keyring": {...}`), wrapped by its own passphrase. Changing the passphrase re-wraps the
data key only. `cryptography` is imported on first use: commands on a plain folder never pay for
it.
"""

from __future__ import annotations

import base64
import binascii
import os
import unicodedata
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import orjson

from csa_companion.errors import CompanionError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED_FORMAT = "csa-companion-encrypted"
KEY_FORMAT = "csa-companion-key"
SEALED_PREFIX = b'{"format":"' + SEALED_FORMAT.encode() + b'"'
NONCE_BYTES = 12  # 96 bits, AES-GCM's native nonce size: random per save
KEY_BYTES = 32  # AES-256

# OWASP's first Argon2id choice: 19 MiB, 2 passes, 1 lane. Its alternative (46 MiB, 1 pass) is
# rated equal but takes about twice as long here (0.22 s against 0.12 s per command, measured),
# and needs more than twice the memory on an old shared laptop.
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_ITERATIONS = 2
ARGON2_LANES = 1
# What a key record may ask for (a file with its own passphrase carries its record): checked
# before anything is derived. 1 GiB, 100 passes and 64 lanes in a shared file ran for over
# 45 s at 1.08 GB before it was stopped; these allow 13 times our own memory, 5 times our
# passes, and still end in about 2 s on an old laptop.
ARGON2_MAX_MEMORY_KIB = 256 * 1024
ARGON2_MAX_ITERATIONS = 10
ARGON2_MAX_LANES = 8
ARGON2_MIN_SALT_BYTES = 8  # Argon2's own minimum


class WrongPassphrase(CompanionError):
    """The passphrase does not open the data key."""


class SealError(Exception):
    """The bytes are not a complete, authentic encrypted file (cut off, changed, or sealed
    with another key); the message says which."""


def is_sealed(raw: bytes | memoryview) -> bool:
    """True if the bytes are an encrypted file (whatever its key)."""
    return bytes(raw[: len(SEALED_PREFIX)]) == SEALED_PREFIX


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise SealError("a header field is not text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SealError("a header field is not valid base64") from None


def _normal(passphrase: str) -> bytes:
    """One form for the same passphrase typed on different systems (é as one or two code
    points)."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")


class Cipher:
    """Seals and opens files with one data key."""

    def __init__(self, key: bytes, key_id: str) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the data key must be 32 bytes")
        self._key = key
        self.key_id = key_id

    @cached_property
    def _aead(self) -> AESGCM:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self._key)

    def seal(self, plaintext: bytes | memoryview, extra: dict[str, Any] | None = None) -> bytes:
        """The encrypted file for `plaintext`, under a fresh random nonce. `extra` fields go
        into the (authenticated) header."""
        nonce = os.urandom(NONCE_BYTES)
        header = {"format": SEALED_FORMAT, "version": 1, "key": self.key_id, "nonce": _b64(nonce)}
        line = orjson.dumps({**header, **(extra or {})}) + b"\n"
        return line + self._aead.encrypt(nonce, bytes(plaintext), line)

    def open(self, raw: bytes | memoryview) -> bytes:
        """The plaintext of an encrypted file, or SealError."""
        header, line, body = read_header(raw)
        if header.get("key") != self.key_id:
            raise SealError("it was encrypted with another key (not this data folder's)")
        return self._open_body(header, line, body)

    def _open_body(self, header: dict[str, Any], line: bytes, body: memoryview) -> bytes:
        from cryptography.exceptions import InvalidTag

        nonce = _unb64(header.get("nonce"))
        if len(nonce) != NONCE_BYTES:
            raise SealError("its header's nonce is not valid")
        try:
            return self._aead.decrypt(nonce, bytes(body), line)
        except InvalidTag:
            raise SealError("it is cut off or was changed after it was written") from None


def read_header(raw: bytes | memoryview) -> tuple[dict[str, Any], bytes, memoryview]:
    """An encrypted file's header (parsed and as written) and its ciphertext; SealError if the
    framing is broken."""
    view = memoryview(raw)
    end = bytes(view[:4096]).find(b"\n")
    if not is_sealed(view) or end < 0:
        raise SealError("it is not an encrypted csa-companion file")
    line = bytes(view[: end + 1])
    try:
        header = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise SealError("its header is not valid") from None
    if not isinstance(header, dict) or header.get("version") != 1:
        raise SealError("its header is not valid (or from a newer csa-companion)")
    return header, line, view[end + 1 :]


@dataclass(frozen=True)
class KeyRecord:
    """What `key.json` holds: how to turn the passphrase into the key that unwraps the data
    key. Nothing in it reveals the passphrase or the data key."""

    key_id: str
    salt: bytes
    memory_kib: int
    iterations: int
    lanes: int
    wrapped: bytes  # nonce + AES-GCM(data key), the rest of the record as associated data

    def _params(self) -> dict[str, Any]:
        return {
            "format": KEY_FORMAT,
            "version": 1,
            "key": self.key_id,
            "kdf": "argon2id",
            "salt": _b64(self.salt),
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
        }

    def _aad(self) -> bytes:
        return orjson.dumps(self._params(), option=orjson.OPT_SORT_KEYS)

    def to_json(self) -> dict[str, Any]:
        return {**self._params(), "wrapped": _b64(self.wrapped)}

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.to_json(), option=orjson.OPT_INDENT_2) + b"\n"

    @classmethod
    def from_json(cls, doc: object) -> KeyRecord:
        """Parse a key record; SealError if it is not one."""
        if not isinstance(doc, dict) or doc.get("format") != KEY_FORMAT:
            raise SealError("it is not a csa-companion key file")
        if doc.get("version") != 1 or doc.get("kdf") != "argon2id":
            raise SealError("it is from a newer csa-companion")
        try:
            numbers = [int(doc[name]) for name in ("memory_kib", "iterations", "lanes")]
            key_id = str(doc["key"])
        except (LookupError, TypeError, ValueError):
            raise SealError("its parameters are not valid") from None
        memory_kib, iterations, lanes = numbers
        _check_bounds(memory_kib, iterations, lanes)
        salt, wrapped = _unb64(doc.get("salt")), _unb64(doc.get("wrapped"))
        if len(salt) < ARGON2_MIN_SALT_BYTES:
            raise SealError("its key's salt is too short")
        return cls(key_id, salt, memory_kib, iterations, lanes, wrapped)

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyRecord:
        try:
            return cls.from_json(orjson.loads(raw))
        except orjson.JSONDecodeError:
            raise SealError("it is not valid JSON") from None

    def _kek(self, passphrase: str) -> Cipher:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        kdf = Argon2id(
            salt=self.salt,
            length=KEY_BYTES,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return Cipher(kdf.derive(_normal(passphrase)), self.key_id)

    def unlock(self, passphrase: str) -> Cipher:
        """The data key's cipher; WrongPassphrase if the passphrase does not open it."""
        from cryptography.exceptions import InvalidTag

        kek = self._kek(passphrase)
        nonce, sealed = self.wrapped[:NONCE_BYTES], self.wrapped[NONCE_BYTES:]
        try:
            key = kek._aead.decrypt(nonce, sealed, self._aad())
        except (InvalidTag, ValueError):
            raise WrongPassphrase("wrong passphrase; nothing was changed") from None
        return Cipher(key, self.key_id)

    def rewrapped(self, cipher: Cipher, passphrase: str) -> KeyRecord:
        """The same data key wrapped by a new passphrase (fresh salt): nothing else changes."""
        return wrap(cipher, passphrase)


def _check_bounds(memory_kib: int, iterations: int, lanes: int) -> None:
    """Refuse Argon2id parameters outside what this app allows (or Argon2 accepts), before
    any key is derived: a file must not make the app hang or run out of memory."""
    inside = (
        1 <= lanes <= ARGON2_MAX_LANES
        and 8 * lanes <= memory_kib <= ARGON2_MAX_MEMORY_KIB
        and 1 <= iterations <= ARGON2_MAX_ITERATIONS
    )
    if not inside:
        raise SealError(
            f"its key settings ask for {_kib(memory_kib)} of memory, {iterations} passes and "
            f"{lanes} lanes; csa-companion allows up to {_kib(ARGON2_MAX_MEMORY_KIB)}, "
            f"{ARGON2_MAX_ITERATIONS} passes and {ARGON2_MAX_LANES} lanes, so nothing was "
            "derived"
        )


def _kib(amount: int) -> str:
    return f"{amount // 1024} MiB" if amount >= 1024 and amount % 1024 == 0 else f"{amount} KiB"


def check_standalone(raw: bytes | memoryview) -> None:
    """Check a standalone file's key record (its Argon2id settings above all) before its
    passphrase is asked for; SealError if it is out of bounds or not one."""
    header, _, _ = read_header(raw)
    KeyRecord.from_json(header.get("keyring"))


def wrap(cipher: Cipher, passphrase: str) -> KeyRecord:
    """A key record for `cipher`'s data key under `passphrase`, with a fresh salt."""
    record = KeyRecord(
        cipher.key_id, os.urandom(16), ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_LANES, b""
    )
    nonce = os.urandom(NONCE_BYTES)
    wrapped = nonce + record._kek(passphrase)._aead.encrypt(nonce, cipher._key, record._aad())
    return replace(record, wrapped=wrapped)


def new_cipher() -> Cipher:
    """A fresh random data key."""
    return Cipher(os.urandom(KEY_BYTES), os.urandom(8).hex())


def seal_standalone(plaintext: bytes, passphrase: str) -> bytes:
    """An encrypted file that opens with `passphrase` alone (a share bundle, an export): its
    own data key, wrapped in its header."""
    cipher = new_cipher()
    return cipher.seal(plaintext, {"keyring": wrap(cipher, passphrase).to_json()})


def needs_own_passphrase(raw: bytes | memoryview) -> bool:
    """True if the file is encrypted standalone (it carries its own key record)."""
    try:
        header, _, _ = read_header(raw)
    except SealError:
        return False
    return "keyring" in header


def open_standalone(raw: bytes | memoryview, passphrase: str) -> bytes:
    """The plaintext of a standalone encrypted file; WrongPassphrase or SealError."""
    header, line, body = read_header(raw)
    record = KeyRecord.from_json(header.get("keyring"))
    cipher = record.unlock(passphrase)
    if header.get("key") != cipher.key_id:
        raise SealError("its header does not match its key")
    return cipher._open_body(header, line, body)
