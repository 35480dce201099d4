"""The queue's search box given any text at all, on SQLite and PostgreSQL: a page of rows (maybe
none), never an error. 500 examples (issue 7)."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests_support import crew_call

from db.desk import DeskService
from spr_desk.queue_view import QueueFilter

TYPED = st.text(st.characters(codec="utf-8"), max_size=30)


@settings(
    max_examples=500,
    deadline=None,
    # One desk serves every example: the search only reads.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=TYPED)
@example(text="\x00")
@example(text="%_\\")
@example(text="' OR 1=1 --")
@example(text="943²476")
def test_any_search_gives_a_page_never_an_error(desk: DeskService, text: str) -> None:
    if not desk.open_queue():
        desk.record_referral(crew_call(desk, "Ada", "Lovelace"), by="h")
    page = desk.queue_page(QueueFilter(text=text), 0, 50)
    assert len(page.rows) <= 50
    if text.strip().lower() in ("ada", "lovelace"):
        assert len(page.rows) == 1
