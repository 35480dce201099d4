"""The supervisor's chart series, from hand-made rows: what each counts, in UK time, by ISO
week; a week with nothing to divide has no point; the text carries the same numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from spr_desk.figures import (
    NO_LOCALITY,
    ChartSeries,
    FigureRow,
    Panel,
    chart_series,
    panel_text,
    read_since,
    series_text,
    value_words,
    window_start,
)
from spr_desk.supervision import SupervisionRow, departs_from_matrix, is_override
from spr_desk.vocabulary import Status

NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
"""A Monday in GMT: the UK wall clock is UTC."""
CLOSED = Status.CLOSED.value


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


ROWS = [
    # week of 9 Nov
    FigureRow(at(9, 14), CLOSED, "fast", "nurse", "Marlow", response_met=True, override=True),
    # the Sunday before the window: the 28 days count it, the weeks do not
    FigureRow(at(8, 23, 30), CLOSED, "rapid", "nurse", "Marlow", response_met=False),
    # week of 16 Nov: one Rapid in time, one late
    FigureRow(at(17, 9, 30), CLOSED, "rapid", "nurse", "Marlow", response_met=True),
    FigureRow(at(18, 9, 10), CLOSED, "rapid", "nurse", "Marlow", response_met=False),
    # this week: open, awaiting its first response, past due at NOW (a breach, not responded)
    FigureRow(
        at(23, 10), Status.RECORDED.value, "normal", "therapist", "Thame", due_at=at(23, 10, 30)
    ),
    # open for weeks, no lead or locality: the queue only
    FigureRow(at(1, 8, month=10), Status.IN_SERVICE.value, "normal", None, None),
]


@pytest.fixture
def series() -> ChartSeries:
    return chart_series(ROWS, NOW, weeks=3)


def values(panel: Panel, index: int = 0) -> tuple[float | None, ...]:
    return panel.series[index].values


def test_the_weeks_are_iso_weeks_from_monday_midnight_uk() -> None:
    assert window_start(NOW, 3) == at(9, 0)
    assert read_since(NOW, 3) == at(27, 0, month=10)  # the 28 days reach further back
    # Monday 5 October 00:00 was still summer time: 23:00 UTC the day before
    assert read_since(NOW, 8) == window_start(NOW, 8) == at(4, 23, month=10)


def test_referrals_by_hour_and_weekday_count_the_weeks_only(series: ChartSeries) -> None:
    hours = values(series.by_hour)
    assert series.by_hour.labels[9] == "09"
    assert (hours[9], hours[10], hours[14], hours[23]) == (2, 1, 1, 0)
    assert sum(v or 0 for v in hours) == 4  # not the Sunday before, not the old open one
    assert series.by_weekday.labels == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert values(series.by_weekday) == (2, 1, 1, 0, 0, 0, 0)


def test_referrals_by_day_are_the_last_28_uk_days(series: ChartSeries) -> None:
    labels = series.by_day.labels
    assert len(labels) == 28
    assert (labels[0], labels[-1]) == ("Tue 27 Oct", "Mon 23 Nov")
    counts = dict(zip(labels, values(series.by_day), strict=True))
    assert counts["Sun 8 Nov"] == 1
    assert counts["Mon 9 Nov"] == counts["Tue 17 Nov"] == counts["Wed 18 Nov"] == 1
    assert counts["Mon 23 Nov"] == 1
    assert sum(v or 0 for v in counts.values()) == 5


def test_met_in_time_by_week_has_no_point_where_none_responded(series: ChartSeries) -> None:
    met = series.met_by_week
    assert met.labels == ("9 Nov", "16 Nov", "23 Nov")
    assert [s.name for s in met.series] == ["Rapid", "Fast", "Normal"]
    assert values(met, 0) == (None, 50.0, None)
    assert met.series[0].notes == ("none responded", "1 of 2", "none responded")
    assert values(met, 1) == (100.0, None, None)
    # a Normal referral this week, not yet responded: no point, never 0%
    assert values(met, 2) == (None, None, None)


def test_breaches_and_overrides_by_the_week_received(series: ChartSeries) -> None:
    panel = series.breaches_and_overrides
    assert [s.name for s in panel.series] == ["Breaches", "Overrides"]
    assert values(panel, 0) == (0, 1, 1)  # late last week; past due awaiting this week
    assert values(panel, 1) == (1, 0, 0)


def test_the_open_queue_by_lead_and_locality_counts_every_open_one(series: ChartSeries) -> None:
    assert series.open_by_lead.labels == ("Nurse", "Therapist", "Social care", "No lead yet")
    assert values(series.open_by_lead) == (0, 1, 0, 1)
    assert series.open_by_locality.labels == (NO_LOCALITY, "Thame")
    assert values(series.open_by_locality) == (1, 1)


def test_hours_and_days_are_uk_local_in_summer_time() -> None:
    summer = datetime(2026, 7, 6, 12, 0, tzinfo=UTC)  # Monday, BST
    late_sunday_utc = FigureRow(datetime(2026, 7, 5, 23, 30, tzinfo=UTC), CLOSED)  # 00:30 Mon
    charts = chart_series([late_sunday_utc], summer, weeks=1)
    assert values(charts.by_hour)[0] == 1
    assert values(charts.by_weekday)[0] == 1  # Monday, so in this week, not the last
    assert charts.by_day.labels[-1] == "Mon 6 Jul" and values(charts.by_day)[-1] == 1
    assert window_start(summer, 1) == datetime(2026, 7, 5, 23, 0, tzinfo=UTC)


def test_empty_weeks_count_nought_and_divide_nothing() -> None:
    charts = chart_series([], NOW)
    assert charts.weeks == 8 and len(charts.met_by_week.labels) == 8
    assert values(charts.by_hour) == (0,) * 24
    assert all(v is None for s in charts.met_by_week.series for v in s.values)
    assert values(charts.breaches_and_overrides, 0) == (0,) * 8
    assert values(charts.open_by_lead) == (0, 0, 0)  # the three leads, named all the same
    assert charts.open_by_locality.labels == ()
    assert panel_text(charts.open_by_locality) == ["Open now, by locality (referrals)", "  None."]


def test_a_referral_received_after_now_is_not_counted() -> None:
    later = FigureRow(at(23, 12), CLOSED, "rapid", response_met=True)
    charts = chart_series([later], NOW, weeks=1)
    assert sum(v or 0 for v in values(charts.by_hour)) == 0


def test_fewer_than_one_week_is_refused() -> None:
    with pytest.raises(ValueError, match="weeks"):
        chart_series([], NOW, weeks=0)


def test_the_text_lines_carry_the_same_numbers(series: ChartSeries) -> None:
    lines = series_text(series.panels)
    assert "Referrals by hour of day, last 3 weeks (referrals)" in lines
    assert "  09  2" in lines
    assert "  Tue  1" in lines
    assert "  16 Nov  Rapid 50% (1 of 2) · Fast - (none responded) · Normal - (none responded)" in (
        lines
    )
    assert "  9 Nov   Breaches 0 · Overrides 1" in lines
    assert "  Therapist    1" in lines
    # Every value of every panel, as the text words it, on its label's line.
    for panel in series.panels:
        text = panel_text(panel)
        assert len(text) == len(panel.labels) + 1
        for index, label in enumerate(panel.labels):
            line = text[index + 1]
            assert line.strip().startswith(label)
            for one in panel.series:
                assert value_words(panel, one.values[index]) in line.split(label, 1)[1]


def test_an_override_is_counted_as_the_supervisor_view_counts_it() -> None:
    """The charts count overrides with the review's own rule (`departs_from_matrix`)."""
    cases = [
        (("rapid", "nurse", "rapid", "nurse", ""), False),
        (("fast", "nurse", "rapid", "nurse", "family present"), True),
        (("rapid", "therapist", "rapid", "nurse", ""), True),
        (("rapid", None, None, None, ""), False),  # no recommendation to depart from
        (("rapid", "nurse", "rapid", "nurse", "  "), False),
    ]
    for (response, lead, rec_response, rec_lead, reason), expected in cases:
        row = SupervisionRow(
            "R",
            NOW,
            CLOSED,
            response=response,
            lead=lead,
            rec_response=rec_response,
            rec_lead=rec_lead,
            override_reason=reason,
        )
        assert departs_from_matrix(response, lead, rec_response, rec_lead, reason) is expected
        assert is_override(row) is expected
