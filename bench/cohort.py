"""The cohort report at scale: 2,000 participants x 5 sessions x before/after x 12 statements.

Run with `.venv/bin/python bench/cohort.py [--runs N]`. It writes 240,000 survey answers into a
throw-away folder twice, the way an assessor would receive them:

  (a) a folder of 2,000 CSV files, one per participant, as `survey export` writes them;
  (b) one CSV of all 240,000 rows (a merged spreadsheet);

then runs `csa-companion cohort report FOLDER --out report.md` (Markdown, with the SVG chart
beside it) in a fresh process each time, and reports the median wall time (process start,
imports and writing included), next to a floor (`python -c pass`) measured the same way, and
its CPU time (user + system, which a busy machine disturbs far less than wall time) and the
process's peak memory (VmHWM, read by the child itself: see measure.py's peak_rss_mb).
Targets: 3 s and 200 MB. A report, not a test: the exit code is 0 unless the harness breaks.
"""

# ruff: noqa: E402  (the clock must start before any other import, so imports are timed)
import time

_T0 = time.perf_counter()

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from measure import children_cpu, peak_rss_mb

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
PARTICIPANTS, SESSIONS, STATEMENTS = 2_000, 5, 12
TARGET_S, TARGET_MB = 3.0, 200.0
CHILD_TIMEOUT = 120.0
HEADER = "participant,session,when,item,rating,comment,date\n"


def participant_rows(rng: random.Random, number: int) -> list[str]:
    """One participant's 120 answers: ratings that drift up a little after each session."""
    rows = []
    for session in range(1, SESSIONS + 1):
        for when, day in (("pre", 10), ("post", 11)):
            for item in range(STATEMENTS):
                base = rng.randint(1, 4) + (1 if when == "post" and rng.random() < 0.4 else 0)
                comment = "it helped" if rng.random() < 0.02 else ""
                rows.append(
                    f"P{number:04d},{session},{when},item-{item:02d},{min(base, 5)},{comment},"
                    f"2027-0{session}-{day}\n"
                )
    return rows


def seed(folder: Path) -> tuple[Path, Path]:
    """(a) and (b) above; returns (the folder of files, the single file)."""
    rng = random.Random(19)
    per_person = folder / "per-participant"
    per_person.mkdir()
    merged = folder / "merged" / "all-answers.csv"
    merged.parent.mkdir()
    with merged.open("w", encoding="utf-8") as everything:
        everything.write(HEADER)
        for number in range(1, PARTICIPANTS + 1):
            rows = participant_rows(rng, number)
            (per_person / f"P{number:04d}.csv").write_text(HEADER + "".join(rows))
            everything.write("".join(rows))
    return per_person, merged


def child(source: str, out: str, data_dir: str) -> None:
    """Run the command in this process; print its wall time from our first line, and VmHWM."""
    from csa_companion.cli import main

    code = main(["--data-dir", data_dir, "cohort", "report", source, "--out", out])
    if code != 0:
        raise SystemExit(code)
    print(f"{time.perf_counter() - _T0:.4f} {peak_rss_mb():.1f}")


def run(command: Sequence[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode} from {' '.join(command)}:\n{done.stderr}")
    return wall, done.stdout


def show(label: str, values: Sequence[float], unit: str, summary: float, how: str) -> None:
    places = 2 if unit == "s" else 0
    runs = ", ".join(f"{v:.{places}f} {unit}" for v in values)
    print(f"    {label:<18} {runs}  -> {how} {summary:.{places}f} {unit}")


def measure(label: str, source: Path, scratch: Path, runs: int) -> tuple[float, float, float]:
    walls, inside, peaks, cpus = [], [], [], []
    out = scratch / "report.md"
    for _ in range(runs):
        cpu = children_cpu()
        wall, said = run(
            [sys.executable, str(HERE), "--child", str(source), str(out), str(scratch / "data")]
        )
        seconds, peak = (float(x) for x in said.strip().splitlines()[-1].split())
        cpus.append(children_cpu() - cpu)
        walls.append(wall)
        inside.append(seconds)
        peaks.append(peak)
    text = out.read_text()
    if "2,000 participants, 240,000 answers counted" not in text:
        raise RuntimeError(f"unexpected report: {text[:200]!r}")
    print(f"  {label}")
    show("wall (process)", walls, "s", statistics.median(walls), "median")
    show("in the process", inside, "s", statistics.median(inside), "median")
    show("CPU (user+system)", cpus, "s", statistics.median(cpus), "median")
    show("peak memory", peaks, "MB", max(peaks), "max")
    return statistics.median(walls), statistics.median(cpus), max(peaks)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument("--child", nargs=3, metavar="ARG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    print("csa-companion cohort report benchmark")
    print(
        f"  {PARTICIPANTS:,} participants x {SESSIONS} sessions x before/after x "
        f"{STATEMENTS} statements = {PARTICIPANTS * SESSIONS * 2 * STATEMENTS:,} answers; "
        f"{args.runs} run(s), python {sys.version.split()[0]}"
    )
    scratch = Path(tempfile.mkdtemp(prefix="csa-bench-cohort-"))
    rows = []
    try:
        started = time.perf_counter()
        folder, merged = seed(scratch)
        size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
        print(f"  seeded in {time.perf_counter() - started:.1f} s: {size:.1f} MB of CSV\n")
        floors = [run([sys.executable, "-c", "pass"])[0] for _ in range(args.runs)]
        floor = statistics.median(floors)
        for label, source in (
            ("(a) a folder of 2,000 CSV files", folder),
            ("(b) one CSV of 240,000 rows", merged),
        ):
            wall, cpu, peak = measure(label, source, scratch, args.runs)
            rows.append((label, wall, cpu, peak))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        print(f"bench: the harness failed: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\n  floor: python -c pass, median {floor:.2f} s")
    print(f"\n{'metric':<36} {'time':>8} {'CPU':>8} {'memory':>8}  target          verdict")
    for label, wall, cpu, peak in rows:
        verdict = "PASS" if wall <= TARGET_S and peak <= TARGET_MB else "FAIL"
        print(
            f"{label:<36} {wall:>6.2f} s {cpu:>6.2f} s {peak:>5.0f} MB  <= 3 s, 200 MB  {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
