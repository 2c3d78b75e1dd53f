"""The people read model: who each person is and where they live, for search and pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table

from domain.erasure import Erasure
from domain.person import Person
from projections.batch import rows
from projections.erasure import PEOPLE, erasure_handler, purge_person_answers, record_erasure
from projections.projector import Handler
from projections.tables import erasures, people

PERSONAL_COLUMNS = ("name", "date_of_birth", "nhs_number", "postcode", "address", "phone", "email")
ANALYTIC_COLUMNS = ("district", "lsoa_code", "age_band", "sex", "ethnicity")


def _columns(personal: dict[str, Any] | None, analytic: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in (personal or {}).items() if k in PERSONAL_COLUMNS}
    values.update({k: v for k, v in analytic.items() if k in ANALYTIC_COLUMNS})
    if "name" in values:
        values["name_search"] = (values["name"] or "").lower() or None
    return values


class PeopleProjection:
    name = "people"
    tables: tuple[Table, ...] = (people, erasures)

    def handlers(self) -> dict[type[Any], Handler]:
        return {
            Person.Registered: self.registered,
            Person.DetailsCorrected: self.corrected,
            Person.CarerLinked: self.carer_linked,
            Erasure.Recorded: erasure_handler(PEOPLE, record_erasure, purge_person_answers),
        }

    def registered(self, conn: Connection, e: Person.Registered, _position: int) -> None:
        row = {
            "id": e.originator_id,
            "registered_at": e.occurred_at,
            "registered_by": e.actor_id,
            "version": e.originator_version,
            "updated_at": e.timestamp,
            **_columns(e.personal, e.analytic),
        }
        rows(conn).insert(conn, people, row)

    def corrected(self, conn: Connection, e: Person.DetailsCorrected, _position: int) -> None:
        self._update(conn, e, **_columns(e.personal, e.analytic))

    def carer_linked(self, conn: Connection, e: Person.CarerLinked, _position: int) -> None:
        self._update(conn, e, cares_for_id=e.cares_for_id, carer_relationship=e.relationship)

    @staticmethod
    def _update(conn: Connection, e: Any, **values: Any) -> None:
        values = {"version": e.originator_version, "updated_at": e.timestamp, **values}
        rows(conn).update(conn, people, e.originator_id, values)
