"""NHS number: ten digits, the last a Modulus 11 check digit."""

from __future__ import annotations

from domain.errors import InvalidField

WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def check_digit(first_nine: str) -> int | None:
    """Check digit for nine digits, or None when no valid number can end them (remainder 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, WEIGHTS, strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(raw: str) -> str:
    """Return the ten digits of a valid NHS number, or raise InvalidField saying why not."""
    digits = raw.replace(" ", "").replace("-", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 10:
        raise InvalidField("nhs_number", "must be 10 digits (spaces allowed, e.g. 943 476 5919)")
    expected = check_digit(digits[:9])
    if expected is None:
        raise InvalidField("nhs_number", "is not a valid NHS number (no check digit can fit it)")
    if int(digits[9]) != expected:
        raise InvalidField(
            "nhs_number", "fails the Modulus 11 check: please check it was copied correctly"
        )
    return digits
