"""Sign-in attempts are counted per typed name, known or not, under a keyed hash of the name, so
an unknown name waits exactly as a real one does; the key is this database's own.

Revision ID: 0013_sign_in_attempts
Revises: 0012_deliberate_milestones
Create Date: 2026-12-02 17:00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0013_sign_in_attempts"
down_revision: str | None = "0012_deliberate_milestones"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempt",
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_failed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name_key", name=op.f("pk_sign_in_attempt")),
    )
    salt = op.create_table(
        "sign_in_salt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("salt", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_salt")),
    )
    op.bulk_insert(salt, [{"id": 1, "salt": secrets.token_hex(32)}])
    # desk_user's counts are not carried over (their key needs the desk's hash of the name): a
    # user part way through a wait when the database is upgraded starts again with the free
    # attempts, once; the longest wait is five minutes.


def downgrade() -> None:
    op.drop_table("sign_in_salt")
    op.drop_table("sign_in_attempt")
