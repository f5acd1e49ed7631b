"""Demo conversations for the active procedures: comments, replies, votes, one post on hold."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dialog.accounts.actions import do_block
from dialog.accounts.actor import Actor
from dialog.accounts.models import User
from dialog.db import UnitOfWork, utcnow
from dialog.discussion.actions import do_flag, do_post_comment
from dialog.discussion.hooks import DiscussionHooks
from dialog.discussion.models import Comment, Vote
from dialog.discussion.schemas import CommentIn, FlagIn
from dialog.procedures.models import Procedure, Thread

# (author, text, stance, reply-to index or None). Every conversation has the same shape (three
# posts, two replies, the same votes), its words fit its procedure.
Conversation = list[tuple[str, str, str | None, int | None]]
CONVERSATIONS: dict[str, Conversation] = {
    "radverkehrskonzept-2030": [
        (
            "Anna aus Babelsberg",
            "Die **Zeppelinstraße** braucht dringend einen geschützten Radstreifen. Morgens "
            "wird es dort zwischen Bus und Lkw richtig eng.",
            "for",
            None,
        ),
        (
            "Potsdamer Radler",
            "Wichtig wären auch sichere Abstellanlagen an den Bahnhöfen Charlottenhof und "
            "Park Sanssouci.",
            "neutral",
            None,
        ),
        (
            "Kiezmama",
            "Unbedingt, und bitte mit Platz für Lastenräder. Mit zwei Kindern finde ich dort "
            "nie einen Stellplatz.",
            "for",
            1,
        ),
        (
            "Herr Schulze",
            "Ich sehe das kritisch: Wenn Parkplätze für Radwege wegfallen, finden Handwerker und "
            "Lieferdienste keinen Platz mehr.",
            "against",
            None,
        ),
        (
            "Anna aus Babelsberg",
            "Im Konzept sind Ladezonen für den Lieferverkehr vorgesehen, siehe "
            "Informationsblatt, Seite 4.",
            None,
            3,
        ),
    ],
    "neugestaltung-des-bassinplatzes": [
        (
            "Anna aus Babelsberg",
            "Ich fände es gut, wenn es **mehr Schatten** gäbe. Im Sommer ist der Platz kaum "
            "auszuhalten.",
            "for",
            None,
        ),
        (
            "Potsdamer Radler",
            "Bitte genug Abstellplätze für Fahrräder am Rand des Platzes vorsehen, nicht mitten "
            "im Grün.",
            "neutral",
            None,
        ),
        (
            "Kiezmama",
            "Und einen Trinkbrunnen neben dem Spielbereich, für Kinder und Hunde.",
            "for",
            1,
        ),
        (
            "Herr Schulze",
            "Der Wochenmarkt muss seinen Platz behalten. Ohne ihn verliert der Bassinplatz sein "
            "Leben.",
            "against",
            None,
        ),
        (
            "Anna aus Babelsberg",
            "Laut Planung bleibt die Marktfläche erhalten und wird nur neu gepflastert.",
            None,
            3,
        ),
    ],
    "spielplatz-am-schlaatz-ideen-gesucht": [
        (
            "Anna aus Babelsberg",
            "Ein **Wasserspielbereich** an der Nuthe wäre toll, im Sommer gibt es im Schlaatz "
            "kaum Abkühlung.",
            "for",
            None,
        ),
        (
            "Potsdamer Radler",
            "Bitte auch Geräte für Kinder mit Behinderung einplanen, zum Beispiel eine "
            "Nestschaukel.",
            "neutral",
            None,
        ),
        (
            "Kiezmama",
            "Ja! Und Bänke im Schatten für Eltern und Großeltern, die zuschauen.",
            "for",
            1,
        ),
        (
            "Herr Schulze",
            "Ich wohne direkt gegenüber. Bitte keinen Ballplatz, auf dem es abends bis spät "
            "laut ist.",
            "against",
            None,
        ),
        (
            "Anna aus Babelsberg",
            "Im Entwurf liegt der Ballplatz auf der Seite zur Nuthe, weg von den Wohnhäusern.",
            None,
            3,
        ),
    ],
}


def conversation_for(procedure_slug: str, title: str) -> Conversation:
    """The procedure's own conversation, or one that names its title (other procedures)."""
    if procedure_slug in CONVERSATIONS:
        return CONVERSATIONS[procedure_slug]
    return [
        ("Anna aus Babelsberg", f"Gut, dass es beim Vorhaben „{title}“ voran geht.", "for", None),
        ("Potsdamer Radler", "Wie ist das Vorhaben mit Rad und Bus erreichbar?", "neutral", None),
        ("Kiezmama", "Das frage ich mich auch, gerade mit Kinderwagen.", "for", 1),
        ("Herr Schulze", "Mir fehlen in den Unterlagen die Kosten.", "against", None),
        ("Anna aus Babelsberg", "Die Kosten stehen im Informationsblatt, Seite 4.", None, 3),
    ]


