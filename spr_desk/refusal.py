"""One base for everything the desk refuses, so a screen catches refusals and nothing else.

A field the form rejects (`facts.FieldError`), a move the lifecycle forbids
(`lifecycle.TransitionError`) and an action the desk service will not take
(`desk_api.DeskError`) all say why in words for the handler. It stays a `ValueError`, as each of
them was, so code that caught those keeps working.
"""

from __future__ import annotations


class Refused(ValueError):
    """Something the desk would not do; the message is for the person at the desk."""
