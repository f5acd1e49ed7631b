"""Demo proposals in every state, a few organisations, district contacts and a procedure in the
office's review, made through the real actions so that threads, events and notices exist."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dialog.accounts.actor import Actor
from dialog.accounts.models import User
from dialog.db import UnitOfWork, utcnow
from dialog.discussion.actions import do_post_comment
from dialog.discussion.hooks import DiscussionHooks
from dialog.discussion.schemas import CommentIn
from dialog.organisations.actions import do_create_organisation
from dialog.organisations.models import Membership
from dialog.organisations.schemas import OrganisationIn
from dialog.procedures.models import Department, District, Method, Procedure, Status, Thread
from dialog.proposals.actions import do_create_proposal, do_decide, do_give_statement, do_support
from dialog.proposals.models import Proposal
from dialog.proposals.schemas import ProposalDecisionIn, ProposalIn, StatementIn
from dialog.review.models import Entry, EntryKind
from dialog.settings import Settings

ORGANISATIONS = [
    ("Stadtteilrat Babelsberg", "district-council", ["babelsberg-nord", "babelsberg-sued"]),
    ("Initiative Radweg Zeppelinstraße", "initiative", ["potsdam-west"]),
    ("Quartiersmanagement Drewitz", "neighbourhood-management", ["drewitz"]),
    ("Beteiligungsrat Potsdam", "participation-council", []),
]

# (title, summary, districts, department, final state, proposer e-mail, organisation)
PROPOSALS = [
    (
        "Mehr Sitzbänke am Bassinplatz",
        "Auf dem Bassinplatz fehlen Sitzgelegenheiten im Schatten, vor allem für ältere Menschen.",
        ["innenstadt"],
        "gruen",
        "collecting",
        "anna-aus-babelsberg@example.org",
        None,
    ),
    (
        "Sichere Radwege in der Zeppelinstraße",
        "Die Zeppelinstraße braucht durchgehende, geschützte Radwege in beide Richtungen.",
        ["potsdam-west"],
        "mobilitaet",
        "threshold-reached",
        "potsdamer-radler@example.org",
        "initiative-radweg-zeppelinstrasse",
    ),
    (
        "Ein Jugendtreff im Schlaatz",
        "Jugendliche im Schlaatz wünschen sich einen offenen Treffpunkt mit langen Öffnungszeiten.",
        ["schlaatz"],
        "bildung",
        "forwarded",
        "kiezmama@example.org",
        None,
    ),
    (
        "Bürgerhaushalt für Babelsberg",
        "Die Bewohnerinnen und Bewohner entscheiden jedes Jahr über einen Teil des Haushalts.",
        ["babelsberg-nord", "babelsberg-sued"],
        "stadtplanung",
        "accepted",
        "anna-aus-babelsberg@example.org",
        None,
    ),
    (
        "Seilbahn über die Havel",
        "Eine Seilbahn soll Babelsberg und die Innenstadt über die Havel verbinden.",
        ["innenstadt", "babelsberg-nord"],
        "mobilitaet",
        "declined",
        "herr-schulze@example.org",
        None,
    ),
    (
        "Wasserspielplatz in Bornstedt",
        "Ein Wasserspielplatz für heiße Sommertage im Volkspark Bornstedt.",
        ["bornstedt"],
        "gruen",
        "expired",
        "kiezmama@example.org",
        None,
    ),
    (
        "Längere Öffnungszeiten der Stadtbibliothek",
        "Die Stadtbibliothek soll auch am Sonntagnachmittag geöffnet sein.",
        ["innenstadt"],
        "kultur",
        "submitted",
        "herr-schulze@example.org",
        None,
    ),
]
REASON = (
    "Wir haben im Stadtteil mit vielen Menschen gesprochen. Das Anliegen kommt immer wieder.\n\n"
    "- es betrifft viele Menschen\n- es lässt sich gut umsetzen\n"
    "- es macht den Stadtteil lebendiger"
)


async def add_proposals(uow: UnitOfWork, settings: Settings | None = None) -> None:
    settings = settings or Settings()
    people = {
        u.email: u for u in (await uow.session.scalars(select(User))).all() if u.email is not None
    }

    def as_actor(email: str) -> Actor:
        user = people[email]
        return Actor(user_id=user.id, role=user.role, department_id=user.department_id)

    office = as_actor("werkstadt@example.org")
    await _districts(uow)
    organisations = [
        await do_create_organisation(
            uow,
            office,
            OrganisationIn.model_validate(
                {"name": name, "kind": kind, "districts": districts, "contact": f"Kontakt: {name}"}
            ),
        )
        for name, kind, districts in ORGANISATIONS
    ]
    radler = people["potsdamer-radler@example.org"]
    uow.session.add(
        Membership(organisation_id=organisations[1].id, user_id=radler.id, confirmed_at=utcnow())
    )
    kiezmama = people["kiezmama@example.org"]
    # Waits for the office's confirmation (the overview shows it).
    uow.session.add(Membership(organisation_id=organisations[0].id, user_id=kiezmama.id))
    await uow.session.flush()
    await _comment_as_organisation(uow, as_actor(radler.email or ""), organisations[1].slug)
    residents = [e for e, u in people.items() if u.role == "resident"]
    for title, summary, districts, department, state, author, organisation in PROPOSALS:
        data = ProposalIn(
            title=title,
            summary=summary,
            reason=REASON,
            districts=districts,
            department=department,
            organisation=organisation,
        )
        created = await do_create_proposal(uow, as_actor(author), data)
        if state == "submitted":
            continue
        threshold = 3 if state in ("threshold-reached", "forwarded", "accepted") else 100
        publish = ProposalDecisionIn(action="publish", threshold=threshold, days=90)
        await do_decide(uow, settings, office, created.id, publish)
        for email in residents[: 3 if threshold == 3 else 2]:
            await do_support(uow, settings, as_actor(email), created.id)
        if state == "forwarded":
            await do_decide(uow, settings, office, created.id, ProposalDecisionIn(action="forward"))
            statement = StatementIn(
                body="Der Fachbereich prüft einen Standort in der Nähe der Grundschule. "
                "Eine Entscheidung folgt nach den Sommerferien."
            )
            await do_give_statement(
                uow, settings, as_actor(f"{department}@example.org"), created.id, statement
            )
        elif state == "accepted":
            reason = "Die WerkStadt plant mit dem Fachbereich ein Beteiligungsverfahren."
            await do_decide(
                uow,
                settings,
                office,
                created.id,
                ProposalDecisionIn(action="accept", reason=reason),
            )
        elif state == "declined":
            reason = "Eine Seilbahn liegt außerhalb der Zuständigkeit und des Haushalts der Stadt."
            await do_decide(
                uow,
                settings,
                office,
                created.id,
                ProposalDecisionIn(action="decline", reason=reason),
            )
        elif state == "expired":
            found = await uow.session.get(Proposal, created.id)
            assert found is not None
            found.ends_at = utcnow() - timedelta(days=1)
            found.state = "expired"
    await _procedure_in_review(uow, people["stadtplanung@example.org"].id)
    await _method_fit(uow)


# When each demo method fits (dialog.methods): whom it reaches and how long it takes.
METHOD_FIT = {
    "online-dialog": ("Viele Menschen, zeitunabhängig, auch Berufstätige", "short"),
    "buergerwerkstatt": ("20 bis 60 Menschen vor Ort, auch ohne Vorwissen", "medium"),
    "planungszelle": ("Zufällig ausgewählte Bürgerinnen und Bürger", "long"),
    "infoveranstaltung": ("Alle Interessierten eines Stadtteils", "short"),
    "stadtteilspaziergang": ("Nachbarschaft, ältere Menschen, Familien", "short"),
    "buergerhaushalt": ("Die ganze Stadt, über ein Haushaltsjahr", "long"),
}


async def _method_fit(uow: UnitOfWork) -> None:
    for method in (await uow.session.scalars(select(Method))).all():
        if method.slug in METHOD_FIT:
            method.audience, method.duration = METHOD_FIT[method.slug]
    await uow.session.flush()


async def _districts(uow: UnitOfWork) -> None:
    for district in (await uow.session.scalars(select(District))).all():
        district.contact_name = f"Stadtteilkoordination {district.name}"
        district.contact_email = f"{district.slug}@stadtteilarbeit.example.org"
    await uow.session.flush()


async def _procedure_in_review(uow: UnitOfWork, staff_id: int) -> None:
    """A department's draft, sent for review with a request for process support."""
    department = await uow.session.scalar(
        select(Department).where(Department.slug == "stadtplanung")
    )
    assert department is not None
    procedure = Procedure(
        slug="spielplatzkonzept-potsdam-west",
        title="Spielplatzkonzept Potsdam West",
        summary="Welche Spielplätze in Potsdam West sollen zuerst erneuert werden?",
        department_id=department.id,
        level="consultation",
        initiator="administration",
        phase="planned",
        status=Status.review,
        support_requested_at=utcnow(),
    )
    uow.session.add(procedure)
    await uow.session.flush()
    uow.session.add_all(
        [
            Entry(
                procedure_id=procedure.id,
                author_id=staff_id,
                kind=EntryKind.support_requested,
                body="Wir wünschen uns Hilfe bei der Wahl der Methode für Kinder.",
            ),
            Entry(procedure_id=procedure.id, author_id=staff_id, kind=EntryKind.submitted),
        ]
    )
    await uow.session.flush()


async def _comment_as_organisation(uow: UnitOfWork, member: Actor, slug: str) -> None:
    """The initiative speaks in the first open discussion: the public reads its name,
    moderators the member who wrote it."""
    thread_id = await uow.session.scalar(
        select(Thread.id)
        .join(Procedure, Procedure.id == Thread.procedure_id)
        .where(Procedure.phase == "active", Thread.is_open.is_(True))
        .order_by(Thread.id)
    )
    if thread_id is None:
        return
    data = CommentIn(
        body="Als Initiative sammeln wir seit zwei Jahren Hinweise zu gefährlichen Stellen. "
        "Gerne bringen wir sie in die Planung ein.",
        as_organisation=slug,
    )
    await do_post_comment(uow, member, thread_id, data, DiscussionHooks())
