"""One pack built by the desks themselves per boundary, however many desks see it pass.

Revision ID: 0008_automatic_pack
Revises: 0007_referral_claim
Create Date: 2026-11-23 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_automatic_pack"
down_revision: str | None = "0007_referral_claim"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("automatic", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index(
        "uq_handover_automatic_boundary",
        "handover",
        ["boundary_at"],
        unique=True,
        sqlite_where=sa.text("automatic"),
        postgresql_where=sa.text("automatic"),
    )


def downgrade() -> None:
    op.drop_index("uq_handover_automatic_boundary", table_name="handover")
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_column("automatic")
