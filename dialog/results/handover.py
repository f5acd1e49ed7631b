"""Deliver a thread's results to its department: e-mail with the XLSX, or a signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from dataclasses import dataclass
from datetime import datetime

import httpx

from dialog import mail, outbound
from dialog.db import Database, utcnow
from dialog.i18n import format_moment
from dialog.i18n import gettext as _
from dialog.procedures.models import Department
from dialog.results import exports
from dialog.settings import Settings

SIGNATURE_HEADER = "X-Dialog-Signature"
DELIVERY_HEADER = "X-Dialog-Delivery"
EVENT_HEADER = "X-Dialog-Event"
DEPARTMENT_LANGUAGE = "de"
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class DeliveryError(Exception):
    """The channel refused or could not be reached; the job is retried later."""


@dataclass(frozen=True)
class Target:
    channel: str  # email | webhook
    address: str  # mail address or URL
    secret: str = ""


def target_of(department: Department) -> Target | None:
    """The configured channel; without one, the department's own address gets the mail."""
    if department.handover_channel == "webhook":
        if department.webhook_url and department.webhook_secret:
            return Target("webhook", department.webhook_url, department.webhook_secret)
        return None
    address = department.handover_email or department.email
    return Target("email", address) if address else None


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Parcel:
    delivery_id: str
    procedure_id: int
    procedure_title: str
    thread_id: int
    thread_title: str
    trigger: str  # closed | staff | open (staff handed over a thread that is still open)
    closed: bool = True
    as_of: datetime | None = None


async def deliver(db: Database, settings: Settings, target: Target, parcel: Parcel) -> None:
    if target.channel == "webhook":
        await _post(db, settings, target, parcel)
    else:
        await _mail(db, settings, target, parcel)


async def _mail(db: Database, settings: Settings, target: Target, parcel: Parcel) -> None:
    buffer = io.BytesIO()
    # People in the department open the attachment: German headers, Potsdam time, words.
    count = await exports.write_xlsx(
        db, parcel.procedure_id, buffer, parcel.thread_id, lang=DEPARTMENT_LANGUAGE
    )
    link = f"{settings.base_url}/procedures/{parcel.procedure_id}/report"
    facts = {
        "thread": parcel.thread_title,
        "procedure": parcel.procedure_title,
        "count": count,
        "link": link,
        "delivery": parcel.delivery_id,
        "moment": format_moment(parcel.as_of or utcnow()),
    }
    # The mail says what happened: a closed discussion's final results, or the state of one
    # that is still open (then the final results follow when it closes).
    if parcel.closed:
        text = (
            _(
                "The discussion “%(thread)s” of the procedure “%(procedure)s” is closed. "
                "Attached are its %(count)s published contributions with votes, stance and "
                "answers.\n\nReport: %(link)s\nDelivery: %(delivery)s\n"
            )
            % facts
        )
    else:
        text = (
            _(
                "The discussion “%(thread)s” of the procedure “%(procedure)s” is still open; "
                "staff handed over its current state. Attached are the %(count)s contributions "
                "published until %(moment)s with votes, stance and answers. The final results "
                "follow when the discussion closes.\n\nReport: %(link)s\nDelivery: %(delivery)s\n"
            )
            % facts
        )
    message = mail.Mail(
        to=target.address,
        subject=(
            _("Results: %(procedure)s – %(thread)s")
            if parcel.closed
            else _("Interim results: %(procedure)s – %(thread)s")
        )
        % {"procedure": parcel.procedure_title, "thread": parcel.thread_title},
        text=text,
        attachments=(
            mail.Attachment(
                f"dialog-{parcel.procedure_id}-thread-{parcel.thread_id}.xlsx",
                buffer.getvalue(),
                *XLSX_TYPE,
            ),
        ),
    )
    try:
        await mail.send(settings, message)
    except Exception as error:  # SMTP errors come in many classes; each one means "retry"
        raise DeliveryError(f"mail to {target.address}: {error}") from error


async def _post(db: Database, settings: Settings, target: Target, parcel: Parcel) -> None:
    url = httpx.URL(target.address)
    host = url.raw_host.decode("ascii")  # IDNA-encoded, as DNS and TLS need it
    try:
        address = await outbound.checked_address(
            host,
            url.port or _PORTS.get(url.scheme, 443),
            allow_private=settings.webhook_allow_private,
        )
    except outbound.RefusedAddress as refused:
        raise DeliveryError(f"webhook: address refused ({refused.reason})") from refused
    meta = {
        "delivery_id": parcel.delivery_id,
        "thread_id": parcel.thread_id,
        "trigger": parcel.trigger,
        "closed": parcel.closed,
    }
    body = b"".join(
        [
            chunk
            async for chunk in exports.json_chunks(
                db, parcel.procedure_id, parcel.thread_id, handover=meta
            )
        ]
    )
    headers = {
        # The connection goes to the checked address; the name stays in Host and in TLS (SNI
        # and the certificate check), so a second DNS answer cannot move the request.
        "Host": url.netloc.decode("ascii"),
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(target.secret, body),
        DELIVERY_HEADER: parcel.delivery_id,
        EVENT_HEADER: "handover",
        "User-Agent": "dialog-handover/1",
    }
    try:
        # No proxy from the environment (it would choose the address), no redirects.
        async with httpx.AsyncClient(timeout=30, follow_redirects=False, trust_env=False) as client:
            response = await client.post(
                url.copy_with(host=str(address)),
                content=body,
                headers=headers,
                extensions={"sni_hostname": host},
            )
    except httpx.HTTPError as error:
        raise DeliveryError(f"webhook: {_failure(error)}") from error
    # Only the status: the body is the receiver's, and may be anything it chose to show us.
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"webhook answered {response.status_code}")


_PORTS = {"https": 443, "http": 80}


def _failure(error: httpx.HTTPError) -> str:
    """A short class of what went wrong, without the peer's words."""
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, httpx.ConnectError):
        return (
            "connection refused"
            if _caused_by(error, ConnectionRefusedError)
            else ("connection failed")
        )
    return type(error).__name__


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = error
    for _depth in range(10):  # the chain is short; a cycle must not hang the worker
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def payload_meta(body: bytes) -> dict[str, object]:
    """The hand-over block of a delivered JSON body (for receivers and tests)."""
    document = json.loads(body)
    meta: dict[str, object] = document.get("handover", {})
    return meta
