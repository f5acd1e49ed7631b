"""Deliver a thread's results to its department: e-mail with the XLSX, or a signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from dataclasses import dataclass

import httpx

from dialog import mail
from dialog.db import Database
from dialog.i18n import gettext as _
from dialog.procedures.models import Department
from dialog.results import exports
from dialog.settings import Settings

SIGNATURE_HEADER = "X-Dialog-Signature"
DELIVERY_HEADER = "X-Dialog-Delivery"
EVENT_HEADER = "X-Dialog-Event"
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
    trigger: str


async def deliver(db: Database, settings: Settings, target: Target, parcel: Parcel) -> None:
    if target.channel == "webhook":
        await _post(db, target, parcel)
    else:
        await _mail(db, settings, target, parcel)


async def _mail(db: Database, settings: Settings, target: Target, parcel: Parcel) -> None:
    buffer = io.BytesIO()
    count = await exports.write_xlsx(db, parcel.procedure_id, buffer, parcel.thread_id)
    link = f"{settings.base_url}/procedures/{parcel.procedure_id}/report"
    text = _(
        "The discussion “%(thread)s” of the procedure “%(procedure)s” is closed. "
        "Attached are its %(count)s published contributions with votes, stance and answers.\n\n"
        "Report: %(link)s\nDelivery: %(delivery)s\n"
    ) % {
        "thread": parcel.thread_title,
        "procedure": parcel.procedure_title,
        "count": count,
        "link": link,
        "delivery": parcel.delivery_id,
    }
    message = mail.Mail(
        to=target.address,
        subject=_("Results: %(procedure)s – %(thread)s")
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


async def _post(db: Database, target: Target, parcel: Parcel) -> None:
    meta = {
        "delivery_id": parcel.delivery_id,
        "thread_id": parcel.thread_id,
        "trigger": parcel.trigger,
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
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(target.secret, body),
        DELIVERY_HEADER: parcel.delivery_id,
        EVENT_HEADER: "handover",
        "User-Agent": "dialog-handover/1",
    }
    try:
        async with httpx.AsyncClient(timeout=30, follow_redirects=False) as client:
            response = await client.post(target.address, content=body, headers=headers)
    except httpx.HTTPError as error:
        raise DeliveryError(f"webhook: {type(error).__name__}: {error}") from error
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"webhook answered {response.status_code}: {response.text[:200]}")


def payload_meta(body: bytes) -> dict[str, object]:
    """The hand-over block of a delivered JSON body (for receivers and tests)."""
    document = json.loads(body)
    meta: dict[str, object] = document.get("handover", {})
    return meta
