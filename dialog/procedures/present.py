"""Procedures and threads as the API returns them."""

from __future__ import annotations

from dialog.procedures.models import Procedure, Thread
from dialog.procedures.schemas import (
    ContactOut,
    DepartmentOut,
    DistrictOut,
    ImageOut,
    LinkOut,
    MethodOut,
    PhaseDates,
    ProcedureOut,
    ProcedureSummaryOut,
    ThreadOut,
)


def thread_out(thread: Thread) -> ThreadOut:
    return ThreadOut(
        id=thread.id,
        procedure_id=thread.procedure_id,
        title=thread.title,
        question=thread.question,
        moderation=thread.moderation,
        is_open=thread.is_open,
        opens_at=thread.opens_at,
        closes_at=thread.closes_at,
        comment_count=thread.comment_count,
        url=f"/threads/{thread.id}",
    )


def summary_out(procedure: Procedure) -> ProcedureSummaryOut:
    return ProcedureSummaryOut(
        id=procedure.id,
        slug=procedure.slug,
        title=procedure.title,
        summary=procedure.summary,
        department=DepartmentOut(slug=procedure.department.slug, name=procedure.department.name),
        districts=[DistrictOut(slug=d.slug, name=d.name) for d in procedure.districts],
        level=procedure.level,
        initiator=procedure.initiator,
        phase=procedure.phase,
        status=procedure.status,
        updated_at=procedure.updated_at,
        url=f"/procedures/{procedure.id}",
        image=image_out(procedure),
    )


def image_out(procedure: Procedure) -> ImageOut | None:
    if procedure.image_width is None or procedure.image_height is None:
        return None
    return ImageOut(
        url=f"/procedures/{procedure.id}/image?v={procedure.image_version}",
        alt=procedure.image_alt,
        width=procedure.image_width,
        height=procedure.image_height,
    )


def procedure_out(procedure: Procedure) -> ProcedureOut:
    method = procedure.method
    return ProcedureOut(
        **summary_out(procedure).model_dump(),
        description=procedure.description,
        description_html=procedure.description_html,
        method=MethodOut(
            slug=method.slug,
            name=method.name,
            purpose=method.purpose,
            when_to_use=method.when_to_use,
            effort=method.effort,
            level=method.level,
        )
        if method
        else None,
        timeline=[
            PhaseDates(phase=p.phase, starts_on=p.starts_on, ends_on=p.ends_on)
            for p in procedure.phases
        ],
        contact=ContactOut(
            name=procedure.contact_name,
            email=procedure.contact_email,
            phone=procedure.contact_phone,
        ),
        cost=procedure.cost,
        location=procedure.location,
        links=[
            LinkOut(title=k.title, url=k.url, is_document=k.is_document) for k in procedure.links
        ],
        threads=[thread_out(t) for t in procedure.threads],
        created_at=procedure.created_at,
    )
