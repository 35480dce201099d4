"""Foundation benchmark: `recommend` per call, and SPR Desk's start-to-first-paint against a bare
Textual app started the same way, as a ratio. Prints figures; asserts nothing.

Run: python bench/foundation.py   (goals: recommend < 50 us; start within 1.5x of bare Textual)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

from spr_desk.matrix import ALL_AVAILABLE, parse_availability, recommend
from spr_desk.rules import default_rules
from spr_desk.sample_calls import ETHEL_SCENARIO
from spr_desk.scenario import parse_scenario

HERE = Path(__file__).parent
SCENARIOS = {
    "Ethel (rapid nurse)": ETHEL_SCENARIO,
    "night fallback": {
        "at": "2026-03-28T23:10",
        "facts": {
            "pathway": "step_up",
            "setting": "home",
            "needs": ["fall_no_injury"],
            "urgency": ["unsafe_alone_tonight"],
        },
        "availability": {"rapid": {"therapist": False}},
    },
    "emergency": {
        "at": "2026-03-02T14:05",
        "facts": {"pathway": "step_up", "setting": "home", "red_flags": ["chest_pain"]},
    },
}


def bench_recommend(number: int = 20_000) -> dict[str, float]:
    """Microseconds per `recommend` call for each scenario: the best of 5 x `number` calls."""
    rules = default_rules()
    results = {}
    for name, data in SCENARIOS.items():
        scenario = parse_scenario(data)
        best = min(
            timeit.repeat(
                lambda s=scenario: recommend(s.facts, s.availability, s.at, rules),
                number=number,
                repeat=5,
            )
        )
        results[name] = best / number * 1e6
    assert parse_availability(None) is ALL_AVAILABLE
    return results


def time_child(*args: str) -> dict[str, float]:
    """Seconds from launching the child to each line it prints (`painted`, then maybe `rows`)."""
    start = time.perf_counter()
    marks: dict[str, float] = {}
    with subprocess.Popen(
        [sys.executable, str(HERE / "first_paint.py"), *args], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            marks[line.strip()] = time.perf_counter() - start
        child.wait(timeout=60)
    if "painted" not in marks:
        raise RuntimeError(f"child did not paint: {args}")
    return marks


def bench_start(runs: int = 7) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Seconds to each mark of `first_paint.py`, `runs` times each: (SPR Desk, bare Textual)."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        subprocess.run(
            [sys.executable, "-m", "spr_desk", "demo", "--db", url],
            check=True,
            capture_output=True,
        )
        ours, bare = [], []
        time_child("bare")  # warm the page cache and .pyc files for both
        time_child("spr-desk", url)
        for _ in range(runs):  # interleaved, so machine noise falls on both alike
            bare.append(time_child("bare"))
            ours.append(time_child("spr-desk", url))
    return ours, bare


def main() -> None:
    print("recommend() per call (best of 5 x 20,000; goal < 50 us)")
    for name, micros in bench_recommend().items():
        print(f"  {name:<22} {micros:7.1f} us")
    ours, bare = bench_start()
    bare_paint = statistics.median(mark["painted"] for mark in bare)
    ours_paint = statistics.median(mark["painted"] for mark in ours)
    ours_rows = statistics.median(mark["rows"] for mark in ours)
    print("start to first paint, fresh interpreter, headless 80x24 (median of 7)")
    print(f"  bare Textual app             {bare_paint * 1000:6.0f} ms")
    print(f"  SPR Desk first frame         {ours_paint * 1000:6.0f} ms")
    print(f"  ratio                        {ours_paint / bare_paint:6.2f}x  (goal within 1.5x)")
    print(f"  SPR Desk queue rows on screen {ours_rows * 1000:5.0f} ms  (7-day demo database)")
    print(f"  ratio                        {ours_rows / bare_paint:6.2f}x  (for information)")


if __name__ == "__main__":
    main()
