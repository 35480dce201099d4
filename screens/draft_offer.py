"""An unfinished call, as the drafts list offers it: the screen's view of a stored draft.

Its own module so that the drafts list (`screens/resume_modal.py`) and the app's calls
(`screens/call_desk.py`, which shows that list) both import it and not each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from spr_desk.call_form import CallForm

if TYPE_CHECKING:
    from spr_desk.desk_api import DraftRow


@dataclass(frozen=True, slots=True)
class DraftOffer:
    """An unfinished call, as the drafts list offers it."""

    draft_key: str
    desk_user: str
    updated_at: datetime
    form: CallForm
    revision: int

    @classmethod
    def of(cls, row: DraftRow) -> DraftOffer:
        return cls(
            row.draft_key,
            row.desk_user,
            row.updated_at,
            CallForm.from_dict(row.payload),
            row.revision,
        )
