"""A small hand-built history in financial year 2021/22, recorded through the application's own
commands and dated on the days things happened, for the by-hand indicator tests
(`test_indicators_by_hand.py`, which says what is in it and what each figure should be)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from uuid import UUID, uuid4

from domain.application import LacApplication
from domain.codes import (
    AssetCategory,
    CloseReason,
    CommunityWorkKind,
    ConnectionStatus,
    ContactMode,
    ContactPurpose,
    Instrument,
    Occasion,
    OutcomeDetail,
    OutcomeDomain,
    Participant,
    SupportLevel,
)
from domain.community import AssetDetails
from domain.contact import ContactDetails
from domain.involvement import Involvement
from domain.outcomes import OutcomeRecord, VisitCounts
from domain.person import PersonDetails
from domain.reference import Programme, ReferralSource

COORDINATOR, STAFF, OFFICER = uuid4(), uuid4(), uuid4()
YEAR = 2021
SCHEME_YEAR = "2021-22"


def d(year: int, month: int, day: int) -> date:
    return date(year, month, day)


def at(day: date) -> datetime:
    return datetime.combine(day, time(10, tzinfo=UTC))


# the people: name, district, postcode, LSOA (IMD 2019 quintile), born, sex, ethnicity ----------

PEOPLE: dict[str, tuple[str, str, str, str, date, str, str]] = {
    "A": ("Ada Arkwright", "Mansfield", "NG18 1AB", "E01028226", d(1950, 3, 1), "female", "white"),
    "B": ("Bert Bagshaw", "Mansfield", "NG18 2CD", "E01028223", d(1962, 7, 15), "male", "white"),
    "C": ("Cora Cutts", "Ashfield", "NG17 1EF", "E01027930", d(1975, 11, 30), "female", "black"),
    "D": ("Dev Dhillon", "Ashfield", "NG17 2GH", "E01027925", d(1988, 2, 10), "male", "asian"),
    "E": ("Edna Ellis", "Bassetlaw", "S80 1JK", "E01028001", d(1944, 9, 9), "female", "white"),
    "F": ("Fred Foster", "Bassetlaw", "S81 7LM", "E01028009", d(1999, 12, 1), "male", "mixed"),
    "G": ("Gail Gee", "Mansfield", "NG19 6NP", "E01028219", d(1958, 5, 5), "female", "not_stated"),
    "J": ("Jo Jessop", "Ashfield", "NG17 5QR", "E01027934", d(1969, 1, 20), "other", "white"),
    "H": ("Hal Hird", "Mansfield", "NG18 3ST", "E01028240", d(1940, 4, 4), "male", "white"),
    "K": ("Kit Kaye", "Bassetlaw", "S80 2UV", "E01027999", d(1952, 8, 8), "female", "white"),
}
# Quintiles from the IMD 2019 file (decile halved, rounded up): E01028226 decile 1 -> 1,
# E01028223 3 -> 2, E01027930 1 -> 1, E01027925 6 -> 3, E01028001 1 -> 1, E01028009 9 -> 5,
# E01028219 9 -> 5, E01027934 9 -> 5, E01028240 7 -> 4, E01027999 7 -> 4.


class Story:
    """Records the history through the application's commands, dated on the day."""

    def __init__(self, app: LacApplication) -> None:
        self.app = app
        self.people: dict[str, UUID] = {}
        self.referrals: dict[str, UUID] = {}
        self.assets: dict[str, UUID] = {}
        self.marks: dict[str, int] = {}  # log positions at moments of the story

    def register(self, key: str, on: date) -> UUID:
        name, district, postcode, lsoa, born, sex, ethnicity = PEOPLE[key]
        details = PersonDetails(
            name, born, postcode, district, lsoa_code=lsoa, sex=sex, ethnicity=ethnicity
        )
        person = self.app.register_person(details, STAFF, occurred_at=at(on)).id
        self.people[key] = person
        return person

    def refer(self, key: str, source: ReferralSource, on: date, name: str | None = None) -> None:
        person = self.people.get(key) or self.register(key, on)
        referral = self.app.make_referral(
            person,
            Programme.LAC,
            source,
            None,
            ["lonely since a bereavement"],
            True,
            STAFF,
            occurred_at=at(on),
        ).id
        self.referrals[name or key] = referral

    def accept(self, referral: str, on: date) -> None:
        self.app.accept_referral(self.referrals[referral], COORDINATOR, COORDINATOR, at(on))

    def change(self, key: str, on: date, step: Callable[[Involvement, datetime], None]) -> None:
        self.app.change_involvement(self.people[key], step, at(on))

    def pause(self, key: str, on: date) -> None:
        self.change(key, on, lambda i, when: i.pause("in hospital", COORDINATOR, when))

    def resume(self, key: str, on: date) -> None:
        self.change(key, on, lambda i, when: i.resume(COORDINATOR, when))

    def close(self, key: str, on: date, reason: CloseReason) -> None:
        self.app.close_involvement(self.people[key], reason, None, COORDINATOR, at(on))

    def contact(self, key: str, on: date, minutes: int) -> UUID:
        return self.app.log_contact(self.people[key], contact_details(on, minutes), COORDINATOR).id

    def outcome(
        self,
        key: str,
        domain: OutcomeDomain,
        on: date,
        detail: OutcomeDetail | None = None,
        visits: VisitCounts | None = None,
    ) -> UUID:
        record = OutcomeRecord(domain, detail, on, "confirmed with the person", visits)
        return self.app.record_outcome(self.people[key], record, COORDINATOR).id

    def measure(
        self, key: str, instrument: Instrument, occasion: Occasion, on: date, items: list[int]
    ) -> UUID:
        return self.app.record_measure(
            self.people[key], instrument, occasion, on, items, COORDINATOR
        ).id

    def connect(self, key: str, asset: str, status: ConnectionStatus, on: date) -> None:
        self.app.connect(self.people[key], self.assets[asset], status, None, COORDINATOR, at(on))

    def community(self, kind: CommunityWorkKind, district: str, on: date) -> None:
        self.app.record_community_work(kind, district, None, "with the group", 90, on, COORDINATOR)


