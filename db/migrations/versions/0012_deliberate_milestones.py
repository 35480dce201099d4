"""Milestones keep the time and the person the handler gave (allocated, responded by, service
started); a response lower than the facts asked for keeps its supervisor's sign-off; referrals
take notes and follow-up calls after they are recorded; the receiver ticks a pack's items read.

Revision ID: 0012_deliberate_milestones
Revises: 0011_nhs_number_to_trace
Create Date: 2026-12-02 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0012_deliberate_milestones"
down_revision: str | None = "0011_nhs_number_to_trace"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("allocated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("responded_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
        batch_op.add_column(
            sa.Column("service_started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "override_signed_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("override_signed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("override_sign_comment", sa.Text(), nullable=True))
    # The overrides held for sign-off, in the order the supervisor's list reads them.
    op.create_index(
        "ix_referral_unsigned_override",
        "referral",
        ["received_at", "id"],
        sqlite_where=sa.text("override_reason != '' AND override_signed_at IS NULL"),
        postgresql_where=sa.text("override_reason != '' AND override_signed_at IS NULL"),
    )
    op.create_table(
        "referral_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("caller", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_referral_note_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_note")),
    )
    op.create_index(
        op.f("ix_referral_note_referral_id"), "referral_note", ["referral_id"], unique=False
    )
    op.create_table(
        "handover_item_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("read_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("read_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["handover_item.id"],
            name=op.f("fk_handover_item_read_item_id_handover_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_item_read")),
        sa.UniqueConstraint("item_id", name=op.f("uq_handover_item_read_item_id")),
    )


def downgrade() -> None:
    op.drop_table("handover_item_read")
    op.drop_index(op.f("ix_referral_note_referral_id"), table_name="referral_note")
    op.drop_table("referral_note")
    op.drop_index("ix_referral_unsigned_override", table_name="referral")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("override_sign_comment")
        batch_op.drop_column("override_signed_at")
        batch_op.drop_column("override_signed_by")
        batch_op.drop_column("service_started_at")
        batch_op.drop_column("responded_by")
        batch_op.drop_column("allocated_at")
