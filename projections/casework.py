"""The casework read model: each person's involvement, goals, outcomes, measures, contacts
and connections, and the list of records that belong to them (for the timeline)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Table,
    Update,
    and_,
    bindparam,
    func,
    select,
    update,
)

from domain.codes import OutcomeDomain
from domain.erasure import Erasure
from domain.involvement import Involvement
from domain.wellbeing import score
from projections.batch import rows
from projections.casework_contacts import (
    RECOUNT_CONTACTS,
    ConnectionHandlers,
    ContactHandlers,
    add_record,
)
from projections.casework_tables import (
    connections,
    contacts,
    goals,
    involvements,
    measures,
    outcomes,
    person_records,
)
from projections.erasure import CASEWORK, erasure_handler, purge_casework_answers
from projections.projector import Handler

Inv = Involvement
SAFEGUARDING = OutcomeDomain.SAFEGUARDING_RAISED.value


def _value(code: Enum | None) -> Any:
    return None if code is None else code.value


class CaseworkProjection(ContactHandlers, ConnectionHandlers):
    name = "casework"
    tables: tuple[Table, ...] = (
        involvements,
        goals,
        contacts,
        outcomes,
        measures,
        connections,
        person_records,
    )

    def handlers(self) -> dict[type[Any], Handler]:
        return {
            Inv.Opened: self.opened,
            Inv.Reassigned: self.reassigned,
            Inv.SupportLevelChanged: self.support_level_changed,
            Inv.WhatMattersRecorded: self.what_matters_recorded,
            Inv.StrengthsRecorded: self.strengths_recorded,
            Inv.GoalSet: self.goal_set,
            Inv.GoalStatusChanged: self.goal_status_changed,
            Inv.NextActionSet: self.next_action_set,
            Inv.Paused: self.paused,
            Inv.Resumed: self.resumed,
            Inv.Closed: self.closed,
            Inv.Reopened: self.reopened,
            Inv.OutcomeRecorded: self.outcome_recorded,
            Inv.OutcomeWithdrawn: self.outcome_withdrawn,
            Inv.MeasureRecorded: self.measure_recorded,
            Inv.MeasureWithdrawn: self.measure_withdrawn,
            **self.contact_handlers(),
            **self.connection_handlers(),
            Erasure.Recorded: erasure_handler(CASEWORK, purge_casework_answers),
        }

    # the involvement ------------------------------------------------------------------------

    def opened(self, conn: Connection, e: Inv.Opened, _position: int) -> None:
        row = {
            "person_id": e.person_id,
            "involvement_id": e.originator_id,
            "coordinator_id": e.coordinator_id,
            "district": e.district,
            "status": "active",
            "support_level": e.support_level.value,
            "referral_id": e.referral_id,
            "first_opened_at": e.occurred_at,
            "opened_at": e.occurred_at,
            "contacts_count": 0,
            "version": e.originator_version,
            "updated_at": e.timestamp,
        }
        buffer = rows(conn)
        buffer.insert(conn, involvements, row)
        # A new row starts with no count and no concern: none of the batch's earlier events
        # for the person changes that (as when each ran at once).
        buffer.cancel(RECOUNT_CONTACTS, e.person_id)
        buffer.cancel(LATEST_SAFEGUARDING, e.person_id)
        add_record(conn, e.person_id, e.originator_id, "involvement")

    def reassigned(self, conn: Connection, e: Inv.Reassigned, _position: int) -> None:
        self._touch(conn, e, coordinator_id=e.coordinator_id, district=e.district)

    def support_level_changed(
        self, conn: Connection, e: Inv.SupportLevelChanged, _position: int
    ) -> None:
        self._touch(conn, e, support_level=e.support_level.value)

    def what_matters_recorded(
        self, conn: Connection, e: Inv.WhatMattersRecorded, _position: int
    ) -> None:
        self._touch(conn, e, what_matters=e.what_matters)

    def strengths_recorded(
        self, conn: Connection, e: Inv.StrengthsRecorded, _position: int
    ) -> None:
        self._touch(conn, e, strengths=e.strengths)

    def next_action_set(self, conn: Connection, e: Inv.NextActionSet, _position: int) -> None:
        self._touch(conn, e, next_action=e.action, next_action_due=e.due_on)

    def paused(self, conn: Connection, e: Inv.Paused, _position: int) -> None:
        self._touch(conn, e, status="paused", paused_at=e.occurred_at, pause_note=e.note)

    def resumed(self, conn: Connection, e: Inv.Resumed, _position: int) -> None:
        self._touch(conn, e, status="active", paused_at=None, pause_note=None)

    def closed(self, conn: Connection, e: Inv.Closed, _position: int) -> None:
        self._touch(
            conn,
            e,
            status="closed",
            closed_at=e.occurred_at,
            close_reason=e.reason.value,
            close_note=e.note,
            paused_at=None,
            pause_note=None,
        )

    def reopened(self, conn: Connection, e: Inv.Reopened, _position: int) -> None:
        self._touch(
            conn,
            e,
            status="active",
            coordinator_id=e.coordinator_id,
            district=e.district,
            referral_id=e.referral_id,
            opened_at=e.occurred_at,
            closed_at=None,
            close_reason=None,
            close_note=None,
        )

    # goals ----------------------------------------------------------------------------------

    def goal_set(self, conn: Connection, e: Inv.GoalSet, _position: int) -> None:
        """A goal set again with the same id takes the new wording and is active again."""
        values = {"text": e.text, "status": "active", "changed_at": e.occurred_at}
        row = {"goal_id": e.goal_id, "person_id": e.person_id, "set_at": e.occurred_at, **values}
        rows(conn).upsert(conn, goals, row, on_conflict=tuple(values))
        self._touch(conn, e)

    def goal_status_changed(
        self, conn: Connection, e: Inv.GoalStatusChanged, _position: int
    ) -> None:
        values = {"status": e.status.value, "changed_at": e.occurred_at}
        rows(conn).update(conn, goals, e.goal_id, values)
        self._touch(conn, e)

    # outcomes and measures ------------------------------------------------------------------

    def outcome_recorded(self, conn: Connection, e: Inv.OutcomeRecorded, _position: int) -> None:
        row = {
            "outcome_id": e.outcome_id,
            "person_id": e.person_id,
            "domain": e.domain.value,
            "detail": _value(e.detail),
            "occurred_on": e.occurred_on,
            "evidence": e.evidence,
            "visits": e.visits,
            "recorded_by": e.actor_id,
            "recorded_at": e.occurred_at,
            "withdrawn": False,
        }
        rows(conn).insert(conn, outcomes, row)
        self._touch(conn, e)
        rows(conn).recompute(conn, LATEST_SAFEGUARDING, e.person_id)

    def outcome_withdrawn(self, conn: Connection, e: Inv.OutcomeWithdrawn, _position: int) -> None:
        values = {"withdrawn": True, "withdrawn_reason": e.reason}
        rows(conn).update(conn, outcomes, e.outcome_id, values)
        self._touch(conn, e)
        rows(conn).recompute(conn, LATEST_SAFEGUARDING, e.person_id)

    def measure_recorded(self, conn: Connection, e: Inv.MeasureRecorded, _position: int) -> None:
        scored = score(e.instrument, e.items)
        row = {
            "measure_id": e.measure_id,
            "person_id": e.person_id,
            "instrument": e.instrument.value,
            "occasion": e.occasion.value,
            "taken_on": e.taken_on,
            "items": list(e.items),
            "raw_score": scored.raw,
            "metric_score": scored.metric,
            "recorded_by": e.actor_id,
            "recorded_at": e.occurred_at,
            "withdrawn": False,
        }
        rows(conn).insert(conn, measures, row)
        self._touch(conn, e)

    def measure_withdrawn(self, conn: Connection, e: Inv.MeasureWithdrawn, _position: int) -> None:
        values = {"withdrawn": True, "withdrawn_reason": e.reason}
        rows(conn).update(conn, measures, e.measure_id, values)
        self._touch(conn, e)

    @staticmethod
    def _touch(conn: Connection, e: Any, **values: Any) -> None:
        values = {"version": e.originator_version, "updated_at": e.timestamp, **values}
        rows(conn).update(conn, involvements, e.person_id, values)


def _latest_safeguarding() -> Update:
    """The latest safeguarding concern not withdrawn, as a correlated subquery."""
    person_id: BindParameter[Any] = bindparam("key")
    latest = (
        select(func.max(outcomes.c.occurred_on))
        .where(
            and_(
                outcomes.c.person_id == person_id,
                outcomes.c.domain == SAFEGUARDING,
                outcomes.c.withdrawn.is_(False),
            )
        )
        .scalar_subquery()
    )
    return (
        update(involvements)
        .where(involvements.c.person_id == person_id)
        .values(safeguarding_raised_at=latest)
    )


# Run once per person at the end of a batch, after the batch's outcomes are written.
LATEST_SAFEGUARDING = _latest_safeguarding()
