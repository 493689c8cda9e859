"""Three members, three data folders, three copies of the team folder, and a simulated sync
engine copying files between the copies at random (seeded) moments: half files, conflict
copies in each engine's naming, files deleted and brought back, old versions arriving late.
After every round, once the copies are in step, every member lists the same items, nothing
published is lost, and no member's file was ever written by anyone but its owner."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from csa_companion.cli import main
from csa_companion.domain.team import TeamItem, member_file, parse_name
from csa_companion.transfer.team import Membership, TeamCache, join, publish, read_team
from tests.conftest import START
from tests.unit.test_team import cache_at

ROUNDS = int(os.environ.get("CSA_TEAM_ROUNDS", "20"))
SKEWS = (timedelta(minutes=-7), timedelta(0), timedelta(minutes=4))  # clocks minutes apart


def conflict_name(member: str, style: int, copy: int, n: int) -> str:
    """A conflict copy's name as each engine makes it."""
    return [
        f"member-{member} (Computer{copy}'s conflicted copy 2027-01-0{1 + n % 9}).json",
        f"member-{member}.sync-conflict-20270105-1015{n % 60:02d}-ABCDEF{copy}.json",
        f"member-{member}-COMPUTER{copy}{'X' * (n % 3)}{n}.json",
        f"member-{member} ({n + 1}).json",
    ][style % 4]


@dataclass
class Engine:
    """A sync engine between copies of one folder. It knows, per copy, what it last wrote or
    saw of each file, so it can tell a change made in a copy (by a member) from its own."""

    copies: list[Path]
    owners: dict[str, int]  # member id -> the copy its owner works in
    rng: random.Random
    latest: dict[str, bytes | None] = field(default_factory=dict)  # None: deleted by a member
    history: dict[str, list[bytes]] = field(default_factory=dict)
    known: list[dict[str, bytes]] = field(default_factory=list)
    hidden: list[set[str]] = field(default_factory=list)  # deleted by the engine, to bring back
    conflicts: int = 0

    def __post_init__(self) -> None:
        self.known = [{} for _ in self.copies]
        self.hidden = [set() for _ in self.copies]

    def files(self, copy: int) -> dict[str, bytes]:
        folder = self.copies[copy]
        return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}

    def scan(self) -> None:
        """Pick up what members changed in their copies since the engine last looked."""
        for copy in range(len(self.copies)):
            now = self.files(copy)
            for name, raw in now.items():
                if self.known[copy].get(name) != raw:
                    parsed = parse_name(name)
                    if parsed is not None and not parsed[1]:
                        # a member file changed in this copy by someone: must be its owner
                        assert self.owners[parsed[0]] == copy, f"{name} written in copy {copy}"
                    self._record(name, raw)
                    self.known[copy][name] = raw
            for name in list(self.known[copy]):
                if name not in now and name not in self.hidden[copy]:
                    parsed = parse_name(name)
                    assert parsed is not None and parsed[1], f"{name} deleted in copy {copy}"
                    assert self.owners[parsed[0]] == copy, f"{name} removed by another member"
                    self.latest[name] = None
                    del self.known[copy][name]

    def _record(self, name: str, raw: bytes) -> None:
        self.latest[name] = raw
        self.history.setdefault(name, []).append(raw)

    def _write(self, copy: int, name: str, raw: bytes | None) -> None:
        path = self.copies[copy] / name
        self.hidden[copy].discard(name)
        if raw is None:
            path.unlink(missing_ok=True)
            self.known[copy].pop(name, None)
        else:
            path.write_bytes(raw)
            self.known[copy][name] = raw

    def step(self) -> None:
        """One thing an engine does at a random moment."""
        self.scan()
        names = sorted(self.latest)
        if not names:
            return
        name, dst = self.rng.choice(names), self.rng.randrange(len(self.copies))
        raw, path = self.latest[name], self.copies[dst] / name
        action = self.rng.random()
        if raw is None:
            self._write(dst, name, None)
        elif action < 0.15:  # half a file, completed by a later step
            self._write(dst, name, raw[: self.rng.randrange(1, max(2, len(raw)))])
        elif action < 0.3 and path.exists():  # delete now, bring back later
            path.unlink()
            self.hidden[dst].add(name)
        elif action < 0.45 and len(self.history.get(name, [])) > 1:  # an old version, late
            parsed = parse_name(name)
            if parsed is not None and self.owners[parsed[0]] != dst:
                self._write(dst, name, self.rng.choice(self.history[name][:-1]))
        elif (
            action < 0.65
            and path.exists()
            and self.known[dst].get(name) in self.history.get(name, [])
        ):
            # A conflict: the copy here is kept under the engine's conflict name, the incoming
            # one takes its place (or the other way round).
            parsed = parse_name(name)
            here = path.read_bytes()
            if parsed is None or parsed[1] or here == raw:
                self._write(dst, name, raw)
                return
            self.conflicts += 1
            other = conflict_name(parsed[0], self.rng.randrange(4), dst, self.conflicts)
            keep, put = (here, raw) if self.rng.random() < 0.5 else (raw, here)
            self._write(dst, other, keep)
            self._record(other, keep)
            self._write(dst, name, put)
            if put != raw:  # the older one took the name here: it is this copy's change now
                self._record(name, put)
        else:
            self._write(dst, name, raw)

    def settle(self) -> None:
        """Bring every copy in step: the latest version of every file everywhere."""
        self.scan()
        for name, raw in sorted(self.latest.items()):
            for copy in range(len(self.copies)):
                path = self.copies[copy] / name
                if raw is None or not path.exists() or path.read_bytes() != raw:
                    self._write(copy, name, raw)
        self.scan()
        first = self.files(0)
        assert all(self.files(c) == first for c in range(len(self.copies)))


