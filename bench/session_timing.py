"""A facilitator's session: how fast the audience views follow the presenter, and how far a
4-hour run drifts, on a busy machine.

Run with `.venv/bin/python bench/session_timing.py [--presses 20] [--hogs 1] [--scale 120]
[--browser]`.

(a) Follow, terminal: the real presenter app (headless, the real monotonic clock) in this process
    and a real audience app in another, both on one data folder, with --hogs CPU-bound processes
    beside them. The presenter presses `n` --presses times, 0.3-0.5 s apart; the audience process
    prints the monotonic time at which its screen first showed each new block (read from the
    widget it draws). Lag = that time minus the time the key was pressed (one clock: the same
    machine). Target: at most 1 s.
(b) Follow, browser (--browser, needs Debian's chromium): the same presenter, and `serve
    --session` opened in headless Chromium; lag = the press to the first websocket frame that
    carries the new block's title (what the browser then draws).
(c) Drift: a 4-hour plan run in automatic mode in the real app under the same load, on a clock
    --scale times faster than the monotonic clock (4 hours in 240/scale minutes). Each block
    change is computed from clock readings, never counted, so the run's actual block starts
    should equal the planned ones: the figure is the largest difference, in session seconds, and
    how late the screen showed each change (real seconds: the tick's lateness under load).
    Target: at most 1 s of drift.
All are reports; the exit code is 0 unless the harness breaks.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
PLAN = "session-1"
TARGET = 1.0


def hog() -> None:
    """Burn one core until killed."""
    n = 0
    while True:
        n = (n * 7 + 1) % 1_000_003


async def wait(predicate: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        await asyncio.sleep(0.01)


def _app(data_dir: Path, audience: bool = False, clock: object = None) -> object:
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    from csa_companion.cli import make_app
    from csa_companion.paths import bundled_content_dir
    from csa_companion.services import PresentTarget

    return make_app(
        data_dir=data_dir,
        content_dirs=[bundled_content_dir()],
        present=PresentTarget("session", PLAN, audience=audience),
        clock=clock,  # type: ignore[arg-type]
    )


async def child_audience(data_dir: Path) -> None:
    """An audience view; prints '<monotonic> <block index>' each time its title changes."""
    app = _app(data_dir, audience=True)
    async with app.run_test(size=(80, 24)) as pilot:  # type: ignore[attr-defined]
        seen = None
        print("ready", flush=True)
        while True:
            screen = app.screen  # type: ignore[attr-defined]
            if type(screen).__name__ == "AudienceScreen":
                # What the title widget was last given (SessionStage draws only changes).
                drawn = screen.stage._shown.get("title")
                title = drawn[1] if isinstance(drawn, tuple) else None
                if title is not None and title != seen:
                    seen = title
                    print(f"{time.monotonic():.6f} {title}", flush=True)
            await pilot.pause(0.005)


async def presenter_presses(
    data_dir: Path, presses: int, watcher: object, titles: list[str], before: object = None
) -> list[float]:
    """Press `n` `presses` times (back to the first block after the last); `watcher(title)`
    waits until the audience shows the title and returns when it did (monotonic); `before(title)`
    runs just before each press."""
    app = _app(data_dir)
    lags = []
    async with app.run_test(size=(80, 24)) as pilot:  # type: ignore[attr-defined]
        await wait(lambda: type(app.screen).__name__ == "PresenterScreen")  # type: ignore[attr-defined]
        await pilot.pause(0.5)
        for index in range(1, presses + 1):
            title = titles[index % len(titles)]
            if before is not None:
                before(title)  # type: ignore[operator]
            pressed = time.monotonic()
            if index % len(titles):
                await pilot.press("n")
            else:
                await pilot.press("g", "home", "enter")  # back to the first block
            seen = await watcher(title)  # type: ignore[operator]
            if index % len(titles):  # the way back (three keys and a dialog) is not counted
                lags.append(seen - pressed)
            await asyncio.sleep(random.uniform(0.3, 0.5))
    return lags


def block_titles() -> list[str]:
    from csa_companion.content.loader import load_library
    from csa_companion.domain.session import find_plan, schedule_for
    from csa_companion.paths import bundled_content_dir

    library = load_library([bundled_content_dir()])
    plan = find_plan(library, PLAN)
    assert plan is not None
    schedule, _ = schedule_for(plan, library, None)
    return [p.block.title for p in schedule.blocks]


async def measure_terminal(data_dir: Path, presses: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(HERE), "--child", "audience", str(data_dir),
        stdout=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    assert child.stdout is not None
    stdout = child.stdout
    assert (await stdout.readline()).strip() == b"ready"

    async def watcher(title: str) -> float:
        while True:
            line = (await asyncio.wait_for(stdout.readline(), 30)).decode()
            when, _, shown = line.strip().partition(" ")
            if shown == title:
                return float(when)

    try:
        return await presenter_presses(data_dir, presses, watcher, block_titles())
    finally:
        child.kill()
        await child.wait()


async def measure_browser(data_dir: Path, presses: int) -> list[float]:
    """The presenter here, the audience served to headless Chromium: the press to the first
    websocket frame carrying the new block's title."""
    sys.path.insert(0, str(ROOT))
    from tests.browser import browser_page, terminal_text
    from tests.helpers_serve import serving

    titles = block_titles()
    with (
        serving(data_dir, "--session", PLAN) as (url, _process),
        tempfile.TemporaryDirectory() as profile,
    ):
        async with browser_page(Path(profile)) as page:
            await page.send("Page.navigate", url=url)
            await page.wait_for_text("facilitator")  # no run yet: waiting for it
            marks: dict[str, int] = {}

            async def watcher(title: str) -> float:
                # One word: the terminal's cursor moves split the text between words.
                word = title.split()[-1]
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    if word in terminal_text(bytes(page.received[marks[title] :])):
                        return time.monotonic()
                    await asyncio.sleep(0.005)
                raise SystemExit(f"the browser never showed {title}")

            def before(title: str) -> None:
                marks[title] = page.mark()

            return await presenter_presses(data_dir, presses, watcher, titles, before)


