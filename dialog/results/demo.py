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

IDEAS = (
    ("Bitte mehr Schatten durch Bäume an den Sitzplätzen.", "adopted", "", "Anna aus Babelsberg"),
    (
        "Eine Fahrradstraße statt des schmalen Radwegs wäre sicherer.",
        "partly-adopted",
        "Eine Fahrradstraße ist auf dem nördlichen Abschnitt möglich, im Süden fehlt der Platz.",
        "Potsdamer Radler",
    ),
    (
        "Der Spielplatz sollte nachts beleuchtet sein.",
        "not-adopted",
        "Licht in der Nacht stört die Anwohnenden und Tiere; der Platz schließt bei Dunkelheit.",
        "Kiezmama",
    ),
)
ANSWERS = {
    "adopted": "Danke! Wir pflanzen zwölf Bäume an den Sitzplätzen.",
    "partly-adopted": "Wir setzen das teilweise um.",
    "not-adopted": "Das setzen wir nicht um.",
}


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
        for offset, (text, state, reason, author) in enumerate(IDEAS):
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
                    body=ANSWERS[state],
                    html=render_markdown(ANSWERS[state]),
                    state=state,
                    reason=reason,
                    created_at=now - timedelta(days=20),
                    updated_at=now - timedelta(days=20),
                )
            )
        thread.comment_count = len(IDEAS)
        text = (
            "Der Ausschuss hat die überarbeitete Planung mit den übernommenen Vorschlägen "
            "beschlossen."
        )
        session.add(
            Decision(
                procedure_id=procedure.id,
                text=text,
                html=render_markdown(text),
                decided_on=(now - timedelta(days=10)).date(),
                updated_at=now,
            )
        )
    await session.flush()
