"""Demo ideas and complaints: the office's categories and routing, answer templates, and a few
dozen items in every state (with supporters, notes, drafts, answers and their history)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dialog.accounts.models import Role, User
from dialog.concerns.models import (
    Answer,
    AnswerState,
    Category,
    Channel,
    Concern,
    DepartmentSetting,
    Note,
    Route,
    State,
    StateChange,
    Supporter,
    Template,
)
from dialog.concerns.workdays import add_working_days
from dialog.db import UnitOfWork, utcnow
from dialog.procedures.models import Department, District

# slug, German, English, department slug, working days to the final answer
CATEGORIES = [
    ("strasse", "Straßen und Gehwege", "Streets and pavements", "mobilitaet", 20),
    ("licht", "Straßenbeleuchtung", "Street lights", "mobilitaet", 10),
    ("radverkehr", "Radverkehr", "Cycling", "mobilitaet", 20),
    ("bus-bahn", "Bus und Bahn", "Buses and trams", "mobilitaet", 20),
    ("gruen", "Grünflächen und Bäume", "Green spaces and trees", "gruen", 20),
    ("muell", "Müll und Sauberkeit", "Litter and cleanliness", "gruen", 10),
    ("spielplatz", "Spielplätze", "Playgrounds", "bildung", 15),
    ("schule-kita", "Schulen und Kitas", "Schools and day care", "bildung", 25),
    ("barrierefrei", "Barrierefreiheit", "Accessibility", "soziales", 20),
    ("kultur", "Kultur und Freizeit", "Culture and leisure", "kultur", 20),
    ("bauen", "Bauen und Planen", "Building and planning", "stadtplanung", 30),
]

TEMPLATES = [
    (
        "Eingangsbestätigung",
        "Vielen Dank für Ihr Anliegen Nr. {number} zum Thema {category}. Der {department} "
        "kümmert sich darum und meldet sich bis zum zugesagten Termin.",
    ),
    (
        "Erledigt",
        "Ihr Anliegen Nr. {number} vom {date} ist erledigt. Vielen Dank für den Hinweis!",
    ),
    (
        "Nicht zuständig",
        "Für Ihr Anliegen Nr. {number} ist die Stadt nicht zuständig. Wir haben es weitergeleitet.",
    ),
]

# text, kind, category slug, district name, place, state, public
ITEMS = [
    (
        "Die Straßenlaterne vor dem Haus Nr. 12 flackert seit Tagen.",
        "defect",
        "licht",
        "Babelsberg Nord",
        "Karl-Liebknecht-Straße 12",
        State.received,
        True,
    ),
    (
        "Im Park liegen nach dem Wochenende viele Flaschen herum.",
        "complaint",
        "muell",
        "Innenstadt",
        "Lustgarten",
        State.received,
        True,
    ),
    (
        "Eine Trinkwasserstelle am Bassinplatz wäre im Sommer toll.",
        "idea",
        "gruen",
        "Innenstadt",
        "Bassinplatz",
        State.received,
        True,
    ),
    (
        "Der Gehweg ist durch Wurzeln so uneben, dass ich mit dem Rollator stürze.",
        "defect",
        "barrierefrei",
        "Potsdam West",
        "Zeppelinstraße 40",
        State.review,
        True,
    ),
    (
        "Die Ampel für Fußgänger ist viel zu kurz grün.",
        "complaint",
        "strasse",
        "Babelsberg Süd",
        "Großbeerenstraße / Wetzlarer Straße",
        State.review,
        True,
    ),
    (
        "Bitte mehr Fahrradbügel am Bahnhof Charlottenhof.",
        "idea",
        "radverkehr",
        "Potsdam West",
        "Bahnhof Charlottenhof",
        State.review,
        True,
    ),
    (
        "Das Klettergerüst auf dem Spielplatz hat eine lose Schraube.",
        "defect",
        "spielplatz",
        "Drewitz",
        "Spielplatz Konrad-Wolf-Allee",
        State.progress,
        True,
    ),
    (
        "Der Radweg endet plötzlich an der Baustelle, ohne Umleitung.",
        "complaint",
        "radverkehr",
        "Bornstedt",
        "Pappelallee",
        State.progress,
        True,
    ),
    (
        "Die Linie 605 kommt morgens oft zu spät zur Schule.",
        "complaint",
        "bus-bahn",
        "Golm",
        "Haltestelle Golm Bahnhof",
        State.progress,
        False,
    ),
    (
        "Die Mitarbeiterin im Bürgerservice war sehr freundlich und hilfsbereit!",
        "praise",
        "kultur",
        None,
        "",
        State.answered,
        True,
    ),
    (
        "Der umgestürzte Baum im Volkspark wurde schnell entfernt, danke.",
        "praise",
        "gruen",
        "Bornstedt",
        "Volkspark",
        State.answered,
        True,
    ),
    (
        "Ein Schlagloch in der Zeppelinstraße ist gefährlich für Radfahrende.",
        "defect",
        "strasse",
        "Potsdam West",
        "Zeppelinstraße 120",
        State.answered,
        True,
    ),
    (
        "Bitte eine Rampe am Eingang der Stadtbibliothek.",
        "idea",
        "barrierefrei",
        "Innenstadt",
        "Am Kanal 47",
        State.answered,
        True,
    ),
    (
        "Eine Seilbahn über die Havel zum Hauptbahnhof.",
        "idea",
        "bus-bahn",
        "Innenstadt",
        "Hauptbahnhof",
        State.not_feasible,
        True,
    ),
    (
        "Der Spielplatz sollte nachts beleuchtet sein.",
        "idea",
        "spielplatz",
        "Babelsberg Nord",
        "Weberplatz",
        State.not_feasible,
        True,
    ),
    (
        "Die Regionalbahn RE1 ist ständig überfüllt.",
        "complaint",
        "bus-bahn",
        None,
        "",
        State.forwarded,
        True,
    ),
    (
        "Das Schwimmbad im Land Brandenburg sollte länger öffnen.",
        "idea",
        "kultur",
        None,
        "",
        State.forwarded,
        True,
    ),
    (
        "Laterne vor Haus Nr. 12 in der Karl-Liebknecht-Straße flackert.",
        "defect",
        "licht",
        "Babelsberg Nord",
        "Karl-Liebknecht-Straße 12",
        State.duplicate,
        True,
    ),
    (
        "Mein Nachbar parkt immer auf dem Gehweg, Kennzeichen P-XY 123.",
        "complaint",
        "strasse",
        "Eiche",
        "",
        State.unpublished,
        True,
    ),
    (
        "Die Sperrmüllabholung hat gut geklappt.",
        "praise",
        "muell",
        "Drewitz",
        "",
        State.archived,
        True,
    ),
    (
        "Die Baustelle am Alten Markt ist abends zu laut.",
        "complaint",
        "bauen",
        "Innenstadt",
        "Alter Markt",
        State.archived,
        True,
    ),
    (
        "Mehr Bänke entlang der Havelpromenade.",
        "idea",
        "gruen",
        "Berliner Vorstadt",
        "Havelpromenade",
        State.received,
        True,
    ),
    (
        "Die Kita-Anmeldung online ist sehr umständlich.",
        "complaint",
        "schule-kita",
        None,
        "",
        State.review,
        False,
    ),
    (
        "Schaukasten mit Veranstaltungen im Stadtteil wäre schön.",
        "idea",
        "kultur",
        "Drewitz",
        "Konrad-Wolf-Allee",
        State.progress,
        True,
    ),
    (
        "Die Gehwegplatten am Brandenburger Tor wackeln.",
        "defect",
        "strasse",
        "Innenstadt",
        "Luisenplatz",
        State.answered,
        True,
    ),
    (
        "Der Bauzaun blockiert den Blindenleitstreifen.",
        "defect",
        "barrierefrei",
        "Innenstadt",
        "Friedrich-Ebert-Straße",
        State.progress,
        True,
    ),
    (
        "Glascontainer am Stern sind immer voll.",
        "complaint",
        "muell",
        "Stern",
        "Johannes-Kepler-Platz",
        State.answered,
        True,
    ),
    (
        "Ein Bürgerhaushalt für Jugendliche.",
        "idea",
        "schule-kita",
        None,
        "",
        State.received,
        True,
    ),
    (
        "Bitte Tempo 30 vor der Grundschule am Priesterweg.",
        "idea",
        "strasse",
        "Teltower Vorstadt",
        "Priesterweg",
        State.review,
        True,
    ),
    (
        "Die Radwegmarkierung in der Breiten Straße ist verblasst.",
        "defect",
        "radverkehr",
        "Innenstadt",
        "Breite Straße",
        State.received,
        True,
    ),
]

STATE_PATHS = {
    State.received: [State.received],
    State.review: [State.received, State.review],
    State.progress: [State.received, State.review, State.progress],
    State.answered: [State.received, State.review, State.progress, State.answered],
    State.not_feasible: [State.received, State.review, State.progress, State.not_feasible],
    State.forwarded: [State.received, State.forwarded],
    State.duplicate: [State.received, State.duplicate],
    State.unpublished: [State.received, State.unpublished],
    State.archived: [State.received, State.review, State.progress, State.answered, State.archived],
}


async def add_concerns(uow: UnitOfWork) -> None:
    session = uow.session
    departments = {d.slug: d for d in (await session.scalars(select(Department))).all()}
    districts = {d.name: d for d in (await session.scalars(select(District))).all()}
    people = (await session.scalars(select(User).order_by(User.id))).all()
    residents = [p for p in people if p.role == Role.resident]
    office = next((p for p in people if p.role == Role.office), None)
    categories: dict[str, Category] = {}
    for position, (slug, de, en, _department, days) in enumerate(CATEGORIES):
        categories[slug] = Category(
            slug=slug, name_de=de, name_en=en, position=position, answer_days=days
        )
    session.add_all(categories.values())
    await session.flush()
    for slug, (_s, _de, _en, department_slug, _days) in zip(categories, CATEGORIES, strict=True):
        if department_slug in departments:
            session.add(
                Route(
                    category_id=categories[slug].id,
                    district_id=None,
                    department_id=departments[department_slug].id,
                )
            )
    if "gruen" in departments:
        session.add(
            DepartmentSetting(
                department_id=departments["gruen"].id,
                publishes_directly=True,
                head_email="leitung-gruen@rathaus.potsdam.de",
            )
        )
    session.add_all(Template(name=name, body=body) for name, body in TEMPLATES)
    now = utcnow()
    first: Concern | None = None
    for index, (text, kind, slug, district, place, state, public) in enumerate(ITEMS):
        category = categories[slug]
        created = now - timedelta(days=2 + index * 3, hours=index)
        routed_to = next(r[3] for r in CATEGORIES if r[0] == slug)
        handler = departments.get(routed_to)
        author = residents[index % len(residents)] if residents and index % 3 else None
        item = Concern(
            kind=kind,
            category_id=category.id,
            district_id=districts[district].id if district and district in districts else None,
            text=text,
            place=place,
            is_public=public,
            show_name=author is not None and index % 2 == 0,
            author_id=author.id if author else None,
            author_name=author.display_name if author else "",
            channel=[Channel.online, Channel.online, Channel.phone, Channel.email, Channel.letter][
                index % 5
            ],
            recorded_by_id=office.id if office and index % 5 in (2, 3, 4) else None,
            anonymous=author is None and not (office and index % 5 in (2, 3, 4)),
            state=state,
            department_id=handler.id if handler and state != State.received else None,
            accepted=state in (State.progress, State.answered, State.not_feasible),
            first_reply_due=add_working_days(created.date(), 3),
            answer_due=add_working_days(created.date(), category.answer_days),
            created_at=created,
            updated_at=created + timedelta(days=1),
            confirmed_at=created,
            token_hash=None,
        )
        path = STATE_PATHS[state]
        if len(path) > 2 or state in (State.forwarded,):
            item.first_reply_at = created + timedelta(days=1 + index % 4)
        if state in (State.answered, State.not_feasible, State.forwarded, State.archived):
            item.answered_at = created + timedelta(days=5 + index % 10)
            item.reopen_until = item.answered_at + timedelta(days=28)
        if state == State.archived:
            item.archived_at = created + timedelta(days=40)
        if state == State.progress:
            item.promised_on = (now + timedelta(days=14)).date()
        if state == State.forwarded:
            item.forwarded_to = "Verkehrsverbund Berlin-Brandenburg (VBB)"
        if state == State.not_feasible:
            item.state_reason = "Das ist technisch und finanziell nicht umsetzbar."
        if state == State.unpublished:
            item.state_reason = "Die Nachricht enthält personenbezogene Daten Dritter."
        if state == State.duplicate and first is not None:
            item.duplicate_of_id = first.id
        if state in (State.answered, State.archived) and index % 2:
            item.solved, item.satisfaction = True, 4 + index % 2
        session.add(item)
        await session.flush()
        if first is None:
            first = item
        for step, (before, after) in enumerate(zip(["", *path], path, strict=False)):
            session.add(
                StateChange(
                    concern_id=item.id,
                    actor_id=office.id if office and step else None,
                    from_state=before,
                    to_state=after,
                    created_at=created + timedelta(hours=step * 20),
                )
            )
        if state in (State.answered, State.not_feasible, State.archived):
            session.add(
                Answer(
                    concern_id=item.id,
                    department_id=item.department_id,
                    outcome=State.not_feasible if state == State.not_feasible else State.answered,
                    body=item.state_reason
                    or "Danke für Ihren Hinweis. Wir haben uns darum gekümmert.",
                    state=AnswerState.published,
                    published_at=item.answered_at,
                    approved_by_id=office.id if office else None,
                )
            )
        if state == State.progress and index % 2:
            session.add(
                Answer(
                    concern_id=item.id,
                    department_id=item.department_id,
                    outcome=State.answered,
                    body="Wir haben den Mangel geprüft; die Reparatur ist beauftragt.",
                )
            )
        if state in (State.review, State.progress):
            session.add(
                Note(
                    concern_id=item.id,
                    author_id=office.id if office else None,
                    body="Bitte mit dem Bauhof abstimmen.",
                )
            )
        fans = [r for r in residents if r.id != item.author_id][: index % 4]
        if state in (State.received, State.review, State.progress):
            for fan in fans:
                session.add(Supporter(concern_id=item.id, user_id=fan.id))
            item.supporter_count = len(fans)
    await session.flush()
