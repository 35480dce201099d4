"""Every benchmark in one command, and one table: each figure, its goal, the floor it is measured
against in the same run (a bare Textual app, the raw SQL query, a raw INSERT and COMMIT), the
ratio, and whether the goal is met. Prints figures; asserts nothing.

Run: python -m bench [--cache DIR] [--quick] [--postgres URL] [--only NAME ...]

- `--cache DIR` keeps the databases built (a million referrals take a minute and a half) for the
  next run; without it they are built in a temporary folder and removed.
- `--quick` a smoke run: small databases, few repetitions (figures not to be quoted).
- `--only NAME` runs that benchmark only (repeat it for more), e.g. `--only rota`.
- `--postgres URL` adds the 20 desks at once (`bench/desks.py`) on a scratch database created on
  that server for the run and dropped after (or on URL itself, if it must be empty, when the
  server will not create one); without it that row says it was skipped.

Each benchmark runs in a Python process of its own (`--part NAME --out FILE`, used by this
command only), one after another, so none shares a machine's attention with another.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.parts import PARTS, Settings, build, skipped_desks
from bench.table import Figure, Part, render

SELF_CONTAINED = {"rota", "bars"}
"""Benchmarks that build their own databases: `--only` these skips building the shared ones."""
PART_TIMEOUT = 600
"""Seconds one benchmark may take before it is stopped and its row says so."""


def run_part(name: str, settings: Settings) -> Part:
    """One benchmark in a child process; a row saying it failed if it did."""
    with tempfile.TemporaryDirectory(prefix="spr-bench-part-") as scratch:
        out = Path(scratch) / f"{name}.json"
        command = [sys.executable, "-m", "bench", "--part", name, "--out", str(out)]
        command += ["--cache", str(settings.folder)]
        if settings.quick:
            command.append("--quick")
        if settings.postgres:
            command += ["--postgres", settings.postgres]
        try:
            finished = subprocess.run(command, timeout=PART_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return Part([Figure(f"{name}", None, "", note=f"stopped after {PART_TIMEOUT} s")])
        if finished.returncode != 0 or not out.exists():
            note = f"failed (exit {finished.returncode}); its error is printed above"
            return Part([Figure(f"{name}", None, "", note=note)])
        return Part.from_json(out.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run every benchmark and print one table: each figure, its goal, the floor"
        " it is measured against in the same run, the ratio, and whether the goal is met.",
    )
    parser.add_argument(
        "--cache", type=Path, metavar="DIR", help="keep the built databases here for re-runs"
    )
    parser.add_argument("--quick", action="store_true", help="small databases: a smoke run")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server for the 20 desks")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(PARTS),
        metavar="NAME",
        help=f"run only this benchmark (repeat for more): {', '.join(PARTS)}",
    )
    parser.add_argument("--part", choices=sorted(PARTS), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.part:  # a child: one benchmark, its figures to --out
        settings = Settings(args.cache, args.quick, args.postgres)
        part = PARTS[args.part][0](settings)
        args.out.write_text(part.to_json())
        return 0

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="spr-bench-") as scratch:
        folder = args.cache or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        settings = Settings(folder.resolve(), args.quick, args.postgres)
        print(f"databases in {settings.folder}{' (quick)' if args.quick else ''}", flush=True)
        names = [name for name in PARTS if name != "desks" or args.postgres]
        if args.only:
            names = [name for name in names if name in args.only]
        if not args.only or set(args.only) - SELF_CONTAINED:
            build(settings)
        figures: list[Figure] = []
        floors: dict[str, float] = {}
        for number, name in enumerate(names, start=1):
            began = time.perf_counter()
            print(f"[{number}/{len(names)}] {name}: {PARTS[name][1]} ...", flush=True)
            part = run_part(name, settings)
            figures += part.figures
            floors.update(part.floors)
            print(f"      {time.perf_counter() - began:.0f} s", flush=True)
        if not args.postgres and (not args.only or "desks" in args.only):
            figures.append(skipped_desks())
            print("desks: skipped, no --postgres URL given", flush=True)
    print()
    print(render([figure.resolved(floors) for figure in figures]))
    print(f"\ntotal wall time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
