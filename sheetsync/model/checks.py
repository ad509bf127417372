"""Row and column checks over typed tabs, pandera-style: rules as data, their failures as Problems.

A Rule names its tab, the columns it reads, a stable reason code, a default severity and a check
function `check(view, settings, env) -> Iterable[Hit]`. `run_checks` runs every rule whose tab is
usable and holds its columns, and turns each Hit into a Problem at its cell; a business switches
rules off or changes their severity from its config.

    @dataclass(frozen=True) class Settings: ...
    RULES = [Rule("price_order", "Products", ("Price", "Cost"), Severity.ERROR, "Price above Cost", price_order)]
    problems = run_checks(RULES, ctx.tabs, settings)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .problems import Problem, Severity
from .tab import Row, Tab
from .values import is_blank


class Hit(NamedTuple):
    """One failed check: the row's index in the tab, the column to flag, the message and the value."""

    index: int  # type: ignore[assignment]  # (NamedTuple's own tuple.index method: the field is what rules set)
    column: str
    message: str
    value: Any = None


class View:
    """A tab's columns as lists (typed values, and whether the cell was blank), built once per run."""

    def __init__(self, tab: Tab):
        self.tab = tab
        self.rows = tab.rows
        self._typed: dict[str, list[Any]] = {}
        self._blank: dict[str, list[bool]] = {}
        self._dicts = [row.values for row in tab.rows]
        self.cache: dict[str, Any] = {}  # per-run lookups rules share (e.g. each gift's influencer row)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, *headers: str) -> bool:
        return all(h in self.tab.columns for h in headers)

    def col(self, header: str) -> list[Any]:
        """Typed values of a column; None for blank and for cells that did not parse (already reported)."""
        values = self._typed.get(header)
        if values is None:
            values = [d.get(header) for d in self._dicts] if header in self.tab.columns else [None] * len(self.rows)
            self._typed[header] = values
        return values

    def blank(self, header: str) -> list[bool]:
        """Whether each cell is truly blank (a None typed value may also be a value that did not parse)."""
        values = self._blank.get(header)
        if values is None:
            col = self.tab.columns.get(header)
            if col is None:
                values = [True] * len(self.rows)
            else:
                i = col - 1
                values = [is_blank(row.cells[i]) if i < len(row.cells) else True for row in self.rows]
            self._blank[header] = values
        return values


@dataclass
class Env:
    """Every usable tab as a View, for rules that look across tabs; built once per run."""

    views: dict[str, View] = field(default_factory=dict)

    @classmethod
    def of(cls, tabs: Mapping[str, Tab]) -> Env:
        return cls({name: View(tab) for name, tab in tabs.items() if tab.usable})

    def view(self, tab: str) -> View | None:
        return self.views.get(tab)

    def lookup(self, tab: str) -> Mapping[str, Row] | None:
        """Key -> Row of a usable tab (None when the tab is missing, so cross-tab rules stay quiet)."""
        view = self.views.get(tab)
        return None if view is None else view.tab.by_key


@dataclass(frozen=True)
class Rule:
    """A data-driven check: `check(view, settings, env)` yields Hits for one tab."""

    code: str
    tab: str
    reads: tuple[str, ...]
    severity: Severity
    what: str
    check: Callable[[View, Any, Env], Iterable[Hit]]


def active_rules(rules: Iterable[Rule], tabs: Mapping[str, Tab], disabled: Collection[str] = ()) -> list[Rule]:
    """The rules that apply: not disabled, on a usable tab holding every column they read."""
    out = []
    for rule in rules:
        tab = tabs.get(rule.tab)
        if str(rule.code) in disabled or tab is None or not tab.usable:
            continue
        if all(h in tab.columns for h in rule.reads):
            out.append(rule)
    return out


def run_checks(
    rules: Iterable[Rule],
    tabs: Mapping[str, Tab],
    settings: Any,
    *,
    severity: Callable[[Rule], Severity] | None = None,
    env: Env | None = None,
) -> list[Problem]:
    """Run each rule over its tab; every Hit becomes a Problem at its row and column."""
    env = env or Env.of(tabs)
    out = []
    for rule in rules:
        view = env.view(rule.tab)
        if view is None or not len(view):
            continue
        level = severity(rule) if severity is not None else rule.severity
        for hit in rule.check(view, settings, env):
            out.append(
                view.tab.problem(view.rows[hit.index], hit.column, rule.code, hit.message, level, value=hit.value)
            )
    return out


def numbered(view: View, *headers: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(index, values) for rows where every named column has a typed value."""
    cols = [view.col(h) for h in headers]
    for i, values in enumerate(zip(*cols)):
        if all(v is not None for v in values):
            yield i, values
