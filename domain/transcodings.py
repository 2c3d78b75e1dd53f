"""JSON transcodings for the types our events carry beyond the library's defaults."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import Transcoding


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def enum_transcoding(enum_cls: type[Enum]) -> Transcoding:
    """A transcoding that stores an enum member by its value."""

    class EnumAsValue(Transcoding):
        type = enum_cls
        name = f"enum_{enum_cls.__name__}"

        def encode(self, obj: Any) -> Any:
            return obj.value

        def decode(self, data: Any) -> Any:
            return enum_cls(data)

    return EnumAsValue()
