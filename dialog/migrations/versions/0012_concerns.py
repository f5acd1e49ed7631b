"""concerns: ideas and complaints, categories, routing, photos, notes, answers, history

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dialog.db import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "concern_daily_runs",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ran_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_concern_daily_runs")),
    )
    op.create_table(
        "concern_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name_de", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("answer_days", sa.Integer(), nullable=False),
        sa.Column("is_other", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_categories")),
        sa.UniqueConstraint("slug", name=op.f("uq_concern_categories_slug")),
    )
    op.create_table(
        "concern_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_templates")),
    )
    op.create_table(
        "concern_department_settings",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("publishes_directly", sa.Boolean(), nullable=False),
        sa.Column("head_email", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_concern_department_settings_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("department_id", name=op.f("pk_concern_department_settings")),
    )
    op.create_table(
        "concern_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["concern_categories.id"],
            name=op.f("fk_concern_routes_category_id_concern_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_concern_routes_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_concern_routes_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_routes")),
        sa.UniqueConstraint("category_id", "district_id", name="uq_concern_routes"),
    )
    op.create_table(
        "concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=60), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_reason", sa.Text(), nullable=False),
        sa.Column("forwarded_to", sa.String(length=200), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("promised_on", sa.Date(), nullable=True),
        sa.Column("first_reply_due", sa.Date(), nullable=False),
        sa.Column("answer_due", sa.Date(), nullable=False),
        sa.Column("supporter_count", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("first_reply_at", UTCDateTime(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.Column("reopen_until", UTCDateTime(), nullable=True),
        sa.Column("reopened_count", sa.Integer(), nullable=False),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_concerns_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["concern_categories.id"],
            name=op.f("fk_concerns_category_id_concern_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_concerns_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_concerns_district_id_districts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["concerns.id"],
            name=op.f("fk_concerns_duplicate_of_id_concerns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_concerns_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concerns")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_concerns_token_hash")),
    )
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concerns_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            "ix_concerns_category_district", ["category_id", "district_id"], unique=False
        )
        batch_op.create_index(
            "ix_concerns_department_state", ["department_id", "state"], unique=False
        )
        batch_op.create_index("ix_concerns_state_created", ["state", "created_at"], unique=False)

    op.create_table(
        "concern_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_concern_answers_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_concern_answers_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concerns.id"],
            name=op.f("fk_concern_answers_concern_id_concerns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_concern_answers_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_answers")),
    )
    with op.batch_alter_table("concern_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_concern_answers_concern_id"), ["concern_id"], unique=False
        )

    op.create_table(
        "concern_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_concern_history_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concerns.id"],
            name=op.f("fk_concern_history_concern_id_concerns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_history")),
    )
    with op.batch_alter_table("concern_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_concern_history_concern_id"), ["concern_id"], unique=False
        )

    op.create_table(
        "concern_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_concern_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concerns.id"],
            name=op.f("fk_concern_notes_concern_id_concerns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_notes")),
    )
    with op.batch_alter_table("concern_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_concern_notes_concern_id"), ["concern_id"], unique=False
        )

    op.create_table(
        "concern_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concerns.id"],
            name=op.f("fk_concern_photos_concern_id_concerns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_photos")),
    )
    with op.batch_alter_table("concern_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_concern_photos_concern_id"), ["concern_id"], unique=False
        )

    op.create_table(
        "concern_supporters",
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concerns.id"],
            name=op.f("fk_concern_supporters_concern_id_concerns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_concern_supporters_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("concern_id", "user_id", name=op.f("pk_concern_supporters")),
    )
    with op.batch_alter_table("concern_supporters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_concern_supporters_user_id"), ["user_id"], unique=False
        )

    categories = sa.table(
        "concern_categories",
        sa.column("id", sa.Integer()),
        sa.column("slug", sa.String()),
        sa.column("name_de", sa.String()),
        sa.column("name_en", sa.String()),
        sa.column("position", sa.Integer()),
        sa.column("answer_days", sa.Integer()),
        sa.column("is_other", sa.Boolean()),
        sa.column("active", sa.Boolean()),
    )
    # "Sonstiges" is always there: what fits no other category goes to the office.
    op.bulk_insert(
        categories,
        [
            {
                "slug": "sonstiges",
                "name_de": "Sonstiges",
                "name_en": "Other",
                "position": 999,
                "answer_days": 20,
                "is_other": True,
                "active": True,
            }
        ],
    )


def downgrade() -> None:
    op.drop_table("concern_daily_runs")
    with op.batch_alter_table("concern_supporters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_supporters_user_id"))

    op.drop_table("concern_supporters")
    with op.batch_alter_table("concern_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_photos_concern_id"))

    op.drop_table("concern_photos")
    with op.batch_alter_table("concern_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_notes_concern_id"))

    op.drop_table("concern_notes")
    with op.batch_alter_table("concern_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_history_concern_id"))

    op.drop_table("concern_history")
    with op.batch_alter_table("concern_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_answers_concern_id"))

    op.drop_table("concern_answers")
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.drop_index("ix_concerns_state_created")
        batch_op.drop_index("ix_concerns_department_state")
        batch_op.drop_index("ix_concerns_category_district")
        batch_op.drop_index(batch_op.f("ix_concerns_author_id"))

    op.drop_table("concerns")
    op.drop_table("concern_routes")
    op.drop_table("concern_department_settings")
    op.drop_table("concern_templates")
    op.drop_table("concern_categories")
