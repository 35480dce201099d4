"""Crash safety (issue 7): the desk is killed again and again while it records referrals, and
nothing is lost.

The real `spr-desk` runs in a pseudo-terminal (`pty_desk`) and gets SIGKILL, process group and
all, at a point drawn from a seeded random generator, `KILLS` times over one database:

- while signing in (the desk reads its drafts and its status as it opens);
- mid-typing a new call, once the draft holds some fields, perhaps with more keys on the way
  (the keys written as a handler types them, Tabs and all, without waiting for the focus: the
  app takes them in order; with drafts open, ctrl+n offers them and the first key typed starts
  the new call);
- straight after the record key (enter on the read-back), or at a random delay after it, when
  the referral may or may not have been stored;
- after the reference is shown on screen.

A call to record is a complete draft, stored as the desk stores one (`DeskService.save_draft`),
then resumed from the "Unfinished call" list and recorded with ctrl+s and enter, as a handler
does after a crash. A draft a kill left open is picked up again by a later kill, so a call is
tried until it is recorded; every draft is a patient of its own.

After every kill, through a read-only connection (nothing checkpoints the WAL first):
`PRAGMA integrity_check` is ok; every reference drawn on the screen is stored; each referral
has its "recorded" audit event and came from exactly one draft, marked recorded as it; no
patient has two referrals (a call recorded twice); the references run 1..n (a gap would be a
reference issued and then lost); a draft not recorded holds everything it held before, and a
new call's draft holds every field the desk had saved before the kill. At the end a fresh desk
offers every open draft, and each resumes with every field as stored.

The kills are shared out between `SHARDS` runs, each on a database of its own and with a
generator of its own drawn from the one seed and its shard's number, so the test workers take the
runs side by side (one run of all 50 kills took 2.5 to 6 minutes on its own).

`SPR_DESK_CRASH_KILLS` sets how many kills in all (e.g. 5 for a quick local run; the issue asks
for at least 50 in CI) and `SPR_DESK_CRASH_SEED` replays a run; a failure names its seed and
shard.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import signal
import sqlite3
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from call_script import screen, settle
from pty_desk import (
    CTRL_N,
    CTRL_S,
    DOWN,
    ENTER,
    ESC,
    QUEUE_TITLE,
    READY_SECONDS,
    STEP_SECONDS,
    TAB,
    USER,
    Desk,
    Terminal,
    new_desk,
    sign_in,
    wait_until,
)
from textual.widgets import Input, OptionList

from db.desk import DeskService
from db.drafts import RECORDED_AS
from screens.resume_modal import ResumeDraftModal
from screens.widgets.ticks import TickList
from spr_desk.call_form import CallForm
from spr_desk.entrypoints.bootstrap import build_app, open_desk
from spr_desk.nhs_number import check_digit, format_nhs_number, parse_nhs_number
from spr_desk.sample_calls import ETHEL, REG

log = logging.getLogger(__name__)

pytestmark = pytest.mark.slow
"""Minutes of real desks killed: `-m "not slow"` leaves them out of a quick run."""

KILLS = 50
"""Kills in all the shards together: the issue's acceptance asks for at least 50 in CI."""
KILLS_ENV, SEED_ENV = "SPR_DESK_CRASH_KILLS", "SPR_DESK_CRASH_SEED"


class Point(StrEnum):
    """Where a kill lands."""

    SIGNING_IN = "while signing in"
    TYPING = "mid-typing a new call"
    RECORD_KEY = "straight after the record key"
    RECORD_DELAY = "at a random delay after the record key"
    REFERENCE = "after the reference is shown"


WEIGHTS = {
    Point.SIGNING_IN: 1,
    Point.TYPING: 3,
    Point.RECORD_KEY: 2,
    Point.RECORD_DELAY: 3,
    Point.REFERENCE: 2,
}
"""How often each point is drawn: most kills fall around the record, where a call can be lost
or stored twice."""
RECORD_DELAY_SECONDS = 0.25
"""The longest delay after the record key: well past the commit (about 0.1 s on a quiet
machine), so kills fall before, inside and after the write."""

