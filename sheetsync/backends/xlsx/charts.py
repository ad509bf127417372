"""Native xlsx charts from a ChartSpec."""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from ...model.layout import ChartSpec


def _reference(sheet: Worksheet, a1_range: str) -> Reference:
    min_col, min_row, max_col, max_row = range_boundaries(a1_range.split("!")[-1])
    return Reference(sheet, min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row)


def add_chart(sheet: Worksheet, spec: ChartSpec) -> None:
    """Place a bar, column or line chart whose data lives on the same sheet; two or more series cluster."""
    chart = LineChart() if spec.kind == "line" else BarChart()
    if spec.kind in ("bar", "column"):
        chart.type = "bar" if spec.kind == "bar" else "col"
        chart.grouping = "clustered"
        chart.gapWidth = 60
    chart.title = spec.title
    chart.y_axis.title = spec.y_title or None
    chart.width, chart.height = spec.width_cm, spec.height_cm
    for index, series in enumerate(spec.series):
        chart.add_data(_reference(sheet, series), titles_from_data=False)
        if index < len(spec.series_titles):
            chart.series[-1].tx = SeriesLabel(v=spec.series_titles[index])
    chart.set_categories(_reference(sheet, spec.categories))
    # openpyxl 3.1 marks axes as deleted unless told otherwise; Excel and LibreOffice then hide them
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if spec.kind == "bar":  # first row at the top, as in the table; value axis stays at the bottom
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.crosses = "max"
    if len(spec.series) == 1:
        chart.legend = None  # the title says what the single series is
    else:
        chart.legend.position = "b"
    sheet.add_chart(chart, spec.anchor)
