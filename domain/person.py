"""A person known to the service: who they are (sealed) and where they live (analytic)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidField
from domain.nhs_number import normalise_nhs_number
from domain.reference import age_band, check_district, check_text
from domain.sealing import PersonalData

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
LSOA_CODE = re.compile(r"^E01[0-9]{6}$")
SEXES = ("female", "male", "other", "not_stated")
# ONS 2021 Census high-level ethnic groups, as codes (reports group by these).
ETHNIC_GROUPS = ("asian", "black", "mixed", "white", "other", "not_stated")
PERSONAL = ("name", "date_of_birth", "nhs_number", "postcode", "address", "phone", "email")
ANALYTIC = ("district", "lsoa_code", "age_band", "sex", "ethnicity")


@dataclass(frozen=True)
class PersonDetails:
    """What is recorded about a person, checked on the way in."""

    name: str
    date_of_birth: date
    postcode: str
    district: str
    nhs_number: str | None = None
    lsoa_code: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    sex: str | None = None
    ethnicity: str | None = None

    def checked(self, districts: tuple[str, ...], today: date) -> PersonDetails:
        """A copy with every field normalised, or InvalidField naming the first bad one."""
        if self.date_of_birth > today:
            raise InvalidField(
                "date_of_birth", "must not be in the future (or after the day recorded)"
            )
        if self.date_of_birth.year < today.year - 120:
            raise InvalidField("date_of_birth", "is more than 120 years ago")
        if self.sex is not None and self.sex not in SEXES:
            raise InvalidField("sex", f"must be one of {', '.join(SEXES)}")
        return PersonDetails(
            name=check_text("name", self.name, 200),
            date_of_birth=self.date_of_birth,
            postcode=normalise_postcode(self.postcode),
            district=check_district(self.district, districts),
            nhs_number=None if not self.nhs_number else normalise_nhs_number(self.nhs_number),
            lsoa_code=None if not self.lsoa_code else check_lsoa(self.lsoa_code),
            address=_optional_text("address", self.address, 500),
            phone=_optional_text("phone", self.phone, 40),
            email=_optional_text("email", self.email, 254),
            sex=self.sex,
            ethnicity=_ethnicity(self.ethnicity),
        )

    def personal(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PERSONAL}

    def analytic(self, today: date) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in ANALYTIC if name != "age_band"}
        values["age_band"] = age_band(self.date_of_birth, today)
        return values


def normalise_postcode(raw: str) -> str:
    compact = raw.upper().replace(" ", "")
    spaced = compact[:-3] + " " + compact[-3:] if len(compact) > 3 else compact
    if not POSTCODE.match(spaced):
        raise InvalidField("postcode", "is not a UK postcode (e.g. NG18 1AB)")
    return spaced


def check_lsoa(raw: str) -> str:
    code = raw.strip().upper()
    if not LSOA_CODE.match(code):
        raise InvalidField("lsoa_code", "must be an English LSOA 2011 code such as E01028075")
    return code


def _ethnicity(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if value.strip() not in ETHNIC_GROUPS:
        raise InvalidField("ethnicity", f"must be one of {', '.join(ETHNIC_GROUPS)}")
    return value.strip()


def _optional_text(field: str, value: str | None, max_length: int) -> str | None:
    if value is None or not value.strip():
        return None
    return check_text(field, value, max_length)


class PersonEvent(PersonalData):
    """A person's own events are sealed under that person's key."""

    def data_subject_id(self) -> UUID:
        subject: UUID = getattr(self, "originator_id")  # noqa: B009
        return subject


class Person(Aggregate):
    """Someone the coordinators support or a social worker refers."""

    class Registered(Aggregate.Created, PersonEvent):
        personal_fields = ("personal",)
        personal: dict[str, Any] | None
        analytic: dict[str, Any]
        actor_id: UUID
        occurred_at: datetime

    class DetailsCorrected(Aggregate.Event, PersonEvent):
        personal_fields = ("personal",)
        personal: dict[str, Any] | None
        analytic: dict[str, Any]
        actor_id: UUID
        occurred_at: datetime

    class CarerLinked(Aggregate.Event, PersonEvent):
        personal_fields = ("relationship",)
        cares_for_id: UUID
        relationship: str | None
        actor_id: UUID
        occurred_at: datetime

    @event(Registered)
    def __init__(
        self,
        personal: dict[str, Any] | None,
        analytic: dict[str, Any],
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        self.personal: dict[str, Any] = dict(personal or {})
        self.analytic: dict[str, Any] = dict(analytic)
        self.cares_for_id: UUID | None = None
        self.carer_relationship: str | None = None

    @property
    def nhs_number(self) -> str | None:
        value = self.personal.get("nhs_number")
        return str(value) if value else None

    def details(self) -> PersonDetails:
        values = {**self.personal, **self.analytic}
        names = {f.name for f in fields(PersonDetails)}
        return PersonDetails(**{k: v for k, v in values.items() if k in names})

    def correct(
        self, new: PersonDetails, actor_id: UUID, occurred_at: datetime, today: date
    ) -> bool:
        """Record corrected details; returns False (and records nothing) when nothing changed."""
        personal = {k: v for k, v in new.personal().items() if self.personal.get(k) != v}
        analytic = {k: v for k, v in new.analytic(today).items() if self.analytic.get(k) != v}
        if not personal and not analytic:
            return False
        self._details_corrected(personal or None, analytic, actor_id, occurred_at)
        return True

    @event(DetailsCorrected)
    def _details_corrected(
        self,
        personal: dict[str, Any] | None,
        analytic: dict[str, Any],
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        self.personal.update(personal or {})
        self.analytic.update(analytic)

    def link_carer(
        self, cares_for_id: UUID, relationship: str, actor_id: UUID, occurred_at: datetime
    ) -> bool:
        """Record the link; returns False (recording nothing) when it is already so."""
        if cares_for_id == self.id:
            raise InvalidField("cares_for_id", "a person cannot be their own carer")
        text = check_text("relationship", relationship, 60)
        if (cares_for_id, text) == (self.cares_for_id, self.carer_relationship):
            return False
        self._carer_linked(cares_for_id, text, actor_id, occurred_at)
        return True

    @event(CarerLinked)
    def _carer_linked(
        self, cares_for_id: UUID, relationship: str | None, actor_id: UUID, occurred_at: datetime
    ) -> None:
        self.cares_for_id = cares_for_id
        self.carer_relationship = relationship


class NhsNumberClaim(Aggregate):
    """Holds one NHS number for one person, so that no two people share it.

    Its id is a keyed hash of the number (see ``LacApplication.claim_id``), saved atomically
    with the person: a second registration with the same number conflicts.
    """

    class Claimed(Aggregate.Created):
        claim_id: UUID
        person_id: UUID

    class Released(Aggregate.Event):
        pass

    class Reclaimed(Aggregate.Event):
        person_id: UUID

    @staticmethod
    def create_id(claim_id: UUID) -> UUID:
        return claim_id

    @event(Claimed)
    def __init__(self, claim_id: UUID, person_id: UUID) -> None:
        self.person_id: UUID | None = person_id

    @event(Released)
    def release(self) -> None:
        self.person_id = None

    @event(Reclaimed)
    def reclaim(self, person_id: UUID) -> None:
        self.person_id = person_id
