"""Two real Syncthing instances on 127.0.0.1 keeping copies of one folder in step, for tests.

Each instance gets its own home (keys, config, database), listens on a loopback port, and
knows only the other by its loopback address: no global or local discovery, no relays, no
NAT traversal, no usage reports, no upgrades. Configured by writing `config.xml` before it
starts; driven over its REST API on loopback (rescan, pause, resume). Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FOLDER_ID = "csa-team"


def syncthing_binary() -> str | None:
    return os.environ.get("CSA_SYNCTHING") or shutil.which("syncthing")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Instance:
    name: str
    home: Path
    folder: Path
    device: str
    port: int
    gui: int
    apikey: str
    process: subprocess.Popen[bytes] | None = None

    def call(self, method: str, path: str) -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.gui}{path}",
            method=method,
            headers={"X-API-Key": self.apikey},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:  # loopback only
            body = answer.read()
        return json.loads(body) if body.strip() else None

    def scan(self) -> None:
        self.call("POST", f"/rest/db/scan?folder={FOLDER_ID}")

    def pause(self, other: Instance) -> None:
        self.call("POST", f"/rest/system/pause?device={other.device}")

    def resume(self, other: Instance) -> None:
        self.call("POST", f"/rest/system/resume?device={other.device}")

    def connected(self, other: Instance) -> bool:
        found = self.call("GET", "/rest/system/connections")["connections"]
        return bool(found.get(other.device, {}).get("connected"))

    def log(self) -> str:
        path = self.home / "syncthing.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def _generate(binary: str, home: Path) -> str:
    subprocess.run(
        [binary, "generate", f"--home={home}", "--no-default-folder"],
        check=True,
        capture_output=True,
        timeout=60,
        env=_env(home),
    )
    out = subprocess.run(
        [binary, "serve", f"--home={home}", "--device-id"],
        check=True,
        capture_output=True,
        timeout=60,
        env=_env(home),
    )
    return out.stdout.decode().strip()


def _env(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "STNODEFAULTFOLDER": "1",
        "STNOUPGRADE": "1",
        "STNORESTART": "1",
    }


def _config(me: Instance, other: Instance) -> str:
    return f"""<configuration version="36">
    <folder id="{FOLDER_ID}" label="team" path="{me.folder}" type="sendreceive"
            rescanIntervalS="2" fsWatcherEnabled="true" fsWatcherDelayS="1"
            ignorePerms="false" autoNormalize="true">
        <filesystemType>basic</filesystemType>
        <device id="{me.device}"></device>
        <device id="{other.device}"></device>
        <markerName>.stfolder</markerName>
        <maxConflicts>-1</maxConflicts>
    </folder>
    <device id="{me.device}" name="{me.name}" compression="metadata">
        <address>dynamic</address>
    </device>
    <device id="{other.device}" name="{other.name}" compression="metadata">
        <address>tcp://127.0.0.1:{other.port}</address>
    </device>
    <gui enabled="true" tls="false">
        <address>127.0.0.1:{me.gui}</address>
        <apikey>{me.apikey}</apikey>
    </gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{me.port}</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <stunKeepaliveStartS>0</stunKeepaliveStartS>
        <startBrowser>false</startBrowser>
        <urAccepted>-1</urAccepted>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <crashReportingEnabled>false</crashReportingEnabled>
        <reconnectionIntervalS>1</reconnectionIntervalS>
        <setLowPriority>false</setLowPriority>
    </options>
</configuration>
"""


BUDGET = 240.0  # seconds for everything while two engines run: CI never waits longer
_ends: list[float] = []  # when the running pair's budget runs out


def wait_until(check: Callable[[], bool], what: str, timeout: float, *logs: Instance) -> None:
    """Poll `check` until it holds; fail after `timeout` seconds (or when the engines' whole
    budget is spent), with the engines' logs."""
    deadline = min([time.monotonic() + timeout, *_ends])
    while True:
        with contextlib.suppress(OSError, urllib.error.URLError, ValueError, KeyError):
            if check():
                return
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {i.name}:\n{i.log()}" for i in logs)
            raise AssertionError(f"timed out waiting for {what}\n{tails}")
        time.sleep(0.2)


@contextlib.contextmanager
def two_syncthings(binary: str, root: Path) -> Iterator[tuple[Instance, Instance]]:
    """Two connected instances, each keeping `root/<name>/team` in step with the other's."""
    made: list[Instance] = []
    for name in ("a", "b"):
        home, folder = root / name / "syncthing", root / name / "team"
        folder.mkdir(parents=True)
        (folder / ".stfolder").mkdir()
        device = _generate(binary, home)
        made.append(
            Instance(name, home, folder, device, free_port(), free_port(), secrets.token_hex(16))
        )
    a, b = made
    _ends.append(time.monotonic() + BUDGET)
    (a.home / "config.xml").write_text(_config(a, b))
    (b.home / "config.xml").write_text(_config(b, a))
    try:
        for instance in made:
            instance.process = subprocess.Popen(
                [
                    binary,
                    "serve",
                    f"--home={instance.home}",
                    "--no-browser",
                    "--no-restart",
                    "--no-upgrade",
                    f"--logfile={instance.home / 'syncthing.log'}",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=_env(instance.home),
            )
        for instance in made:

            def started(i: Instance = instance) -> bool:
                return i.call("GET", "/rest/system/ping") is not None

            wait_until(started, f"syncthing {instance.name} to start", 60, instance)
        wait_until(lambda: a.connected(b) and b.connected(a), "the two to connect", 60, a, b)
        yield a, b
    finally:
        _ends.clear()
        for instance in made:
            if instance.process is not None and instance.process.poll() is None:
                instance.process.terminate()
        for instance in made:
            if instance.process is not None:
                try:
                    instance.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    instance.process.kill()
                    instance.process.wait(timeout=15)
