"""The benchmark table: each figure, its goal, the floor it is measured against in the same run,
the ratio, and whether the goal is met. Figures travel between processes as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured figure and what it is judged by."""

    name: str
    value: float | None
    """None: not measured (skipped, or the benchmark failed; `note` says which)."""
    unit: str
    """"ms", "µs", "MB", or a word for a count ("keys", "writes")."""
    goal: float | None = None
    """The bound; None: for information."""
    goal_on: str = "value"
    """"value", or "ratio" (the goal is a multiple of the floor)."""
    strict: bool = True
    """The goal is `< goal` (True) or `<= goal` (False)."""
    ratio_goal: float | None = None
    """A second bound, on the ratio to the floor, met as well as `goal` (the same `strict`):
    a figure held both to an absolute bound and to the floor measured beside it."""
    floor_name: str = ""
    floor_value: float | None = None
    floor_ref: str = ""
    """A floor another benchmark measured in this run (`Run.floors`), added to `floor_value`."""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor_value:
            return None
        return self.value / self.floor_value

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.value is None:
            return None
        bounds = [(self.value if self.goal_on == "value" else self.ratio, self.goal)]
        if self.ratio_goal is not None:
            bounds.append((self.ratio, self.ratio_goal))
        if any(judged is None for judged, _ in bounds):
            return None  # a floor not measured: not judged on half its goal
        return all(
            judged < bound if self.strict else judged <= bound  # type: ignore[operator]
            for judged, bound in bounds
        )

    def resolved(self, floors: dict[str, float]) -> Figure:
        """With `floor_ref` looked up among the floors measured in this run."""
        if not self.floor_ref:
            return self
        if self.floor_ref not in floors:
            extra = f"floor ({self.floor_ref}) not measured"
            return replace(self, floor_value=None, note=_join(self.note, extra))
        return replace(self, floor_value=(self.floor_value or 0.0) + floors[self.floor_ref])


@dataclass
class Part:
    """What one benchmark process hands back: its figures, and floors for others to use."""

    figures: list[Figure] = field(default_factory=list)
    floors: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {"figures": [asdict(f) for f in self.figures], "floors": self.floors}, indent=1
        )

    @classmethod
    def from_json(cls, text: str) -> Part:
        data: dict[str, Any] = json.loads(text)
        return cls([Figure(**f) for f in data["figures"]], data["floors"])


def _join(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def number(value: float, unit: str) -> str:
    if unit in ("ms", "µs"):
        digits = 0 if value >= 100 else 1 if value >= 10 else 2
        return f"{value:.{digits}f} {unit}"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.0f} {unit}".rstrip()


def goal_words(figure: Figure) -> str:
    if figure.goal is None:
        return "-"
    sign = "<" if figure.strict else "≤"
    if figure.goal_on == "ratio":
        return f"{sign} {figure.goal:g}x floor"
    if figure.goal == 0 and not figure.strict:
        return "0"
    words = f"{sign} {figure.goal:g} {figure.unit}"
    if figure.ratio_goal is not None:
        words += f", {sign} {figure.ratio_goal:g}x floor"
    return words


def cells(figure: Figure) -> list[str]:
    measured = "-" if figure.value is None else number(figure.value, figure.unit)
    floor = "-"
    if figure.floor_value is not None and figure.floor_name:
        floor = f"{figure.floor_name} {number(figure.floor_value, figure.unit)}"
    ratio = "-" if figure.ratio is None else f"{figure.ratio:.1f}x"
    met = {True: "yes", False: "NO", None: "-"}[figure.met]
    return [figure.name, measured, goal_words(figure), floor, ratio, met]


HEADINGS = ["figure", "measured", "goal", "floor (same run)", "ratio", "met?"]
RIGHT = {1, 4}
"""Columns aligned right (the numbers)."""


def render(figures: list[Figure]) -> str:
    """A Markdown table (aligned, so it reads in a terminal too), then the notes."""
    rows: list[list[str]] = []
    notes: list[str] = []
    for figure in figures:
        row = cells(figure)
        if figure.note:
            notes.append(figure.note)
            row[0] = f"{row[0]} [{len(notes)}]"
        rows.append(row)
    widths = [max(len(r[i]) for r in [HEADINGS, *rows]) for i in range(len(HEADINGS))]

    def line(row: list[str]) -> str:
        padded = [
            text.rjust(width) if i in RIGHT else text.ljust(width)
            for i, (text, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (width + 1) + ":" if i in RIGHT else "-" * (width + 2)
        for i, width in enumerate(widths)
    )
    out = [line(HEADINGS), rule + "|", *(line(row) for row in rows)]
    if notes:
        out.append("")
        out += [f"[{n}] {note}" for n, note in enumerate(notes, start=1)]
    return "\n".join(out)
