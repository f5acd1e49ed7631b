"""Realistic demo data for Potsdam: departments, districts, methods, procedures, threads, people.

Idempotent: loads only into a database without procedures.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from dialog.accounts.actions import do_add_user
from dialog.accounts.models import Role
from dialog.concerns.demo import add_concerns
from dialog.concerns.demo_year import add_year_of_concerns
from dialog.db import Database, UnitOfWork, utcnow
from dialog.discussion.demo import BLOCKED, add_conversations, add_moderation_cases
from dialog.discussion.hooks import DiscussionHooks
from dialog.evaluation import demo as evaluation_demo
from dialog.i18n import TIMEZONE
from dialog.markup import render_markdown
from dialog.notifications.demo import add_notifications
from dialog.procedures.actions import slugify
from dialog.procedures.demo import add_images
from dialog.procedures.models import (
    Department,
    District,
    Method,
    Procedure,
    ProcedureLink,
    ProcedurePhase,
    Thread,
)
from dialog.procedures.schemas import title_from
from dialog.proposals.demo import add_proposals
from dialog.results.demo import add_results
from dialog.saved_searches.demo import add_saved_searches
from dialog.settings import Settings

DEMO_PASSWORD = "demo-passwort-2026"

DEPARTMENTS = [
    ("stadtplanung", "Fachbereich Stadtplanung", "stadtplanung@rathaus.potsdam.de"),
    (
        "mobilitaet",
        "Fachbereich Mobilität und technische Infrastruktur",
        "mobilitaet@rathaus.potsdam.de",
    ),
    ("gruen", "Fachbereich Klima, Umwelt und Grünflächen", "gruen@rathaus.potsdam.de"),
    ("bildung", "Fachbereich Bildung, Jugend und Sport", "bildung@rathaus.potsdam.de"),
    ("soziales", "Fachbereich Soziales und Inklusion", "soziales@rathaus.potsdam.de"),
    ("kultur", "Fachbereich Kultur und Museum", "kultur@rathaus.potsdam.de"),
]

# Potsdam's districts (Stadtteile and Ortsteile).
DISTRICTS = [
    "Innenstadt",
    "Babelsberg Nord",
    "Babelsberg Süd",
    "Potsdam West",
    "Brandenburger Vorstadt",
    "Nauener Vorstadt",
    "Jägervorstadt",
    "Berliner Vorstadt",
    "Teltower Vorstadt",
    "Bornstedt",
    "Bornim",
    "Eiche",
    "Golm",
    "Drewitz",
    "Am Stern",
    "Kirchsteigfeld",
    "Waldstadt I",
    "Waldstadt II",
    "Schlaatz",
    "Zentrum Ost",
    "Groß Glienicke",
    "Fahrland",
    "Neu Fahrland",
    "Marquardt",
    "Satzkorn",
    "Uetz-Paaren",
    "Krampnitz",
    "Sacrow",
]

METHODS = [
    (
        "online-dialog",
        "Online-Dialog",
        "Meinungen und Hinweise vieler Menschen sammeln und diskutieren.",
        "Wenn viele Menschen zeitunabhängig mitreden sollen.",
        "low",
        "consultation",
    ),
    (
        "buergerwerkstatt",
        "Bürgerwerkstatt",
        "Gemeinsam in Kleingruppen Ideen und Lösungen erarbeiten.",
        "Für konkrete Gestaltungsfragen im Quartier.",
        "medium",
        "consultation",
    ),
    (
        "planungszelle",
        "Planungszelle / Bürgerrat",
        "Zufällig ausgewählte Bürgerinnen und Bürger erarbeiten Empfehlungen.",
        "Für umstrittene Grundsatzfragen.",
        "high",
        "co-decision",
    ),
    (
        "infoveranstaltung",
        "Informationsveranstaltung",
        "Über ein Vorhaben informieren und Fragen beantworten.",
        "Am Anfang eines Vorhabens.",
        "low",
        "information",
    ),
    (
        "stadtteilspaziergang",
        "Stadtteilspaziergang",
        "Vor Ort Probleme und Potenziale gemeinsam erkunden.",
        "Für Fragen, die einen konkreten Ort betreffen.",
        "low",
        "consultation",
    ),
    (
        "buergerhaushalt",
        "Bürgerhaushalt",
        "Bürgerinnen und Bürger schlagen Vorhaben vor und stimmen über Mittel ab.",
        "Für die jährliche Haushaltsplanung.",
        "high",
        "co-decision",
    ),
]

# title, department, districts, phase, level, initiator, method, summary
PROCEDURES = [
    (
        "Radverkehrskonzept 2030",
        "mobilitaet",
        ["Innenstadt", "Babelsberg Nord", "Potsdam West"],
        "active",
        "consultation",
        "city-council",
        "online-dialog",
        "Wo fehlen sichere Radwege? Das neue Radverkehrskonzept legt fest, welche Strecken bis 2030 ausgebaut werden.",
    ),
    (
        "Neugestaltung des Bassinplatzes",
        "stadtplanung",
        ["Innenstadt"],
        "active",
        "consultation",
        "administration",
        "buergerwerkstatt",
        "Der Bassinplatz soll grüner, schattiger und besser nutzbar werden. Wir sammeln Ideen für die Gestaltung.",
    ),
    (
        "Spielplatz am Schlaatz: Ideen gesucht",
        "bildung",
        ["Schlaatz"],
        "active",
        "co-decision",
        "residents",
        "buergerwerkstatt",
        "Kinder und Eltern aus dem Schlaatz entscheiden mit, wie der neue Spielplatz an der Nuthe aussehen soll.",
    ),
    (
        "Klimaanpassung: Hitzeschutz in der Innenstadt",
        "gruen",
        ["Innenstadt", "Nauener Vorstadt"],
        "active",
        "consultation",
        "administration",
        "online-dialog",
        "Welche Orte werden im Sommer zu heiß? Wo braucht es Bäume, Trinkbrunnen und Schatten?",
    ),
    (
        "Verkehrsberuhigung in Babelsberg Süd",
        "mobilitaet",
        ["Babelsberg Süd"],
        "planned",
        "consultation",
        "district-council",
        "stadtteilspaziergang",
        "Anwohnende wünschen sich weniger Durchgangsverkehr. Ein Stadtteilspaziergang startet die Beteiligung.",
    ),
    (
        "Entwicklung des Stadtquartiers Krampnitz",
        "stadtplanung",
        ["Krampnitz", "Fahrland", "Neu Fahrland"],
        "planned",
        "information",
        "city-council",
        "infoveranstaltung",
        "Auf dem ehemaligen Kasernengelände entsteht ein neues Stadtquartier für bis zu 10.000 Menschen.",
    ),
    (
        "Bürgerhaushalt 2027/28",
        "soziales",
        [],
        "planned",
        "co-decision",
        "city-council",
        "buergerhaushalt",
        "Schlagen Sie vor, wofür die Stadt Geld ausgeben oder wo sie sparen soll, und stimmen Sie ab.",
    ),
    (
        "Jugendzentrum Drewitz: neues Programm",
        "bildung",
        ["Drewitz", "Kirchsteigfeld"],
        "evaluation",
        "consultation",
        "residents",
        "online-dialog",
        "Jugendliche haben gesagt, was sie sich vom Jugendzentrum wünschen. Die Ergebnisse werden ausgewertet.",
    ),
    (
        "Uferweg am Griebnitzsee",
        "gruen",
        ["Babelsberg Nord"],
        "evaluation",
        "consultation",
        "district-council",
        "stadtteilspaziergang",
        "Wie kann der Uferweg wieder durchgängig öffentlich zugänglich werden?",
    ),
    (
        "Kulturstandort Schiffbauergasse",
        "kultur",
        ["Berliner Vorstadt"],
        "completed",
        "consultation",
        "administration",
        "buergerwerkstatt",
        "Gemeinsam mit Kulturschaffenden und Anwohnenden wurde ein Leitbild für die Schiffbauergasse erarbeitet.",
    ),
    (
        "Seniorenfreundliches Am Stern",
        "soziales",
        ["Am Stern"],
        "completed",
        "consultation",
        "residents",
        "stadtteilspaziergang",
        "Bänke, Beleuchtung, barrierefreie Wege: Was brauchen ältere Menschen am Stern?",
    ),
    (
        "Straßenbahn nach Golm",
        "mobilitaet",
        ["Golm", "Eiche", "Bornstedt"],
        "completed",
        "information",
        "city-council",
        "infoveranstaltung",
        "Die Planungen für die Straßenbahnverlängerung nach Golm wurden vorgestellt und erörtert.",
    ),
    (
        "Stadtteilpark Waldstadt",
        "gruen",
        ["Waldstadt I", "Waldstadt II"],
        "active",
        "co-decision",
        "district-council",
        "planungszelle",
        "Ein zufällig ausgewählter Bürgerrat erarbeitet Empfehlungen für den neuen Stadtteilpark.",
    ),
    (
        "Schulwegsicherheit Potsdam West",
        "mobilitaet",
        ["Potsdam West", "Brandenburger Vorstadt"],
        "active",
        "consultation",
        "residents",
        "online-dialog",
        "Eltern, Kinder und Lehrkräfte melden gefährliche Stellen auf dem Schulweg.",
    ),
]

# Guiding questions that fit their procedure (the others ask what matters about it).
QUESTIONS = {
    "radverkehrskonzept-2030": "Wo fehlen Ihnen in Potsdam sichere Radwege?",
    "neugestaltung-des-bassinplatzes": "Wie soll der Bassinplatz künftig aussehen?",
    "spielplatz-am-schlaatz-ideen-gesucht": "Was wünscht ihr euch auf dem neuen Spielplatz?",
    "klimaanpassung-hitzeschutz-in-der-innenstadt": (
        "Wo wird es Ihnen im Sommer in der Innenstadt zu heiß?"
    ),
    "schulwegsicherheit-potsdam-west": "Wo ist der Schulweg Ihrer Kinder gefährlich?",
}
# Threads that close at a set time (the others stay open until staff close them).
CLOSING = {"klimaanpassung-hitzeschutz-in-der-innenstadt"}
PHASE_ORDER = ("planned", "active", "evaluation", "completed")
PHASE_DAYS = 40


def _evening(day: date) -> datetime:
    return datetime.combine(day, time(18, 0), tzinfo=ZoneInfo(TIMEZONE)).astimezone(UTC)


async def load(settings: Settings) -> bool:
    db = Database.for_settings(settings)
    try:
        async with db.unit_of_work() as uow:
            if await uow.session.scalar(select(func.count()).select_from(Procedure)):
                return False
            from dialog.app import discussion_hooks  # the composition root, at run time only

            await _load(uow, discussion_hooks(settings))
        await evaluation_demo.compute_groups(db)  # read from committed votes, as the job does
        return True
    finally:
        await db.dispose()


async def _load(uow: UnitOfWork, flag_hooks: DiscussionHooks | None = None) -> None:
    """All demo rows; `flag_hooks` are the app's, so that the demo's report is in the queue."""
    session = uow.session
    departments = {
        slug: Department(slug=slug, name=name, email=email) for slug, name, email in DEPARTMENTS
    }
    districts = {name: District(slug=slugify(name), name=name) for name in DISTRICTS}
    methods = {
        slug: Method(
            slug=slug, name=name, purpose=purpose, when_to_use=when, effort=effort, level=level
        )
        for slug, name, purpose, when, effort, level in METHODS
    }
    session.add_all([*departments.values(), *districts.values(), *methods.values()])
    await session.flush()
    today = date.today()
    now = utcnow()
    for index, (title, dept, dists, phase, level, initiator, method, summary) in enumerate(
        PROCEDURES
    ):
        # Today falls in the middle of the procedure's current phase.
        start_offset = -PHASE_ORDER.index(phase) * PHASE_DAYS - PHASE_DAYS // 2
        description = (
            f"{summary}\n\nDie Beteiligung läuft in mehreren Schritten:\n\n"
            "1. Information über den Stand der Planung\n2. Diskussion hier auf der Plattform\n"
            "3. Auswertung und Antwort des Fachbereichs\n\n"
            "Mehr dazu auf [potsdam.de](https://www.potsdam.de/)."
        )
        procedure = Procedure(
            slug=slugify(title),
            title=title,
            summary=summary,
            description=description,
            description_html=render_markdown(description),
            department_id=departments[dept].id,
            level=level,
            initiator=initiator,
            method_id=methods[method].id,
            phase=phase,
            contact_name="WerkStadt für Beteiligung",
            contact_email=departments[dept].email or "",
            contact_phone="0331 289-0",
            location=dists[0] if dists else "Gesamtstadt",
            districts=[districts[name] for name in dists],
            phases=[
                ProcedurePhase(
                    phase=name,
                    position=position,
                    starts_on=today + timedelta(days=start_offset + position * PHASE_DAYS),
                    ends_on=today
                    + timedelta(days=start_offset + position * PHASE_DAYS + PHASE_DAYS - 1),
                )
                for position, name in enumerate(("planned", "active", "evaluation", "completed"))
            ],
            links=[
                ProcedureLink(
                    position=0,
                    title="Informationsblatt (PDF)",
                    url=f"https://www.potsdam.de/beteiligung/{slugify(title)}.pdf",
                    is_document=True,
                )
            ],
            created_at=now - timedelta(days=100 - index),
            updated_at=now - timedelta(days=index),
        )
        session.add(procedure)
        await session.flush()
        question = QUESTIONS.get(
            procedure.slug, f"Was ist Ihnen beim Vorhaben „{title}“ besonders wichtig?"
        )
        active_ends = today + timedelta(days=start_offset + 2 * PHASE_DAYS - 1)
        session.add(
            Thread(
                procedure_id=procedure.id,
                title=title_from(question),  # each thread called by what it asks
                question=question,
                moderation="pre" if index % 4 == 1 else "post",
                is_open=phase == "active",
                # One discussion announces its end: at 18:00 on the last day of its phase.
                closes_at=_evening(active_ends) if procedure.slug in CLOSING else None,
            )
        )
    await do_add_user(
        uow,
        email="admin@example.org",
        display_name="Admin WerkStadt",
        role=Role.admin,
        password=DEMO_PASSWORD,
    )
    await do_add_user(
        uow,
        email="moderation@example.org",
        display_name="Moderation",
        role=Role.moderator,
        password=DEMO_PASSWORD,
    )
    await do_add_user(
        uow,
        email="werkstadt@example.org",
        display_name="WerkStadt für Beteiligung",
        role=Role.office,
        password=DEMO_PASSWORD,
    )
    for slug in departments:
        await do_add_user(
            uow,
            email=f"{slug}@example.org",
            display_name=f"{departments[slug].name}",
            role=Role.staff,
            department_id=departments[slug].id,
            password=DEMO_PASSWORD,
        )
    for name in ("Anna aus Babelsberg", "Potsdamer Radler", "Kiezmama", "Herr Schulze", BLOCKED):
        await do_add_user(
            uow,
            email=f"{slugify(name)}@example.org",
            display_name=name,
            role=Role.resident,
            password=DEMO_PASSWORD,
        )
    await add_images(uow)
    await add_results(uow)
    await add_conversations(uow)
    await add_moderation_cases(uow, flag_hooks or DiscussionHooks())
    # notifications: follows, notices read and unread, mail choices
    await add_notifications(uow)
    await add_concerns(uow)
    await add_year_of_concerns(uow)
    await evaluation_demo.add_evaluation(uow)
    await add_saved_searches(uow)
    await add_proposals(uow)
