"""Sign-in: failed attempts in a row and when the last one was, so the next can be slowed.

Revision ID: 0009_sign_in
Revises: 0008_automatic_pack
Create Date: 2026-11-23 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009_sign_in"
down_revision: str | None = "0008_automatic_pack"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("desk_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("last_failed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("last_signed_in_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("desk_user", schema=None) as batch_op:
        batch_op.drop_column("last_signed_in_at")
        batch_op.drop_column("last_failed_at")
        batch_op.drop_column("failed_sign_ins")
