"""What every benchmark measures the same way: a process's peak memory and its children's CPU.

Kept apart from bench.py so that a benchmark's child process can import it without bench.py's
own imports (asyncio, unittest.mock: about 15 MB and 0.1 s) landing in what the child measures.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak RSS in MB.

    On Linux this is VmHWM from /proc/self/status: ru_maxrss of a child started with
    vfork/exec (as subprocess does) starts at the *parent's* peak, so it would report the
    bench's own size. Elsewhere, ru_maxrss (KB on Linux, bytes on macOS).
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def children_cpu() -> float:
    """CPU seconds (user + system) of every child this process has waited for. The children
    run one at a time, so the difference around one run is that child's CPU time: on a loaded
    machine it swings far less than wall time (the processes are the same work either way)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
