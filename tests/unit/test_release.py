"""release/: the walk that decides whether a bundle's wheels install the app on a platform it
was not built on, and how the build meets a package index that fails. No network: the wheels
here are made up, and pip is replaced."""

from __future__ import annotations

import io
import subprocess
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from release import build
from release.targets import Wheel, problems, read_wheel, target

import csa_companion

ROOT = Path(__file__).resolve().parents[2]


def wheel(filename: str, *requires: str) -> Wheel:
    name, version = filename.split("-")[:2]
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    meta += "".join(f"Requires-Dist: {r}\n" for r in requires)
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr(f"{name}-{version}.dist-info/METADATA", meta)
    return read_wheel(filename, data.getvalue())


APP = "csa_companion-1.0-py3-none-any.whl"


def missing(wheels: list[Wheel], key: str, python: tuple[int, int]) -> list[str]:
    return [str(r) for r in problems(wheels, target(key), python)]


def test_markers_are_evaluated_for_the_target_not_this_machine() -> None:
    wheels = [
        wheel(APP, "colorama>=0.4; sys_platform == 'win32'", "tomli; python_version < '3.12'"),
    ]
    assert missing(wheels, "windows-x86_64", (3, 12)) == ['colorama>=0.4; sys_platform == "win32"']
    assert missing(wheels, "linux-x86_64", (3, 12)) == []
    assert missing(wheels, "macos-arm64", (3, 11)) == ['tomli; python_version < "3.12"']
    wheels.append(wheel("colorama-0.4.6-py2.py3-none-any.whl"))
    assert missing(wheels, "windows-x86_64", (3, 13)) == []


def test_extras_pull_in_their_own_requirements() -> None:
    wheels = [
        wheel(APP, "textual[syntax]>=1"),
        wheel("textual-8.0-py3-none-any.whl", "tree-sitter; extra == 'syntax'"),
    ]
    assert missing(wheels, "linux-x86_64", (3, 11)) == ['tree-sitter; extra == "syntax"']


@pytest.mark.parametrize(
    ("filename", "key", "python", "usable"),
    [
        ("orjson-3.1-cp312-cp312-win_amd64.whl", "windows-x86_64", (3, 12), True),
        ("orjson-3.1-cp312-cp312-win_amd64.whl", "windows-x86_64", (3, 13), False),
        ("orjson-3.1-cp312-cp312-win32.whl", "windows-x86_64", (3, 12), False),
        ("cryptography-48-cp311-abi3-macosx_10_9_universal2.whl", "macos-x86_64", (3, 13), True),
        ("cryptography-48-cp311-abi3-macosx_10_9_universal2.whl", "macos-arm64", (3, 11), True),
        ("orjson-3.1-cp311-cp311-macosx_11_0_arm64.whl", "macos-x86_64", (3, 11), False),
        ("orjson-3.1-cp311-cp311-macosx_12_0_x86_64.whl", "macos-x86_64", (3, 11), False),
        ("orjson-3.1-cp311-cp311-manylinux_2_17_x86_64.whl", "linux-x86_64", (3, 11), True),
        ("orjson-3.1-cp311-cp311-manylinux1_x86_64.whl", "linux-x86_64", (3, 11), True),
        # glibc 2.34 is newer than the bundles promise (2.28), and musl is another C library.
        ("orjson-3.1-cp311-cp311-manylinux_2_34_x86_64.whl", "linux-x86_64", (3, 11), False),
        ("orjson-3.1-cp311-cp311-musllinux_1_2_x86_64.whl", "linux-x86_64", (3, 11), False),
        ("orjson-3.1-cp313-cp313t-manylinux_2_17_x86_64.whl", "linux-x86_64", (3, 13), False),
    ],
)
def test_a_wheel_counts_only_where_it_installs(
    filename: str, key: str, python: tuple[int, int], usable: bool
) -> None:
    wheels = [wheel(APP, "orjson>=3"), wheel(filename)]
    if key.startswith("macos") and filename.startswith("cryptography"):
        wheels = [wheel(APP, "cryptography>=44"), wheel(filename)]
    assert (missing(wheels, key, python) == []) is usable