TYPED_FIELDS = [  # (field, Tabs from the field before): `n` leaves the focus in the caller's name
    ("referrer_name", 0),
    ("referrer_organisation", 2),  # past the caller's role (a choice, left empty)
    ("referrer_phone", 1),
    ("nhs_number", 1),  # no caller questions: none are asked until the role is chosen
]
CALLERS = ["Nurse Sam Okafor", "Dr Priya Shah", "Tom Reed (OT)", "Ana Silva", "Dr Lee Park"]
PLACES = ["Hillview Practice", "Thame Community Hospital", "Wycombe General, Ward 4"]
GIVEN = ["Ada", "Bill", "Cora", "Dev", "Edna", "Frank", "Gita", "Hal", "Iris", "Joe"]
FAMILY = ["Ashby", "Brook", "Croft", "Dale", "Eden", "Fenn", "Grey", "Hale", "Ives", "Judd"]

REFERENCE = re.compile(r"Reference (SPR-\d{4}-\d{6})")


SHARDS = 5
"""Runs the kills are shared out between: half a minute or so each, so no one worker is left with
minutes of crash runs while the other has finished."""


def kills_wanted() -> int:
    return int(os.environ.get(KILLS_ENV, KILLS))


def kills_in(shard: int) -> int:
    """This shard's share of the kills: together they make `kills_wanted()`."""
    share, left = divmod(kills_wanted(), SHARDS)
    return share + (1 if shard < left else 0)


def shard_rng(seed: int, shard: int) -> random.Random:
    """The shard's own generator, from the one seed (a string seeds the same on every run)."""
    return random.Random(f"{seed}/{shard}")


def nhs_numbers(start: int) -> list[str]:
    """Valid NHS numbers from nine digits on: every patient in the run is a different one."""
    found = []
    for first_nine in range(start, start + 400):
        check = check_digit(str(first_nine))
        if check is not None:
            found.append(f"{first_nine}{check}")
    return found


# what the database holds -------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """The database as the kill left it, read through a read-only connection of its own."""

    integrity: list[tuple[Any, ...]]
    drafts: dict[str, tuple[str, dict[str, Any]]]
    """(state, payload) by draft key."""
    referrals: list[tuple[str, str | None]]
    """(reference, the patient's NHS number) of every referral."""
    recorded_events: list[str]
    """The reference of each "recorded" audit event."""


def read_only(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)


def drafts_of(connection: sqlite3.Connection) -> dict[str, tuple[str, dict[str, Any]]]:
    rows = connection.execute("SELECT draft_key, state, payload FROM call_draft")
    return {key: (state, json.loads(payload)) for key, state, payload in rows}


def look(database: Path) -> Seen:
    connection = read_only(database)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        drafts = drafts_of(connection)
        referrals = connection.execute(
            "SELECT referral.reference, patient.nhs_number FROM referral"
            " LEFT JOIN patient ON patient.id = referral.patient_id"
        ).fetchall()
        events = connection.execute(
            "SELECT referral.reference FROM audit_event"
            " JOIN referral ON referral.id = audit_event.referral_id"
            " WHERE audit_event.action = 'recorded'"
        ).fetchall()
    finally:
        connection.close()
    return Seen(integrity, drafts, referrals, [reference for (reference,) in events])


def content(payload: dict[str, Any]) -> dict[str, Any]:
    """What the handler entered: the payload without the reference it was recorded as, and
    ticked options as sets (a resumed call saves them in the order its lists show them)."""
    return {
        name: sorted(value) if isinstance(value, list) else value
        for name, value in payload.items()
        if name != RECORDED_AS
    }


