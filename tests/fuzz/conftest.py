"""The fuzz world, once per backend: every fuzz test runs on embedded SQLite and again on a
fresh PostgreSQL database (which must be reachable under CI=true; elsewhere it may skip)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fuzz.world import BACKENDS, Backend, World, backend_settings, running_world


@pytest.fixture(scope="module", params=BACKENDS, ids=[b.name for b in BACKENDS])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    backend: Backend = request.param
    data_dir = tmp_path_factory.mktemp(f"fuzz-{backend.name}")
    with backend_settings(backend, data_dir) as settings, running_world(backend, settings) as w:
        yield w
