"""A workbook opened for reading from Python: typed tabs and DataFrames, for notebooks."""

from __future__ import annotations

from dataclasses import dataclass, field

from .backends import open_backend
from .backends.base import Backend
from .model.problems import Report
from .model.tab import Tab, build_tab
from .project.config import Config, load_config


@dataclass
class Workbook:
    """Read-only view of a workbook under the config's schemas; one read, cached."""

    config: Config
    backend: Backend
    _tabs: dict[str, Tab] | None = field(default=None, repr=False)

    def tabs(self) -> dict[str, Tab]:
        if self._tabs is None:
            names = self.backend.tab_names()
            data = self.backend.read([n for n in names if n in self.config.schemas])
            self._tabs = {n: build_tab(data.get(n), s, self.config.parse) for n, s in self.config.schemas.items()}
        return self._tabs

    def tab(self, name: str) -> Tab:
        return self.tabs()[self.config.schema(name).tab]

    def frame(self, name: str):
        """The tab as a typed pandas DataFrame (`_row` holds the sheet row number)."""
        return self.tab(name).frame()

    def problems(self) -> Report:
        """Schema problems found while reading (parse failures, missing headers, duplicates)."""
        report = Report()
        for tab in self.tabs().values():
            report.extend(tab.problems)
        return report

    def refresh(self) -> None:
        self._tabs = None


def open(target: str | None = None, config: str | Config | None = None) -> Workbook:
    """Open a workbook by target (default: the config's), e.g. `sheetsync.open().frame("Products")`."""
    cfg = config if isinstance(config, Config) else load_config(config, workbook=target)
    return Workbook(cfg, open_backend(cfg.target, cfg))
