"""Discreet by default: a participant may choose reminders that name the kind of help.

Revision ID: 0008_name_help
Revises: 0007_annual_report
Create Date: 2026-12-02 05:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_name_help'
down_revision: str | None = '0007_annual_report'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('participants') as batch:
        batch.add_column(sa.Column('name_help', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('participants') as batch:
        batch.drop_column('name_help')
