"""The team folder engine: one writer per file, conflict copies in each engine's naming,
half-synced files, offline, turnover and encryption (transfer/team.py, domain/team.py)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

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
    assert any("its last good copy is shown" in n for n in view.notices)


def test_a_damaged_file_of_a_member_never_read_whole_says_nothing_is_shown(folder: Path) -> None:
    """No good copy of that member anywhere: the notice does not promise one."""
    (folder / member_file("0123456789ab")).write_bytes(b'{"half')
    view = read_team(folder)
    assert view.members == []
    [notice] = view.notices
    assert notice.startswith(f"{member_file('0123456789ab')} was skipped: it is cut off")
    assert notice.endswith("; nothing of this member can be shown until a whole copy arrives")


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


@pytest.mark.parametrize("damaged", [b"", b'{"format": "csa-companion-te', b"garbage"])
def test_joining_while_the_team_file_is_half_synced_waits_for_it(
    folder: Path, tmp_path: Path, damaged: bytes
) -> None:
    """The team's own file is there but cut off (the engine is still writing it) and no
    member's file has come yet: join said it had joined, under a team id no one else has, and
    would have taken an encrypted team for a plain one (its key record is in that file)."""
    (folder / "csa-team.json").write_bytes(damaged)
    ben = cache_at(tmp_path / "ben")
    with pytest.raises(TeamError, match=r"cannot be read yet .* wait for the sync engine"):
        join(ben, folder, START, name="Ben")
    assert sorted(os.listdir(folder)) == ["csa-team.json"]
    assert (folder / "csa-team.json").read_bytes() == damaged
    assert ben.membership() is None


# -- the shell commands ---------------------------------------------------------------------


def shell(data: Path, *argv: str) -> int:
    from csa_companion.cli import main

    return main(["--data-dir", str(data), *argv])


def test_team_commands_from_join_to_leave(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csa_companion.domain.worksheet import Worksheet
    from csa_companion.storage.repos import WorksheetRepo

    ana, ben = tmp_path / "ana", tmp_path / "ben"
    assert shell(ana, "team", "join", str(folder), "--name", "Ana", "--role", "director") == 0
    assert shell(ben, "team", "join", str(folder), "--name", "Ben") == 0
    assert shell(ana, "journal", "add", "What I noticed at pickup", "--title", "Pickup") == 0
    capsys.readouterr()
    assert shell(ana, "journal", "list", "--json") == 0
    uid = json.loads(capsys.readouterr().out)[0]["uid"]
    group = Worksheet(
        tool_id="iceberg", title="Our pickups", created=START, updated=START, group=True
    )
    WorksheetRepo(Stores(DataPaths(ana))["worksheets"]).save(group)

    assert shell(ana, "team", "publish", "--entry", uid[:6]) == 0
    out = capsys.readouterr().out
    assert "Entry: Pickup" in out.splitlines()[1] and "published 1 item" in out
    assert shell(ben, "team", "list") == 0
    out = capsys.readouterr().out
    assert "Ana · director" in out and f"Entry: Pickup  [entry:{uid}]" in out
    assert shell(ana, "team", "withdraw", uid[:4]) == 0
    assert shell(ana, "team", "leave", "--hand-over") == 0
    assert "handing over Group worksheet: Our pickups" in capsys.readouterr().out
    assert shell(ben, "team", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    by_name = {m["name"]: m for m in listed["members"]}
    assert by_name["Ana"]["left"] and by_name["Ana"]["withdrawn"] == [f"entry:{uid}"]
    assert [(i["title"], i["handed_over"]) for i in by_name["Ana"]["items"]] == [
        ("Group worksheet: Our pickups", True)
    ]
    assert listed["you"] == by_name["Ben"]["id"]
    # Ana is in no team now; nothing goes without being named.
    assert shell(ana, "team", "list") == 2
    assert shell(ben, "team", "publish") == 2
    err = capsys.readouterr().err
    assert "in no team" in err and "choose what to publish" in err


def test_publish_surveys_goes_under_the_participant_code(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csa_companion.domain.survey import Answer, SurveyResponse
    from csa_companion.storage.program_repos import SurveyRepo

    ana = tmp_path / "ana"
    shell(ana, "team", "join", str(folder), "--name", "Ana Real-Name")
    assert shell(ana, "team", "publish", "--surveys") == 2
    assert "participant code" in capsys.readouterr().err
    shell(ana, "survey", "code", "P-17")
    response = SurveyResponse(1, "pre", START, {"aware": Answer(4, "")}, status="submitted")
    SurveyRepo(Stores(DataPaths(ana))["surveys"]).save(response)
    capsys.readouterr()
    assert shell(ana, "team", "publish", "--surveys") == 0
    assert "your team sees them under your name" in capsys.readouterr().out
    rows = survey_rows(read_team(folder))
    assert [(r["participant"], r["item"], r["rating"]) for r in rows] == [("P-17", "aware", "4")]
    raw = b"".join(p.read_bytes() for p in folder.glob("member-*.json"))
    assert raw.count(b"Ana Real-Name") == 1  # the member's name, not in the answers


def run_cli(data: Path, *argv: str, prefix: tuple[str, ...] = (), stdin: str = "") -> Any:
    env = {k: v for k, v in os.environ.items() if k != "CSA_COMPANION_PASSPHRASE"}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "csa_companion", "--data-dir", str(data), *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_join_encrypt_asks_the_team_passphrase_twice(folder: Path, tmp_path: Path) -> None:
    none = run_cli(tmp_path / "ana", "team", "join", str(folder), "--name", "Ana", "--encrypt")
    assert none.returncode == 2 and none.stderr.count("\n") == 1
    # the team passphrase is never read from the environment: the message does not offer it
    assert "first line of standard input" in none.stderr
    assert "CSA_COMPANION_PASSPHRASE" not in none.stderr
    made = run_cli(
        tmp_path / "ana",
        "team",
        "join",
        str(folder),
        "--name",
        "Ana",
        "--encrypt",
        stdin="team secret\nteam secret\n",
    )
    assert made.returncode == 0, made.stderr
    wrong = run_cli(
        tmp_path / "ben", "team", "join", str(folder), "--name", "Ben", stdin="not it\n"
    )
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1
    assert "wrong team passphrase" in wrong.stderr
    ben = run_cli(
        tmp_path / "ben", "team", "join", str(folder), "--name", "Ben", stdin="team secret\n"
    )
    assert ben.returncode == 0, ben.stderr
    listed = run_cli(tmp_path / "ben", "team", "list")
    assert listed.returncode == 0 and "Ana" in listed.stdout
    assert all(b"Ana" not in p.read_bytes() for p in folder.iterdir())


def test_a_read_only_team_folder(folder: Path, tmp_path: Path) -> None:
    from tests.unit.test_hostile_shell import read_only_mechanism

    ana = tmp_path / "ana"
    assert run_cli(ana, "team", "join", str(folder), "--name", "Ana").returncode == 0
    assert run_cli(ana, "journal", "add", "A line", "--title", "Line").returncode == 0
    uid = json.loads(run_cli(ana, "journal", "list", "--json").stdout)[0]["uid"]
    before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    if read_only_mechanism() == "mount":
        script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        prefix: tuple[str, ...] = ("unshare", "-rm", "sh", "-c", script, str(folder))
        published = run_cli(ana, "team", "publish", "--entry", uid, prefix=prefix)
        listed = run_cli(ana, "team", "list", prefix=prefix)
        left = run_cli(ana, "team", "leave", prefix=prefix)
    else:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        try:
            published = run_cli(ana, "team", "publish", "--entry", uid)
            listed = run_cli(ana, "team", "list")
            left = run_cli(ana, "team", "leave")
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert published.returncode == 1
    assert published.stderr.count("\n") == 1 and "cannot be written" in published.stderr
    assert "nothing was published" in published.stderr and "Traceback" not in published.stderr
    assert listed.returncode == 0 and "Ana" in listed.stdout
    assert left.returncode == 1 and left.stderr.count("\n") == 1
    assert "nothing was published" not in left.stderr  # leave asked for no publish
    assert "you are still in the team; nothing was changed" in left.stderr
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == before
    assert run_cli(ana, "team", "list").returncode == 0  # still a member


def test_what_is_not_a_member_file_is_never_read(folder: Path, tmp_path: Path) -> None:
    """A pipe or a folder under a member's name, or a file far too big, is skipped: the read
    neither blocks nor runs out of memory."""
    ana_cache = cache_at(tmp_path / "ana")
    ana = join(ana_cache, folder, START, name="Ana")
    publish(ana_cache, ana, START, add=[item("a1", "Kept")])
    os.mkfifo(folder / "member-aaaaaaaaaaaa.json")
    (folder / "member-bbbbbbbbbbbb.json").mkdir()
    with (folder / "member-cccccccccccc.json").open("wb") as big:
        big.truncate(65 << 20)  # sparse: takes no room
    view = read_team(folder)
    assert titles(view.members) == {"Ana": ["Kept"]}
    assert [n for n in view.notices if "larger than 64 MB" in n]


def test_publishing_touches_no_one_elses_temp_file_and_writes_team_readable_files(
    folder: Path, tmp_path: Path
) -> None:
    ana_cache, ben_cache = cache_at(tmp_path / "ana"), cache_at(tmp_path / "ben")
    ana = join(ana_cache, folder, START, name="Ana")
    ben = join(ben_cache, folder, START, name="Ben")
    # Ben's write under way on his computer (a dead process id here), and one of Ana's own
    # left by a write killed long ago.
    theirs = folder / f".{member_file(ben.member)}.999999.tmp"
    theirs.write_bytes(b"half")
    mine = folder / f".{member_file(ana.member)}.999999.tmp"
    mine.write_bytes(b"old")
    os.utime(mine, (0, 0))
    old_umask = os.umask(0o022)
    try:
        publish(ana_cache, ana, START, add=[item("a1")])
    finally:
        os.umask(old_umask)
    assert theirs.exists() and not mine.exists()
    # A network share: teammates read each other's files under their own accounts.
    assert (folder / member_file(ana.member)).stat().st_mode & 0o044 == 0o044


def test_a_damaged_team_key_is_one_clear_line(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ana = tmp_path / "ana"
    cache = cache_at(ana)
    join(cache, folder, START, name="Ana", encrypt=True, passphrase=lambda new: "pw pw pw pw")
    store = cache.store
    with store.transaction():
        store.table("membership").update({"team_key": "not base64 at all!"})
    capsys.readouterr()
    assert shell(ana, "team", "list") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "team key kept in this data folder" in err


def test_a_team_folder_name_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "csa_companion",
            "--data-dir",
            str(tmp_path / "d"),
            "team",
            "join",
            os.fsencode(tmp_path) + b"/te\xffam",
            "--name",
            "Ana",
        ],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert (
        done.stderr
        == b"csa-companion: the team folder is not valid UTF-8 text; nothing was looked up\n"
    )


def test_names_from_a_teammate_never_drive_the_terminal_or_break_a_line(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name, role or title with an escape sequence, a line end or a right-to-left override,
    and a file name with an escape sequence: `team list` prints each on one line, with
    U+FFFD in place of what would drive the terminal; join keeps a name and role one line."""
    ana, eve = tmp_path / "ana", tmp_path / "eve"
    assert shell(ana, "team", "join", str(folder), "--name", "Ana") == 0
    name, role = "Eve\x1b[2J\u202eevil", "site\ncoordinator"
    assert shell(eve, "team", "join", str(folder), "--name", name, "--role", role) == 0
    assert "\x1b" not in capsys.readouterr().out
    kept = cache_at(eve).membership()
    assert kept is not None
    assert (kept.name, kept.role) == ("Eve\ufffd[2J\ufffdevil", "site coordinator")
    (folder / "member-0123456789ab\x1b[2J.json").write_bytes(b"half")
    assert shell(ana, "team", "list") == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\u202e" not in out + err
    assert "Eve\ufffd[2J\ufffdevil · site coordinator · id" in out
    assert "member-0123456789ab\ufffd[2J.json was skipped" in err


