"""The team folder engine: one writer per file, conflict copies in each engine's naming,
half-synced files, offline, turnover and encryption (transfer/team.py, domain/team.py)."""

from __future__ import annotations

import errno
import os
from datetime import timedelta
from pathlib import Path

import pytest

from csa_companion.domain.team import MemberState, TeamItem, member_file, parse_name
from csa_companion.paths import DataPaths
from csa_companion.storage.store import Stores
from csa_companion.transfer.team import (
    TeamCache,
    TeamError,
    join,
    leave,
    publish,
    read_team,
    survey_rows,
    unlock_team,
)
from tests.conftest import START

CONFLICT_NAMES = (
    "member-{id} (Ana's conflicted copy 2027-01-05).json",  # Dropbox
    "member-{id}.sync-conflict-20270105-101500-ABCDEFG.json",  # Syncthing
    "member-{id}-LAPTOP-7.json",  # OneDrive
    "member-{id} (1).json",  # Google Drive
)


def cache_at(data: Path) -> TeamCache:
    return TeamCache(Stores(DataPaths(data))["team"])


def item(ident: str, title: str = "", kind: str = "entry") -> TeamItem:
    return TeamItem(f"{kind}:{ident}", kind, 1, "", title or ident, f"# {title or ident}\n", {})


def titles(view_members: object) -> dict[str, list[str]]:
    return {m.state.name: [i.title for i in m.state.live()] for m in view_members}  # type: ignore[attr-defined]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "Dropbox" / "team"
    path.mkdir(parents=True)
    return path


def test_names_of_conflict_copies_in_every_engine_are_recognized() -> None:
    ident = "0123456789ab"
    assert parse_name(member_file(ident)) == (ident, False)
    for pattern in CONFLICT_NAMES:
        assert parse_name(pattern.format(id=ident)) == (ident, True), pattern
    others = (f".member-{ident}.json.123.tmp", ".syncthing.x.tmp", "notes.txt", "member-x.json")
    for other in others:
        assert parse_name(other) is None


def test_members_publish_and_each_reads_everyone(folder: Path, tmp_path: Path) -> None:
    ana_cache, ben_cache = cache_at(tmp_path / "ana"), cache_at(tmp_path / "ben")
    ana = join(ana_cache, folder, START, name="Ana", role="director")
    ben = join(ben_cache, folder, START, name="Ben")
    publish(ana_cache, ana, START, add=[item("a1", "Late pickups")])
    publish(ben_cache, ben, START, add=[item("b1", "Staff meeting")])
    view = read_team(folder, cache=ben_cache, now=START, you=ben.member)
    assert titles(view.members) == {"Ana": ["Late pickups"], "Ben": ["Staff meeting"]}
    assert sorted(os.listdir(folder)) == sorted(
        ["csa-team.json", member_file(ana.member), member_file(ben.member)]
    )
    assert not view.notices


def test_conflict_copies_merge_by_item_and_are_folded_by_their_owner_only(
    folder: Path, tmp_path: Path
) -> None:
    ana_cache, ben_cache = cache_at(tmp_path / "ana"), cache_at(tmp_path / "ben")
    ana = join(ana_cache, folder, START, name="Ana")
    ben = join(ben_cache, folder, START, name="Ben")
    base = publish(ana_cache, ana, START, add=[item("one")]).state
    own = folder / member_file(ana.member)
    # Four computers of Ana's each published something the others had not seen.
    for n, pattern in enumerate(CONFLICT_NAMES):
        extra = TeamItem(f"entry:c{n}", "entry", base.seq + 1, START.isoformat(), f"c{n}")
        copy = MemberState(**{**base.__dict__, "items": {**base.items, extra.id: extra}})
        (folder / pattern.format(id=ana.member)).write_bytes(copy.to_bytes())
    ben_before = (folder / member_file(ben.member)).read_bytes()
    view = read_team(folder, cache=ben_cache, now=START)
    assert sorted(titles(view.members)["Ana"]) == ["c0", "c1", "c2", "c3", "one"]
    done = publish(ana_cache, ana, START + timedelta(minutes=1), add=[item("two")])
    assert len(done.folded) == 4
    assert sorted(os.listdir(folder)) == sorted(
        ["csa-team.json", member_file(ana.member), member_file(ben.member)]
    )
    assert (folder / member_file(ben.member)).read_bytes() == ben_before
    assert sorted(i.title for i in MemberState.from_bytes(own.read_bytes()).live()) == [
        "c0",
        "c1",
        "c2",
        "c3",
        "one",
        "two",
    ]
    # Ben's conflict copies are his to fold: Ana's publish leaves them as they are.
    theirs = folder / CONFLICT_NAMES[0].format(id=ben.member)
    theirs.write_bytes(ben_before)
    publish(ana_cache, ana, START + timedelta(minutes=2), add=[item("three")])
    assert theirs.read_bytes() == ben_before