VOTES = [
    (0, "Kiezmama", 1),
    (0, "Herr Schulze", 1),
    (1, "Anna aus Babelsberg", 1),
    (3, "Kiezmama", -1),
    (3, "Potsdamer Radler", 1),
]


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, role=user.role, display_name=user.display_name, via="session")


async def add_conversations(uow: UnitOfWork, limit: int = 3) -> None:
    people = {u.display_name: u for u in (await uow.session.scalars(select(User))).all()}
    rows = (
        await uow.session.execute(
            select(Thread, Procedure.slug, Procedure.title)
            .join(Procedure, Procedure.id == Thread.procedure_id)
            .where(Procedure.phase == "active", Thread.is_open.is_(True))
            .order_by(Thread.id)
        )
    ).all()
    hooks = DiscussionHooks()
    for thread, slug, title in rows[:limit]:
        posted: list[int] = []
        held = thread.moderation == "pre"
        for author, text, stance, parent in conversation_for(slug, title):
            if held and parent is not None:
                posted.append(0)  # no replies to posts that still wait for review
                continue
            data = CommentIn(
                body=text, stance=stance, parent_id=posted[parent] if parent is not None else None
            )
            comment, _ = await do_post_comment(uow, _actor(people[author]), thread.id, data, hooks)
            posted.append(comment.id)
        if held:
            continue  # held comments cannot be voted on; the queue shows them instead
        for index, voter, value in VOTES:
            # Demo votes are known to be valid: rows and counters written as a vote writes them.
            uow.session.add(Vote(user_id=people[voter].id, comment_id=posted[index], value=value))
            voted = await uow.session.get(Comment, posted[index])
            assert voted is not None
            if value > 0:
                voted.up_count += 1
            else:
                voted.down_count += 1


# The account the moderation blocked: its last post, reported with a note, waits in the queue.
BLOCKED = "Klartext44"
BLOCKED_POST = (
    "Radfahrer sind doch alle Rüpel. Die gehören nicht auf die Straße, sondern bestraft, "
    "und wer das anders sieht, hat keine Ahnung."
)
REPORT_NOTE = (
    "Pauschale Beschimpfung aller Radfahrenden, kein Beitrag zur Sache. Derselbe Nutzer "
    "schreibt seit Tagen so."
)
BLOCK_REASON = (
    "Wiederholte Beleidigungen anderer Teilnehmender trotz Hinweis auf die Netiquette "
    "(Regel 1: respektvoller Umgang)."
)


async def add_moderation_cases(uow: UnitOfWork, flag_hooks: DiscussionHooks) -> None:
    """A report with the reporter's note and a blocked account (reason, end) in the demo.

    `flag_hooks` are the app's (moderation puts the reported post into its queue)."""
    people = {u.display_name: u for u in (await uow.session.scalars(select(User))).all()}
    thread_id = await uow.session.scalar(
        select(Thread.id)
        .join(Procedure, Procedure.id == Thread.procedure_id)
        .where(Procedure.slug == "radverkehrskonzept-2030")
    )
    assert thread_id is not None, "the demo's cycling procedure has its thread"
    blocked = people[BLOCKED]
    data = CommentIn(body=BLOCKED_POST, stance="against")
    post, _ = await do_post_comment(uow, _actor(blocked), thread_id, data, DiscussionHooks())
    reporter = _actor(people["Potsdamer Radler"])
    report = FlagIn(reason="insult", note=REPORT_NOTE)
    await do_flag(uow, reporter, post.id, report, flag_hooks)
    until = (utcnow() + timedelta(days=14)).replace(hour=16, minute=0, second=0, microsecond=0)
    await do_block(uow, people["Moderation"].id, blocked, until=until, reason=BLOCK_REASON)
