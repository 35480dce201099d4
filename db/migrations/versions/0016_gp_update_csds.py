"""What leaves the desk (issue 19): the UCR condition of a Rapid referral and why one is not UCR,
the moment a call was recorded (handling time for `rota check`), and the GP update with its
outbox over MESH.

Revision ID: 0016_gp_update_csds
Revises: 0015_bars
Create Date: 2026-12-03 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0016_gp_update_csds"
down_revision: str | None = "0015_bars"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referral") as batch:
        batch.add_column(
            sa.Column("ucr_condition", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True)
        )
        batch.add_column(sa.Column("ucr_not_reason", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("call_ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "gp_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("practice", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("mailbox", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("local_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("mesh_message_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("drafted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("drafted_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("queued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("queued_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("acknowledged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("lease_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_gp_update_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gp_update")),
        sa.UniqueConstraint("local_id", name=op.f("uq_gp_update_local_id")),
    )
    op.create_index(op.f("ix_gp_update_referral_id"), "gp_update", ["referral_id"], unique=False)
    op.create_index("ix_gp_update_state_next", "gp_update", ["state", "next_try_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_gp_update_state_next", table_name="gp_update")
    op.drop_index(op.f("ix_gp_update_referral_id"), table_name="gp_update")
    op.drop_table("gp_update")
    with op.batch_alter_table("referral") as batch:
        batch.drop_column("call_ended_at")
        batch.drop_column("ucr_not_reason")
        batch.drop_column("ucr_condition")
