"""The annual report: participants' exits (outcome), staff employment (effective-dated), grants.

Revision ID: 0007_annual_report
Revises: 0006_runtime_facts
Create Date: 2026-12-02 05:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007_annual_report'
down_revision: str | None = '0006_runtime_facts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exit_outcome', sqlmodel.sql.sqltypes.AutoString(length=32),
                                      nullable=True))
    op.create_table('staff_employment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('fte', sa.Numeric(precision=4, scale=2), nullable=True),
    sa.Column('monthly_hours', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('staff_id', 'valid_from')
    )
    with op.batch_alter_table('staff_employment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_employment_staff_id'), ['staff_id'], unique=False)
    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('granted', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('spent', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'source')
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_year'), ['year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_year'))
    op.drop_table('grants')
    with op.batch_alter_table('staff_employment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_employment_staff_id'))
    op.drop_table('staff_employment')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('exit_outcome')
