"""Who a person is and where they live, as recorded: the fields, checked on the way in.

The personal fields are sealed under the person's key; the analytic ones (district, LSOA, age
band, sex, ethnic group) stay readable for reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.errors import InvalidField
from domain.nhs_number import normalise_nhs_number
from domain.reference import age_band, check_district, check_text

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
