"""Demo saved searches: Anna keeps two, one of which already announced a procedure."""

from __future__ import annotations

from sqlalchemy import select

from dialog.accounts.models import User
from dialog.db import UnitOfWork
from dialog.procedures.models import District, Procedure, procedure_districts
from dialog.saved_searches.models import SavedSearch, SavedSearchMatch


async def add_saved_searches(uow: UnitOfWork) -> None:
    session = uow.session
    anna = await session.scalar(select(User).where(User.email == "anna-aus-babelsberg@example.org"))
    district = await session.scalar(select(District).order_by(District.id).limit(1))
    if anna is None or district is None:
        return
    by_district = SavedSearch(
        user_id=anna.id,
        filters={"district": district.slug},
        label=f"Stadtteil: {district.name}",
    )
    running = SavedSearch(
        user_id=anna.id,
        filters={"phase": "active", "q": "rad"},
        label="Text: „rad“ · Phase: Beteiligung läuft",
    )
    session.add_all([by_district, running])
    await session.flush()
    announced = await session.scalar(
        select(Procedure.id)
        .join(procedure_districts, procedure_districts.c.procedure_id == Procedure.id)
        .where(procedure_districts.c.district_id == district.id)
        .limit(1)
    )
    if announced is not None:
        session.add(SavedSearchMatch(saved_search_id=by_district.id, procedure_id=announced))
