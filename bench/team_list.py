"""How long `csa-companion team list` takes on a team folder of 50 members (target: 0.5 s).

Run with `.venv/bin/python bench/team_list.py [--runs N] [--members N] [--items N]`. It writes
a throw-away team folder where each member has published `--items` items (worksheets with a
text diagram, about 3 KB of Markdown each), joins it from a fresh data folder, then times the
whole `team list` command (a fresh process, imports included; median of N runs, the first run,
which also fills the data folder's copies, shown apart) next to `csa-companion where` (the
floor: start-up alone), and the read of the folder in-process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from csa_companion.domain.team import MemberState, TeamItem, member_file
from csa_companion.paths import DataPaths
from csa_companion.storage.store import Stores
from csa_companion.transfer.team import TeamCache, join, read_team

TARGET = 0.5
START = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)


def make_team(folder: Path, members: int, items: int) -> None:
    """A team (its founder's file empty) and `members` member files, as if each had
    published `items` items."""
    cache = TeamCache(Stores(DataPaths(folder.parent / "founder"))["team"])
    join(cache, folder, START, name="Founder")
    for n in range(members):
        member = f"{n:012x}"
        published = {}
        for k in range(items):
            lines = (f"- step {s}: what we noticed about the pickups, {k}" for s in range(40))
            body = "\n".join(lines)
            item = TeamItem(
                f"worksheet:{member}-{k}",
                "worksheet",
                k + 1,
                (START + timedelta(days=k)).isoformat(),
                f"Worksheet: Iceberg {k} of member {n}",
                f"# Iceberg {k}\n\n{body}\n",
                {"uid": f"{member}-{k}", "tool_id": "iceberg", "answers": {"events": body}},
            )
            published[item.id] = item
        state = MemberState(
            member,
            f"Member {n}",
            "site coordinator",
            START.isoformat(),
            items,
            START.isoformat(),
            None,
            published,
        )
        (folder / member_file(member)).write_bytes(state.to_bytes())


CPU: list[float] = []  # each timed command's CPU time (user + system), in the same order


def timed(command: list[str], env: dict[str, str]) -> float:
    """Wall time of the whole command; its CPU time goes to CPU (a busy machine disturbs
    wall time far more than CPU time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, timeout=60)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "team"
        folder.mkdir()
        make_team(folder, args.members, args.items)
        size = sum(p.stat().st_size for p in folder.iterdir())
        data = root / "data"
        env = {**os.environ, "CSA_COMPANION_DATA_DIR": str(data)}
        cli = [sys.executable, "-m", "csa_companion"]
        subprocess.run(
            [*cli, "team", "join", str(folder), "--name", "Reader"],
            check=True,
            capture_output=True,
            env=env,
            timeout=60,
        )
        first = timed([*cli, "team", "list"], env)
        CPU.clear()
        lists = [timed([*cli, "team", "list"], env) for _ in range(args.runs)]
        list_cpu = statistics.median(CPU)
        CPU.clear()
        floors = [timed([*cli, "where"], env) for _ in range(args.runs)]
        floor_cpu = statistics.median(CPU)
        cache = TeamCache(Stores(DataPaths(data))["team"])
        reads = []
        for _ in range(args.runs):
            start = time.perf_counter()
            view = read_team(folder, cache=cache, now=START)
            reads.append(time.perf_counter() - start)
        assert len(view.members) == args.members + 2  # and the founder's, the reader's
        median = statistics.median(lists)
        print(
            f"team folder: {args.members} members' files of {args.items} items each (and the "
            f"founder's and the reader's, empty), {size / 1e6:.1f} MB"
        )
        print(f"team list (first, fills the copies):  {first * 1000:.0f} ms")
        print(
            f"team list (median of {args.runs}):           {median * 1000:.0f} ms "
            f"(CPU {list_cpu * 1000:.0f} ms)"
        )
        print(
            f"floor: `where` (median):              {statistics.median(floors) * 1000:.0f} ms "
            f"(CPU {floor_cpu * 1000:.0f} ms)"
        )
        print(f"read_team in-process (median):        {statistics.median(reads) * 1000:.0f} ms")
        verdict = "PASS" if median <= TARGET else "FAIL"
        print(f"target {TARGET * 1000:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
