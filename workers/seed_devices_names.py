"""Vocabulary for the seeded device scheme year: tablets, networks, sessions, tickets, notes.

Models and prices are typical of 4G tablets bought by councils in 2021; serial numbers, IMEIs
(with a reporting-body prefix of 35 and a valid check digit) and SIM numbers are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from domain.device_codes import Condition

# A one-pixel PNG: the seeded stand-in for a captured signature.
SIGNATURE_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
)


@dataclass(frozen=True)
class Model:
    make: str
    model: str
    price: int  # pounds, before a small per-batch variation
    serial_prefix: str
    tac: str  # the first eight digits of the IMEI


MODELS = (
    Model("Samsung", "Galaxy Tab A7 10.4 LTE (SM-T505)", 209, "R52R", "35419911"),
    Model("Lenovo", "Tab M10 HD 2nd Gen LTE (TB-X306X)", 179, "HA1", "86871304"),
    Model("Samsung", "Galaxy Tab A7 Lite LTE (SM-T225)", 189, "R9WR", "35316012"),
)
# network, monthly cost, data allowance (GB)
NETWORKS: tuple[tuple[str, Decimal, int], ...] = (
    ("Vodafone", Decimal("10.00"), 30),
    ("EE", Decimal("12.00"), 50),
    ("Three", Decimal("9.00"), 20),
    ("O2", Decimal("11.00"), 30),
)
CHARGER_COST, CASE_COST = Decimal("12.50"), Decimal("16.99")

TRAINING = (
    ("Getting started: switching on, Wi-Fi and the home screen", "Can switch on and unlock"),
    ("Video calls with family (WhatsApp)", "Made a video call to her daughter"),
    ("Video calls with family (WhatsApp)", "Called his brother in Leeds unaided"),
    ("NHS App: repeat prescriptions", "Ordered a repeat prescription"),
    ("GP online appointments", "Booked a telephone appointment online"),
    ("Staying safe online: scams and passwords", "Knows how to spot a scam text"),
    ("Email and photos", "Sent photos to the family"),
    ("Online shopping and banking", "Set up a supermarket delivery"),
    ("Joining an online peer support group", "Joined the carers' group on Zoom"),
    ("Care and support plan review by video", "Took part in the review from home"),
)
REMOTE = (
    ("Connectivity check", "Data was switched off; back online"),
    ("Password reset", "Reset and written in the safe-keeping booklet"),
    ("App updates", "Updates installed over the phone"),
    ("Video call troubleshooting", "Camera permission granted; call worked"),
    ("Accessibility settings", "Text made larger; easier to read"),
)
TICKETS = (
    ("Tablet will not charge", "Replacement charging cable posted"),
    ("No mobile data", "SIM re-provisioned by the network"),
    ("Forgotten PIN; locked out", "Unlocked remotely through device management"),
    ("Screen frozen on start-up", "Talked through a restart; working"),
    ("Pop-up saying the tablet has a virus", "Fake advert; blocked and reassured"),
    ("Cannot hear people on video calls", "Volume and Bluetooth settings fixed"),
)
LOST_NOTES = (
    "Left on the bus; reported to the bus company, not handed in",
    "Mislaid while moving into sheltered housing",
    "Lost during a hospital admission",
)
STOLEN_NOTES = (
    "Taken in a burglary; crime reference given to the officer",
    "Stolen from a bag while out shopping; reported to the police",
)
DAMAGE_NOTES = (
    "Dropped; the screen is cracked across",
    "Water damage after a spill; will not switch on",
)
CANCEL_NOTES = (
    "Moved into residential care before delivery",
    "Decided not to take the tablet after all",
)
CONDITIONS = ((Condition.GOOD, 70), (Condition.FAIR, 25), (Condition.DAMAGED, 5))
WITNESSES = (
    "Support worker, Ashfield home care team",
    "Daughter, present at the hand-over",
    "Device officer's colleague, on the doorstep",
    "Warden, sheltered housing scheme",
)
CARER_REASONS = (
    "Carer in the same home needs to keep in touch with the GP and pharmacy",
    "Caring role under strain; wants the online carers' support group",
    "Carer at home full time; needs to order shopping and prescriptions online",
)
LEAVE_RETURNED = "Returned the tablet; the place was freed"
LEAVE_LOST = "Tablet lost or stolen; not replaced"


def serial(rng: random.Random, model: Model) -> str:
    letters = "ABCDEFGHJKLMNPRSTVWXYZ"
    tail = "".join(rng.choice(letters + "0123456789") for _ in range(11 - len(model.serial_prefix)))
    return model.serial_prefix + tail


def imei(tac: str, number: int) -> str:
    """Fifteen digits: the model's eight-digit TAC, a six-digit serial and the Luhn digit."""
    body = f"{tac}{number % 1_000_000:06d}"
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str(-total % 10)


def iccid(rng: random.Random, network: str) -> str:
    """A SIM's 19-digit number: 89 (telecoms), 44 (UK), an issuer code and a serial."""
    issuer = {"Vodafone": "10", "EE": "30", "Three": "20", "O2": "11"}[network]
    return f"8944{issuer}{rng.randrange(10**13):013d}"
