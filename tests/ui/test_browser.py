"""A real browser: headless Chromium opens the served practice, finds its cue, and pauses it with
the space bar. Skipped locally when Chromium is missing; under CI=true a missing Chromium fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import browser_page, chromium_path
from tests.helpers_serve import serving


@pytest.fixture
def chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


async def test_served_practice_in_a_real_browser(
    chromium: str, data_dir: Path, tmp_path: Path
) -> None:
    with serving(data_dir, "--practice", "settling-arrive") as (url, _process):
        async with browser_page(tmp_path / "profile") as page:
            await page.send("Page.navigate", url=url)
            await page.wait_for_text("Settling: arriving together")  # the setup screen
            # xterm takes keys through its helper textarea, focused as a click would.
            await page.send(
                "Runtime.evaluate",
                expression="document.querySelector('.xterm-helper-textarea').focus()",
            )
            await page.press("Enter", "Enter", 13, "\r")  # Start
            await page.wait_for_text("Welcome. Let the last task rest")
            await page.wait_for_text("phase 1 of 5")
            mark = page.mark()
            await page.press(" ", "Space", 32, " ")
            await page.wait_for_text_after(mark, "Paused")


async def test_served_audience_view_follows_a_presenter_in_a_real_browser(
    chromium: str, data_dir: Path, tmp_path: Path
) -> None:
    """`serve --session` in Chromium follows the presenter view of the same run (the real
    clocks: the presenter here, the served view in the server's own process), and never shows
    the facilitator's notes. Words are looked for one at a time: the terminal's cursor moves
    split the text between words."""
    from csa_companion.cli import make_app
    from csa_companion.clock import SystemClock
    from csa_companion.paths import bundled_content_dir
    from csa_companion.services import PresentTarget
    from tests.waiting import wait_for

    app = make_app(
        data_dir=data_dir,
        content_dirs=[bundled_content_dir()],
        clock=SystemClock(),
        present=PresentTarget("session", "session-1"),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(lambda: type(app.screen).__name__ == "PresenterScreen", "presenter", pilot)
        with serving(data_dir, "--session", "1") as (url, _process):
            async with browser_page(tmp_path / "profile") as page:
                await page.send("Page.navigate", url=url)
                await page.wait_for_text("Settling:")  # the practice runs in its block
                mark = page.mark()
                await pilot.press("n")
                await page.wait_for_text_after(mark, "Check-in")
                mark = page.mark()
                await pilot.press("n")
                await page.wait_for_text_after(mark, "Journaling")
                mark = page.mark()
                await pilot.press("space")
                await page.wait_for_text_after(mark, "Paused")
                assert "Watch" not in page.text and "director" not in page.text
