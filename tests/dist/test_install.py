"""The Linux bundle installed as a person would on a laptop with no network: unpacked from a
"USB stick" whose path has a space and an accent, into a home folder whose name has them too,
inside a network namespace with no network (`unshare --net`, root as in CI). Then the command
it put on the PATH is used for real: --version, journal add, journal list, and the app opened
in a terminal to Home; an update in place keeps the data, and --uninstall removes the program
and never the data folder."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.dist.terminal import (
    FIRST_START,
    bundle,
    offline,
    run,
    run_in_terminal,
    unpack,
    version,
)


def interpreter(minor: int) -> str | None:
    """A CPython 3.`minor` on this machine (on the PATH, or one of pyenv's), or None."""
    names = [shutil.which(f"python3.{minor}")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    names += sorted(str(p) for p in pyenv.glob(f"3.{minor}.*/bin/python3.{minor}"))
    for name in filter(None, names):
        check = subprocess.run(
            [name, "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode == 0 and check.stdout.strip() == f"(3, {minor})":
            return name
    return None


def python_for(minor: int) -> str:
    found = interpreter(minor)
    if found is None:
        if minor == sys.version_info[1]:
            return sys.executable
        pytest.skip(f"no Python 3.{minor} on this machine")
    return found


@pytest.fixture
def laptop(tmp_path: Path) -> dict[str, Path]:
    """The unpacked Linux bundle and an empty home folder."""
    stick = tmp_path / "Clé USB"
    stick.mkdir()
    home = tmp_path / "home Ana María"
    home.mkdir()
    return {"bundle": unpack(bundle("linux-x86_64"), stick), "home": home}


def environment(home: Path, path: str = "/usr/bin:/bin", **more: str) -> dict[str, str]:
    """A user's plain environment: no PIP_* settings, no XDG folders, no PATH to ~/.local/bin."""
    return {"HOME": str(home), "PATH": path, "LANG": "C.UTF-8", "SHELL": "/bin/bash", **more}


def install(laptop: dict[str, Path], python: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = environment(laptop["home"], CSA_COMPANION_PYTHON=python)
    return run(offline(["sh", laptop["bundle"] / "install.sh", *args]), env)


def users_path(home: Path) -> str:
    return f"{home}/.local/bin:/usr/bin:/bin"


def assert_installed_and_working(home: Path, minor: int) -> None:
    env = environment(home, users_path(home))
    done = run(offline(["csa-companion", "--version"]), env)
    assert (done.returncode, done.stdout) == (0, f"csa-companion {version()}\n"), done
    python = home / ".local/share/csa-companion-program/venv/bin/python"
    done = run([python, "-c", "import sys; print(sys.version_info[:2])"], env)
    assert done.stdout.strip() == f"(3, {minor})"

    done = run(
        offline(["csa-companion", "journal", "add", "Quiet before the bell", "--tag", "usb"]), env
    )
    assert done.returncode == 0 and done.stdout.startswith("added "), done
    done = run(offline(["csa-companion", "journal", "list"]), env)
    assert done.returncode == 0 and "Quiet before the bell  #usb" in done.stdout, done
    # Stored where the app keeps the user's data, apart from the program.
    assert list((home / ".local/share/csa-companion/journal").glob("????-??.json"))  # a month

    code, screen = run_in_terminal(offline(["csa-companion"]), env, FIRST_START, keys=[b"\x1b"])
    assert code == 0, screen[-2000:]
    assert "Traceback" not in screen and "Coming up" in screen
    assert "Quiet before the bell" in screen  # Home lists the recent entry


@pytest.mark.parametrize("minor", [11, 12, 13])
def test_the_linux_bundle_installs_offline_and_runs(laptop: dict[str, Path], minor: int) -> None:
    python, home = python_for(minor), laptop["home"]
    started = time.monotonic()
    done = install(laptop, python)
    took = time.monotonic() - started
    print(f"offline install with Python 3.{minor}: {took:.1f} s")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"csa-companion {version()} is installed" in done.stdout
    launcher = home / ".local/bin/csa-companion"
    assert os.access(launcher, os.X_OK)
    # ~/.local/bin was not on the PATH, so the login profile puts it there.
    assert 'export PATH="$HOME/.local/bin:$PATH"' in (home / ".profile").read_text()
    assert "Open a new terminal window" in done.stdout
    assert_installed_and_working(home, minor)


def bumped(wheel: Path, new: str, into: Path) -> Path:
    """A copy of the app's wheel that says it is version `new` (name, METADATA and RECORD)."""
    old = wheel.name.split("-")[1]
    target = into / wheel.name.replace(f"-{old}-", f"-{new}-")
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(target, "w") as dst:
        record_name, records = "", []
        for info in src.infolist():
            name = info.filename.replace(
                f"csa_companion-{old}.dist-info", f"csa_companion-{new}.dist-info"
            )
            data = src.read(info)
            if name.endswith(".dist-info/METADATA"):
                data = data.replace(f"\nVersion: {old}\n".encode(), f"\nVersion: {new}\n".encode())
            if name.endswith(".dist-info/RECORD"):
                record_name = name
                continue
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            records.append(f"{name},sha256={digest.decode()},{len(data)}")
            dst.writestr(name, data)
        dst.writestr(record_name, "\n".join([*records, f"{record_name},,"]) + "\n")
    return target


def test_update_in_place_and_uninstall_keep_the_data(
    laptop: dict[str, Path], tmp_path: Path
) -> None:
    python, home = python_for(sys.version_info[1]), laptop["home"]
    assert install(laptop, python).returncode == 0
    env = environment(home, users_path(home))
    run(offline(["csa-companion", "journal", "add", "Before the update"]), env)
    program = home / ".local/share/csa-companion-program"
    venv_id = (program / "venv").stat().st_ino

    again = install(laptop, python)  # the same bundle again: nothing to change, no harm
    assert again.returncode == 0 and "is updated" in again.stdout, again
    assert (home / ".profile").read_text().count("added by the csa-companion installer") == 1

    # A newer bundle: the same folder with the app's wheel and the script at 0.1.1+test.
    newer = "0.1.1"
    wheels = laptop["bundle"] / "wheels"
    [current] = wheels.glob(f"csa_companion-{version()}-*.whl")
    bumped(current, newer, wheels)
    current.unlink()
    script = laptop["bundle"] / "install.sh"
    script.write_text(script.read_text().replace(f'version="{version()}"', f'version="{newer}"'))
    done = install(laptop, python)
    assert done.returncode == 0 and f"csa-companion {newer} is updated" in done.stdout, done
    assert (program / "venv").stat().st_ino == venv_id  # in place, not made anew
    installed = run(
        [
            program / "venv/bin/python",
            "-c",
            "import importlib.metadata as m; print(m.version('csa-companion'))",
        ],
        env,
    )
    assert installed.stdout.strip() == newer
    listed = run(offline(["csa-companion", "journal", "list"]), env)
    assert "Before the update" in listed.stdout, listed

    done = install(laptop, python, "--uninstall")
    assert done.returncode == 0, done
    data = home / ".local/share/csa-companion"
    assert f"Your data is still in {data}" in done.stdout
    assert not (home / ".local/bin/csa-companion").exists()
    assert not program.exists()
    assert "csa-companion" not in (home / ".profile").read_text()
    assert list((data / "journal").glob("????-??.json"))  # never touched
    # Installing again finds the journal where it was.
    assert install(laptop, python).returncode == 0
    listed = run(offline(["csa-companion", "journal", "list"]), env)
    assert "Before the update" in listed.stdout, listed


def test_no_suitable_python_is_one_clear_line(laptop: dict[str, Path], tmp_path: Path) -> None:
    fake = tmp_path / "bin"  # the tools the script uses, and an old python3 and no other
    fake.mkdir()
    for tool in ("sh", "dirname", "uname", "mkdir"):
        (fake / tool).symlink_to(shutil.which(tool) or tool)
    old = fake / "python3"
    old.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.9.2"\nexit 1\n')
    old.chmod(0o755)
    env = environment(laptop["home"], str(fake))
    done = run(offline(["/bin/sh", laptop["bundle"] / "install.sh"]), env)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "install.sh: csa-companion needs Python 3.11, 3.12 or 3.13 (python3 here is 3.9.2):"
        " install one (python.org, Homebrew, or your Linux packages), then run install.sh again"
    ]
    assert not (laptop["home"] / ".local").exists()


def test_a_launcher_from_elsewhere_is_left_alone(laptop: dict[str, Path]) -> None:
    home = laptop["home"]
    (home / ".local/bin").mkdir(parents=True)
    theirs = home / ".local/bin/csa-companion"
    theirs.symlink_to("/opt/pipx/venvs/csa-companion/bin/csa-companion")
    done = install(laptop, python_for(sys.version_info[1]))
    assert done.returncode == 1
    assert "was not written by this installer" in done.stderr and "pipx" in done.stderr
    assert theirs.is_symlink() and os.readlink(theirs).startswith("/opt/pipx")
    assert not (home / ".local/share/csa-companion-program").exists()
    done = install(laptop, python_for(sys.version_info[1]), "--uninstall")
    assert done.returncode == 0 and theirs.is_symlink()
    assert re.search(r"left .* alone", done.stdout)


def test_a_python_without_ensurepip_will_do(laptop: dict[str, Path], tmp_path: Path) -> None:
    """Debian's and Ubuntu's Python without python3-venv has no ensurepip, so `python -m venv`
    fails there; the installer makes its environment --without-pip and runs pip from the
    bundle's wheel, so such a Python is enough."""
    blocked = tmp_path / "no-ensurepip" / "ensurepip"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text("raise ImportError('ensurepip is not installed')\n")
    python = tmp_path / "python3"
    python.write_text(
        f'#!/bin/sh\nPYTHONPATH="{blocked.parent}" exec "{python_for(sys.version_info[1])}" "$@"\n'
    )
    python.chmod(0o755)
    check = run([python, "-m", "ensurepip", "--version"], {"PATH": "/usr/bin:/bin"})
    assert "ensurepip is not installed" in check.stderr  # the stand-in works
    done = install(laptop, str(python))
    assert done.returncode == 0, done.stdout + done.stderr
    home = laptop["home"]
    done = run(offline(["csa-companion", "--version"]), environment(home, users_path(home)))
    assert done.stdout == f"csa-companion {version()}\n", done
