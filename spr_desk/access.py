"""How a handler wants the desk drawn: a screen-reader mode, a bell, a theme.

Read once at start from the command line and the environment (the command line wins), so a
desk set up for a braille user stays so whoever starts it. A bad value stops the desk at start in
one line, never half-way through a call.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

SCREEN_READER_ENV = "SPR_DESK_SCREEN_READER"
BELL_ENV = "SPR_DESK_BELL"
THEME_ENV = "SPR_DESK_THEME"

_YES = frozenset({"1", "true", "yes", "on"})
_NO = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class Access:
    """`screen_reader`: the cursor shown, nothing repainted that has not changed, the
    countdowns in words once a minute and every change announced on one status line.
    `bell`: the terminal's bell, at most once a minute, on a new Rapid referral or one due
    within 15 minutes. `theme`: a theme's name, or None for the desk's default."""

    screen_reader: bool = False
    bell: bool = False
    theme: str | None = None


def switch_from_env(environ: Mapping[str, str], name: str) -> bool:
    """`1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off` (any case); unset is off."""
    text = environ.get(name, "").strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"{name} must be 1 or 0, not {environ[name].strip()!r}")


def access_from(
    environ: Mapping[str, str],
    themes: Collection[str],
    *,
    screen_reader: bool = False,
    bell: bool = False,
    theme: str | None = None,
) -> Access:
    """The options given on the command line, else the environment's. `themes`: the names a
    theme may have; any other is refused, with the names."""
    chosen = theme if theme is not None else environ.get(THEME_ENV, "").strip() or None
    if chosen is not None and chosen not in themes:
        where = "--theme" if theme is not None else THEME_ENV
        raise ValueError(f"{where} must be one of {', '.join(sorted(themes))}, not {chosen!r}")
    return Access(
        screen_reader=screen_reader or switch_from_env(environ, SCREEN_READER_ENV),
        bell=bell or switch_from_env(environ, BELL_ENV),
        theme=chosen,
    )
