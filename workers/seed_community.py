"""The seed's community assets directory and its coordinators' community development work.

The directory is the same whatever the seed (8-15 assets a district, drawn from the district's
towns); the development work (about three records a month per coordinator) follows the seed.
Both go through the same checks as the application's commands; records already there are kept.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.application import LacApplication
from domain.codes import CommunityWorkKind
from domain.community import AssetDetails, CommunityAsset, CommunityWork, check_work
from workers import seed_casework_names as w
from workers.seed_names import POSTCODE_AREAS, pick_phone

SEEDED = uuid5(NAMESPACE_URL, "lac:seed")


def exists(app: LacApplication, record_id: UUID) -> bool:
    return bool(app.recorder.select_events(record_id, limit=1))


def list_directory(
    app: LacApplication,
    coordinators: Mapping[str, UUID],
    start: date,
    today: date,
    counts: Counter[str],
) -> dict[str, list[CommunityAsset]]:
    """8-15 assets a district, listed once (the same directory whatever the seed)."""
    directory: dict[str, list[CommunityAsset]] = {}
    new: list[CommunityAsset] = []
    for district, actor in coordinators.items():
        rng = random.Random(f"lac-seed-assets-{district}")
        towns = [town for _, town in POSTCODE_AREAS.get(district, ())] or [district]
        places = [(kind, town) for kind in w.ASSET_KINDS for town in dict.fromkeys(towns)]
        ranked = sorted(places, key=lambda p: rng.random() ** (1 / p[0][3]), reverse=True)
        directory[district] = []
        for index, ((name, category, description, _), town) in enumerate(
            ranked[: rng.randint(8, 15)]
        ):
            verified = start - timedelta(days=rng.randint(0, 60))
            details = AssetDetails(
                name.format(town=town),
                category,
                district,
                description,
                pick_phone(rng),
                rng.choice(w.ACCESSIBILITY),
                verified,
            )
            checks = [verified + timedelta(days=180 * n + rng.randint(-20, 20)) for n in (1, 2, 3)]
            asset_id = uuid5(SEEDED, f"asset:{district}:{index}")
            if exists(app, asset_id):
                directory[district].append(app.get_asset(asset_id))
                continue
            checked = details.checked(app.districts, app._when(None).date())
            asset = CommunityAsset._create(
                CommunityAsset.Listed, id=asset_id, details=vars(checked).copy(), actor_id=actor
            )
            for on in checks:
                if on <= today:
                    asset.verify(on, actor)
            directory[district].append(asset)
            new.append(asset)
    if new:
        app.save(*new)
    counts["assets"] += len(new)
    return directory


def community_work(
    app: LacApplication,
    coordinators: Mapping[str, UUID],
    directory: Mapping[str, list[CommunityAsset]],
    seed: int,
    start: date,
    until: date,
) -> list[CommunityWork]:
    """About three records a month for each district's coordinator."""
    made: list[CommunityWork] = []
    today = app._when(None).date()
    kinds, weights = [k for k, _ in w.WORK_KINDS], [n for _, n in w.WORK_KINDS]
    for district, actor in coordinators.items():
        rng = random.Random(f"lac-seed-{seed}-work-{district}")
        assets = directory.get(district, [])
        month = start.replace(day=1)
        while month <= until:
            for number in range(rng.choice((2, 3, 3, 3, 4))):
                on = month + timedelta(days=rng.randrange(28))
                kind = rng.choices(kinds, weights)[0]
                gap = kind is CommunityWorkKind.GAP_IDENTIFIED
                asset = None if gap or not assets else rng.choice(assets)
                text = rng.choice(w.WORK_DESCRIPTIONS[kind])
                minutes = rng.choice((30, 45, 60, 90, 120, 180))
                work_id = uuid5(SEEDED, f"work:{seed}:{district}:{month}:{number}")
                if not start <= on <= until or district not in app.districts:
                    continue
                if exists(app, work_id):
                    continue
                made.append(
                    CommunityWork._create(
                        CommunityWork.Recorded,
                        id=work_id,
                        kind=kind,
                        district=district,
                        asset_id=asset.id if asset else None,
                        description=check_work(text, minutes, on, today),
                        minutes=minutes,
                        occurred_on=on,
                        actor_id=actor,
                    )
                )
            month = (month + timedelta(days=32)).replace(day=1)
    return made
