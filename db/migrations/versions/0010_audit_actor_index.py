"""The audit viewer's person filter reads an index (lower(actor), at), not every event.

Revision ID: 0010_audit_actor_index
Revises: 0009_sign_in
Create Date: 2026-11-23 17:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_audit_actor_index"
down_revision: str | None = "0009_sign_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_event_actor_at", "audit_event", [sa.func.lower(sa.text("actor")), "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_event_actor_at", table_name="audit_event")
