"""The queue's sort band beside the status, and the index the queue board pages along.

Revision ID: 0005_queue_band
Revises: 0004_breach_reason
Create Date: 2026-11-23 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_queue_band"
down_revision: str | None = "0004_breach_reason"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The statuses as they were at this revision (spr_desk.queue_view.queue_band): a migration
# must not change meaning when the domain code moves on.
BACKFILL = (
    "UPDATE referral SET queue_band = CASE "
    "WHEN status IN ('recorded', 'allocated') THEN 0 "
    "WHEN status IN ('responded', 'in_service') THEN 1 "
    "ELSE NULL END"
)


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queue_band", sa.Integer(), nullable=True))
    op.execute(BACKFILL)
    # Partial: open referrals only. The condition has no parameter, so SQLite's planner can
    # match the queue's `queue_band IS NOT NULL` to it.
    op.create_index(
        "ix_referral_queue",
        "referral",
        ["queue_band", "due_at", "id"],
        sqlite_where=sa.text("queue_band IS NOT NULL"),
        postgresql_where=sa.text("queue_band IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_referral_queue", table_name="referral")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("queue_band")
