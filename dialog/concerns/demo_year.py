"""Demo history for the annual report: the previous year and this year up to three months ago,
generated from a fixed seed so every demo shows the same plausible figures.

About 70 items a month, more in summer (green spaces, litter) and in winter (street lights);
most came online, a quarter by phone, e-mail, letter or in person; the departments replied
first within a few working days and answered within weeks; some items were forwarded, found
not feasible or duplicates; a few were reopened; about a third of the authors rated the answer.
These items are older than the hand-written demo items (dialog/concerns/demo.py), so the lists
show those first.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from dialog.concerns.models import Category, Channel, Concern, Kind, Route, State
from dialog.concerns.workdays import add_working_days
from dialog.db import UnitOfWork, utcnow
from dialog.procedures.models import District

SEED = 2026
PER_MONTH = 70
NEWEST_DAYS_AGO = 90
# Seasonal weight per category slug and month (1..12); 1.0 where not named.
SEASON = {
    "gruen": {5: 1.8, 6: 2.0, 7: 2.0, 8: 1.8, 9: 1.4},
    "muell": {6: 1.5, 7: 1.7, 8: 1.6},
    "licht": {11: 2.0, 12: 2.2, 1: 2.0, 2: 1.6},
    "strasse": {1: 1.5, 2: 1.8, 3: 1.5},
}
TEXTS = {
    "strasse": "Im Gehweg vor Hausnummer {n} ist ein tiefes Schlagloch, Stolpergefahr.",
    "licht": "Die Straßenlaterne an der Ecke (Mast {n}) bleibt nachts dunkel.",
    "radverkehr": "Der Radweg ist auf {n} Metern von Wurzeln aufgebrochen.",
    "bus-bahn": "An der Haltestelle fehlt seit Wochen der Fahrplanaushang (Steig {n}).",
    "gruen": "Die Hecke am Spielweg wuchert über den Gehweg, bitte {n} m zurückschneiden.",
    "muell": "Am Glascontainer {n} liegen wieder Säcke und Sperrmüll.",
    "spielplatz": "Auf dem Spielplatz ist die Schaukel {n} gebrochen und abgesperrt.",
    "schule-kita": "Vor der Grundschule fehlt ein sicherer Überweg, Schulweg {n}.",
    "barrierefrei": "Der Aufzug am Bahnhofszugang {n} ist seit Tagen außer Betrieb.",
    "kultur": "Idee: Sommerkino im Park, zum Beispiel an {n} Abenden im August.",
    "bauen": "Die Baustellenabsperrung lässt nur {n} cm Platz für Rollstühle.",
}
KINDS = {
    "kultur": Kind.idea,
    "schule-kita": Kind.idea,
    "bauen": Kind.complaint,
    "bus-bahn": Kind.complaint,
}
CHANNELS = [Channel.online] * 15 + [Channel.phone] * 3 + [Channel.email] * 2 + [Channel.letter]
OUTCOMES = [State.archived] * 14 + [
    State.not_feasible,
    State.not_feasible,
    State.forwarded,
    State.duplicate,
]


def _months(today: date) -> list[tuple[int, int]]:
    newest = today - timedelta(days=NEWEST_DAYS_AGO)
    months = []
    year, month = today.year - 1, 1
    while (year, month) <= (newest.year, newest.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


async def add_year_of_concerns(uow: UnitOfWork) -> int:
    """Insert the history; returns how many items it wrote."""
    session = uow.session
    rng = random.Random(SEED)
    categories = {c.slug: c for c in (await session.scalars(select(Category))).all()}
    routes = {
        r.category_id: r.department_id
        for r in (await session.scalars(select(Route))).all()
        if r.district_id is None
    }
    districts = [d.id for d in (await session.scalars(select(District))).all()]
    slugs = [s for s in TEXTS if s in categories]
    if not slugs:
        return 0
    today = utcnow().date()
    newest = today - timedelta(days=NEWEST_DAYS_AGO)
    rows: list[dict[str, object]] = []
    for year, month in _months(today):
        weights = [SEASON.get(s, {}).get(month, 1.0) for s in slugs]
        for _ in range(round(PER_MONTH * rng.uniform(0.8, 1.2))):
            day = date(year, month, rng.randint(1, 28))
            if day > newest:
                continue
            slug = rng.choices(slugs, weights)[0]
            category = categories[slug]
            created = datetime(day.year, day.month, day.day, rng.randint(6, 21), tzinfo=UTC)
            state = rng.choice(OUTCOMES)
            replied = add_working_days(day, rng.choice([1, 1, 2, 2, 3, 3, 3, 4, 5, 7]))
            answered = add_working_days(day, max(2, int(rng.gauss(category.answer_days, 6))))
            rated = state == State.archived and rng.random() < 0.35
            channel = rng.choice(CHANNELS)
            anonymous = channel == Channel.online and rng.random() < 0.2
            rows.append(
                {
                    "kind": KINDS.get(slug, rng.choice([Kind.defect, Kind.defect, Kind.complaint]))
                    if rng.random() > 0.05
                    else Kind.praise,
                    "category_id": category.id,
                    "district_id": rng.choice(districts) if districts else None,
                    "text": TEXTS[slug].format(n=rng.randint(2, 90)),
                    "place": "",
                    "is_public": rng.random() < 0.4,
                    "show_name": False,
                    "author_name": "",
                    "email": None if anonymous else f"demo-{len(rows)}@example.org",
                    "anonymous": anonymous,
                    "channel": channel,
                    "state": state,
                    "department_id": routes.get(category.id),
                    "accepted": state in (State.archived, State.not_feasible),
                    "first_reply_due": add_working_days(day, 3),
                    "answer_due": add_working_days(day, category.answer_days),
                    "created_at": created,
                    "updated_at": created + timedelta(days=40),
                    "confirmed_at": created,
                    "first_reply_at": _moment(replied, rng),
                    "answered_at": _moment(answered, rng),
                    "archived_at": _moment(answered + timedelta(days=30), rng)
                    if state == State.archived
                    else None,
                    "forwarded_to": "Verkehrsbetrieb Potsdam (ViP)"
                    if state == State.forwarded
                    else "",
                    "state_reason": "Dafür fehlen im Haushalt die Mittel."
                    if state == State.not_feasible
                    else "",
                    "reopened_count": 1 if rng.random() < 0.04 else 0,
                    "solved": (rng.random() < 0.75) if rated else None,
                    "satisfaction": rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 4])[0]
                    if rated
                    else None,
                }
            )
    if rows:
        await session.execute(insert(Concern), rows)
    return len(rows)


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(8, 16), tzinfo=UTC)
