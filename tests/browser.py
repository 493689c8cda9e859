"""A headless Chromium (Debian's `chromium`) driven over the DevTools protocol, for the real-browser
test of `serve`. No Playwright: aiohttp (already here through textual-serve) speaks the protocol.

The served terminal is drawn on a canvas, so the page's text is read from what the page receives
on its websocket (the protocol reports every frame), with terminal escape codes removed.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = os.environ.get("CSA_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--window-size=1280,800",
]
_ESCAPES = re.compile(r"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def chromium_path() -> str | None:
    found = shutil.which(CHROMIUM) if not os.path.isabs(CHROMIUM) else CHROMIUM
    return found if found and os.access(found, os.X_OK) else None


def terminal_text(raw: bytes) -> str:
    """What the terminal output says, without escape codes (cursor moves become spaces)."""
    return _ESCAPES.sub(" ", raw.decode("utf-8", errors="ignore"))


class Page:
    """One browser tab: send protocol commands, keep every websocket frame it receives."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.received = bytearray()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.socket:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            elif data.get("method") == "Network.webSocketFrameReceived":
                response = data["params"]["response"]
                payload = response["payloadData"]
                if response.get("opcode") == 2:
                    self.received += base64.b64decode(payload)
                else:
                    self.received += payload.encode("utf-8")

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[call_id] = future
        await self.socket.send_json({"id": call_id, "method": method, "params": params})
        reply = await asyncio.wait_for(future, timeout=30)
        if "error" in reply:
            raise AssertionError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    @property
    def text(self) -> str:
        return terminal_text(bytes(self.received))

    async def wait_for_text(self, wanted: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while wanted not in self.text:
            if time.monotonic() > deadline:
                tail = self.text[-600:]
                raise AssertionError(f"no {wanted!r} on the page after {timeout:g} s: ...{tail!r}")
            await asyncio.sleep(0.1)

    def mark(self) -> int:
        """A position in what was received, to look only at what comes after it."""
        return len(self.received)

    async def wait_for_text_after(self, mark: int, wanted: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while wanted not in terminal_text(bytes(self.received[mark:])):
            if time.monotonic() > deadline:
                raise AssertionError(f"no {wanted!r} on the page after {timeout:g} s")
            await asyncio.sleep(0.1)

    async def press(self, key: str, code: str, key_code: int, text: str) -> None:
        """A key as a person types it: down (with its text) and up."""
        common = {"key": key, "code": code, "windowsVirtualKeyCode": key_code}
        await self.send("Input.dispatchKeyEvent", type="keyDown", text=text, **common)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **common)


@asynccontextmanager
async def browser_page(profile: Path) -> AsyncIterator[Page]:
    """A fresh headless Chromium with its own profile folder; its first tab, ready to drive."""
    chromium = chromium_path()
    assert chromium is not None, "chromium is not installed"
    process = subprocess.Popen(
        [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError("chromium did not open its debugging port in 30 s")
            await asyncio.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        # No proxy from the environment for a loopback connection.
        async with aiohttp.ClientSession(trust_env=False) as session:
            async with session.get(f"http://127.0.0.1:{port}/json/list") as reply:
                targets = await reply.json()
            target = next(t for t in targets if t["type"] == "page")
            async with session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as socket:
                page = Page(socket)
                try:
                    await page.send("Network.enable")
                    await page.send("Page.enable")
                    yield page
                finally:
                    page.reader.cancel()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
