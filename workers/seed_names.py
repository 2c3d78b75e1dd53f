"""Vocabulary for the synthetic population: invented names, places, reasons and outcomes.

Every name is drawn at random from common given names and surnames and refers to nobody. Phone
numbers are in Ofcom's drama range (07700 900000-900999), e-mail addresses use example.com,
and NHS numbers start 999, the range set aside for testing.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.nhs_number import check_digit
from domain.person import PersonDetails
from domain.reference import ReferralSource

SOCIAL_WORKERS = ("social.worker1", "social.worker2")
DEVICE_OFFICER = "device.officer"


class Role(StrEnum):
    """The roles seed users have; the same values as the API's roles (workers don't import it)."""

    COORDINATOR = "coordinator"
    SOCIAL_WORKER = "social_worker"
    DEVICE_OFFICER = "device_officer"
    EVALUATOR = "evaluator"
    ADMIN = "admin"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FEMALE = _words(
    "Aaliyah Abigail Ada Aisha Alice Amelia Amira Ann Anne Ava Barbara Beverley Bridget Carol "
    "Charlotte Chloe Christine Claire Deborah Doreen Elaine Eleanor Elizabeth Ella Emily Emma "
    "Evie Fatima Florence Freya Gemma Grace Hannah Harriet Hazel Isla Ivy Jacqueline Janet Jean "
    "Joan Joanne Julie Karen Kerry Laura Leanne Lily Linda Lisa Lorraine Margaret Maria Maureen "
    "Mia Michelle Nadia Natalie Nicola Olivia Pamela Patricia Pauline Priya Rachel Rose Ruby "
    "Samantha Sandra Sarah Sharon Shirley Sophie Susan Tracey Valerie Vicky Wendy Yvonne Zainab"
)
MALE = _words(
    "Aaron Adam Adrian Ahmed Alan Alfie Ali Andrew Anthony Archie Arthur Barry Ben Brian Callum "
    "Carl Charlie Chris Colin Craig Daniel Darren David Dean Derek Dylan Edward Frank Gary "
    "George Graham Harry Harvey Ian Imran Isaac Jack Jacob James Jason Jordan Joseph Joshua "
    "Kamal Keith Kevin Kwame Lee Leo Liam Luke Malcolm Mark Martin Matthew Michael Mohammed Neil "
    "Noah Oliver Oscar Patrick Paul Peter Raymond Richard Robert Ryan Samuel Scott Sean Simon "
    "Stephen Stuart Terry Thomas Tony Trevor Tyler Wayne William Yusuf"
)
SURNAMES = _words(
    "Adams Ahmed Ali Allen Atkinson Bailey Baker Barker Bell Bennett Birch Booth Bradley "
    "Brooks Brown Butler Campbell Carter Chapman Clark Clarke Cole Collins Cook Cooper Cox "
    "Davies Dawson Dixon Edwards Ellis Evans Fisher Fletcher Foster Fox Gibson Graham Green "
    "Griffiths Hall Harris Harrison Hill Holmes Hughes Hussain Jackson James Johnson Jones Kaur "
    "Kelly Khan King Knight Lee Lewis Marshall Martin Mason Matthews Miller Mills Mitchell Moore "
    "Morgan Morris Murphy Okafor Owen Palmer Parker Patel Pearson Phillips Price Richards "
    "Richardson Roberts Robinson Rogers Shaw Simpson Singh Smith Stevens Taylor Thomas Thompson "
    "Turner Walker Ward Watson White Wilkinson Williams Wilson Wood Wright Young"
)
STREETS = _words(
    "Albert Ash Beech Birch Chapel Church Coronation Elm Forest Garden George Highfield Hill "
    "Kings Lime Main Manor Meadow Mill Newgate Oak Orchard Park Queens Sherwood Spring Station "
    "Trent Victoria Welbeck Westfield Willow Windsor"
)
STREET_KINDS = ("Road", "Street", "Lane", "Close", "Avenue", "Drive", "Crescent", "Way", "Grove")

# Postcode districts (outward codes) and a town in each, roughly matching each district.
POSTCODE_AREAS: dict[str, tuple[tuple[str, str], ...]] = {
    district: tuple((area.split(" ", 1)[0], area.split(" ", 1)[1]) for area in areas.split(", "))
    for district, areas in {
        "Ashfield": "NG17 Sutton-in-Ashfield, NG17 Kirkby-in-Ashfield, NG15 Hucknall, NG16 Selston",
        "Bassetlaw": "S80 Worksop, S81 Worksop, DN22 Retford, DN11 Harworth, DN10 Misterton",
        "Broxtowe": "NG9 Beeston, NG9 Stapleford, NG16 Eastwood, NG16 Kimberley",
        "Gedling": "NG4 Carlton, NG4 Gedling, NG5 Arnold, NG14 Calverton",
        "Mansfield": "NG18 Mansfield, NG19 Mansfield Woodhouse, NG20 Market Warsop, NG21 Rainworth",
        "Newark and Sherwood": (
            "NG24 Newark-on-Trent, NG22 Ollerton, NG25 Southwell, NG21 Clipstone, NG23 Collingham"
        ),
        "Rushcliffe": (
            "NG2 West Bridgford, NG12 Radcliffe on Trent, NG12 Cotgrave, NG13 Bingham, "
            "NG11 Ruddington, LE12 East Leake"
        ),
    }.items()
}
# Elsewhere: syntactically valid postcodes, with the district's own name as the town.
OTHER_OUTWARD = ("NG1", "NG3", "NG6", "NG7", "NG8", "NG10")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

SEXES = (("female", 54.0), ("male", 44.0), ("other", 0.5), ("not_stated", 1.5))
# ONS 2021 Census high-level ethnic groups (England and Wales), as short codes.
ETHNIC_GROUPS: dict[str, str] = {
    "asian": "Asian, Asian British or Asian Welsh",
    "black": "Black, Black British, Black Welsh, Caribbean or African",
    "mixed": "Mixed or Multiple ethnic groups",
    "white": "White",
    "other": "Other ethnic group",
    "not_stated": "Not stated",
}
ETHNICITY_WEIGHTS = (
    ("white", 90.0),
    ("asian", 3.0),
    ("mixed", 2.2),
    ("black", 1.5),
    ("other", 0.8),
    ("not_stated", 2.5),
)
# (youngest, oldest, weight): all ages, leaning to working-age and older adults.
AGE_GROUPS = (
    (8, 17, 4),
    (18, 24, 8),
    (25, 34, 12),
    (35, 44, 13),
    (45, 54, 15),
    (55, 64, 16),
    (65, 74, 14),
    (75, 84, 12),
    (85, 98, 6),
)

LAC_SOURCES = (
    (ReferralSource.SELF, 22.0),
    (ReferralSource.FAMILY_OR_NEIGHBOUR, 14.0),
    (ReferralSource.COUNCILLOR, 5.0),
    (ReferralSource.GP, 17.0),
    (ReferralSource.SOCIAL_WORKER, 16.0),
    (ReferralSource.HOUSING, 10.0),
    (ReferralSource.VOLUNTARY_GROUP, 11.0),
    (ReferralSource.OTHER, 5.0),
)
LAC_REASONS = (
    "Isolated since a bereavement",
    "At risk of losing their tenancy",
    "Sofa-surfing after an eviction",
    "Wants to get back into work",
    "Would like to volunteer locally",
    "Caring for a partner; the caring role is under strain",
    "Low mood; not known to services",
    "Struggling with debt and bills",
    "Frequent GP appointments; feels lonely",
    "Recently home from hospital with little support nearby",
    "Not eligible for funded care but finding things hard",
    "Wants to meet people with the same interests",
    "Housing in disrepair; unsure who to ask",
    "Lost confidence going out since the pandemic",
)
DEVICE_REASONS = (
    "No internet at home; care and support plan includes online contact",
    "Carer in the same home needs to keep in touch with the GP and pharmacy",
    "Isolated since Covid-19; wants video calls with family",
    "Needs to manage repeat prescriptions and appointments online",
    "Would join an online peer support group",
)
VOLUNTARY_GROUPS = (
    "Community food bank",
    "Community cafe volunteers",
    "Men's shed",
    "Carers' support group",
    "Tenants' and residents' association",
    "Befriending service",
)
FAMILY = ("Daughter", "Son", "Neighbour", "Friend", "Sister", "Brother", "Partner")
DECLINE_REASONS = {
    "lac": (
        "Did not wish to take it further after a conversation",
        "No contact after three attempts",
        "Already well supported by another service",
        "Moved out of the area",
    ),
    "devices": (
        "Already has a suitable device and connection",
        "Device support not part of the care and support plan",
        "Declined the device after a conversation",
    ),
}
REDIRECTS = {
    "lac": (
        "Adult social care front door",
        "Community mental health team",
        "Housing options team",
        "GP practice social prescribing link worker",
        "Carers' support service",
        "Debt advice service",
    ),
    "devices": ("Local Area Coordination", "Library digital skills sessions"),
}
CLOSED_UNACCEPTED = "No further action after the decision"
CLOSE_NOTES = {
    "lac": (
        "What mattered has been achieved; connected to local groups",
        "Now confident to carry on without the coordinator",
        "Moved away; introduced to the coordinator there",
        "Chose to stop; happy to get in touch again",
    ),
    "devices": (
        "Trial ended; device gifted under the care and support plan",
        "Device returned at the end of the loan",
        "Using the device independently; support ended",
    ),
}


def coordinator_username(district: str) -> str:
    return "coordinator." + re.sub(r"[^a-z0-9]+", "-", district.lower()).strip("-")


SeedUser = tuple[str, str, Role, str | None]


def seed_users(districts: Iterable[str]) -> list[SeedUser]:
    """(username, full name, role, team district) of a seeded system's users.

    A coordinator per district, whose team district is that district; the others have none.
    """
    found: list[SeedUser] = [
        (coordinator_username(d), f"{d} Coordinator", Role.COORDINATOR, d) for d in districts
    ]
    return [
        *found,
        (SOCIAL_WORKERS[0], "Social Worker One", Role.SOCIAL_WORKER, None),
        (SOCIAL_WORKERS[1], "Social Worker Two", Role.SOCIAL_WORKER, None),
        (DEVICE_OFFICER, "Device Scheme Officer", Role.DEVICE_OFFICER, None),
        ("evaluator", "Performance Evaluator", Role.EVALUATOR, None),
        ("admin", "System Administrator", Role.ADMIN, None),
    ]


def pick_person(
    rng: random.Random,
    district: str,
    lsoa_code: str,
    received: datetime,
    *,
    adult: bool,
    used: set[str],
) -> PersonDetails:
    """A synthetic person living in the LSOA, as they were when referred."""
    sex = pick_sex(rng)
    name = pick_name(rng, sex)
    age = pick_age(rng, adult=adult)
    born = date(received.year - age, 1, 1) + timedelta(days=rng.randrange(365))
    postcode, address = pick_address(rng, district)
    phone = pick_phone(rng) if rng.random() < 0.75 else None
    email = None
    if rng.random() < 0.25:
        email = f"{name.lower().replace(' ', '.')}{rng.randint(1, 99)}@example.com"
    return PersonDetails(
        name=name,
        date_of_birth=born,
        postcode=postcode,
        district=district,
        nhs_number=pick_nhs_number(rng, used) if rng.random() < 0.92 else None,
        lsoa_code=lsoa_code,
        address=address,
        phone=phone,
        email=email,
        sex=sex,
        ethnicity=pick_ethnicity(rng),
    )


def pick_sex(rng: random.Random) -> str:
    return rng.choices([s for s, _ in SEXES], [w for _, w in SEXES])[0]


def pick_name(rng: random.Random, sex: str) -> str:
    pool = FEMALE if sex == "female" else MALE if sex == "male" else FEMALE + MALE
    return f"{rng.choice(pool)} {rng.choice(SURNAMES)}"


def pick_ethnicity(rng: random.Random) -> str:
    return rng.choices([e for e, _ in ETHNICITY_WEIGHTS], [w for _, w in ETHNICITY_WEIGHTS])[0]


def pick_age(rng: random.Random, *, adult: bool) -> int:
    """An age in whole years; the device scheme is for adults, so ``adult`` skips children."""
    groups = [g for g in AGE_GROUPS if g[0] >= 18] if adult else list(AGE_GROUPS)
    low, high, _ = rng.choices(groups, [w for _, _, w in groups])[0]
    return rng.randint(low, high)


def pick_address(rng: random.Random, district: str) -> tuple[str, str]:
    """A postcode and street address in (roughly) the district: (postcode, address)."""
    areas = POSTCODE_AREAS.get(district) or tuple((o, district) for o in OTHER_OUTWARD)
    outward, town = rng.choice(areas)
    inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    street = f"{rng.randint(1, 180)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
    return f"{outward} {inward}", f"{street}, {town}"


def pick_phone(rng: random.Random) -> str:
    return f"07700 900{rng.randint(0, 999):03d}"


def pick_nhs_number(rng: random.Random, used: set[str]) -> str:
    """A valid, unused NHS number in the 999 test range (prefixes with no check digit skipped)."""
    while True:
        first_nine = f"999{rng.randrange(1_000_000):06d}"
        check = check_digit(first_nine)
        if check is not None and (number := f"{first_nine}{check}") not in used:
            used.add(number)
            return number


def pick_referrer(rng: random.Random, source: ReferralSource, district: str) -> str | None:
    """Who introduced the person, in words, for sources other than the person themselves."""
    if source is ReferralSource.SELF:
        return None
    if source is ReferralSource.FAMILY_OR_NEIGHBOUR:
        return rng.choice(FAMILY)
    if source is ReferralSource.COUNCILLOR:
        return f"Cllr {rng.choice(SURNAMES)}"
    if source is ReferralSource.GP:
        return f"{rng.choice(STREETS)} Medical Practice"
    if source is ReferralSource.HOUSING:
        return f"{district} housing team"
    if source is ReferralSource.VOLUNTARY_GROUP:
        return rng.choice(VOLUNTARY_GROUPS)
    if source is ReferralSource.OTHER:
        return rng.choice(("Pharmacist", "Fire and rescue safe and well visit", "Police"))
    return None
