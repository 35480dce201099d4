"""Find what a screen cuts off: the screen as the terminal shows it, read back as text, and
each widget's words looked for in the cells it was given.

What counts as cut (each is one line of the list `cut_off` returns):

- Footer keys. A key shown in the footer must be whole: its key and its word, inside the
  screen. A key Textual's footer pushes partly off the right edge (`e` for "esc Back") is cut.
  A key pushed wholly off the edge is allowed only while the footer shows F1 Help whole and
  the help screen lists that key (it lists every key of the screen, its widgets and the app).
- An ellipsis anywhere on the screen: Textual and Rich mark cut text with "…", and the desk's
  words never contain one.
- Tables. A DataTable wider than the space it has (columns run off the right edge: "ACHT Ni")
  is cut; so is a column heading not drawn whole.
- Words. Every Static and Label drawing text (not a Rich table: the ellipsis check covers
  those) must show all of its words, in order, within its own cells, wrapped lines joined.
  A dialog's key line (`.dialog-keys`) must keep each key with its word on one line.
- Fields. An empty Input's placeholder must be drawn whole; an Input holding a value has lost
  its placeholder, so it must have a label (words drawn just before it in its container, or
  a border title), or its placeholder's words must be on the screen elsewhere.
- Lists. A Select must be wide enough for its prompt and every option.
"""

from __future__ import annotations

import io
import re
from typing import Any

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Select, Static
from textual.widgets._footer import FooterKey

from screens.too_small import cover_of

ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Whitespace (wrapped lines, padding) as single spaces."""
    return _SPACES.sub(" ", text).strip()


def screen_lines(app: App[Any]) -> list[str]:
    """The screen as the terminal shows it now, one string a line, dialogs over their screens
    (what `App.export_screenshot` draws, as text)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    lines = console.export_text(styles=False).split("\n")
    return [line.ljust(width) for line in lines[:height]]


def cells(lines: list[str], region: Region) -> str:
    """The text drawn in `region` (screen cells), lines joined with spaces."""
    return " ".join(line[region.x : region.right] for line in lines[region.y : region.bottom])


def _visible(screen: Screen[Any], widget: Widget) -> Region | None:
    """The cells of the widget the screen shows (clipped by its scrolling parents), or None."""
    if not widget.display or not widget.visible:
        return None
    try:
        geometry = screen._compositor.find_widget(widget)
    except Exception:  # noqa: BLE001 - not on the screen's map: not drawn
        return None
    shown = geometry.region.intersection(geometry.clip)
    return shown if shown.area else None


def _plain(widget: Static) -> str | None:
    """The words a Static draws, or None when it draws something other than text."""
    content = widget.content
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, Content):
        return content.plain
    if isinstance(content, str):
        return Content.from_markup(content).plain if widget._render_markup else content
    return None


def _footer_problems(app: App[Any], screen: Screen[Any], lines: list[str]) -> list[str]:
    problems: list[str] = []
    footers = [f for f in screen.query(Footer) if _visible(screen, f)]
    if not footers:
        return problems
    footer = footers[0]
    region = screen._compositor.find_widget(footer).region
    line = lines[region.y][region.x : region.right]
    width = min(region.right, app.size.width)
    dropped: list[FooterKey] = []
    help_whole = False
    for key in footer.query(FooterKey):
        shown = f"{key.key_display} {key.description}".strip()
        try:
            at = screen._compositor.find_widget(key).region
        except Exception:  # noqa: BLE001 - laid out past the edge: not on the map
            dropped.append(key)
            continue
        if at.x >= width:
            dropped.append(key)
        elif at.right > width:
            problems.append(
                f"footer key cut at the edge: {shown!r} reads {line[at.x - region.x :]!r}"
            )
        elif squash(shown) not in squash(line):
            problems.append(f"footer key not drawn whole: {shown!r} in {line!r}")
        elif key.action == "app.help" or key.key == "f1":
            help_whole = True
    if dropped:
        listed = _help_lists(screen)
        for key in dropped:
            shown = f"{key.key_display} {key.description}".strip()
            if not help_whole:
                problems.append(f"footer key dropped and no F1 Help shown: {shown!r}")
            elif key.key_display not in listed:
                problems.append(f"footer key dropped and not in the help: {shown!r}")
    return problems


def _help_lists(screen: Screen[Any]) -> set[str]:
    """The key names the help screen would list for `screen`."""
    from screens.help_screen import HelpScreen

    help_screen = HelpScreen(screen)
    names: set[str] = set()
    for keys, _words in (*help_screen.screen_keys(), *help_screen.everywhere_keys()):
        names.update(keys.split(" "))
    return names


