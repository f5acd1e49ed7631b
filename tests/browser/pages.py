"""Every page type the browser tests visit: add yours here and the axe, keyboard-less and
third-party checks cover it in German and English, at 320 px and at desktop width.

`path` may name `{procedure}`, `{thread}`, `{own_procedure}` and `{own_thread}` (ids from the
demo data; "own" ones belong to the staff account's department); `user` signs in first
(an e-mail of the demo data); `prepare` brings the page into a state (e.g. a form with errors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from playwright.sync_api import Page

STAFF = "stadtplanung@example.org"
MODERATOR = "moderation@example.org"
ADMIN = "admin@example.org"
RESIDENT = "anna-aus-babelsberg@example.org"
OFFICE = "werkstadt@example.org"
MEMBER = "potsdamer-radler@example.org"  # confirmed for the Initiative Radweg Zeppelinstraße


THIS_YEAR = date.today().year


@dataclass(frozen=True)
class PageCase:
    name: str
    path: str
    user: str | None = None
    prepare: Callable[[Page], None] | None = None
    status: int = 200

    def __str__(self) -> str:
        return self.name


def submit_empty_procedure_form(page: Page) -> None:
    page.fill("#title", "")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#error-summary")


def submit_image_without_alt(page: Page) -> None:
    """The edit form of a procedure with an image, its text alternative emptied: 422."""
    page.fill("#image_alt", "")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#image_alt-error")


def submit_wrong_login(page: Page) -> None:
    page.fill("#email", "niemand@example.org")
    page.fill("#password", "falsch")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#error-summary")


def submit_empty_form(page: Page) -> None:
    page.click("main form button[type=submit]")
    page.wait_for_selector("#error-summary")


def refuse_concern_step(page: Page) -> None:
    """The office opens the first open item of its queue and forwards it with a one-letter
    recipient: the message beside the field."""
    page.click("main table.queue tbody a")
    page.fill("#forward-to", "x")
    page.click("form[action$='/forward'] button[type=submit]")
    page.wait_for_selector("#error-summary")


def fill_concern_step_one(page: Page) -> None:
    """Step 1 of /concerns/new filled in: the confirm step with similar items and photos."""
    page.check("#kind-defect")
    page.select_option("#category", index=2)
    page.fill("#text", "Die Straßenlaterne vor dem Haus flackert seit Tagen.")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#photos")


def submit_empty_feedback(page: Page) -> None:
    page.click("#feedback button[type=submit]")
    page.wait_for_selector("#error-summary")


def open_report_dialog(page: Page) -> None:
    """The first comment's "Report" opens as a modal dialog (static/js/dialogs.js)."""
    page.locator("button.dialog-opener").first.click()
    page.wait_for_selector("dialog.modal[open]")


