"""Erlang C: how many call handlers an hour's calls need (NHS.md section 7).

Traffic A = calls per hour x mean handling time in hours. With N handlers Erlang C(A, N) is the
chance a call waits; it comes from the Erlang B recursion, which stays stable where the textbook
factorials overflow. Standard library only: no package sends the desk's call volumes anywhere.
"""

from __future__ import annotations

import math

SECONDS_PER_HOUR = 3600.0


def erlang_b(traffic: float, servers: int) -> float:
    """The chance a call is lost with `servers` handlers and no queue (Erlang B).

    B_0 = 1, B_k = A.B_(k-1) / (k + A.B_(k-1)).

    Raises:
        ValueError: negative traffic or servers.
    """
    _check(traffic, servers)
    blocked = 1.0
    for k in range(1, servers + 1):
        blocked = traffic * blocked / (k + traffic * blocked)
    return blocked


def erlang_c(traffic: float, servers: int) -> float:
    """The chance a call waits for a handler (Erlang C); 1.0 when the handlers cannot keep up
    (servers <= traffic), as the queue then grows without end.

    Raises:
        ValueError: negative traffic or servers.
    """
    _check(traffic, servers)
    if traffic == 0:
        return 0.0
    if servers <= traffic:
        return 1.0
    blocked = erlang_b(traffic, servers)
    return servers * blocked / (servers - traffic * (1 - blocked))


def traffic_of(calls_per_hour: float, handling_seconds: float) -> float:
    """Offered traffic in erlangs: calls per hour x handling time in hours."""
    return calls_per_hour * handling_seconds / SECONDS_PER_HOUR


def answered_within(
    calls_per_hour: float, handling_seconds: float, servers: int, within_seconds: float
) -> float:
    """The share of calls answered within `within_seconds`: 1 - C.e^(-(N-A).t/AHT).

    No calls (or calls that take no time) are all answered: 1.0. Handlers who cannot keep up
    (N <= A) answer, in the long run, none in time: 0.0.

    Raises:
        ValueError: a negative number.
    """
    if calls_per_hour < 0 or handling_seconds < 0 or within_seconds < 0:
        raise ValueError("calls, handling time and the answer time must not be negative")
    traffic = traffic_of(calls_per_hour, handling_seconds)
    _check(traffic, servers)
    if traffic == 0:
        return 1.0
    if servers <= traffic:
        return 0.0
    waits = erlang_c(traffic, servers)
    return 1.0 - waits * math.exp(-(servers - traffic) * within_seconds / handling_seconds)


def handlers_needed(
    calls_per_hour: float,
    handling_seconds: float,
    *,
    target: float = 0.95,
    within_seconds: float = 60,
    floor: int = 1,
) -> int:
    """The fewest handlers, at least `floor` (minimum cover), answering `target` of the calls
    within `within_seconds`.

    Raises:
        ValueError: a target outside (0, 1) (100% is never met while calls can arrive together),
            a negative floor or number.
    """
    if not 0 < target < 1:
        raise ValueError(f"the target must be between 0 and 1 (not {target})")
    if floor < 0:
        raise ValueError(f"the floor must not be negative (not {floor})")
    traffic = traffic_of(calls_per_hour, handling_seconds)
    # Fewer than A handlers can never meet it: start just above the traffic.
    servers = max(floor, math.floor(traffic) + 1 if traffic > 0 else 0)
    while answered_within(calls_per_hour, handling_seconds, servers, within_seconds) < target:
        servers += 1
    return servers


def _check(traffic: float, servers: int) -> None:
    if traffic < 0 or not math.isfinite(traffic):
        raise ValueError(f"traffic must be a finite number, not negative (not {traffic})")
    if servers < 0:
        raise ValueError(f"handlers must not be negative (not {servers})")
