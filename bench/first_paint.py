"""Child process for `bench/foundation.py`: start an app headless and say when it first painted.

Usage: python bench/first_paint.py spr-desk DB_URL | python bench/first_paint.py bare
Prints `painted` right after the first frame is drawn (a `call_after_refresh` from mount);
SPR Desk then prints `rows` once the queue's rows are on screen. Both apps are started the same
way: a fresh interpreter, `run_test` at 80x24; SPR Desk as `spr-desk` starts it, but with
someone signed in already (user `bench`, as the tests do), so the queue opens without a person
typing a password.
"""

from __future__ import annotations

import asyncio
import sys


def say(word: str) -> None:
    sys.stdout.write(f"{word}\n")
    sys.stdout.flush()


async def run_spr_desk(url: str) -> None:
    from spr_desk.entrypoints.app import SprDeskApp
    from spr_desk.entrypoints.bootstrap import open_desk

    class Marked(SprDeskApp):
        # Textual calls every class's on_mount in the MRO: this one only adds the mark.
        def on_mount(self) -> None:
            self.call_after_refresh(say, "painted")

    def rows_shown() -> bool:
        from screens.widgets.queue_board import QueueBoard

        boards = app.screen.query(QueueBoard)
        return bool(boards) and bool(boards.first().rows)

    # Signed in already (`spr-desk` asks first): the sign-in screen would wait for a person.
    app = Marked(lambda: open_desk(url), user="bench")
    async with app.run_test(size=(80, 24)) as pilot:
        started = asyncio.get_running_loop().time()
        while not rows_shown():
            if asyncio.get_running_loop().time() - started > 60:
                raise SystemExit("no queue rows within 60 s")  # a bench must never hang
            await app.workers.wait_for_complete()
            await pilot.pause()
        say("rows")


async def run_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            table: DataTable[str] = DataTable()
            table.add_columns("a", "b", "c")
            table.add_row("1", "2", "3")
            yield table
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(say, "painted")

    app = Bare()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        asyncio.run(run_bare())
    else:
        asyncio.run(run_spr_desk(sys.argv[2]))
