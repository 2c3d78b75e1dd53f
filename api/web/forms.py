"""Forms: what was typed, turned into the API's JSON, and the API's complaints put back beside
the fields they are about. A form field is named by the API field it fills (``person.name``,
``asset_ids``), so the same name carries a value out and an error back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from api.web.session import CSRF_FIELD

NOT_SENT = frozenset({CSRF_FIELD, "idempotency_key"})
# Never shown again nor kept in a draft: a password is typed afresh.
NOT_KEPT = frozenset({"password", "new_password"})

# Pydantic's wording, in plain English.
PLAIN = {
    "Field required": "Enter this",
    "Input should be a valid integer, unable to parse string as an integer": "Enter a whole number",
    "Input should be a valid date or datetime, input is too short": "Enter a date",
    "Input should be a valid date or datetime, invalid character in year": "Enter a real date",
    "Input should be a valid date or datetime, invalid date separator, expected `-`": (
        "Enter a real date"
    ),
    "Input should be a valid datetime or date, input is too short": "Enter a date and time",
    "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 0": (
        "Choose one"
    ),
}


@dataclass
class FormErrors:
    """Errors beside fields (field name -> message), and one not about any field."""

    fields: dict[str, str] = field(default_factory=dict)
    summary: str | None = None

    def __bool__(self) -> bool:
        return bool(self.fields or self.summary)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)


@dataclass
class Form:
    """The submitted fields: single values, and every value of fields sent more than once."""

    values: dict[str, str]
    lists: dict[str, list[str]]

    @classmethod
    def of(cls, data: FormData) -> Form:
        values: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        for name, value in data.multi_items():
            if isinstance(value, str):
                values[name] = value.strip()
                lists.setdefault(name, []).append(value.strip())
        return cls(values, lists)

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def many(self, name: str) -> list[str]:
        return [v for v in self.lists.get(name, []) if v]

    def kept(self) -> dict[str, str]:
        """What to show again in the form (or keep in a draft): everything typed but the tokens
        and passwords."""
        return {k: v for k, v in self.values.items() if k not in NOT_SENT and k not in NOT_KEPT}

    def kept_lists(self) -> dict[str, list[str]]:
        """Every value of each field, for the boxes ticked (tokens and passwords left out)."""
        return {k: v for k, v in self.lists.items() if k not in NOT_SENT and k not in NOT_KEPT}

    def body(self, *names: str, lists: tuple[str, ...] = ()) -> dict[str, Any]:
        """The API's JSON from the named fields: dotted names nest, blanks are left out (the
        API then says what is missing), and `lists` are sent as lists."""
        body: dict[str, Any] = {}
        for name in names:
            value: Any = self.many(name) if name in lists else self.get(name)
            if value in ("", []) and name not in lists:
                continue
            _put(body, name.split("."), value)
        return body


def _put(body: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        body = body.setdefault(part, {})
    body[path[-1]] = value


def errors_from(status: int, body: Any, fields: dict[str, str]) -> FormErrors:
    """The API's answer as form errors: 422 details beside their fields, anything else as one
    message at the top."""
    errors = FormErrors()
    detail = body.get("detail") if isinstance(body, dict) else None
    if status == 422 and isinstance(detail, list):
        for item in detail:
            loc = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path")]
            name = ".".join(loc)
            errors.add(fields.get(name, name) or "form", plain(str(item.get("msg", ""))))
        if "form" in errors.fields:
            errors.summary = errors.fields.pop("form")
        return errors
    errors.summary = detail if isinstance(detail, str) else _status_message(status)
    return errors


def plain(message: str) -> str:
    message = message.removeprefix("Value error, ")
    return PLAIN.get(message, message[:1].upper() + message[1:])


def _status_message(status: int) -> str:
    if status == 403:
        return "Your role cannot do this."
    if status == 404:
        return "We could not find that record, or it is not yours to see."
    if status == 409:
        return "This record changed at the same moment; reload the page and try again."
    if status == 503:
        return "The service is busy catching up; try again in a moment."
    return "Something went wrong; nothing was recorded. Try again."
