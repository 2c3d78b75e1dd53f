"""Dependencies shared by the routes: the runtime, the signed-in user, permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import OAuth2PasswordBearer

from api.accounts import User, signed_in
from api.roles import allowed
from workers.runtime import Runtime

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def current_user(runtime: RuntimeDep, token: Annotated[str | None, Depends(oauth2)]) -> User:
    unauthorised = HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "sign in first: the token is missing, invalid or expired",
        headers={"WWW-Authenticate": "Bearer"},
    )
    found = signed_in(runtime.engine, token, runtime.settings.token_key()) if token else None
    if found is None:
        raise unauthorised
    return found[0]


CurrentUser = Annotated[User, Depends(current_user)]


def require(action: str) -> Callable[[User], User]:
    """A dependency that lets through only the roles granted the action."""

    def check(user: CurrentUser) -> User:
        ensure(user, action)
        return user

    return check


def ensure(user: User, action: str) -> None:
    if not allowed(user.role, action):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"your role ({user.role.value}) may not do this ({action})"
        )


def wait_for_position(
    runtime: RuntimeDep,
    min_position: Annotated[
        int | None,
        Query(ge=0, description="Wait until the read models include this event-log position"),
    ] = None,
) -> None:
    """Read your own writes: hold the query until the read models have caught up."""
    if min_position is None:
        return
    if not runtime.wait_for(min_position, runtime.settings.wait_timeout_seconds):
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"the read models have not reached position {min_position} yet; try again shortly",
            headers={"Retry-After": "1"},
        )


Caught_up = Depends(wait_for_position)
