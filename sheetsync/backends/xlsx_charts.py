"""Native xlsx charts from a ChartSpec."""
from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from .base import ChartSpec


def _reference(sheet: Worksheet, a1_range: str) -> Reference:
    min_col, min_row, max_col, max_row = range_boundaries(a1_range.split("!")[-1])
    return Reference(sheet, min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row)


def add_chart(sheet: Worksheet, spec: ChartSpec) -> None:
    """Place a bar, column or line chart whose data lives on the same sheet."""
    chart = LineChart() if spec.kind == "line" else BarChart()
    if spec.kind in ("bar", "column"):
        chart.type = "bar" if spec.kind == "bar" else "col"
    chart.title = spec.title
    chart.y_axis.title = spec.y_title or None
    chart.width, chart.height = spec.width_cm, spec.height_cm
    for index, series in enumerate(spec.series):
        titled = bool(spec.series_titles) and index < len(spec.series_titles)
        chart.add_data(_reference(sheet, series), titles_from_data=False)
        if titled:
            from openpyxl.chart.series import SeriesLabel

            chart.series[-1].tx = SeriesLabel(v=spec.series_titles[index])
    chart.set_categories(_reference(sheet, spec.categories))
    sheet.add_chart(chart, spec.anchor)
