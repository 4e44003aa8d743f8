"""One live (submitted or confirmed) hour entry per participant and day.

Revision ID: 0003_hours
Revises: 0002_reports
Create Date: 2026-11-28 22:06:07.111460
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_hours'
down_revision: str | None = '0002_reports'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('hour_entries', schema=None) as batch_op:
        batch_op.create_index('uq_hour_entries_live_day', ['participant_id', 'work_date'], unique=True, sqlite_where=sa.text("status != 'rejected'"), postgresql_where=sa.text("status != 'rejected'"))



def downgrade() -> None:
    with op.batch_alter_table('hour_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_hour_entries_live_day', sqlite_where=sa.text("status != 'rejected'"), postgresql_where=sa.text("status != 'rejected'"))

