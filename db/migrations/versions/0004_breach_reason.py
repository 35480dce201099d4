"""Why a first response came after its due time, kept with the referral.

Revision ID: 0004_breach_reason
Revises: 0003_review_flag
Create Date: 2026-11-23 13:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_breach_reason"
down_revision: str | None = "0003_review_flag"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("breach_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("breach_reason")
