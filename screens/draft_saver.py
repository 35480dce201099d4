"""A call's draft, written by one thread of its own: always the newest words, never a key held up.

A worker thread per key press cost a thread start on the key and let saves pile up behind a
slow disk; this keeps one thread per call that writes whatever is newest when it is free (saves
typed while it writes are folded into the next one). The revision still rises with every
change, so the database refuses a save older than one it holds.

A save that fails is tried again by itself every `RETRY_SECONDS` until one works (or a newer
change takes its place): the screen hears `failed` while saves fail and `recovered` once when
one works again, so it can say so once and take it back, never a notice per key.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("spr_desk.drafts")

FLUSH_SECONDS = 5.0
"""How long closing the call waits for the last save to reach the database."""
RETRY_SECONDS = 2.0
"""How long after a failed save the same words are tried again, when nothing newer came."""

Save = Callable[[int, dict[str, Any]], None]


class DraftSaver:
    """Saves `(revision, payload)` with `save` on a thread; `failed` hears every failed save,
    `recovered` the first save that works after one failed."""

    def __init__(
        self,
        save: Save,
        failed: Callable[[Exception], None],
        recovered: Callable[[], None] = lambda: None,
    ) -> None:
        self._save = save
        self._failed = failed
        self._recovered = recovered
        self._failing = False
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
            self._condition.notify_all()  # the writer, and any flush waiting

    def _run(self) -> None:
        retry: tuple[int, dict[str, Any]] | None = None
        while True:
            with self._condition:
                if retry is not None and self._wanted is None and not self._closing:
                    self._condition.wait(RETRY_SECONDS)  # a newer change or closing wakes it
                while self._wanted is None and retry is None and not self._closing:
                    self._condition.wait()
                if self._closing and self._wanted is None:
                    return
                taken = self._wanted if self._wanted is not None else retry
                assert taken is not None  # woken with nothing to save only when closing
                revision, payload = taken
                self._wanted, retry = None, None
                self._busy = True
            try:
                self._save(revision, payload)
            except Exception as error:  # noqa: BLE001 - said to the handler; tried again by itself
                log.warning("a draft save failed: %s", type(error).__name__)
                retry = (revision, payload)
                self._failing = True
                self._failed(error)
            else:
                if self._failing:
                    self._failing = False
                    self._recovered()
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
