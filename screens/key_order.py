"""Every key is handled, in the order it was pressed, before the next one is read.

Textual hands a key to the focused widget's own queue and reads the next key at once; the key's
bindings (Tab moving the focus, say) run only when the key has bubbled back up to the app. Keys
typed faster than that round trip (a burst, a paste of keys, the browser desk) went to the field
that had focus before the Tab: a fast "Ethel<Tab>Example" put both names in the first field.
And a key pressed while a screen was still opening went to the screen underneath, or nowhere.

So the app reads keys one at a time (`KeyOrder.read`): it waits until the screen in front has
opened (its focus set), hands the key over, waits until the focused widget and each container up
to the screen have handled it, and runs the key's bindings itself, there and then, taking the
copy that bubbled up back out of its own queue (`take_back`). What a key starts in a worker
(a draft save, a look-up) still runs beside the typing; only the key itself is waited for.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from textual import events
from textual._queue import Queue
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

from screens.deliberate import Deliberate

log = logging.getLogger("spr_desk.keys")

WAIT_SECONDS = 5.0
"""The longest a key waits for the one before it (a handler that never returns must not stop
the desk taking keys): far above anything a key does, however loaded the machine."""


async def caught_up(node: MessagePump, timeout: float = WAIT_SECONDS) -> bool:
    """Wait until `node` has handled everything posted to it so far; False if it took too long
    (or has stopped)."""
    done = asyncio.Event()
    if not node.is_running or not node.call_later(done.set):
        return False
    try:
        await asyncio.wait_for(done.wait(), timeout)
    except TimeoutError:
        log.warning("a key waited %.0f s for %s", timeout, type(node).__name__)
        return False
    return True


async def opened(screen: Screen[object], timeout: float = WAIT_SECONDS) -> None:
    """Wait until `screen` has mounted (its focus is set in its on_mount)."""
    if screen.is_running and not screen._mounted_event.is_set():
        try:
            await asyncio.wait_for(screen._mounted_event.wait(), timeout)
        except TimeoutError:
            log.warning("a key waited %.0f s for a screen to open", timeout)


async def along_the_way(target: Widget, event: events.Event | None = None) -> bool:
    """Wait for `target` and each container up to its screen to handle what they have been
    sent (stopping where `event` was stopped); False if one took too long. Never past a
    screen, and never the app: the app is the one waiting."""
    node: MessagePump | None = target
    while node is not None and not isinstance(node, App):
        if not await caught_up(node):
            return False
        if isinstance(node, Screen):
            break
        if event is not None and event._stop_propagation:
            break
        node = node._parent
    return True


def take_back(app: App[object], event: events.Key) -> bool:
    """Take the bubbled copy of `event` out of the app's queue, if it is there (the key came
    back up unhandled): the app runs its bindings now, and must not when the copy comes round.
    A list of keys to pass over later was tried first: bounded, it forgot the oldest when 64
    keys were typed ahead, and their bindings (a Tab, an F3, a ctrl+u) ran twice."""
    # Textual's own queue: a deque and an event saying it has some. Annotated, because Textual's
    # cached_property for Python before 3.12 is typed so that mypy reads the property as Never.
    waiting: Queue[Message | None] = app._message_queue
    for index, message in enumerate(waiting.values):
        if message is event:
            del waiting.values[index]
            if not waiting.values:
                waiting.ready_event.clear()
            return True
    return False


class KeyOrder:
    """The app's key reader (see the module's docstring)."""

    def __init__(self) -> None:
        self.passed: deque[events.Key] = deque()
        """Keys handed on by a screen to the one after it, read before any newer key."""

    def pass_on(self, key: events.Key) -> None:
        """Read this key again, as new, once the key being read now is done."""
        self.passed.append(events.Key(key.key, key.character))

    async def read(self, app: object, event: events.Key | events.Paste) -> bool:
        """Hand `event` to where it is going and wait for it to be handled; True when the key
        came back up unhandled, so the app must run its bindings now (its copy on the way to
        the app is taken back)."""
        assert isinstance(app, App)
        await opened(app.screen)
        screen = app.screen
        if (
            isinstance(screen, Deliberate)
            and isinstance(event, events.Key)
            and screen.pressed_before_opening(event)
        ):
            app.bell()  # pressed before the question was on screen: it answers nothing
            return False
        target: Widget = app.focused or app.screen
        await App.on_event(app, event)  # priority bindings, else forwarded to `target`
        if not event.is_forwarded:
            return False  # a priority binding took it, in the app, already
        if not await along_the_way(target, event):
            return False
        # Unhandled, the key is now waiting in the app's own queue, bubbled up from the screen
        # (which marks it stopped as it does: the app sent it). Only its presence there says so.
        return isinstance(event, events.Key) and take_back(app, event)
