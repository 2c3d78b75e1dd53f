"""The device-scheme part of the hand-built 2021/22 history: a scheme year, stock, two kits, a
loan, a gift, sessions and a loss, driven through the seed's clerk (device commands date by
"today", the clerk by the day given)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from domain.device_codes import (
    Agreement,
    BudgetLine,
    ItemKind,
    LoanStatus,
    Need,
    Provision,
    Recipient,
    SessionKind,
)
from domain.stock import ItemDetails
from tests.reports.hand_built_year import (
    OFFICER,
    SCHEME_YEAR,
    Story,
    d,
)
from workers.seed_devices_clerk import Clerk


def record_device_scheme(story: Story) -> None:
    """The 2021-22 device scheme: one lent kit (later lost), one gifted, three training sessions.

    The device commands date what they record by "today", so they run through the seed's
    Clerk (the same commands on a simulated calendar), saved at the end.
    """
    hal = story.register("H", d(2021, 6, 20))
    kit_person = story.register("K", d(2021, 9, 20))
    clerk = Clerk(story.app)
    clerk.on(d(2021, 5, 20))
    budget = {
        BudgetLine.TABLETS: Decimal(5000),
        BudgetLine.CONNECTIVITY: Decimal(1200),
        BudgetLine.SETUP: Decimal(500),
        BudgetLine.SUPPORT: Decimal(2000),
    }
    clerk.open_scheme(
        SCHEME_YEAR, d(2021, 6, 1), d(2022, 5, 31), OFFICER, 10, budget, Decimal(30), Decimal(45)
    )
    clerk.on(d(2021, 6, 7))
    tablet = clerk.receive_item(
        ItemDetails(ItemKind.TABLET, "TAB-0001", Decimal(229), d(2021, 6, 7), "Lenovo", "M10"),
        OFFICER,
    ).id
    sim = clerk.receive_item(
        ItemDetails(
            ItemKind.SIM,
            "8944000000000000001",
            Decimal(5),
            d(2021, 6, 7),
            network="EE",
            monthly_cost=Decimal(10),
            starts_on=d(2021, 6, 15),
            expires_on=d(2022, 6, 14),
        ),
        OFFICER,
    ).id
    charger = clerk.receive_item(
        ItemDetails(ItemKind.CHARGER, "CHA-0001", Decimal(12), d(2021, 6, 7)), OFFICER
    ).id
    case = clerk.receive_item(
        ItemDetails(ItemKind.CASE, "CAS-0001", Decimal(8), d(2021, 6, 7)), OFFICER
    ).id
    clerk.on(d(2021, 6, 25))
    lend = {ItemKind.TABLET: Provision.LOAN}
    clerk.refer_to_scheme(
        SCHEME_YEAR, hal, "CSP-1", Need.DIGITAL_EXCLUSION, Recipient.VULNERABLE_ADULT, lend,
        ["cannot reach his GP online"], OFFICER,
    )  # fmt: skip
    clerk.on(d(2021, 7, 2))
    clerk.change_item(tablet, lambda item, on: item.enrol(on, OFFICER), d(2021, 7, 2))
    first_kit = clerk.assemble_kit("KIT-001", [tablet, sim, charger, case], OFFICER).id
    clerk.on(d(2021, 7, 5))
    loan = clerk.reserve_kit(SCHEME_YEAR, hal, first_kit, d(2022, 1, 5), OFFICER).id
    clerk.on(d(2021, 7, 6))
    hand_over(clerk, loan)
    session(clerk, loan, SessionKind.TRAINING, d(2021, 7, 6), 75)
    clerk.on(d(2021, 8, 10))
    session(clerk, loan, SessionKind.REMOTE_SUPPORT, d(2021, 8, 10), 20)
    clerk.on(d(2021, 9, 22))
    give = {ItemKind.TABLET: Provision.GIFT}
    clerk.refer_to_scheme(
        SCHEME_YEAR, kit_person, "CSP-2", Need.COVID_ACCESS, Recipient.VULNERABLE_ADULT, give,
        ["isolated since lockdown"], OFFICER,
    )  # fmt: skip
    clerk.on(d(2021, 10, 5))
    second_tablet = clerk.receive_item(
        ItemDetails(ItemKind.TABLET, "TAB-0002", Decimal("199.50"), d(2021, 10, 5), "Acer", "B3"),
        OFFICER,
    ).id
    second_kit = clerk.assemble_kit("KIT-002", [second_tablet], OFFICER).id
    clerk.on(d(2021, 10, 8))
    gift = clerk.reserve_kit(SCHEME_YEAR, kit_person, second_kit, None, OFFICER).id
    clerk.on(d(2021, 10, 11))
    hand_over(clerk, gift)
    clerk.on(d(2021, 10, 12))
    session(clerk, loan, SessionKind.TRAINING, d(2021, 10, 12), 45)
    clerk.on(d(2021, 11, 30))
    clerk.end_loan(loan, LoanStatus.LOST, None, OFFICER, note="left on the bus")
    clerk.on(d(2022, 1, 13))
    session(clerk, gift, SessionKind.TRAINING, d(2022, 1, 13), 60)
    clerk.save()


def hand_over(clerk: Clerk, loan: UUID) -> None:
    clerk.hand_over(
        loan, None, Agreement.WITNESSED_VERBAL, None, "Sam Smith, neighbour", True, True, OFFICER
    )


def session(clerk: Clerk, loan: UUID, kind: SessionKind, on: date, minutes: int) -> None:
    clerk.change_loan(
        loan, lambda x: x.record_session(uuid4(), kind, on, minutes, "email", None, OFFICER)
    )
