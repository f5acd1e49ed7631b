"""The accessibility statement and its feedback form: a barrier report reaches the office by mail.

BITV 2.0 § 7 asks for a feedback mechanism on the statement itself; the form works without
JavaScript and without an account, and is rate limited per address ("feedback" rule).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dialog import i18n
from dialog.errors import InvalidInput
from dialog.i18n import gettext as _
from dialog.mail import Mail, outbox
from dialog.web.api import database
from dialog.web.inputs import form_data, validate
from dialog.web.services import services
from dialog.web.templating import render

# The participation office (WerkStadt für Beteiligung) answers accessibility feedback.
OFFICE_EMAIL = "beteiligung@rathaus.potsdam.de"
TEMPLATE = "pages/accessibility.html"


class FeedbackForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")
    message: str = Field(min_length=10, max_length=4000)
    location: str = Field(default="", max_length=500)
    name: str = Field(default="", max_length=120)
    email: EmailStr | None = None


def feedback_mail(form: FeedbackForm, locale: str) -> Mail:
    """The office works in German, whatever language the sender used."""
    with i18n.using("de"):
        facts = [
            (_("Where"), form.location),
            (_("Name"), form.name),
            (_("Reply to"), form.email),
            (_("Language of the page"), locale),
        ]
        lines = [
            _("Feedback on the accessibility of dialog"),
            "",
            *(f"{label}: {value or '–'}" for label, value in facts),
            "",
            form.message,
        ]
        subject = _("Accessibility feedback")
    # The office answers with its mail program's "reply".
    reply_to = (("Reply-To", str(form.email)),) if form.email else ()
    return Mail(
        to=OFFICE_EMAIL,
        subject=subject,
        text="\n".join(lines),
        headers=reply_to,
        kind="feedback",
    )


async def accessibility(request: Request) -> Response:
    context: dict[str, Any] = {
        "errors": {},
        "values": {},
        "sent": request.query_params.get("sent") == "1",
        "office_email": OFFICE_EMAIL,
    }
    if request.method == "GET":
        return render(request, TEMPLATE, context)
    raw = await form_data(request)
    context["values"] = raw
    try:
        data = validate(FeedbackForm, {**raw, "email": raw.get("email") or None})
    except InvalidInput as error:
        context["errors"] = error.fields
        return render(request, TEMPLATE, context, status_code=422)
    client = request.client.host if request.client else "unknown"
    await services(request).limiter.hit("feedback", f"ip:{client}")
    settings = services(request).settings
    # Queued, not sent here: an SMTP outage delays the report and loses nothing.
    async with database(request).unit_of_work() as uow:
        await outbox.queue(uow, settings, feedback_mail(data, i18n.current_locale.get()))
    return RedirectResponse("/accessibility?sent=1#feedback-heading", status_code=303)


route = Route("/accessibility", accessibility, methods=["GET", "POST"], name="accessibility")
