"""Who may do what. The full matrix (with team and caseload scope) grows with each feature."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COORDINATOR = "coordinator"
    SOCIAL_WORKER = "social_worker"
    DEVICE_OFFICER = "device_officer"
    EVALUATOR = "evaluator"
    ADMIN = "admin"


C, S, D, E, A = (
    Role.COORDINATOR,
    Role.SOCIAL_WORKER,
    Role.DEVICE_OFFICER,
    Role.EVALUATOR,
    Role.ADMIN,
)

# action -> roles granted it. Routes name an action; nothing is granted by default.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "person.register": frozenset({C, S}),
    "person.read": frozenset({C, S}),
    "person.correct": frozenset({C}),
    "person.timeline": frozenset({C}),
    "referral.make.lac": frozenset({C, S}),
    "referral.make.devices": frozenset({S}),
    "referral.decide.lac": frozenset({C}),
    "referral.decide.devices": frozenset({D}),
    "referral.read": frozenset({C, S, D}),
    "inbox.lac": frozenset({C}),
    "inbox.devices": frozenset({D}),
    "casework.read": frozenset({C}),
    "casework.change": frozenset({C}),
    "caseload.read": frozenset({C}),
    "assets.read": frozenset({C, S, E, A}),
    "assets.manage": frozenset({C, A}),
    "community_work.record": frozenset({C}),
    "community_work.read": frozenset({C, E}),
    "devices.refer": frozenset({S}),
    "devices.scheme.manage": frozenset({D, A}),
    "devices.stock": frozenset({D}),
    "devices.loans": frozenset({D}),
    "devices.read": frozenset({D}),
    "devices.people": frozenset({D}),
    "devices.dashboard": frozenset({D, E, A}),
    "reports.read": frozenset({E}),
    "reports.internal": frozenset({E}),
    "reports.extract": frozenset({E}),
    "reports.unit_costs.read": frozenset({E, A}),
    "reports.unit_costs.manage": frozenset({A}),
    "users.manage": frozenset({A}),
    "audit.read": frozenset({A}),
    "break_glass.review": frozenset({A}),
    "people.erase": frozenset({A}),
    "people.subject_access": frozenset({A}),
    "retention.run": frozenset({A}),
    "consent.record": frozenset({C, S, D}),  # each role its own consents: routes/consent.py
    "consent.read": frozenset({C, S, D}),
    "health.share": frozenset({C}),
    "users.list_coordinators": frozenset({C, A}),
    "system.ready": frozenset({C, S, D, E, A}),
    "system.projections": frozenset({A}),  # events the read models skipped
    # Pages that serve more than one role; what each role sees there is the API's to decide.
    "page.referral_inbox": frozenset({C, D}),
}


def allowed(role: Role, action: str) -> bool:
    return role in PERMISSIONS.get(action, frozenset())
