"""Errors the domain raises; each says what was wrong in the users' words."""

from __future__ import annotations

from uuid import UUID


class DomainError(Exception):
    """Base class for every rule the domain refuses to break."""


class InvalidField(DomainError):
    """A value given for a field breaks a rule; names the field and the rule."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidTransition(DomainError):
    """A lifecycle step that is not allowed from the record's current state."""

    def __init__(self, record: str, record_id: UUID, action: str, status: str, why: str) -> None:
        super().__init__(f"cannot {action} {record} {record_id}: it is {status}; {why}")
        self.record = record
        self.record_id = record_id
        self.action = action
        self.status = status
        self.why = why


class DuplicatePerson(DomainError):
    """Another person is already registered with the same NHS number."""

    def __init__(self, existing_person_id: UUID | None) -> None:
        super().__init__("a person with this NHS number is already registered")
        self.existing_person_id = existing_person_id


class RecordNotFound(DomainError):
    """No record of that kind with that id."""

    def __init__(self, record: str, record_id: UUID) -> None:
        super().__init__(f"no {record} with id {record_id}")
        self.record = record
        self.record_id = record_id


class NoInvolvement(DomainError):
    """Casework for a person who has no involvement yet."""

    def __init__(self, person_id: UUID) -> None:
        super().__init__(f"person {person_id} has no involvement: open one first")
        self.person_id = person_id
