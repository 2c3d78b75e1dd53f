"""A report as a tagged PDF (PDF/UA-1), printed by WeasyPrint from the report's HTML.

Deterministic: the creation and modification dates come from the report's inputs (its last
counted event), the file identifier from its inputs digest, and nothing is fetched. When WeasyPrint
subsets fonts with fontTools (no HarfBuzz subsetter on the machine), fontTools stamps each embedded
font's `head.modified` with the current time unless SOURCE_DATE_EPOCH is set, so it is set to the
report's date while the PDF is written (the reproducible-builds convention fontTools follows).
The tagged-PDF structure names table header cells by Python object id (a memory address); a
finisher renumbers them in document order before the file is written.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NoReturn, cast

import pydyf
import weasyprint

from api.report_output.html import render_html
from api.report_output.tables import report_date
from projections.reports.model import Report

PDF_VARIANT = "pdf/ua-1"  # tagged structure, document title shown, language set
_EPOCH_LOCK = threading.Lock()


def _refuse_fetch(url: str) -> NoReturn:
    """The report is self-contained: any request for an external resource is an error."""
    raise ValueError(f"report PDF must not fetch external resources: {url}")


def pdf_identifier(report: Report) -> bytes:
    """A 32-character hex identifier that changes exactly when the report's inputs or layout do."""
    seed = f"{report.footer.digest}|{report.view}|{report.year}|{report.quarter}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32].encode("ascii")


def render_pdf(report: Report) -> bytes:
    """The report as A4 PDF bytes, byte-identical for the same report."""
    html = weasyprint.HTML(string=render_html(report), url_fetcher=_refuse_fetch)
    return stable_pdf(html, report_date(report), report.title, pdf_identifier(report))


def stable_pdf(html: weasyprint.HTML, when: datetime, title: str, identifier: bytes) -> bytes:
    """Tagged PDF bytes that depend only on the document, `when`, the title and identifier:
    no wall-clock time in the metadata or the embedded fonts, no memory addresses in the ids."""
    document = html.render()
    document.metadata.created = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.modified = document.metadata.created
    document.metadata.title = title
    document.metadata.lang = "en-GB"
    with _source_date_epoch(int(when.timestamp())):
        pdf = document.write_pdf(
            pdf_identifier=identifier, pdf_variant=PDF_VARIANT, finisher=_stable_header_ids
        )
    return cast(bytes, pdf)


@contextmanager
def _source_date_epoch(seconds: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to `seconds` for the duration, then put back as it was."""
    with _EPOCH_LOCK:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
        try:
            yield
        finally:
            if before is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before


def _stable_header_ids(document: object, pdf: Any) -> None:
    """Rename table header ids (WeasyPrint uses `id(box)`) to th1, th2, ... in document order."""
    names: dict[object, str] = {}

    def stable(value: Any) -> Any:
        name = names.setdefault(value.string, f"th{len(names) + 1}")
        return pydyf.String(name)  # a new String: the old ones are shared between cells

    for element in pdf.objects:
        if not isinstance(element, pydyf.Dictionary) or element.get("Type") != "/StructElem":
            continue
        if isinstance(element.get("ID"), pydyf.String):
            element["ID"] = stable(element["ID"])
        attributes = element.get("A")
        if isinstance(attributes, pydyf.Dictionary) and "Headers" in attributes:
            attributes["Headers"] = pydyf.Array(stable(h) for h in attributes["Headers"])
