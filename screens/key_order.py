"""Every key is handled, in the order it was pressed, before the next one is read.

Textual hands a key to the focused widget's own queue and reads the next key at once; the key's
bindings (Tab moving the focus, say) run only when the key has bubbled back up to the app. Keys
typed faster than that round trip (a burst, a paste of keys, the browser desk) went to the field
that had focus before the Tab: a fast "Ethel<Tab>Example" put both names in the first field.
And a key pressed while a screen was still opening went to the screen underneath, or nowhere.

So the app reads keys one at a time (`KeyOrder.read`): it waits until the screen in front has
opened (its focus set), hands the key over, waits until the focused widget and each container up
to the screen have handled it, and runs the key's bindings itself, there and then; the copy that
bubbles up later is passed over (`KeyOrder.already_handled`). What a key starts in a worker
(a draft save, a look-up) still runs beside the typing; only the key itself is waited for.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from textual import events
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


async def along_the_way(
    target: Widget, screen: Screen[object], event: events.Event | None = None
) -> bool:
    """Wait for `target` and each container up to `screen` to handle what they have been sent
    (stopping where `event` was stopped); False if one took too long."""
    node: MessagePump | None = target
    while node is not None:
        if not await caught_up(node):
            return False
        if node is screen or (event is not None and event._stop_propagation):
            break
        node = node._parent
    return True


class KeyOrder:
    """The app's key reader (see the module's docstring)."""

    def __init__(self) -> None:
        self._handled: deque[events.Key] = deque(maxlen=64)
        self.passed: deque[events.Key] = deque()
        """Keys handed on by a screen to the one after it, read before any newer key."""

    def pass_on(self, key: events.Key) -> None:
        """Read this key again, as new, once the key being read now is done."""
        self.passed.append(events.Key(key.key, key.character))

    def already_handled(self, event: events.Key) -> bool:
        """Whether this is the bubbled copy of a key `read` has handled (it is then forgotten)."""
        for index, handled in enumerate(self._handled):
            if handled is event:
                del self._handled[index]
                return True
        return False

    async def read(self, app: object, event: events.Key | events.Paste) -> bool:
        """Hand `event` to where it is going and wait for it to be handled; True when the key
        came back up unhandled, so the app must run its bindings now (`bindings_ran` after)."""
        from textual.app import App

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
        if not await along_the_way(target, screen, event):
            return False
        # Unhandled, the key is now waiting in the app's own queue, bubbled up from the screen
        # (which marks it stopped as it does: the app sent it). Only its presence there says so.
        return isinstance(event, events.Key) and any(
            waiting is event for waiting in app._message_queue.values
        )

    def bindings_ran(self, event: events.Key) -> None:
        """Remember a key whose bindings the app ran early, to pass over its bubbled copy."""
        self._handled.append(event)
