"""Wellbeing measures: item ranges, scores, and SWEMWBS's published metric conversion."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.codes import Instrument
from domain.errors import InvalidField

# SWEMWBS raw total (7-35) -> metric score (Stewart-Brown et al. 2009, Rasch transformation),
# as published by Warwick Medical School for comparisons across studies.
SWEMWBS_METRIC: dict[int, Decimal] = {
    raw: Decimal(metric)
    for raw, metric in zip(
        range(7, 36),
        (
            "7.00",
            "9.51",
            "11.25",
            "12.40",
            "13.33",
            "14.08",
            "14.75",
            "15.32",
            "15.84",
            "16.36",
            "16.88",
            "17.43",
            "17.98",
            "18.59",
            "19.25",
            "19.98",
            "20.73",
            "21.54",
            "22.35",
            "23.21",
            "24.11",
            "25.03",
            "26.02",
            "27.03",
            "28.13",
            "29.31",
            "30.70",
            "32.55",
            "35.00",
        ),
        strict=True,
    )
}


@dataclass(frozen=True)
class Scale:
    """How many items an instrument has, each item's range, and what the items are."""

    items: int
    low: int
    high: int
    labels: tuple[str, ...]


SCALES: dict[Instrument, Scale] = {
    Instrument.SWEMWBS: Scale(
        7,
        1,
        5,
        (
            "optimistic about the future",
            "feeling useful",
            "feeling relaxed",
            "dealing with problems well",
            "thinking clearly",
            "feeling close to other people",
            "able to make up my own mind",
        ),
    ),
    Instrument.ONS4: Scale(4, 0, 10, ("life satisfaction", "worthwhile", "happiness", "anxiety")),
    Instrument.UCLA3: Scale(
        3,
        1,
        3,
        (
            "lack companionship",
            "feel left out",
            "feel isolated from others",
        ),
    ),
}


def check_items(instrument: Instrument, items: list[int]) -> list[int]:
    """The items if they fit the instrument, else InvalidField saying which item and why."""
    scale = SCALES[instrument]
    if len(items) != scale.items:
        raise InvalidField(
            "items", f"{instrument.value} has {scale.items} items; {len(items)} given"
        )
    for number, value in enumerate(items, start=1):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidField(f"items.{number}", "must be a whole number")
        if not scale.low <= value <= scale.high:
            raise InvalidField(
                f"items.{number}",
                f"{scale.labels[number - 1]}: {value} is outside {scale.low}-{scale.high}",
            )
    return list(items)


@dataclass(frozen=True)
class Score:
    """Derived scores; never typed in. ONS4 has no total: each item is its own measure."""

    raw: int | None
    metric: Decimal | None


def score(instrument: Instrument, items: list[int]) -> Score:
    if instrument is Instrument.SWEMWBS:
        raw = sum(items)
        return Score(raw, SWEMWBS_METRIC[raw])
    if instrument is Instrument.UCLA3:
        return Score(sum(items), None)
    return Score(None, None)
