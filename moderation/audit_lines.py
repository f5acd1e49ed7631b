"""The audit log as people read it: what happened, to which item and person (linked), the
details under their names in the page's language, instead of the raw JSON of the entry (which
stays in the CSV and the API, for the hash check)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialog.i18n import format_moment, lazy
from dialog.i18n import gettext as _
from moderation import policy
from moderation.models import AuditEntry
from moderation.rules import LABELS as RULE_LABELS

WHAT = {
    "decision": lazy("Decision"),
    "block": lazy("Account blocked"),
    "unblock": lazy("Block lifted"),
    "rule": lazy("Rule changed"),
    "role": lazy("Role changed"),
}
STATUS = {
    "pending": lazy("waiting for review"),
    "published": lazy("published"),
    "rejected": lazy("not published"),
    "hidden": lazy("hidden"),
    "withdrawn": lazy("withdrawn"),
}


@dataclass(frozen=True)
class Detail:
    label: str
    text: str
    href: str | None = None


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    who: str
    who_href: str | None
    what: str
    subject: str
    subject_href: str | None
    details: list[Detail]


def person_href(user_id: int | None, admin: bool) -> str | None:
    """The people admin shows a person to admins; moderators see the name only."""
    return f"/admin/people/{user_id}" if admin and user_id else None


def subject_of(subject: str, names: dict[int, str], admin: bool) -> tuple[str, str | None]:
    kind, _sep, key = subject.partition(":")
    if kind == "comment" and (key.isascii() and key.isdigit()):
        return _("Contribution %(num)s") % {"num": key}, f"/comments/{key}"
    if kind == "user" and (key.isascii() and key.isdigit()):
        name = names.get(int(key)) or _("Account %(num)s") % {"num": key}
        return name, person_href(int(key), admin)
    if kind == "rule":
        return _(RULE_LABELS.get(key, key)), "/moderation/rules"
    return subject, None


def _moment(raw: object) -> str:
    if not isinstance(raw, str) or not raw:
        return ""
    moment = datetime.fromisoformat(raw)
    if moment >= policy.PERMANENT:
        return _("permanently")
    return format_moment(moment)


def _switch(state: object) -> str:
    return _("on") if state else _("off")


def details_of(entry: AuditEntry) -> list[Detail]:
    data: dict[str, Any] = entry.data or {}
    if entry.action == "decision":
        reason = str(data.get("reason", ""))
        shown = [
            Detail(_("Action"), _(policy.ACTIONS.get(str(data.get("action")), "–"))),
            # Approving needs no reason: then there is none to link.
            Detail(_("Reason"), _(policy.REASONS[reason]), f"/netiquette#{reason}")
            if reason in policy.REASONS
            else Detail(_("Reason"), reason or "–"),
            Detail(
                _("Status"),
                f"{_(STATUS.get(str(data.get('status_before')), '–'))} → "
                f"{_(STATUS.get(str(data.get('status_after')), '–'))}",
            ),
        ]
        if data.get("note"):
            shown.append(Detail(_("Note"), str(data["note"])))
        if data.get("on_appeal"):
            shown.append(Detail(_("Second review"), _("yes")))
        return shown
    if entry.action == "block":
        period = str(data.get("period", ""))
        return [
            Detail(_("Duration"), _(policy.BLOCK_LABELS.get(period, period))),
            Detail(_("Until"), _moment(data.get("until"))),
            Detail(_("Reason"), str(data.get("reason", ""))),
        ]
    if entry.action == "unblock":
        return [Detail(_("Was blocked until"), _moment(data.get("was_until")) or "–")]
    if entry.action == "rule":
        before, after = data.get("before", {}), data.get("after", {})
        shown = [
            Detail(
                _("Switched"),
                f"{_switch(before.get('enabled'))} → {_switch(after.get('enabled'))}",
            )
        ]
        old, new = before.get("params", {}), after.get("params", {})
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                shown.append(Detail(key, f"{_value(old.get(key))} → {_value(new.get(key))}"))
        return shown
    return [Detail(str(key), _value(value)) for key, value in sorted(data.items())]


def _value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "–" if value is None else str(value)


def audit_line(
    entry: AuditEntry, actor_name: str | None, names: dict[int, str], admin: bool
) -> AuditLine:
    subject, href = subject_of(entry.subject, names, admin)
    return AuditLine(
        entry=entry,
        who=actor_name
        or (_("Account %(num)s") % {"num": entry.actor_id} if entry.actor_id else "–"),
        who_href=person_href(entry.actor_id, admin),
        what=_(WHAT.get(entry.action, entry.action)),
        subject=subject,
        subject_href=href,
        details=details_of(entry),
    )
