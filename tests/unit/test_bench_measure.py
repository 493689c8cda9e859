"""The benchmarks measure a process's peak memory and its children's CPU time one way, with
bench/measure.py (bench/cohort.py had copies of bench.py's functions)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def script(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """bench/<name>.py loaded as a module (as `python bench/<name>.py` finds its imports)."""
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_measures_with_the_same_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("bench", "cohort"):
        module = script(name, monkeypatch)
        for function in ("peak_rss_mb", "children_cpu"):
            own = getattr(module, function)
            assert own.__module__ == "measure", f"{name}.py has its own {function}"


def test_peak_memory_and_children_cpu_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    measure = script("measure", monkeypatch)
    assert 5 < measure.peak_rss_mb() < 10_000  # MB: this test process
    before = measure.children_cpu()
    subprocess.run([sys.executable, "-c", "sum(range(3_000_000))"], check=True, timeout=60)
    assert measure.children_cpu() > before
