"""Device scheme read side: the stock board, loans due and overdue, connectivity expiring, the
waiting list, a person's devices, the scheme dashboard and the end-of-scheme list. Every answer
comes from the read models (pass min_position to read your own writes); overdue and expiring
are worked out from today's date (UTC, as the commands use) at query time."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status

from api.accounts import User
from api.auditing import Audit
from api.deps import Caught_up, RuntimeDep, require
from api.schemas_devices_read import (
    EndOfScheme,
    ExpiringConnectivity,
    LoansDuePage,
    PersonDevices,
    SchemeDashboard,
    SchemeYearRead,
    StockPage,
    WaitingList,
)
from domain.device_codes import ItemKind, ItemState
from projections import device_queries as queries
from projections.queries import Paging

router = APIRouter(prefix="/device-scheme", tags=["device scheme"])

DevicesReader = Annotated[User, Depends(require("devices.read"))]
PeopleReader = Annotated[User, Depends(require("devices.people"))]
DashboardReader = Annotated[User, Depends(require("devices.dashboard"))]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=100)]
Year = Annotated[str, Path(min_length=1, max_length=20, examples=["2021-22"])]
Days = Annotated[int, Query(ge=0, le=3650)]


def _today() -> date:
    return datetime.now(UTC).date()


def _no_year(year: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no device scheme year {year!r}")


@router.get("/stock", response_model=StockPage, dependencies=[Caught_up])
def stock(
    runtime: RuntimeDep,
    _user: DevicesReader,
    kind: ItemKind | None = None,
    state: ItemState | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> StockPage:
    """The stock board: items by kind and serial, and the count of every kind at every state."""
    rows, total, counts = queries.stock_board(
        runtime.engine,
        kind=kind.value if kind else None,
        state=state.value if state else None,
        paging=Paging(page, page_size),
    )
    return StockPage.model_validate(
        {"items": rows, "counts": counts, "total": total, "page": page, "page_size": page_size}
    )


@router.get("/loans", response_model=LoansDuePage, dependencies=[Caught_up])
def loans_due(
    runtime: RuntimeDep,
    _user: DevicesReader,
    audit: Audit,
    within_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    overdue: bool = False,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> LoansDuePage:
    """Loans handed over with a due date, soonest first: all of them, those due within N days
    (overdue included), or with overdue=true only the overdue ones."""
    today = _today()
    rows, total = queries.loans_due(
        runtime.engine,
        today=today,
        within_days=within_days,
        overdue_only=overdue,
        paging=Paging(page, page_size),
    )
    audit.listed("loan", ((r["loan_id"], r["person_id"]) for r in rows))
    return LoansDuePage.model_validate(
        {"items": rows, "today": today, "total": total, "page": page, "page_size": page_size}
    )


@router.get("/connectivity/expiring", response_model=ExpiringConnectivity, dependencies=[Caught_up])
def connectivity_expiring(
    runtime: RuntimeDep, _user: DevicesReader, audit: Audit, within_days: Days = 30
) -> ExpiringConnectivity:
    """SIMs reserved or on issue whose contract ends within N days (or has already ended)."""
    today = _today()
    rows = queries.connectivity_expiring(runtime.engine, today=today, within_days=within_days)
    audit.listed("sim", ((r["item_id"], r["person_id"]) for r in rows))
    return ExpiringConnectivity.model_validate(
        {"today": today, "within_days": within_days, "items": rows}
    )


@router.get("/years", response_model=list[SchemeYearRead], dependencies=[Caught_up])
def scheme_years(runtime: RuntimeDep, _user: DashboardReader) -> list[SchemeYearRead]:
    """Every scheme year, latest first, with its places taken, waiting and left."""
    return [SchemeYearRead.model_validate(r) for r in queries.scheme_years(runtime.engine)]


@router.get("/people/{person_id}", response_model=PersonDevices, dependencies=[Caught_up])
def person_devices(
    person_id: uuid.UUID, runtime: RuntimeDep, _user: PeopleReader, audit: Audit
) -> PersonDevices:
    """A person's places, loans (with their items), sessions and tickets, and the contact
    details a delivery needs. 404 for anyone who has never held a place on the scheme."""
    found = queries.person_devices(runtime.engine, person_id, today=_today())
    if found is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no one on the device scheme with id {person_id}"
        )
    audit.read("devices", person_id, person_id)
    return PersonDevices.model_validate(found)


@router.get("/{year}/waiting-list", response_model=WaitingList, dependencies=[Caught_up])
def waiting_list(
    year: Year, runtime: RuntimeDep, _user: DevicesReader, audit: Audit
) -> WaitingList:
    """Who waits for a place, in the order they were referred: the first takes the next."""
    rows = queries.waiting_list(runtime.engine, year)
    if rows is None:
        raise _no_year(year)
    audit.listed("place", ((r["person_id"], r["person_id"]) for r in rows))
    return WaitingList.model_validate({"year": year, "items": rows})


@router.get("/{year}/dashboard", response_model=SchemeDashboard, dependencies=[Caught_up])
def dashboard(year: Year, runtime: RuntimeDep, _user: DashboardReader) -> SchemeDashboard:
    """People benefited (also by district and deprivation quintile), loans, gifts, returns,
    losses, support, capacity and each budget line's spend, commitments and forecast, with the
    assumptions behind them."""
    found = queries.scheme_dashboard(runtime.engine, year, today=_today())
    if found is None:
        raise _no_year(year)
    return SchemeDashboard.model_validate(found)


@router.get("/{year}/end-of-scheme", response_model=EndOfScheme, dependencies=[Caught_up])
def end_of_scheme(
    year: Year, runtime: RuntimeDep, _user: DevicesReader, audit: Audit
) -> EndOfScheme:
    """Every loan still out in the scheme year, to recall or, where the person's plan gives
    the tablet, to convert to a gift at the scheme's end."""
    found = queries.end_of_scheme_list(runtime.engine, year)
    if found is None:
        raise _no_year(year)
    audit.listed("loan", ((loan["loan_id"], loan["person_id"]) for loan in found["loans"]))
    return EndOfScheme.model_validate(found)
