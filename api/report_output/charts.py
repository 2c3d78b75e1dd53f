"""Charts as inline SVG: matplotlib without pyplot, so no global figure state and no GUI backend.

The output is deterministic (fixed hash salt, no date or creator metadata) and accessible: the
root <svg> is an image labelled by a <title> and described by a <desc>. Every id is prefixed with
the chart's id so several charts can be inlined in one HTML page.
"""

from __future__ import annotations

import io
import re
import textwrap
import threading
from collections.abc import Iterator
from html import escape
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from projections.reports.model import Chart, Number, Series

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Okabe-Ito, distinguishable with the common forms of colour blindness, ordered so that the first
# five have at least 3:1 contrast with white (WCAG 1.4.11); bars also get a dark outline.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#F0E442")
OUTLINE = "#0b0c0c"
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":")
CROWDED = 8  # more categories than this: tick labels are slanted rather than wrapped
SUPPRESSED_NOTE = "Suppressed values (shown as * in the table) are omitted from the chart."

RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "lac-report",
    "svg.fonttype": "none",  # real <text>, not glyph paths: smaller, selectable, crisp
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Liberation Sans"],
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "axes.edgecolor": "#505a5f",
    "text.color": "#0b0c0c",
    "axes.labelcolor": "#0b0c0c",
    "xtick.color": "#0b0c0c",
    "ytick.color": "#0b0c0c",
    "path.simplify": False,
}
_ID = re.compile(r'\bid="([^"]+)"')
_RC_LOCK = threading.Lock()  # rc_context changes matplotlib's global rcParams


def chart_svg(chart: Chart) -> str:
    """The chart as an <svg> element (no XML prolog) ready to inline in HTML."""
    with _RC_LOCK, matplotlib.rc_context(RC):
        figure = Figure(figsize=(7.2, 3.8), layout="constrained")
        axes = figure.add_subplot()
        if chart.kind == "bar":
            _draw_bars(axes, chart)
        else:
            _draw_lines(axes, chart)
        _style_axes(axes, chart)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _accessible(_inlinable(buffer.getvalue()), chart)


def description(chart: Chart) -> str:
    """What the <desc> says: the chart's description, and how suppressed figures are treated."""
    if any(value is None for series in chart.series for value in series.values):
        return f"{chart.description} {SUPPRESSED_NOTE}"
    return chart.description


def _plain(text: str) -> str:
    """Text matplotlib must not read as mathtext."""
    return text.replace("$", r"\$")


def _label(text: str, crowded: bool) -> str:
    return _plain(text) if crowded else "\n".join(textwrap.wrap(_plain(text), 14)) or " "


def _values(series: Series) -> list[float]:
    return [float("nan") if value is None else float(value) for value in series.values]


def _drawn(chart: Chart) -> Iterator[Number]:
    return (value for series in chart.series for value in series.values if value is not None)


def _draw_bars(axes: Axes, chart: Chart) -> None:
    count = max(len(chart.series), 1)
    width = 0.8 / count
    for index, series in enumerate(chart.series):
        offset = (index - (count - 1) / 2) * width
        positions = [position + offset for position in range(len(chart.categories))]
        heights = _values(series)
        colour = PALETTE[index % len(PALETTE)]
        axes.bar(
            positions,
            heights,
            width * 0.95,
            label=_plain(series.name),
            color=colour,
            edgecolor=OUTLINE,
            linewidth=0.6,
        )
        for position, value in zip(positions, series.values, strict=False):
            if value is None:  # a gap is not a zero: mark it as the table does
                axes.annotate("*", (position, 0), ha="center", va="bottom", fontsize=12)


def _draw_lines(axes: Axes, chart: Chart) -> None:
    for index, series in enumerate(chart.series):
        axes.plot(
            range(len(series.values)),
            _values(series),
            label=_plain(series.name),
            color=PALETTE[index % len(PALETTE)],
            marker=MARKERS[index % len(MARKERS)],
            linestyle=LINESTYLES[index % len(LINESTYLES)],
            linewidth=2,
            markersize=6,
        )


def _integral(value: Number) -> bool:
    return isinstance(value, int) or value == value.to_integral_value()


def _style_axes(axes: Axes, chart: Chart) -> None:
    values = list(_drawn(chart))
    lowest = min([0.0, *(float(v) for v in values)])
    highest = max([1.0, *(float(v) for v in values)])
    axes.set_ylim(bottom=lowest, top=highest * 1.08)
    axes.set_xlim(-0.6, len(chart.categories) - 0.4)
    crowded = len(chart.categories) > CROWDED
    axes.set_xticks(range(len(chart.categories)), [_label(c, crowded) for c in chart.categories])
    if crowded:
        for label in axes.get_xticklabels():
            label.set(rotation=40, horizontalalignment="right", rotation_mode="anchor")
    axes.set_ylabel(_plain(chart.y_label))
    if all(_integral(v) for v in values):
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axes.grid(axis="y", color="#d0d5d8", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    if len(chart.series) > 1 or chart.kind == "line":
        columns = min(len(chart.series), 4) or 1
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.02), ncols=columns, frameon=False)


def _inlinable(svg: str) -> str:
    """Drop the XML prolog, DOCTYPE and RDF metadata; use SVG 2 `href` instead of xlink."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    return svg.replace("xlink:href=", "href=").strip() + "\n"


def _prefixed(svg: str, prefix: str) -> str:
    ids = set(_ID.findall(svg))

    def rename(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{prefix}-{name}" if name in ids else match.group(0)

    svg = re.sub(r'(\bid=")([^"]+)', rename, svg)
    svg = re.sub(r'(href="#)([^"]+)', rename, svg)
    return re.sub(r"(url\(#)([^)]+)", rename, svg)


def _accessible(svg: str, chart: Chart) -> str:
    key = f"chart-{escape(chart.id)}"
    svg = _prefixed(svg, key)
    svg = svg.replace('<style type="text/css">*{', f'<style type="text/css">#{key} *{{', 1)
    title_id, desc_id = f"{key}-title", f"{key}-desc"
    head = svg.index(">", svg.index("<svg")) + 1
    opening = svg[:head].replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
        f'class="chart" id="{key}" ',
        1,
    )
    labels = (
        f'\n <title id="{title_id}">{escape(chart.title)}</title>'
        f'\n <desc id="{desc_id}">{escape(description(chart))}</desc>'
    )
    return opening + labels + svg[head:]
