"""A failed action in words a desk user can act on: never an exception's class or its raw text.

A refusal the desk or the domain raised on purpose (a `spr_desk.refusal.Refused`: DeskError,
FieldError, TransitionError...) is already a sentence for the user. Anything else is a fault of
the database or the machine, worded by `spr_desk.faults.fault_of`; its own text may quote SQL or
what was typed, so it is never shown.
"""

from __future__ import annotations

from spr_desk.faults import fault_of
from spr_desk.refusal import Refused


def failure_words(error: BaseException) -> str:
    """The sentence to show for `error`, and what to do about it."""
    if isinstance(error, Refused):
        return str(error)
    return str(fault_of(error))
