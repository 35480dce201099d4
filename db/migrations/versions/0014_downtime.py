"""Downtime: references reserved for paper sheets, calls entered from paper with the time written
on the sheet, referrals taken over from a neighbouring desk, and the drills that were run.

Revision ID: 0014_downtime
Revises: 0013_sign_in_attempts
Create Date: 2026-12-03 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0014_downtime"
down_revision: str | None = "0013_sign_in_attempts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referral") as batch:
        batch.add_column(
            sa.Column("paper_entered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch.add_column(
            sa.Column(
                "paper_entered_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True
            )
        )
        batch.add_column(
            sa.Column("imported_from", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    op.create_index("ix_referral_paper_entered", "referral", ["paper_entered_at"], unique=False)
    op.create_table(
        "reserved_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reserved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reserved_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("used_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("released_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("released_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reserved_reference")),
        sa.UniqueConstraint("reference", name=op.f("uq_reserved_reference_reference")),
    )
    op.create_index(
        op.f("ix_reserved_reference_state"), "reserved_reference", ["state"], unique=False
    )
    op.create_table(
        "downtime_drill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ran_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ran_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_downtime_drill")),
    )
    op.create_index(op.f("ix_downtime_drill_ran_at"), "downtime_drill", ["ran_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_downtime_drill_ran_at"), table_name="downtime_drill")
    op.drop_table("downtime_drill")
    op.drop_index(op.f("ix_reserved_reference_state"), table_name="reserved_reference")
    op.drop_table("reserved_reference")
    op.drop_index("ix_referral_paper_entered", table_name="referral")
    with op.batch_alter_table("referral") as batch:
        batch.drop_column("imported_from")
        batch.drop_column("paper_entered_by")
        batch.drop_column("paper_entered_at")
