"""Writes of moderation: holds, flags, claims, decisions, appeals, blocks, rule changes.

Comment status changes go through `dialog.discussion.actions.do_change_status` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dialog.accounts.actor import Actor
from dialog.accounts.models import User
from dialog.db import UnitOfWork, utcnow
from dialog.direct import Script, Sql, run_in_session
from dialog.discussion.actions import do_change_status, organisation_of
from dialog.discussion.events import COMMENT_QUEUED
from dialog.discussion.models import Comment, CommentStatus, Flag
from dialog.discussion.present import queued_out
from dialog.errors import Conflict, Forbidden, NotAuthenticated, NotFound
from dialog.i18n import lazy, translations
from dialog.live.outbox import emit
from dialog.notifications.actions import do_notify
from dialog.procedures.models import Thread
from dialog.settings import Settings
from dialog.web.inputs import validate
from moderation import audit, policy, rules
from moderation.events import COMMENT_CLAIMED, COMMENT_DECIDED, Claim, Decided
from moderation.models import Appeal, Decision, ReviewItem, Rule

NOT_FOUND = lazy("This comment does not exist.")
PUBLISHED_TITLE = lazy("Your comment is published")
PUBLISHED_BODY = lazy("A moderator reviewed your comment and published it.")
REJECTED_TITLE = lazy("Your comment was not published")
HIDDEN_TITLE = lazy("Your comment was hidden")
REASON = lazy("Reason: {reason}.")
MAY_APPEAL = lazy("You may ask once for a second review.")
BLOCKED_TITLE = lazy("Your account is blocked from writing")
BLOCKED_UNTIL_TITLE = lazy("Your account is blocked from writing until {until}")
STILL_READ = lazy("You can still read everything.")


def require_moderator(actor: Actor) -> None:
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))
    if not policy.can_moderate(actor):
        raise Forbidden(lazy("Only moderators may do this."))


# -- holding posts -----------------------------------------------------------------------------


RULE_SETTINGS = Sql("SELECT name, enabled, params FROM moderation_rules", json=(2,))


def rule_settings() -> Script[list[rules.RuleConfig]]:
    """Every rule with its stored setting or its default (one read, the same for all uses)."""
    stored = yield RULE_SETTINGS()
    return rules.configs({name: (bool(on), dict(params)) for name, on, params in stored})


async def rule_configs(uow_or_session: Any) -> list[rules.RuleConfig]:
    session = getattr(uow_or_session, "session", uow_or_session)
    return await run_in_session(session, rule_settings())


# Counts up to `enough`: whether the rule still applies, not how much someone wrote in years.
PUBLISHED_BY = Sql(
    "SELECT count(*) FROM (SELECT 1 FROM comments WHERE author_id = :author_id "
    "AND status = 'published' LIMIT :enough) AS published"
)
RECENT_TEXTS = Sql(
    "SELECT body FROM comments WHERE author_id = :author_id AND created_at >= :since"
)


def hold_reason(actor: Actor, body: str) -> Script[str | None]:
    """The discussion's hook: the first rule that holds this post, or None to publish it."""
    configs = yield from rule_settings()
    enabled = {rule.name: rule for rule in configs if rule.enabled}
    published = 0
    recent: frozenset[str] = frozenset()
    if actor.user_id is not None and "first-posts" in enabled:
        first_posts = enabled["first-posts"].value()
        assert isinstance(first_posts, rules.FirstPosts)
        (counted,) = yield PUBLISHED_BY(author_id=actor.user_id, enough=first_posts.count)
        published = counted[0]
    if actor.user_id is not None and "repeated-text" in enabled:
        value = enabled["repeated-text"].value()
        assert isinstance(value, rules.RepeatedText)
        texts = yield RECENT_TEXTS(
            author_id=actor.user_id, since=utcnow() - timedelta(hours=value.hours)
        )
        recent = frozenset(rules.normalize(text) for (text,) in texts)
    return rules.first_match(configs, body, rules.AuthorHistory(published, recent))


