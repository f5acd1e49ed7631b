"""Comments as the API, the pages and the live stream show them."""

from __future__ import annotations

from dialog.accounts.actor import ANONYMOUS, Actor
from dialog.discussion import policy
from dialog.discussion.events import QueuedComment
from dialog.discussion.models import Comment
from dialog.discussion.schemas import AuthorOut, CommentOut, OrganisationRef
from dialog.i18n import gettext as _
from dialog.i18n import lazy

DELETED_ACCOUNT = lazy("deleted account")
# A comment posted as an organisation whose name the caller did not load: never the person.
AN_ORGANISATION = lazy("an organisation")
# Who moderators' events are built for: they read held and hidden text.
MODERATOR_VIEW = Actor(user_id=0, role="moderator")


def author_out(author_id: int | None, name: str | None, deleted: bool) -> AuthorOut:
    if author_id is None or deleted:
        return AuthorOut(id=None, name=_(DELETED_ACCOUNT))
    return AuthorOut(id=author_id, name=name or "")


def organisation_ref(slug: str | None, name: str | None) -> OrganisationRef | None:
    """The organisation a comment was posted as (columns of an outer join), or None."""
    if slug is None or name is None:
        return None
    return OrganisationRef(slug=slug, name=name, url=f"/organisations/{slug}")


def comment_author(
    comment: Comment,
    author_name: str | None,
    author_deleted: bool,
    viewer: Actor,
    organisation: OrganisationRef | None,
) -> AuthorOut:
    """The author as this viewer may see them: posted as an organisation, the public reads the
    organisation only; moderators and the person read both."""
    if comment.organisation_id is None:
        return author_out(comment.author_id, author_name, author_deleted)
    if policy.sees_person_behind(viewer, comment.author_id):
        person = author_out(comment.author_id, author_name, author_deleted)
        return AuthorOut(id=person.id, name=person.name, organisation=organisation)
    if organisation is None:
        return AuthorOut(id=None, name=_(AN_ORGANISATION))
    return AuthorOut(id=None, name=organisation.name, organisation=organisation)


def comment_url(comment_id: int) -> str:
    """A comment's permalink: it leads to the page of its thread that shows it, wherever that is."""
    return f"/comments/{comment_id}"


def comment_out(
    comment: Comment,
    author_name: str | None,
    author_deleted: bool = False,
    viewer: Actor = ANONYMOUS,
    my_vote: int | None = None,
    organisation: OrganisationRef | None = None,
) -> CommentOut:
    """The viewer decides what text is included: never text they may not read."""
    readable = policy.can_read_text(viewer, comment.status, comment.author_id)
    return CommentOut(
        id=comment.id,
        thread_id=comment.thread_id,
        parent_id=comment.parent_id,
        depth=comment.depth,
        status=comment.status,
        html=comment.html if readable else "",
        stance=comment.stance if readable else None,
        author=(
            comment_author(comment, author_name, author_deleted, viewer, organisation)
            if readable
            else None
        ),
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        up=comment.up_count,
        down=comment.down_count,
        replies=comment.reply_count,
        url=comment_url(comment.id),
        my_vote=my_vote,
    )


def queued_out(
    comment: Comment,
    author_name: str | None,
    author_deleted: bool,
    held_by: str | None,
    organisation: OrganisationRef | None = None,
) -> QueuedComment:
    """The comment as moderators see it, and why it waits (the `comment.queued` event)."""
    out = comment_out(
        comment, author_name, author_deleted, viewer=MODERATOR_VIEW, organisation=organisation
    )
    return QueuedComment(**dict(out), held_by=held_by)
