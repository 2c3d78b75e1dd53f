"""`lac report` and `lac extract` on an embedded data directory: the files they write, what
they print, and a one-line refusal (exit 2) for a bad request."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from api.cli import main
from api.cli_report import CLI_ACTOR
from domain.codes import OutcomeDomain
from domain.reporting import EvaluationExtract
from tests.api.casework_world import Casework
from tests.api.conftest import SECRET
from tests.api.test_report_role_matrix import YEAR, financial_quarter
from workers.runtime import Runtime
from workers.settings import Settings

QUARTER = str(financial_quarter()[1])


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An embedded data directory with two people supported, as the `lac` command sees it."""
    data = tmp_path / "var"
    for name in ("LAC_DATABASE_URL", "LAC_REDIS_URL", "LAC_REPORT_DEFINITIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LAC_DATA_DIR", str(data))
    monkeypatch.setenv("LAC_SECRET_KEY", SECRET)
    runtime = Runtime(Settings())
    try:
        work = Casework(runtime.app)
        for name in ("Zebedee Quartermain", "Philomena Ashcroft"):
            person_id = work.opened(uuid4(), days_ago=1, name=name)
            work.contact(person_id, 0.5)
            work.outcome(person_id, OutcomeDomain.CRISIS_AVOIDED)
    finally:
        runtime.close()
    umask = os.umask(0o022)  # main() narrows it for the files it makes; put it back after
    os.umask(umask)
    yield data
    os.umask(umask)


def run(*argv: str) -> int:
    return main(list(argv))


def test_report_pdf_is_written_and_its_position_and_digest_printed(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.pdf"
    code = run(
        "report", "--year", str(YEAR), "--quarter", QUARTER, "--format", "pdf", "--out", str(out)
    )
    assert code == 0
    assert out.read_bytes().startswith(b"%PDF")
    printed = capsys.readouterr().out
    assert "log position" in printed
    assert "inputs digest" in printed
    assert "Zebedee" not in printed


def test_report_csv_is_a_zip_of_tables_and_the_same_again_at_its_position(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, again = tmp_path / "first.zip", tmp_path / "again.zip"
    args = ("report", "--year", str(YEAR), "--quarter", QUARTER, "--format", "csv")
    assert run(*args, "--out", str(first)) == 0
    position = capsys.readouterr().out.split("log position ")[1].split(";")[0]
    with zipfile.ZipFile(first) as archive:
        names = [name for name in archive.namelist() if name.endswith(".csv")]
        assert "performance.csv" in names
        text = archive.read("performance.csv").decode("utf-8-sig")
        assert next(csv.reader(io.StringIO(text)))[0]
    assert run(*args, "--position", position, "--out", str(again)) == 0
    assert again.read_bytes() == first.read_bytes()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (("--quarter", "5"), "--quarter"),
        (("--quarter", "2", "--year", "1999"), "--year"),
        (("--quarter", "2", "--as-at", "yesterday"), "--as-at"),
        (("--quarter", "2", "--position", "99999999"), "--position"),
    ],
)
def test_a_bad_report_request_exits_2_with_one_line(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    field: str,
) -> None:
    out = tmp_path / "report.pdf"
    args = ["report", "--year", str(YEAR), "--format", "pdf", "--out", str(out), *extra]
    assert run(*args) == 2
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("bad request:")
    assert field in printed
    assert len(printed.splitlines()) == 1
    assert not out.exists()


def test_extract_writes_the_csv_and_records_the_request_as_the_cli(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "extract.csv"
    purpose = "Independent evaluation by the university"
    assert run("extract", "--purpose", purpose, "--out", str(out)) == 0
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8"))))
    assert len(rows) == 3  # the header and two person-involvements
    assert "Zebedee" not in out.read_text("utf-8")
    assert "inputs digest" in capsys.readouterr().out
    runtime = Runtime(Settings())
    try:
        last = runtime.app.recorder.select_notifications(runtime.app.log_position(), 1)[0]
        event = runtime.app.mapper.to_domain_event(last)
        assert isinstance(event, EvaluationExtract.Requested)
        assert event.actor_id == CLI_ACTOR
        assert event.purpose == purpose
        assert event.rows == 2
    finally:
        runtime.close()
    assert run("extract", "--purpose", "short", "--out", str(out)) == 2