def test_a_version_outside_the_range_does_not_count() -> None:
    wheels = [wheel(APP, "tinydb>=4.8,<5"), wheel("tinydb-5.0-py3-none-any.whl")]
    assert missing(wheels, "linux-x86_64", (3, 11)) == ["tinydb<5,>=4.8"]


class FakePip:
    """Stands in for subprocess.run: fails `failures` times with `output`, then succeeds."""

    def __init__(self, failures: int, output: str) -> None:
        self.failures, self.output, self.calls = failures, output, 0

    def __call__(self, command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        self.calls += 1
        if self.calls <= self.failures:
            return subprocess.CompletedProcess(command, 1, "", self.output)
        return subprocess.CompletedProcess(command, 0, "", "")


NETWORK = (
    "WARNING: Retrying (Retry(total=4...)) after connection broken by "
    "'NewConnectionError(...: Failed to establish a new connection: [Errno -3] "
    "Temporary failure in name resolution')\n"
    "ERROR: Could not install packages due to an OSError: Max retries exceeded\n"
)


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr("release.build.time.sleep", waits.append)
    return waits


def test_a_passing_failure_is_tried_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_waiting: list[float]
) -> None:
    pip = FakePip(2, NETWORK)
    monkeypatch.setattr("release.build.subprocess.run", pip)
    build.run_pip(["download", "x"], "the wheels for X", tmp_path / "x.log")
    assert pip.calls == 3 and no_waiting == [10, 30]
    assert not (tmp_path / "x.log").exists()


def test_an_unreachable_index_stops_the_build_with_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_waiting: list[float]
) -> None:
    pip = FakePip(99, NETWORK)
    monkeypatch.setattr("release.build.subprocess.run", pip)
    log = tmp_path / "logs" / "x.log"
    with pytest.raises(build.BuildError) as caught:
        build.run_pip(["download", "x"], "the wheels for Windows (x86_64), Python 3.12", log)
    assert pip.calls == build.TRIES
    assert str(caught.value) == (
        "could not download the wheels for Windows (x86_64), Python 3.12: the package index "
        f"could not be reached (building needs the network); pip's output is in {log}"
    )
    assert "Temporary failure in name resolution" in log.read_text()


def test_a_missing_release_is_not_tried_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_waiting: list[float]
) -> None:
    output = (
        "ERROR: Could not find a version that satisfies the requirement cryptography==50.0.2\n"
        "ERROR: No matching distribution found for cryptography==50.0.2\n"
    )
    pip = FakePip(99, output)
    monkeypatch.setattr("release.build.subprocess.run", pip)
    with pytest.raises(build.BuildError) as caught:
        build.run_pip(["download"], "the wheels for macOS (Intel)", tmp_path / "m.log")
    assert pip.calls == 1 and no_waiting == []
    assert "No matching distribution found for cryptography==50.0.2" in str(caught.value)


def test_the_build_says_why_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def fails(out: Path, only: list[str], work: Path) -> list[Path]:
        raise build.BuildError("could not download pip's own wheel: the package index ...")

    monkeypatch.setattr(build, "build", fails)
    monkeypatch.setattr(build, "ROOT", tmp_path)
    assert build.main(["--out", str(tmp_path / "dist")]) == 1
    assert capsys.readouterr().err == (
        "make dist: could not download pip's own wheel: the package index ...\n"
    )


def test_the_version_is_said_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == csa_companion.__version__
    # PyInstaller is for building the program only: never a dependency of what users install.
    assert not any("pyinstaller" in d.lower() for d in project["dependencies"])
    assert any("pyinstaller" in d.lower() for d in project["optional-dependencies"]["dist"])