@dataclass
class Book:
    """What the test knows the database must hold, kill after kill."""

    drafts: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    """Every draft as last checked: (state, payload) by key."""
    complete: set[str] = field(default_factory=set)
    """Drafts stored complete by the test: these can be recorded."""
    shown: set[str] = field(default_factory=set)
    """References drawn on the screen: their saves were confirmed to the handler."""

    def open_keys(self) -> set[str]:
        return {key for key, (state, _) in self.drafts.items() if state == "open"}

    def check(self, seen: Seen, *, target: str | None = None, new: bool = False) -> str | None:
        """Assert the database lost nothing and stored nothing twice; take in what changed.

        `target`: the draft this kill was recording (it may now be recorded, or still open as it
        was). `new`: this kill was typing a new call (exactly one new draft). Returns the new
        draft's key.
        """
        assert seen.integrity == [("ok",)], seen.integrity

        references = [reference for reference, _ in seen.referrals]
        stored = set(references)
        assert self.shown <= stored, f"shown on screen but not stored: {self.shown - stored}"
        numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
        assert numbers == list(range(1, len(numbers) + 1)), f"references issued: {numbers}"
        assert sorted(seen.recorded_events) == sorted(references), (
            f"'recorded' audit events {seen.recorded_events} for referrals {references}"
        )
        twice = {nhs: n for nhs, n in Counter(nhs for _, nhs in seen.referrals).items() if n > 1}
        assert not twice, f"patients recorded more than once: {twice}; {seen.referrals}"

        nhs_of = dict(seen.referrals)
        recorded_as = []
        for key, (state, payload) in seen.drafts.items():
            if state != "recorded":
                continue
            reference = payload.get(RECORDED_AS)
            assert reference in nhs_of, f"draft {key} recorded as {reference}, not stored"
            assert nhs_of[reference] == parse_nhs_number(payload["nhs_number"]), (key, reference)
            recorded_as.append(reference)
        assert sorted(recorded_as) == sorted(references), (
            f"referrals {references}, but drafts recorded as {recorded_as}"
        )

        vanished = set(self.drafts) - set(seen.drafts)
        assert not vanished, f"drafts gone: {vanished}"
        for key, before in self.drafts.items():
            if key != target:
                assert seen.drafts[key] == before, (
                    f"draft {key} was {before}, now {seen.drafts[key]}"
                )
        if target is not None:
            (_, typed), (state, payload) = self.drafts[target], seen.drafts[target]
            assert state in ("open", "recorded"), (target, state)
            assert content(payload) == content(typed), f"draft {target} was {typed}, now {payload}"
            if state == "open":
                digits = parse_nhs_number(typed["nhs_number"])
                assert digits not in nhs_of.values(), f"{target} stored yet still open"

        added = set(seen.drafts) - set(self.drafts)
        assert len(added) == (1 if new else 0), f"new drafts: {added}"
        self.drafts = dict(seen.drafts)
        return added.pop() if added else None


# one start of the desk, and its kill ---------------------------------------------------------