@dataclass
class Member:
    name: str
    copy: int
    data: Path
    cache: TeamCache
    membership: Membership
    skew: timedelta
    expected: dict[str, str] = field(default_factory=dict)  # live item id -> title
    gone: set[str] = field(default_factory=set)


def listed(member: Member) -> dict[str, Any]:
    """What `team list --json` shows, minus what is about this reader (you, last seen)."""
    view = team_list_json(member)
    return {"members": view["members"], "notices": view["notices"]}


def team_list_json(member: Member) -> dict[str, Any]:
    """`csa-companion team list --json` on the member's data folder (in this process)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["--data-dir", str(member.data), "team", "list", "--json"]) == 0
    found: dict[str, Any] = json.loads(out.getvalue())
    return found


@pytest.mark.parametrize(
    ("seed", "encrypted"), [(1, False), (2, False), (6, True)], ids=["1", "2", "6-encrypted"]
)
def test_three_members_under_a_random_sync_engine(
    tmp_path: Path, seed: int, encrypted: bool
) -> None:
    rng = random.Random(seed)
    copies = [tmp_path / f"copy{n}" / "team" for n in range(3)]
    for path in copies:
        path.mkdir(parents=True)
    # The first member creates the team; the engine carries the team file to the others.
    members: list[Member] = []
    engine = Engine(copies, {}, rng)
    for n, name in enumerate(("Ana", "Ben", "Cara")):
        cache = cache_at(tmp_path / f"data{n}")
        if n:
            engine.settle()
        membership = join(
            cache,
            copies[n],
            START + SKEWS[n],
            name=name,
            encrypt=encrypted and not n,
            passphrase=lambda new: "our team passphrase",
        )
        engine.owners[membership.member] = n
        members.append(Member(name, n, tmp_path / f"data{n}", cache, membership, SKEWS[n]))
    engine.settle()
    counter = notices = 0
    for round_no in range(ROUNDS):
        now = START + timedelta(minutes=round_no)
        for _ in range(rng.randrange(8, 24)):
            if rng.random() < 0.6:
                engine.step()
                continue
            member = rng.choice(members)
            if rng.random() < 0.3:  # a member reads while the copies are not in step
                seen = read_team(
                    member.membership.folder,
                    cipher=member.membership.cipher(),
                    cache=member.cache,
                    now=START,
                ).to_json()
                notices += len(seen["notices"])
                mine = next(m for m in seen["members"] if m["id"] == member.membership.member)
                assert {i["id"]: i["title"] for i in mine["items"]} == member.expected
                continue
            counter += 1
            live = sorted(member.expected)
            when = now + member.skew
            choice = rng.random()
            if live and choice < 0.2:
                ident = rng.choice(live)
                publish(member.cache, member.membership, when, withdraw=[ident])
                del member.expected[ident]
                member.gone.add(ident)
            else:
                if live and choice < 0.45:
                    ident = rng.choice(live)  # a new version of an item already published
                else:
                    ident = f"entry:{member.name.lower()}-{counter}"
                title = f"{member.name} {counter}"
                add = TeamItem(ident, "entry", 1, "", title, f"# {title}\n", {"n": counter})
                publish(member.cache, member.membership, when, add=[add])
                member.expected[ident] = title
                member.gone.discard(ident)
            # A member's own files are the only ones they touched (checked by engine.scan).
            engine.scan()
        engine.settle()
        views = [listed(m) for m in members]
        assert views[0] == views[1] == views[2], f"round {round_no}"
        assert views[0]["notices"] == []
        by_id = {m["id"]: m for m in views[0]["members"]}
        for member in members:
            shown = by_id[member.membership.member]
            assert {i["id"]: i["title"] for i in shown["items"]} == member.expected
            assert set(shown["withdrawn"]) == member.gone
    if encrypted:  # every copy, conflict copies included, is ciphertext
        for copy in copies:
            assert all(b"Ana" not in p.read_bytes() for p in copy.iterdir() if p.is_file())
    # The engine did make conflict copies, and readers did meet half-synced files.
    assert engine.conflicts > 0 and notices > 0, (engine.conflicts, notices)
    for member in members:
        publish(member.cache, member.membership, START + timedelta(days=1))
    engine.settle()
    assert sorted(os.listdir(copies[0])) == sorted(
        ["csa-team.json", *(member_file(m.membership.member) for m in members)]
    )
