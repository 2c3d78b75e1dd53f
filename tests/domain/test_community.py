"""Community assets, people's connections to them, and community development work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.codes import AssetCategory, CommunityWorkKind, ConnectionStatus
from domain.community import (
    AssetConnection,
    AssetDetails,
    CommunityAsset,
    CommunityWork,
    check_work,
    connection_id,
)
from domain.errors import InvalidField, InvalidTransition
from domain.reference import NOTTINGHAMSHIRE_DISTRICTS

TODAY = date(2024, 6, 1)
WHEN = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
ACTOR = uuid4()
DISTRICTS = NOTTINGHAMSHIRE_DISTRICTS
LUNCH_CLUB = AssetDetails(
    name="  Warsop Lunch Club ",
    category=AssetCategory.GROUP,
    district="Mansfield",
    description="Two-course lunch and a chat, Tuesdays",
    contact="07700 900123",
    accessibility="Step-free; hearing loop",
    last_verified_on=date(2024, 5, 1),
)
C = ConnectionStatus


def listed(details: AssetDetails = LUNCH_CLUB) -> CommunityAsset:
    checked = details.checked(DISTRICTS, TODAY)
    return CommunityAsset._create(
        CommunityAsset.Listed, details=vars(checked).copy(), actor_id=ACTOR
    )


# assets ---------------------------------------------------------------------------------


def test_asset_details_are_checked_and_tidied() -> None:
    checked = replace(LUNCH_CLUB, contact="  ", description=None).checked(DISTRICTS, TODAY)
    assert (checked.name, checked.contact, checked.description) == ("Warsop Lunch Club", None, None)
    assert checked.accessibility == "Step-free; hearing loop"
    assert replace(LUNCH_CLUB, last_verified_on=TODAY).checked(DISTRICTS, TODAY).last_verified_on


def test_unknown_district_is_refused() -> None:
    with pytest.raises(InvalidField) as info:
        replace(LUNCH_CLUB, district="Sheffield").checked(DISTRICTS, TODAY)
    assert (info.value.field, info.value.message) == ("district", "unknown district 'Sheffield'")
    with pytest.raises(InvalidField, match="district"):
        replace(LUNCH_CLUB, district="mansfield").checked(DISTRICTS, TODAY)


def test_future_verification_date_is_refused() -> None:
    future = replace(LUNCH_CLUB, last_verified_on=TODAY + timedelta(days=1))
    with pytest.raises(InvalidField) as info:
        future.checked(DISTRICTS, TODAY)
    assert (info.value.field, info.value.message) == (
        "last_verified_on",
        "must not be in the future",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "  "), ("name", "x" * 201), ("contact", "x" * 301), ("accessibility", "x" * 1001)],
    ids=["blank-name", "long-name", "long-contact", "long-accessibility"],
)
def test_asset_text_limits(field: str, value: str) -> None:
    changes: dict[str, Any] = {field: value}
    with pytest.raises(InvalidField) as info:
        replace(LUNCH_CLUB, **changes).checked(DISTRICTS, TODAY)
    assert info.value.field == field


def test_an_asset_is_listed_updated_verified_and_retired() -> None:
    asset = listed()
    assert (asset.district, asset.retired) == ("Mansfield", False)
    assert asset.details["name"] == "Warsop Lunch Club"
    moved = replace(LUNCH_CLUB, district="Ashfield").checked(DISTRICTS, TODAY)
    asset.update(moved, ACTOR)
    assert asset.district == "Ashfield"
    asset.verify(TODAY, ACTOR)
    assert asset.details["last_verified_on"] == TODAY
    asset.retire("  closed when the hall was sold ", ACTOR)
    assert asset.retired is True
    retired = asset.collect_events()[-1]
    assert isinstance(retired, CommunityAsset.Retired)
    assert retired.reason == "closed when the hall was sold"


@pytest.mark.parametrize("action", ["update", "verify", "retire"])
def test_a_retired_asset_refuses_changes(action: str) -> None:
    asset = listed()
    asset.retire("funding ended", ACTOR)
    steps: dict[str, Any] = {
        "update": lambda: asset.update(LUNCH_CLUB, ACTOR),
        "verify": lambda: asset.verify(TODAY, ACTOR),
        "retire": lambda: asset.retire("again", ACTOR),
    }
    with pytest.raises(InvalidTransition) as info:
        steps[action]()
    assert (info.value.record, info.value.action, info.value.status) == (
        "community asset",
        action,
        "retired",
    )
    assert info.value.why == "a retired asset is kept only for history"
    assert asset.version == 2


def test_retiring_needs_a_reason() -> None:
    asset = listed()
    with pytest.raises(InvalidField):
        asset.retire(" ", ACTOR)
    assert asset.retired is False


# connections ----------------------------------------------------------------------------


def introduced() -> AssetConnection:
    return AssetConnection(
        person_id=uuid4(),
        asset_id=uuid4(),
        district="Mansfield",
        note=None,
        actor_id=ACTOR,
        occurred_at=WHEN,
    )


def walk(connection: AssetConnection, steps: Sequence[ConnectionStatus]) -> None:
    for number, status in enumerate(steps, start=1):
        connection.step(status, f"step {number}", ACTOR, WHEN + timedelta(days=number))


def status_of(connection: AssetConnection) -> ConnectionStatus:
    return connection.status


def test_connection_id_is_per_person_and_asset() -> None:
    connection = introduced()
    assert connection.id == connection_id(connection.person_id, connection.asset_id)
    assert connection_id(connection.person_id, uuid4()) != connection.id
    assert status_of(connection) is C.INTRODUCED


@pytest.mark.parametrize(
    "path",
    [
        [C.ATTENDED],
        [C.ATTENDED, C.STILL_CONNECTED],
        [C.ATTENDED, C.STILL_CONNECTED, C.STILL_CONNECTED],
        [C.DROPPED],
        [C.ATTENDED, C.DROPPED],
        [C.ATTENDED, C.STILL_CONNECTED, C.DROPPED],
        [C.DROPPED, C.INTRODUCED, C.ATTENDED],
    ],
    ids=lambda p: "-".join(s.value for s in p),
)
def test_allowed_connection_steps(path: list[ConnectionStatus]) -> None:
    connection = introduced()
    walk(connection, path)
    assert status_of(connection) is path[-1]
    names = [type(e).__qualname__ for e in connection.collect_events()]
    assert names[0] == "AssetConnection.Introduced" and len(names) == len(path) + 1


@pytest.mark.parametrize(
    ("path", "to", "status", "froms"),
    [
        ([], C.STILL_CONNECTED, "introduced", "attended or still_connected"),
        ([], C.INTRODUCED, "introduced", "dropped"),
        ([C.ATTENDED], C.ATTENDED, "attended", "introduced"),
        ([C.ATTENDED], C.INTRODUCED, "attended", "dropped"),
        ([C.DROPPED], C.DROPPED, "dropped", "introduced or attended or still_connected"),
        ([C.DROPPED], C.ATTENDED, "dropped", "introduced"),
        ([C.DROPPED], C.STILL_CONNECTED, "dropped", "attended or still_connected"),
    ],
    ids=lambda v: v.value if isinstance(v, ConnectionStatus) else None,
)
def test_invalid_connection_steps(
    path: list[ConnectionStatus], to: ConnectionStatus, status: str, froms: str
) -> None:
    connection = introduced()
    walk(connection, path)
    version = connection.version
    with pytest.raises(InvalidTransition) as info:
        connection.step(to, None, ACTOR, WHEN)
    error = info.value
    assert (error.record, error.action, error.status) == (
        "connection",
        f"mark as {to.value}",
        status,
    )
    assert error.why == f"only from {froms}"
    assert connection.version == version


def test_connection_events_carry_the_note_and_replay() -> None:
    connection = introduced()
    connection.step(C.ATTENDED, "  went with her neighbour ", ACTOR, WHEN)
    connection.step(C.STILL_CONNECTED, "  ", ACTOR, WHEN)
    events = connection.collect_events()
    assert events[1].note == "went with her neighbour"  # type: ignore[attr-defined]
    assert events[2].note is None  # type: ignore[attr-defined]
    copy: Any = None
    for domain_event in events:
        copy = domain_event.mutate(copy)
    assert isinstance(copy, AssetConnection)
    assert (copy.status, copy.version) == (C.STILL_CONNECTED, 3)


# community development work -------------------------------------------------------------


def test_community_work_checks() -> None:
    assert check_work("  helped the lunch club apply for a grant ", 90, TODAY, TODAY) == (
        "helped the lunch club apply for a grant"
    )
    for minutes in (0, 24 * 60 + 1):
        with pytest.raises(InvalidField) as info:
            check_work("met the group", minutes, TODAY, TODAY)
        assert (info.value.field, info.value.message) == ("minutes", "must be 1 to 1440")
    with pytest.raises(InvalidField) as info:
        check_work("met the group", 60, TODAY + timedelta(days=1), TODAY)
    assert (info.value.field, info.value.message) == ("occurred_on", "must not be in the future")
    with pytest.raises(InvalidField) as info:
        check_work(" ", 60, TODAY, TODAY)
    assert info.value.field == "description"


def test_community_work_is_recorded() -> None:
    work = CommunityWork(
        kind=CommunityWorkKind.GAP_IDENTIFIED,
        district="Bassetlaw",
        asset_id=None,
        description="Nothing for young carers in Harworth",
        minutes=45,
        occurred_on=TODAY,
        actor_id=ACTOR,
    )
    assert (work.kind, work.district) == (CommunityWorkKind.GAP_IDENTIFIED, "Bassetlaw")
    (recorded,) = work.collect_events()
    assert isinstance(recorded, CommunityWork.Recorded)
    assert (recorded.minutes, recorded.occurred_on) == (45, TODAY)
