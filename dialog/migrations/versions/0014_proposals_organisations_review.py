"""proposals, organisations, the office's review of draft procedures, district contacts

Revision ID: 0014
Revises: 0015
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dialog.db

revision: str = "0014"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CHECKLIST = (
    "Methode aus dem Methodenkoffer gewählt und begründet",
    "Zeitplan mit Daten für jede Phase",
    "Ansprechperson mit Kontaktweg genannt",
    "Gestaltungsspielraum: was noch entschieden werden kann",
    "Wie die Ergebnisse verwendet und zurückgemeldet werden",
)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column("created_at", dialog.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisations_slug")),
    )
    op.create_table(
        "review_checklist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_checklist")),
    )
    op.create_table(
        "organisation_districts",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_organisation_districts_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_districts_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "district_id", name=op.f("pk_organisation_districts")
        ),
    )
    with op.batch_alter_table("organisation_districts", schema=None) as batch_op:
        batch_op.create_index("ix_organisation_districts_district", ["district_id"], unique=False)

    op.create_table(
        "organisation_members",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", dialog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", dialog.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_members_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_organisation_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "user_id", name=op.f("pk_organisation_members")),
    )
    with op.batch_alter_table("organisation_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_members_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "review_checks",
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", dialog.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["review_checklist.id"],
            name=op.f("fk_review_checks_item_id_review_checklist"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name=op.f("fk_review_checks_procedure_id_procedures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("procedure_id", "item_id", name=op.f("pk_review_checks")),
    )
    op.create_table(
        "review_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", dialog.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_review_entries_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name=op.f("fk_review_entries_procedure_id_procedures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_entries")),
    )
    with op.batch_alter_table("review_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_entries_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_review_entries_procedure_id"), ["procedure_id"], unique=False
        )

    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=600), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reason_html", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("support_count", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("published_at", dialog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", dialog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", dialog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("statement_html", sa.Text(), nullable=False),
        sa.Column("statement_at", dialog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("procedure_id", sa.Integer(), nullable=True),
        sa.Column("created_at", dialog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", dialog.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_proposals_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_proposals_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_proposals_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name=op.f("fk_proposals_procedure_id_procedures"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_proposals_thread_id_threads"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposals_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_proposals_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposals_procedure_id"), ["procedure_id"], unique=False
        )
        batch_op.create_index("ix_proposals_state_ends", ["state", "ends_at"], unique=False)

    op.create_table(
        "proposal_districts",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_proposal_districts_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_districts_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "district_id", name=op.f("pk_proposal_districts")),
    )
    with op.batch_alter_table("proposal_districts", schema=None) as batch_op:
        batch_op.create_index("ix_proposal_districts_district", ["district_id"], unique=False)

    op.create_table(
        "proposal_supports",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", dialog.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_supports_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_proposal_supports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "user_id", name=op.f("pk_proposal_supports")),
    )
    with op.batch_alter_table("proposal_supports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_supports_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trusted", sa.Boolean(), server_default="0", nullable=False))

    with op.batch_alter_table("districts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact_name", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("contact_email", sa.String(length=254), server_default="", nullable=False)
        )

    with op.batch_alter_table("methods", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("audience", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("duration", sa.String(length=20), server_default="", nullable=False)
        )

    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), server_default="public", nullable=False)
        )
        batch_op.add_column(
            sa.Column("support_requested_at", dialog.db.UTCDateTime(timezone=True), nullable=True)
        )

    # The review checklist the office starts from (it edits the list on /office/checklist).
    checklist = sa.table(
        "review_checklist",
        sa.column("position", sa.Integer()),
        sa.column("text", sa.String()),
        sa.column("active", sa.Boolean()),
    )
    op.bulk_insert(
        checklist,
        [
            {"position": position, "text": text, "active": True}
            for position, text in enumerate(CHECKLIST)
        ],
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch copy of departments or procedures
    # would drop tables that other rows still reference.
    for table, column in (
        ("procedures", "support_requested_at"),
        ("procedures", "status"),
        ("methods", "duration"),
        ("methods", "audience"),
        ("districts", "contact_email"),
        ("districts", "contact_name"),
        ("departments", "trusted"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")

    with op.batch_alter_table("proposal_supports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_supports_user_id"))

    op.drop_table("proposal_supports")
    with op.batch_alter_table("proposal_districts", schema=None) as batch_op:
        batch_op.drop_index("ix_proposal_districts_district")

    op.drop_table("proposal_districts")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_proposals_state_ends")
        batch_op.drop_index(batch_op.f("ix_proposals_procedure_id"))
        batch_op.drop_index(batch_op.f("ix_proposals_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_proposals_author_id"))

    op.drop_table("proposals")
    with op.batch_alter_table("review_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_entries_procedure_id"))
        batch_op.drop_index(batch_op.f("ix_review_entries_author_id"))

    op.drop_table("review_entries")
    op.drop_table("review_checks")
    with op.batch_alter_table("organisation_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_members_user_id"))

    op.drop_table("organisation_members")
    with op.batch_alter_table("organisation_districts", schema=None) as batch_op:
        batch_op.drop_index("ix_organisation_districts_district")

    op.drop_table("organisation_districts")
    op.drop_table("review_checklist")
    op.drop_table("organisations")
