"""The browser's session: a bearer token kept in an HttpOnly cookie, a CSRF token bound to it,
what was typed when a session ran out (a sealed draft), and the one-line confirmation shown
after an action (a flash). None of the cookies holds personal data in clear."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import uuid
import zlib
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import Request
from fastapi.responses import Response

from api.accounts import ALGORITHM, Claims, User, signed_in
from workers.runtime import Runtime

SESSION_COOKIE = "lac_session"
SIGN_IN_COOKIE = "lac_sign_in"  # the CSRF secret of the sign-in form, before any session
DRAFT_COOKIE = "lac_draft"
FLASH_COOKIE = "lac_flash"
CSRF_FIELD = "csrf_token"
DRAFT_MINUTES = 30
DRAFT_LIMIT = 3800  # bytes in the cookie, under the browsers' 4096


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: who, with which token, and the CSRF token its forms carry."""

    user: User
    token: str
    claims: Claims
    csrf: str


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def read_session(request: Request) -> WebSession | None:
    """The session of a signed-in, active user whose token has not expired or been revoked."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    runtime = runtime_of(request)
    found = signed_in(runtime.engine, token, runtime.settings.token_key())
    if found is None:
        return None
    user, claims = found
    return WebSession(user, token, claims, csrf_for(runtime, claims.jti))


def csrf_for(runtime: Runtime, secret: str) -> str:
    key = runtime.settings.derived_key("lac:web-csrf")
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def csrf_matches(expected: str, given: object) -> bool:
    return isinstance(given, str) and hmac.compare_digest(expected, given)


def secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )


def start_session(request: Request, response: Response, token: str, seconds: int) -> None:
    set_cookie(request, response, SESSION_COOKIE, token, seconds)
    response.delete_cookie(SIGN_IN_COOKIE, path="/")


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def sign_in_secret(request: Request) -> str:
    """The sign-in form's CSRF secret: the cookie's, or a new one the page must set."""
    return request.cookies.get(SIGN_IN_COOKIE) or secrets.token_urlsafe(24)


def lapsed_user_id(request: Request) -> uuid.UUID | None:
    """Whose session this was, from a token that has expired but is genuinely ours."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    key = runtime_of(request).settings.token_key()
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"verify_exp": False})
        return uuid.UUID(str(claims["sub"]))
    except (jwt.PyJWTError, KeyError, ValueError):
        return None


# --- drafts: what was typed when the session ran out ---------------------------------------------


def _draft_cipher(request: Request) -> AESGCM:
    return AESGCM(runtime_of(request).settings.derived_key("lac:web-drafts"))


@dataclass(frozen=True)
class Draft:
    """What was typed: each field's value, and every value of the fields sent more than once
    (the boxes ticked)."""

    fields: dict[str, str]
    lists: dict[str, list[str]]


def seal_draft(request: Request, user_id: uuid.UUID, page_path: str, draft: Draft) -> str | None:
    """The form's fields for the page and user, compressed and sealed (AES-GCM); None when
    too large for a cookie."""
    content = {"u": str(user_id), "p": page_path, "f": draft.fields, "l": draft.lists}
    plain = json.dumps(content).encode()
    nonce = os.urandom(12)
    sealed = nonce + _draft_cipher(request).encrypt(nonce, zlib.compress(plain), b"draft")
    value = base64.urlsafe_b64encode(sealed).decode()
    return value if len(value) <= DRAFT_LIMIT else None


def open_draft(request: Request, user: User) -> Draft | None:
    """The fields kept for this page and this user, if any."""
    value = request.cookies.get(DRAFT_COOKIE)
    if not value:
        return None
    try:
        sealed = base64.urlsafe_b64decode(value.encode())
        plain = _draft_cipher(request).decrypt(sealed[:12], sealed[12:], b"draft")
        draft = json.loads(zlib.decompress(plain))
    except (ValueError, zlib.error, TypeError):
        return None
    if draft.get("u") != str(user.id) or draft.get("p") != request.url.path:
        return None
    fields, lists = draft.get("f"), draft.get("l")
    if not isinstance(fields, dict) or not isinstance(lists, dict):
        return None
    return Draft(
        {str(k): str(v) for k, v in fields.items()},
        {str(k): [str(v) for v in vs] for k, vs in lists.items() if isinstance(vs, list)},
    )


def keep_draft(request: Request, response: Response, value: str) -> None:
    set_cookie(request, response, DRAFT_COOKIE, value, DRAFT_MINUTES * 60)


def drop_draft(response: Response) -> None:
    response.delete_cookie(DRAFT_COOKIE, path="/")


# --- flash: the confirmation shown once after an action ----------------------------------------


def set_flash(request: Request, response: Response, message: str) -> None:
    """A confirmation for the next page. Messages say what happened, never whom it was about."""
    value = base64.urlsafe_b64encode(message.encode()[:1000]).decode()
    set_cookie(request, response, FLASH_COOKIE, value, 120)


def take_flash(request: Request) -> str | None:
    value = request.cookies.get(FLASH_COOKIE)
    if not value:
        return None
    try:
        return base64.urlsafe_b64decode(value.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return None