class ScaledClock:
    """The monotonic clock `scale` times faster (and the wall clock to match)."""

    def __init__(self, scale: float) -> None:
        from datetime import datetime

        self.scale = scale
        self.base = time.monotonic()
        self.wall = datetime.now().astimezone()
        self.zone = None

    def monotonic(self) -> float:
        return (time.monotonic() - self.base) * self.scale

    def now(self) -> datetime:
        from datetime import timedelta

        return self.wall + timedelta(seconds=self.monotonic())


async def measure_drift(data_dir: Path, scale: float) -> tuple[float, list[float], float]:
    """(largest |actual - planned| block start in session seconds, screen lateness of each
    block change in real seconds, session seconds at the end)."""
    from csa_companion.services import PresentTarget

    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    from csa_companion.cli import make_app
    from csa_companion.paths import bundled_content_dir

    clock = ScaledClock(scale)
    app = make_app(
        data_dir=data_dir,
        content_dirs=[bundled_content_dir()],
        present=PresentTarget("session", PLAN, auto=True),
        clock=clock,
    )
    late: list[float] = []
    async with app.run_test(size=(80, 24)):
        await wait(lambda: getattr(app.screen, "run", None) is not None)
        screen = app.screen
        run = screen.run  # type: ignore[attr-defined]
        schedule = run.schedule
        shown = 0
        total = schedule.total
        while True:
            index = screen._last_position[0] if screen._last_position else 0  # type: ignore[attr-defined]
            if index != shown:
                planned = schedule.blocks[index].start
                late.append((clock.monotonic() - planned) / scale)
                shown = index
            if clock.monotonic() >= total + scale * 0.5:
                break
            await asyncio.sleep(0.005)
        drift = max(abs(v.start - schedule.blocks[v.index].start) for v in run.visits)
        end = run.moment(clock.monotonic())
        return drift, late, end.elapsed - end.position + end.length - total


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms "
        f"({len(values)} presses)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--hogs", type=int, default=1, help="CPU-bound processes beside it")
    parser.add_argument("--scale", type=float, default=120.0, help="clock speed for the drift run")
    parser.add_argument("--browser", action="store_true", help="also through serve and Chromium")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        if mode == "hog":
            hog()
        else:
            asyncio.run(child_audience(Path(rest[0])))
        return 0
    burners = [
        subprocess.Popen([sys.executable, str(HERE), "--child", "hog"]) for _ in range(args.hogs)
    ]
    try:
        with tempfile.TemporaryDirectory(prefix="csa-session-bench-") as folder:
            base = Path(folder)
            print(f"beside {args.hogs} CPU-bound process(es):", flush=True)
            lags = asyncio.run(measure_terminal(base / "terminal", args.presses))
            verdict = "PASS" if max(lags) <= TARGET else "FAIL"
            print(f"(a) key to audience view, terminal: {summary(lags)}  {verdict}", flush=True)
            if args.browser:
                lags = asyncio.run(measure_browser(base / "browser", args.presses))
                verdict = "PASS" if max(lags) <= TARGET else "FAIL"
                print(f"(b) key to audience view, browser: {summary(lags)}  {verdict}", flush=True)
            drift, late, end = asyncio.run(measure_drift(base / "drift", args.scale))
            verdict = "PASS" if drift <= TARGET and abs(end) <= TARGET else "FAIL"
            print(
                f"(c) 4-hour automatic run at {args.scale:g}x: block starts off the plan by at "
                f"most {drift * 1000:.0f} ms of session time, the end by {end * 1000:+.0f} ms; "
                f"the screen showed each change {statistics.median(late) * 1000:.0f} ms late "
                f"(median; max {max(late) * 1000:.0f} ms, real time)  {verdict}"
            )
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
