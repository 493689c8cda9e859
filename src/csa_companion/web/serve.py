"""`csa-companion serve`: the presentation in a web browser, through textual-serve.

Safe by default: it listens on 127.0.0.1 only, every URL starts with a random token (so another
user of the same machine cannot open it; anything else is 404), every request and the websocket
must name the served address in their Host and Origin headers (so a web page elsewhere cannot
reach it through a name of its own that points here, DNS rebinding, nor open its websocket:
403), it serves presentation mode unless asked for the whole app (and warns when it is), and
its page loads nothing from outside the machine (our own template: textual-serve's stock page
links a web font from the internet). On another --host it prints the addresses others can
open: this computer's network addresses, never 0.0.0.0.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import secrets
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

from csa_companion.platforms import WINDOWS, own_command, shell_command

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


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def is_wildcard(host: str) -> bool:
    """True for 0.0.0.0 and :: (every address of this computer), and the empty host."""
    return host in ("", "0.0.0.0", "::")


def network_addresses(ipv6: bool = False) -> list[str]:
    """This computer's addresses others on a network can use (no loopback), best first: the
    one its default route leaves by (found by a UDP connect, which sends nothing), then those
    its name resolves to. Empty when it has none (no network)."""
    family = socket.AF_INET6 if ipv6 else socket.AF_INET
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as probe:
        probe.connect(("2001:db8::1" if ipv6 else "192.0.2.1", 9))  # documentation addresses
        found.append(str(probe.getsockname()[0]))
    with contextlib.suppress(OSError, UnicodeError):
        for info in socket.getaddrinfo(socket.gethostname(), None, family):
            found.append(str(info[4][0]))
    usable = []
    for text in dict.fromkeys(found):
        try:
            ip = ipaddress.ip_address(text.split("%")[0])
        except ValueError:
            continue
        if not (ip.is_loopback or ip.is_unspecified or ip.is_link_local):
            usable.append(text)
    return usable


def served_hosts(host: str) -> list[str]:
    """The host names a browser may use for a server listening on `host`: the addresses it
    prints (others can open them), then the loopback names when it listens there too."""
    if is_wildcard(host):
        return [*network_addresses(ipv6=host == "::"), *LOOPBACK_NAMES]
    if is_loopback(host):
        return [host, *(name for name in LOOPBACK_NAMES if name != host)]
    return [host]


def _host_port(authority: str) -> tuple[str, int | None]:
    """('example.org', 8642) from 'example.org:8642', ('::1', None) from '[::1]'."""
    try:
        parts = urlsplit(f"//{authority}")
        return (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", None


def app_command(
    data_dir: Path,
    content: Sequence[Path],
    present: Sequence[str] | None,
    *,
    windows: bool = WINDOWS,
    frozen: bool | None = None,
) -> str:
    """The shell command textual-serve runs for each browser session (through the shell:
    cmd.exe on Windows, see platforms.shell_command); the single-file program runs itself."""
    words = [*own_command(frozen=frozen), "--data-dir", str(data_dir)]
    for folder in content:
        words += ["--content", str(folder)]
    if present is not None:
        words += ["present", *present]
    return shell_command(words, windows=windows)


class CompanionServer(Server):
    """textual-serve's Server with every route under a random token and our own template."""

    def __init__(
        self,
        command: str,
        host: str,
        port: int,
        token: str | None = None,
        hosts: Sequence[str] | None = None,
    ) -> None:
        super().__init__(command, host=host, port=port, title="csa-companion")
        self.templates_path = TEMPLATES
        self.token = token or secrets.token_urlsafe(18)
        self.hosts = list(hosts) if hosts is not None else served_hosts(host)
        """The names a request may give in its Host and Origin headers (see `_guard`)."""

    def url_at(self, host: str) -> str:
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}/{self.token}/"

    @property
    def urls(self) -> list[str]:
        """The addresses to print: those others can open on a network address (never
        0.0.0.0), else the loopback one."""
        if is_loopback(self.host):
            return [self.url_at(self.host)]
        others = [h for h in self.hosts if h not in LOOPBACK_NAMES]
        return [self.url_at(h) for h in others] or [self.url_at("127.0.0.1")]

    @property
    def url(self) -> str:
        return self.urls[0]

    def _allowed(self, authority: str) -> bool:
        name, port = _host_port(authority)
        allowed = {h.lower().split("%")[0] for h in self.hosts}
        return name in allowed and (port or 80) == self.port

    @web.middleware
    async def _guard(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Answer only requests addressed to this server by a name it serves under (Host),
        coming from its own page if from a page at all (Origin); the websocket always from
        its own page. Anything else is 403, before the token is even looked at."""
        origin = request.headers.get("Origin")
        websocket = request.headers.get("Upgrade", "").lower() == "websocket"
        from_page = origin is not None and (
            urlsplit(origin).scheme == "http" and self._allowed(urlsplit(origin).netloc)
        )
        if not self._allowed(request.headers.get("Host", "")) or (
            (origin is not None or websocket) and not from_page
        ):
            return web.Response(
                status=403,
                text="Forbidden: open the address `csa-companion serve` printed.\n",
            )
        return await handler(request)

    async def _make_app(self) -> web.Application:
        """The same routes as textual-serve's, each under /<token>/, behind `_guard`."""
        app = web.Application(middlewares=[self._guard])
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
        first, *others = self.urls
        print(f"csa-companion: serving on {first}", flush=True)
        for url in others:
            print(f"csa-companion: also on {url}", flush=True)
        if not is_loopback(self.host) and self.urls == [self.url_at("127.0.0.1")]:
            print(
                "csa-companion: this computer has no network address now: only it can open "
                "the page",
                flush=True,
            )
        which = "that address" if not others else "one of these addresses"
        print(f"Open {which} in a browser; press ctrl+c here to stop.", flush=True)

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


def serve(command: str, host: str, port: int, *, whole_app: bool = False, **extra: Any) -> int:
    """Run the server until ctrl+c or SIGTERM; returns the exit code. `whole_app`: the app
    itself is served (said on stderr first: the personal journal goes with it)."""
    if whole_app:
        print(
            "csa-companion: warning: serving the whole app, your personal journal, worksheets "
            "and reflections included: whoever opens the address can read and change them. "
            "For a group, serve a presentation (--practice or --tool) instead.",
            file=sys.stderr,
            flush=True,
        )
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
