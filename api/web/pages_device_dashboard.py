"""Page: the scheme dashboard for a chosen year: people helped, loans, gifts, losses, support,
capacity, and each budget line's spend and forecast, with the assumptions behind them."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.web.guards import api_for, shown, viewer
from api.web.pages_device_shared import SCHEME, chosen_year, scheme_years
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

Reader = Annotated[WebSession, Depends(viewer("devices.dashboard"))]
LINES = {
    "tablets": "Tablets",
    "connectivity_4g": "4G connectivity",
    "setup_and_device_management": "Set-up and device management",
    "service_user_support": "Support for people using the devices",
}


@router.get("/app/devices/dashboard")
async def dashboard(
    request: Request, session: Reader, year: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    api = api_for(request, session)
    years = await scheme_years(api)
    chosen = chosen_year(years, year)
    board: dict[str, Any] | None = None
    if chosen is not None:
        board = dict(shown(await api.get(f"{SCHEME}/{chosen}/dashboard")).body)
        for line in board["budget"]["lines"]:
            line["share"] = share(line["forecast"], line["budget"])
            line["name"] = LINES.get(line["line"], line["line"])
        board["budget"]["total"]["share"] = share(
            board["budget"]["total"]["forecast"], board["budget"]["total"]["budget"]
        )
    return page(
        request,
        session,
        "devices/dashboard.html.j2",
        title="Scheme dashboard",
        years=[y["year"] for y in years],
        year=chosen,
        board=board,
        money=money,
    )


def share(part: str, whole: str) -> int:
    """Part of the whole, as a whole percentage (0 when there is no whole)."""
    total = Decimal(whole)
    return int((Decimal(part) * 100 / total).to_integral_value()) if total else 0


def money(amount: str) -> str:
    """'62000.00' -> '£62,000'; pence shown only when there are some."""
    value = Decimal(amount)
    text = f"{value:,.2f}"
    return f"£{text[:-3] if text.endswith('.00') else text}".replace("£-", "-£")
