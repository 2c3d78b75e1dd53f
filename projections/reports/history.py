"""The event log as it stood at a position, folded from the report facts into plain records.

Everything a report counts comes from here; nothing is read from the live read models, so a
report as at a past position cannot see a correction recorded after it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from projections.report_facts import report_facts as rf
from projections.reports.folding import FOLDERS
from projections.reports.records import History

COLUMNS = (
    rf.c.position,
    rf.c.kind,
    rf.c.entity_id,
    rf.c.person_id,
    rf.c.on_date,
    rf.c.district,
    rf.c.code,
    rf.c.detail,
    rf.c.number,
    rf.c.data,
    rf.c.digest,
)


def facts_position(engine: Engine) -> int:
    """The last position any fact was recorded at (0 with none)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(rf.c.position))).scalar() or 0)


def position_at(engine: Engine, moment: datetime) -> int:
    """The position of the last counted event recorded at or before `moment` (0 if none)."""
    query = select(func.max(rf.c.position)).where(rf.c.recorded_at <= moment)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


@dataclass
class Folded:
    """A history and the running digest of the facts folded into it, to fold more later."""

    history: History
    hasher: Any = field(default_factory=hashlib.sha256)


def fold_forward(engine: Engine, folded: Folded, position: int) -> None:
    """Fold the facts after the history's position up to `position`, in log order."""
    query = (
        select(*COLUMNS)
        .where(rf.c.position > folded.history.position, rf.c.position <= position)
        .order_by(rf.c.position)
    )
    history = folded.history
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=20_000).execute(query)
        for chunk in result.partitions():
            folded.hasher.update(b"".join(row[-1] for row in chunk))
            for row in chunk:
                apply_fact(history, row)
        last = conn.execute(
            select(rf.c.recorded_at)
            .where(rf.c.position <= position)
            .order_by(rf.c.position.desc())
            .limit(1)
        ).scalar()
    history.position = position
    history.last_recorded_at = last
    history.digest = folded.hasher.hexdigest()


def load_history(engine: Engine, position: int) -> History:
    """Read the facts up to `position`, in log order, and fold them."""
    folded = Folded(History(0))
    fold_forward(engine, folded, position)
    return folded.history


def apply_facts(history: History, rows: Iterable[Any]) -> None:
    for row in rows:
        apply_fact(history, row)


def apply_fact(h: History, row: Any) -> None:
    (position, kind, entity, person, on, district, code, detail, number, data, _digest) = row
    h.facts += 1
    FOLDERS[kind.partition(".")[0]](
        h, kind, entity, person, on, district, code, detail, number, data or {}
    )
    if kind == "unit_costs.set":
        h.unit_costs = (position, data)
