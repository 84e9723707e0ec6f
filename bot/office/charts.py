"""A progress chart (PNG) of a report: tasks and hazards per community and for the street.

Chinese text needs a CJK font, and a server usually has none: the font file comes from the
``mplfonts`` package (Noto Sans CJK SC, SIL Open Font License) and is registered with
matplotlib by path, so the chart looks the same on any machine the project installs on.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere: no display on a server

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.office.reports import Report, UnitFigures
from bot.schedule.wording import md, period_label
from bot.texts import t

FONT_PACKAGE = "mplfonts"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
TASK_COLOURS = ("#2e7d32", "#c62828", "#90a4ae")
HAZARD_COLOURS = ("#2e7d32", "#f9a825", "#64b5f6", "#c62828")


class FontMissingError(RuntimeError):
    pass


@cache
def cjk_font_path() -> Path:
    """The CJK font file shipped by the font package (found without importing it)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "fonts" / FONT_FILE
        if path.is_file():
            return path
    raise FontMissingError(f"{FONT_FILE} not found: pip install {FONT_PACKAGE}")


@cache
def cjk_font_family() -> str:
    """Register the CJK font with matplotlib once; its family name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=path).get_name())


@contextmanager
def cjk_text() -> Iterator[str]:
    """Text drawn inside uses the CJK font; global settings are left as they were."""
    family = cjk_font_family()
    with matplotlib.rc_context({"font.family": [family], "axes.unicode_minus": False}):
        yield family


def period_text(report: Report) -> str:
    """The report's period in words (2026年11月第4周 11月23日—11月29日, 2026年11月 …)."""
    period, scope = report.period, report.scope
    label = period_label(period.key, scope, False, report.today, absolute=True)
    if scope == "week":
        return t("chart.period.week", label=label, start=md(period.start), end=md(period.end))
    return label


def _label(report: Report, row: UnitFigures) -> str:
    if row.unit.id == report.street.id:
        return t("chart.street_own", name=row.unit.name)
    return row.unit.name


def _stacked(ax: Axes, labels: list[str], series: list[tuple[str, list[int], str]]) -> list[int]:
    """Stacked horizontal bars, each segment showing its count; the totals."""
    left = [0] * len(labels)
    for name, values, colour in series:
        bars = ax.barh(labels, values, left=left, color=colour, label=name, height=0.6)
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center",
                     fontsize=8, color="white")  # fmt: skip
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlim(0, max([1, *left]) * 1.25)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="x", alpha=0.3)
    return left


def _task_panel(ax: Axes, labels: list[str], rows: list[UnitFigures]) -> None:
    open_ = [max(0, r.due - r.done - r.overdue) for r in rows]
    series = [
        (t("chart.tasks.done"), [r.done for r in rows], TASK_COLOURS[0]),
        (t("chart.tasks.overdue"), [r.overdue for r in rows], TASK_COLOURS[1]),
        (t("chart.tasks.open"), open_, TASK_COLOURS[2]),
    ]
    _stacked(ax, labels, series)
    for y, row in enumerate(rows):
        ax.text(
            row.due,
            y,
            " " + t("chart.tasks.label", done=row.done, due=row.due),
            va="center",
            fontsize=8,
        )
    ax.set_title(t("chart.tasks.title") + t("chart.tasks.axis"))


def _hazard_panel(ax: Axes, labels: list[str], rows: list[UnitFigures]) -> None:
    open_ = [max(0, r.hazards - r.handled - r.hazards_overdue) for r in rows]
    series = [
        (t("chart.hazards.closed"), [r.closed for r in rows], HAZARD_COLOURS[0]),
        (t("chart.hazards.fixed"), [r.handled - r.closed for r in rows], HAZARD_COLOURS[1]),
        (t("chart.hazards.open"), open_, HAZARD_COLOURS[2]),
        (t("chart.hazards.overdue"), [r.hazards_overdue for r in rows], HAZARD_COLOURS[3]),
    ]
    totals = _stacked(ax, labels, series)
    for y, total in enumerate(totals):
        ax.text(total, y, " " + t("chart.hazards.label", n=total), va="center", fontsize=8)
    ax.set_title(t("chart.hazards.title") + t("chart.hazards.axis"))
    ax.tick_params(axis="y", labelleft=False)


def build_figure(report: Report) -> Figure:
    """The chart as a figure (not drawn yet); call inside :func:`cjk_text`."""
    rows = report.units
    labels = [_label(report, r) for r in rows]
    fig = Figure(figsize=(11, 2.2 + 0.5 * len(rows)), dpi=110, layout="constrained")
    task_ax, hazard_ax = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    _task_panel(task_ax, labels, rows)
    _hazard_panel(hazard_ax, labels, rows)
    task_ax.invert_yaxis()  # the street first, at the top (the y axis is shared)
    for ax in (task_ax, hazard_ax):  # each panel's legend below it, inside the picture
        handles, names = ax.get_legend_handles_labels()
        ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                  borderaxespad=2.4, ncol=len(names), fontsize=9, frameon=False)  # fmt: skip
    title = t("chart.title", street=report.street.name, period=period_text(report))
    fig.suptitle(f"{title}\n{t('chart.subtitle', day=md(report.today))}", fontsize=13)
    return fig


def render_report_chart(report: Report, path: Path) -> Path:
    """Draw the report's chart into a PNG at ``path``; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with cjk_text():
        build_figure(report).savefig(path, format="png")
    return path
