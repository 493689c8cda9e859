"""Practice timing on a busy machine, and the start-up time of `present practice`.

Run with `.venv/bin/python bench/practice_timing.py [--seconds 300] [--hogs 1] [--runs 5]`.

(a) Timing: a CPU-bound process (or --hogs of them) runs beside two copies of the real app, each
    running a practice of --seconds with the real monotonic clock, headless; one of them also
    pauses for 10 s a minute in. Each reports when its screen first showed the practice finished,
    measured from the moment the run started (the timeline's own anchor). The error is that time
    minus the planned length (plus the pause). Target: within 0.5 s.
(b) Start-up: `python -m csa_companion present practice settling-arrive` in a fresh process,
    from spawning it to its setup screen mounted (the first thing a facilitator sees); median
    of --runs. Both are reports; the exit code is 0 unless the harness breaks.
"""

# ruff: noqa: E402  (the clock must start before any other import, so imports are timed)
import time

_T0 = time.perf_counter()

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
PAUSE_AT, PAUSE_FOR = 60.0, 10.0  # a minute in (a third of the way in, if shorter)
TARGET_ERROR = 0.5


def hog() -> None:
    """Burn one core until killed."""
    n = 0
    while True:
        n = (n * 7 + 1) % 1_000_003


async def child_timing(seconds: float, pause: bool, data_dir: Path) -> None:
    """Run one practice of `seconds` in the real app; print the measured length."""
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    from csa_companion.cli import make_app
    from csa_companion.paths import bundled_content_dir
    from csa_companion.screens.practice.practice import PracticeScreen
    from csa_companion.screens.practice.practice_setup import PracticeSetupScreen

    app = make_app(data_dir=data_dir, content_dirs=[bundled_content_dir()])
    finished: list[float] = []
    original = PracticeScreen.on_finished

    def on_finished(screen: PracticeScreen) -> None:
        finished.append(time.monotonic())
        original(screen)

    PracticeScreen.on_finished = on_finished  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await wait(lambda: type(app.screen).__name__ == "PracticesScreen", pilot)
        await pilot.press("down", "down")  # settling-body-sound, 5:00
        await pilot.press("enter")
        await wait(lambda: isinstance(app.screen, PracticeSetupScreen), pilot)
        setup = app.screen
        from textual.widgets import Input

        setup.query_one("#setup-length", Input).value = f"{seconds:g}s"
        await pilot.press("ctrl+s")
        await wait(lambda: isinstance(app.screen, PracticeScreen), pilot)
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        started = screen.run._anchor
        assert started is not None
        if pause:
            pause_at = min(PAUSE_AT, seconds / 3)
            await asyncio.sleep(pause_at - (time.monotonic() - started))
            await pilot.press("space")
            await asyncio.sleep(PAUSE_FOR)
            await pilot.press("space")
        expected = seconds + (PAUSE_FOR if pause else 0.0)
        await wait(lambda: bool(finished), pilot, timeout=expected + 30)
        print(f"{finished[0] - started:.4f} {expected:.4f}", flush=True)


async def wait(predicate: object, pilot: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        await asyncio.sleep(0.05)


async def child_startup(data_dir: Path) -> None:
    """`present practice settling-arrive` up to its setup screen; prints 'ready'."""
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    from csa_companion.cli import make_app
    from csa_companion.paths import bundled_content_dir
    from csa_companion.screens.practice.practice_setup import PracticeSetupScreen
    from csa_companion.services import PresentTarget

    app = make_app(
        data_dir=data_dir,
        content_dirs=[bundled_content_dir()],
        present=PresentTarget("practice", "settling-arrive"),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await wait(
            lambda: isinstance(app.screen, PracticeSetupScreen) and app.screen.is_mounted, pilot
        )
        await pilot.pause()
        print(f"ready {time.perf_counter() - _T0:.4f}", flush=True)


def measure_timing(seconds: float, hogs: int, data_dir: Path) -> list[tuple[str, float, float]]:
    burners = [subprocess.Popen([sys.executable, str(HERE), "--child", "hog"]) for _ in range(hogs)]
    try:
        runs = {
            label: subprocess.Popen(
                [sys.executable, str(HERE), "--child", mode, str(seconds), str(data_dir / label)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for label, mode in (("straight", "timing"), ("with pause", "timing-pause"))
        }
        results = []
        for label, process in runs.items():
            out, _ = process.communicate(timeout=seconds + PAUSE_FOR + 120)
            measured, expected = (float(x) for x in out.split())
            results.append((label, measured, expected))
        return results
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def measure_startup(runs: int, data_dir: Path) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(HERE), "--child", "startup", str(data_dir)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        times.append(time.perf_counter() - start)
        assert line.startswith("ready"), line
        process.wait(timeout=60)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--hogs", type=int, default=1, help="CPU-bound processes beside it")
    parser.add_argument("--runs", type=int, default=5, help="start-up runs")
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        if mode == "hog":
            hog()
        elif mode == "startup":
            asyncio.run(child_startup(Path(rest[0])))
        else:
            asyncio.run(child_timing(float(rest[0]), mode == "timing-pause", Path(rest[1])))
        return 0
    with tempfile.TemporaryDirectory(prefix="csa-practice-bench-") as folder:
        data_dir = Path(folder)
        times = measure_startup(args.runs, data_dir / "startup")
        print(
            f"present practice start-up: median {statistics.median(times) * 1000:.0f} ms "
            f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms)"
        )
        if not args.skip_timing:
            print(
                f"timing: {args.seconds:g} s practice beside {args.hogs} CPU-bound process(es)...",
                flush=True,
            )
            for label, measured, expected in measure_timing(args.seconds, args.hogs, data_dir):
                error = measured - expected
                verdict = "PASS" if abs(error) <= TARGET_ERROR else "FAIL"
                print(
                    f"  {label:<11} ended at {measured:.3f} s, planned {expected:g} s: "
                    f"error {error * 1000:+.0f} ms  {verdict} (target ±{TARGET_ERROR:g} s)"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
