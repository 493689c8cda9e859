"""Running a program in a pseudo-terminal of 80x24, as a person at a terminal would, and the
helpers the tests of dist/ share."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import termios
import time
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
# A first start asks for the person's role over Home; Escape decides later and shows Home.
FIRST_START = b"Which role is closest"


def version() -> str:
    [wheel] = DIST.glob("csa_companion-*-py3-none-any.whl")
    return wheel.name.split("-")[1]


def bundle(key: str) -> Path:
    path = DIST / f"csa-companion-{version()}-{key}.zip"
    assert path.is_file(), f"{path} is missing: run `make dist` first"
    return path


def unpack(zip_path: Path, into: Path) -> Path:
    """Unpack as unzip would (the mode bits kept); the bundle's top folder."""
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(into)
        for info in z.infolist():
            mode = info.external_attr >> 16 & 0o777
            if mode:
                (into / info.filename).chmod(mode)
        [top] = {n.split("/")[0] for n in z.namelist()}
    return into / top


def run_in_terminal(
    command: Sequence[str | os.PathLike[str]],
    env: Mapping[str, str],
    shown: bytes,
    timeout: float = 90,
    keys: Sequence[bytes] = (),
) -> tuple[int, str]:
    """Run `command` in an 80x24 pseudo-terminal until it shows `shown`, type `keys` (one
    every 0.4 s), then press ctrl+q (again every few seconds, in case it was not reading keys
    yet) and read until it exits. Its exit status and everything it wrote; fails if `shown`
    never came."""
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        [os.fspath(c) for c in command],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env={**env, "TERM": "xterm-256color"},
        start_new_session=True,
    )
    os.close(child_fd)
    output, asked, last_ask, to_type = b"", False, 0.0, [*keys, b""]
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main_fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(main_fd, 65536)
                except OSError:  # EIO: the program exited and closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            pause = 0.4 if to_type else (1 if keys else 3)
            if shown in output and time.monotonic() - last_ask > pause:
                os.write(main_fd, to_type.pop(0) if to_type else b"\x11")  # ctrl+q
                asked, last_ask = not to_type, time.monotonic()
            if process.poll() is not None and not ready:
                break
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main_fd)
    text = output.decode("utf-8", "replace")
    assert asked, f"{command[0]} never showed {shown!r}: {text[-2000:]!r}"
    return code, text


def offline(command: Sequence[str | os.PathLike[str]]) -> list[str]:
    """`command` in a network namespace of its own with no network at all (needs root, as CI
    has)."""
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is missing"
    return [unshare, "--net", "--", *(os.fspath(c) for c in command)]


def run(
    command: Sequence[str | os.PathLike[str]], env: Mapping[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [os.fspath(c) for c in command],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
