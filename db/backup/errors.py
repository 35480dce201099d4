"""The one error backup and restore raise."""

from __future__ import annotations


class BackupError(Exception):
    """A refusal or an unusable file, in one line for the person at the desk (exit 2)."""
