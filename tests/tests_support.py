"""Small helpers the tests share (importable because pytest puts `tests/` on the path)."""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.desk import DeskService
    from screens.context import DeskContext
    from spr_desk.referral import NewReferral


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def fill_demo(service: DeskService, days: int = 7) -> None:
    """Load `days` of demo data before the desk's clock, in one transaction."""
    from sqlmodel import Session

    from db.demo import load_demo

    with Session(service.engine) as session, session.begin():
        load_demo(session=session, days=days, now=service.now(), rules=service.rules)


def with_changes(base: dict, **changes: object) -> dict:
    """A deep copy of `base` with keys replaced; a value of `...` removes the key."""
    import copy

    data = copy.deepcopy(base)
    for key, value in changes.items():
        if value is ...:
            del data[key]
        else:
            data[key] = value
    return data


def crew_call(
    desk: DeskService, given: str = "Ada", family: str = "Lovelace", minutes_ago: int = 0
) -> NewReferral:
    """`spr_desk.sample_calls.crew_on_scene`, received `minutes_ago` by the desk's clock."""
    from datetime import timedelta

    from spr_desk.sample_calls import crew_on_scene

    return crew_on_scene(desk.now() - timedelta(minutes=minutes_ago), given=given, family=family)


def at_once(count: int, work: Callable[[int], None], timeout: float = 120) -> list[BaseException]:
    """Run `work(0)` … `work(count - 1)` in threads released together, as that many desks
    acting at the same moment; return what they raised (a thread still running is an error)."""
    import threading

    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def one(number: int) -> None:
        start.wait()
        try:
            work(number)
        except BaseException as error:  # noqa: BLE001 - handed back to the test to assert
            errors.append(error)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    errors += [TimeoutError(thread.name) for thread in threads if thread.is_alive()]
    return errors


def _burn(stop: Any) -> None:
    """A core kept busy, as another program on a loaded desk machine would."""
    total = 0
    while not stop.is_set():
        total += sum(range(1000))


@contextmanager
def machine(loaded: bool) -> Iterator[None]:
    """Two processes burning CPU for the duration when `loaded` (the call's "loaded machine")."""
    if not loaded:
        yield
        return
    import multiprocessing

    stop = multiprocessing.Event()
    burners = [multiprocessing.Process(target=_burn, args=(stop,)) for _ in range(2)]
    for burner in burners:
        burner.start()
    try:
        yield
    finally:
        stop.set()
        for burner in burners:
            burner.join(10)


def context_of(app: object, by: str | None = None) -> DeskContext:
    """What the desk's app hands a screen it opens, for a test that opens one itself; with
    `by`, actions are recorded under that name (the role stays the one signed in)."""
    from dataclasses import replace

    from spr_desk.entrypoints.app import SprDeskApp

    assert isinstance(app, SprDeskApp)
    ctx = app.context()
    return ctx if by is None else replace(ctx, user=replace(ctx.user, username=by))


RED_FLAG_QUESTIONS_AS_ASKED = (
    "Stroke signs: face, arm, speech?",
    "Chest pain now?",
    "Severely breathless at rest?",
    "Hard to wake, or newly confused?",
    "Sepsis: very hot or cold, mottled?",
    "Bleeding that will not stop?",
    "After a fall: can't bear weight?",
)
"""The red-flag questions as the call asks them, written out here so the card's and the pack's
tests do not read the table the card is built from (spr_desk/call_form.py)."""


def sqlite_plans(desk: DeskService, marked: str, run: Callable[[], object]) -> list[str]:
    """SQLite's plan (EXPLAIN QUERY PLAN, steps joined by ` | `) of each statement `run` sends
    whose SQL holds `marked`, in the order sent."""
    from sqlalchemy import event

    sent: list[tuple[str, Any]] = []

    def capture(_c: object, _cur: object, sql: str, params: Any, *_: object) -> None:
        if marked in sql:
            sent.append((sql, params))

    event.listen(desk.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(desk.engine, "before_cursor_execute", capture)
    with desk.engine.connect() as connection:
        return [
            " | ".join(
                row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            for sql, params in sent
        ]
