"""The Textual app: wiring only. Screens live in `screens/`; the desk service is handed in.

Given a factory instead of a desk, the app paints first and opens the database in a worker
thread: importing SQLAlchemy and checking the schema takes longer than Textual's first frame.
The queue and the call are modes, so a half-typed call survives a look at the queue.
Nothing opens until someone signs in; an idle desk locks over whatever is open, and keeps it.
Signing out (F12, from any screen) keeps each call open as its handler's draft, closes every
screen, and asks the next person to sign in: they get their own queue and their own drafts.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual._dispatch_key import dispatch_key
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from screens import too_small
from screens.accessible_app import AccessibleApp
from screens.call_desk import QUEUE, CallDesk
from screens.context import DeskContext
from screens.draft_offer import DraftOffer
from screens.key_order import KeyOrder, along_the_way
from screens.opening import OpeningScreen
from screens.palette import THEME_VARIABLES
from screens.queue import QueueScreen
from screens.sign_out_modal import SIGN_OUT_KEY
from spr_desk.access import Access
from spr_desk.faults import FaultKind, fault_of
from spr_desk.roles import Role
from spr_desk.sign_in import IDLE_LOCK, SignedIn, is_idle
from spr_desk.uktime import utc_now

if TYPE_CHECKING:
    from screens.triage import TriageScreen
    from spr_desk.desk_api import Desk, DeskStatus, DraftRow

log = logging.getLogger("spr_desk.app")

STATUS_SECONDS = 10
"""How often the desk's status (who holds it, a handover pending) is read for the headers."""
IDLE_CHECK_SECONDS = 5
FIRST_COPY_SECONDS = 30
"""The read-only copy's first write after signing in (then every `copy_every`)."""
ACTIVITY = (
    events.Key,
    events.MouseDown,
    events.Paste,
    events.MouseScrollDown,
    events.MouseScrollUp,
)
"""What counts as someone at the desk (a mouse drifting past does not)."""
SIGNED_OUT = "signed-out"
"""The mode the sign-in screen opens in once someone has signed out (Textual's first mode
cannot be switched back to)."""
SIGN_OUT_WORDS = "Sign out / switch user"
TEXTUAL_COMMANDS_KEPT = frozenset({"Quit", "Keys", "Maximize", "Minimize"})
"""Textual's own palette commands the desk keeps (its Theme and Screenshot are left out)."""
NO_SCREENSHOTS = "The desk does not save pictures of its screen: they would hold patient details."


