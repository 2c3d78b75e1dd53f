"""Support contacts and asset connections in the casework read model."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import BindParameter, Connection, Update, and_, bindparam, func, select, update

from domain.community import AssetConnection
from domain.contact import SupportContact
from projections.batch import rows
from projections.casework_tables import connections, contacts, involvements, person_records
from projections.projector import Handler

C = AssetConnection


def add_record(conn: Connection, person_id: UUID, record_id: UUID, kind: str) -> None:
    """Note that a record belongs to a person, for their timeline."""
    row = {"person_id": person_id, "record_id": record_id, "kind": kind}
    rows(conn).insert(conn, person_records, row)


def _codes(values: list[Any]) -> list[Any]:
    return [getattr(v, "value", v) for v in values]


def _details(e: SupportContact.Logged | SupportContact.Corrected) -> dict[str, Any]:
    return {
        "contact_at": e.contact_at,
        "duration_minutes": e.duration_minutes,
        "mode": e.mode.value,
        "participants": _codes(e.participants),
        "purposes": _codes(e.purposes),
        "notes": e.notes,
        "asset_ids": [str(a) for a in e.asset_ids],
    }


def _recount() -> Update:
    """Last contact and number of contacts, from the contacts that stand (not withdrawn)."""
    person_id: BindParameter[Any] = bindparam("key")
    standing = and_(contacts.c.person_id == person_id, contacts.c.withdrawn.is_(False))
    return (
        update(involvements)
        .where(involvements.c.person_id == person_id)
        .values(
            last_contact_at=select(func.max(contacts.c.contact_at))
            .where(standing)
            .scalar_subquery(),
            contacts_count=select(func.count())
            .select_from(contacts)
            .where(standing)
            .scalar_subquery(),
        )
    )


# Run once per person at the end of a batch, after the batch's contacts are written.
RECOUNT_CONTACTS = _recount()


def recount_contacts(conn: Connection, person_id: UUID) -> None:
    rows(conn).recompute(conn, RECOUNT_CONTACTS, person_id)


class ContactHandlers:
    def contact_handlers(self) -> dict[type[Any], Handler]:
        return {
            SupportContact.Logged: self.contact_logged,
            SupportContact.Corrected: self.contact_corrected,
            SupportContact.Withdrawn: self.contact_withdrawn,
        }

    def contact_logged(self, conn: Connection, e: SupportContact.Logged, _position: int) -> None:
        row = {
            "contact_id": e.originator_id,
            "person_id": e.person_id,
            "involvement_id": e.involvement_id,
            "district": e.district,
            "recorded_by": e.actor_id,
            "recorded_at": e.timestamp,
            "corrected": False,
            "withdrawn": False,
            "version": e.originator_version,
            "updated_at": e.timestamp,
            **_details(e),
        }
        rows(conn).insert(conn, contacts, row)
        add_record(conn, e.person_id, e.originator_id, "support_contact")
        recount_contacts(conn, e.person_id)

    def contact_corrected(
        self, conn: Connection, e: SupportContact.Corrected, _position: int
    ) -> None:
        self._contact(
            conn,
            e,
            corrected=True,
            corrected_at=e.timestamp,
            correction_why=e.why,
            **_details(e),
        )

    def contact_withdrawn(
        self, conn: Connection, e: SupportContact.Withdrawn, _position: int
    ) -> None:
        self._contact(conn, e, withdrawn=True, withdrawn_at=e.timestamp, withdrawn_why=e.why)

    @staticmethod
    def _contact(conn: Connection, e: Any, **values: Any) -> None:
        values = {"version": e.originator_version, "updated_at": e.timestamp, **values}
        rows(conn).update(conn, contacts, e.originator_id, values)
        recount_contacts(conn, e.person_id)


class ConnectionHandlers:
    def connection_handlers(self) -> dict[type[Any], Handler]:
        return {
            C.Introduced: self.introduced,
            C.Attended: self.attended,
            C.StillConnected: self.still_connected,
            C.Dropped: self.dropped,
            C.Reintroduced: self.reintroduced,
        }

    def introduced(self, conn: Connection, e: C.Introduced, _position: int) -> None:
        row = {
            "connection_id": e.originator_id,
            "person_id": e.person_id,
            "asset_id": e.asset_id,
            "district": e.district,
            "status": "introduced",
            "introduced_at": e.occurred_at,
            "note": e.note,
            "version": e.originator_version,
            "updated_at": e.timestamp,
        }
        rows(conn).insert(conn, connections, row)
        add_record(conn, e.person_id, e.originator_id, "connection")

    def attended(self, conn: Connection, e: C.Attended, _position: int) -> None:
        self._step(conn, e, "attended", attended_at=e.occurred_at)

    def still_connected(self, conn: Connection, e: C.StillConnected, _position: int) -> None:
        self._step(conn, e, "still_connected", checked_at=e.occurred_at)

    def dropped(self, conn: Connection, e: C.Dropped, _position: int) -> None:
        self._step(conn, e, "dropped", dropped_at=e.occurred_at)

    def reintroduced(self, conn: Connection, e: C.Reintroduced, _position: int) -> None:
        """Introduced afresh: the dates of the earlier round stay in the timeline."""
        self._step(
            conn,
            e,
            "introduced",
            introduced_at=e.occurred_at,
            attended_at=None,
            checked_at=None,
            dropped_at=None,
        )

    @staticmethod
    def _step(conn: Connection, e: Any, status: str, **values: Any) -> None:
        values = {
            "status": status,
            "note": e.note,
            "version": e.originator_version,
            "updated_at": e.timestamp,
            **values,
        }
        rows(conn).update(conn, connections, e.originator_id, values)
