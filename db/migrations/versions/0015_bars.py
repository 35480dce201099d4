"""999 referrals over BaRS: where a referral came from and the answer it is owed, the requests
as received (every version), and the outbox of the desk's replies.

Revision ID: 0015_bars
Revises: 0014_downtime
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0015_bars"
down_revision: str | None = "0014_downtime"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referral") as batch:
        batch.add_column(
            sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
        batch.add_column(
            sa.Column("reply_owed_by", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    # The new status's place in the queue (spr_desk.queue_view.queue_band): awaiting its
    # response. No database before this revision holds one; written as 0005 wrote the others.
    op.execute("UPDATE referral SET queue_band = 0 WHERE status = 'received'")
    op.create_table(
        "bars_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column(
            "service_request_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.Column("journey_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("reply_to", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sent", sa.JSON(), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_bars_referral_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bars_referral")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_bars_referral_referral_id")),
        sa.UniqueConstraint("service_request_id", "journey_id", name="uq_bars_referral_journey"),
    )
    op.create_table(
        "bars_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("correlation_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("bundle", sa.JSON(), nullable=False),
        sa.Column("answer_status", sa.Integer(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_bars_message_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bars_message")),
        sa.UniqueConstraint("request_id", name=op.f("uq_bars_message_request_id")),
    )
    op.create_index(
        op.f("ix_bars_message_referral_id"), "bars_message", ["referral_id"], unique=False
    )
    op.create_table(
        "bars_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("request_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("queued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("queued_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("next_try_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_bars_reply_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bars_reply")),
        sa.UniqueConstraint("request_id", name=op.f("uq_bars_reply_request_id")),
    )
    op.create_index(op.f("ix_bars_reply_referral_id"), "bars_reply", ["referral_id"], unique=False)
    op.create_index(
        "ix_bars_reply_state_next", "bars_reply", ["state", "next_try_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_bars_reply_state_next", table_name="bars_reply")
    op.drop_index(op.f("ix_bars_reply_referral_id"), table_name="bars_reply")
    op.drop_table("bars_reply")
    op.drop_index(op.f("ix_bars_message_referral_id"), table_name="bars_message")
    op.drop_table("bars_message")
    op.drop_table("bars_referral")
    with op.batch_alter_table("referral") as batch:
        batch.drop_column("reply_owed_by")
        batch.drop_column("source")
