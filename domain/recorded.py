"""What a command answers with."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Recorded:
    """What a command recorded: the record's id, its new version and the log position."""

    id: UUID
    version: int
    position: int