async def do_set_rule(
    uow: UnitOfWork, actor: Actor, name: str, enabled: bool, params: dict[str, Any]
) -> rules.RuleConfig:
    if not policy.can_configure_rules(actor):
        raise Forbidden(lazy("Only administrators may change the moderation rules."))
    if name not in rules.RULES:
        raise NotFound(lazy("This rule does not exist."))
    value = validate(rules.RULES[name], params)
    before = next(rule for rule in await rule_configs(uow) if rule.name == name)
    stored = await uow.session.get(Rule, name)
    if stored is None:
        stored = Rule(name=name)
        uow.session.add(stored)
    stored.enabled = enabled
    stored.params = value.model_dump()
    stored.updated_at = utcnow()
    stored.updated_by = actor.user_id
    await uow.session.flush()
    after = rules.RuleConfig(name, enabled, value.model_dump())
    await audit.append(
        uow,
        actor.user_id,
        "rule",
        f"rule:{name}",
        {
            "before": {"enabled": before.enabled, "params": before.params},
            "after": {"enabled": after.enabled, "params": after.params},
        },
    )
    return after


# -- the queue item ----------------------------------------------------------------------------


async def ensure_item(uow: UnitOfWork, comment_id: int) -> ReviewItem:
    """The comment's review row, created on first use (concurrent callers share one row)."""
    dialect = uow.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await uow.session.execute(
        insert(ReviewItem)
        .values(comment_id=comment_id, version=0)
        .on_conflict_do_nothing(index_elements=["comment_id"])
    )
    item = await uow.session.get(ReviewItem, comment_id, populate_existing=True)
    assert item is not None
    return item


async def _open(uow: UnitOfWork, comment: Comment, reason: str, extra: dict[str, Any]) -> bool:
    """Put the comment into the queue; True if it was not there yet (moderators are told)."""
    item = await ensure_item(uow, comment.id)
    if item.open_since is not None:
        return False
    item.open_since = utcnow()
    item.open_reason = reason
    for key, value in extra.items():
        setattr(item, key, value)
    await uow.session.flush()
    author = await uow.session.get(User, comment.author_id) if comment.author_id else None
    name = author.display_name if author else None
    deleted = author is not None and author.is_deleted
    organisation = await organisation_of(uow.session, comment)
    await emit(uow, COMMENT_QUEUED, queued_out(comment, name, deleted, reason, organisation))
    return True


async def on_flag(uow: UnitOfWork, settings: Settings, comment: Comment) -> None:
    """The discussion's flag hook: back into the queue; hidden once enough accounts flagged."""
    await _open(uow, comment, "flags", {})
    flaggers = (
        await uow.session.scalar(
            select(func.count(func.distinct(Flag.user_id))).where(
                Flag.comment_id == comment.id, Flag.reviewed_at.is_(None)
            )
        )
    ) or 0
    if flaggers >= settings.flag_threshold and comment.status == CommentStatus.published:
        await do_change_status(uow, comment, CommentStatus.hidden)


async def access_comment(uow: UnitOfWork, comment_id: int) -> Comment:
    comment = await uow.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(NOT_FOUND)
    return comment


async def do_claim(uow: UnitOfWork, actor: Actor, comment_id: int) -> ReviewItem:
    require_moderator(actor)
    comment = await access_comment(uow, comment_id)
    item = await ensure_item(uow, comment.id)
    now = utcnow()
    if policy.claim_blocks(actor, item.claimed_by, item.claim_expires_at, now):
        raise Conflict(lazy("Another moderator is working on this item."))
    item.claimed_by = actor.user_id
    item.claim_expires_at = now + timedelta(seconds=policy.CLAIM_SECONDS)
    await uow.session.flush()
    claim = Claim(id=comment.id, claimed_by=actor.user_id, until=item.claim_expires_at)
    await emit(uow, COMMENT_CLAIMED, claim)
    return item


