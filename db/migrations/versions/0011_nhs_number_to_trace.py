"""A patient's NHS number may be not known (null, to be traced); the referral keeps the number's
UK Core verification status, why there is none, and what only its kind of caller was asked; the
redirected calls are listed newest first from an index.

Revision ID: 0011_nhs_number_to_trace
Revises: 0010_audit_actor_index
Create Date: 2026-12-01 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011_nhs_number_to_trace"
down_revision: str | None = "0010_audit_actor_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The unique constraint stays: several nulls pass it on SQLite and PostgreSQL alike.
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.alter_column(
            "nhs_number", existing_type=sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True
        )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "nhs_number_status", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "nhs_unavailable_reason", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True
            )
        )
        batch_op.add_column(sa.Column("caller_answers", sa.JSON(), nullable=True))
    # Partial, with no parameter in its condition: SQLite matches it to the redirected list's
    # own `status = 'redirected'` and to nothing else.
    op.create_index(
        "ix_referral_redirected",
        "referral",
        ["status", "received_at", "id"],
        sqlite_where=sa.text("status = 'redirected'"),
        postgresql_where=sa.text("status = 'redirected'"),
    )


def downgrade() -> None:
    op.drop_index("ix_referral_redirected", table_name="referral")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("caller_answers")
        batch_op.drop_column("nhs_unavailable_reason")
        batch_op.drop_column("nhs_number_status")
    # Fails while any patient has no number: one cannot be invented for them.
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.alter_column(
            "nhs_number", existing_type=sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False
        )
