"""Signing in at start, and the lock an idle desk falls into.

Both check the password in a worker thread (scrypt takes about 0.1 s) through the desk service,
which counts failures and slows the next attempt. The lock is a whole screen, not a dialog, so
nothing of the call or the queue beneath shows; what was beneath is kept as it was.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from screens.widgets.desk_header import DeskHeader
from screens.widgets.form_input import FormInput
from spr_desk.faults import fault_of
from spr_desk.sign_in import WRONG, SignedIn, SignInRefused, wait_words

if TYPE_CHECKING:
    from spr_desk.desk_api import Desk

SIGNED_IN_ANYWAY = (
    "Signing in still works; what it records is written once there is room (call IT)."
)
NOTICE_SECONDS = 20
TRY_AGAIN = "Type your password again; if it goes on, call IT."
"""After a fault the password was not checked (the field is emptied): say what to do now."""
NO_USERS = (
    "No one can sign in to this database yet. Add a person first, at a command line:\n"
    "  spr-desk user add NAME --role administrator"
)


class PasswordScreen(Screen[SignedIn]):
    """What signing in and unlocking share: a password checked by the desk, a message."""

    CSS_PATH = ["modals.tcss", "sign_in.tcss"]

    # A priority binding moves the focus before the next key is read: keys typed in one burst
    # ("name, enter, password, enter") must never put the password in the user-name field,
    # which shows what is typed (Input.Submitted moves the focus only later).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "enter", "Sign in", show=False, priority=True, id="sign-in.enter")
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self._checking = False

    def action_enter(self) -> None:
        raise NotImplementedError

    def _say(self, message: str) -> None:
        self.query_one("#sign-in-message", Static).update(Text(message))

    def _try(self, username: str) -> None:
        password = self.query_one("#sign-in-password", Input)
        if not password.value:
            self._say("Type your password.")
            self.set_focus(password)
            return
        if not self._checking:
            self._checking = True
            self._say("Checking...")
            self._check(username, password.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sign-in")
    def _check(self, username: str, password: str) -> None:
        outcome: SignedIn | SignInRefused | str
        try:
            outcome = self.desk.sign_in(username, password)
        except Exception as error:  # noqa: BLE001 - said on screen; the person can try again
            outcome = f"{fault_of(error).sentence} {TRY_AGAIN}"
        self.app.call_from_thread(self._checked, outcome)

    def _checked(self, outcome: SignedIn | SignInRefused | str) -> None:
        self._checking = False
        if isinstance(outcome, SignedIn):
            if outcome.fault is not None:  # signed in all the same: said once, over the desk
                self.app.notify(
                    f"{outcome.fault.sentence} {SIGNED_IN_ANYWAY}",
                    title="Signed in",
                    severity="warning",
                    timeout=NOTICE_SECONDS,
                )
            self.dismiss(outcome)
            return
        password = self.query_one("#sign-in-password", Input)
        password.value = ""
        password.focus()
        if isinstance(outcome, str):
            self._say(outcome)
            return
        # A wrong password that starts a wait says so; a refusal for a wait already owed says it
        # in its own words ("try again in 2 s").
        wait_begins = outcome.wait and outcome.message == WRONG
        later = f" The next try is heard after {wait_words(outcome.wait)}." if wait_begins else ""
        fault = f"\n{outcome.fault.sentence} {SIGNED_IN_ANYWAY}" if outcome.fault else ""
        self._say(f"{outcome.message}{later}{fault}")


class SignInScreen(PasswordScreen):
    """Dismisses with who signed in."""

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Vertical(classes="dialog"):
            yield Static("Sign in to SPR Desk", classes="dialog-title")
            yield Label("User name")
            yield FormInput(placeholder="your user name", id="sign-in-user", compact=True)
            yield Label("Password")
            yield FormInput(
                placeholder="your password", id="sign-in-password", password=True, compact=True
            )
            yield Static("", id="sign-in-message")
            yield Static("enter  next / sign in     ctrl+q  quit", classes="dialog-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Sign in"
        self.query_one("#sign-in-user", Input).focus()
        self._look_for_users()

    @work(thread=True, exit_on_error=False, group="sign-in-users")
    def _look_for_users(self) -> None:
        if not self.desk.has_users():
            self.app.call_from_thread(self._say, NO_USERS)

    def action_enter(self) -> None:
        # Keys typed before this Enter may not have reached their field yet: move the focus now,
        # and read the fields only once what is on its way has arrived.
        if self.focused is self.query_one("#sign-in-user", Input):
            self.set_focus(self.query_one("#sign-in-password", Input))
        else:
            self.call_after_refresh(self._submit)

    def _submit(self) -> None:
        user = self.query_one("#sign-in-user", Input)
        if not user.value.strip():
            self._say("Type your user name.")
            self.set_focus(user)
            return
        self._try(user.value.strip())


class SignedOutScreen(Screen[None]):
    """Under the sign-in screen once someone has signed out: nothing of theirs is left."""

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static("Signed out.", id="signed-out")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Signed out"


class LockScreen(PasswordScreen):
    """Covers the desk after it has been idle; the same person's password opens it again."""

    def __init__(self, desk: Desk, who: SignedIn, idle: timedelta) -> None:
        super().__init__(desk)
        self.who = who
        self.idle = idle

    def compose(self) -> ComposeResult:
        minutes = round(self.idle.total_seconds() / 60)
        yield DeskHeader()
        with Vertical(classes="dialog"):
            yield Static("Locked", classes="dialog-title")
            yield Static(
                id="lock-words",
                content=Text(
                    f"The desk locked after {minutes} min without a key press. "
                    f"{self.who.shown_as}, type your password to carry on: everything you had "
                    "open, a call half typed included, is kept as it was."
                ),
            )
            yield Label("Password")
            yield FormInput(
                placeholder="your password", id="sign-in-password", password=True, compact=True
            )
            yield Static("", id="sign-in-message")
            yield Static(
                "enter  unlock     ctrl+q  quit (the call is kept)\n"
                "F12  sign out, so that someone else can sign in",
                classes="dialog-keys",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Locked"
        self.query_one("#sign-in-password", Input).focus()

    def action_enter(self) -> None:
        self.call_after_refresh(self._try, self.who.username)
