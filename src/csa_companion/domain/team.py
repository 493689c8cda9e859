"""A team member's published items and how copies of them merge (plain Python, no I/O).

What a member publishes is a set of items keyed by id; each version of an item carries the
member's publish counter (`rev`). Any two copies of a member's state (their file, a sync
engine's conflict copy of it, the last good copy a reader kept) merge into one: the union of
item ids, the newest version of each (highest `rev`; wall-clock time only breaks a tie, so
clocks minutes apart never reorder one member's versions), withdrawals kept as tombstones.
The merge is commutative, associative and idempotent, so every reader that has seen the same
copies shows the same items, whatever order the copies came in.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import orjson

from csa_companion.domain.survey import PRE, SurveyResponse

MEMBER_FORMAT = "csa-companion-team-member"
TEAM_FORMAT = "csa-companion-team"
VERSION = 1

WORKSHEET, REFLECTION, ENTRY, SURVEY = "worksheet", "reflection", "entry", "survey"
KINDS = (WORKSHEET, REFLECTION, ENTRY, SURVEY)

MEMBER_ID = re.compile(r"[0-9a-f]{12}")
# A publish counter no app reaches (a publish a second for 285 million years); a copy above it
# was made by hand, and one more than 2**64 - 1 could not be written as JSON.
MAX_COUNTER = 2**53
# A member's file, or a sync engine's conflict copy of it: whatever an engine adds between the
# id and ".json" (Dropbox " (Ana's conflicted copy 2027-01-05)", Syncthing
# ".sync-conflict-20270105-101500-ABCDEFG", OneDrive "-LAPTOP", Google Drive " (1)") marks a
# copy. Ids are a fixed 12 hex digits, so no decoration can be mistaken for another id.
_MEMBER_NAME = re.compile(r"member-([0-9a-f]{12})(.*)\.json", re.DOTALL)
_TEAM_NAME = re.compile(r"csa-team(.*)\.json", re.DOTALL)
TEAM_FILE = "csa-team.json"


class BadCopy(ValueError):
    """A file that is not a complete, readable member file; the message says why."""


def member_file(member: str) -> str:
    """The file name of a member's own file."""
    return f"member-{member}.json"


def parse_name(name: str) -> tuple[str, bool] | None:
    """(member id, is a conflict copy) for a member file's name; None for any other file
    (hidden and temporary files included: a sync engine's or our own half-written ones)."""
    if name.startswith((".", "~")):
        return None
    found = _MEMBER_NAME.fullmatch(name)
    if found is None:
        return None
    return found.group(1), bool(found.group(2))


def is_team_file(name: str) -> bool:
    """The team's file or a conflict copy of it."""
    return not name.startswith(".") and _TEAM_NAME.fullmatch(name) is not None


def digest(value: Any) -> str:
    """SHA-256 of parsed JSON, the same however it was laid out (keys sorted)."""
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()


# A record's id after its kind: what the app's stores use (hex ids, "2027-01", "1-pre"), never
# spaces or control characters (an id is printed as it is, and typed back to withdraw).
_RECORD_ID = re.compile(r"[^\s\x00-\x1f\x7f-\x9f]{1,200}")


def _is_time(text: object) -> bool:
    """An ISO date and time as the app writes them (shown cut to the date)."""
    if not isinstance(text, str) or len(text) > 64:
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _when(text: str) -> float:
    try:
        return datetime.fromisoformat(text).timestamp()
    except (TypeError, ValueError, OverflowError):
        return float("-inf")


@dataclass(frozen=True)
class TeamItem:
    """One version of a published item, or its tombstone (`withdrawn`: no title, text or
    document kept)."""

    id: str  # "<kind>:<the record's own id>"
    kind: str
    rev: int
    at: str  # when it was published, by the publisher's clock (shown; only breaks ties)
    title: str
    text: str = ""  # Markdown, diagrams included
    document: dict[str, Any] = field(default_factory=dict)
    withdrawn: bool = False
    handed_over: bool = False  # a group worksheet its member gave the team on leaving

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "rev": self.rev,
            "at": self.at,
            "title": self.title,
        }
        if self.withdrawn:
            doc["withdrawn"] = True
        else:
            doc["text"] = self.text
            doc["document"] = self.document
        if self.handed_over:
            doc["handed_over"] = True
        return doc

    @classmethod
    def from_doc(cls, raw: Any) -> TeamItem:
        if not isinstance(raw, dict):
            raise BadCopy("an item is not an object")
        ident, kind, rev, at, title = (raw.get(k) for k in ("id", "kind", "rev", "at", "title"))
        if not isinstance(ident, str) or kind not in KINDS:
            raise BadCopy("an item has no id or an unknown kind")
        prefix, _, record = ident.partition(":")
        if prefix != kind or not _RECORD_ID.fullmatch(record):
            raise BadCopy("an item's id is not one the app writes")
        if type(rev) is not int or not 1 <= rev < MAX_COUNTER or not _is_time(at):
            raise BadCopy(f"item {ident} has no valid version")
        if not isinstance(title, str):
            raise BadCopy(f"item {ident} has no title")
        withdrawn = raw.get("withdrawn") is True
        text, document = raw.get("text", ""), raw.get("document", {})
        if not isinstance(text, str) or not isinstance(document, dict):
            raise BadCopy(f"item {ident} is incomplete")
        return cls(
            ident,
            str(kind),
            rev,
            str(at),
            title,
            "" if withdrawn else text,
            {} if withdrawn else document,
            withdrawn,
            raw.get("handed_over") is True,
        )

    def order(self) -> tuple[int, float, bool, str]:
        """Which of two versions of the item wins: the higher counter, then (two computers of
        one member, neither having seen the other's) the later clock, a withdrawal, and the
        content itself, so every reader picks the same one."""
        return (self.rev, _when(self.at), self.withdrawn, digest(self.to_doc()))


