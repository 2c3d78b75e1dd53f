"""Casework commands of the application: involvements, contacts, assets, outcomes, measures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from domain.codes import (
    CloseReason,
    CommunityWorkKind,
    ConnectionStatus,
    GoalStatus,
    Instrument,
    Occasion,
    StrengthKind,
    SupportLevel,
)
from domain.community import (
    AssetConnection,
    AssetDetails,
    CommunityAsset,
    CommunityWork,
    check_work,
    connection_id,
)
from domain.consent import GivenConsent, check_consents, give_on_opening
from domain.contact import ContactDetails, SupportContact
from domain.errors import InvalidField, InvalidTransition, NoInvolvement
from domain.involvement import Involvement, involvement_id
from domain.outcomes import OutcomeRecord
from domain.referral import Referral

if TYPE_CHECKING:
    from domain.application import Recorded
    from domain.person import Person


class CaseworkCommands:
    """Mixed into LacApplication; each command loads, checks, changes and saves once."""

    if TYPE_CHECKING:
        districts: tuple[str, ...]
        repository: Any

        def _saved(self, *aggregates: Any) -> int: ...
        def _when(
            self, occurred_at: datetime | None, not_before: datetime | None = None
        ) -> datetime: ...
        def _get(self, cls: type[Any], record: str, record_id: UUID) -> Any: ...
        def get_person(self, person_id: UUID) -> Person: ...

    def _recorded(self, *aggregates: Any) -> Recorded:
        from domain.application import Recorded

        first = aggregates[0]
        return Recorded(first.id, first.version, self._saved(*aggregates))

    # involvements ---------------------------------------------------------------------------

    def get_involvement(self, person_id: UUID) -> Involvement:
        try:
            found: Involvement = self.repository.get(involvement_id(person_id))
        except AggregateNotFoundError:
            raise NoInvolvement(person_id) from None
        return found

    def has_involvement(self, person_id: UUID) -> bool:
        return bool(involvement_id(person_id) in self.repository)

    def open_involvement(
        self,
        person_id: UUID,
        coordinator_id: UUID,
        level: SupportLevel,
        actor_id: UUID,
        referral_id: UUID | None = None,
        occurred_at: datetime | None = None,
        consent: GivenConsent | None = None,
    ) -> Recorded:
        """Open (or reopen a closed) involvement; no eligibility test, but consent to Local
        Area Coordination support: in force already, given now (``consent``), or given through
        the referral it opens from (its consent to share); recorded in the same save."""
        when = self._when(occurred_at)
        person = self.get_person(person_id)
        involvement = self._opened(person, coordinator_id, level, actor_id, referral_id, when)
        if involvement is None:
            raise InvalidTransition(
                "involvement",
                involvement_id(person_id),
                "open",
                self.get_involvement(person_id).status.value,
                "the person already has an open involvement",
            )
        referral: Referral | None = None
        if consent is None and referral_id is not None:
            referral = self._get(Referral, "referral", referral_id)
        give_on_opening(person, consent, actor_id, when, referral)
        return self._recorded(involvement, person)

    def _opened(
        self,
        person: Person,
        coordinator_id: UUID,
        level: SupportLevel,
        actor_id: UUID,
        referral_id: UUID | None,
        when: datetime,
    ) -> Involvement | None:
        """A new or reopened involvement to save, or None when one is already open (the
        caller checks consent)."""
        person_id, district = person.id, str(person.analytic["district"])
        if not self.has_involvement(person_id):
            return Involvement(
                person_id=person_id,
                coordinator_id=coordinator_id,
                district=district,
                support_level=level,
                referral_id=referral_id,
                actor_id=actor_id,
                occurred_at=when,
            )
        involvement = self.get_involvement(person_id)
        if involvement.status.value != "closed":
            return None
        involvement.reopen(coordinator_id, district, referral_id, actor_id, when)
        return involvement

    def change_involvement(
        self,
        person_id: UUID,
        change: Callable[[Involvement, datetime], None],
        occurred_at: datetime | None = None,
    ) -> Recorded:
        """Load the involvement, make one change (a domain method), check the consent it
        needs (casework needs Local Area Coordination support; closing does not), save."""
        involvement = self.get_involvement(person_id)
        change(involvement, self._when(occurred_at, involvement.opened_at))
        check_consents(self.get_person, person_id, involvement)
        return self._recorded(involvement)

    def reassign(self, person_id: UUID, coordinator_id: UUID, actor_id: UUID) -> Recorded:
        district = str(self.get_person(person_id).analytic["district"])
        return self.change_involvement(
            person_id, lambda i, when: i.reassign(coordinator_id, district, actor_id, when)
        )

    def set_goal(
        self, person_id: UUID, text: str, actor_id: UUID, goal_id: UUID | None = None
    ) -> Recorded:
        new_id = goal_id or uuid4()
        recorded = self.change_involvement(
            person_id, lambda i, when: i.set_goal(new_id, text, actor_id, when)
        )
        return type(recorded)(new_id, recorded.version, recorded.position)

    def change_goal(
        self, person_id: UUID, goal_id: UUID, status: GoalStatus, actor_id: UUID
    ) -> Recorded:
        return self.change_involvement(
            person_id, lambda i, when: i.change_goal(goal_id, status, actor_id, when)
        )

    def record_strengths(
        self, person_id: UUID, strengths: dict[StrengthKind, list[str]], actor_id: UUID
    ) -> Recorded:
        return self.change_involvement(
            person_id, lambda i, when: i.record_strengths(strengths, actor_id, when)
        )

    def set_next_action(
        self, person_id: UUID, action: str, due_on: date, actor_id: UUID
    ) -> Recorded:
        return self.change_involvement(
            person_id, lambda i, when: i.set_next_action(action, due_on, actor_id, when)
        )

    def close_involvement(
        self,
        person_id: UUID,
        reason: CloseReason,
        note: str | None,
        actor_id: UUID,
        occurred_at: datetime | None = None,
    ) -> Recorded:
        return self.change_involvement(
            person_id, lambda i, when: i.close(reason, note, actor_id, when), occurred_at
        )

    # outcomes and measures ------------------------------------------------------------------

    def record_outcome(
        self, person_id: UUID, record: OutcomeRecord, actor_id: UUID, outcome_id: UUID | None = None
    ) -> Recorded:
        new_id = outcome_id or uuid4()
        recorded = self.change_involvement(
            person_id, lambda i, when: i.record_outcome(new_id, record, actor_id, when)
        )
        return type(recorded)(new_id, recorded.version, recorded.position)

    def record_measure(
        self,
        person_id: UUID,
        instrument: Instrument,
        occasion: Occasion,
        taken_on: date,
        items: list[int],
        actor_id: UUID,
        measure_id: UUID | None = None,
    ) -> Recorded:
        new_id = measure_id or uuid4()
        recorded = self.change_involvement(
            person_id,
            lambda i, when: i.record_measure(
                new_id, instrument, occasion, taken_on, items, actor_id, when
            ),
        )
        return type(recorded)(new_id, recorded.version, recorded.position)

    # support contacts -----------------------------------------------------------------------

    def log_contact(
        self,
        person_id: UUID,
        details: ContactDetails,
        actor_id: UUID,
        contact_id: UUID | None = None,
    ) -> Recorded:
        involvement = self.get_involvement(person_id)
        checked = self._checked_contact(details, involvement)
        contact = SupportContact._create(
            SupportContact.Logged,
            id=contact_id,
            person_id=person_id,
            involvement_id=involvement.id,
            district=involvement.district,
            actor_id=actor_id,
            **checked.state(),
        )
        check_consents(self.get_person, person_id, contact)
        return self._recorded(contact)

    def correct_contact(
        self, contact_id: UUID, details: ContactDetails, why: str, actor_id: UUID
    ) -> Recorded:
        contact = self.get_contact(contact_id)
        checked = self._checked_contact(details, self.get_involvement(contact.person_id))
        contact.correct(checked, why, actor_id)
        return self._recorded(contact)

    def withdraw_contact(self, contact_id: UUID, why: str, actor_id: UUID) -> Recorded:
        contact = self.get_contact(contact_id)
        contact.withdraw(why, actor_id)
        return self._recorded(contact)

    def get_contact(self, contact_id: UUID) -> SupportContact:
        found: SupportContact = self._get(SupportContact, "support contact", contact_id)
        return found

    def _checked_contact(self, details: ContactDetails, involvement: Involvement) -> ContactDetails:
        checked = details.checked(self._when(None))
        # A day's grace: the opening day in any local time zone counts.
        if checked.contact_at < involvement.opened_at - timedelta(days=1):
            raise InvalidField("contact_at", "is before the involvement was opened")
        closed_at = involvement.closed_at
        if closed_at is not None and checked.contact_at > closed_at:
            raise InvalidField("contact_at", "is after the involvement was closed: reopen it first")
        for asset_id in checked.asset_ids:
            self.get_asset(asset_id)
        return checked

    # community assets -----------------------------------------------------------------------

    def list_asset(
        self, details: AssetDetails, actor_id: UUID, asset_id: UUID | None = None
    ) -> Recorded:
        checked = details.checked(self.districts, self._when(None).date())
        asset = CommunityAsset._create(
            CommunityAsset.Listed, id=asset_id, details=vars(checked).copy(), actor_id=actor_id
        )
        return self._recorded(asset)

    def update_asset(self, asset_id: UUID, details: AssetDetails, actor_id: UUID) -> Recorded:
        asset = self.get_asset(asset_id)
        asset.update(details.checked(self.districts, self._when(None).date()), actor_id)
        return self._recorded(asset)

    def verify_asset(self, asset_id: UUID, on: date, actor_id: UUID) -> Recorded:
        asset = self.get_asset(asset_id)
        if on > self._when(None).date():
            raise InvalidField("verified_on", "must not be in the future")
        asset.verify(on, actor_id)
        return self._recorded(asset)

    def get_asset(self, asset_id: UUID) -> CommunityAsset:
        found: CommunityAsset = self._get(CommunityAsset, "community asset", asset_id)
        return found

    def connect(
        self,
        person_id: UUID,
        asset_id: UUID,
        status: ConnectionStatus,
        note: str | None,
        actor_id: UUID,
        occurred_at: datetime | None = None,
    ) -> Recorded:
        """Introduce a person to an asset, or move their connection on a step."""
        involvement = self.get_involvement(person_id)
        when = self._when(occurred_at, involvement.opened_at)
        key = connection_id(person_id, asset_id)
        if key not in self.repository:
            if status is not ConnectionStatus.INTRODUCED:
                raise InvalidField("status", "introduce the person to the asset first")
            if involvement.closed_at is not None:
                raise InvalidTransition(
                    "involvement",
                    involvement.id,
                    "introduce someone through",
                    "closed",
                    "reopen it first",
                )
            asset = self.get_asset(asset_id)
            asset._live("introduce someone to")
            connection = AssetConnection(
                person_id=person_id,
                asset_id=asset_id,
                district=asset.district,
                note=note,
                actor_id=actor_id,
                occurred_at=when,
            )
            check_consents(self.get_person, person_id, connection)
            return self._recorded(connection)
        existing: AssetConnection = self.repository.get(key)
        existing.step(status, note, actor_id, when)
        check_consents(self.get_person, person_id, existing)  # dropping needs none
        return self._recorded(existing)

    def record_community_work(
        self,
        kind: CommunityWorkKind,
        district: str,
        asset_id: UUID | None,
        description: str,
        minutes: int,
        occurred_on: date,
        actor_id: UUID,
        work_id: UUID | None = None,
    ) -> Recorded:
        if district not in self.districts:
            raise InvalidField("district", f"unknown district {district!r}")
        if asset_id is not None:
            self.get_asset(asset_id)
        text = check_work(description, minutes, occurred_on, self._when(None).date())
        work = CommunityWork._create(
            CommunityWork.Recorded,
            id=work_id,
            kind=kind,
            district=district,
            asset_id=asset_id,
            description=text,
            minutes=minutes,
            occurred_on=occurred_on,
            actor_id=actor_id,
        )
        return self._recorded(work)
