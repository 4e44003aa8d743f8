"""Each participant's language: Polish (the default), Ukrainian or English.

Revision ID: 0009_language
Revises: 0008_name_help
Create Date: 2026-12-02 06:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009_language'
down_revision: str | None = '0008_name_help'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('participants') as batch:
        batch.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False,
                                   server_default='pl'))


def downgrade() -> None:
    with op.batch_alter_table('participants') as batch:
        batch.drop_column('language')
