"""The team folder: a team shares what its members publish through a folder that a sync engine
they already run (OneDrive, Google Drive, Dropbox, Syncthing, a network share, a USB stick)
keeps in step. The app has no network code: it reads and writes files.

Layout of the team folder (all names are flat, in the folder itself):

    csa-team.json        the team: {"format": "csa-companion-team", "version": 1, "team": ID,
                         "created": ISO, "encryption": null | a key record (see below)}.
                         Written once, by whoever creates the team; never rewritten.
    member-<id>.json     one member's file, <id> 12 lowercase hex digits. Written ONLY by that
                         member (from each of their computers), atomically (temp file, fsync,
                         rename); never by anyone else.
    member-<id><anything>.json   a sync engine's conflict copy of that file: Dropbox
                         " (… conflicted copy …)", Syncthing
                         ".sync-conflict-YYYYMMDD-HHMMSS-XXXXXXX", OneDrive "-COMPUTERNAME",
                         Google Drive " (1)". Read and merged like the file itself; its owner
                         folds it into their next publish and removes it.
    .*                   temporary files (ours and the engines'): ignored.

A member file (plain JSON, UTF-8; or, for an encrypted team, the same bytes sealed as in
`storage/crypto.py`: a header line then AES-256-GCM under the team's key):

    {"format": "csa-companion-team-member", "version": 1, "member": ID, "name": "Ana",
     "role": "site coordinator", "joined": ISO, "left": null | ISO, "seq": 7,
     "written": ISO, "count": N, "items": [ITEM, ...], "sha256": HEX}

`sha256` is SHA-256 over the other fields (orjson, keys sorted; `domain.team.digest`): a
half-synced or cut-off file fails it and is skipped with a notice. `seq` is the member's own
publish counter (higher than any copy they have seen), so versions never depend on clocks.
An ITEM:

    {"id": "<kind>:<record id>", "kind": "worksheet" | "reflection" | "entry" | "survey",
     "rev": 7, "at": ISO, "title": "...", "text": MARKDOWN, "document": {...}}
    {"id": ..., "kind": ..., "rev": 9, "at": ISO, "title": "", "withdrawn": true}

A withdrawn item is a tombstone (no text, no document). `handed_over: true` marks a group
worksheet its member gave the team on leaving. Of two versions of one item the higher `rev`
wins (`domain/team.py`). `document` is the record as its own store keeps it; for "survey"
items it is a submitted `SurveyResponse` document (`key` "<session>-<pre|post>", `session`,
`when`, `status`, `updated`, `answers` {item: {"rating", "comment"}}) plus `"participant"`,
the member's participant code (never their name): `survey_rows` turns the survey items of a
read team into the rows `survey export` writes (participant, session, when, item, rating,
comment, date). To read a folder: `read_team(folder, cipher=None)` (a `TeamView`; pass
`unlock_team(folder, passphrase)` for an encrypted team).

The data folder keeps, in its own store (`team.json`), the membership (folder, member id,
the team's key for an encrypted team), the last good copy of each member and when the folder
was last seen: a half-synced file, a missing file or a missing folder (offline) shows that
copy. Nothing goes to the folder unless chosen item by item.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from tinydb import Query

from csa_companion import platforms
from csa_companion.domain.team import (
    MEMBER_ID,
    SURVEY,
    TEAM_FILE,
    TEAM_FORMAT,
    BadCopy,
    MemberState,
    TeamItem,
    is_team_file,
    member_file,
    merge_all,
    parse_name,
)
from csa_companion.domain.wording import one_line
from csa_companion.errors import CompanionError, UsageError
from csa_companion.storage.crypto import Cipher, KeyRecord, SealError, WrongPassphrase, is_sealed
from csa_companion.storage.private_files import STALE_TEMP_SECONDS, fsync_dir, temp_path
from csa_companion.storage.store import Store

NOT_PUBLISHED = "nothing was published"  # how a refused publish ends (leave says otherwise)
LOCAL = "team"  # the data folder's store of the membership and the last good copies
MAX_FILE_BYTES = 64 << 20  # a member file is kilobytes; a bigger one is not read at all
SEEN_EVERY = timedelta(minutes=1)  # how often a read notes when the folder was last seen
# Bounds on the Argon2id parameters a team file may ask for: it comes from a shared folder,
# and a hostile one must not make every member's computer spend a gigabyte or a minute.
MAX_MEMORY_KIB = 256 * 1024
MAX_ITERATIONS = 10
MAX_LANES = 4

_key = Query().key


class TeamError(CompanionError):
    """Something about the team folder a user can fix; the message says what."""


# -- the data folder's side -----------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    """This data folder's place in a team."""

    folder: Path
    team: str
    member: str
    name: str
    role: str
    joined: str
    key: str | None = None  # an encrypted team's data key (base64), kept in the data folder
    key_id: str | None = None

    def cipher(self) -> Cipher | None:
        """An encrypted team's cipher (None for a plain team); TeamError if the key kept in
        the data folder is not a key."""
        if self.key is None or self.key_id is None:
            return None
        try:
            return Cipher(base64.b64decode(self.key, validate=True), self.key_id)
        except (TypeError, ValueError):  # binascii.Error is a ValueError
            raise TeamError(
                "the team key kept in this data folder (team.json) is damaged; the team "
                "folder cannot be read or written from here"
            ) from None

    def to_doc(self) -> dict[str, Any]:
        return {
            "key": "membership",
            "folder": str(self.folder),
            "team": self.team,
            "member": self.member,
            "name": self.name,
            "role": self.role,
            "joined": self.joined,
            "team_key": self.key,
            "team_key_id": self.key_id,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Membership:
        return cls(
            Path(doc["folder"]),
            str(doc["team"]),
            str(doc["member"]),
            str(doc["name"]),
            str(doc.get("role", "")),
            str(doc["joined"]),
            doc.get("team_key"),
            doc.get("team_key_id"),
        )


@dataclass(frozen=True)
class Copy:
    """The last good copy of a member this computer read, and when."""

    state: MemberState
    seen: str


class TeamCache:
    """The data folder's store for the team: membership, last good copies, last seen."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _doc(self, table: str, key: str) -> dict[str, Any] | None:
        return next((d for d in self.store.documents(table) if d.get("key") == key), None)

    def membership(self) -> Membership | None:
        doc = self._doc("membership", "membership")
        try:
            return Membership.from_doc(doc) if doc else None
        except (KeyError, TypeError, ValueError):
            return None

    def join(self, membership: Membership) -> None:
        with self.store.transaction():
            table = self.store.table("membership")
            table.truncate()
            table.insert(membership.to_doc())

    def leave(self) -> None:
        """Forget the team: the membership and every copy of the others' items."""
        with self.store.transaction():
            for table in ("membership", "copies", "folder"):
                self.store.table(table).truncate()

    def copies(self) -> dict[str, Copy]:
        found: dict[str, Copy] = {}
        for doc in self.store.documents("copies"):
            try:
                state = MemberState.from_doc(doc["state"])
                found[state.member] = Copy(state, str(doc["seen"]))
            except (BadCopy, KeyError, TypeError):
                continue  # a damaged cache entry: the folder's copy will replace it
        return found

    def folder_seen(self) -> str | None:
        doc = self._doc("folder", "folder")
        return str(doc["seen"]) if doc else None

    def save(self, copies: dict[str, Copy], seen: str | None) -> None:
        """Keep these copies (replacing those of the same members) and when the folder was
        seen, in one write (a TinyDB call per member would write the file each time)."""
        with self.store.transaction():
            data = self.store.storage.read()
            table = data.setdefault("copies", {})
            index = {doc.get("key"): doc_id for doc_id, doc in table.items()}
            next_id = max((int(k) for k in table if k.isdecimal()), default=0) + 1
            for member, kept in copies.items():
                doc = {"key": member, "seen": kept.seen, "state": kept.state.to_doc()}
                doc_id = index.get(member)
                if doc_id is None:
                    doc_id, next_id = str(next_id), next_id + 1
                table[doc_id] = doc
            if seen is not None:
                data["folder"] = {"1": {"key": "folder", "seen": seen}}
            self.store.storage.write(data)
            self.store.db.clear_cache()


# -- reading the folder ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemberView:
    """One member as shown: their merged items, and where the copy came from."""

    state: MemberState
    seen: str | None  # when this computer last read a good copy of them from the folder
    in_folder: bool  # a good copy was read from the folder just now

    @property
    def member(self) -> str:
        return self.state.member


@dataclass(frozen=True)
class TeamView:
    """Every member and what each published, as read now."""

    folder: Path
    offline: bool
    seen: str | None  # when the folder was last seen (offline: the copies shown are from then)
    members: list[MemberView]
    notices: list[str] = field(default_factory=list)
    you: str | None = None

    def find(self, member: str, item_id: str) -> TeamItem | None:
        for view in self.members:
            if view.member == member:
                return view.state.items.get(item_id)
        return None

    def to_json(self) -> dict[str, Any]:
        """What `team list --json` prints: members by name, each one's items newest first."""
        return {
            "folder": str(self.folder),
            "offline": self.offline,
            "last_seen": self.seen,
            "you": self.you,
            "members": [
                {
                    "id": v.member,
                    "name": v.state.name,
                    "role": v.state.role,
                    "joined": v.state.joined,
                    "left": v.state.left,
                    "items": [
                        {
                            "id": i.id,
                            "kind": i.kind,
                            "title": i.title,
                            "published": i.at,
                            "version": i.rev,
                            "handed_over": i.handed_over,
                        }
                        for i in v.state.live()
                    ],
                    "withdrawn": v.state.withdrawn(),
                }
                for v in self.members
            ],
            "notices": self.notices,
        }


def _decode(raw: bytes, member: str, cipher: Cipher | None) -> MemberState:
    """One file's state from its bytes; BadCopy if incomplete, damaged or not openable."""
    if is_sealed(raw):
        if cipher is None:
            raise BadCopy("it is encrypted, and this computer has no key for it")
        try:
            raw = cipher.open(raw)
        except SealError as why:
            raise BadCopy(f"it cannot be decrypted: {why}") from None
    elif cipher is not None:
        raise BadCopy("it is not encrypted, and this team's files are")
    state = MemberState.from_bytes(raw)
    if state.member != member:
        raise BadCopy("it holds another member's items")
    return state


Read = tuple[str, "bytes | str"]  # a file's name, and its bytes or why it could not be read


@dataclass(frozen=True)
class Snapshot:
    """The bytes of every member's files, as read at one moment: the only part of a read
    that touches the folder (a network share may be slow), so a screen takes it in a
    thread and merges on its own."""

    files: dict[str, list[Read]]  # member id -> their file and conflict copies
    offline: bool  # the folder is not there, or went away while it was read


def _read_files(folder: Path, names: Sequence[str]) -> list[Read]:
    found: list[Read] = []
    for name in names:
        try:
            path = folder / name
            if path.stat().st_size > MAX_FILE_BYTES:
                found.append((name, f"it is larger than {MAX_FILE_BYTES >> 20} MB"))
                continue
            found.append((name, path.read_bytes()))
        except FileNotFoundError:
            continue  # removed (or renamed by the engine) while we read
        except OSError as error:
            found.append((name, f"it could not be read ({error.strerror or error})"))
    return found


def snapshot(folder: Path) -> Snapshot:
    """Read every member's files in `folder` (nothing else is done with them here)."""
    try:
        listing = _scan(folder)
    except OSError:
        return Snapshot({}, True)
    files = {member: _read_files(folder, names) for member, names in listing.items()}
    return Snapshot(files, bool(listing) and not folder.is_dir())


def _scan(folder: Path) -> dict[str, list[str]]:
    """Each member id's files in the folder, their own file first. OSError if the folder
    cannot be listed."""
    found: dict[str, list[str]] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            parsed = parse_name(entry.name)
            with contextlib.suppress(OSError):
                # Only regular files: a pipe or a device under a member's name would block
                # the read, or never end.
                if parsed is not None and entry.is_file():
                    found.setdefault(parsed[0], []).append(entry.name)
    for member, names in found.items():
        names.sort(key=lambda n: (n != member_file(member), n))
    return found


def _good_copies(
    files: Sequence[Read], member: str, cipher: Cipher | None, notices: list[str]
) -> list[tuple[str, MemberState]]:
    good: list[tuple[str, MemberState]] = []
    for name, raw in files:
        try:
            if isinstance(raw, str):
                raise BadCopy(raw)
            good.append((name, _decode(raw, member, cipher)))
        except BadCopy as why:
            notices.append(f"{name} was skipped: {why}")
    return good


def read_team(
    folder: Path,
    *,
    cipher: Cipher | None = None,
    cache: TeamCache | None = None,
    now: datetime | None = None,
    you: str | None = None,
    taken: Snapshot | None = None,
) -> TeamView:
    """Read every member's files (or use the snapshot `taken`) and merge each member's
    copies (their file, conflict copies, the last good copy `cache` kept). Never writes to
    the team folder; with `cache` and `now`, keeps the newly read copies in the data folder."""
    notices: list[str] = []
    kept = cache.copies() if cache is not None else {}
    taken = taken or snapshot(folder)
    offline = taken.offline
    merged: dict[str, MemberView] = {}
    fresh: dict[str, Copy] = {}
    stamp = now.isoformat() if now is not None else None
    for member, files in taken.files.items():
        skipped: list[str] = []
        good = _good_copies(files, member, cipher, skipped)
        old = kept.get(member)
        states = [s for _, s in good] + ([old.state] if old else [])
        state = merge_all(states)
        instead = (
            "its last good copy is shown"
            if state is not None
            else "nothing of this member can be shown until a whole copy arrives"
        )
        notices += [f"{why}; {instead}" for why in skipped]
        if state is None:
            continue
        if good:
            merged[member] = MemberView(state, stamp or (old.seen if old else None), True)
            if old is None or old.state != state:
                fresh[member] = Copy(state, stamp or "")
        else:
            merged[member] = MemberView(state, old.seen if old else None, False)
    for member, old in kept.items():
        if member not in merged:  # not in the folder now (offline, or deleted for a while)
            merged[member] = MemberView(old.state, old.seen, False)
    seen = cache.folder_seen() if cache is not None else None
    if offline:
        when = f" (last seen {seen[:16].replace('T', ' ')})" if seen else ""
        notices.insert(0, f"the team folder {folder} is not there (offline?): last copies{when}")
    elif cache is not None and now is not None:
        due = seen is None or _later(now, seen, SEEN_EVERY)
        if fresh or due:
            if due:  # note when each member read from the folder now was seen
                fresh.update(
                    {m: Copy(v.state, stamp or "") for m, v in merged.items() if v.in_folder}
                )
            with contextlib.suppress(CompanionError, OSError):  # a read-only data folder
                cache.save(fresh, stamp if due else None)
            seen = stamp if due else seen
    views = sorted(merged.values(), key=lambda v: (v.state.name.casefold(), v.member))
    return TeamView(folder, offline, seen, views, notices, you)


def _later(now: datetime, then: str, gap: timedelta) -> bool:
    try:
        return now - datetime.fromisoformat(then) >= gap or now < datetime.fromisoformat(then)
    except (TypeError, ValueError):
        return True


def survey_rows(view: TeamView) -> list[dict[str, str]]:
    """The survey answers the members published, as `survey export` rows (participant codes,
    never names)."""
    rows: list[dict[str, str]] = []
    for member in view.members:
        for item in member.state.live():
            if item.kind != SURVEY:
                continue
            doc = item.document
            answers = doc.get("answers")
            if not isinstance(answers, dict):
                continue
            for item_id, answer in answers.items():
                if not isinstance(answer, dict):
                    continue
                rating = answer.get("rating")
                rows.append(
                    {
                        "participant": str(doc.get("participant", "")),
                        "session": str(doc.get("session", "")),
                        "when": str(doc.get("when", "")),
                        "item": str(item_id),
                        "rating": "" if rating is None else str(rating),
                        "comment": str(answer.get("comment", "")),
                        "date": str(doc.get("updated", ""))[:10],
                    }
                )
    return rows


# -- the team file and its key --------------------------------------------------------------


def _team_docs(folder: Path) -> list[dict[str, Any]]:
    """The team file and any conflict copies of it that parse."""
    found: list[dict[str, Any]] = []
    try:
        names = sorted(n for n in os.listdir(folder) if is_team_file(n))
    except OSError as error:
        raise TeamError(f"cannot read the team folder {folder}: {_why(error)}") from None
    for name in names:
        with contextlib.suppress(OSError, orjson.JSONDecodeError):
            doc = orjson.loads((folder / name).read_bytes())
            if (
                isinstance(doc, dict)
                and doc.get("format") == TEAM_FORMAT
                and isinstance(doc.get("team"), str)
                and isinstance(doc.get("created"), str)
            ):
                found.append(doc)
    # Two people who created the team at the same moment: everyone takes the same one.
    return sorted(found, key=lambda d: (d["created"], d["team"]))


def _key_record(doc: dict[str, Any], name: str) -> KeyRecord | None:
    raw = doc.get("encryption")
    if raw is None:
        return None
    try:
        record = KeyRecord.from_json(raw)
    except SealError as why:
        raise TeamError(f"{name}: its encryption settings cannot be read ({why})") from None
    if not (
        record.memory_kib <= MAX_MEMORY_KIB
        and record.iterations <= MAX_ITERATIONS
        and record.lanes <= MAX_LANES
    ):
        raise TeamError(f"{name} asks for more key-derivation work than allowed; not opened")
    return record


def unlock_team(folder: Path, passphrase: str) -> Cipher | None:
    """The team's cipher (None for a team that is not encrypted); TeamError for a wrong
    passphrase or a folder with no team."""
    docs = _team_docs(folder)
    if not docs:
        raise TeamError(f"{folder} holds no csa-companion team (no {TEAM_FILE})")
    record = _key_record(docs[0], TEAM_FILE)
    if record is None:
        return None
    try:
        return record.unlock(passphrase)
    except WrongPassphrase:
        raise TeamError("wrong team passphrase; nothing was changed") from None


def _why(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "it cannot be written (read-only or not yours)"
    return error.strerror or str(error)


def _write_shared(path: Path, payload: bytes) -> None:
    """Write a file of the team folder all at once: a temp file beside it (`.<name>.<pid>.tmp`,
    ignored by readers), fsynced, renamed over it, the folder fsynced. Readable by whoever can
    read the folder (the team's, on a network share too; an encrypted team's are ciphertext),
    not 0600 as the data folder's. Unlike the data folder's writes, it sweeps no one else's
    temp file (the folder is shared), only one's own left by a write killed long ago."""
    folder = path.parent
    _sweep_own(folder, path.name)
    tmp = temp_path(path)
    try:
        fd = os.open(tmp, platforms.binary(os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 0o644)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        platforms.replace(tmp, path)
    except BaseException:  # a full disk, or an interrupt: never leave half a file behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)


def _sweep_own(folder: Path, name: str) -> None:
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(f".{name}.") and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS:
                        os.unlink(entry.path)


def _create_once(path: Path, payload: bytes) -> None:
    """Write a file only if none is there (another member may create it at the same moment)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    _write_shared(tmp, payload)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # someone else's team file came first: theirs stays
    except OSError:  # no hard links (a FAT stick, some network shares)
        if not path.exists():
            platforms.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


# -- writing one's own file -----------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """What a publish did."""

    state: MemberState
    added: list[TeamItem]
    withdrawn: list[TeamItem]
    folded: list[str]  # conflict copies of one's own file folded in and removed


def _own_state(
    membership: Membership, cache: TeamCache, notices: list[str]
) -> tuple[MemberState | None, list[str]]:
    """One's own state from every copy (the file, conflict copies, the last kept copy), and
    the conflict copies that were read."""
    folder = membership.folder
    if not folder.is_dir():
        raise TeamError(
            f"the team folder {folder} is not there (offline, or the sync engine is not "
            f"running?); {NOT_PUBLISHED}"
        )
    try:
        names = _scan(folder).get(membership.member, [])
    except OSError as error:
        raise TeamError(f"cannot read the team folder {folder}: {_why(error)}") from None
    files = _read_files(folder, names)
    good = _good_copies(files, membership.member, membership.cipher(), notices)
    kept = cache.copies().get(membership.member)
    state = merge_all([s for _, s in good] + ([kept.state] if kept else []))
    folded = [n for n, _ in good if n != member_file(membership.member)]
    return state, folded


def publish(
    cache: TeamCache,
    membership: Membership,
    now: datetime,
    *,
    add: Iterable[TeamItem] = (),
    withdraw: Iterable[str] = (),
    left: str | None = None,
) -> Published:
    """Write one's own file: every earlier version (own conflict copies folded in), plus
    `add` (their `rev` and `at` are set here) and tombstones for `withdraw` (item ids).
    TeamError (nothing published) when the folder is missing or cannot be written."""
    notices: list[str] = []
    state, folded = _own_state(membership, cache, notices)
    if state is None:
        state = MemberState(
            membership.member,
            membership.name,
            membership.role,
            membership.joined,
            0,
            now.isoformat(),
        )
    seq = state.seq + 1
    stamp = now.isoformat()
    items = dict(state.items)
    gone: list[TeamItem] = []
    for ident in withdraw:
        item = items.get(ident)
        if item is None or item.withdrawn:
            raise TeamError(f"you have published no item {ident!r}; nothing was changed")
        # Withdrawn means gone: the tombstone keeps no title, text or document.
        tomb = TeamItem(item.id, item.kind, seq, stamp, "", withdrawn=True)
        items[ident] = tomb
        gone.append(tomb)
    added = [replace(item, rev=seq, at=stamp) for item in add]
    items.update({item.id: item for item in added})
    new = replace(
        state,
        name=membership.name,
        role=membership.role,
        seq=seq,
        written=stamp,
        left=left,
        items=items,
    )
    payload = new.to_bytes()
    cipher = membership.cipher()
    if cipher is not None:
        payload = cipher.seal(payload)
    target = membership.folder / member_file(membership.member)
    try:
        _write_shared(target, payload)
    except OSError as error:
        raise TeamError(
            f"cannot write to the team folder {membership.folder}: {_why(error)}; " + NOT_PUBLISHED
        ) from None
    for name in folded:
        with contextlib.suppress(OSError):
            (membership.folder / name).unlink()
    with contextlib.suppress(CompanionError, OSError):
        cache.save({membership.member: Copy(new, stamp)}, None)
    return Published(new, added, gone, folded)


def join(
    cache: TeamCache,
    folder: Path,
    now: datetime,
    *,
    name: str | None,
    role: str = "",
    as_id: str | None = None,
    encrypt: bool = False,
    passphrase: Callable[[bool], str] | None = None,
) -> Membership:
    """Join the team in `folder` (creating it when the folder holds none), as a new member or,
    with `as_id`, as oneself on another computer. `passphrase(new)` is asked for an encrypted
    team (new=True when the team is being created: ask twice)."""
    _writable(cache)
    current = cache.membership()
    if current is not None:
        raise TeamError(
            f"this data folder is already in the team at {current.folder} (as "
            f"{current.name}, id {current.member}); `team leave` first"
        )
    folder = folder.expanduser()
    if not folder.is_dir():
        raise TeamError(
            f"{folder} is not a folder: create it inside the folder your team's sync engine "
            "keeps in step, then join again"
        )
    folder = folder.resolve()
    _apart(cache, folder)
    docs = _team_docs(folder)
    cipher: Cipher | None = None
    if docs:
        team = docs[0]
        record = _key_record(team, TEAM_FILE)
        if encrypt and record is None:
            raise TeamError(
                f"the team at {folder} is not encrypted; join without --encrypt (its members "
                "chose that when they created it)"
            )
        if record is not None:
            if passphrase is None:
                raise TeamError("this team is encrypted: its passphrase is needed")
            try:
                cipher = record.unlock(passphrase(False))
            except WrongPassphrase:
                raise TeamError("wrong team passphrase; nothing was changed") from None
        team_id = str(team["team"])
    else:
        from csa_companion.storage.crypto import new_cipher, wrap

        with contextlib.suppress(OSError):
            there = sorted(n for n in os.listdir(folder) if is_team_file(n))
            if there:  # the team's file, cut off: its id and key record are not known yet
                raise TeamError(
                    f"the team's own file in {folder} ({there[0]}) cannot be read yet (half "
                    "synced?); wait for the sync engine to bring all of it, then join again"
                )
            if _scan(folder):  # members' files, but the team's own file not here yet
                raise TeamError(
                    f"{folder} holds members' files but not yet the team's own file "
                    f"({TEAM_FILE}); wait for the sync engine to bring it, then join again"
                )

        team_id = os.urandom(6).hex()
        record = None
        if encrypt:
            if passphrase is None:
                raise TeamError("a passphrase is needed to encrypt the team")
            cipher = new_cipher()
            record = wrap(cipher, passphrase(True))
        doc = {
            "format": TEAM_FORMAT,
            "version": 1,
            "team": team_id,
            "created": now.isoformat(),
            "encryption": record.to_json() if record else None,
        }
        try:
            _create_once(folder / TEAM_FILE, orjson.dumps(doc, option=orjson.OPT_INDENT_2))
        except OSError as error:
            raise TeamError(f"cannot write to {folder}: {_why(error)}; nothing changed") from None
        docs = _team_docs(folder)
        if docs and docs[0]["team"] != team_id:  # someone else's came first
            return join(
                cache,
                folder,
                now,
                name=name,
                role=role,
                as_id=as_id,
                encrypt=encrypt,
                passphrase=passphrase,
            )
    try:
        listing = _scan(folder)
    except OSError as error:
        raise TeamError(f"cannot read the team folder {folder}: {_why(error)}") from None
    if as_id is not None:
        if not MEMBER_ID.fullmatch(as_id):
            raise UsageError(f"{as_id!r} is not a member id (12 letters and digits, a-f 0-9)")
        if as_id not in listing:
            raise TeamError(
                f"no member with id {as_id} in {folder} (`team list` on your other computer "
                "shows it; has the folder synced here yet?)"
            )
        notices: list[str] = []
        copies = _good_copies(_read_files(folder, listing[as_id]), as_id, cipher, notices)
        own = merge_all([s for _, s in copies])
        if own is None:
            raise TeamError(f"the file of member {as_id} cannot be read yet; try again later")
        member, joined = as_id, own.joined
        name = name or own.name
        role = role or own.role
    else:
        if not name or not name.strip():
            raise UsageError("give --name NAME: the name your team will see")
        member = os.urandom(6).hex()
        while member in listing:
            member = os.urandom(6).hex()
        joined = now.isoformat()
    assert name is not None
    key = base64.b64encode(cipher._key).decode() if cipher else None
    key_id = cipher.key_id if cipher else None
    # A name and a role are shown on one line on every teammate's screen: no line ends, no
    # escape sequences, no right-to-left overrides.
    membership = Membership(
        folder, team_id, member, one_line(name), one_line(role), joined, key, key_id
    )
    publish(cache, membership, now)
    cache.join(membership)
    return membership


def _apart(cache: TeamCache, folder: Path) -> None:
    """Refuse a team folder that holds the data folder (the sync engine would carry the
    journal to every teammate) or lies inside it."""
    data = cache.store.path.parent.resolve()
    if data == folder or data.is_relative_to(folder):
        raise TeamError(
            f"your data folder {data} is inside the team folder {folder}: your journal and "
            "everything else in it would go to every teammate; keep your data folder out of "
            "the synced folder (or join a folder of its own inside it); nothing was changed"
        )
    if folder.is_relative_to(data):
        raise TeamError(
            f"the team folder {folder} is inside your data folder {data}; make it in the "
            "folder your team's sync engine keeps in step; nothing was changed"
        )


def _writable(cache: TeamCache) -> None:
    """Refuse, before touching the team folder, what the data folder could not then keep."""
    folder = cache.store.path.parent
    if folder.is_dir() and not os.access(folder, os.W_OK):
        raise TeamError(f"the data folder {folder} cannot be written; nothing was changed")


def leave(
    cache: TeamCache, membership: Membership, now: datetime, hand_over: Iterable[TeamItem] = ()
) -> Published:
    """Mark oneself as left (everything published stays for the team), handing over the
    given group worksheets; then forget the team in this data folder."""
    _writable(cache)  # else the folder would say "left" while this computer stays a member
    handed = [replace(i, handed_over=True) for i in hand_over]
    try:
        done = publish(cache, membership, now, add=handed, left=now.isoformat())
    except TeamError as error:
        still = "you are still in the team; nothing was changed"
        raise TeamError(str(error).replace(NOT_PUBLISHED, still)) from None
    cache.leave()
    return done


def own_item(cache: TeamCache, membership: Membership, wanted: str) -> TeamItem:
    """One of one's own published items, by its id or the first characters of it (with or
    without its kind); TeamError naming what is wrong."""
    wanted = wanted.strip()
    if not wanted:
        raise UsageError("give the item's id, as `team list` shows it; nothing was changed")
    state, _ = _own_state(membership, cache, [])
    live = state.live() if state else []
    exact = [i for i in live if i.id == wanted]
    found = exact or [
        i for i in live if i.id.startswith(wanted) or i.id.partition(":")[2].startswith(wanted)
    ]
    if not found:
        raise TeamError(
            f"you published no item whose id starts with {wanted!r} (`team list` shows "
            "them); nothing was changed"
        )
    if len(found) > 1:
        raise TeamError(
            f"{len(found)} of your items have an id starting with {wanted!r}; give more of "
            "it; nothing was changed"
        )
    return found[0]
