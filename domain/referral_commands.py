"""Referral commands of the application: make, register-and-refer, and the lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.codes import SupportLevel
from domain.consent import ConsentCommands, given_via_referrer
from domain.person import NhsNumberClaim, Person, PersonDetails
from domain.recorded import Recorded
from domain.reference import Programme, ReferralSource, check_text
from domain.referral import Referral, check_reasons

# Called with the loaded referral before a step; raises to refuse (e.g. wrong programme).
Authorise = Callable[[Referral], None]


class ReferralCommands(ConsentCommands):
    """Mixed into LacApplication; each command loads, checks, changes and saves once. It
    brings the consent commands with it (domain.consent)."""

    if TYPE_CHECKING:

        def _saved(self, *aggregates: Any) -> int: ...
        def _get(self, cls: type[Any], record: str, record_id: UUID) -> Any: ...
        def _when(
            self, occurred_at: datetime | None, not_before: datetime | None = None
        ) -> datetime: ...
        def get_person(self, person_id: UUID) -> Person: ...
        def _new_person(
            self, details: PersonDetails, actor_id: UUID, person_id: UUID | None, when: datetime
        ) -> tuple[Person, list[NhsNumberClaim]]: ...
        def _save_registration(
            self, person: Person, claims: list[NhsNumberClaim], *more: Any
        ) -> int: ...
        def _opened(
            self,
            person: Person,
            coordinator_id: UUID,
            level: SupportLevel,
            actor_id: UUID,
            referral_id: UUID | None,
            when: datetime,
        ) -> Any: ...

    # referrals -----------------------------------------------------------------------------

    def make_referral(
        self,
        person_id: UUID,
        programme: Programme,
        source: ReferralSource,
        referrer: str | None,
        reasons: list[str],
        consent_to_share: bool,
        actor_id: UUID,
        *,
        referral_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Recorded:
        self.get_person(person_id)
        referral = self._new_referral(
            person_id,
            programme,
            source,
            referrer,
            reasons,
            consent_to_share,
            actor_id,
            referral_id,
            self._when(occurred_at),
        )
        return Recorded(referral.id, referral.version, self._saved(referral))

    def register_and_refer(
        self,
        details: PersonDetails,
        programme: Programme,
        source: ReferralSource,
        referrer: str | None,
        reasons: list[str],
        consent_to_share: bool,
        actor_id: UUID,
        *,
        person_id: UUID | None = None,
        referral_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> tuple[Recorded, Recorded]:
        """Register a new person and refer them in one atomic save."""
        when = self._when(occurred_at)
        person, claims = self._new_person(details, actor_id, person_id, when)
        referral = self._new_referral(
            person.id,
            programme,
            source,
            referrer,
            reasons,
            consent_to_share,
            actor_id,
            referral_id,
            when,
        )
        position = self._save_registration(person, claims, referral)
        return (
            Recorded(person.id, person.version, position),
            Recorded(referral.id, referral.version, position),
        )

    @staticmethod
    def _new_referral(
        person_id: UUID,
        programme: Programme,
        source: ReferralSource,
        referrer: str | None,
        reasons: list[str],
        consent_to_share: bool,
        actor_id: UUID,
        referral_id: UUID | None,
        when: datetime,
    ) -> Referral:
        who = check_text("referrer", referrer, 300, required=False) if referrer else None
        return Referral._create(
            Referral.Received,
            id=referral_id,
            person_id=person_id,
            programme=programme,
            source=source,
            referrer=who,
            reasons=check_reasons(reasons),
            consent_to_share=consent_to_share,
            actor_id=actor_id,
            occurred_at=when,
        )

    def accept_referral(
        self,
        referral_id: UUID,
        coordinator_id: UUID,
        actor_id: UUID,
        occurred_at: datetime | None = None,
        authorise: Authorise | None = None,
    ) -> Recorded:
        """Accept and assign. A LAC referral opens (or reopens) the person's involvement when
        they consent to Local Area Coordination support: a referral made with their consent
        to share records that consent (via the referrer) in the same save. Without it the
        referral is accepted and assigned, and the coordinator opens the involvement once the
        person has given consent (the answer is the referral's either way)."""

        def accept(referral: Referral, when: datetime) -> list[Any]:
            referral.accept(coordinator_id, actor_id, when)
            if referral.programme is not Programme.LAC:
                return []
            person = self.get_person(referral.person_id)
            also: list[Any] = []
            if given_via_referrer(person, referral.consent_to_share, actor_id, when):
                level = SupportLevel.INTRODUCTORY
                opened = self._opened(person, coordinator_id, level, actor_id, referral.id, when)
                also = [opened] if opened is not None else []
            return [person, *also] if person.pending_events else also

        return self._step(referral_id, authorise, occurred_at, accept)

    def decline_referral(
        self,
        referral_id: UUID,
        reason: str,
        actor_id: UUID,
        occurred_at: datetime | None = None,
        authorise: Authorise | None = None,
    ) -> Recorded:
        return self._step(
            referral_id, authorise, occurred_at, lambda r, when: r.decline(reason, actor_id, when)
        )

    def redirect_referral(
        self,
        referral_id: UUID,
        redirected_to: str,
        note: str | None,
        actor_id: UUID,
        occurred_at: datetime | None = None,
        authorise: Authorise | None = None,
    ) -> Recorded:
        return self._step(
            referral_id,
            authorise,
            occurred_at,
            lambda r, when: r.redirect(redirected_to, note, actor_id, when),
        )

    def close_referral(
        self,
        referral_id: UUID,
        note: str | None,
        actor_id: UUID,
        occurred_at: datetime | None = None,
        authorise: Authorise | None = None,
    ) -> Recorded:
        return self._step(
            referral_id, authorise, occurred_at, lambda r, when: r.close(note, actor_id, when)
        )

    def _step(
        self,
        referral_id: UUID,
        authorise: Authorise | None,
        occurred_at: datetime | None,
        step: Callable[[Referral, datetime], list[Any] | None],
    ) -> Recorded:
        """Load once, let the caller check who may act on it, take the step, save it all."""
        referral = self.get_referral(referral_id)
        if authorise is not None:
            authorise(referral)
        also = step(referral, self._when(occurred_at, referral.received_at)) or []
        return Recorded(referral.id, referral.version, self._saved(referral, *also))

    def get_referral(self, referral_id: UUID) -> Referral:
        referral: Referral = self._get(Referral, "referral", referral_id)
        return referral