def contact_details(on: date, minutes: int) -> ContactDetails:
    return ContactDetails(
        at(on), minutes, ContactMode.IN_PERSON, (Participant.PERSON,), (ContactPurpose.LISTENING,)
    )


SWEMWBS, ONS4, UCLA3 = Instrument.SWEMWBS, Instrument.ONS4, Instrument.UCLA3
BASE, FOLLOW = Occasion.BASELINE, Occasion.FOLLOW_UP
INTRO, ATT = ConnectionStatus.INTRODUCED, ConnectionStatus.ATTENDED
STILL, DROP = ConnectionStatus.STILL_CONNECTED, ConnectionStatus.DROPPED
W = CommunityWorkKind


def record_casework(story: Story) -> None:
    """Local Area Coordination in 2021/22, in the order it happened."""
    app = story.app
    story.assets["group"] = app.list_asset(
        AssetDetails("Titchfield walking group", AssetCategory.GROUP, "Mansfield"), STAFF
    ).id
    story.assets["place"] = app.list_asset(
        AssetDetails("Sutton community cafe", AssetCategory.PLACE, "Ashfield"), STAFF
    ).id
    # Quarter 1: April to June 2021
    story.refer("A", ReferralSource.GP, d(2021, 4, 12))
    story.accept("A", d(2021, 4, 15))
    story.contact("A", d(2021, 4, 20), 60)
    story.measure("A", SWEMWBS, BASE, d(2021, 4, 20), [2, 2, 2, 2, 2, 2, 2])  # raw 14
    story.measure("A", ONS4, BASE, d(2021, 4, 20), [4, 5, 3, 7])
    story.community(W.SUPPORTING_GROUP, "Mansfield", d(2021, 4, 22))
    story.connect("A", "group", INTRO, d(2021, 5, 1))
    story.refer("B", ReferralSource.SELF, d(2021, 5, 5))
    story.connect("A", "group", ATT, d(2021, 5, 8))
    story.accept("B", d(2021, 5, 10))
    story.contact("B", d(2021, 5, 12), 45)
    story.measure("B", SWEMWBS, BASE, d(2021, 5, 12), [3, 3, 3, 3, 3, 3, 3])  # raw 21
    story.measure("B", UCLA3, BASE, d(2021, 5, 12), [3, 3, 3])  # 9
    story.contact("A", d(2021, 5, 18), 45)
    story.refer("J", ReferralSource.HOUSING, d(2021, 6, 1))
    story.accept("J", d(2021, 6, 3))
    wrong_day = story.contact("J", d(2021, 6, 10), 90)  # corrected below: 8 July, 120 minutes
    story.outcome("A", OutcomeDomain.CRISIS_AVOIDED, d(2021, 6, 15))
    story.pause("B", d(2021, 6, 20))
    story.outcome("B", OutcomeDomain.ENGAGED_WITH_SERVICE, d(2021, 6, 25), OutcomeDetail.THERAPY)
    story.refer("C", ReferralSource.COUNCILLOR, d(2021, 6, 28))
    story.community(W.GAP_IDENTIFIED, "Ashfield", d(2021, 6, 30))
    # Quarter 2: July to September 2021
    story.community(W.STARTING_ACTIVITY, "Mansfield", d(2021, 7, 1))
    story.accept("C", d(2021, 7, 2))
    story.resume("B", d(2021, 7, 5))
    story.contact("C", d(2021, 7, 6), 50)
    story.measure("C", SWEMWBS, BASE, d(2021, 7, 6), [2, 2, 2, 2, 2, 3, 3])  # raw 16
    story.measure("C", UCLA3, BASE, d(2021, 7, 6), [2, 3, 3])  # 8
    mistaken = story.contact("B", d(2021, 7, 7), 40)  # withdrawn below
    jo_baseline = story.measure(
        "J", SWEMWBS, BASE, d(2021, 7, 8), [3, 3, 3, 3, 2, 2, 2]
    )  # withdrawn
    app.correct_contact(wrong_day, contact_details(d(2021, 7, 8), 120), "wrong day", COORDINATOR)
    story.connect("B", "group", INTRO, d(2021, 7, 10))
    story.connect("J", "group", INTRO, d(2021, 7, 12))
    story.connect("B", "group", ATT, d(2021, 7, 17))
    story.connect("J", "group", ATT, d(2021, 7, 19))
    story.connect("C", "place", INTRO, d(2021, 7, 20))
    story.outcome("B", OutcomeDomain.CRISIS_AVOIDED, d(2021, 8, 1))
    story.connect("C", "place", ATT, d(2021, 8, 3))
    story.refer("D", ReferralSource.SOCIAL_WORKER, d(2021, 8, 9))
    story.connect("A", "group", STILL, d(2021, 8, 10))
    story.accept("D", d(2021, 8, 12))
    story.outcome("A", OutcomeDomain.CONNECTED, d(2021, 8, 15))
    story.contact("D", d(2021, 8, 20), 75)
    story.measure("D", ONS4, BASE, d(2021, 8, 20), [5, 5, 5, 6])
    story.connect("D", "group", INTRO, d(2021, 8, 25))  # never goes
    story.measure("B", UCLA3, FOLLOW, d(2021, 8, 30), [2, 2, 3])  # 7
    story.measure("A", SWEMWBS, FOLLOW, d(2021, 9, 1), [3, 3, 3, 3, 3, 3, 2])  # raw 20
    evicted = story.outcome(
        "C", OutcomeDomain.HOME, d(2021, 9, 1), OutcomeDetail.EVICTION_PREVENTED
    )  # withdrawn below
    story.outcome(
        "D", OutcomeDomain.WORK_VOLUNTEERING_TRAINING, d(2021, 9, 15), OutcomeDetail.VOLUNTEERING
    )
    story.connect("J", "group", STILL, d(2021, 9, 15))
    story.close("A", d(2021, 9, 20), CloseReason.GOALS_MET)
    story.outcome("J", OutcomeDomain.CONNECTED, d(2021, 9, 20))
    story.measure(
        "J", SWEMWBS, FOLLOW, d(2021, 9, 25), [4, 4, 3, 3, 3, 3, 3]
    )  # raw 23, no baseline
    story.measure("C", UCLA3, FOLLOW, d(2021, 9, 28), [2, 3, 3])  # 8
    story.close("D", d(2021, 9, 30), CloseReason.PERSON_ENDED)
    # Quarter 3: October to December 2021
    story.refer("E", ReferralSource.VOLUNTARY_GROUP, d(2021, 10, 4))
    story.accept("E", d(2021, 10, 6))
    story.contact("E", d(2021, 10, 11), 60)
    story.measure("E", SWEMWBS, BASE, d(2021, 10, 11), [2, 2, 2, 2, 2, 2, 3])  # raw 15
    story.measure("E", UCLA3, BASE, d(2021, 10, 11), [3, 2, 3])  # 8
    story.connect("B", "group", DROP, d(2021, 10, 15))
    story.connect("E", "place", INTRO, d(2021, 10, 20))
    story.connect("E", "place", ATT, d(2021, 10, 27))
    story.connect("C", "place", STILL, d(2021, 11, 1))
    story.marks["before A again"] = app.log_position()
    story.refer("A", ReferralSource.GP, d(2021, 11, 3), name="A again")
    story.accept("A again", d(2021, 11, 5))  # reopens A's involvement
    story.contact("A", d(2021, 11, 10), 35)
    story.connect("A", "place", INTRO, d(2021, 11, 12))
    story.outcome("C", OutcomeDomain.CONNECTED, d(2021, 11, 15))
    story.connect("A", "place", ATT, d(2021, 11, 20))
    story.measure("B", SWEMWBS, FOLLOW, d(2021, 11, 20), [3, 3, 3, 2, 2, 3, 3])  # raw 19
    story.measure("C", SWEMWBS, FOLLOW, d(2021, 12, 1), [3, 3, 3, 3, 3, 4, 4])  # raw 23
    story.outcome("A", OutcomeDomain.CRISIS_AVOIDED, d(2021, 12, 1))
    story.measure("A", ONS4, FOLLOW, d(2021, 12, 5), [7, 7, 6, 4])
    story.outcome("E", OutcomeDomain.HOME, d(2021, 12, 10), OutcomeDetail.TENANCY_SECURED)
    story.pause("C", d(2021, 12, 15))
    story.community(W.FINDING_FUNDING, "Bassetlaw", d(2021, 12, 31))
    # Quarter 4: January to March 2022
    story.refer("F", ReferralSource.FAMILY_OR_NEIGHBOUR, d(2022, 1, 10))
    story.resume("C", d(2022, 1, 10))
    story.accept("F", d(2022, 1, 12))
    story.contact("C", d(2022, 1, 14), 25)
    story.contact("F", d(2022, 1, 19), 55)
    story.measure("F", ONS4, BASE, d(2022, 1, 19), [2, 3, 2, 8])
    story.measure("E", SWEMWBS, FOLLOW, d(2022, 1, 20), [3, 2, 2, 2, 3, 2, 3])  # raw 17
    story.connect("E", "place", DROP, d(2022, 1, 25))
    story.close("B", d(2022, 2, 1), CloseReason.GOALS_MET)
    story.connect("C", "place", STILL, d(2022, 2, 1))
    story.outcome("E", OutcomeDomain.LESS_ISOLATED, d(2022, 2, 10))
    story.refer("G", ReferralSource.SELF, d(2022, 2, 14))
    app.decline_referral(story.referrals["G"], "lives outside the area", STAFF, at(d(2022, 2, 16)))
    story.measure("E", UCLA3, FOLLOW, d(2022, 2, 15), [1, 2, 2])  # 5
    story.close("J", d(2022, 3, 1), CloseReason.SUPPORTED_BY_SERVICES)
    story.outcome(
        "C", OutcomeDomain.FEWER_GP_AE_VISITS, d(2022, 3, 1), visits=VisitCounts(4, 1, 2, 0)
    )
    story.outcome("F", OutcomeDomain.LESS_ISOLATED, d(2022, 3, 10))
    story.measure("E", SWEMWBS, FOLLOW, d(2022, 3, 15), [4, 3, 3, 3, 4, 4, 3])  # raw 24
    story.measure("F", ONS4, FOLLOW, d(2022, 3, 25), [5, 6, 4, 5])
    app.open_involvement(
        story.people["D"],
        COORDINATOR,
        SupportLevel.INTRODUCTORY,
        COORDINATOR,
        None,
        at(d(2022, 3, 31)),
    )
    story.measure("D", ONS4, FOLLOW, d(2022, 3, 31), [6, 4, 7, 6])
    story.community(W.SUPPORTING_GROUP, "Mansfield", d(2022, 3, 31))
    story.community(W.SUPPORTING_GROUP, "Mansfield", d(2022, 4, 1))  # the next year
    # Late corrections, recorded after all of the above.
    app.withdraw_contact(mistaken, "logged on the wrong person", COORDINATOR)
    story.change(
        "C",
        d(2022, 4, 2),
        lambda i, w: i.withdraw_outcome(evicted, "not evicted after all", STAFF, w),
    )
    story.change(
        "J",
        d(2022, 4, 2),
        lambda i, w: i.withdraw_measure(jo_baseline, "another person's", STAFF, w),
    )
