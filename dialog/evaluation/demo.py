"""Demo evaluation: on the Bassinplatz procedure a codebook with coded contributions, offline
input from a workshop and a letter, and enough votes in two camps for opinion groups."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from dialog.accounts.actions import do_add_user
from dialog.accounts.actor import Actor
from dialog.accounts.models import Role, User
from dialog.db import Database, UnitOfWork, utcnow
from dialog.discussion.models import Comment, CommentStatus, Vote
from dialog.evaluation import actions, jobs
from dialog.evaluation.models import OpinionGroups
from dialog.evaluation.schemas import CodingIn, OfflineIn, ThemeIn
from dialog.markup import render_markdown
from dialog.procedures.models import Procedure, Thread

PROCEDURE = "Neugestaltung des Bassinplatzes"
THEMES = ("Schatten und Grün", "Radverkehr", "Spielen und Familien", "Kosten", "Ruhe und Lärm")
# (text, stance, camp that agrees: "green" | "parking" | None for everyone, themes by index)
STATEMENTS = [
    ("Mehr Bäume rund um den Platz, auch wenn Parkplätze wegfallen.", "for", "green", (0,)),
    ("Die Parkplätze am Markt müssen bleiben, sonst leiden die Händler.", "against", "parking", ()),
    ("Ein Trinkbrunnen im Schatten wäre für alle gut.", "for", None, (0, 2)),
    ("Der Platz sollte autofrei werden.", "for", "green", (1,)),
    ("Lieferverkehr muss jederzeit möglich sein.", "neutral", "parking", ()),
    ("Entsiegelte Flächen statt Pflaster, damit Regen versickert.", "for", "green", (0,)),
    ("Kurzzeitparken für Ältere direkt am Platz erhalten.", "neutral", "parking", ()),
    ("Mehr Bänke mit Lehnen für ältere Menschen.", "for", None, (2,)),
    ("Überdachte Fahrradbügel an allen Ecken des Platzes.", "for", "green", (1,)),
    ("Die Umgestaltung darf nicht mehr kosten als geplant.", "against", "parking", (3,)),
    ("Ein Wasserspiel für Kinder im Sommer.", "for", "green", (2,)),
    ("Nachts soll es auf dem Platz ruhig bleiben.", "neutral", None, (4,)),
    ("Ein Wochenmarkt auch am Samstagnachmittag.", "for", "parking", ()),
    ("Die Busse sollen weiter direkt am Platz halten.", "neutral", "parking", ()),
    ("Schattige Spielgeräte statt offener Sandflächen.", "for", "green", (0, 2)),
    ("Bürgerinnen und Bürger sollen über die Pflanzen mitentscheiden.", "for", None, ()),
    ("Hochbeete, die Nachbarinnen und Nachbarn selbst bepflanzen.", "for", "green", (0,)),
    ("Taxistand und Behindertenparkplätze bleiben, wo sie sind.", "neutral", "parking", ()),
    ("Die Bauzeit soll so kurz wie möglich sein.", "neutral", None, (3, 4)),
    ("Ein Radweg quer über den Platz verbindet die Innenstadt.", "for", "green", (1,)),
]
OFFLINE = [
    (
        "workshop",
        "Bürgerhaus am Schlaatz",
        18,
        "Die Werkstattgruppe wünscht sich Schatten über den Sitzplätzen und einen Trinkbrunnen.",
        (0, 2),
    ),
    (
        "letter",
        "",
        1,
        "Ein Anwohner bittet, dass der Platz nachts ruhig bleibt und die Busse weiter halten.",
        (4,),
    ),
]
VOTERS_PER_CAMP = 10


async def add_evaluation(uow: UnitOfWork) -> None:
    session = uow.session
    procedure = await session.scalar(select(Procedure).where(Procedure.title == PROCEDURE))
    if procedure is None:
        return
    thread = await session.scalar(
        select(Thread).where(Thread.procedure_id == procedure.id).order_by(Thread.id)
    )
    staff = await session.scalar(
        select(User).where(User.role == Role.staff, User.department_id == procedure.department_id)
    )
    if thread is None or staff is None:
        return
    actor = Actor(user_id=staff.id, role=staff.role, department_id=staff.department_id)
    voters = [
        await do_add_user(uow, email=None, display_name=f"Stimme {n:02d}", role=Role.resident)
        for n in range(1, 2 * VOTERS_PER_CAMP + 1)
    ]
    now = utcnow()
    statements: list[Comment] = []
    for index, (text, stance, _camp, _themes) in enumerate(STATEMENTS):
        # Demo statements are known to be fine: published as a post-moderated thread would.
        comment = Comment(
            thread_id=thread.id,
            author_id=voters[index].id,
            body=text,
            html=render_markdown(text),
            stance=stance,
            status=CommentStatus.published,
            created_at=now - timedelta(days=10, minutes=-index * 30),
        )
        session.add(comment)
        statements.append(comment)
    await session.flush()
    for comment in statements:
        comment.root_id = comment.id
    await session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(comment_count=Thread.comment_count + len(statements))
    )
    _vote(uow, voters, statements)
    themes = [await actions.do_create_theme(uow, procedure, ThemeIn(name=name)) for name in THEMES]
    coding: dict[int, CodingIn] = {}
    for comment, (_text, _stance, _camp, indexes) in zip(statements, STATEMENTS, strict=True):
        if indexes:
            coding[comment.id] = CodingIn(themes=[themes[i].id for i in indexes])
    for kind, place, people, text, indexes in OFFLINE:
        entered = await actions.do_enter_offline(
            uow,
            actor,
            procedure,
            OfflineIn(
                thread_id=thread.id,
                kind=kind,
                held_on=date.today() - timedelta(days=12),
                place=place,
                people=people,
                body=text,
            ),
        )
        coding[entered.id] = CodingIn(themes=[themes[i].id for i in indexes])
    await actions.do_code(uow, actor, procedure, coding)
    session.add(OpinionGroups(thread_id=thread.id, changed_event=0, changed_at=now))


def _vote(uow: UnitOfWork, voters: list[User], statements: list[Comment]) -> None:
    """Two camps ("green" and "parking") that agree on the shared statements; every fifth
    voter skips one statement and one in each camp strays once, as real people do."""
    for number, voter in enumerate(voters):
        camp = "green" if number < VOTERS_PER_CAMP else "parking"
        for index, (comment, (_t, _s, side, _th)) in enumerate(
            zip(statements, STATEMENTS, strict=True)
        ):
            if comment.author_id == voter.id or (
                number % 5 == 0 and index == number % len(STATEMENTS)
            ):
                continue
            value = 1 if side is None or side == camp else -1
            if number in (3, 13) and index == 5:
                value = -value
            uow.session.add(Vote(user_id=voter.id, comment_id=comment.id, value=value))
            if value > 0:
                comment.up_count += 1
            else:
                comment.down_count += 1


async def compute_groups(db: Database) -> None:
    """After the demo is committed: the opinion groups of the demo thread, as the job would."""
    async with db.reading() as session:
        thread_ids = (await session.scalars(select(OpinionGroups.thread_id))).all()
    for thread_id in thread_ids:
        await jobs.recompute(db, thread_id)
