"""Shared helpers: valid NHS numbers, bulk events, read-model digests."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from itertools import count

from sqlalchemy import select

from domain.nhs_number import check_digit
from domain.person import Person
from domain.reference import Programme, ReferralSource
from domain.referral import Referral
from workers.runtime import Runtime

_numbers = count(100_000)


def nhs_number() -> str:
    """A fresh valid NHS number in the 999 test range."""
    while True:
        first_nine = f"999{next(_numbers):06d}"
        check = check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


def person_body(name: str = "Test Person", district: str = "Mansfield") -> dict[str, object]:
    return {
        "name": name,
        "date_of_birth": "1960-05-04",
        "postcode": "NG18 1AB",
        "district": district,
        "nhs_number": nhs_number(),
    }


def record_many(runtime: Runtime, people: int, actor: uuid.UUID, per_save: int = 100) -> int:
    """Record people with a referral each straight through the application, in big saves."""
    from domain.person import PersonDetails

    app = runtime.app
    pending: list[object] = []
    for i in range(people):
        details = PersonDetails(
            name=f"Bulk Person {i}",
            date_of_birth=date(1970, 1, 1),
            postcode="NG18 1AB",
            district="Mansfield",
        )
        checked = details.checked(app.districts, date.today())
        when = app._when(None)
        person = Person(
            personal=checked.personal(),
            analytic=checked.analytic(date.today()),
            actor_id=actor,
            occurred_at=when,
        )
        referral = Referral(
            person_id=person.id,
            programme=Programme.LAC,
            source=ReferralSource.GP,
            referrer="Dr Bulk",
            reasons=["isolated"],
            consent_to_share=True,
            actor_id=actor,
            occurred_at=when,
        )
        pending += [person, referral]
        if len(pending) >= per_save:
            app.save(*pending)
            pending = []
    if pending:
        app.save(*pending)
    return app.log_position()


def digest(runtime: Runtime) -> dict[str, str]:
    """A digest of every read-model table, row by row in key order."""
    result = {}
    with runtime.engine.connect() as conn:
        for projector in runtime.projectors:
            for table in projector.projection.tables:
                rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                text = "\n".join(repr(tuple(row)) for row in rows)
                result[table.name] = f"{len(rows)}:{hashlib.sha256(text.encode()).hexdigest()}"
    return result


POISON_NAME = "Poison Example"


def record_poison(runtime: Runtime, actor: uuid.UUID) -> int:
    """A registration with no district (as if an old version had written it): the people read
    model cannot store it (district is NOT NULL), a poison event. Returns its position."""
    app = runtime.app
    when = app._when(None)
    person = Person(personal={"name": POISON_NAME}, analytic={}, actor_id=actor, occurred_at=when)
    app.save(person)
    return app.log_position()
