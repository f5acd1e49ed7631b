"""Durable hand-over jobs: one row per thread, retried with backoff by a worker loop.

A job is picked under a row lock (FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite the unit of
work's write lock serializes workers), marked running with a lease, delivered outside the
transaction, then marked done or rescheduled. The row is the delivery record: retries reuse it
and its delivery id.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dialog.accounts.actor import Actor
from dialog.db import Database, UnitOfWork, utcnow
from dialog.errors import Forbidden, NotAuthenticated, NotFound
from dialog.i18n import lazy
from dialog.procedures.models import Department, Procedure, Thread
from dialog.results import policy
from dialog.results.handover import DeliveryError, Parcel, deliver, target_of
from dialog.results.models import HandoverJob, JobState
from dialog.results.queries import closed_condition
from dialog.settings import Settings

log = logging.getLogger("dialog.results.jobs")

BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
MAX_ATTEMPTS = 10
LEASE = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the n-th failed attempt, at most six hours."""
    return min(BACKOFF * (1 << max(attempts - 1, 0)), MAX_BACKOFF)


def _new_job(thread: Thread, trigger: str, now: datetime) -> HandoverJob:
    return HandoverJob(
        thread_id=thread.id,
        procedure_id=thread.procedure_id,
        delivery_id=str(uuid.uuid4()),
        trigger=trigger,
        state=JobState.pending,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )


async def do_request_handover(uow: UnitOfWork, actor: Actor, thread_id: int) -> HandoverJob:
    """Staff press "hand over": one job per thread; pressing again retries a stuck job."""
    if not actor.authenticated:
        raise NotAuthenticated(lazy("Please sign in first."))
    row = (
        await uow.session.execute(
            select(Thread, Procedure.department_id)
            .join(Procedure, Procedure.id == Thread.procedure_id)
            .where(Thread.id == thread_id)
        )
    ).first()
    if row is None:
        raise NotFound(lazy("This thread does not exist."))
    thread, department_id = row
    if not policy.can_hand_over(actor, department_id):
        raise Forbidden(lazy("Only staff of the responsible department hand results over."))
    now = utcnow()
    # An open thread's results are an interim state: the job remembers it ("open"), and the
    # final results are delivered again once the thread closes (enqueue_closed).
    trigger = "staff" if is_closed(thread, now) else "open"
    job = await uow.session.scalar(select(HandoverJob).where(HandoverJob.thread_id == thread.id))
    if job is None:
        job = _new_job(thread, trigger, now)
        uow.session.add(job)
    elif job.state == JobState.done:
        _deliver_again(job, trigger, now)
    elif job.state == JobState.failed or (
        job.state == JobState.pending and job.next_attempt_at and job.next_attempt_at > now
    ):
        job.state = JobState.pending
        job.next_attempt_at = now
    await uow.session.flush()
    return job


def is_closed(thread: Thread, now: datetime) -> bool:
    return not thread.is_open or (thread.closes_at is not None and thread.closes_at <= now)


def _deliver_again(job: HandoverJob, trigger: str, now: datetime) -> None:
    """The same row, a new delivery (a new id: the receiver must not drop it as a repeat)."""
    job.delivery_id = str(uuid.uuid4())
    job.trigger = trigger
    job.state = JobState.pending
    job.attempts = 0
    job.next_attempt_at = now
    job.delivered_at = None
    job.last_error = ""


async def enqueue_closed(db: Database, now: datetime) -> int:
    """A job for every closed thread that has none yet and whose department has a channel;
    the final delivery of a thread handed over while it was still open."""
    async with db.unit_of_work() as uow:
        again = (
            await uow.session.scalars(
                select(HandoverJob)
                .join(Thread, Thread.id == HandoverJob.thread_id)
                .where(
                    HandoverJob.trigger == "open",
                    HandoverJob.state == JobState.done,
                    closed_condition(now),
                )
                .limit(100)
            )
        ).all()
        for job in again:
            _deliver_again(job, "closed", now)
    async with db.reading() as session:
        rows = (
            await session.execute(
                select(Thread, Department)
                .join(Procedure, Procedure.id == Thread.procedure_id)
                .join(Department, Department.id == Procedure.department_id)
                .outerjoin(HandoverJob, HandoverJob.thread_id == Thread.id)
                .where(HandoverJob.id.is_(None), closed_condition(now))
                .order_by(Thread.id)
                .limit(100)
            )
        ).all()
    due = [thread for thread, department in rows if target_of(department) is not None]
    if not due:
        return 0
    try:
        async with db.unit_of_work() as uow:
            uow.session.add_all([_new_job(thread, "closed", now) for thread in due])
    except IntegrityError:  # another worker enqueued them first
        return 0
    return len(due)


