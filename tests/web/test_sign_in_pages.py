"""Signing in and out in the browser: errors beside the fields, the lockout, CSRF, and a form
sent after the session ran out keeping what was typed."""

from __future__ import annotations

import secrets

from api.accounts import issue_token
from api.web.forms import Form
from tests.api.conftest import TOKEN_KEY
from tests.web.conftest import Browsers, csrf_of


def test_sign_in_shows_errors_beside_the_fields_and_keeps_the_username(
    browsers: Browsers,
) -> None:
    anon = browsers.anonymous()
    page = anon.submit(
        "/app/sign-in", {"username": "coordinator", "password": ""}, page="/app/sign-in"
    )
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert 'id="password-error"' in page.text and "Enter your password" in page.text
    assert 'value="coordinator"' in page.text
    wrong = anon.submit(
        "/app/sign-in", {"username": "coordinator", "password": "nope"}, page="/app/sign-in"
    )
    assert "Wrong username or password." in wrong.text
    assert "lac_session" not in anon.client.cookies


def test_sign_in_without_the_forms_token_is_refused(browsers: Browsers) -> None:
    anon = browsers.anonymous()
    response = anon.client.post(
        "/app/sign-in", data={"username": "coordinator", "password": "a long enough password"}
    )
    assert "The sign-in form had expired" in response.text
    assert "lac_session" not in response.cookies


def test_signed_in_then_out_and_the_token_is_revoked(browsers: Browsers) -> None:
    admin = browsers.signed_in("admin")
    token = admin.client.cookies.get("lac_session")
    assert (
        browsers.api.client.get(
            "/auth/me", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 200
    )
    page = admin.get("/app/sign-in")
    out = admin.submit("/app/sign-out", {}, page="/app/sign-in")
    assert "You have signed out." in out.text
    assert (
        browsers.api.client.get(
            "/auth/me", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 401
    )
    del page


def test_a_kept_form_never_holds_a_password_or_the_tokens() -> None:
    form = Form(
        {"username": "x", "password": "secret", "csrf_token": "t", "idempotency_key": "k"}, {}
    )
    assert form.kept() == {"username": "x"}


def test_a_form_too_long_to_keep_says_so_and_records_nothing(browsers: Browsers) -> None:
    admin = browsers.signed_in("admin")
    csrf = csrf_of(admin.get("/app/admin/users").text)
    expired = issue_token(browsers.api.users["admin"], TOKEN_KEY, -1)
    admin.client.cookies.delete("lac_session")
    admin.client.cookies.set("lac_session", expired)
    before = browsers.api.log_position()
    sent = admin.client.post(
        "/app/admin/users",
        data={"csrf_token": csrf, "username": "new.user", "full_name": secrets.token_hex(4000)},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/app/sign-in?next=")
    assert "lac_draft" not in sent.cookies
    landed = admin.client.get(sent.headers["location"])
    assert "could not be kept (it was too long). Nothing was recorded" in landed.text
    assert browsers.api.log_position() == before
    assert (
        "new.user"
        not in browsers.api.client.get("/users", headers=browsers.api.headers("admin")).text
    )
