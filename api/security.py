"""Security middleware: response headers, and a limit on the size of request bodies.

Pure ASGI (not BaseHTTPMiddleware), so that streamed responses stay streamed: it only adds
headers to the response's start message and counts the request body as the app reads it.
"""

from __future__ import annotations

import json

from fastapi import FastAPI, HTTPException, status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workers.settings import Settings

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# Swagger UI starts from a small inline script and ReDoc searches in a worker made from a
# blob: only the documentation pages (served from files inside the package) get these.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; "
    "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
DOCS_PAGES = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
STATIC_PREFIXES = ("/static-offline-docs/", "/app/static/")  # no personal data there
HSTS = "max-age=31536000; includeSubDomains"
ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
DEFAULT_LIMIT: int = Settings.model_fields["max_request_bytes"].default


class BodyTooLarge(HTTPException):
    """Raised from the counted body stream; FastAPI passes HTTPExceptions on untouched."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"the request body is larger than the limit of {limit} bytes",
        )


def install(app: FastAPI) -> None:
    """Add the security middleware to the app."""
    app.add_middleware(SecurityMiddleware)


class SecurityMiddleware:
    """Adds the security headers to every answer and refuses oversized request bodies."""

    def __init__(self, app: ASGIApp, settings: Settings | None = None) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send, response_headers(scope))
        limit = self._limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, BodyTooLarge(limit))
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _counted(receive, limit), tracking_send)
        except BodyTooLarge as error:
            if started:
                raise
            await _refuse(send, error)

    def _limit(self, scope: Scope) -> int:
        """The configured limit: the settings given, else the running app's, else the default."""
        if self.settings is not None:
            return self.settings.max_request_bytes
        runtime = getattr(getattr(scope.get("app"), "state", None), "runtime", None)
        settings = getattr(runtime, "settings", None)
        return settings.max_request_bytes if isinstance(settings, Settings) else DEFAULT_LIMIT


def response_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The headers every answer to this request carries."""
    path: str = scope.get("path", "")
    headers = list(ALWAYS)
    headers.append((b"content-security-policy", (DOCS_CSP if path in DOCS_PAGES else CSP).encode()))
    if not path.startswith(STATIC_PREFIXES):
        # Answers hold personal data: no browser or proxy may keep a copy.
        headers.append((b"cache-control", b"no-store"))
    if _over_https(scope):
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


def _over_https(scope: Scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    forwarded = _header(scope, b"x-forwarded-proto")
    return forwarded is not None and forwarded.split(b",")[0].strip().lower() == b"https"


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    if value is None or not value.strip().isdigit():
        return None  # absent or malformed: the server rejects malformed; counting still applies
    return int(value)


def _with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {bytes(key).lower() for key, _ in headers}
            headers += [(key, value) for key, value in extra if key not in present]
            message = {**message, "headers": headers}
        await send(message)

    return sending


def _counted(receive: Receive, limit: int) -> Receive:
    """The request body as the app reads it, refused once it passes the limit."""
    received = 0

    async def receiving() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return receiving


async def _refuse(send: Send, error: HTTPException) -> None:
    body = json.dumps({"detail": error.detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status_code,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
