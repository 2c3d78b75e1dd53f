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


class ConsentError(InvalidTransition):
    """A step that a person's consents do not allow; a 409, its message in plain words."""

    def __init__(self, person_id: UUID, action: str, status: str, message: str) -> None:
        super().__init__("person", person_id, action, status, message)
        self.args = (message,)


class ConsentRequired(ConsentError):
    """An action that needs a consent the person has not given, or has withdrawn."""

    def __init__(self, person_id: UUID, consent: str, withdrawn: bool) -> None:
        where = "was withdrawn" if withdrawn else "is not recorded"
        again = " again" if withdrawn else ""
        message = f"needs consent: {consent} {where} for this person; record it{again} first"
        super().__init__(person_id, "act without consent for", _status(withdrawn), message)
        self.consent = consent


class ConsentNotGiven(ConsentError):
    """Withdrawing a consent that is not in force."""

    def __init__(self, person_id: UUID, consent: str, withdrawn: bool) -> None:
        where = "was already withdrawn" if withdrawn else "is not recorded"
        message = f"cannot withdraw consent: {consent} {where} for this person"
        super().__init__(person_id, "withdraw consent for", _status(withdrawn), message)
        self.consent = consent


def _status(withdrawn: bool) -> str:
    return "withdrawn" if withdrawn else "not_given"