def test_join_with_an_empty_folder_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`team join "" --name Ana` (an unset shell variable) would have made the current folder
    the team's."""
    monkeypatch.chdir(tmp_path)
    assert shell(tmp_path / "ana", "team", "join", "", "--name", "Ana") == 2
    assert capsys.readouterr().err == (
        "csa-companion: give the team's folder: the folder your sync engine keeps in step\n"
    )
    assert not (tmp_path / "csa-team.json").exists()


def test_a_team_folder_holding_the_data_folder_or_inside_it_is_refused(tmp_path: Path) -> None:
    """The data folder inside the synced team folder would carry the journal to every
    teammate; a team folder inside the data folder mixes the team's files with the store's."""
    team = tmp_path / "Dropbox" / "csa-team"
    team.mkdir(parents=True)
    for data in (team / "my-data", team):
        with pytest.raises(TeamError, match="your journal and everything else in it would go"):
            join(cache_at(data), team, START, name="Ana")
        assert not any(p.name.startswith(("member-", "csa-team")) for p in team.iterdir())
    data = tmp_path / "data"
    inside = data / "team"
    inside.mkdir(parents=True)
    with pytest.raises(TeamError, match="is inside your data folder"):
        join(cache_at(data), inside, START, name="Ana")
    assert list(inside.iterdir()) == []


