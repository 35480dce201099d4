"""The 21:00 handover, for the hazard log (H019): a desk left running on the queue builds the
evening pack itself as the boundary passes, with nobody asking, and says HANDOVER PENDING in
every header until the night lead acknowledges it, however late that is."""

from __future__ import annotations

from datetime import UTC, datetime

from call_script import settle

from db.desk import DeskService
from screens.widgets.desk_header import PENDING, DeskHeader
from spr_desk.desk_hours import Direction
from spr_desk.entrypoints.app import SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.roles import Role
from spr_desk.sign_in import SignedIn

SIZE = (120, 40)
HANDLER = SignedIn("handler", "Demo call handler", Role.CALL_HANDLER)


def header_text(app: SprDeskApp) -> str:
    return app.screen.query_one(DeskHeader).render().plain


async def test_a_desk_left_running_builds_the_2100_pack_and_says_so_until_it_is_taken(
    sqlite_demo_desk: DeskService,
) -> None:
    clock = [datetime(2026, 11, 23, 20, 58, tzinfo=UTC)]  # GMT: the UK clock reads the same
    desk = DeskService(sqlite_demo_desk.engine, clock=lambda: clock[0])
    app = build_app(desk, user=HANDLER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert PENDING not in header_text(app)
        assert desk.handover_packs() == []

        clock[0] = datetime(2026, 11, 23, 21, 1, tzinfo=UTC)
        app.check_status()  # the 10-second status check, run now
        await settle(pilot)
        await settle(pilot)
        [built] = desk.handover_packs()
        assert built.built_by == "handler (at the boundary)"
        assert (built.direction, built.boundary_at) == (
            Direction.TO_NIGHT,
            datetime(2026, 11, 23, 21, 0, tzinfo=UTC),
        )
        pack = desk.handover_pack(built.handover_id).pack
        assert [item.reference for item in pack.items] == [r.reference for r in desk.open_queue()]
        assert PENDING in header_text(app)

        # Nobody has taken it by 23:30: still pending, and no second pack.
        clock[0] = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
        app.check_status()
        await settle(pilot)
        assert PENDING in header_text(app) and len(desk.handover_packs()) == 1

        desk.acknowledge_handover(built.handover_id, by="night")
        app.check_status()
        await settle(pilot)
        assert PENDING not in header_text(app)
