"""The role matrix for consent and sharing with the GP: every route x every role, checked
against what roles.py grants. Within the roles granted `consent.record`, each records only its
own consents (coordinators: LAC support and sharing with health; device officers: the device
scheme's terms; social workers: any, for people they referred): a consent outside the role
answers 403. `CONSENT_ROUTES` is for the check that the matrix tables together cover every
route the app serves (test_role_matrix.py)."""

from __future__ import annotations

import pytest

from api.roles import PERMISSIONS, Role
from api.routes.consent import SCOPES_FOR
from domain.consent import ConsentScope
from tests.api.conftest import ROLES, Api
from tests.api.test_auth_and_roles import SETUP, Ids, Route, Setup, check_grants, check_route

P = "/people/{person_id}"
RECORD, READ = "consent.record", "consent.read"
LAC = {"scope": "lac_support", "how": "verbal"}
TERMS = {"scope": "device_terms", "how": "signed_agreement"}
SHARE = {"practice": "Forest Town Medical Centre", "summary": "Anne has a local visitor"}


def _referred(api: Api) -> Ids:
    """Someone the social worker referred to the device scheme: within every role's reach
    (the setup coordinator works county-wide)."""
    made = api.refer("social_worker", programme="devices")
    person_id = str(made["person_id"])
    api.person(person_id, made["position"], SETUP)  # the referral is in the read model
    return {"person_id": person_id}


def _given(*scopes: str) -> Setup:
    def setup(api: Api) -> Ids:
        ids = _referred(api)
        for scope in scopes:
            body = {"scope": scope, "how": "written"}
            sent = api.post("social_worker", f"{P}/consents".format(**ids), body)
            assert sent.status_code == 201, sent.text
        return {**ids, "scope": scopes[0]}

    return setup


_lac_given = _given("lac_support")
_terms_given = _given("device_terms")
_health_given = _given("health_sharing")
CONSENT_ROUTES: list[Route] = [
    Route(
        "record consent (LAC support)",
        f"POST {P}/consents",
        "CSD",
        RECORD,
        _referred,
        LAC,
        ok=201,
        ok_by_role={"device_officer": 403},
    ),
    Route(
        "record consent (device terms)",
        f"POST {P}/consents",
        "CSD",
        RECORD,
        _referred,
        TERMS,
        ok=201,
        ok_by_role={"coordinator": 403},
    ),
    Route(
        "withdraw consent (LAC support)",
        f"POST {P}/consents/{{scope}}/withdraw",
        "CSD",
        RECORD,
        _lac_given,
        {},
        ok_by_role={"device_officer": 403},
    ),
    Route(
        "withdraw consent (device terms)",
        f"POST {P}/consents/{{scope}}/withdraw",
        "CSD",
        RECORD,
        _terms_given,
        {},
        ok_by_role={"coordinator": 403},
    ),
    Route("read consents", f"GET {P}/consents", "CSD", READ, _referred),
    Route(
        "share with the GP",
        f"POST {P}/share-with-gp",
        "C",
        "health.share",
        _health_given,
        SHARE,
        ok=201,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", CONSENT_ROUTES, ids=lambda r: r.name)
def test_consent_role_matrix(api: Api, route: Route, role: str) -> None:
    check_route(api, route, role)


@pytest.mark.parametrize("route", CONSENT_ROUTES, ids=lambda r: r.name)
def test_the_consent_matrix_is_what_roles_py_grants(route: Route) -> None:
    check_grants(route)


def test_each_role_handles_its_own_consents() -> None:
    c, s, d = Role.COORDINATOR, Role.SOCIAL_WORKER, Role.DEVICE_OFFICER
    assert set(SCOPES_FOR) == {c, s, d} == set(PERMISSIONS[RECORD]) == set(PERMISSIONS[READ])
    assert set(SCOPES_FOR[c]) == {ConsentScope.LAC_SUPPORT, ConsentScope.HEALTH_SHARING}
    assert set(SCOPES_FOR[d]) == {ConsentScope.DEVICE_TERMS}
    assert set(SCOPES_FOR[s]) == set(ConsentScope)
    assert PERMISSIONS["health.share"] == {c}