def test_half_synced_file_shows_the_last_good_copy_with_a_notice(
    folder: Path, tmp_path: Path
) -> None:
    ana_cache, ben_cache = cache_at(tmp_path / "ana"), cache_at(tmp_path / "ben")
    ana = join(ana_cache, folder, START, name="Ana")
    publish(ana_cache, ana, START, add=[item("a1", "First")])
    assert titles(read_team(folder, cache=ben_cache, now=START).members) == {"Ana": ["First"]}
    own = folder / member_file(ana.member)
    publish(ana_cache, ana, START, add=[item("a2", "Second")])
    own.write_bytes(own.read_bytes()[:200])  # the engine has written half of the new one
    view = read_team(folder, cache=ben_cache, now=START)
    assert titles(view.members) == {"Ana": ["First"]}
    assert any("skipped" in n and member_file(ana.member) in n for n in view.notices)


def test_clock_minutes_behind_does_not_reorder_a_members_versions(
    folder: Path, tmp_path: Path
) -> None:
    ana_cache = cache_at(tmp_path / "ana")
    ana = join(ana_cache, folder, START, name="Ana")
    publish(ana_cache, ana, START, add=[item("x", "First title")])
    publish(ana_cache, ana, START - timedelta(minutes=9), add=[item("x", "Second title")])
    view = read_team(folder, cache=cache_at(tmp_path / "ben"), now=START)
    assert titles(view.members) == {"Ana": ["Second title"]}


def test_withdraw_leaves_a_tombstone_that_beats_an_older_copy(folder: Path, tmp_path: Path) -> None:
    ana_cache, ben_cache = cache_at(tmp_path / "ana"), cache_at(tmp_path / "ben")
    ana = join(ana_cache, folder, START, name="Ana")
    publish(ana_cache, ana, START, add=[item("x", "Private after all")])
    old = (folder / member_file(ana.member)).read_bytes()
    read_team(folder, cache=ben_cache, now=START)
    publish(ana_cache, ana, START, withdraw=["entry:x"])
    # an old copy comes back late (an engine restoring a deleted file)
    (folder / CONFLICT_NAMES[3].format(id=ana.member)).write_bytes(old)
    view = read_team(folder, cache=ben_cache, now=START)
    assert titles(view.members) == {"Ana": []}
    assert view.to_json()["members"][0]["withdrawn"] == ["entry:x"]
    assert b"Private after all" not in (folder / member_file(ana.member)).read_bytes()
    with pytest.raises(TeamError, match="no item"):
        publish(ana_cache, ana, START, withdraw=["entry:x"])


def test_offline_shows_the_last_copies_and_when_last_seen(folder: Path, tmp_path: Path) -> None:
    ana_cache, ben_cache = cache_at(tmp_path / "ana"), cache_at(tmp_path / "ben")
    ana = join(ana_cache, folder, START, name="Ana")
    publish(ana_cache, ana, START, add=[item("a1", "Kept")])
    read_team(folder, cache=ben_cache, now=START)
    folder.rename(folder.with_name("gone"))
    view = read_team(folder, cache=ben_cache, now=START + timedelta(hours=3))
    assert view.offline and titles(view.members) == {"Ana": ["Kept"]}
    assert "last seen 2026-11-24 09:30" in view.notices[0]
    with pytest.raises(TeamError, match="not there"):
        publish(ana_cache, ana, START, add=[item("a2")])


def test_a_later_joiner_sees_members_who_left_and_their_handed_over_worksheets(
    folder: Path, tmp_path: Path
) -> None:
    ana_cache = cache_at(tmp_path / "ana")
    ana = join(ana_cache, folder, START, name="Ana")
    publish(ana_cache, ana, START, add=[item("r", "My reflection", "reflection")])
    leave(ana_cache, ana, START + timedelta(days=1), [item("g", "Group iceberg", "worksheet")])
    assert ana_cache.membership() is None
    cara_cache = cache_at(tmp_path / "cara")
    cara = join(cara_cache, folder, START + timedelta(days=30), name="Cara")
    view = read_team(folder, cache=cara_cache, now=START + timedelta(days=30), you=cara.member)
    by_name = {m.state.name: m.state for m in view.members}
    assert by_name["Ana"].left is not None and by_name["Cara"].left is None
    assert [(i.title, i.handed_over) for i in by_name["Ana"].live()] == [
        ("Group iceberg", True),
        ("My reflection", False),
    ]


def test_the_same_member_on_a_second_computer(folder: Path, tmp_path: Path) -> None:
    first = cache_at(tmp_path / "laptop")
    ana = join(first, folder, START, name="Ana")
    publish(first, ana, START, add=[item("a1", "From the laptop")])
    second = cache_at(tmp_path / "desktop")
    again = join(second, folder, START, name=None, as_id=ana.member)
    assert again.member == ana.member and again.name == "Ana"
    publish(second, again, START, add=[item("a2", "From the desktop")])
    view = read_team(folder, cache=first, now=START)
    assert sorted(titles(view.members)["Ana"]) == ["From the desktop", "From the laptop"]
    with pytest.raises(TeamError, match="no member with id"):
        join(cache_at(tmp_path / "x"), folder, START, name=None, as_id="ffffffffffff")