class SprDeskApp(CallDesk, AccessibleApp):
    """SPR Desk. Takes the desk (engine, clock, rules), or a way to open one; built by
    `spr_desk.entrypoints.bootstrap.build_app`, where the desk service is checked to be one."""

    TITLE = "SPR Desk"
    # Absolute: Textual reads a relative path beside each subclass's own module, and the
    # benchmarks subclass the App.
    CSS_PATH = Path(too_small.__file__).with_name("base.tcss").resolve()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+n",
            "call",
            "New call",
            tooltip="A new call (a call on screen goes on hold; F8 takes it back)",
            priority=True,
            id="app.call",
        ),
        Binding(
            "ctrl+o",
            "queue",
            "Queue",
            tooltip="The queue; a call in progress stays open",
            priority=True,
            id="app.queue",
        ),
        Binding(
            "f1",
            "help",
            "Help",
            tooltip="This screen's keys and what it asks",
            priority=True,
            id="app.help",
        ),
        # Not in the footer (every screen's is full at 80 columns): F1 and the command palette
        # name it.
        Binding(
            SIGN_OUT_KEY,
            "sign_out",
            "Sign out",
            tooltip=f"{SIGN_OUT_WORDS}: a call open is kept as your draft (asks first)",
            show=False,
            priority=True,
            id="app.sign-out",
        ),
    ]

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The desk's palette (`screens/palette.py`) as `$breached` and `$due-soon`."""
        return {**super().get_theme_variable_defaults(), **THEME_VARIABLES}

    def _load_screen_css(self, screen: Screen[Any]) -> None:
        """Adds a screen's own stylesheet before Textual looks for it, as a widget's CSS is added.

        Textual, finding a screen's `CSS_PATH` unread, parses the whole stylesheet again in a
        fresh parser with an empty cache (`Stylesheet.reparse`): 12-45 ms on each screen's
        first open, every widget's CSS parsed again. Added as a source, only the new file is
        parsed, at the next style pass. (`Stylesheet.read` would not do: it keeps the old
        selector map, so the new rules would not apply.)
        """
        for path in screen.css_path:
            if not self.stylesheet.has_source(str(path)):
                self.stylesheet.add_source(
                    path.read_text(encoding="utf-8"), read_from=(str(path), "")
                )
        super()._load_screen_css(screen)

    desk_status: reactive[DeskStatus | None] = reactive(None)
    """Read every `STATUS_SECONDS`; every screen's header watches it."""

    def __init__(
        self,
        desk: Desk | Callable[[], Desk],
        *,
        user: str | SignedIn | None = None,
        clock: Callable[[], datetime] = utc_now,
        idle_lock: timedelta = IDLE_LOCK,
        copy_every: timedelta | None = None,
        access: Access | None = None,
    ) -> None:
        """With no `user`, the desk asks someone to sign in (the command always does this).
        Tests and benchmarks hand in who is signed in; a bare name is an administrator.
        `copy_every`: how often the read-only copy is written to the data folder (None: never;
        the command passes SPR_DESK_COPY_MINUTES, default 5). `access`: the screen-reader
        mode, the bell and the theme (`spr_desk/access.py`)."""
        super().__init__()
        self._init_access(access or Access())
        # No smooth scrolling: a keyboard-first desk shows where a key took it in the next
        # frame, not after a glide (and nothing moves that a handler did not move).
        self.animation_level = "none"
        self._open_desk: Callable[[], Desk] | None = desk if callable(desk) else None
        self.desk: Desk | None = None if callable(desk) else desk
        if isinstance(user, str):
            user = SignedIn(user, "", Role.ADMINISTRATOR)
        self.signed_in: SignedIn | None = user
        self.clock = clock
        self.idle_lock = idle_lock
        self.copy_every = copy_every
        self.locked = False
        self._last_activity = clock()
        self._keys = KeyOrder()
        self._init_calls()
        self._desk_timers: list[Timer] = []
        """The idle check and the status read: they run while someone is signed in."""
        self._leaving = False
        """True from signing out until every screen of the person who left is closed."""
        self._after_leaving: Callable[[], None] | None = None
        """A sign-in that came before that: it opens once they are."""
        self._signed_out_mode = False

    @property
    def user(self) -> str:
        """Who every action is recorded under."""
        return self.signed_in.username if self.signed_in else ""

    def context(self) -> DeskContext:
        """The signed-in person's desk, with the desk's own clock and rules: each screen the
        app opens is handed one (built afresh, so the next person to sign in gets theirs)."""
        assert self.desk is not None and self.signed_in is not None
        return DeskContext(self.desk, self.signed_in, self.desk.now, self.desk.rules)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The app's own keys reach past any screen: none may open the desk while it is locked.
        if action in ("call", "queue", "take_back") and (self.signed_in is None or self.locked):
            return False
        if action == "sign_out":  # a locked desk too: the next person may sign its user out
            return self.signed_in is not None and not self._leaving
        return super().check_action(action, parameters)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Only Textual's commands a desk should offer: never its screenshot (the screen, patient
        # names included, as a world-readable file in ~/Downloads) nor its themes (the desk's
        # colours carry meaning). A command a newer Textual adds stays out until named here.
        for command in super().get_system_commands(screen):
            if command.title in TEXTUAL_COMMANDS_KEPT:
                yield command
        if self.signed_in is not None and not self._leaving:
            yield SystemCommand(
                SIGN_OUT_WORDS,
                "Keep any call open as your draft and let the next person sign in (asks first)",
                self.action_sign_out,
            )

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:  # noqa: ARG002 - Textual's signature
        """Textual's screenshot action (no key is bound to it, but markup or a future binding
        could run it): refused, so the screen is never written to a file."""
        self.notify(NO_SCREENSHOTS, severity="warning")

    def deliver_screenshot(
        self,
        filename: str | None = None,  # noqa: ARG002 - Textual's signature
        path: str | None = None,  # noqa: ARG002 - Textual's signature
        time_format: str | None = None,  # noqa: ARG002 - Textual's signature
    ) -> str | None:
        self.notify(NO_SCREENSHOTS, severity="warning")
        return None

    def save_screenshot(
        self,
        filename: str | None = None,  # noqa: ARG002 - Textual's signature
        path: str | None = None,  # noqa: ARG002 - Textual's signature
        time_format: str | None = None,  # noqa: ARG002 - Textual's signature
    ) -> str:
        """Refused too (Textual's $TEXTUAL_SCREENSHOT calls it); the tests' snapshots draw the
        screen with `export_screenshot`, which writes nothing."""
        self.notify(NO_SCREENSHOTS, severity="warning")
        return ""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY) and not event.is_forwarded:
            self._last_activity = self.clock()
            self._someone_acted()
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            # One key at a time, each handled before the next is read (screens/key_order.py).
            await self._read_key(event)
            while self._keys.passed:  # keys one screen handed on to the next, first
                await self._read_key(self._keys.passed.popleft())
            return
        await super().on_event(event)

    async def _read_key(self, event: events.Key | events.Paste) -> None:
        if await self._keys.read(self, event):
            assert isinstance(event, events.Key)
            focused = self.focused
            await self._key_bindings(event)
            # What the binding set off (a cell chosen moves the focus to its reason) is
            # handled before the next key too.
            if focused is not None and focused.is_attached:
                await along_the_way(focused)

    async def _key_bindings(self, event: events.Key) -> None:
        """What `App._on_key` does with a key no widget took: its bindings, else a key_ method."""
        if not await self._check_bindings(event.key):
            await dispatch_key(self, event)

    def action_help(self) -> None:
        from screens.help_screen import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.screen))

    def on_resize(self, _event: events.Resize) -> None:
        too_small.fit(self)

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, lambda _screen: too_small.fit(self))
        self._watch_screens()
        if self.desk is not None:
            self._start(self.desk)
        else:
            self.push_screen(OpeningScreen())
            # After the first frame: the import would otherwise share the GIL with painting it.
            self.call_after_refresh(self._open)

    @work(thread=True, exit_on_error=False, group="open")
    def _open(self) -> None:
        assert self._open_desk is not None
        try:
            desk = self._open_desk()
            drafts = desk.open_drafts()
        except Exception as error:  # noqa: BLE001 - said in one line as the app exits
            fault = fault_of(error)
            # A fault the desk knows is said in its words; another keeps its own (an error while
            # opening quotes no patient data).
            words = f"{type(error).__name__}: {error}" if fault.kind is FaultKind.OTHER else fault
            self.call_from_thread(self.exit, return_code=1, message=f"spr-desk: {words}")
            return
        self.call_from_thread(self._start, desk, drafts)

    def _start(self, desk: Desk, drafts: list[DraftRow] | None = None) -> None:
        # Everything loaded so far lives as long as the desk: keep it out of the collector's
        # full sweeps, which otherwise stall a key press now and then (bench/triage_keys.py).
        gc.freeze()
        self.desk = desk
        if self.signed_in is None:
            from screens.sign_in import SignInScreen

            self.push_screen(SignInScreen(desk), lambda who: self._signed_in(desk, who, drafts))
        else:
            self._open_queue(desk, drafts)

    def _signed_in(self, desk: Desk, who: SignedIn | None, drafts: list[DraftRow] | None) -> None:
        if who is not None and self._leaving:
            self._after_leaving = lambda: self._signed_in(desk, who, drafts)
            return
        if who is not None:
            self.signed_in = who
            self._last_activity = self.clock()
            self.refresh_bindings()
            self._open_queue(desk, drafts)

    def _open_queue(self, desk: Desk, drafts: list[DraftRow] | None) -> None:
        ctx = self.context()
        self.add_mode(QUEUE, lambda: QueueScreen(ctx))
        self.switch_mode(QUEUE)
        self.check_status()
        self._desk_timers = [
            self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle),
            self.set_interval(STATUS_SECONDS, self.check_status),
        ]
        if self.copy_every is not None:
            # The first copy soon after signing in (not at once: the first call is being built),
            # then every `copy_every`, so a desk that goes down leaves a recent one.
            first = min(self.copy_every.total_seconds(), FIRST_COPY_SECONDS)
            self._desk_timers += [
                self.set_timer(first, self.write_read_only_copy),
                self.set_interval(self.copy_every.total_seconds(), self.write_read_only_copy),
            ]
        if drafts is None:
            try:
                drafts = desk.open_drafts(self.user)
            except Exception as error:  # noqa: BLE001 - the queue opens; the drafts stay stored
                message = f"Your unfinished calls could not be read now: {fault_of(error)}"
                self.notify(message, severity="error", timeout=30)
                drafts = []
        # A person is offered their own unfinished calls (a supervisor may ask for everyone's).
        self.my_drafts = {
            row.draft_key: DraftOffer.of(row) for row in drafts if row.desk_user == self.user
        }
        if self.my_drafts:
            from screens.resume_modal import ResumeDraftModal

            self.push_screen(
                ResumeDraftModal(
                    list(self.my_drafts.values()),
                    everyone=self._may_see_everyones_drafts(),
                    new_call=False,
                )
            )
        # The first call's screen is built once the queue is on screen, out of sight.
        self.call_after_refresh(self.prepare_next_call)

    @work(thread=True, exclusive=True, exit_on_error=False, group="desk-status")
    def check_status(self) -> None:
        """Who holds the desk and any pack pending; at a boundary this builds the pack."""
        by = self.user
        if self.desk is None or not by:
            return
        try:
            # What a full disk held back of sign-ins is written here once there is room.
            self.desk.write_queued_sign_ins()
            status = self.desk.desk_status(by=by)
        except Exception:  # noqa: BLE001 - the next check tries again; the header keeps its words
            return
        self.call_from_thread(self._status_read, by, status)

    @work(thread=True, exclusive=True, exit_on_error=False, group="read-only-copy")
    def write_read_only_copy(self) -> None:
        """The open queue and the rota, written to the data folder as one HTML file a browser
        opens without the desk (downtime). A failure is logged and tried at the next turn."""
        if self.desk is None or self.copy_every is None:
            return
        from spr_desk.downtime.html_copy import COPY_NAME, render_copy, write_copy
        from spr_desk.private_files import data_folder

        try:
            pack = self.desk.read_only_copy()
            folder = data_folder()
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            minutes = max(1, round(self.copy_every.total_seconds() / 60))
            page = render_copy(pack, written_at=self.desk.now(), every_minutes=minutes)
            write_copy(folder / COPY_NAME, page)
        except Exception as error:  # noqa: BLE001 - the next turn tries again
            log.warning("read-only copy not written: %s", fault_of(error))

    def _status_read(self, by: str, status: DeskStatus) -> None:
        if by == self.user:  # not read for someone who has signed out since
            self.desk_status = status

    # the idle lock ------------------------------------------------------------------------

    def lock_if_idle(self) -> None:
        """Lock the desk when no one has touched it for `idle_lock`."""
        if self.desk is None or self.signed_in is None or self.locked:
            return
        if is_idle(self._last_activity, self.clock(), self.idle_lock):
            self.lock()

    def lock(self) -> None:
        from screens.sign_in import LockScreen

        assert self.desk is not None and self.signed_in is not None
        self.locked = True
        self.refresh_bindings()
        self.start_afresh("The desk is locked: sign in to go on.")
        self.push_screen(LockScreen(self.desk, self.signed_in, self.idle_lock), self._unlocked)

    def _unlocked(self, _who: SignedIn | None) -> None:
        self.locked = False
        self._last_activity = self.clock()
        self.refresh_bindings()

    # signing out --------------------------------------------------------------------------

    def action_sign_out(self) -> None:
        """F12: asks, then signs out (the key again in the question says yes)."""
        from screens.sign_out_modal import SignOutModal

        if self.signed_in is None or self._leaving:
            return
        if isinstance(self.screen, SignOutModal):
            self.screen.action_answer(True)
            return
        self.push_screen(
            SignOutModal(self.signed_in.shown_as, self.open_calls),
            lambda yes: self.sign_out() if yes else None,
        )

    def sign_out(self) -> None:
        """Keep each call open as its handler's draft, close every screen of theirs (the call
        built ahead for them too), and ask the next person to sign in."""
        from screens.sign_in import SignedOutScreen, SignInScreen

        who, desk = self.signed_in, self.desk
        if who is None or desk is None or self._leaving:
            return
        self._leaving = True
        self.start_afresh(f"{who.shown_as} signed out.")
        calls = list(self._calls.values())
        for call in calls:  # the last keys' changes wait for a frame: into the draft now
            call.save_now()
        modes = [QUEUE, *self._calls]
        if self._next_call is not None:
            modes.append(self._next_call[0])
        for timer in self._desk_timers:
            timer.stop()
        self._desk_timers = []
        self.signed_in = None
        self.locked = False
        self.desk_status = None
        self._calls, self._held, self._next_call, self.my_drafts = {}, [], None, {}
        if not self._signed_out_mode:
            self.add_mode(SIGNED_OUT, SignedOutScreen)
            self._signed_out_mode = True
        self.switch_mode(SIGNED_OUT)
        self.push_screen(SignInScreen(desk), lambda next_one: self._signed_in(desk, next_one, None))
        self._headers_changed()
        self._keep_calls(desk, who, calls, modes)

    @work(thread=True, exit_on_error=False, group="sign-out")
    def _keep_calls(
        self, desk: Desk, who: SignedIn, calls: list[TriageScreen], modes: list[str]
    ) -> None:
        flushed = [call.flush_draft() for call in calls]  # every call's, even after one failed
        try:
            held_back = desk.sign_out(who.username)
            problem = "" if all(flushed) else "A call's last keys may not be in its draft."
            if held_back is not None:  # a full disk: the event is written once there is room
                problem = f"{problem} {held_back}".strip()
        except Exception as error:  # noqa: BLE001 - said on screen; the sign-out goes ahead
            problem = f"The sign-out was not recorded. {fault_of(error)}"
        # Typed as textual's `T | Awaitable[T]` with T = None: mypy cannot solve that from a
        # coroutine function alone. call_from_thread awaits it either way.
        close: Callable[[list[str], str], Awaitable[None] | None] = self._close_screens
        self.call_from_thread(close, modes, problem)

    async def _close_screens(self, modes: list[str], problem: str) -> None:
        for mode in modes:
            await self.remove_mode(mode)
        self._leaving = False
        self.refresh_bindings()
        if problem:
            self.notify(problem, severity="warning")
        waiting, self._after_leaving = self._after_leaving, None
        if waiting is not None:
            waiting()
