"""Erlang C (`spr_desk.erlang`): known values, its shape, and agreement with a discrete-event
simulation of the same queue (ciw, a test-only oracle) to within 1 percentage point."""

from __future__ import annotations

import math

import ciw  # type: ignore[import-untyped]  # ciw ships no type hints
import pytest

from spr_desk.erlang import answered_within, erlang_b, erlang_c, handlers_needed, traffic_of


def test_known_values_of_erlang_b_and_c() -> None:
    assert erlang_b(2, 3) == pytest.approx(4 / 19)
    assert erlang_c(2, 3) == pytest.approx(0.4444, abs=5e-5)  # 4/9
    assert erlang_b(1, 1) == pytest.approx(0.5)
    assert erlang_c(1, 2) == pytest.approx(1 / 3)
    # One handler: a call waits exactly as often as the handler is busy.
    assert erlang_c(0.3, 1) == pytest.approx(0.3)
    assert erlang_b(5, 0) == 1.0


def test_handlers_who_cannot_keep_up_make_every_call_wait_and_none_answered_in_time() -> None:
    assert erlang_c(3, 3) == 1.0
    assert erlang_c(4.5, 3) == 1.0
    assert answered_within(60, 240, 4, 60) == 0.0  # A = 4 erlangs on 4 handlers


def test_the_share_answered_in_time_is_the_closed_form() -> None:
    # 30 calls an hour of 4 minutes is 2 erlangs; 3 handlers; within 20 s.
    assert traffic_of(30, 240) == pytest.approx(2.0)
    expected = 1 - (4 / 9) * math.exp(-(3 - 2) * 20 / 240)
    assert answered_within(30, 240, 3, 20) == pytest.approx(expected)
    assert answered_within(30, 240, 3, 0) == pytest.approx(1 - 4 / 9)  # answered at once


def test_more_handlers_never_make_it_worse() -> None:
    waits = [erlang_c(6.5, servers) for servers in range(7, 20)]
    assert all(later < earlier for earlier, later in zip(waits, waits[1:], strict=False))
    in_time = [answered_within(90, 260, servers, 60) for servers in range(7, 20)]
    assert all(later > earlier for earlier, later in zip(in_time, in_time[1:], strict=False))
    longer = [answered_within(90, 260, 8, seconds) for seconds in (0, 10, 30, 60, 120)]
    assert longer == sorted(longer) and len(set(longer)) == 5


def test_no_calls_are_all_answered_and_need_only_the_floor() -> None:
    assert erlang_c(0, 1) == 0.0
    assert answered_within(0, 600, 0, 60) == 1.0
    assert answered_within(0, 600, 1, 60) == 1.0
    assert handlers_needed(0, 600) == 1
    assert handlers_needed(0, 600, floor=3) == 3
    assert handlers_needed(0, 600, floor=0) == 0


def test_handlers_needed_is_the_fewest_meeting_the_target() -> None:
    # 2.4 calls an hour of 10.5 minutes (a busy desk hour): 0.42 erlangs.
    needed = handlers_needed(2.4, 630, target=0.95, within_seconds=60)
    assert needed == 3
    assert answered_within(2.4, 630, needed, 60) >= 0.95 > answered_within(2.4, 630, 2, 60)
    # A busier hour, a stricter target: more handlers, and each time the fewest that do.
    for target, within in ((0.8, 20), (0.95, 60), (0.95, 30), (0.99, 10)):
        n = handlers_needed(120, 300, target=target, within_seconds=within)
        assert answered_within(120, 300, n, within) >= target
        assert answered_within(120, 300, n - 1, within) < target
    assert handlers_needed(2.4, 630, floor=4) == 4  # minimum cover binds


def test_large_traffic_stays_finite_where_factorials_would_overflow() -> None:
    waits = erlang_c(500, 520)  # 500**520 / 520! overflows a float
    assert 0 < waits < 1
    assert handlers_needed(6000, 300) > 500


@pytest.mark.parametrize(
    ("call", "arguments"),
    [
        (erlang_b, (-1, 2)),
        (erlang_c, (1, -2)),
        (erlang_c, (math.inf, 2)),
        (answered_within, (-1, 300, 2, 60)),
        (answered_within, (10, 300, 2, -1)),
    ],
)
def test_negative_or_endless_numbers_are_refused(
    call: object, arguments: tuple[float, ...]
) -> None:
    with pytest.raises(ValueError):
        call(*arguments)  # type: ignore[operator]


@pytest.mark.parametrize("target", [0, 1, 1.5, -0.1, math.nan])
def test_a_target_outside_0_to_1_is_refused(target: float) -> None:
    with pytest.raises(ValueError, match="target"):
        handlers_needed(10, 300, target=target)


# The oracle: an M/M/N queue simulated call by call. Each profile is (calls an hour, mean
# handling seconds, handlers, answered within seconds), at occupancies 25% to 62%, the first the
# demo's own night volume. A run of 40,000 calls (the first 10% of the time discarded as warm-up,
# from an empty desk) has a standard deviation of at most 0.35 point on these profiles (measured
# over 12 seeds each; busier desks vary more), so 1 point is about 3 of them; the whole file runs
# in 5 to 7 s on 2 shared cores.
PROFILES = [
    (1.5, 600, 1, 60),
    (2, 720, 1, 60),
    (4, 540, 2, 60),
    (6, 540, 2, 60),
    (24, 360, 5, 60),
    (90, 200, 8, 20),
]
SIMULATED_CALLS = 40_000
WARM_UP = 0.1


def simulated_share_answered_within(
    calls_per_hour: float, handling_seconds: float, servers: int, within: float, seed: int
) -> float:
    """The share of calls, after the warm-up, whose wait for a handler was at most `within`."""
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(calls_per_hour / 3600)],
        service_distributions=[ciw.dists.Exponential(1 / handling_seconds)],
        number_of_servers=[servers],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    last_arrival = SIMULATED_CALLS / (calls_per_hour / 3600)
    # Run on past the last counted arrival, so every counted call has been answered.
    simulation.simulate_until_max_time(last_arrival + 50 * handling_seconds)
    warm = last_arrival * WARM_UP
    waits = [
        record.waiting_time
        for record in simulation.get_all_records()
        if warm <= record.arrival_date < last_arrival
    ]
    assert len(waits) > 0.85 * SIMULATED_CALLS
    return sum(1 for wait in waits if wait <= within) / len(waits)


@pytest.mark.parametrize(("calls", "handling", "servers", "within"), PROFILES)
def test_the_formula_agrees_with_a_simulation_within_one_point(
    calls: float, handling: float, servers: int, within: float
) -> None:
    formula = answered_within(calls, handling, servers, within)
    simulated = simulated_share_answered_within(calls, handling, servers, within, seed=19)
    assert 0.5 < formula < 0.99  # a profile where the answer is not trivially 0 or 1
    assert abs(simulated - formula) < 0.01
