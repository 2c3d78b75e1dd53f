"""The unit-cost table that stood at a position: the last one set by an administrator before
it, or the shipped defaults when none had been set."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from domain.reporting import UnitCost
from projections.report_facts import report_facts as rf

DEFAULTS_FILE = Path(__file__).with_name("unit_costs.toml")


@dataclass(frozen=True)
class CostTable:
    costs: tuple[UnitCost, ...]
    programme_costs: dict[str, Decimal]
    source: str  # said on the report: where these figures came from
    digest: str

    def state(self) -> dict[str, Any]:
        return {
            "costs": [c.state() for c in self.costs],
            "programme_costs": {y: str(a) for y, a in sorted(self.programme_costs.items())},
        }


def _table(state: dict[str, Any], source: str) -> CostTable:
    costs = tuple(
        UnitCost(
            c["key"],
            c["label"],
            Decimal(str(c["amount"])),
            c["applies_to"],
            Decimal(str(c["quantity"])),
            c["source"],
        )
        for c in state["costs"]
    )
    programme = {str(y): Decimal(str(a)) for y, a in state["programme_costs"].items()}
    canonical = json.dumps(state, sort_keys=True, default=str).encode()
    return CostTable(costs, programme, source, hashlib.sha256(canonical).hexdigest())


def default_table() -> CostTable:
    parsed = tomllib.loads(DEFAULTS_FILE.read_text("utf-8"))
    state = {"costs": parsed["cost"], "programme_costs": parsed["programme_costs"]}
    return _table(state, f"shipped defaults ({parsed['version']}, illustrative)")


def table_from_fact(position: int, data: dict[str, Any]) -> CostTable:
    return _table(data, f"the table an administrator set at log position {position}")


def unit_cost_table(engine: Engine, position: int) -> CostTable:
    """The table as at `position`."""
    query = (
        select(rf.c.position, rf.c.data)
        .where(rf.c.kind == "unit_costs.set", rf.c.position <= position)
        .order_by(rf.c.position.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        found = conn.execute(query).first()
    if found is None:
        return default_table()
    return table_from_fact(int(found.position), found.data)


DEFAULT = default_table()
