"""`make dist`: the wheel, the sdist, and one offline bundle per platform in dist/.

    .venv/bin/python -m release.build [--out dist] [--only linux-x86_64 ...]

A bundle (csa-companion-VERSION-PLATFORM.zip) holds the app's wheel, every dependency as a
wheel for CPython 3.11, 3.12 and 3.13 on that platform, pip's own wheel (the install script
runs pip from it, so the user's Python needs neither pip nor the network), the install script
and INSTALL.txt. Building needs the package index; installing from a bundle needs no network.

Each platform and Python version is downloaded into a fresh folder (pip's own cache keeps a
second build quick), the versions found for Linux and Python 3.11 are pinned for every other
download so that all bundles carry the same releases, and the result is walked requirement by
requirement with the target's environment markers (release/targets.py): whatever pip missed
is downloaded, and whatever still has no wheel stops the build with a message naming it.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from release.targets import PYTHONS, TARGETS, Target, Wheel, describe, problems, wheels_in_folder

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
TRIES = 3
WAIT_SECONDS = (10, 30)
# Fixed timestamps in the zips, so that the same wheels give the same bytes.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
NETWORK_HINTS = (
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Name or service not known",
    "ConnectTimeout",
    "ReadTimeout",
    "Max retries exceeded",
    "Network is unreachable",
)
NOT_TRANSIENT = (
    "No matching distribution found",
    "ResolutionImpossible",
    "Could not find a version",
)


class BuildError(Exception):
    """Why the build stopped, in one line."""


def run_pip(args: Sequence[str], what: str, log: Path) -> None:
    """`pip ARGS`, tried up to TRIES times when the failure may pass (the network); on the last
    failure a BuildError names `what`, the likely cause and the log with pip's whole output."""
    command = [sys.executable, "-m", "pip", *args]
    output = ""
    for attempt in range(1, TRIES + 1):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        output = done.stdout + done.stderr
        if done.returncode == 0:
            return
        if any(s in output for s in NOT_TRANSIENT) or attempt == TRIES:
            break
        print(f"  {what}: pip failed (try {attempt} of {TRIES}), trying again", file=sys.stderr)
        time.sleep(WAIT_SECONDS[min(attempt, len(WAIT_SECONDS)) - 1])
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(" ".join(command) + "\n\n" + output, encoding="utf-8")
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    last = errors[-1] if errors else (output.strip().splitlines() or ["no output"])[-1]
    if any(s in output for s in NETWORK_HINTS):
        cause = "the package index could not be reached (building needs the network)"
    else:
        cause = last.removeprefix("ERROR: ")
    raise BuildError(f"could not download {what}: {cause}; pip's output is in {log}")


def pip_download(
    requirements: Sequence[str],
    t: Target,
    python: tuple[int, int],
    dest: Path,
    pins: Path | None,
    logs: Path,
) -> None:
    version = f"{python[0]}.{python[1]}"
    args = [
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--progress-bar=off",
        "--retries=5",
        "--timeout=60",
        "--only-binary=:all:",
        "--implementation=cp",
        f"--python-version={version}",
        f"--abi=cp{python[0]}{python[1]}",
        *(f"--platform={p}" for p in t.pip_platforms),
        f"--dest={dest}",
        *(["--constraint", str(pins)] if pins else []),
        *requirements,
    ]
    what = f"the wheels for {t.label}, Python {version}"
    run_pip(args, what, logs / f"{t.key}-{version}.log")


def build_app(out: Path) -> tuple[Path, Path]:
    """The wheel and the sdist, built by hatchling from this checkout (no network)."""
    for old in [*out.glob("csa_companion-*.whl"), *out.glob("csa_companion-*.tar.gz")]:
        old.unlink()
    done = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError("hatchling could not build the wheel and sdist:\n" + done.stderr)
    [wheel] = out.glob("csa_companion-*.whl")
    [sdist] = out.glob("csa_companion-*.tar.gz")
    return wheel, sdist


def pins_from(folder: Path) -> str:
    lines = []
    for whl in sorted(folder.glob("*.whl")):
        name, version, _, _ = parse_wheel_filename(whl.name)
        if name != "csa-companion":
            lines.append(f"{name}=={version}")
    return "\n".join(sorted(set(lines))) + "\n"


def complete(
    t: Target, python: tuple[int, int], folder: Path, pins: Path | None, logs: Path
) -> None:
    """Download what the walk finds missing (markers pip evaluated for this machine rather than
    for `t`), until nothing is; a requirement no download satisfies stops the build."""
    for _round in range(3):
        missing = problems(wheels_in_folder(folder), t, python)
        if not missing:
            return
        pip_download([str(r) for r in missing], t, python, folder, pins, logs)
    missing = problems(wheels_in_folder(folder), t, python)
    if missing:
        raise BuildError("no wheel for " + "; ".join(describe(r, t, python) for r in missing))


def chosen_wheels(wheels: list[Wheel], t: Target) -> list[Wheel]:
    """Only what some Python version reaches from the app (a second version of a package that
    the pins ruled out stays behind)."""
    from release.targets import walk

    keep: dict[str, Wheel] = {}
    for python in PYTHONS:
        for _req, _by, found in walk(wheels, t, python):
            if found is not None:
                keep[found.filename] = found
    return sorted(keep.values(), key=lambda w: w.filename)