def test_a_copy_whose_counter_is_at_its_limit_is_skipped(folder: Path, tmp_path: Path) -> None:
    """A conflict copy of one's own file with a counter of 2**64 - 1 (hand-made: no app
    counts that far) made the next publish fail with a traceback (the next counter cannot
    be written as JSON); it is skipped like any damaged copy."""
    cache = cache_at(tmp_path / "ana")
    ana = join(cache, folder, START, name="Ana")
    own = MemberState.from_bytes((folder / member_file(ana.member)).read_bytes())
    for seq, rev in ((2**64 - 1, 1), (1, 2**64 - 1)):
        items = {"entry:x": TeamItem("entry:x", "entry", rev, START.isoformat(), "X")}
        odd = replace(own, seq=seq, items=items)
        (folder / f"member-{ana.member} (1).json").write_bytes(odd.to_bytes())
        view = read_team(folder)
        assert any("member counter" in n or "version" in n for n in view.notices), view.notices
        publish(cache, ana, START, add=[item("a1", "First")])
        assert titles(read_team(folder).members) == {"Ana": ["First"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("at", "\x1b[2J2027-01-05"),
        ("id", "entry:x\x1b[2J"),
        ("id", "worksheet:x"),
        ("left", "soon"),
    ],
)
def test_a_copy_with_dates_or_ids_the_app_never_writes_is_skipped(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: str
) -> None:
    """An item's time or id, and a member's dates, are printed as they are (cut to the date,
    typed back to withdraw): a file holding an escape sequence there, an id of another kind
    or a date that is none, is not one the app wrote, and is skipped with a notice."""
    ana = tmp_path / "ana"
    assert shell(ana, "team", "join", str(folder), "--name", "Ana") == 0
    eve = MemberState("0123456789ab", "Eve", "", START.isoformat(), 1, START.isoformat())
    good = TeamItem("entry:x", "entry", 1, START.isoformat(), "X")
    if field == "left":
        eve = replace(eve, left=value)
    else:
        good = replace(good, at=value) if field == "at" else replace(good, id=value)
    (folder / member_file(eve.member)).write_bytes(replace(eve, items={good.id: good}).to_bytes())
    capsys.readouterr()
    assert shell(ana, "team", "list") == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "Eve" not in out
    assert f"{member_file(eve.member)} was skipped" in err