@dataclass
class Run:
    """The run: one database, what the test knows of it, and the desk started and killed on it
    again and again."""

    desk: DeskService
    made: Desk
    book: Book
    rng: random.Random
    patients: list[tuple[str, str, str]]
    """(NHS number, given name, family name) not used yet."""
    points: Counter[Point] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    """What became of the calls being recorded when the kill came."""
    typing: tuple[dict[str, str], str | None, str] | None = None
    """A new call's fields saved before the kill, and the field and keys sent after them."""

    def signed_in(self, terminal: Terminal) -> None:
        """Signed in, at the queue or at the "Unfinished call" list when a draft is open."""
        since = terminal.mark()
        sign_in(terminal)
        wanted = "Unfinished call" if self.book.open_keys() else QUEUE_TITLE
        terminal.wait_for_text(wanted, READY_SECONDS, since=since)

    def kill_signing_in(self, terminal: Terminal) -> str:
        sign_in(terminal)
        delay = self.rng.uniform(0.0, 1.0)
        time.sleep(delay)
        return f"{delay:.2f} s after the password"

    def kill_typing(self, terminal: Terminal) -> str:
        """A new call typed key by key; killed once its draft holds some fields, perhaps with
        part of the next on its way."""
        self.signed_in(terminal)
        if self.book.open_keys():
            since = terminal.mark()
            terminal.send(ESC)  # later: the unfinished calls stay as they are
            terminal.wait_for_text(QUEUE_TITLE, STEP_SECONDS, since=since)
        # ctrl+n: a new call, red flags first (or, with drafts open, the list of them, which
        # the first key typed dismisses as the new call's first key); n: none applies.
        terminal.send(CTRL_N + b"n")
        self.wait_for_new_draft(terminal, red_flags_cleared=True)

        nhs, _, _ = self.patients.pop()
        typed = {
            "referrer_name": self.rng.choice(CALLERS),
            "referrer_organisation": self.rng.choice(PLACES),
            "referrer_phone": f"01296 5550{self.rng.randrange(100):02d}",
            "nhs_number": nhs,
        }
        done = self.rng.randrange(len(TYPED_FIELDS) + 1)
        for name, tabs in TYPED_FIELDS[:done]:
            terminal.send(TAB * tabs + typed[name].encode())
            self.wait_for_new_draft(terminal, **{name: typed[name]})
        saved = {name: typed[name] for name, _ in TYPED_FIELDS[:done]}
        partly = ""
        if done < len(TYPED_FIELDS) and self.rng.random() < 0.5:
            name, tabs = TYPED_FIELDS[done]
            partly = typed[name][: self.rng.randint(1, len(typed[name]))]
            terminal.send(TAB * tabs + partly.encode())  # not waited for: may or may not be saved
        time.sleep(self.rng.uniform(0.0, 0.2))
        self.typing = (saved, TYPED_FIELDS[done][0] if partly else None, partly)
        return f"{done} field(s) saved" + (
            f", {len(partly)} key(s) of the next sent" if partly else ""
        )

    def wait_for_new_draft(self, terminal: Terminal, **expected: object) -> None:
        def saved() -> bool:
            connection = read_only(self.made.database)
            try:
                drafts = drafts_of(connection)
            finally:
                connection.close()
            return any(
                key not in self.book.drafts
                and state == "open"
                and all(payload.get(name) == value for name, value in expected.items())
                for key, (state, payload) in drafts.items()
            )

        wait_until(saved, STEP_SECONDS, lambda: f"no new draft held {expected}", terminal)

    def call_to_record(self) -> str:
        """A complete call left open by an earlier kill, else a new one stored as a draft."""
        left = sorted(self.book.complete & self.book.open_keys())
        if left:
            return left[0]
        nhs, given, family = self.patients.pop()
        story = self.rng.choice([ETHEL, REG])
        form = CallForm(
            started_at=self.desk.now().isoformat(),
            red_flags_cleared=True,
            **{**story, "nhs_number": format_nhs_number(nhs)},
        )
        form.given_name, form.family_name = given, family
        key = uuid.uuid4().hex
        assert self.desk.save_draft(key, by=USER, payload=form.to_dict(), revision=1)
        self.book.drafts[key] = ("open", form.to_dict())
        self.book.complete.add(key)
        return key

    def kill_recording(self, terminal: Terminal, target: str, point: Point) -> str:
        """Resume `target` from the list, read it back, record it; kill on the way."""
        order = [draft.draft_key for draft in self.desk.open_drafts()]  # as the desk lists them
        self.signed_in(terminal)
        since = terminal.mark()
        terminal.send(DOWN * order.index(target) + ENTER)
        terminal.wait_for_text("Red flags", STEP_SECONDS, since=since)
        since = terminal.mark()
        terminal.send(CTRL_S)  # read the call back before recording
        terminal.wait_for_text("Read back to the caller", STEP_SECONDS, since=since)
        nhs = self.book.drafts[target][1]["nhs_number"]
        read_back = re.compile(rf"NHS number *{re.escape(nhs)}")  # the call chosen
        wait_until(
            lambda: read_back.search(terminal.text(since)) is not None,
            STEP_SECONDS,
            lambda: (
                f"the read-back never named NHS number {nhs}; last drawn:\n"
                + terminal.text()[-1500:]
            ),
            terminal,
        )
        since = terminal.mark()
        terminal.send(ENTER)  # record
        if point is Point.RECORD_KEY:
            return ""
        if point is Point.RECORD_DELAY:
            delay = self.rng.uniform(0.0, RECORD_DELAY_SECONDS)
            time.sleep(delay)
            return f"{delay:.2f} s after it"
        wait_until(
            lambda: REFERENCE.search(terminal.text(since)) is not None,
            STEP_SECONDS,
            lambda: f"no reference shown; last drawn:\n{terminal.text()[-1500:]}",
            terminal,
        )
        return ""

    def kill(self, number: int) -> str:
        """One start, one kill at a point drawn at random; then the checks. Says what it did."""
        point = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        again = bool(self.book.complete & self.book.open_keys())
        target = self.call_to_record() if point in RECORDING else None
        self.points[point] += 1
        self.typing = None
        terminal = self.made.start()
        try:
            if point is Point.SIGNING_IN:
                how = self.kill_signing_in(terminal)
            elif point is Point.TYPING:
                how = self.kill_typing(terminal)
            else:
                assert target is not None
                how = self.kill_recording(terminal, target, point)
            terminal.kill()
            assert terminal.process.returncode == -signal.SIGKILL, terminal.text()[-1500:]
            drawn = terminal.text()
        finally:
            terminal.close()

        shown = set(REFERENCE.findall(drawn))
        self.book.shown |= shown
        seen = look(self.made.database)
        new = self.book.check(seen, target=target, new=point is Point.TYPING)
        if new is not None:
            assert self.typing is not None
            self.check_typed(new, *self.typing)
        outcome = ""
        if target is not None:
            state, payload = self.book.drafts[target]
            if shown:  # the handler was told: it must be this call's reference
                assert state == "recorded" and shown == {payload[RECORDED_AS]}, (shown, payload)
            outcome = "stored" if state == "recorded" else "not stored"
            outcome += ", shown" if shown else ""
            self.outcomes[outcome + (", tried again" if again else "")] += 1
            outcome = f"; {payload.get(RECORDED_AS, 'not stored')}" + (", shown" if shown else "")
            outcome += " (a call an earlier kill left open)" if again else ""
        assert not shown or target is not None, shown
        return f"kill {number} {point.value}" + (f" ({how})" if how else "") + outcome

    def check_typed(
        self, key: str, saved: dict[str, str], partly_field: str | None, partly: str
    ) -> None:
        """The new call's draft: every field saved before the kill, the next as far as typed."""
        state, payload = self.book.drafts[key]
        assert state == "open" and payload["red_flags_cleared"] is True, (state, payload)
        for name, _ in TYPED_FIELDS:
            if name in saved:
                assert payload[name] == saved[name], (name, payload)
            elif name == partly_field:
                assert partly.startswith(payload[name]), (name, partly, payload)
            else:
                assert payload[name] == "", (name, payload)


