"""`python -m bench`: the table it prints, and one benchmark run the way the command runs it.

The whole command takes minutes (`--quick` about a minute and a half), so it is not run here;
its parts share one protocol (a child process writing its figures as JSON), tried on the
cheapest part, recording a referral.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.table import Figure, Part, render

ROOT = Path(__file__).parent.parent


def test_a_ratio_goal_is_judged_on_the_floor_measured_in_the_same_run() -> None:
    start = Figure("start", 330.0, "ms", goal=1.5, goal_on="ratio", strict=False)
    start = start.resolved({})
    assert start.met is None  # no floor: not judged
    with_floor = Figure(
        "start",
        330.0,
        "ms",
        goal=1.5,
        goal_on="ratio",
        strict=False,
        floor_name="bare",
        floor_ref="bare.start",
    ).resolved({"bare.start": 300.0})
    assert with_floor.ratio == pytest.approx(1.1)
    assert with_floor.met is True


def test_a_floor_from_another_part_is_added_to_this_parts_own() -> None:
    opened = Figure(
        "open",
        150.0,
        "ms",
        goal=100,
        floor_name="bare push + raw SQL",
        floor_value=20.0,
        floor_ref="bare.push",
    ).resolved({"bare.push": 30.0})
    assert opened.floor_value == 50.0
    assert opened.met is False


def test_the_table_prints_every_figure_with_its_goal_floor_ratio_and_verdict() -> None:
    figures = [
        Figure("recommend", 9.2, "µs", goal=50),
        Figure(
            "desk read",
            2.0,
            "ms",
            goal=2,
            goal_on="ratio",
            strict=False,
            floor_name="raw SQL",
            floor_value=0.5,
        ),
        Figure("lost writes", 0.0, "writes", goal=0, strict=False),
        Figure("20 desks", None, "", note="skipped: no --postgres URL given"),
    ]
    table = render(figures)
    lines = table.splitlines()

    def cells(line: str) -> list[str]:
        return [cell.strip() for cell in line.split("|")[1:-1]]

    assert cells(lines[0]) == ["figure", "measured", "goal", "floor (same run)", "ratio", "met?"]
    rows = {cells(line)[0]: cells(line)[1:] for line in lines[2:6]}
    assert rows["recommend"] == ["9.20 µs", "< 50 µs", "-", "-", "yes"]
    assert rows["desk read"] == ["2.00 ms", "≤ 2x floor", "raw SQL 0.50 ms", "4.0x", "NO"]
    assert rows["lost writes"] == ["0 writes", "0", "-", "-", "yes"]
    assert rows["20 desks [1]"] == ["-", "-", "-", "-", "-"]
    assert "[1] skipped: no --postgres URL given" in table


def test_a_part_runs_in_its_own_process_and_hands_back_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "record.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--part",
            "record",
            "--quick",
            "--cache",
            str(tmp_path),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    part = Part.from_json(out.read_text())
    names = [figure.name for figure in part.figures]
    assert names == [
        "record a referral (20k closed + 2k open): median",
        "record a referral (20k closed + 2k open): p95",
    ]
    for figure in part.figures:
        assert figure.value is not None and figure.value > 0
        assert figure.floor_name == "raw INSERT+COMMIT"
        assert figure.floor_value is not None and figure.floor_value > 0


def test_a_figure_held_to_a_bound_and_to_its_floor_meets_its_goal_only_with_both() -> None:
    def facts_step(value: float, floor: float) -> Figure:
        return Figure(
            "facts step",
            value,
            "ms",
            goal=16,
            ratio_goal=1.5,
            strict=False,
            floor_name="bare TickList",
            floor_ref="bare.keys.ticks",
        ).resolved({"bare.keys.ticks": floor})

    assert facts_step(12.0, 10.0).met is True
    assert facts_step(12.0, 6.0).met is False  # within a frame, but twice the bare widget's
    assert facts_step(18.0, 15.0).met is False  # like the bare widget's, but over a frame
    unjudged = Figure("facts step", 12.0, "ms", goal=16, ratio_goal=1.5, floor_ref="bare.x")
    assert unjudged.resolved({}).met is None  # no floor: half a goal is not judged
    cells = render([facts_step(12.0, 10.0)]).splitlines()[2].split("|")
    assert cells[3].strip() == "≤ 16 ms, ≤ 1.5x floor"


def test_the_keys_planned_for_a_choice_or_a_tick_list_find_what_the_widget_finds() -> None:
    from bench.triage_keys import choice_letters, tick_keys
    from screens.triage_form import need_lines, urgency_lines
    from spr_desk.rules import default_rules

    roles = [("ward team", "ward_team"), ("GP or practice nurse", "gp"), ("GP out-of-hours", "oh")]
    assert choice_letters(roles, "gp") == "g"  # the first line a "g" finds from the top
    assert choice_letters(roles, "oh") == "h"  # "o" finds "or" first; "hours" is a word of it
    needs = need_lines(default_rules())
    first = next(i for i, line in enumerate(needs) if not isinstance(line, str))
    assert tick_keys(needs, first, "dehydration") == (["d"], "letters")
    assert tick_keys(needs, first, "wound_care") == (["down"], "arrows")  # one arrow, not "w"
    urgency = urgency_lines(default_rules())
    top = next(i for i, line in enumerate(urgency) if not isinstance(line, str))
    # "a" from the next line on finds "alone and unable...", but so does one arrow: arrows
    assert tick_keys(urgency, top, "unsafe_alone_tonight") == (["down"], "arrows")
    assert tick_keys(urgency, top, "discharge_tomorrow") == (["end"], "arrows")
