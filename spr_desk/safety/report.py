"""`spr-desk safety report`: the clinical safety case report, from the hazard log and the last run.

The report has the sections DCB0129 asks of one (`../shared/NHS.md` §4): scope, roles, the system
and its interfaces, an executive table of every hazard by initial and residual risk, the hazard
log in full with each control's tests and their results, the outstanding test issues and their
safety impact, and a place for the Clinical Safety Officer's statement. It is built once as
blocks (headings, paragraphs, lists, tables) and written as Markdown and as HTML from those, so
the two always say the same.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from spr_desk.safety.check import Evidence
from spr_desk.safety.evidence import Outcome
from spr_desk.safety.hazard_log import Hazard, HazardLog
from spr_desk.safety.risk import RISK_WORDS, Rating

EXECUTIVE_COLUMNS = ("Hazard", "Name", "Status", "Initial risk", "Residual risk", "Tests passed")
STATEMENT = (
    "To be completed by the Clinical Safety Officer: that the hazards above have been assessed, "
    "that their controls are in place and proved as shown, and that the residual risks are "
    "acceptable for deployment (name, registration, signature, date)."
)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Bullets | Table


def rating_cell(rating: Rating) -> str:
    return f"{rating.risk} ({rating.likelihood}x{rating.severity})"


def passed_cell(hazard: Hazard, evidence: Evidence) -> str:
    passed = sum(evidence.outcomes.get(test) is Outcome.PASSED for test in hazard.tests)
    return f"{passed}/{len(hazard.tests)}"


def executive_rows(log: HazardLog, evidence: Evidence) -> tuple[tuple[str, ...], ...]:
    """One row per hazard, highest residual risk first, then highest initial, then by id."""
    ordered = sorted(log.hazards, key=lambda h: (-h.residual.risk, -h.initial.risk, h.id))
    return tuple(
        (
            hazard.id,
            hazard.name,
            str(hazard.status),
            rating_cell(hazard.initial),
            rating_cell(hazard.residual),
            passed_cell(hazard, evidence),
        )
        for hazard in ordered
    )


def risk_counts(log: HazardLog) -> tuple[tuple[str, ...], ...]:
    """How many hazards stand at each risk, before and after their controls."""
    initial = Counter(hazard.initial.risk for hazard in log.hazards)
    residual = Counter(hazard.residual.risk for hazard in log.hazards)
    return tuple(
        (f"{level}: {RISK_WORDS[level]}", str(initial[level]), str(residual[level]))
        for level in range(5, 0, -1)
    )


def outstanding(log: HazardLog, evidence: Evidence) -> tuple[tuple[str, ...], ...]:
    """Every named test that did not pass, with the hazard it leaves less controlled."""
    return tuple(
        (test, str(evidence.outcomes.get(test, Outcome.NOT_RUN)), f"{hazard.id} {hazard.name}")
        for hazard in log.hazards
        for test in hazard.tests
        if evidence.outcomes.get(test) is not Outcome.PASSED
    )


def blocks(log: HazardLog, evidence: Evidence, *, written: datetime) -> list[Block]:
    case = log.case
    run = evidence.run
    ran = (
        f"{run.tests} test cases, {run.failures} failed"
        if run is not None
        else "no test run was read: every test shows as not run"
    )
    out: list[Block] = [
        Heading(1, f"Clinical safety case report: {case.system}"),
        Paragraph(
            f"Written {written:%Y-%m-%d %H:%M} UTC from the hazard log (safety/hazards.toml) and"
            f" the last test run ({ran}). DCB0129 clinical risk management."
        ),
        Heading(2, "Scope"),
        Paragraph(case.scope),
        Heading(2, "Roles"),
        Bullets(case.roles),
        Heading(2, "The system and its interfaces"),
        Bullets(case.interfaces),
        Heading(2, "Executive summary: hazards by initial and residual risk"),
        Table(("Risk", "Initial", "Residual"), risk_counts(log)),
        Table(EXECUTIVE_COLUMNS, executive_rows(log, evidence)),
        Paragraph(
            "Risk is the DCB0129 5x5 matrix's, shown as risk (likelihood x severity): 1"
            " acceptable; 2 acceptable where more reduction costs more than it gains; 3"
            " undesirable, accepted only with a written justification; 4-5 unacceptable."
        ),
        Heading(2, "Outstanding test issues and their safety impact"),
    ]
    issues = outstanding(log, evidence)
    if issues:
        out.append(Table(("Test", "Result", "Hazard it controls"), issues))
    else:
        out.append(Paragraph("None: every test the controls name passed in the last run."))
    out.append(Heading(2, "The hazard log"))
    for hazard in log.hazards:
        out += hazard_blocks(hazard, evidence)
    out += [Heading(2, "Clinical Safety Officer's statement"), Paragraph(STATEMENT)]
    return out


def hazard_blocks(hazard: Hazard, evidence: Evidence) -> list[Block]:
    out: list[Block] = [
        Heading(3, f"{hazard.id} {hazard.name}"),
        Table(
            ("Field", "Entry"),
            (
                ("Status", str(hazard.status)),
                ("Owner", hazard.owner),
                ("Description", hazard.description),
                ("Effect", hazard.effect),
                ("Harm", hazard.harm),
                ("Initial risk", hazard.initial.words()),
                ("Residual risk", hazard.residual.words()),
                *((("Justification", hazard.justification),) if hazard.justification else ()),
            ),
        ),
        Paragraph("Causes:"),
        Bullets(hazard.causes, numbered=True),
    ]
    if hazard.existing_controls:
        out += [Paragraph("Existing controls:"), Bullets(hazard.existing_controls)]
    rows = tuple(
        (
            str(control.kind),
            control.text,
            "; ".join(
                f"{test} ({evidence.outcomes.get(test, Outcome.NOT_RUN)})" for test in control.tests
            )
            or "-",
        )
        for control in hazard.controls
    )
    out.append(Table(("Control", "What it does", "Tests (last run)"), rows))
    return out


def markdown(document: list[Block]) -> str:
    lines: list[str] = []
    for block in document:
        match block:
            case Heading(level, text):
                lines += [f"{'#' * level} {_md(text)}", ""]
            case Paragraph(text):
                lines += [_md(text), ""]
            case Bullets(items, numbered):
                lines += [
                    f"{f'{n}.' if numbered else '-'} {_md(item)}"
                    for n, item in enumerate(items, start=1)
                ]
                lines.append("")
            case Table(header, rows):
                lines.append("| " + " | ".join(_cell(h) for h in header) + " |")
                lines.append("|" + "---|" * len(header))
                lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
                lines.append("")
    return "\n".join(lines)


def html_page(document: list[Block], title: str) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        f'<head><meta charset="utf-8"><title>{html.escape(title)}</title>',
        "<style>body{font-family:sans-serif;max-width:70em;margin:auto;line-height:1.4}"
        "table{border-collapse:collapse;margin:0.5em 0}"
        "th,td{border:1px solid #888;padding:0.2em 0.5em;text-align:left;vertical-align:top}"
        "</style></head>",
        "<body>",
    ]
    for block in document:
        match block:
            case Heading(level, text):
                parts.append(f"<h{level}>{html.escape(text)}</h{level}>")
            case Paragraph(text):
                parts.append(f"<p>{html.escape(text)}</p>")
            case Bullets(items, numbered):
                tag = "ol" if numbered else "ul"
                inner = "".join(f"<li>{html.escape(item)}</li>" for item in items)
                parts.append(f"<{tag}>{inner}</{tag}>")
            case Table(header, rows):
                head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
                body = "".join(
                    "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                    for row in rows
                )
                parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _md(text: str) -> str:
    """Text as Markdown shows it literally (no emphasis, links or HTML from the log's words)."""
    return "".join(f"\\{ch}" if ch in "\\`*_[]<>#|" else ch for ch in text)


def _cell(text: str) -> str:
    return _md(" ".join(text.split()))
