"""Pages: the evaluator's committee reports. Choose a financial year, quarter and (optionally) the
moment the figures stand at; see the report's tables and charts; download it as PDF, CSV tables
or a spreadsheet. Every figure comes from the reports API as the signed-in evaluator."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.roles import allowed
from api.web.client import Answer
from api.web.forms import FormErrors
from api.web.guards import api_for, shown, viewer
from api.web.pages_reports_view import laid_out, report_of
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

Reader = Annotated[WebSession, Depends(viewer("reports.read"))]
Text = Annotated[str, Query(max_length=40)]
LONDON = ZoneInfo("Europe/London")
QUARTERS = (
    ("1", "Quarter 1 (April to June)"),
    ("2", "Quarter 2 (April to September)"),
    ("3", "Quarter 3 (April to December)"),
    ("4", "Quarter 4 (the whole year, April to March)"),
)
DOWNLOADS = (
    ("pdf", "PDF for committee papers", "PDF"),
    ("xlsx", "Spreadsheet (every table on its own sheet)", "XLSX"),
    ("csv", "CSV tables, one file each, in a zip file", "ZIP"),
)
YEARS_SHOWN = 6


def financial_quarter(day: date) -> tuple[int, int]:
    """(financial year, quarter) of a day: 2021 is April 2021 to March 2022."""
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


def as_at_moment(value: str) -> str:
    """The end of a day in England, as the API takes it ('' for no day)."""
    if not value:
        return ""
    day = date.fromisoformat(value)
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON).isoformat()


def chosen(
    year: str, quarter: str, as_at: str, view: str, today: date
) -> tuple[dict[str, str], FormErrors]:
    """What the form asks for, defaulting to the quarter we are in, and what is wrong with it."""
    now_year, now_quarter = financial_quarter(today)
    values = {
        "year": year or str(now_year),
        "quarter": quarter or str(now_quarter),
        "as_at": as_at,
        "view": view if view in ("published", "internal") else "published",
    }
    errors = FormErrors()
    if not values["year"].isdigit():
        errors.add("year", "Choose a financial year")
    if values["quarter"] not in ("1", "2", "3", "4"):
        errors.add("quarter", "Choose a quarter")
    try:
        as_at_moment(as_at)
    except ValueError:
        errors.add("as_at", "Enter a real date, for example 2026-04-10")
    return values, errors


def api_params(values: dict[str, str]) -> dict[str, str]:
    return {
        "year": values["year"],
        "quarter": values["quarter"],
        "view": values["view"],
        "as_at": as_at_moment(values["as_at"]),
    }


def year_options(values: dict[str, str], today: date) -> list[tuple[str, str]]:
    latest = financial_quarter(today)[0]
    years = {latest - n for n in range(YEARS_SHOWN)}
    if values["year"].isdigit():
        years.add(int(values["year"]))
    return [(str(y), f"{y} to {y + 1} (April to March)") for y in sorted(years, reverse=True)]


def download_links(values: dict[str, str], position: int) -> list[dict[str, str]]:
    """Downloads of exactly the figures shown: at the report's log position (or its as-at)."""
    fixed = {"as_at": values["as_at"]} if values["as_at"] else {"position": str(position)}
    base = {"year": values["year"], "quarter": values["quarter"], "view": values["view"]}
    return [
        {
            "href": "/app/reports/download?" + urlencode({**base, **fixed, "format": fmt}),
            "text": text,
            "kind": kind,
        }
        for fmt, text, kind in DOWNLOADS
    ]


@router.get("/app/reports")
async def reports_page(
    request: Request,
    session: Reader,
    year: Text = "",
    quarter: Text = "",
    as_at: Text = "",
    view: Text = "",
) -> Response:
    today = datetime.now(UTC).date()
    values, errors = chosen(year, quarter, as_at, view, today)
    context: dict[str, Any] = {
        "years": year_options(values, today),
        "quarters": QUARTERS,
        "internal_allowed": allowed(session.user.role, "reports.internal"),
    }
    if errors:
        return _form(request, session, values, errors, context, status=422)
    answer = await api_for(request, session).get(
        "/reports/quarterly", format="json", **api_params(values)
    )
    if answer.status == 503:
        return not_ready(request, session, "/app/reports?" + urlencode(values))
    if answer.status == 422:
        return _form(request, session, values, answer.errors(), context, status=422)
    report = report_of(shown(answer).body)
    context.update(laid_out(report), downloads=download_links(values, report.footer.position))
    return _form(request, session, values, errors, context)


def _form(
    request: Request,
    session: WebSession,
    values: dict[str, str],
    errors: FormErrors,
    context: dict[str, Any],
    status: int = 200,
) -> Response:
    return page(
        request,
        session,
        "reports/reports.html.j2",
        title="Committee reports",
        errors=errors,
        values=values,
        status=status,
        **{"report": None, **context},
    )


def not_ready(request: Request, session: WebSession, again: str) -> Response:
    """The report facts are still catching up with the log: say so, and offer to try again."""
    response = page(
        request,
        session,
        "reports/not_ready.html.j2",
        title="The figures are being brought up to date",
        status=503,
        again=again,
    )
    response.headers["Retry-After"] = "1"
    return response


@router.get("/app/reports/download")
async def download_report(
    request: Request,
    session: Reader,
    year: Text = "",
    quarter: Text = "",
    as_at: Text = "",
    view: Text = "",
    position: Text = "",
    format_: Annotated[str, Query(alias="format", max_length=10)] = "",
) -> Response:
    """The report file, as the API made it (its type and file name)."""
    values, errors = chosen(year, quarter, as_at, view, datetime.now(UTC).date())
    page_url = "/app/reports?" + urlencode(values)
    if errors or format_ not in ("pdf", "csv", "xlsx") or not (position.isdigit() or not position):
        return RedirectResponse(page_url, status_code=303)
    params = {**api_params(values), "position": position, "format": format_}
    answer = await api_for(request, session).get("/reports/quarterly", **params)
    if answer.status == 503:
        return not_ready(request, session, request.url.path + "?" + request.url.query)
    if answer.status == 422:
        return RedirectResponse(page_url, status_code=303)
    return _file(shown(answer))


def _file(answer: Answer) -> Response:
    headers: dict[str, str] = {
        name: answer.headers[name]
        for name in ("content-disposition", "x-log-position", "x-inputs-digest")
        if name in answer.headers
    }
    return Response(answer.content, media_type=answer.headers["content-type"], headers=headers)
