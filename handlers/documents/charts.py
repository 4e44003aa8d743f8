"""Charts as PNG bytes (matplotlib's Agg canvas, no pyplot state: safe in worker threads).

matplotlib is imported when the first chart is drawn, not when the bot starts: it costs
about 0.7 s and 20 MB that most runs of the bot never need.
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

from handlers.texts import reports as t
from storage.periods import month_starts
from storage.reports import PeriodReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLORS = {"psychologist": "#4C72B0", "career_advisor": "#DD8452"}


def _figure(width: float, height: float) -> Figure:
    """A figure on an Agg canvas (importing matplotlib on first use)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    return buffer.getvalue()


def report_months(report: PeriodReport) -> list[date]:
    """The first day of every month the period touches."""
    return [report.date_from.replace(day=1), *month_starts(report.date_from, report.date_to)]


def consultation_hours_chart(report: PeriodReport) -> bytes:
    """Grouped bars: attended consultation hours per month, one colour per service."""
    months = report_months(report)
    figure = _figure(max(6.0, 0.8 * len(months) + 2), 4)
    axes = figure.add_subplot()
    width = 0.8 / max(1, len(report.services))
    for i, service in enumerate(report.services):
        values = [service.monthly_minutes.get(m, 0) / 60 for m in months]
        xs = [x + i * width for x in range(len(months))]
        axes.bar(xs, values, width=width, label=t.SERVICE_LABELS[service.service],
                 color=COLORS.get(service.service))
    axes.set_xticks([x + width * (len(report.services) - 1) / 2 for x in range(len(months))],
                    [t.month_label(m) for m in months], rotation=45 if len(months) > 8 else 0)
    axes.set_ylabel(t.CHART_HOURS)
    axes.set_title(t.CHART_CONSULTATIONS)
    axes.legend()
    return _png(figure)


def psu_sites_chart(report: PeriodReport) -> bytes:
    """Horizontal bars: confirmed PSU hours per work site, largest on top."""
    sites = list(reversed(report.psu.sites))
    figure = _figure(8, max(2.5, 0.35 * len(sites) + 1.2))
    axes = figure.add_subplot()
    axes.barh([s.name or t.NO_SITE for s in sites], [float(s.hours) for s in sites], color="#55A868")
    axes.set_xlabel(t.CHART_HOURS)
    axes.set_title(t.CHART_PSU)
    return _png(figure)


def charts(report: PeriodReport) -> dict[str, bytes]:
    """The charts worth drawing for this report (file name → PNG), skipping empty ones."""
    out = {}
    if any(s.minutes for s in report.services):
        out["konsultacje_miesiecznie.png"] = consultation_hours_chart(report)
    if report.psu.sites:
        out["psu_miejsca.png"] = psu_sites_chart(report)
    return out
