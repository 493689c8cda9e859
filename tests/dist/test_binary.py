"""The single-file program (`make binary`), run with no network and no Python of the user's:
--version, journal add and list, the bundled teaching content, and the app opened in a terminal
to Home."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.dist.terminal import DIST, FIRST_START, offline, run, run_in_terminal, version

PROGRAM = DIST / "csa-companion-linux-x86_64"


@pytest.fixture
def program() -> Path:
    assert PROGRAM.is_file(), f"{PROGRAM} is missing: run `make binary` first"
    return PROGRAM


def test_the_single_file_program_runs_offline(program: Path, tmp_path: Path) -> None:
    home = tmp_path / "home Ana María"
    home.mkdir()
    # No PATH to any Python: the program carries its own.
    env = {"HOME": str(home), "PATH": "/nonexistent", "LANG": "C.UTF-8"}
    started = time.monotonic()
    done = run(offline([program, "--version"]), env)
    print(f"single-file --version: {time.monotonic() - started:.2f} s")
    assert (done.returncode, done.stdout) == (0, f"csa-companion {version()}\n"), done

    done = run(
        offline([program, "journal", "add", "Written by the single file", "--tag", "exe"]), env
    )
    assert done.returncode == 0 and done.stdout.startswith("added "), done
    done = run(offline([program, "journal", "list"]), env)
    assert "Written by the single file  #exe" in done.stdout, done
    assert list((home / ".local/share/csa-companion/journal").glob("????-??.json"))  # a month

    # The teaching content travels inside the program, not from this checkout.
    done = run(offline([program, "content", "check"]), {**env, "TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done
    assert done.stdout.splitlines()[0].startswith(f"checking the bundled content: {tmp_path}")

    code, screen = run_in_terminal(offline([program]), env, FIRST_START, keys=[b"\x1b"])
    assert code == 0, screen[-2000:]
    assert "Traceback" not in screen and "Coming up" in screen
    assert "Written by the single file" in screen  # Home lists the recent entry


def test_a_data_folder_with_spaces_and_accents(program: Path, tmp_path: Path) -> None:
    data = tmp_path / "Données de l'équipe"
    env = {"HOME": str(tmp_path), "PATH": "/nonexistent", "LANG": "C.UTF-8"}
    done = run([program, "--data-dir", data, "journal", "add", "Café au lait"], env)
    assert done.returncode == 0, done
    done = run([program, "--data-dir", data, "journal", "list", "--search", "cafe"], env)
    assert "Café au lait" in done.stdout, done
