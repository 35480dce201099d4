"""The two statistics every benchmark reports; no Textual or database import, so the table
and any part can use them."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from typing import Any


def p95(values: list[float]) -> float:
    """The 95th percentile by rank: the value 95% of the samples are at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def median_seconds(call: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
