"""The month's four national UCR measures for the supervisor view, in words (no colour needed):
the same figures the CSDS return's rows give (`DeskService.ucr_measures`)."""

from __future__ import annotations

from rich.text import Text

from spr_desk.csds import UcrMeasures

STANDARD_PERCENT = 70
"""The national ambition: at least 70% of 2-hour referrals reached within 2 hours."""


def ucr_measures_text(measures: UcrMeasures) -> Text:
    """Four lines: the standard met, referrals received, contacts delivered, the rate."""
    percent = measures.percent_met
    if percent is None:
        met = "no 2-hour referrals to count"
    else:
        verdict = "meets" if percent >= STANDARD_PERCENT else "BELOW"
        met = (
            f"{percent:.1f}% ({measures.two_hour_met} of {measures.two_hour_counted}) "
            f"- {verdict} the {STANDARD_PERCENT}% standard"
        )
    lines = [
        f"UCR measures for {measures.month} (as in the CSDS return)",
        f"2-hour referrals reached within 2 hours: {met}",
        f"Referrals received: {measures.referrals} (2-hour UCR: {measures.two_hour_referrals})",
        f"Contacts delivered: {measures.contacts} (2-hour UCR: {measures.two_hour_contacts})",
        f"2-hour UCR referrals per 100,000 population: {measures.rate_per_100k:.1f} "
        f"(population {measures.population:,})",
    ]
    if measures.two_hour_in_progress:
        lines.append(
            f"Still inside their 2 hours, not yet counted: {measures.two_hour_in_progress}"
        )
    if measures.rapid_without_condition:
        lines.append(
            f"Rapid referrals with no UCR answer (not in the 2-hour figures): "
            f"{measures.rapid_without_condition}"
        )
    text = Text("\n".join(lines))
    text.stylize("bold", 0, len(lines[0]))
    return text
