"""The referrals read model, which also serves each programme's referral inbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table

from domain.erasure import Erasure
from domain.referral import Referral
from projections.batch import rows
from projections.erasure import REFERRALS, erasure_handler, purge_referral_answers
from projections.projector import Handler
from projections.tables import referrals


class ReferralsProjection:
    name = "referrals"
    tables: tuple[Table, ...] = (referrals,)

    def handlers(self) -> dict[type[Any], Handler]:
        return {
            Referral.Received: self.received,
            Referral.Accepted: self.accepted,
            Referral.Declined: self.declined,
            Referral.Redirected: self.redirected,
            Referral.Closed: self.closed,
            Erasure.Recorded: erasure_handler(REFERRALS, purge_referral_answers),
        }

    def received(self, conn: Connection, e: Referral.Received, _position: int) -> None:
        row = {
            "id": e.originator_id,
            "person_id": e.person_id,
            "programme": e.programme.value,
            "source": e.source.value,
            "referrer": e.referrer,
            "reasons": e.reasons,
            "consent_to_share": e.consent_to_share,
            "status": "received",
            "referred_by": e.actor_id,
            "received_at": e.occurred_at,
            "version": e.originator_version,
            "updated_at": e.timestamp,
        }
        rows(conn).insert(conn, referrals, row)

    def accepted(self, conn: Connection, e: Referral.Accepted, _position: int) -> None:
        self._decided(conn, e, "accepted", coordinator_id=e.coordinator_id)

    def declined(self, conn: Connection, e: Referral.Declined, _position: int) -> None:
        self._decided(conn, e, "declined", decline_reason=e.reason)

    def redirected(self, conn: Connection, e: Referral.Redirected, _position: int) -> None:
        self._decided(conn, e, "redirected", redirected_to=e.redirected_to)

    def closed(self, conn: Connection, e: Referral.Closed, _position: int) -> None:
        self._update(conn, e, status="closed", closed_at=e.occurred_at, close_note=e.note)

    def _decided(self, conn: Connection, e: Any, status: str, **values: Any) -> None:
        self._update(
            conn, e, status=status, decided_at=e.occurred_at, decided_by=e.actor_id, **values
        )

    @staticmethod
    def _update(conn: Connection, e: Any, **values: Any) -> None:
        values = {"version": e.originator_version, "updated_at": e.timestamp, **values}
        rows(conn).update(conn, referrals, e.originator_id, values)
