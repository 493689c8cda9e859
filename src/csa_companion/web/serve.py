"""`csa-companion serve`: the presentation in a web browser, through textual-serve.

Safe by default: it listens on 127.0.0.1 only, every URL starts with a random token (so another
user of the same machine cannot open it; anything else is 404), it serves presentation mode
unless asked for the whole app, and its page loads nothing from outside the machine (our own
template: textual-serve's stock page links a web font from the internet).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import secrets
import shlex
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

TEMPLATES = Path(__file__).parent / "serve_templates"
DEFAULT_PORT = 8642


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1 and localhost: only this machine can connect."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_command(data_dir: Path, content: Sequence[Path], present: Sequence[str] | None) -> str:
    """The shell command textual-serve runs for each browser session."""
    words = [sys.executable, "-m", "csa_companion", "--data-dir", str(data_dir)]
    for folder in content:
        words += ["--content", str(folder)]
    if present is not None:
        words += ["present", *present]
    # textual-serve runs it through the shell: cmd.exe on Windows quotes differently.
    return subprocess.list2cmdline(words) if os.name == "nt" else shlex.join(words)


class CompanionServer(Server):
    """textual-serve's Server with every route under a random token and our own template."""

    def __init__(self, command: str, host: str, port: int, token: str | None = None) -> None:
        super().__init__(command, host=host, port=port, title="csa-companion")
        self.templates_path = TEMPLATES
        self.token = token or secrets.token_urlsafe(18)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/{self.token}/"

    async def _make_app(self) -> web.Application:
        """The same routes as textual-serve's, each under /<token>/."""
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        prefix = f"/{self.token}"
        app.add_routes(
            [
                web.get(f"{prefix}/", self.handle_index, name="index"),
                web.get(f"{prefix}/ws", self.handle_websocket, name="websocket"),
                web.get(f"{prefix}/download/{{key}}", self.handle_download, name="download"),
                web.static(f"{prefix}/static", self.statics_path, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints its logo here; the address is printed once listening."""

    def _listening(self, *_: object) -> None:
        print(f"csa-companion: serving on {self.url}", flush=True)
        print("Open that address in a browser; press ctrl+c here to stop.", flush=True)

    def serve(self, debug: bool = False) -> None:
        """Like textual-serve's, but quiet, and printing the address once it can be opened."""
        self.debug = debug
        logging.basicConfig(level=logging.WARNING)
        loop = asyncio.new_event_loop()
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=self._listening,
        )


def serve(command: str, host: str, port: int, **extra: Any) -> int:
    """Run the server until ctrl+c or SIGTERM; returns the exit code."""
    if not is_loopback(host):
        print(
            f"csa-companion: warning: serving on {host}: anyone who can reach this computer "
            "on that network and has the address (with its token) can open it",
            file=sys.stderr,
            flush=True,
        )
    server = CompanionServer(command, host, port, **extra)
    try:
        server.serve()
    except OSError as error:
        print(f"csa-companion: cannot serve on {host}:{port}: {error.strerror}", file=sys.stderr)
        return 1
    return 0