def text_file(name: str, version: str, t: Target) -> bytes:
    text = (HERE / name).read_text(encoding="utf-8")
    text = text.replace("@VERSION@", version).replace("@PLATFORM@", t.label)
    if t.windows:  # cmd.exe and Notepad on older Windows want CRLF; PowerShell takes either
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text.encode("ascii")  # PowerShell 5.1 reads a script without a BOM as ANSI


def add(bundle: zipfile.ZipFile, name: str, data: bytes, mode: int, stored: bool) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.external_attr = (0o100000 | mode) << 16
    info.create_system = 3  # Unix, so that unzip restores the mode bits
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    bundle.writestr(info, data)


def write_bundle(out: Path, version: str, t: Target, wheels: list[Path], pip_wheel: Path) -> Path:
    top = f"csa-companion-{version}-{t.key}"
    target = out / f"{top}.zip"
    partial = target.with_suffix(".zip.partial")
    scripts = ("install.ps1", "install.cmd") if t.windows else ("install.sh",)
    with zipfile.ZipFile(partial, "w") as bundle:
        install_txt = "INSTALL-windows.txt" if t.windows else "INSTALL-unix.txt"
        add(bundle, f"{top}/INSTALL.txt", text_file(install_txt, version, t), 0o644, False)
        for script in scripts:
            add(bundle, f"{top}/{script}", text_file(script, version, t), 0o755, False)
        for whl in sorted({*wheels, pip_wheel}, key=lambda p: p.name):
            add(bundle, f"{top}/wheels/{whl.name}", whl.read_bytes(), 0o644, True)
    partial.replace(target)
    return target


def build(out: Path, only: Sequence[str], work: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    app_wheel, sdist = build_app(out)
    version = str(parse_wheel_filename(app_wheel.name)[1])
    print(f"built {app_wheel.name} and {sdist.name}")

    with tempfile.TemporaryDirectory(dir=work) as scratch_name:
        scratch = Path(scratch_name)
        pip_dir = scratch / "pip"
        run_pip(
            ["download", "--quiet", "--no-deps", "--only-binary=:all:", f"--dest={pip_dir}", "pip"],
            "pip's own wheel",
            logs / "pip.log",
        )
        [pip_wheel] = pip_dir.glob("pip-*.whl")

        # The pins: what Linux with Python 3.11 resolves to, used for every other download.
        first = scratch / "linux-x86_64-3.11"
        linux = next(t for t in TARGETS if t.key == "linux-x86_64")
        pip_download([str(app_wheel)], linux, PYTHONS[0], first, None, logs)
        pins, common = scratch / "pins.txt", pins_from(first)
        pins.write_text(common, encoding="utf-8")

        made = []
        for t in TARGETS:
            if only and t.key not in only:
                continue
            merged = scratch / t.key
            merged.mkdir()
            own = [Requirement(r) for r in t.own_pins]
            if own:
                mine = scratch / f"pins-{t.key}.txt"
                replaced = {canonicalize_name(r.name) for r in own}
                lines = [
                    line
                    for line in common.splitlines()
                    if canonicalize_name(Requirement(line).name) not in replaced
                ]
                mine.write_text("\n".join([*lines, *map(str, own)]) + "\n", encoding="utf-8")
            else:
                mine = pins
            for python in PYTHONS:
                folder = scratch / f"{t.key}-{python[0]}.{python[1]}"
                if not folder.exists():
                    pip_download([str(app_wheel)], t, python, folder, mine, logs)
                complete(t, python, folder, mine, logs)
                for whl in folder.glob("*.whl"):
                    shutil.copy2(whl, merged / whl.name)
            pinned = {
                canonicalize_name(r.name): r.specifier
                for r in map(Requirement, mine.read_text(encoding="utf-8").splitlines())
            }
            wheels = [
                w
                for w in wheels_in_folder(merged)
                if w.name not in pinned or w.version in pinned[w.name]
            ]
            for python in PYTHONS:  # the same walk the tests make on the finished zip
                missing = problems(wheels, t, python)
                if missing:
                    raise BuildError(
                        "no wheel for " + "; ".join(describe(r, t, python) for r in missing)
                    )
            files = [merged / w.filename for w in chosen_wheels(wheels, t)]
            bundle = write_bundle(out, version, t, files, pip_wheel)
            differs = "".join(f", {r}" for r in own)
            print(f"built {bundle.name}: {len(files) + 1} wheels, {mib(bundle)}{differs}")
            made.append(bundle)
    write_sums(out, [app_wheel, sdist, *sorted(out.glob(f"csa-companion-{version}-*.zip"))])
    return made


def mib(path: Path) -> str:
    return f"{path.stat().st_size / 2**20:.1f} MiB"


def write_sums(out: Path, files: Sequence[Path]) -> None:
    lines = [f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.name}\n" for f in files]
    (out / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="release.build", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument(
        "--only", action="append", default=[], choices=[t.key for t in TARGETS], metavar="KEY"
    )
    args = parser.parse_args(argv)
    work = ROOT / "build" / "bundles"
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        build(args.out, args.only, work)
    except BuildError as error:
        print(f"make dist: {error}", file=sys.stderr)
        return 1
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