async def do_release(uow: UnitOfWork, actor: Actor, comment_id: int) -> None:
    require_moderator(actor)
    await uow.session.execute(
        update(ReviewItem)
        .where(ReviewItem.comment_id == comment_id, ReviewItem.claimed_by == actor.user_id)
        .values(claimed_by=None, claim_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    await emit(uow, COMMENT_CLAIMED, Claim(id=comment_id, claimed_by=None, until=None))


# -- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionIn:
    action: str
    reason: str
    note: str = ""
    version: int | None = None


async def do_decide(
    uow: UnitOfWork, settings: Settings, actor: Actor, comment_id: int, data: DecisionIn
) -> Decision:
    """Decide one item. A stale `version`, another's claim or a finished item: 409."""
    require_moderator(actor)
    comment = await access_comment(uow, comment_id)
    item = await ensure_item(uow, comment.id)
    now = utcnow()
    if not policy.can_decide(actor, item.excluded_moderator_id):
        raise Forbidden(
            lazy("You decided this comment before; another moderator reviews the appeal.")
        )
    if policy.claim_blocks(actor, item.claimed_by, item.claim_expires_at, now):
        raise Conflict(lazy("Another moderator is working on this item."))
    in_queue = comment.status == CommentStatus.pending or item.open_since is not None
    target = policy.next_status(data.action, comment.status, in_queue)
    expected = item.version if data.version is None else data.version
    if target is None or expected != item.version:
        raise Conflict(lazy("This item was decided meanwhile. Here is its current state."))
    changed = await uow.session.execute(
        update(ReviewItem)
        .where(ReviewItem.comment_id == comment.id, ReviewItem.version == expected)
        .values(
            version=ReviewItem.version + 1,
            open_since=None,
            open_reason=None,
            claimed_by=None,
            claim_expires_at=None,
            excluded_moderator_id=None,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(changed, "rowcount", 0) != 1:
        raise Conflict(lazy("This item was decided meanwhile. Here is its current state."))
    entered = item.open_since or comment.created_at
    queue_reason = item.open_reason or comment.held_by
    appeal = await uow.session.scalar(
        select(Appeal).where(Appeal.comment_id == comment.id, Appeal.resolved_at.is_(None))
    )
    before = comment.status
    thread = await uow.session.get(Thread, comment.thread_id)
    await do_change_status(uow, comment, CommentStatus(target))
    await uow.session.execute(
        update(Flag)
        .where(Flag.comment_id == comment.id, Flag.reviewed_at.is_(None))
        .values(reviewed_at=now, upheld=target != CommentStatus.published)
        .execution_options(synchronize_session=False)
    )
    if appeal is not None:
        appeal.resolved_at = now
    decision = Decision(
        comment_id=comment.id,
        procedure_id=thread.procedure_id if thread else None,
        author_id=comment.author_id,
        moderator_id=actor.user_id,
        action=data.action,
        reason=data.reason,
        note=data.note,
        status_before=before,
        status_after=target,
        queue_reason=queue_reason if in_queue else None,
        waited_seconds=int((now - entered).total_seconds()) if in_queue else None,
        on_appeal=appeal is not None,
        created_at=now,
    )
    uow.session.add(decision)
    await uow.session.flush()
    await audit.append(
        uow,
        actor.user_id,
        "decision",
        f"comment:{comment.id}",
        {
            "decision_id": decision.id,
            "action": data.action,
            "reason": data.reason,
            "note": data.note,
            "status_before": before,
            "status_after": target,
            "on_appeal": appeal is not None,
        },
    )
    decided = Decided(
        id=comment.id,
        thread_id=comment.thread_id,
        action=data.action,
        reason=data.reason,
        status=target,
        version=item.version + 1,
        moderator_id=actor.user_id,
    )
    await emit(uow, COMMENT_DECIDED, decided)
    if comment.author_id is not None and before != target:
        await _tell_author(uow, settings, comment, decision)
    return decision


async def _tell_author(
    uow: UnitOfWork, settings: Settings, comment: Comment, decision: Decision
) -> None:
    author = await uow.session.get(User, comment.author_id)
    if author is None or author.is_deleted:
        return
    t = translations(author.locale).gettext
    reason = t(policy.REASONS.get(decision.reason, decision.reason))
    if decision.status_after == CommentStatus.published:
        title = t(PUBLISHED_TITLE)
        body = t(PUBLISHED_BODY)
    elif decision.status_after == CommentStatus.rejected:
        title = t(REJECTED_TITLE)
        body = t(REASON).format(reason=reason)
    else:
        title = t(HIDDEN_TITLE)
        body = t(REASON).format(reason=reason)
    if decision.status_after != CommentStatus.published and not decision.on_appeal:
        body += " " + t(MAY_APPEAL)
    await do_notify(
        uow,
        settings,
        [author.id],
        kind="comment.decided",
        title=title,
        body=body,
        url=f"/moderation/comments/{comment.id}/status",
    )


# -- appeals -----------------------------------------------------------------------------------


async def do_appeal(uow: UnitOfWork, actor: Actor, comment_id: int, text: str) -> Appeal:
    comment = await access_comment(uow, comment_id)
    appealed = (
        await uow.session.scalar(select(Appeal.id).where(Appeal.comment_id == comment.id))
    ) is not None
    last = await uow.session.scalar(
        select(Decision)
        .where(Decision.comment_id == comment.id)
        .order_by(Decision.id.desc())
        .limit(1)
    )
    if not policy.can_appeal(actor, comment.author_id, comment.status, appealed) or last is None:
        if appealed:
            raise Conflict(lazy("You asked for a second review of this comment already."))
        raise Forbidden(lazy("Only the author may ask for a second review of a removed comment."))
    appeal = Appeal(comment_id=comment.id, decision_id=last.id, text=text)
    uow.session.add(appeal)
    await uow.session.flush()
    await _open(uow, comment, "appeal", {"excluded_moderator_id": last.moderator_id})
    return appeal


# -- blocks ------------------------------------------------------------------------------------


async def do_block(
    uow: UnitOfWork, settings: Settings, actor: Actor, user_id: int, period: str, reason: str
) -> User:
    require_moderator(actor)
    target = await uow.session.get(User, user_id)
    if target is None or target.is_deleted:
        raise NotFound(lazy("This account does not exist."))
    if not policy.can_block(actor, target.id, target.role):
        raise Forbidden(lazy("You may not block this account."))
    length = policy.BLOCK_PERIODS[period]
    until = policy.PERMANENT if length is None else utcnow() + length
    target.blocked_until = until
    target.block_reason = reason
    await uow.session.flush()
    await audit.append(
        uow,
        actor.user_id,
        "block",
        f"user:{target.id}",
        {"period": period, "until": until.isoformat(), "reason": reason},
    )
    t = translations(target.locale).gettext
    if length is None:
        title = t(BLOCKED_TITLE)
    else:
        title = t(BLOCKED_UNTIL_TITLE).format(until=until.strftime("%Y-%m-%d %H:%M UTC"))
    await do_notify(
        uow,
        settings,
        [target.id],
        kind="account.blocked",
        title=title,
        body=t(REASON).format(reason=reason) + " " + t(STILL_READ),
        url="/netiquette",
    )
    return target


async def do_unblock(uow: UnitOfWork, actor: Actor, user_id: int) -> User:
    require_moderator(actor)
    target = await uow.session.get(User, user_id)
    if target is None:
        raise NotFound(lazy("This account does not exist."))
    if not policy.can_block(actor, target.id, target.role):
        raise Forbidden(lazy("You may not block this account."))
    before: datetime | None = target.blocked_until
    target.blocked_until = None
    target.block_reason = None
    await uow.session.flush()
    await audit.append(
        uow,
        actor.user_id,
        "unblock",
        f"user:{target.id}",
        {"was_until": before.isoformat() if before else None},
    )
    return target
