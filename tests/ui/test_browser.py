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
