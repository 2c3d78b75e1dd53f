"""Sign in (with a limit on failures), sign out, who am I, and user management."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from api.accounts import (
    LockedOut,
    LoginLimits,
    User,
    UsernameTaken,
    add_user,
    issue_token,
    list_users,
    read_token,
    revoke_token,
    sign_in,
)
from api.auditing import client_ip
from api.deps import CurrentUser, RuntimeDep, oauth2, require
from api.roles import Role
from api.schemas import Token, UserCreate, UserRead
from domain.errors import InvalidField
from workers.settings import Settings

router = APIRouter(tags=["auth"])


# Per client address: more than one person's worth of mistakes (an office may share one).
ADDRESS_FACTOR = 4


def login_limits(settings: Settings) -> LoginLimits:
    return LoginLimits(
        key=settings.derived_key("lac:sign-in-limits"),
        attempts=settings.login_attempts,
        per_address=settings.login_attempts * ADDRESS_FACTOR,
        window=timedelta(minutes=settings.login_lockout_minutes),
    )


@router.post(
    "/auth/token",
    response_model=Token,
    responses={429: {"description": "Too many failed sign-ins: wait for Retry-After seconds"}},
)
def sign_in_for_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], runtime: RuntimeDep, request: Request
) -> Token:
    """Exchange a username and password for a bearer token that expires. After too many
    failed attempts for a username (or from one address) sign-ins are refused for a while."""
    address = client_ip(request, runtime.settings.trust_forwarded_for)
    try:
        user = sign_in(
            runtime.engine, login_limits(runtime.settings), form.username, form.password, address
        )
    except LockedOut as locked:
        minutes = -(-locked.retry_after // 60)
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many failed sign-ins: try again in {minutes} minute(s)",
            headers={"Retry-After": str(locked.retry_after)},
        ) from None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    minutes = runtime.settings.token_minutes
    token = issue_token(user, runtime.settings.token_key(), minutes)
    return Token(access_token=token, expires_in=minutes * 60, role=user.role.value)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(
    _user: CurrentUser, runtime: RuntimeDep, token: Annotated[str | None, Depends(oauth2)]
) -> Response:
    """Revoke the token this call is made with; the user's other tokens keep working."""
    claims = read_token(token or "", runtime.settings.token_key())
    if claims is not None:  # always so: CurrentUser has checked the token
        revoke_token(runtime.engine, claims)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/me", response_model=UserRead)
def who_am_i(user: CurrentUser) -> UserRead:
    return UserRead(**_fields(user))


@router.post("/users", status_code=201, response_model=UserRead)
def create_user(
    body: UserCreate,
    runtime: RuntimeDep,
    _admin: Annotated[User, Depends(require("users.manage"))],
) -> UserRead:
    try:
        if body.district is not None and body.district not in runtime.settings.districts:
            raise InvalidField("district", f"unknown district {body.district!r}")
        user = add_user(
            runtime.engine,
            body.username,
            body.full_name,
            Role(body.role),
            body.password,
            body.district,
        )
    except UsernameTaken:
        raise HTTPException(status.HTTP_409_CONFLICT, "that username is taken") from None
    return UserRead(**_fields(user))


@router.get("/users", response_model=list[UserRead])
def users(
    runtime: RuntimeDep,
    user: CurrentUser,
    role: Annotated[Role | None, Query()] = None,
) -> list[UserRead]:
    """Admins list everyone; coordinators may list coordinators (to assign a referral)."""
    if role is Role.COORDINATOR and user.role is Role.COORDINATOR:
        pass
    else:
        require("users.manage")(user)
    return [UserRead(**_fields(u)) for u in list_users(runtime.engine, role)]


def _fields(user: User) -> dict[str, object]:
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role.value,
        "active": user.active,
        "district": user.district,
    }
