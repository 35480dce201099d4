"""The peak resident memory of this process, for the memory figures."""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident set size of this process since it started, in MB (MiB).

    On Linux from `VmHWM` in /proc/self/status: `ru_maxrss` would not do there, because a
    process started by `subprocess` inherits its parent's high-water mark across the exec
    (the child's figure was the parent's whenever the parent had been bigger).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
