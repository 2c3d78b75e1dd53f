"""Fixtures for the browser tier: one real site (PostgreSQL, Redis, a Celery worker, uvicorn)
and one Chromium per test module. With CI=true a missing service or browser fails, never skips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.harness import Site, add_users, chromium, served, site_settings
from tests.integration.services import (
    REDIS_URL,
    CeleryProcess,
    check_redis,
    create_database,
    drop_database,
)
from workers.runtime import Runtime


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    check_redis(REDIS_URL)
    database_url = create_database()
    data_dir: Path = tmp_path_factory.mktemp("browser-site")
    settings = site_settings(database_url, REDIS_URL, data_dir)
    runtime = Runtime(settings)
    worker = CeleryProcess(settings, "worker", data_dir)
    try:
        users = add_users(runtime)
        runtime.start_nudger()  # setup written here (not through the server) nudges the worker too
        worker.start()
        with served(settings) as base_url, chromium() as browser:
            yield Site(base_url, runtime, users, browser)
    finally:
        worker.stop()
        runtime.close()
        drop_database(database_url)
