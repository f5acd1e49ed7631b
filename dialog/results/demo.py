"""Demo results: answered contributions and a decision on the completed procedures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dialog.accounts.models import User
from dialog.db import UnitOfWork, utcnow
from dialog.discussion.models import Comment
from dialog.markup import render_markdown
from dialog.procedures.models import Procedure, Thread
from dialog.results.models import Answer, Decision

# Per completed procedure: three ideas (text, state, reason, author, answer) and the decision.
Idea = tuple[str, str, str, str, str]
RESULTS: dict[str, tuple[list[Idea], str]] = {
    "kulturstandort-schiffbauergasse": (
        [
            (
                "Ein gemeinsamer Veranstaltungskalender aller Häuser an der Schiffbauergasse "
                "würde helfen, nichts zu verpassen.",
                "adopted",
                "",
                "Anna aus Babelsberg",
                "Danke! Der gemeinsame Kalender aller Häuser startet im Frühjahr.",
            ),
            (
                "Die Uferwiese sollte im Sommer abends für Open-Air-Kino offen bleiben.",
                "partly-adopted",
                "Open-Air-Kino ist an zwölf Sommerabenden möglich; mehr erlaubt der Lärmschutz "
                "für die Anwohnenden am Tiefen See nicht.",
                "Kiezmama",
                "Wir setzen das an zwölf Abenden im Juli und August um.",
            ),
            (
                "Ein großer Parkplatz direkt am Wasser, damit Gäste bequem anreisen.",
                "not-adopted",
                "Das Ufer bleibt frei; der Standort ist mit Tram und Rad gut erreichbar, das "
                "Parkhaus am Hauptbahnhof liegt zehn Minuten entfernt.",
                "Herr Schulze",
                "Einen Parkplatz am Ufer wird es nicht geben.",
            ),
        ],
        "Der Kulturausschuss hat das Leitbild Schiffbauergasse 2035 beschlossen, mit dem "
        "gemeinsamen Veranstaltungskalender und Kinoabenden am Ufer.",
    ),
    "seniorenfreundliches-am-stern": (
        [
            (
                "Mehr Bänke mit Armlehnen auf dem Weg zum Einkaufszentrum, alle 100 Meter.",
                "adopted",
                "",
                "Herr Schulze",
                "Danke! Wir stellen 15 Bänke mit Armlehnen entlang der Johannsenstraße auf.",
            ),
            (
                "Die Ampel an der Newtonstraße ist für Menschen mit Rollator zu kurz grün.",
                "partly-adopted",
                "Die Grünphase wird tagsüber um acht Sekunden verlängert; abends bleibt sie wegen "
                "des Busverkehrs wie bisher.",
                "Anna aus Babelsberg",
                "Wir setzen das tagsüber um.",
            ),
            (
                "Ein Fahrdienst, der ältere Menschen kostenlos zum Arzt bringt.",
                "not-adopted",
                "Ein Fahrdienst übersteigt die Mittel des Vorhabens; der Seniorenbeirat prüft "
                "ein Ehrenamtsprojekt mit dem Stadtteiltreff.",
                "Kiezmama",
                "Das setzen wir im Rahmen dieses Vorhabens nicht um.",
            ),
        ],
        "Der Ausschuss für Soziales hat den Maßnahmenplan „Seniorenfreundliches Am Stern“ "
        "beschlossen: neue Bänke und längere Grünphasen.",
    ),
    "strassenbahn-nach-golm": (
        [
            (
                "Eine Haltestelle direkt am Wissenschaftspark spart Studierenden den Umstieg.",
                "adopted",
                "",
                "Potsdamer Radler",
                "Danke! Die Haltestelle „Wissenschaftspark“ ist jetzt Teil der Planung.",
            ),
            (
                "Die lauten Bauarbeiten sollten in den Semesterferien stattfinden.",
                "partly-adopted",
                "Die lauten Arbeiten in Golm liegen in den Semesterferien; die Gleise in "
                "Bornstedt werden ganzjährig gebaut.",
                "Anna aus Babelsberg",
                "Wir setzen das für den Abschnitt in Golm um.",
            ),
            (
                "Statt der Straßenbahn lieber mehr Busse, das geht schneller und kostet weniger.",
                "not-adopted",
                "Busse fassen zu wenige Fahrgäste für die erwarteten 12.000 Fahrten am Tag; die "
                "Stadtverordneten haben sich für die Straßenbahn entschieden.",
                "Herr Schulze",
                "Wir bleiben bei der Straßenbahn.",
            ),
        ],
        "Die Stadtverordnetenversammlung hat die Vorzugstrasse mit der Haltestelle am "
        "Wissenschaftspark beschlossen; das Planfeststellungsverfahren beginnt.",
    ),
}


def results_for(slug: str, title: str) -> tuple[list[Idea], str]:
    """The procedure's own results, or general ones that name it (other procedures)."""
    if slug in RESULTS:
        return RESULTS[slug]
    ideas: list[Idea] = [
        (
            f"Beim Vorhaben „{title}“ bitte früh über Bauzeiten informieren.",
            "adopted",
            "",
            "Anna aus Babelsberg",
            "Danke! Wir informieren vier Wochen vor Baubeginn.",
        ),
        (
            "Die Unterlagen sollten auch in leichter Sprache erscheinen.",
            "partly-adopted",
            "Die Zusammenfassung erscheint in leichter Sprache, die Fachgutachten nicht.",
            "Kiezmama",
            "Wir setzen das für die Zusammenfassung um.",
        ),
        (
            "Das Vorhaben sollte ganz gestoppt werden.",
            "not-adopted",
            "Der Auftrag der Stadtverordneten gilt; die Hinweise verbessern die Umsetzung.",
            "Herr Schulze",
            "Das setzen wir nicht um.",
        ),
    ]
    return ideas, f"Der Ausschuss hat die überarbeitete Planung „{title}“ beschlossen."


async def add_results(uow: UnitOfWork) -> None:
    session = uow.session
    now = utcnow()
    people = {u.display_name: u.id for u in (await session.scalars(select(User))).all()}
    rows = await session.execute(
        select(Thread, Procedure)
        .join(Procedure, Procedure.id == Thread.procedure_id)
        .where(Procedure.phase == "completed")
    )
    for thread, procedure in rows.all():
        ideas, decision = results_for(procedure.slug, procedure.title)
        for offset, (text, state, reason, author, answer) in enumerate(ideas):
            comment = Comment(
                thread_id=thread.id,
                author_id=people.get(author),
                body=text,
                html=render_markdown(text),
                status="published",
                up_count=7 - 2 * offset,
                down_count=offset,
                created_at=now - timedelta(days=40 - offset),
            )
            session.add(comment)
            await session.flush()
            comment.root_id = comment.id
            session.add(
                Answer(
                    target=f"comment:{comment.id}",
                    thread_id=thread.id,
                    comment_id=comment.id,
                    department_id=procedure.department_id,
                    body=answer,
                    html=render_markdown(answer),
                    state=state,
                    reason=reason,
                    created_at=now - timedelta(days=20),
                    updated_at=now - timedelta(days=20),
                )
            )
        thread.comment_count = len(ideas)
        session.add(
            Decision(
                procedure_id=procedure.id,
                text=decision,
                html=render_markdown(decision),
                decided_on=(now - timedelta(days=10)).date(),
                updated_at=now,
            )
        )
    await session.flush()
