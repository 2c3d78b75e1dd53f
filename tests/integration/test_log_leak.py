"""No personal data in logs (issue 6, item 8): a whole journey through a real HTTP server
(uvicorn, configured as `lac serve` runs it) on PostgreSQL with a real Celery worker, every
logger of both processes at DEBUG, and then none of the person's details in what they wrote.

Captured: every log record of this process (root and every named logger, including
sqlalchemy, celery, kombu, uvicorn and httpx, each set to DEBUG), whatever reached the file
descriptors 1 and 2, and the worker's whole log (`celery worker --loglevel=DEBUG`). Left out:
the test's own HTTP client's lines (httpx logs each URL it requests, in the test's thread).
"""

from __future__ import annotations

import json
import logging
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.accounts import User
from api.main import create_app
from api.roles import Role
from tests.integration import services
from tests.integration.helpers import nhs_number
from tests.integration.journey_steps import Actor, Journey, ago, contact, day, outcome
from tests.integration.services import CeleryProcess, free_port, wait_until
from workers.runtime import Runtime
from workers.settings import Settings

NAME = "Zebedee Quillfeather"
NHS = nhs_number()
SECRETS = {
    "name": NAME,
    "surname": "Quillfeather",
    "nhs number": NHS,
    "spaced nhs number": f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}",
    "postcode": "NG4 7QZ",
    "phone": "07700 900461",
    "email": "zebedee.quillfeather@example.org",
    "address": "17 Marrowbone Lane",
    "new phone": "07700 900987",
    "reason": "Grieving his brother Ptolemy",
    "note": "Xylophone lessons with Mrs Pettigrew on Thursdays",
    "evidence": "Signed the Wickerbasket allotment tenancy",
}
ZEBEDEE = {
    "name": NAME,
    "date_of_birth": "1948-02-29",
    "postcode": SECRETS["postcode"],
    "district": "Gedling",
    "nhs_number": SECRETS["spaced nhs number"],
    "address": SECRETS["address"],
    "phone": SECRETS["phone"],
    "email": SECRETS["email"],
}


