"""Shared stores: searches that found nothing and the latest check results

Revision ID: 12d_shared_stores
Revises: 12a_accounts
Create Date: 2026-12-06 01:40:00

Both were files in one web server's instance folder (insight.sqlite3 and
check-latest.json); in the database every web server sees the same.  What the
instance folder held is copied in, if it is there.
"""
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '12d_shared_stores'
down_revision = '12a_accounts'
branch_labels = None
depends_on = None


def upgrade():
    searches = op.create_table(
        'zero_result_searches',
        sa.Column('query', sa.String(length=100), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('last_seen', sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint('query'),
    )
    results = op.create_table(
        'check_results',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('generated', sa.String(length=40), nullable=False),
        sa.Column('data', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    instance = _instance_dir()
    if instance is None:
        return
    try:
        with closing(sqlite3.connect(f"file:{instance / 'insight.sqlite3'}?mode=ro", uri=True)) as old:
            rows = old.execute("SELECT query, count, last_seen FROM zero_result_searches").fetchall()
    except sqlite3.Error:
        rows = []
    if rows:
        op.bulk_insert(searches, [{'query': q.replace("\x00", "")[:100], 'count': c, 'last_seen': s[:10]}
                                  for q, c, s in {r[0].replace("\x00", "")[:100]: r for r in rows}.values()])
    try:
        text = (instance / 'check-latest.json').read_text(encoding='utf-8')
        generated = json.loads(text).get('generated', '')
    except (OSError, ValueError, AttributeError):
        return
    op.bulk_insert(results, [{'name': 'latest', 'generated': str(generated)[:40], 'data': text}])


def downgrade():
    op.drop_table('check_results')
    op.drop_table('zero_result_searches')


def _instance_dir():
    """The app's instance folder, when the migration runs inside the app (directory db)."""
    try:
        from flask import current_app

        return Path(current_app.config['INSTANCE_DIR'])
    except (ImportError, RuntimeError, KeyError):
        return None
