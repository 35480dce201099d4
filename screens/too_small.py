"""A terminal smaller than the desk needs says so, instead of showing a clipped desk."""

from __future__ import annotations

from textual.app import App

MIN_WIDTH, MIN_HEIGHT = 80, 24


def fit(app: App[object]) -> None:
    """Show or take away the "make the window bigger" cover for the app's size (stub)."""