async def claim_due(db: Database, now: datetime) -> tuple[HandoverJob, Parcel] | None:
    """Take the next due job (or one whose running lease ran out) under a row lock."""
    due = (
        HandoverJob.state.in_((JobState.pending, JobState.running)),
        HandoverJob.next_attempt_at <= now,
    )
    async with db.reading() as session:
        if await session.scalar(select(HandoverJob.id).where(*due).limit(1)) is None:
            return None  # nothing to do: no write transaction, no lock
    async with db.unit_of_work() as uow:
        job = await uow.session.scalar(
            select(HandoverJob)
            .where(*due)
            .order_by(HandoverJob.next_attempt_at, HandoverJob.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if job is None:
            return None
        thread = await uow.session.get(Thread, job.thread_id)
        procedure = await uow.session.get(Procedure, job.procedure_id)
        assert thread is not None and procedure is not None
        job.state = JobState.running
        job.attempts += 1
        job.next_attempt_at = now + LEASE
        closed = is_closed(thread, now)
        if closed and job.trigger == "open":
            job.trigger = "staff"  # it closed before the delivery: these are the final results
        parcel = Parcel(
            job.delivery_id,
            procedure.id,
            procedure.title,
            thread.id,
            thread.title,
            job.trigger,
            closed=closed,
            as_of=now,
        )
    return job, parcel


async def finish(db: Database, job_id: int, error: str | None, now: datetime) -> HandoverJob:
    async with db.unit_of_work() as uow:
        job = await uow.session.get(HandoverJob, job_id)
        assert job is not None
        if error is None:
            job.state = JobState.done
            job.delivered_at = now
            job.next_attempt_at = None
            job.last_error = ""
        elif job.attempts >= MAX_ATTEMPTS:
            job.state = JobState.failed  # given up; staff can press "hand over" again
            job.next_attempt_at = None
            job.last_error = error[:2000]
        else:
            job.state = JobState.pending
            job.next_attempt_at = now + backoff(job.attempts)
            job.last_error = error[:2000]
    return job


async def run_one(db: Database, settings: Settings, now: datetime) -> HandoverJob | None:
    """One attempt at the next due job; returns the job as it was left, or None."""
    claimed = await claim_due(db, now)
    if claimed is None:
        return None
    job, parcel = claimed
    error: str | None = None
    async with db.reading() as session:
        department = await session.scalar(
            select(Department)
            .join(Procedure, Procedure.department_id == Department.id)
            .where(Procedure.id == parcel.procedure_id)
        )
    target = target_of(department) if department else None
    if target is None:
        error = "no hand-over channel configured for the department"
    else:
        async with db.unit_of_work() as uow:
            stored = await uow.session.get(HandoverJob, job.id)
            assert stored is not None
            stored.channel = target.channel
        try:
            await deliver(db, settings, target, parcel)
        except DeliveryError as failure:
            error = str(failure)
    if error:
        log.warning("hand-over %s attempt %s failed: %s", parcel.delivery_id, job.attempts, error)
    return await finish(db, job.id, error, now)


async def run_due(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Enqueue closed threads, then work through every due job once; returns attempts made."""
    moment = now or utcnow()
    await enqueue_closed(db, moment)
    attempts = 0
    seen: set[int] = set()
    while (job := await run_one(db, settings, moment)) is not None and job.id not in seen:
        seen.add(job.id)
        attempts += 1
    return attempts
