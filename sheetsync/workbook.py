"""A workbook opened for reading from Python: typed tabs and DataFrames, every job's problems, for notebooks.

book = sheetsync.open()
products = book.frame("Products")              # typed; `_row` is the sheet row
issues = book.issues()                         # every problem, from every job, with its key and row
products.merge(issues[issues.tab == "Products"], left_on="_row", right_on="row")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from .backends import open_backend
from .backends.base import Backend
from .errors import UsageError
from .model.grid import TabData
from .model.problems import Report
from .model.tab import Tab, build_tab
from .project.config import Config, load_config


@dataclass(repr=False)
class Workbook:
    """Read-only view of a workbook under the config's schemas; one read, cached (`refresh()` reads again)."""

    config: Config
    backend: Backend
    _tabs: dict[str, Tab] | None = field(default=None, repr=False)
    _data: dict[str, TabData] | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        if self._tabs is None:
            return f"<Workbook {self.backend.target} (not read yet)>"
        counts = ", ".join(f"{name} {len(tab)}" for name, tab in self._tabs.items() if tab.usable)
        others = [name for name in self._read() if name not in self._tabs]
        return f"<Workbook {self.backend.target}: rows {counts}; other tabs {', '.join(others) or 'none'}>"

    def _read(self) -> dict[str, TabData]:
        if self._data is None:
            self._data = dict(self.backend.read(self.backend.tab_names()))
        return self._data

    def tabs(self) -> dict[str, Tab]:
        """The tabs the config declares, typed."""
        if self._tabs is None:
            data = self._read()
            self._tabs = {n: build_tab(data.get(n), s, self.config.parse) for n, s in self.config.schemas.items()}
        return self._tabs

    def tab(self, name: str) -> Tab:
        return self.tabs()[self.config.schema(name).tab]

    def frame(self, name: str) -> pd.DataFrame:
        """A tab as a pandas DataFrame: a declared tab typed by its schema (`_row` holds the sheet row); any
        other tab (To Do, summaries, _Log, _Runs) from its header row, each column typed where all its values
        are numbers or dates."""
        if name in self.config.schemas:
            return self.tab(name).frame()
        data = self._read().get(name)
        if data is None:
            raise UsageError(f"the workbook has no tab {name!r}; tabs: {', '.join(self._read())}")
        return grid_frame(data)

    def problems(self) -> Report:
        """Schema problems found while reading (parse failures, missing headers, duplicates)."""
        report = Report()
        for tab in self.tabs().values():
            report.extend(tab.problems)
        return report

    def issues(self, now: datetime | None = None) -> pd.DataFrame:
        """Every problem the sheet's Issues columns show: the schemas' and every job's (nothing is written).

        One row per problem: tab, row (as the sheet numbers it), column, cell, value, code, severity, message,
        key (as the sheet shows it) and job; join to `frame(tab)` on `row` = `_row`."""
        from .engine.run import inspect

        snapshot = inspect(self.config, now=now, backend=self.backend)
        return snapshot.report.to_dataframe()

    def refresh(self) -> None:
        self._tabs = self._data = None


def grid_frame(data: TabData) -> pd.DataFrame:
    """A raw tab as a DataFrame from its header row; a column is typed when all its values are numbers or dates."""
    rows = [list(r) for r in data.values]
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    headers = [str(h) if h not in (None, "") else f"column {i}" for i, h in enumerate(rows[0] + [None] * width, 1)]
    kept = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(v not in (None, "") for v in r)]
    frame = pd.DataFrame([r + [None] * (width - len(r)) for _, r in kept], columns=headers[:width])
    frame.insert(0, "_row", pd.array([i for i, _ in kept], dtype="Int64"))
    for column in frame.columns[1:]:
        frame[column] = _typed(frame[column])
    return frame


def _typed(values: pd.Series) -> pd.Series:
    present = values.dropna()
    present = present[present.astype(str).str.strip() != ""]
    if present.empty:
        return values
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        numbers = pd.to_numeric(values.where(values.astype(str).str.strip() != ""), errors="coerce")
        whole = numbers.dropna()
        return numbers.astype("Int64") if (whole == whole.round()).all() else numbers.astype("Float64")
    if all(isinstance(v, datetime) for v in present):
        return pd.to_datetime(values, errors="coerce")
    text = present.astype(str)
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    if parsed.notna().all() and text.str.match(r"^\d{4}-\d{2}-\d{2}").all():
        return pd.to_datetime(values.where(values.astype(str).str.strip() != ""), errors="coerce", format="ISO8601")
    return values


def open(target: str | None = None, config: str | Config | None = None) -> Workbook:
    """Open a workbook by target (default: the config's), e.g. `sheetsync.open().frame("Products")`."""
    cfg = config if isinstance(config, Config) else load_config(config, workbook=target)
    if target and isinstance(config, Config):
        import dataclasses

        cfg = dataclasses.replace(cfg, target=target)
    return Workbook(cfg, open_backend(cfg.target, cfg))
