"""The community assets directory, with how many people are connected to each asset, and
the community development work not tied to one person."""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from domain.codes import ConnectionStatus
from domain.community import STATUS_AFTER, AssetConnection, CommunityAsset, CommunityWork
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
        conn.execute(
            insert(assets).values(
                asset_id=e.originator_id,
                retired=False,
                introduced=0,
                attended=0,
                still_connected=0,
                dropped=0,
                version=e.originator_version,
                updated_at=e.timestamp,
                **_columns(e.details),
            )
        )

    def updated(self, conn: Connection, e: CommunityAsset.Updated, _position: int) -> None:
        self._asset(conn, e, **_columns(e.details))

    def verified(self, conn: Connection, e: CommunityAsset.Verified, _position: int) -> None:
        self._asset(conn, e, last_verified_on=e.verified_on)

    def retired(self, conn: Connection, e: CommunityAsset.Retired, _position: int) -> None:
        self._asset(conn, e, retired=True, retired_at=e.timestamp)

    @staticmethod
    def _asset(conn: Connection, e: Any, **values: Any) -> None:
        conn.execute(
            update(assets)
            .where(assets.c.asset_id == e.originator_id)
            .values(version=e.originator_version, updated_at=e.timestamp, **values)
        )

    # usage counts ---------------------------------------------------------------------------

    def introduced(self, conn: Connection, e: C.Introduced, _position: int) -> None:
        status = ConnectionStatus.INTRODUCED.value
        conn.execute(
            insert(asset_links).values(
                connection_id=e.originator_id, asset_id=e.asset_id, status=status
            )
        )
        conn.execute(
            update(assets)
            .where(assets.c.asset_id == e.asset_id)
            .values({status: assets.c[status] + 1})
        )

    def stepped(self, conn: Connection, e: Any, _position: int) -> None:
        """One connection moves from its old status to the new: one count moves with it."""
        link = conn.execute(
            select(asset_links.c.asset_id, asset_links.c.status).where(
                asset_links.c.connection_id == e.originator_id
            )
        ).one()
        old, new = str(link.status), STATUS_AFTER[type(e).__name__].value
        if old == new:
            return
        conn.execute(
            update(asset_links)
            .where(asset_links.c.connection_id == e.originator_id)
            .values(status=new)
        )
        conn.execute(
            update(assets)
            .where(assets.c.asset_id == link.asset_id)
            .values({old: assets.c[old] - 1, new: assets.c[new] + 1})
        )

    # community work -------------------------------------------------------------------------

    def work_recorded(self, conn: Connection, e: CommunityWork.Recorded, _position: int) -> None:
        conn.execute(
            insert(community_work).values(
                work_id=e.originator_id,
                kind=e.kind.value,
                district=e.district,
                asset_id=e.asset_id,
                description=e.description,
                minutes=e.minutes,
                occurred_on=e.occurred_on,
                recorded_by=e.actor_id,
                recorded_at=e.timestamp,
            )
        )
