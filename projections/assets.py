"""The community assets directory, with how many people are connected to each asset, and
the community development work not tied to one person.

Rows go through the batch's row buffer (projections/batch.py): one executemany per table and
column set at the end of a batch. An asset's four counts are not moved one by one: each asset a
batch touched is counted again from its connections once, after the connections are written.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, update

from domain.codes import ConnectionStatus
from domain.community import STATUS_AFTER, AssetConnection, CommunityAsset, CommunityWork
from projections.batch import rows
from projections.casework_tables import asset_links, assets, community_work
from projections.projector import Handler

C = AssetConnection
DETAIL_COLUMNS = (
    "name",
    "category",
    "district",
    "description",
    "contact",
    "accessibility",
    "last_verified_on",
)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _count(status: str) -> Any:
    return (
        select(func.count())
        .where(asset_links.c.asset_id == assets.c.asset_id, asset_links.c.status == status)
        .scalar_subquery()
    )


_COUNTS = {status.value: _count(status.value) for status in ConnectionStatus}
# An asset's counts from its connections (key: the asset).
RECOUNT_ASSET = update(assets).where(assets.c.asset_id == bindparam("key")).values(_COUNTS)
# The same for the asset a connection belongs to (key: the connection).
RECOUNT_CONNECTED_ASSET = (
    update(assets)
    .where(
        assets.c.asset_id
        == select(asset_links.c.asset_id)
        .where(asset_links.c.connection_id == bindparam("key"))
        .scalar_subquery()
    )
    .values(_COUNTS)
)


def _columns(details: dict[str, Any]) -> dict[str, Any]:
    values = {k: _plain(details.get(k)) for k in DETAIL_COLUMNS}
    values["name_search"] = str(values["name"]).lower()
    return values


class AssetsProjection:
    name = "assets"
    tables: tuple[Table, ...] = (assets, asset_links, community_work)

    def handlers(self) -> dict[type[Any], Handler]:
        steps = {cls: self.stepped for cls in (C.Attended, C.StillConnected, C.Dropped)}
        return {
            CommunityAsset.Listed: self.listed,
            CommunityAsset.Updated: self.updated,
            CommunityAsset.Verified: self.verified,
            CommunityAsset.Retired: self.retired,
            C.Introduced: self.introduced,
            C.Reintroduced: self.stepped,
            **steps,
            CommunityWork.Recorded: self.work_recorded,
        }

    # the directory --------------------------------------------------------------------------

    def listed(self, conn: Connection, e: CommunityAsset.Listed, _position: int) -> None:
        row = {
            "asset_id": e.originator_id,
            "retired": False,
            "retired_at": None,
            "introduced": 0,
            "attended": 0,
            "still_connected": 0,
            "dropped": 0,
            "version": e.originator_version,
            "updated_at": e.timestamp,
            **_columns(e.details),
        }
        rows(conn).insert(conn, assets, row)

    def updated(self, conn: Connection, e: CommunityAsset.Updated, _position: int) -> None:
        self._asset(conn, e, **_columns(e.details))

    def verified(self, conn: Connection, e: CommunityAsset.Verified, _position: int) -> None:
        self._asset(conn, e, last_verified_on=e.verified_on)

    def retired(self, conn: Connection, e: CommunityAsset.Retired, _position: int) -> None:
        self._asset(conn, e, retired=True, retired_at=e.timestamp)

    @staticmethod
    def _asset(conn: Connection, e: Any, **values: Any) -> None:
        values.update(version=e.originator_version, updated_at=e.timestamp)
        rows(conn).update(conn, assets, e.originator_id, values)

    # usage counts ---------------------------------------------------------------------------

    def introduced(self, conn: Connection, e: C.Introduced, _position: int) -> None:
        row = {
            "connection_id": e.originator_id,
            "asset_id": e.asset_id,
            "status": ConnectionStatus.INTRODUCED.value,
        }
        rows(conn).insert(conn, asset_links, row)
        rows(conn).recompute(conn, RECOUNT_ASSET, e.asset_id)

    def stepped(self, conn: Connection, e: Any, _position: int) -> None:
        """One connection moves to its new status; its asset is counted again."""
        new = STATUS_AFTER[type(e).__name__].value
        rows(conn).update(conn, asset_links, e.originator_id, {"status": new})
        rows(conn).recompute(conn, RECOUNT_CONNECTED_ASSET, e.originator_id)

    # community work -------------------------------------------------------------------------

    def work_recorded(self, conn: Connection, e: CommunityWork.Recorded, _position: int) -> None:
        row = {
            "work_id": e.originator_id,
            "kind": e.kind.value,
            "district": e.district,
            "asset_id": e.asset_id,
            "description": e.description,
            "minutes": e.minutes,
            "occurred_on": e.occurred_on,
            "recorded_by": e.actor_id,
            "recorded_at": e.timestamp,
        }
        rows(conn).insert(conn, community_work, row)
