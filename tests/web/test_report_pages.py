"""The evaluator's committee reports page: the report's tables and charts for a chosen quarter,
no one's name anywhere on it, downloads with the API's type and file name, errors beside the
form's fields, and a plain "try again" page while the report facts catch up."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from api.web import pages_reports
from projections.reports.request import ReportNotReady
from tests.api.conftest import Api
from tests.api.test_report_role_matrix import QUARTER, YEAR
from tests.api.test_reports_api import PEOPLE, populate
from tests.web.conftest import Browsers

PAGE = "/app/reports"
CHOSEN = {"year": str(YEAR), "quarter": str(QUARTER)}
MEDIA = {
    "pdf": ("application/pdf", b"%PDF", ".pdf"),
    "csv": ("application/zip", b"PK", ".zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK", ".xlsx"),
}
DOWNLOAD = re.compile(r'href="(/app/reports/download\?[^"]+)"')


@pytest.fixture
def seeded(api: Api) -> Api:
    populate(api)
    return api


def test_the_report_shows_the_performance_table_and_charts_without_names(
    seeded: Api, browsers: Browsers
) -> None:
    page = browsers.signed_in("evaluator").get(PAGE, **CHOSEN)
    assert page.status_code == 200, page.text[:500]
    html = page.text
    assert html.count("<h1") == 1
    assert 'id="table-performance"' in html and "People introduced to Local Area" in html
    assert '<svg role="img"' in html and 'id="figure-chart-by-district"' in html
    assert 'class="lac-table-wrap" role="region" tabindex="0"' in html
    assert "For publication" in html
    assert f"Event log position {seeded.log_position()}" in html
    for name, postcode, _ in PEOPLE:
        assert name not in html and name.split()[1] not in html
        assert postcode not in html


def test_the_page_opens_at_the_current_quarter_with_the_form_filled(
    seeded: Api, browsers: Browsers
) -> None:
    html = browsers.signed_in("evaluator").get(PAGE).text
    assert f'<option value="{YEAR}" selected>' in html
    assert f'<option value="{QUARTER}" selected>' in html
    assert 'id="table-performance"' in html
    assert 'value="internal"' in html  # evaluators may choose the unsuppressed view


def test_the_internal_view_is_marked_not_for_publication(seeded: Api, browsers: Browsers) -> None:
    html = browsers.signed_in("evaluator").get(PAGE, view="internal", **CHOSEN).text
    assert "INTERNAL - NOT FOR PUBLICATION" in html
    assert "view=internal" in html  # the downloads are of the same view


def test_a_report_as_at_a_date_before_the_records_counts_nothing(
    seeded: Api, browsers: Browsers
) -> None:
    earlier = (datetime.now(UTC) - timedelta(days=400)).date().isoformat()
    html = browsers.signed_in("evaluator").get(PAGE, as_at=earlier, **CHOSEN).text
    assert "0 recorded events counted" in html
    assert f"as_at={earlier}" in html
    assert f'value="{earlier}"' in html


def test_each_download_has_the_apis_type_file_name_and_bytes(
    seeded: Api, browsers: Browsers
) -> None:
    evaluator = browsers.signed_in("evaluator")
    links = DOWNLOAD.findall(evaluator.get(PAGE, **CHOSEN).text)
    assert len(links) == 3
    position = str(seeded.log_position())
    seeded.refer()  # later records do not change the files of the report shown
    stem = f"lac-report-{YEAR}-{(YEAR + 1) % 100:02d}-q{QUARTER}"
    for link in links:
        fmt = link.rsplit("format=", 1)[1]
        media_type, magic, extension = MEDIA[fmt]
        response = evaluator.client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, fmt
        assert response.headers["content-type"] == media_type
        assert response.headers["content-disposition"] == (
            f'attachment; filename="{stem}{extension}"'
        )
        assert response.headers["x-log-position"] == position
        assert response.content.startswith(magic) and len(response.content) > 500


def test_a_bad_choice_shows_the_error_beside_the_field(browsers: Browsers) -> None:
    evaluator = browsers.signed_in("evaluator")
    page = evaluator.get(PAGE, year="1999", quarter="2")
    assert page.status_code == 422
    assert 'id="year-error"' in page.text and "Must be a financial year from 2000" in page.text
    assert 'id="table-performance"' not in page.text
    bad_date = evaluator.get(PAGE, as_at="31/02/2026", **CHOSEN)
    assert 'id="as_at-error"' in bad_date.text and "Enter a real date" in bad_date.text
    assert 'value="31/02/2026"' in bad_date.text


def test_a_download_without_a_format_goes_back_to_the_page(browsers: Browsers) -> None:
    evaluator = browsers.signed_in("evaluator")
    response = evaluator.client.get("/app/reports/download", params=CHOSEN, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/app/reports?year=")


def test_while_the_facts_catch_up_the_page_says_try_again(
    api: Api, browsers: Browsers, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluator = browsers.signed_in("evaluator")

    def behind(*_: object) -> int:
        raise ReportNotReady(10, 3)

    monkeypatch.setattr("api.routes.reports.ready_report_position", behind)
    page = evaluator.get(PAGE, **CHOSEN)
    assert page.status_code == 503
    assert page.headers["retry-after"] == "1"
    assert "still being brought up to date" in page.text
    assert f'href="/app/reports?year={YEAR}&amp;quarter={QUARTER}' in page.text
    download = evaluator.get("/app/reports/download", format="pdf", **CHOSEN)
    assert download.status_code == 503 and "Try again" in download.text


@pytest.mark.parametrize("username", ["coordinator", "admin", "device_officer"])
def test_other_roles_cannot_open_the_reports(browsers: Browsers, username: str) -> None:
    browser = browsers.signed_in(username)
    assert browser.get(PAGE).status_code == 403
    assert browser.get("/app/reports/download", format="pdf", **CHOSEN).status_code == 403


def test_signed_out_the_page_asks_to_sign_in(browsers: Browsers) -> None:
    response = browsers.anonymous().client.get(PAGE, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/app/sign-in?next=/app/reports"


def test_the_financial_quarter_of_a_day() -> None:
    assert pages_reports.financial_quarter(datetime(2026, 4, 1).date()) == (2026, 1)
    assert pages_reports.financial_quarter(datetime(2027, 3, 31).date()) == (2026, 4)
    assert pages_reports.as_at_moment("2026-07-01") == "2026-07-01T23:59:59+01:00"
