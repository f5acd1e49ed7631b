"""The annual report's pages: public HTML with accessible charts, CSV and XLSX for staff."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dialog.accounts.actor import Actor
from dialog.accounts.policy import is_office
from dialog.concerns.annual import AnnualReport, annual_report, reportable_year
from dialog.concerns.present import channel_label, kind_label, state_label
from dialog.errors import Forbidden, NotFound
from dialog.i18n import gettext as _
from dialog.i18n import lazy
from dialog.results.report import Bar, Chart
from dialog.results.xlsx import Workbook
from dialog.web.api import actor, database
from dialog.web.templating import render

MONTHS = (
    lazy("January"),
    lazy("February"),
    lazy("March"),
    lazy("April"),
    lazy("May"),
    lazy("June"),
    lazy("July"),
    lazy("August"),
    lazy("September"),
    lazy("October"),
    lazy("November"),
    lazy("December"),
)


def is_staff_or_office(who: Actor) -> bool:
    return is_office(who) or who.role == "staff"


def _year(request: Request) -> int:
    year = int(request.path_params["year"])
    if not reportable_year(year):
        raise NotFound(lazy("There is no annual report for this year."))
    return year


async def _report(request: Request) -> AnnualReport:
    year = _year(request)
    async with database(request).reading() as session:
        return await annual_report(session, year)


def charts(r: AnnualReport) -> dict[str, Chart]:
    """The report's charts, labelled in the reader's language."""
    both = (str(r.year), str(r.year - 1))
    return {
        "months": Chart("months", [Bar(_(MONTHS[m - 1]), (a, b)) for m, a, b in r.by_month], both),
        "kinds": Chart("kinds", [Bar(kind_label(k), (a, b)) for k, a, b in r.by_kind], both),
        "channels": Chart(
            "channels", [Bar(channel_label(c), (a, b)) for c, a, b in r.by_channel], both
        ),
        "categories": Chart("categories", [Bar(n, (c,)) for n, c in r.by_category], (_("Items"),)),
        "departments": Chart(
            "departments", [Bar(n, (c,)) for n, c in r.by_department], (_("Items"),)
        ),
        "districts": Chart("districts", [Bar(n, (c,)) for n, c in r.by_district], (_("Items"),)),
        "outcomes": Chart(
            "outcomes", [Bar(state_label(s), (c,)) for s, c in r.outcomes], (_("Items"),)
        ),
        "backlog": Chart(
            "backlog", [Bar(_(label), (c,)) for label, c in r.backlog], (_("Open items"),)
        ),
        "satisfaction": Chart(
            "satisfaction", [Bar(str(n), (c,)) for n, c in r.satisfaction], (_("Answers"),)
        ),
    }


async def report_page(request: Request) -> Response:
    found = await _report(request)
    return render(
        request,
        "concerns/annual.html",
        {
            "r": found,
            "charts": charts(found),
            "staff": is_staff_or_office(actor(request)),
        },
    )


def lines(r: AnnualReport) -> Iterator[tuple[str, str, str, str]]:
    """Every figure as (section, item, this year, the year before) in the reader's language."""
    yield _("Total"), _("Items"), str(r.total), str(r.previous_total)
    for chart_key, chart in charts(r).items():
        for bar in chart.bars:
            values = [str(v) for v in bar.values] + ["", ""]
            yield chart_key, bar.label, values[0], values[1]
    figures = (
        (_("First reply within 3 working days (%)"), r.first_reply_within),
        (_("Working days to the final answer, median"), r.answer_median),
        (_("Working days to the final answer, 90th percentile"), r.answer_p90),
        (_("Reopened (%)"), r.reopen_rate),
        (_("Average satisfaction (1–5)"), r.satisfaction_mean),
        (_("Solved (%)"), r.solved_share),
        (_("Anonymous (%)"), r.anonymous_share),
    )
    for name, value in figures:
        yield _("Figures"), name, "" if value is None else str(value), ""


def _staff_only(request: Request) -> None:
    if not is_staff_or_office(actor(request)):
        raise Forbidden(lazy("The report's data files are for staff."))


def _headers(r: AnnualReport) -> tuple[str, str, str, str]:
    return (_("Section"), _("Item"), str(r.year), str(r.year - 1))


async def report_csv(request: Request) -> Response:
    _staff_only(request)
    found = await _report(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headers(found))
    writer.writerows(lines(found))
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="anliegen-{found.year}.csv"'},
    )


async def report_xlsx(request: Request) -> Response:
    _staff_only(request)
    found = await _report(request)
    book = Workbook()
    sheet = book.add_sheet(_("Annual report"), (30, 50, 12, 12))
    sheet.append_header(_headers(found))
    sheet.extend(lines(found))
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="anliegen-{found.year}.xlsx"'},
    )


routes: list[BaseRoute] = [
    Route("/concerns/report/{year:int}", report_page),
    Route("/concerns/report/{year:int}.csv", report_csv),
    Route("/concerns/report/{year:int}.xlsx", report_xlsx),
]