def _table_problems(screen: Screen[Any], lines: list[str]) -> list[str]:
    problems: list[str] = []
    for table in screen.query(DataTable):
        shown = _visible(screen, table)
        if shown is None or not table.columns:
            continue
        room = table.scrollable_content_region.width
        wanted = table.virtual_size.width
        if wanted > room:
            hidden, x = [], 0
            for column in table.ordered_columns:
                x += column.get_render_width(table)
                if x > room:
                    hidden.append(str(column.label))
            problems.append(
                f"table #{table.id} needs {wanted} columns, has {room}: cut or hidden {hidden}"
            )
        if table.show_header:
            header = lines[shown.y][shown.x : shown.right]
            for column in table.ordered_columns:
                words = squash(str(column.label))
                if words and words not in squash(header) and not problems:
                    problems.append(f"table #{table.id} heading {words!r} not whole in {header!r}")
    return problems


def _words_problems(screen: Screen[Any], lines: list[str], root: Widget | None = None) -> list[str]:
    problems: list[str] = []
    for widget in (root or screen).query(Static):
        if widget.has_class("arrow") or type(widget).__module__.startswith(
            "textual.widgets._footer"
        ):
            continue
        shown = _visible(screen, widget)
        words = _plain(widget)
        if shown is None or words is None or not squash(words):
            continue
        full = screen._compositor.find_widget(widget).region
        if full.width > shown.width:
            problems.append(f"{_name(widget)} runs off the side: {squash(words)!r}")
            continue
        if shown.height < full.height:
            continue  # scrolled partly out of view: the rest is a scroll away, not cut
        drawn = squash(cells(lines, shown))
        if squash(words) not in drawn:
            problems.append(f"{_name(widget)} not whole: {squash(words)!r} drawn {drawn!r}")
        if widget.has_class("dialog-keys"):
            for hint in re.split(r"\s{3,}", words.strip()):
                if not any(squash(hint) in squash(line) for line in lines[shown.y : shown.bottom]):
                    problems.append(f"{_name(widget)} key hint wraps: {squash(hint)!r}")
    return problems


def _field_problems(screen: Screen[Any], lines: list[str]) -> list[str]:
    problems: list[str] = []
    everything = squash(" ".join(lines))
    for field in screen.query(Input):
        shown = _visible(screen, field)
        hint = squash(field.placeholder)
        if shown is None or not hint:
            continue
        if field.value:
            if hint not in everything and not _labelled(screen, field):
                problems.append(
                    f"{_name(field)} holds {field.value!r}: its name {hint!r} is nowhere on screen"
                )
        elif hint not in squash(cells(lines, shown)):
            problems.append(f"{_name(field)} placeholder cut: {hint!r}")
    for select in screen.query(Select):
        shown = _visible(screen, select)
        if shown is None:
            continue
        label = select.query_one("#label")
        room = label.content_region.width
        prompts = [select.prompt, *(str(prompt) for prompt, _ in select._options)]
        for prompt in prompts:
            if Text(prompt).cell_len > room:
                problems.append(f"{_name(select)} option {prompt!r} wider than its {room} cells")
    return problems


def _labelled(screen: Screen[Any], field: Widget) -> bool:
    """Whether words drawn just before the field (its label beside or above it) name it."""
    siblings = list(field.parent.children) if field.parent else []
    before = siblings[: siblings.index(field)]
    for widget in reversed(before):
        if _visible(screen, widget) is None:
            continue
        return isinstance(widget, Static) and bool(squash(_plain(widget) or ""))
    return bool(field.border_title)


def _name(widget: Widget) -> str:
    return f"{type(widget).__name__}#{widget.id}" if widget.id else type(widget).__name__


def cut_off(app: App[Any]) -> list[str]:
    """Everything the screen on show cuts off; empty when nothing is."""
    screen = app.screen
    lines = screen_lines(app)
    problems = [
        f"ellipsis on line {y}: {line.strip()!r}"
        for y, line in enumerate(lines)
        if ELLIPSIS in line
    ]
    cover = cover_of(screen)
    if cover is not None and cover.display:
        # Too small: the cover is all there is to read, and it must be read whole.
        return problems + _words_problems(screen, lines, cover)
    for check in (_footer_problems,):
        problems += check(app, screen, lines)
    for check in (_table_problems, _words_problems, _field_problems):
        problems += check(screen, lines)
    return problems