PAGES: list[PageCase] = [
    PageCase("home", "/"),
    PageCase("procedures", "/procedures"),
    PageCase("procedures-filtered", "/procedures?phase=active&sort=title"),
    PageCase("procedures-none-found", "/procedures?q=gibt-es-nicht-xyz"),
    PageCase("procedure", "/procedures/{procedure}"),
    PageCase("procedure-as-staff", "/procedures/{own_procedure}", user=STAFF),
    PageCase("procedure-new", "/procedures/new", user=STAFF),
    PageCase(
        "procedure-new-errors",
        "/procedures/new",
        user=STAFF,
        prepare=submit_empty_procedure_form,
    ),
    PageCase("procedure-edit", "/procedures/{own_procedure}/edit", user=STAFF),
    PageCase(
        "procedure-edit-image-without-alt",
        "/procedures/{own_procedure}/edit",
        user=STAFF,
        prepare=submit_image_without_alt,
    ),
    PageCase("thread-new", "/procedures/{own_procedure}/threads/new", user=STAFF),
    PageCase("thread", "/threads/{thread}"),
    PageCase("thread-signed-in", "/threads/{thread}", user=RESIDENT),
    # A confirmed member of an organisation: the form offers to post as it (issue 16).
    PageCase("thread-as-organisation-member", "/threads/{thread}", user=MEMBER),
    PageCase(
        "thread-report-dialog", "/threads/{thread}", user=RESIDENT, prepare=open_report_dialog
    ),
    PageCase("methods", "/methods"),
    PageCase("contact", "/contact"),
    PageCase("accessibility", "/accessibility"),
    PageCase("accessibility-feedback-errors", "/accessibility", prepare=submit_empty_feedback),
    PageCase("accessibility-feedback-sent", "/accessibility?sent=1"),
    PageCase("leichte-sprache", "/leichte-sprache"),
    PageCase("netiquette", "/netiquette"),
    PageCase("privacy", "/privacy"),
    PageCase("login", "/login"),
    PageCase("login-errors", "/login", prepare=submit_wrong_login),
    PageCase("register", "/register"),
    PageCase("register-errors", "/register", prepare=submit_empty_form),
    PageCase("password-reset", "/password/reset"),
    PageCase("my-account", "/me", user=RESIDENT),
    PageCase("admin-people", "/admin/people", user=ADMIN),
    PageCase("moderation-queue", "/moderation", user=MODERATOR),
    PageCase("moderation-rules", "/moderation/rules", user=MODERATOR),
    PageCase("moderation-audit", "/moderation/audit", user=MODERATOR),
    PageCase("department-workspace", "/departments/stadtplanung", user=STAFF),
    PageCase("handover-settings", "/departments/stadtplanung/settings", user=STAFF),
    PageCase("thread-answer-form", "/threads/{own_thread}/answer", user=STAFF),
    PageCase("decision-form", "/procedures/{own_procedure}/decision", user=STAFF),
    PageCase("report", "/procedures/{own_procedure}/report", user=STAFF),
    # Ideas and complaints (dialog/concerns)
    PageCase("concerns", "/concerns"),
    PageCase("concern-new", "/concerns/new"),
    PageCase("concern-new-errors", "/concerns/new", prepare=submit_empty_form),
    PageCase("concern-confirm", "/concerns/new", prepare=fill_concern_step_one),
    PageCase("concern", "/concerns/{concern}"),
    PageCase("concern-as-office", "/concerns/{concern}", user=OFFICE),
    PageCase("concern-step-refused", "/office/concerns", user=OFFICE, prepare=refuse_concern_step),
    PageCase("concerns-office-queue", "/office/concerns", user=OFFICE),
    PageCase("concerns-annual-report", f"/concerns/report/{date.today().year}"),
    PageCase(
        "concerns-annual-report-as-office", f"/concerns/report/{date.today().year}", user=OFFICE
    ),
    PageCase("concerns-office-settings", "/office/concerns/settings", user=OFFICE),
    PageCase("concerns-department-queue", "/concerns/department", user=STAFF),
    PageCase("my-concerns", "/me/concerns", user=RESIDENT),
    PageCase("not-found", "/gibt-es-nicht", status=404),
    PageCase("procedure-not-found", "/procedures/999999", status=404),
    # Proposals, organisations, districts, the office's review (dialog.proposals, .review).
    PageCase("proposals", "/proposals"),
    PageCase("proposals-as-author", "/proposals", user=RESIDENT),
    PageCase("proposal", "/proposals/{proposal}"),
    PageCase("proposal-as-resident", "/proposals/{proposal}", user=RESIDENT),
    PageCase("proposal-as-office", "/proposals/{proposal}", user=OFFICE),
    PageCase("proposal-new", "/proposals/new", user=RESIDENT),
    PageCase("proposal-new-errors", "/proposals/new", user=RESIDENT, prepare=submit_empty_form),
    PageCase("organisations", "/organisations"),
    PageCase("organisation", "/organisations/initiative-radweg-zeppelinstrasse"),
    PageCase("organisation-as-office", "/organisations/stadtteilrat-babelsberg", user=OFFICE),
    PageCase("organisation-new", "/organisations/new", user=OFFICE),
    PageCase("districts", "/districts"),
    PageCase("district", "/districts/babelsberg-nord"),
    PageCase("office", "/office", user=OFFICE),
    PageCase("office-checklist", "/office/checklist", user=OFFICE),
    PageCase("procedure-review", "/procedures/{own_procedure}/review", user=OFFICE),
    PageCase("methods-guide", "/methods?level=consultation&effort=low&duration=short"),
    PageCase("methods-as-office", "/methods", user=OFFICE),
    PageCase("method-new", "/methods/new", user=OFFICE),
    PageCase("method-edit", "/methods/online-dialog/edit", user=OFFICE),
    # staff (issue 18): the thread's own management, its edit form
    PageCase("thread-as-staff", "/threads/{own_thread}", user=STAFF),
    PageCase("thread-edit", "/threads/{own_thread}/edit", user=STAFF),
]

# notifications
PAGES += [
    PageCase("notifications", "/notifications", user=RESIDENT),
    PageCase("notifications-following", "/me/following", user=RESIDENT),
    PageCase("notifications-mail-choices", "/me/notifications", user=RESIDENT),
    PageCase("unsubscribe-invalid", "/unsubscribe/1.all.nicht-signiert", status=404),
]

# The evaluation workbench (dialog/evaluation/): coding, codebook, offline input.
PAGES += [
    PageCase("coding", "/procedures/{own_procedure}/coding", user=STAFF),
    PageCase("coding-uncoded", "/procedures/{own_procedure}/coding?uncoded=1", user=STAFF),
    PageCase("codebook", "/procedures/{own_procedure}/themes", user=STAFF),
    PageCase(
        "codebook-errors",
        "/procedures/{own_procedure}/themes",
        user=STAFF,
        prepare=submit_empty_form,
    ),
    PageCase("offline-input", "/procedures/{own_procedure}/offline", user=STAFF),
    PageCase(
        "offline-input-errors",
        "/procedures/{own_procedure}/offline",
        user=STAFF,
        prepare=submit_empty_form,
    ),
    PageCase("thread-with-offline-input", "/threads/{own_thread}", user=STAFF),
]

# Search, feeds' links and saved searches (dialog/search, dialog/feeds, dialog/saved_searches).
PAGES += [
    PageCase("search-form", "/search"),
    PageCase("search-results", "/search?q=Radwege"),
    PageCase("search-none-found", "/search?q=gibtesnichtxyz"),
    PageCase("search-refused", "/search?q=%00", status=422),
    PageCase("procedures-filtered-signed-in", "/procedures?phase=active", user=RESIDENT),
    PageCase("saved-searches", "/me/searches", user=RESIDENT),
]