def newest(a: TeamItem, b: TeamItem) -> TeamItem:
    if a == b or a.rev != b.rev:
        return a if a.rev > b.rev else b
    return a if a.order() >= b.order() else b


@dataclass(frozen=True)
class MemberState:
    """Everything one member has published: their file's contents."""

    member: str
    name: str
    role: str
    joined: str
    seq: int  # the member's publish counter: every publish is higher than any copy seen
    written: str
    left: str | None = None
    items: dict[str, TeamItem] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {
            "format": MEMBER_FORMAT,
            "version": VERSION,
            "member": self.member,
            "name": self.name,
            "role": self.role,
            "joined": self.joined,
            "left": self.left,
            "seq": self.seq,
            "written": self.written,
            "count": len(self.items),
            "items": [self.items[k].to_doc() for k in sorted(self.items)],
        }

    def to_doc(self) -> dict[str, Any]:
        """The file's contents, with a checksum of everything else in it."""
        body = self.body()
        return body | {"sha256": digest(body)}

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.to_doc(), option=orjson.OPT_INDENT_2) + b"\n"

    @classmethod
    def from_doc(cls, data: Any) -> MemberState:
        """A member's state from a file's parsed contents; BadCopy if it is not complete."""
        if not isinstance(data, dict) or data.get("format") != MEMBER_FORMAT:
            raise BadCopy("it is not a csa-companion team member file")
        version = data.get("version")
        if type(version) is not int or version < 1:
            raise BadCopy("its format version is not valid")
        if version > VERSION:
            raise BadCopy(f"it was written by a newer csa-companion (format {version})")
        body = {k: v for k, v in data.items() if k != "sha256"}
        if data.get("sha256") != digest(body):
            raise BadCopy("its contents do not match its checksum (cut off or changed)")
        member, items = data.get("member"), data.get("items")
        if not isinstance(member, str) or not MEMBER_ID.fullmatch(member):
            raise BadCopy("it names no valid member id")
        if not isinstance(items, list) or data.get("count") != len(items):
            raise BadCopy("its items are incomplete")
        seq, left = data.get("seq"), data.get("left")
        if (
            type(seq) is not int
            or not 0 <= seq < MAX_COUNTER
            or not (left is None or isinstance(left, str))
        ):
            raise BadCopy("its version counter is not valid")
        texts = [data.get(k) for k in ("name", "role", "joined", "written")]
        if not all(isinstance(t, str) for t in texts):
            raise BadCopy("its name, role or dates are missing")
        if not all(_is_time(t) for t in (texts[2], texts[3], *([left] if left else []))):
            raise BadCopy("its dates are not dates")
        parsed = [TeamItem.from_doc(raw) for raw in items]
        name, role, joined, written = (str(t) for t in texts)
        return cls(member, name, role, joined, seq, written, left, {i.id: i for i in parsed})

    @classmethod
    def from_bytes(cls, raw: bytes) -> MemberState:
        if not raw.strip():
            raise BadCopy("it is empty (not synced yet?)")
        try:
            return cls.from_doc(orjson.loads(raw))
        except orjson.JSONDecodeError:
            raise BadCopy("it is cut off or damaged (half synced?)") from None

    def _order(self) -> tuple[int, float, str]:
        # The items are left out: a merged copy keeps the winner's own fields exactly, so the
        # same copy wins whatever order the copies are merged in.
        meta = {k: v for k, v in self.body().items() if k not in ("items", "count")}
        return (self.seq, _when(self.written), digest(meta))

    def merged(self, other: MemberState) -> MemberState:
        """Both copies in one: every item id, the newest version of each; the name, role and
        whether they left from the copy with the higher counter."""
        if other == self:
            return self
        items = dict(self.items)
        for ident, item in other.items.items():
            mine = items.get(ident)
            items[ident] = item if mine is None else newest(mine, item)
        latest = self if self._order() >= other._order() else other
        return replace(latest, items=items)

    def live(self) -> list[TeamItem]:
        """The items not withdrawn, newest first (by this member's counter)."""
        found = [i for i in self.items.values() if not i.withdrawn]
        return sorted(found, key=lambda i: (i.rev, _when(i.at), i.id), reverse=True)

    def withdrawn(self) -> list[str]:
        return sorted(i.id for i in self.items.values() if i.withdrawn)


def merge_all(states: list[MemberState]) -> MemberState | None:
    merged: MemberState | None = None
    for state in states:
        merged = state if merged is None else merged.merged(state)
    return merged


def from_shared(kind: str, ident: str, title: str, text: str, document: dict[str, Any]) -> TeamItem:
    """A record chosen to publish (as a share bundle carries it) as a team item; its version
    and time are set when it is published."""
    return TeamItem(f"{kind}:{ident}", kind, 1, "", title, text, document)


def survey_item(response: SurveyResponse, participant: str) -> TeamItem:
    """A submitted survey response as a team item: the
    ratings and comments under the participant code, never the person's name."""
    when = "before" if response.when == PRE else "after"
    title = f"Survey answers: session {response.session}, {when}"
    lines = [f"# {title}", "", f"Participant code: {participant}", ""]
    for item_id, answer in response.answers.items():
        rating = "-" if answer.rating is None else str(answer.rating)
        comment = f" ({answer.comment})" if answer.comment else ""
        lines.append(f"- {item_id}: {rating}{comment}")
    document = response.to_doc() | {"participant": participant}
    return from_shared(SURVEY, response.key, title, "\n".join(lines) + "\n", document)