def test_encrypted_team_files_hold_no_plaintext(folder: Path, tmp_path: Path) -> None:
    ana_cache, ben_cache = cache_at(tmp_path / "ana"), cache_at(tmp_path / "ben")
    secret = "pass phrase"
    ana = join(ana_cache, folder, START, name="Ana", encrypt=True, passphrase=lambda new: secret)
    with pytest.raises(TeamError, match="wrong team passphrase"):
        join(ben_cache, folder, START, name="Ben", passphrase=lambda new: "wrong one")
    ben = join(ben_cache, folder, START, name="Ben", passphrase=lambda new: "pass phrase")
    publish(ana_cache, ana, START, add=[item("a1", "Secret title")])
    for path in folder.iterdir():
        assert b"Secret title" not in path.read_bytes() and b"Ana" not in path.read_bytes()
    view = read_team(folder, cache=ben_cache, now=START, cipher=ben.cipher())
    assert titles(view.members)["Ana"] == ["Secret title"]
    plain = read_team(folder)  # without the key: skipped, with a notice
    assert not plain.members and plain.notices
    assert unlock_team(folder, "pass phrase") is not None


def test_read_only_folder_reads_and_refuses_to_publish(folder: Path, tmp_path: Path) -> None:
    ana_cache = cache_at(tmp_path / "ana")
    ana = join(ana_cache, folder, START, name="Ana")
    publish(ana_cache, ana, START, add=[item("a1", "Before")])
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(TeamError, match="cannot be written"):
            publish(ana_cache, ana, START, add=[item("a2")])
        assert titles(read_team(folder).members) == {"Ana": ["Before"]}
    finally:
        folder.chmod(0o700)


def test_full_disk_publishes_nothing_and_leaves_no_temp_file(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana_cache = cache_at(tmp_path / "ana")
    ana = join(ana_cache, folder, START, name="Ana")
    publish(ana_cache, ana, START, add=[item("a1", "Before")])
    before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if os.fstat(fd).st_size == 0:  # the first bytes go, then the disk is full
            return real_write(fd, data[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(TeamError, match="the disk is full; nothing was published"):
        publish(ana_cache, ana, START, add=[item("a2", "x" * 5000)])
    monkeypatch.undo()
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == before


def test_a_folder_that_disappears_mid_read(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana_cache, ben_cache = cache_at(tmp_path / "ana"), cache_at(tmp_path / "ben")
    ana = join(ana_cache, folder, START, name="Ana")
    ben = join(ben_cache, folder, START, name="Ben")
    publish(ana_cache, ana, START, add=[item("a1", "Kept")])
    publish(ben_cache, ben, START, add=[item("b1", "Also kept")])
    read_team(folder, cache=ben_cache, now=START)
    real = Path.read_bytes
    calls = []

    def vanishing(self: Path) -> bytes:
        calls.append(self)
        if len(calls) == 1:
            folder.rename(folder.with_name("unmounted"))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", vanishing)
    view = read_team(folder, cache=ben_cache, now=START + timedelta(minutes=5))
    monkeypatch.undo()
    assert view.offline
    assert titles(view.members) == {"Ana": ["Kept"], "Ben": ["Also kept"]}


def test_survey_rows_carry_the_participant_code_not_the_name(folder: Path, tmp_path: Path) -> None:
    ana_cache = cache_at(tmp_path / "ana")
    ana = join(ana_cache, folder, START, name="Ana Real-Name")
    doc = {
        "key": "1-pre",
        "session": 1,
        "when": "pre",
        "status": "submitted",
        "updated": START.isoformat(),
        "answers": {"aware": {"rating": 3, "comment": "ok"}},
        "participant": "P-17",
    }
    survey = TeamItem("survey:1-pre", "survey", 1, "", "Survey", "", doc)
    publish(ana_cache, ana, START, add=[survey])
    rows = survey_rows(read_team(folder))
    assert rows == [
        {
            "participant": "P-17",
            "session": "1",
            "when": "pre",
            "item": "aware",
            "rating": "3",
            "comment": "ok",
            "date": "2026-11-24",
        }
    ]


def test_joining_before_the_team_file_has_arrived_waits_for_it(
    folder: Path, tmp_path: Path
) -> None:
    ana_cache = cache_at(tmp_path / "ana")
    ana = join(
        ana_cache, folder, START, name="Ana", encrypt=True, passphrase=lambda new: "pw pw pw"
    )
    (folder / "csa-team.json").unlink()  # the engine brought Ana's file first
    with pytest.raises(TeamError, match="wait for the sync engine"):
        join(cache_at(tmp_path / "ben"), folder, START, name="Ben")
    assert sorted(os.listdir(folder)) == [member_file(ana.member)]
