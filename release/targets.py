"""The platforms and Python versions an offline bundle serves, and the check that a set of
wheels installs the app on each of them with no network.

pip downloads for a foreign platform (`pip download --platform ...`) but evaluates environment
markers (`; sys_platform == "win32"`, `; python_version < "3.13"`) for the machine it runs on,
so a dependency needed only elsewhere can be missed. `problems()` walks the requirements from
the app's wheel with the markers evaluated for the target, and names every requirement that no
wheel in the set satisfies for it; the build downloads those and checks again, and the tests
read the finished zips with the same walk.
"""

from __future__ import annotations

import email.parser
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
from packaging.utils import NormalizedName, canonicalize_name, parse_wheel_filename
from packaging.version import Version

APP = canonicalize_name("csa-companion")
PYTHONS: tuple[tuple[int, int], ...] = ((3, 11), (3, 12), (3, 13))

# manylinux_2_28 is glibc 2.28 (Debian 10, Ubuntu 20.04, RHEL 8 and later); older wheel tags
# for the same machine are accepted, newer ones (such as manylinux_2_34) are not.
_LINUX_X86_64 = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)),
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
)


@dataclass(frozen=True)
class Target:
    """One platform a bundle is built for."""

    key: str  # in the zip's name: csa-companion-VERSION-KEY.zip
    label: str  # for people
    pip_platforms: tuple[str, ...]  # --platform values (pip widens macosx_* to older releases)
    wheel_platforms: tuple[str, ...]  # every platform tag a wheel may carry to be usable
    markers: tuple[tuple[str, str], ...]  # environment-marker values besides the Python version
    windows: bool
    # Constraints that replace the common pins of the same packages for this platform only.
    own_pins: tuple[str, ...] = ()

    def environment(self, python: tuple[int, int]) -> dict[str, str]:
        version = f"{python[0]}.{python[1]}"
        return {
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "python_version": version,
            "python_full_version": version + ".0",
            "implementation_version": version + ".0",
            "platform_release": "",
            "platform_version": "",
            **dict(self.markers),
        }

    def tags(self, python: tuple[int, int]) -> frozenset[Tag]:
        """The wheel tags CPython `python` accepts on this platform (no free-threaded build)."""
        abi = f"cp{python[0]}{python[1]}"
        return frozenset(
            [
                *cpython_tags(python, abis=[abi], platforms=self.wheel_platforms),
                *compatible_tags(python, abi, platforms=self.wheel_platforms),
            ]
        )


def _mac(arch: str, oldest: tuple[int, int]) -> tuple[str, ...]:
    return tuple(mac_platforms(oldest, arch))


TARGETS: tuple[Target, ...] = (
    Target(
        "windows-x86_64",
        "Windows (x86_64)",
        ("win_amd64",),
        ("win_amd64",),
        (
            ("os_name", "nt"),
            ("sys_platform", "win32"),
            ("platform_system", "Windows"),
            ("platform_machine", "AMD64"),
        ),
        windows=True,
    ),
    Target(
        "macos-arm64",
        "macOS (Apple silicon, macOS 11 or newer)",
        ("macosx_11_0_arm64",),
        _mac("arm64", (11, 0)),
        (
            ("os_name", "posix"),
            ("sys_platform", "darwin"),
            ("platform_system", "Darwin"),
            ("platform_machine", "arm64"),
        ),
        windows=False,
    ),
    Target(
        "macos-x86_64",
        "macOS (Intel, macOS 10.15 or newer)",
        ("macosx_10_15_x86_64",),
        _mac("x86_64", (10, 15)),
        (
            ("os_name", "posix"),
            ("sys_platform", "darwin"),
            ("platform_system", "Darwin"),
            ("platform_machine", "x86_64"),
        ),
        windows=False,
        # cryptography 49 and later publish no wheel for Intel Macs; 48 is the last one
        # (universal2, abi3: every Python from 3.11), and the app needs 44 or later.
        own_pins=("cryptography>=44,<49",),
    ),
    Target(
        "linux-x86_64",
        "Linux (x86_64, glibc 2.28 or newer)",
        _LINUX_X86_64,
        _LINUX_X86_64,
        (
            ("os_name", "posix"),
            ("sys_platform", "linux"),
            ("platform_system", "Linux"),
            ("platform_machine", "x86_64"),
        ),
        windows=False,
    ),
)


def target(key: str) -> Target:
    for t in TARGETS:
        if t.key == key:
            return t
    raise KeyError(key)


@dataclass(frozen=True)
class Wheel:
    filename: str
    name: NormalizedName
    version: Version
    tags: frozenset[Tag]
    requires: tuple[Requirement, ...]


def read_wheel(filename: str, data: bytes) -> Wheel:
    """A wheel's name, version and tags from its file name, its requirements from METADATA."""
    name, version, _build, tags = parse_wheel_filename(filename)
    with zipfile.ZipFile(io.BytesIO(data)) as whl:
        [meta] = [
            n for n in whl.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1
        ]
        message = email.parser.BytesParser().parsebytes(whl.read(meta), headersonly=True)
    requires = tuple(Requirement(r) for r in message.get_all("Requires-Dist") or [])
    return Wheel(filename, name, version, frozenset(tags), requires)


def wheels_in_folder(folder: Path) -> list[Wheel]:
    return [read_wheel(p.name, p.read_bytes()) for p in sorted(folder.glob("*.whl"))]


def wheels_in_zip(bundle: zipfile.ZipFile) -> list[Wheel]:
    return [
        read_wheel(n.rsplit("/", 1)[-1], bundle.read(n))
        for n in bundle.namelist()
        if n.endswith(".whl")
    ]


def _applies(req: Requirement, env: dict[str, str], extras: Iterable[str]) -> bool:
    if req.marker is None:
        return True
    marker: Marker = req.marker
    return any(marker.evaluate({**env, "extra": extra}) for extra in ("", *extras))


def walk(
    wheels: list[Wheel], t: Target, python: tuple[int, int]
) -> Iterator[tuple[Requirement, str, Wheel | None]]:
    """Each requirement met on the way from the app's wheel, who wants it, and the wheel that
    satisfies it for `t` and `python` (None when none does)."""
    env, usable = t.environment(python), t.tags(python)
    todo: list[tuple[Requirement, str]] = [(Requirement(str(APP)), "the bundle")]
    done: set[tuple[str, frozenset[str]]] = set()
    while todo:
        req, wanted_by = todo.pop()
        name = canonicalize_name(req.name)
        fits = [
            w
            for w in wheels
            if w.name == name
            and w.tags & usable
            and req.specifier.contains(w.version, prereleases=True)
        ]
        best = max(fits, key=lambda w: w.version) if fits else None
        yield req, wanted_by, best
        key = (str(name), frozenset(req.extras))
        if best is None or key in done:
            continue
        done.add(key)
        for sub in best.requires:
            if _applies(sub, env, req.extras):
                todo.append((sub, f"{best.name} {best.version}"))


def problems(wheels: list[Wheel], t: Target, python: tuple[int, int]) -> list[Requirement]:
    """The requirements (markers evaluated for the target) that no wheel here satisfies."""
    missing: dict[str, Requirement] = {}
    for req, _wanted_by, found in walk(wheels, t, python):
        if found is None:
            missing.setdefault(str(req), req)
    return list(missing.values())


def describe(req: Requirement, t: Target, python: tuple[int, int]) -> str:
    spec = f"{req.name}{req.specifier}"
    return f"{spec} for {t.label}, Python {python[0]}.{python[1]}"
