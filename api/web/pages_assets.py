"""Pages: the community assets directory (groups, places, activities and services people are
connected to), searched by name and filtered by district and category, a page per asset; adding,
verifying and retiring assets (coordinators and administrators) in pages_assets_manage."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.roles import allowed
from api.web import pages_assets_manage
from api.web.forms import FormErrors
from api.web.guards import api_for, shown, viewer
from api.web.pages_assets_shared import category_options, district_options, show_asset
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)
router.include_router(pages_assets_manage.router)  # /app/assets/new before /app/assets/{id}

Reader = Annotated[WebSession, Depends(viewer("assets.read"))]
Text = Annotated[str, Query(max_length=100)]
PAGE_SIZE = 20
FILTERS = ("q", "district", "category", "include_retired")


def page_links(values: dict[str, str], number: int, pages: int) -> dict[str, str]:
    """Previous and next pages of the same search."""
    kept = {k: values[k] for k in FILTERS if values.get(k)}
    links = {}
    if number > 1:
        links["prev"] = "/app/assets?" + urlencode({**kept, "page": number - 1})
    if number < pages:
        links["next"] = "/app/assets?" + urlencode({**kept, "page": number + 1})
    return links


@router.get("/app/assets")
async def directory(
    request: Request,
    session: Reader,
    q: Text = "",
    district: Text = "",
    category: Text = "",
    include_retired: Text = "",
    page_number: Annotated[str, Query(alias="page", max_length=6)] = "1",
    after: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    values = {"q": q, "district": district, "category": category}
    values["include_retired"] = "true" if include_retired else ""
    number = int(page_number) if page_number.isdigit() and int(page_number) > 0 else 1
    answer = await api_for(request, session).get(
        "/assets",
        q=q,
        district=district,
        category=category,
        include_retired="true" if include_retired else None,
        page=number,
        page_size=PAGE_SIZE,
        min_position=after if after.isdigit() else None,
    )
    errors = FormErrors()
    found: dict[str, Any] = {"items": [], "total": 0}
    if answer.status == 422:
        errors = answer.errors()
    else:
        found = shown(answer).body
    pages = max(1, -(-int(found["total"]) // PAGE_SIZE))
    return page(
        request,
        session,
        "assets/directory.html.j2",
        title="Community assets",
        status=422 if errors else 200,
        errors=errors,
        values=values,
        found=found,
        number=number,
        pages=pages,
        links=page_links(values, number, pages),
        searched=any(values.values()),
        categories=category_options(),
        districts=district_options(request),
        can_manage=allowed(session.user.role, "assets.manage"),
    )


@router.get("/app/assets/{asset_id}")
async def asset_page(
    request: Request,
    session: Reader,
    asset_id: str,
    after: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    return await show_asset(request, session, asset_id, after, FormErrors(), {})
