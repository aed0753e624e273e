"""Invites: the account an admin's reset is for, revoked invites, one live invite per address

Revision ID: 12a_accounts
Revises: ffa43a6dbdf3
Create Date: 2026-12-06 01:30:00

An invite now either makes a new account (for_user_id empty; it can never set the
password of an account that exists) or is an admin's reset of one account
(for_user_id).  pending_email holds the address while the invite can still be used and
is emptied when it is used, revoked or replaced; its unique constraint keeps at most
one live invite per address, even for two invites made at the same moment.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '12a_accounts'
down_revision = 'ffa43a6dbdf3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('for_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('pending_email', sa.String(length=254), nullable=True))
        batch_op.create_foreign_key('fk_invites_for_user_id_users', 'users', ['for_user_id'], ['id'])
        batch_op.create_unique_constraint('uq_invites_pending_email', ['pending_email'])

    # Invites made before: an admin's invite for an account that already existed was a
    # reset of it; every other one can only make a new account.  Of several live invites
    # for one address only one stays live; the others are revoked.
    bind = op.get_bind()
    at = datetime.now(timezone.utc).replace(tzinfo=None)
    invites = sa.table('invites', sa.column('id', sa.Integer), sa.column('email', sa.String),
                       sa.column('role', sa.String),
                       sa.column('created_by_id', sa.Integer), sa.column('created_at', sa.DateTime),
                       sa.column('expires_at', sa.DateTime), sa.column('used_at', sa.DateTime),
                       sa.column('for_user_id', sa.Integer), sa.column('revoked_at', sa.DateTime),
                       sa.column('pending_email', sa.String))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('email', sa.String),
                     sa.column('role', sa.String), sa.column('created_at', sa.DateTime))
    live = bind.execute(sa.select(invites.c.id, invites.c.email, invites.c.created_by_id, invites.c.created_at,
                                  invites.c.role)
                        .where(invites.c.used_at.is_(None), invites.c.expires_at > at)).all()
    # The one kept is the one of the highest role (staff could not have replaced an admin's
    # invite), then the newest.
    rank = {'reviewer': 0, 'staff': 1, 'admin': 2}
    live.sort(key=lambda row: (rank.get(row.role, 0), row.created_at, row.id), reverse=True)
    seen = set()
    for invite_id, email, maker_id, created_at, _role in live:
        if email in seen:
            bind.execute(invites.update().where(invites.c.id == invite_id).values(revoked_at=at))
            continue
        seen.add(email)
        values = {'pending_email': email}
        account = bind.execute(sa.select(users.c.id, users.c.created_at).where(users.c.email == email)).first()
        maker = bind.execute(sa.select(users.c.role).where(users.c.id == maker_id)).first() if maker_id else None
        if account is not None and maker is not None and maker.role == 'admin' and account.created_at < created_at:
            values['for_user_id'] = account.id
        bind.execute(invites.update().where(invites.c.id == invite_id).values(**values))


def downgrade():
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_constraint('uq_invites_pending_email', type_='unique')
        batch_op.drop_constraint('fk_invites_for_user_id_users', type_='foreignkey')
        batch_op.drop_column('pending_email')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('for_user_id')
