"""The business's configuration (sheetsync.toml), loaded into frozen objects; errors name file and key."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError
from ..model.schema import Schema, Vocabulary, load_schema, load_vocabularies
from ..model.values import ParseOptions
from .policies import declaration, read_table
from .sections import section_problems

DEFAULT_PATH = Path("config") / "sheetsync.toml"
_MISSING = object()
T = TypeVar("T")


def freeze(value: Any) -> Any:
    """Deep read-only copy: dicts become mapping proxies, lists tuples."""
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know about the business, read once."""

    path: Path
    target: str
    timezone: ZoneInfo
    parse: ParseOptions
    schemas: Mapping[str, Schema]
    vocabularies: Mapping[str, Vocabulary]
    jobs_dir: Path
    jobs_enabled: tuple[str, ...]
    schedule: Mapping[str, str]
    policies: Mapping[str, Any]
    holidays: tuple[date, ...] = ()
    templates_dir: Path = Path("templates")
    demo: Mapping[str, Any] = field(default_factory=dict)
    brand: Mapping[str, Any] = field(default_factory=dict)
    outbox: Mapping[str, Any] = field(default_factory=dict)  # [outbox]: see sections.OutboxSection
    # policy tables read so far, by declaration: the config is frozen, so each is read and checked once
    _tables: dict[type, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def root(self) -> Path:
        return self.path.parent

    @overload
    def policy(self, dotted: type[T]) -> T: ...

    @overload
    def policy(self, dotted: str, default: Any = _MISSING) -> Any: ...

    def policy(self, dotted: str | type, default: Any = _MISSING) -> Any:
        """A declared policy table as its dataclass (`config.policy(ReturnPolicy)`: typed, checked, defaults
        filled in), or one value such as 'returns.window_days' (a missing one without default names file and key)."""
        if isinstance(dotted, type):
            if dotted not in self._tables:
                declared = declaration(dotted)
                self._tables[dotted] = read_table(self.path, declared, self.policies.get(declared.name), self.schemas)
            return self._tables[dotted]
        node: Any = self.policies
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                if default is _MISSING:
                    raise ConfigError(f"{self.path}: [policies] has no '{dotted}'")
                return default
            node = node[part]
        if default is not _MISSING and default is not None and not _same_kind(node, default):
            table, _, key = f"policies.{dotted}".rpartition(".")
            raise ConfigError(
                f"{self.path}: [{table}] {key} = {node!r} is not {_kind(default)}: "
                f"write it like {key} = {_toml(default)}"
            )
        return node

    def schema(self, tab: str) -> Schema:
        try:
            return self.schemas[tab]
        except KeyError:
            raise ConfigError(f"{self.path}: [tabs] does not declare a tab named {tab!r}") from None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, (float, Decimal)):
        return "a number"
    if isinstance(value, str):
        return "text in quotes"
    if isinstance(value, Mapping):
        return "a table"
    return "a list"


def _same_kind(value: Any, default: Any) -> bool:
    """Whether a config value has the type a job's default has (so '30 days' never reaches int())."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, int):
        return isinstance(value, int)
    if isinstance(default, (float, Decimal)):
        return isinstance(value, (int, float, Decimal))
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, Mapping):
        return isinstance(value, Mapping)
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    return True


def _toml(value: Any) -> str:
    """A default shown as the user would type it in sheetsync.toml."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f'"{k}" = {_toml(v)}' for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def find_config(explicit: str | os.PathLike | None = None) -> Path:
    """The config to use: --config, then SHEETSYNC_CONFIG, then ./config/sheetsync.toml."""
    chosen = explicit or os.environ.get("SHEETSYNC_CONFIG")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return path
    if DEFAULT_PATH.is_file():
        return DEFAULT_PATH
    raise ConfigError(
        f"no config: pass --config FILE, set SHEETSYNC_CONFIG, or run from a folder holding {DEFAULT_PATH} "
        "(`sheetsync new DIR` writes a project folder to start from)"
    )


def load_config(path: str | os.PathLike | None = None, workbook: str | None = None) -> Config:
    """Load and check the config; `workbook` (or SHEETSYNC_WORKBOOK) overrides its target."""
    path = find_config(path).resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as ex:
        raise ConfigError(f"{path}: not valid TOML: {ex}") from ex
    problems = section_problems(path, data)
    if problems:
        raise ConfigError("\n".join(problems))
    root = path.parent
    section = _table(path, data, "workbook")
    target = workbook or os.environ.get("SHEETSYNC_WORKBOOK") or _text(path, section, "workbook.target")
    vocabularies = load_vocabularies(root / str(data.get("vocabularies", "vocabularies.toml")))
    tabs = _table(path, data, "tabs")
    schemas = {}
    for tab, file in tabs.items():
        schema_path = root / _text(path, tabs, f"tabs.{tab}")
        if not schema_path.is_file():
            raise ConfigError(
                f"{path}: [tabs] {tab} = {file!r}: schema file {schema_path} not found "
                "(paths are relative to the config's folder)"
            )
        schema = load_schema(schema_path, vocabularies)
        if schema.tab != tab:
            raise ConfigError(f"{path}: [tabs] {tab} points at a schema for tab {schema.tab!r}")
        schemas[tab] = schema
    jobs = data.get("jobs", {})
    return Config(
        path=path,
        target=_resolve_target(root, target) if not workbook and not os.environ.get("SHEETSYNC_WORKBOOK") else target,
        timezone=_zone(path, section.get("timezone", "UTC")),
        parse=_parse_options(path, section),
        schemas=MappingProxyType(schemas),
        vocabularies=MappingProxyType(vocabularies),
        jobs_dir=(root / jobs.get("dir", "../jobs")).resolve(),
        jobs_enabled=tuple(jobs.get("enabled", ())),
        schedule=freeze(dict(data.get("schedule", {}))),
        policies=freeze(dict(data.get("policies", {}))),
        holidays=_holidays(path, data.get("calendar", {})),
        templates_dir=(root / data.get("templates", "templates")).resolve(),
        demo=freeze(dict(data.get("demo", {}))),
        brand=freeze(dict(data.get("brand", {}))),
        outbox=freeze(dict(data.get("outbox", {}))),
    )


def _resolve_target(root: Path, target: str) -> str:
    """A relative workbook path in the config is relative to the repository (the config's parent folder)."""
    if ":" in target.split("/")[0] or Path(target).is_absolute():
        return target
    return str(root.parent / target)


def _table(path: Path, data: Mapping, key: str) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{key}] section is required")
    return value


def _text(path: Path, table: Mapping, dotted: str) -> str:
    value = table.get(dotted.rsplit(".", 1)[-1])
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: '{dotted}' is required (text)")
    return value


def _zone(path: Path, name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as ex:
        raise ConfigError(
            f"{path}: workbook.timezone {name!r} is not an IANA time zone (e.g. America/New_York)"
        ) from ex


def _parse_options(path: Path, section: Mapping) -> ParseOptions:
    order = section.get("date_order", "MDY")
    if order not in ("MDY", "DMY"):
        raise ConfigError(f"{path}: workbook.date_order must be MDY or DMY, not {order!r}")
    return ParseOptions(date_order=order, currency_symbols=section.get("currency_symbols", "$£€"))


def _holidays(path: Path, calendar: Mapping) -> tuple[date, ...]:
    out = []
    for raw in calendar.get("holidays", []):
        try:
            out.append(raw if isinstance(raw, date) else date.fromisoformat(str(raw)))
        except ValueError as ex:
            raise ConfigError(f"{path}: calendar.holidays has {raw!r}, not a date like 2026-12-25") from ex
    return tuple(sorted(out))
