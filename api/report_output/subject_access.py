"""A subject access report as readable HTML and as a PDF printed from it by WeasyPrint.

The same report gives the same bytes: the PDF's dates come from when the report was produced,
its identifier from the report's content, and nothing outside the document is fetched (the one
image, a hand-over signature, is inline).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import cache
from typing import Any

import jinja2
import weasyprint
from weasyprint.urls import URLFetcher

from api.report_output.html import template_environment
from api.report_output.pdf import stable_pdf
from api.schemas_data_protection import SubjectAccessReport

BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
LABELS = {"nhs_number": "NHS number", "lsoa_code": "LSOA code", "id": "Record id"}


def label(name: str) -> str:
    """`date_of_birth` -> "Date of birth"."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def when(value: datetime | str | None) -> str:
    if value is None:
        return "-"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%d %B %Y %H:%M UTC").lstrip("0")


def shown(value: Any) -> str:
    """A value as a reader sees it: lists joined, nothing shown as a dash."""
    if value is None or value == [] or value == {}:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(shown(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{label(str(k))}: {shown(v)}" for k, v in value.items())
    return str(value)


def is_base64(value: Any) -> bool:
    return isinstance(value, str) and bool(BASE64.match(value))


@cache
def _environment() -> jinja2.Environment:
    return template_environment(
        filters={"label": label, "when": when, "shown": shown}, tests={"base64": is_base64}
    )


def render_sar_html(report: SubjectAccessReport) -> str:
    return _environment().get_template("subject_access.html.j2").render(sar=report)


def render_sar_pdf(report: SubjectAccessReport) -> bytes:
    """The report as A4 PDF bytes, byte-identical for the same report."""
    fetcher = URLFetcher(allowed_protocols={"data"})
    html = weasyprint.HTML(string=render_sar_html(report), url_fetcher=fetcher)
    identifier = hashlib.sha256(report.model_dump_json().encode()).hexdigest()[:32]
    title = f"Subject access request: person {report.person_id}"
    return stable_pdf(html, report.produced_at, title, identifier.encode("ascii"))