RECORDING = (Point.RECORD_KEY, Point.RECORD_DELAY, Point.REFERENCE)


async def resumes_whole(
    desk: DeskService, key: str, payload: dict[str, Any], offered: set[str]
) -> None:
    """A fresh desk offers every open draft, and `key` resumes with every field as stored."""
    app = build_app(desk, user=USER)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ResumeDraftModal), type(modal).__name__
        options = modal.query_one("#drafts", OptionList)  # as drawn, newest first
        listed = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert set(listed) == offered
        await pilot.press(*["down"] * listed.index(key), "enter")
        await settle(pilot)
        triage = screen(pilot)
        assert triage.draft_key == key
        shown = {widget.id: widget.value for widget in triage.query(Input) if widget.id in payload}
        assert shown == {name: payload[name] for name in shown}, key
        assert len(shown) >= len(TYPED_FIELDS)
        checked = "yes" in triage.query_one("#red_flags_cleared", TickList).selected
        assert checked is payload["red_flags_cleared"]


@pytest.mark.parametrize("shard", range(SHARDS), ids=lambda shard: f"shard{shard}")
async def test_kills_at_random_points_lose_nothing(
    tmp_path: Path, shard: int, testrun_uid: str
) -> None:
    kills = kills_in(shard)
    if not kills:
        pytest.skip(f"{KILLS_ENV}={kills_wanted()} leaves shard {shard} no kill")
    # one seed for the whole run, whichever worker takes a shard: xdist's id of the run
    seed = int(os.environ.get(SEED_ENV) or int(testrun_uid, 16) % 2**32)
    rng = shard_rng(seed, shard)
    made = new_desk(tmp_path)
    desk = open_desk(made.url)
    patients = [
        (nhs, rng.choice(GIVEN), rng.choice(FAMILY))
        for nhs in nhs_numbers(rng.randrange(400_000_000, 499_000_000))
    ]
    run = Run(desk, made, Book(), rng, patients)
    done: list[str] = []
    try:
        for number in range(1, kills + 1):
            started = time.monotonic()
            done.append(run.kill(number))
            log.info("%s [%.1f s]", done[-1], time.monotonic() - started)

        # every draft left open comes back whole at the next start
        offered = run.book.open_keys()
        for key in sorted(offered):
            await resumes_whole(desk, key, run.book.drafts[key][1], offered)
        seen = look(made.database)
        assert seen.integrity == [("ok",)]
        for key in offered:  # resumed, and still open as they were
            (state, payload), (_, before) = seen.drafts[key], run.book.drafts[key]
            assert state == "open" and content(payload) == content(before), key
    except AssertionError as error:
        history = "\n".join(done[-10:])
        raise AssertionError(
            f"seed {seed}, shard {shard} ({SEED_ENV}={seed} replays it), after {len(done)}"
            f" kill(s); "
            f"the last ones:\n{history}\n{error}"
        ) from error
    finally:
        desk.engine.dispose()
    log.info(
        "seed %s, shard %s: %s", seed, shard, {point.value: n for point, n in run.points.items()}
    )
    log.info(
        "calls being recorded: %s; drafts resumed at the end: %d", dict(run.outcomes), len(offered)
    )
