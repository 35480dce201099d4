"""The whole call as typed, records reviewed, Home from Hospital and community-bed requests;
pathway and setting may be empty for a call that ended at the red-flag questions.

Revision ID: 0002_call_record
Revises: 0001_initial
Create Date: 2026-11-23 11:42:20.487683
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002_call_record"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("call_started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("home_from_hospital", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "community_bed_request", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(sa.Column("records_reviewed", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("call_record", sa.JSON(), nullable=True))
        batch_op.alter_column("pathway", existing_type=sa.VARCHAR(length=20), nullable=True)
        batch_op.alter_column("setting", existing_type=sa.VARCHAR(length=30), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.alter_column("setting", existing_type=sa.VARCHAR(length=30), nullable=False)
        batch_op.alter_column("pathway", existing_type=sa.VARCHAR(length=20), nullable=False)
        batch_op.drop_column("call_record")
        batch_op.drop_column("records_reviewed")
        batch_op.drop_column("community_bed_request")
        batch_op.drop_column("home_from_hospital")
        batch_op.drop_column("call_started_at")
