"""A call's draft, written by one thread of its own: always the newest words, never a key held up.

A worker thread per key press cost a thread start on the key and let saves pile up behind a
slow disk; this keeps one thread per call that writes whatever is newest when it is free (saves
typed while it writes are folded into the next one). The revision still rises with every
change, so the database refuses a save older than one it holds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("spr_desk.drafts")

FLUSH_SECONDS = 5.0
"""How long closing the call waits for the last save to reach the database."""

Save = Callable[[int, dict[str, Any]], None]


class DraftSaver:
    """Saves `(revision, payload)` with `save` on a thread; `failed` hears any error."""

    def __init__(self, save: Save, failed: Callable[[Exception], None]) -> None:
        self._save = save
        self._failed = failed
        self._wanted: tuple[int, dict[str, Any]] | None = None
        self._condition = threading.Condition()
        self._closing = False
        self._busy = False
        self._thread: threading.Thread | None = None

    def save(self, revision: int, payload: dict[str, Any]) -> None:
        """Ask for this revision to be written (returns at once)."""
        with self._condition:
            if self._closing:
                return
            self._wanted = (revision, payload)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="draft", daemon=True)
                self._thread.start()
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while self._wanted is None and not self._closing:
                    self._condition.wait()
                if self._wanted is None:
                    return
                revision, payload = self._wanted
                self._wanted = None
                self._busy = True
            try:
                self._save(revision, payload)
            except Exception as error:  # said to the handler; the next change saves again
                log.warning("a draft save failed: %s", type(error).__name__)
                self._failed(error)
            with self._condition:
                self._busy = False
                self._condition.notify_all()

    def flush(self, timeout: float = FLUSH_SECONDS) -> bool:
        """Wait until everything asked for is written; False if that took too long."""
        with self._condition:
            return self._condition.wait_for(
                lambda: self._wanted is None and not self._busy, timeout
            )

    def close(self, timeout: float = FLUSH_SECONDS) -> None:
        """Write what is waiting, then stop the thread."""
        self.flush(timeout)
        with self._condition:
            self._closing = True
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
