"""Codes shared by the aggregates: programmes, referral sources and statuses, age bands."""

from __future__ import annotations

from datetime import date
from enum import Enum

from domain.errors import InvalidField

NOTTINGHAMSHIRE_DISTRICTS: tuple[str, ...] = (
    "Ashfield",
    "Bassetlaw",
    "Broxtowe",
    "Gedling",
    "Mansfield",
    "Newark and Sherwood",
    "Rushcliffe",
)


class Programme(Enum):
    """What a referral is into."""

    LAC = "lac"
    DEVICES = "devices"


class ReferralSource(Enum):
    """Who introduced the person."""

    SELF = "self"
    FAMILY_OR_NEIGHBOUR = "family_or_neighbour"
    COUNCILLOR = "councillor"
    GP = "gp"
    SOCIAL_WORKER = "social_worker"
    HOUSING = "housing"
    VOLUNTARY_GROUP = "voluntary_group"
    OTHER = "other"


class ReferralStatus(Enum):
    """Where a referral stands: received, then decided once, then closed."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REDIRECTED = "redirected"
    CLOSED = "closed"


AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 17, "0-17"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, 74, "65-74"),
    (75, 84, "75-84"),
    (85, None, "85+"),
)


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on a given day."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def age_band(date_of_birth: date, on: date) -> str:
    """The reporting age band a person falls in on a given day."""
    age = age_on(date_of_birth, on)
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    raise InvalidField("date_of_birth", "is after the date it is measured on")


def check_district(district: str, known: tuple[str, ...]) -> str:
    """Return the district if it is in the reference list, else say which ones are."""
    if district not in known:
        raise InvalidField("district", f"unknown district {district!r}; known: {', '.join(known)}")
    return district


ALLOWED_CONTROLS = frozenset("\n\r\t")


def has_control_characters(value: str) -> bool:
    """NUL and other control characters, and lone surrogates, which no database should store."""
    return any(
        (ord(c) < 32 and c not in ALLOWED_CONTROLS) or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF
        for c in value
    )


def check_text(field: str, value: str, max_length: int, *, required: bool = True) -> str:
    """Trim free text and enforce presence, length and printable characters."""
    if has_control_characters(value):
        raise InvalidField(field, "contains control characters (such as NUL) that cannot be kept")
    text = value.strip()
    if required and not text:
        raise InvalidField(field, "must not be empty")
    if len(text) > max_length:
        raise InvalidField(field, f"must be at most {max_length} characters (got {len(text)})")
    return text
