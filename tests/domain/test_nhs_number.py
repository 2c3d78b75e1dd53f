"""NHS number normalisation and the Modulus 11 check digit."""

from __future__ import annotations

import random

import pytest

from domain.errors import InvalidField
from domain.nhs_number import WEIGHTS, check_digit, normalise_nhs_number

# A nine-digit prefix whose weighted sum leaves remainder 1, so 11 - 1 = 10: no valid number.
PREFIX_CHECK_10 = "100000001"  # 1*10 + 1*2 = 12; 12 % 11 = 1
# A nine-digit prefix whose weighted sum is a multiple of 11, so 11 - 0 = 11, which means 0.
PREFIX_CHECK_11 = "100000006"  # 1*10 + 6*2 = 22; 22 % 11 = 0


def invalid(raw: str) -> InvalidField:
    with pytest.raises(InvalidField) as info:
        normalise_nhs_number(raw)
    assert info.value.field == "nhs_number"
    assert str(info.value).startswith("nhs_number: ")
    return info.value


@pytest.mark.parametrize(
    "raw",
    [
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        " 943 476 5919 ",
        "943 476-5919",
        "94 34 76 59 19",
    ],
)
def test_valid_number_with_spaces_or_hyphens_normalises_to_ten_digits(raw: str) -> None:
    assert normalise_nhs_number(raw) == "9434765919"


@pytest.mark.parametrize("raw", ["4010232137", "401 023 2137"])
def test_another_valid_number(raw: str) -> None:
    # 4*10 + 1*8 + 2*6 + 3*5 + 2*4 + 1*3 + 3*2 = 92; 92 % 11 = 4; 11 - 4 = 7
    assert normalise_nhs_number(raw) == "4010232137"


@pytest.mark.parametrize("raw", ["", "943476591", "94347659190", "943 476 591", "9"])
def test_wrong_length_is_rejected(raw: str) -> None:
    error = invalid(raw)
    assert "10 digits" in error.message


@pytest.mark.parametrize(
    "raw",
    ["943476591A", "943.476.5919", "+443476591", "943_476_5919", "nine four three", "9434x65919"],
)
def test_non_digits_are_rejected(raw: str) -> None:
    error = invalid(raw)
    assert "10 digits" in error.message
    assert "943 476 5919" in error.message  # the message shows an example of the right form


@pytest.mark.parametrize("last", [d for d in "0123456789" if d != "9"])
def test_failing_check_digit_is_rejected(last: str) -> None:
    error = invalid("943476591" + last)
    assert "Modulus 11" in error.message
    assert "copied correctly" in error.message


def test_transposed_digits_fail_the_check() -> None:
    error = invalid("9434765991")
    assert "Modulus 11" in error.message


def test_remainder_ten_means_no_check_digit_fits() -> None:
    assert check_digit(PREFIX_CHECK_10) is None


@pytest.mark.parametrize("last", list("0123456789"))
def test_prefix_with_check_ten_is_invalid_whatever_the_last_digit(last: str) -> None:
    error = invalid(PREFIX_CHECK_10 + last)
    assert "not a valid NHS number" in error.message
    assert "no check digit" in error.message


def test_eleven_means_zero() -> None:
    assert check_digit(PREFIX_CHECK_11) == 0
    assert normalise_nhs_number(PREFIX_CHECK_11 + "0") == "1000000060"
    assert normalise_nhs_number("100 000 0060") == "1000000060"


def test_eleven_does_not_accept_a_literal_eleven_or_one() -> None:
    assert "Modulus 11" in invalid(PREFIX_CHECK_11 + "1").message


def reference_check_digit(first_nine: str) -> int | None:
    """Independent statement of the standard, to compare against."""
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(first_nine)) % 11
    return {0: 0, 1: None}.get(remainder, 11 - remainder)


def test_weights_are_ten_down_to_two() -> None:
    assert WEIGHTS == (10, 9, 8, 7, 6, 5, 4, 3, 2)


def test_check_digit_agrees_with_the_standard_on_many_prefixes() -> None:
    rng = random.Random(20240501)
    prefixes = [f"{rng.randrange(10**9):09d}" for _ in range(2000)]
    for prefix in prefixes:
        expected = reference_check_digit(prefix)
        assert check_digit(prefix) == expected, prefix
        if expected is None:
            invalid(prefix + "0")
        else:
            assert normalise_nhs_number(prefix + str(expected)) == prefix + str(expected)


# Non-ASCII digits: str.isdigit() accepts them, so they must either be rejected as an
# InvalidField or normalised to the ASCII digits. Today full-width and Arabic-Indic digits
# come back unchanged (a second spelling of the same number, see test_application), and a
# superscript digit escapes as a bare ValueError.
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("".join(chr(0xFF10 + int(d)) for d in "9434765919"), id="fullwidth"),
        pytest.param("".join(chr(0x0660 + int(d)) for d in "9434765919"), id="arabic-indic"),
        pytest.param("943476591\u00b2", id="superscript"),
    ],
)
def test_non_ascii_digits_are_rejected_or_normalised_to_ascii(raw: str) -> None:
    try:
        result = normalise_nhs_number(raw)
    except InvalidField as error:
        assert error.field == "nhs_number"
    except ValueError as error:
        pytest.fail(f"normalise_nhs_number({raw!r}) raised a bare ValueError: {error}")
    else:
        assert result.isascii() and result == "9434765919", (
            f"normalise_nhs_number({raw!r}) returned non-ASCII {result!r}"
        )
