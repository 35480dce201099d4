"""WCAG 2.x contrast between two colours, so the desk's themes can be checked by a test.

Text must reach 4.5:1 against what is behind it for WCAG AA and 7:1 for AAA (WCAG 2.2, success
criteria 1.4.3 and 1.4.6). Colours are `#rgb`, `#rrggbb` or `#rrggbbaa` strings, as Textual's
themes write them; a translucent colour is laid over its background first, as the terminal
shows it.
"""

from __future__ import annotations

from typing import Final

AA: Final = 4.5
"""WCAG AA for text (1.4.3)."""
AAA: Final = 7.0
"""WCAG AAA for text (1.4.6)."""

Rgba = tuple[int, int, int, float]
"""Red, green and blue from 0 to 255, and opacity from 0 to 1."""


def parse_hex(colour: str) -> Rgba:
    """`#rgb`, `#rrggbb` or `#rrggbbaa` as channels; anything else is refused, not guessed."""
    digits = colour.strip().removeprefix("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    if len(digits) not in (6, 8) or any(d not in "0123456789abcdefABCDEF" for d in digits):
        raise ValueError(f"not a hex colour: {colour!r}")
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
    return red, green, blue, alpha


def to_hex(red: float, green: float, blue: float) -> str:
    """An opaque colour as `#rrggbb`, each channel rounded to the nearest step."""
    return "#" + "".join(f"{round(min(255.0, max(0.0, c))):02x}" for c in (red, green, blue))


def composite(foreground: str, background: str, alpha: float | None = None) -> str:
    """The opaque colour seen when `foreground` (at its own opacity, or `alpha` if given) is
    laid over an opaque `background`."""
    red, green, blue, own = parse_hex(foreground)
    under = parse_hex(background)
    if under[3] < 1.0:
        raise ValueError(f"the background must be opaque: {background!r}")
    over = own if alpha is None else alpha
    return to_hex(
        *(c * over + b * (1 - over) for c, b in zip((red, green, blue), under[:3], strict=True))
    )


def _linear(channel: int) -> float:
    """An sRGB channel in linear light (WCAG 2.x's definition, threshold 0.04045)."""
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of an opaque colour: 0 for black, 1 for white."""
    red, green, blue, alpha = parse_hex(colour)
    if alpha < 1.0:
        raise ValueError(f"composite a translucent colour first: {colour!r}")
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, from 1 (none) to 21 (black on white); order does not matter. A
    translucent foreground is composited over the background first."""
    if parse_hex(foreground)[3] < 1.0:
        foreground = composite(foreground, background)
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
