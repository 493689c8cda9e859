"""Every platform's bundle, read as a zip: Windows and macOS cannot be installed here, so each is
checked for what its install needs: a wheel for every dependency (markers evaluated for that
platform) and every Python from 3.11 to 3.13, pip's wheel to install with, the scripts and
INSTALL.txt, and nothing that reaches for the network."""

from __future__ import annotations

import zipfile

import pytest
from release.targets import PYTHONS, TARGETS, Target, problems, walk, wheels_in_zip

from tests.dist.terminal import DIST, bundle, version


def names(z: zipfile.ZipFile) -> set[str]:
    return {n.split("/", 1)[1] for n in z.namelist()}


@pytest.mark.parametrize("t", TARGETS, ids=lambda t: t.key)
def test_a_wheel_for_every_dependency_and_python(t: Target) -> None:
    with zipfile.ZipFile(bundle(t.key)) as z:
        assert z.testzip() is None  # every member's CRC holds
        wheels = wheels_in_zip(z)
    reached: set[str] = set()
    for python in PYTHONS:
        assert problems(wheels, t, python) == [], f"{t.key}, Python {python}"
        found = [w for _req, _by, w in walk(wheels, t, python) if w is not None]
        reached |= {w.filename for w in found}
        # The compiled dependencies are there for this very Python and platform.
        binary = {w.name for w in found if not any(tag.abi == "none" for tag in w.tags)}
        assert {"orjson", "cryptography", "multidict"} <= binary, (t.key, python)
    # Nothing else rides along but pip's own wheel, which runs the install.
    extra = {w.filename for w in wheels} - reached
    assert [e.split("-")[0] for e in extra] == ["pip"], extra
    assert f"csa_companion-{version()}-py3-none-any.whl" in reached


@pytest.mark.parametrize("t", TARGETS, ids=lambda t: t.key)
def test_the_scripts_and_instructions_are_there(t: Target) -> None:
    top = f"csa-companion-{version()}-{t.key}"
    with zipfile.ZipFile(bundle(t.key)) as z:
        assert {n.split("/")[0] for n in z.namelist()} == {top}
        files = {n for n in names(z) if not n.startswith("wheels/")}
        scripts = ["install.ps1", "install.cmd"] if t.windows else ["install.sh"]
        assert files == {"INSTALL.txt", *scripts}
        for name in ["INSTALL.txt", *scripts]:
            raw = z.read(f"{top}/{name}")
            text = raw.decode("ascii")  # PowerShell 5.1 and cmd.exe read ANSI
            assert "@VERSION@" not in text and "@PLATFORM@" not in text
            assert (version() in text and t.label in text) or name == "install.cmd"
            lines = raw.split(b"\n")[:-1]
            if t.windows:  # CRLF throughout, for cmd.exe and Notepad
                assert all(line.endswith(b"\r") for line in lines), name
            else:
                assert not any(line.endswith(b"\r") for line in lines), name
        for script in scripts:
            text = z.read(f"{top}/{script}").decode("ascii")
            assert "http" not in text  # installing never reaches for the network
        if t.windows:
            ps1 = z.read(f"{top}/install.ps1").decode("ascii")
            assert "--no-index" in ps1 and "--isolated" in ps1
            assert "csa-companion.cmd" in ps1 and "uninstall" in ps1
        else:
            mode = z.getinfo(f"{top}/install.sh").external_attr >> 16
            assert mode & 0o111, "install.sh is executable once unpacked"
            sh = z.read(f"{top}/install.sh").decode("ascii")
            assert "--no-index" in sh and "--isolated" in sh
        info = z.read(f"{top}/INSTALL.txt").decode("ascii")
        assert "3.11, 3.12 or 3.13" in info and "--uninstall" in info


def test_the_wheel_sdist_and_checksums() -> None:
    v = version()
    sums = (DIST / "SHA256SUMS").read_text().splitlines()
    listed = sorted(line.split("  ")[1] for line in sums)
    assert listed == sorted(
        [
            f"csa_companion-{v}-py3-none-any.whl",
            f"csa_companion-{v}.tar.gz",
            *(f"csa-companion-{v}-{t.key}.zip" for t in TARGETS),
        ]
    )
    with zipfile.ZipFile(DIST / f"csa_companion-{v}-py3-none-any.whl") as whl:
        contents = whl.namelist()
    assert "csa_companion/bundled_content/tools/iceberg.md" in contents
    assert "csa_companion/app.tcss" in contents
