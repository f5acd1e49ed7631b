"""Human names of the proposal states and organisation kinds, translated where shown."""

from __future__ import annotations

from dialog.i18n import gettext as _
from dialog.i18n import lazy

STATES = {
    "submitted": lazy("Submitted, waiting for review"),
    "rejected": lazy("Not published"),
    "collecting": lazy("Published, collecting support"),
    "threshold-reached": lazy("Threshold reached"),
    "forwarded": lazy("With the department for a statement"),
    "accepted": lazy("Accepted"),
    "declined": lazy("Declined"),
    "expired": lazy("Expired"),
}
KINDS = {
    "initiative": lazy("Initiative"),
    "association": lazy("Association"),
    "district-council": lazy("District council"),
    "neighbourhood-management": lazy("Neighbourhood management"),
    "participation-council": lazy("Participation council"),
}


def state_label(code: str) -> str:
    return _(STATES[code]) if code in STATES else code


def kind_label(code: str) -> str:
    return _(KINDS[code]) if code in KINDS else code
