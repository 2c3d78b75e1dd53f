"""Fault tests: the integration fixtures (real PostgreSQL, Redis, Celery worker processes), and
the same rule: with CI=true a missing service fails, never skips."""

from __future__ import annotations

import pytest

from tests.integration.conftest import (  # noqa: F401  (fixtures shared with the integration tests)
    beat,
    client,
    database_url,
    make_settings,
    redis_url,
    runtime,
    settings,
    users,
    worker,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
