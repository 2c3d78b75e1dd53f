"""Renderers for committee reports: HTML, PDF, CSV (zipped) and XLSX, plus charts as SVG.

Each takes a finished `projections.reports.model.Report` (already disclosure-controlled) and
only lays it out. Output is byte-identical for the same report, whenever it is rendered.
"""

from api.report_output.charts import chart_svg
from api.report_output.html import render_html
from api.report_output.pdf import render_pdf
from api.report_output.tables import csv_zip, render_xlsx, table_csv

__all__ = ["chart_svg", "csv_zip", "render_html", "render_pdf", "render_xlsx", "table_csv"]
