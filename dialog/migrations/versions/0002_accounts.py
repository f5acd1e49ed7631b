"""accounts: e-mail verification, password reset, OIDC identities, consents

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dialog.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = dialog.db.UTCDateTime(timezone=True)
    op.create_table(
        "account_one_time_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("new_email", sa.String(length=254), nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("expires_at", utc, nullable=False),
        sa.Column("used_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_one_time_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_one_time_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_one_time_tokens_token_hash")),
    )
    with op.batch_alter_table("account_one_time_tokens") as batch_op:
        batch_op.create_index(batch_op.f("ix_account_one_time_tokens_user_id"), ["user_id"])
    op.create_table(
        "account_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("given_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_consents_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_consents")),
    )
    with op.batch_alter_table("account_consents") as batch_op:
        batch_op.create_index(batch_op.f("ix_account_consents_user_id"), ["user_id"])
    op.create_table(
        "account_oidc_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("last_login_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_oidc_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_oidc_identities")),
        sa.UniqueConstraint("issuer", "subject", name="uq_account_oidc_identities"),
    )
    with op.batch_alter_table("account_oidc_identities") as batch_op:
        batch_op.create_index(batch_op.f("ix_account_oidc_identities_user_id"), ["user_id"])
    op.create_table(
        "account_oidc_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=100), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("next", sa.String(length=300), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_oidc_logins")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_account_oidc_logins_state_hash")),
    )
    op.create_table(
        "account_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_account_audit_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["users.id"],
            name=op.f("fk_account_audit_target_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_audit")),
    )
    with op.batch_alter_table("account_audit") as batch_op:
        batch_op.create_index(batch_op.f("ix_account_audit_actor_id"), ["actor_id"])
        batch_op.create_index(batch_op.f("ix_account_audit_target_id"), ["target_id"])


def downgrade() -> None:
    for table in (
        "account_audit",
        "account_oidc_logins",
        "account_oidc_identities",
        "account_consents",
        "account_one_time_tokens",
    ):
        op.drop_table(table)
