"""The team folder under a real sync engine, as a user would have it: Debian's `syncthing`,
two instances on 127.0.0.1 only, each keeping one copy of the team folder in step.

Ana works on copy a; Ben on copy b. Both publish and withdraw while the engines run, and every
item arrives on both sides. Then Ana publishes from a second computer (her own data folder on
copy b) while the two engines cannot reach each other: Syncthing itself makes the conflict
copy, both sides show both items, and her next publish folds it in and removes it.

Skipped when `syncthing` is missing, except under CI=true, where that is a failure (`.ci/run`
installs it). Every wait is bounded, and the engines are stopped however the test ends.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from csa_companion.domain.team import TeamItem, member_file, parse_name
from csa_companion.transfer.team import TeamCache, join, publish, read_team
from tests.conftest import START
from tests.syncthing import Instance, syncthing_binary, two_syncthings, wait_until
from tests.unit.test_team import cache_at

WAIT = 60.0  # seconds for any one thing to arrive


@pytest.fixture
def binary() -> str:
    found = syncthing_binary()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("syncthing is missing (.ci/run installs Debian's syncthing package)")
        pytest.skip("syncthing is not installed (apt-get install syncthing)")
    return found


def items_seen(cache: TeamCache, folder: Path) -> dict[str, set[str]]:
    """Each member's live item titles, as that data folder's `team list` shows them."""
    view = read_team(folder, cache=cache, now=START)
    return {m.state.name: {i.title for i in m.state.live()} for m in view.members}


def entry(title: str) -> TeamItem:
    return TeamItem(f"entry:{title.lower().replace(' ', '-')}", "entry", 1, "", title, title)


def all_see(
    sides: tuple[tuple[TeamCache, Path], ...],
    expected: dict[str, set[str]],
    what: str,
    engines: tuple[Instance, Instance],
    *,
    folded: bool = False,
) -> None:
    """Wait until every side lists `expected` (and, with `folded`, holds no conflict copy)."""
    for cache, folder in sides:

        def arrived(cache: TeamCache = cache, folder: Path = folder) -> bool:
            if folded and conflict_copies(folder):
                return False
            return items_seen(cache, folder) == expected

        wait_until(arrived, f"{what} at {folder.parent.name}", WAIT, *engines)


def conflict_copies(folder: Path) -> list[str]:
    return [
        p.name
        for p in folder.iterdir()
        if (parsed := parse_name(p.name)) and parsed[1] and ".sync-conflict-" in p.name
    ]


def test_two_syncthing_instances_keep_a_team_in_step(binary: str, tmp_path: Path) -> None:
    with two_syncthings(binary, tmp_path / "engines") as (a, b):
        both = (a, b)
        ana_cache, ben_cache = cache_at(tmp_path / "ana"), cache_at(tmp_path / "ben")
        ana = join(ana_cache, a.folder, START, name="Ana", role="director")
        wait_until(lambda: (b.folder / "csa-team.json").exists(), "the team file at b", WAIT, *both)
        ben = join(ben_cache, b.folder, START, name="Ben")

        # Both publish and withdraw while the engines run.
        publish(ana_cache, ana, START, add=[entry("Ana one"), entry("Ana two")])
        publish(ben_cache, ben, START, add=[entry("Ben one")])
        publish(ana_cache, ana, START + timedelta(minutes=1), withdraw=["entry:ana-one"])
        publish(ben_cache, ben, START + timedelta(minutes=1), add=[entry("Ben two")])
        ben_file = (b.folder / member_file(ben.member)).read_bytes()
        expected = {"Ana": {"Ana two"}, "Ben": {"Ben one", "Ben two"}}
        sides = ((ana_cache, a.folder), (ben_cache, b.folder))
        all_see(sides, expected, "every item", both)

        # Ana on a second computer (her own data folder, on copy b), between syncs.
        desk_cache = cache_at(tmp_path / "ana-desktop")
        desk = join(desk_cache, b.folder, START, name=None, as_id=ana.member)
        wait_until(
            lambda: items_seen(ana_cache, a.folder) == expected, "the desktop's join at a", WAIT
        )
        _apart(a, b)
        publish(ana_cache, ana, START + timedelta(minutes=2), add=[entry("From the laptop")])
        publish(desk_cache, desk, START + timedelta(minutes=2), add=[entry("From the desktop")])
        for instance in both:
            instance.scan()
        _together(a, b)
        expected["Ana"] |= {"From the laptop", "From the desktop"}
        wait_until(
            lambda: bool(conflict_copies(a.folder) and conflict_copies(b.folder)),
            "Syncthing's conflict copy on both sides",
            WAIT,
            *both,
        )
        all_see(sides, expected, "both of Ana's items", both)

        # Ana's next publish folds the conflict copy in and removes it, on both sides.
        done = publish(ana_cache, ana, START + timedelta(minutes=3), add=[entry("Later")])
        assert done.folded and all(".sync-conflict-" in n for n in done.folded)
        expected["Ana"].add("Later")
        all_see(sides, expected, "the folded copy gone and every item", both, folded=True)
        # Ben's file is as Ben last wrote it, on both sides: nobody else wrote it.
        for instance in both:
            assert (instance.folder / member_file(ben.member)).read_bytes() == ben_file


def _apart(a: Instance, b: Instance) -> None:
    a.pause(b)
    b.pause(a)
    wait_until(lambda: not a.connected(b) and not b.connected(a), "the engines apart", WAIT, a, b)


def _together(a: Instance, b: Instance) -> None:
    a.resume(b)
    b.resume(a)
    wait_until(lambda: a.connected(b) and b.connected(a), "the engines together", WAIT, a, b)
