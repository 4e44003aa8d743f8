"""Notices in several languages: a coordinator's translations of a notice, per language.

Revision ID: 0010_notice_languages
Revises: 0009_language
Create Date: 2026-12-02 09:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010_notice_languages'
down_revision: str | None = '0009_language'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('translations', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('pending_language', sqlmodel.sql.sqltypes.AutoString(length=2),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_column('pending_language')
        batch.drop_column('translations')
