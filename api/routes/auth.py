"""Sign in, who am I, and user management."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.security import OAuth2PasswordRequestForm

from api.accounts import (
    User,
    UsernameTaken,
    add_user,
    authenticate,
    issue_token,
    list_users,
)
from api.deps import CurrentUser, RuntimeDep, require
from api.roles import Role
from api.schemas import Token, UserCreate, UserRead
from domain.errors import InvalidField

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=Token)
def sign_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], runtime: RuntimeDep) -> Token:
    """Exchange a username and password for a bearer token that expires."""
    user = authenticate(runtime.engine, form.username, form.password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    minutes = runtime.settings.token_minutes
    token = issue_token(user, runtime.settings.token_key(), minutes)
    return Token(access_token=token, expires_in=minutes * 60, role=user.role.value)


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
