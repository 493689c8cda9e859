"""The content ships inside the package: build the wheel, install it elsewhere, check content."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_installed_wheel_finds_its_content(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    [wheel] = list(wheels.glob("csa_companion-*.whl"))

    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # Dependencies come from the test venv's site-packages (no network); the project's own
    # editable install is not visible there, so only the wheel can provide csa_companion.
    [env_site] = list((env_dir / "lib").glob("python3*/site-packages"))
    (env_site / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    done = subprocess.run(
        [
            str(env_dir / "bin" / "csa-companion"),
            "--data-dir",
            str(tmp_path / "data"),
            "content",
            "check",
        ],
        cwd=outside,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    first, *_, last = done.stdout.splitlines()
    # It checked the content inside the installed package, not this checkout's content/ folder.
    assert first.startswith("checking the bundled content: " + str(env_dir)), first
    assert last.startswith("ok: ") and last.endswith(", no problems"), last
    located = subprocess.run(
        [str(python), "-c", "import csa_companion; print(csa_companion.__file__)"],
        cwd=outside,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert str(env_dir) in located.stdout
