"""What the assets pages share: the form's options and one asset's page (shown again with the
errors of a verify or retire form)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import Request
from fastapi.responses import Response

from api.roles import allowed
from api.web.forms import FormErrors
from api.web.guards import PageError, api_for, shown
from api.web.render import label, page
from api.web.session import WebSession, runtime_of

CATEGORIES = ("group", "place", "activity", "service")


def category_options() -> list[tuple[str, str]]:
    return [(c, label(c)) for c in CATEGORIES]


def district_options(request: Request) -> list[tuple[str, str]]:
    return [(d, d) for d in runtime_of(request).settings.districts]


async def show_asset(
    request: Request,
    session: WebSession,
    asset_id: str,
    after: str,
    errors: FormErrors,
    values: dict[str, str],
    status: int = 200,
) -> Response:
    """One asset's page; with `errors`, the verify or retire form that was sent, kept."""
    found = shown(
        await api_for(request, session).get(
            f"/assets/{checked_id(asset_id)}", min_position=after if after.isdigit() else None
        )
    ).body
    return page(
        request,
        session,
        "assets/asset.html.j2",
        title=found["name"],
        status=status,
        errors=errors,
        values=values,
        asset=found,
        can_manage=allowed(session.user.role, "assets.manage"),
        today=datetime.now(UTC).date().isoformat(),
    )


def checked_id(asset_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(asset_id)
    except ValueError:
        raise PageError(404, "We could not find that community asset.") from None