@pytest.fixture
def debug_worker(settings: Settings, tmp_path: Path) -> Iterator[CeleryProcess]:
    """The real worker, with every logger at DEBUG."""
    real = subprocess.Popen

    def debug(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        levels = ["--loglevel=DEBUG" if a.startswith("--loglevel=") else a for a in args]
        return real(levels, **kwargs)

    process = CeleryProcess(settings, "worker", tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services.subprocess, "Popen", debug)
        process.start()
    yield process
    process.stop()


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG for every logger, also those that do not pass records to the root."""
    caplog.set_level(logging.DEBUG)
    quiet: list[logging.Logger] = []
    for name in list(logging.root.manager.loggerDict):
        logger = logging.getLogger(name)
        caplog.set_level(logging.DEBUG, logger=name)
        if not logger.propagate:
            logger.addHandler(caplog.handler)
            quiet.append(logger)
    yield caplog
    for logger in quiet:
        logger.removeHandler(caplog.handler)


@contextmanager
def serving(app: FastAPI) -> Iterator[httpx.Client]:
    """The app behind a real uvicorn in a thread, with the settings of `lac serve` (api/cli.py:
    no access log) except that its loggers pass everything on to be captured."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, log_level="debug", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    wait_until(lambda: server.started, 30, "the API server to start")
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(20)


def api_side(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """Every record but the test client's own (httpx logs the URLs it asks for)."""
    main = threading.main_thread().ident
    return [
        r for r in records if not (r.name.startswith(("httpx", "httpcore")) and r.thread == main)
    ]


def test_a_whole_journey_leaves_no_personal_data_in_any_log(
    settings: Settings,
    runtime: Runtime,
    users: dict[Role, User],
    debug_worker: CeleryProcess,
    every_log: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    with serving(create_app(settings)) as http:
        jo = journey(Journey(cast(TestClient, http), runtime), users)
        bad_requests(http, runtime, jo)
    records = api_side(every_log.records)
    worker_log = debug_worker.log()
    captured = capfd.readouterr()
    # The capture did catch something of each kind (a silent capture proves nothing).
    names = {r.name for r in records}
    assert {"sqlalchemy.engine.Engine", "uvicorn.error"} <= names, sorted(names)
    assert "lac.catch_up" in worker_log and "DEBUG" in worker_log, worker_log[-2000:]
    lines = [
        *((r.name, every_log.handler.format(r)) for r in records),
        *(("API stdout/stderr", line) for line in (captured.out + captured.err).splitlines()),
        *(("worker", line) for line in worker_log.splitlines()),
    ]
    leaks = [(f"{where}: {held}", line) for where, line in lines if (held := details_in(line))]
    where = sorted({w for w, _ in leaks})
    assert not leaks, "\n".join([*where, *(line[:600] for _, line in leaks[:10])])


def details_in(line: str) -> list[str]:
    return [what for what, value in SECRETS.items() if value.lower() in line.lower()]


def journey(j: Journey, users: dict[Role, User]) -> Actor:
    """Referred, accepted, searched for, supported, an outcome, details corrected."""
    sw = j.sign_in(f"it.{Role.SOCIAL_WORKER.value}", users[Role.SOCIAL_WORKER].id, "IT SW")
    jo = j.coordinator("jo.lac", "Jo Bennett", "Gedling")
    referral = {
        "person": ZEBEDEE,
        "programme": "lac",
        "source": "social_worker",
        "reasons": [SECRETS["reason"]],
        "consent_to_share": True,
    }
    made = j.post(sw, "/referrals", referral, status=201)
    zebedee, referral_id = made["person_id"], made["id"]
    assert [r["person_name"] for r in j.read(jo, "/referrals/inbox")["items"]] == [NAME]
    j.post(jo, f"/referrals/{referral_id}/accept", {})
    assert j.read(jo, "/people", q=NAME)["total"] == 1
    assert j.read(jo, "/people", nhs_number=SECRETS["spaced nhs number"])["total"] == 1
    talk = contact(ago(1), 45, "in_person", ["listening"], SECRETS["note"])
    j.post(jo, f"/people/{zebedee}/contacts", talk, status=201)
    found = outcome("home_kept_or_found", "tenancy_secured", day(0), SECRETS["evidence"])
    j.post(jo, f"/people/{zebedee}/outcomes", found, status=201)
    corrected = {**ZEBEDEE, "phone": SECRETS["new phone"]}
    j.put(jo, f"/people/{zebedee}", corrected)
    assert j.read(jo, f"/people/{zebedee}")["phone"] == SECRETS["new phone"]
    assert j.read(jo, f"/people/{zebedee}/timeline")
    assert j.read(jo, f"/people/{zebedee}/casework")
    assert j.read(sw, "/referrals/mine")["items"]
    return jo


def bad_requests(http: httpx.Client, runtime: Runtime, jo: Actor) -> None:
    """Refusals that carry the details: 422s, a 404 with the name in the query string, a
    wrong password typed as the username, and a body too large."""
    j = Journey(cast(TestClient, http), runtime)
    wrong_check_digit = SECRETS["nhs number"][:-1] + str((int(NHS[-1]) + 1) % 10)
    before = runtime.app.log_position()
    for method, url, body in (
        ("POST", "/people", {**ZEBEDEE, "nhs_number": wrong_check_digit}),
        ("POST", "/people", {**ZEBEDEE, "date_of_birth": "yesterday"}),
        ("POST", "/people", {**ZEBEDEE, "name": NAME + "\u0000"}),
        ("POST", "/referrals", {"person": ZEBEDEE, "programme": "lac", "reasons": [NAME]}),
        ("PUT", f"/people/{uuid.uuid4()}", {**ZEBEDEE, "email": 12}),
    ):
        answer = j.send(jo, method, url, body)
        assert answer.status_code == 422, answer.text
    broken = http.post(
        "/people",
        content=json.dumps(ZEBEDEE)[:-5],
        headers={**jo.headers, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    for url in (f"/people/{uuid.uuid4()}", "/no-such-page"):
        answer = http.get(url, params={"q": NAME, "email": SECRETS["email"]}, headers=jo.headers)
        assert answer.status_code == 404, answer.text
    wrong = http.post("/auth/token", data={"username": NAME, "password": SECRETS["phone"]})
    assert wrong.status_code == 401
    big = {**ZEBEDEE, "address": SECRETS["address"] * 100_000}
    assert j.send(jo, "POST", "/people", big).status_code == 413
    assert runtime.app.log_position() == before
