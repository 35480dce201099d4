"""Review flags: a supervisor marks a referral for review, with a comment.

Revision ID: 0003_review_flag
Revises: 0002_call_record
Create Date: 2026-11-24 10:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003_review_flag"
down_revision: str | None = "0002_call_record"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("flagged_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("flagged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_review_flag_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_flag")),
    )
    with op.batch_alter_table("review_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_flag_flagged_at"), ["flagged_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_review_flag_referral_id"), ["referral_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("review_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_flag_referral_id"))
        batch_op.drop_index(batch_op.f("ix_review_flag_flagged_at"))
    op.drop_table("review_flag")
