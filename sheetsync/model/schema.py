"""Tab schemas: which columns a tab has, their types, vocabularies and who owns them."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .layout import ColumnLook
from .values import TYPES, fold

OWNERS = ("person", "job")
ANY = "*"


@dataclass(frozen=True)
class Vocabulary:
    """Allowed words of a column with the other spellings people use for them."""

    name: str
    values: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    """One column of a tab: header, type, rules and owner."""

    header: str
    type: str = "text"
    required: bool = False
    unique: bool = False
    owner: str = "person"
    allowed: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    pattern: str | None = None
    pattern_hint: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    decimals: int | None = None
    max_length: int | None = None
    description: str = ""
    # Named exceptions to person ownership (domain.md §2): (from, to) status moves a job may make.
    job_transitions: tuple[tuple[str, str], ...] = ()
    job_fills_blank: bool = False
    # A count a job may raise by whole units (Stock +1 when a returned piece is relisted), never lower or set.
    job_increments: bool = False
    daily: bool = False  # recomputed from the date every day (Days Open): day-to-day changes are logged compactly
    # Columns whose words people also type into this one ("14 kt yellow gold" in Metal holds a Purity):
    # a value that does not parse is split, and the message suggests both parts.
    compound_with: tuple[str, ...] = ()
    look: ColumnLook = field(default_factory=ColumnLook)  # applied when sheetsync creates or restyles the column

    @cached_property
    def lookup(self) -> dict[str, str]:
        """Folded spelling -> canonical allowed value, aliases included."""
        return {**{fold(v): v for v in self.allowed}, **{fold(k): v for k, v in self.aliases.items()}}

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern or ".*")

    @cached_property
    def folded(self) -> str:
        return fold(self.header)

    def job_may_write(self, old: Any, new: Any) -> bool:
        """Whether a job may change this cell from old to new (always for job-owned columns)."""
        if self.owner == "job":
            return True
        if self.job_fills_blank and (old is None or old == ""):
            return True
        if self.job_increments and _whole(old) and _whole(new) and new > old:
            return True
        return any(f in (ANY, old) and t == new for f, t in self.job_transitions)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Schema:
    """A tab's contract between people and jobs."""

    tab: str
    key: str
    columns: tuple[Column, ...]
    issues_column: str | None = None
    issued_id: str | None = None  # e.g. "RMA-{year}-{seq:04d}": blank keys get one issued
    key_case_insensitive: bool = False
    freeze_columns: int | None = None  # columns kept in view when scrolling right (None: through the key)
    source: str = ""
    created_by_jobs: bool = False  # a workbook without the tab reads it as empty; the first write adds it

    def column(self, header: str) -> Column:
        found = self.by_folded.get(fold(header))
        if found is None:
            raise KeyError(f"{self.tab} has no column {header!r}")
        return found

    def has(self, header: str) -> bool:
        return fold(header) in self.by_folded

    @cached_property
    def by_folded(self) -> dict[str, Column]:
        return {c.folded: c for c in self.columns}

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @cached_property
    def person_headers(self) -> tuple[str, ...]:
        """The columns people own (what identifies a row at write time, with its key)."""
        return tuple(c.header for c in self.columns if c.owner == "person")

    @property
    def key_column(self) -> Column:
        return self.column(self.key)


def load_vocabularies(path: Path) -> dict[str, Vocabulary]:
    """Read config/vocabularies.toml: one table per vocabulary with values and aliases."""
    if not path.exists():
        return {}
    data = _read_toml(path)
    out = {}
    for name, table in data.items():
        where = f"{path}: [{name}]"
        if not isinstance(table, dict) or not isinstance(table.get("values"), list):
            raise ConfigError(f"{where} needs values = [...]")
        aliases = table.get("aliases", {})
        unknown = [a for a, v in aliases.items() if v not in table["values"]]
        if unknown:
            raise ConfigError(f"{where} aliases point at words not in values: {', '.join(unknown)}")
        out[name] = Vocabulary(name, tuple(str(v) for v in table["values"]), dict(aliases))
    return out


def load_schema(path: Path, vocabularies: Mapping[str, Vocabulary] | None = None) -> Schema:
    """Read one schema file; every mistake names the file and the key."""
    data = _read_toml(path)
    vocabularies = vocabularies or {}
    for key in ("tab", "key"):
        if not isinstance(data.get(key), str):
            raise ConfigError(f"{path}: '{key}' is required (text)")
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise ConfigError(f"{path}: 'columns' must list at least one [[columns]] table")
    unknown = set(data) - SCHEMA_KEYS
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) {', '.join(sorted(unknown))}{_did_you_mean(sorted(unknown), SCHEMA_KEYS)}"
        )
    freeze_columns = data.get("freeze_columns")
    if freeze_columns is not None and (type(freeze_columns) is not int or not 0 <= freeze_columns <= 5):
        raise ConfigError(f"{path}: freeze_columns must be a whole number from 0 to 5, not {freeze_columns!r}")
    columns = tuple(_column(path, i, c, vocabularies) for i, c in enumerate(raw_columns))
    schema = Schema(
        tab=data["tab"],
        key=data["key"],
        columns=columns,
        issues_column=data.get("issues_column"),
        issued_id=data.get("issued_id"),
        key_case_insensitive=_flag(str(path), data, "key_case_insensitive"),
        freeze_columns=freeze_columns,
        source=str(path),
        created_by_jobs=_flag(str(path), data, "created_by_jobs"),
    )
    _check_schema(path, schema)
    return schema


def _check_schema(path: Path, schema: Schema) -> None:
    seen: set[str] = set()
    for col in schema.columns:
        if col.folded in seen:
            raise ConfigError(f"{path}: column {col.header!r} is declared twice")
        seen.add(col.folded)
    for name in (schema.key, schema.issues_column):
        if name and not schema.has(name):
            raise ConfigError(f"{path}: '{name}' is named as key or issues_column but not declared in columns")
    for col in schema.columns:
        for other in col.compound_with:
            if not schema.has(other) or schema.column(other).type not in ("enum", "multi-enum"):
                raise ConfigError(
                    f"{path}: column {col.header!r}: compound_with names {other!r}, which is not an enum column "
                    f"of this tab{_did_you_mean([other], schema.headers)}"
                )


SCHEMA_KEYS = {
    "tab",
    "key",
    "columns",
    "issues_column",
    "issued_id",
    "key_case_insensitive",
    "freeze_columns",
    "created_by_jobs",
}
COLUMN_KEYS = {
    "header",
    "type",
    "required",
    "unique",
    "owner",
    "allowed",
    "aliases",
    "vocab",
    "pattern",
    "pattern_hint",
    "min",
    "max",
    "decimals",
    "max_length",
    "description",
    "job_transitions",
    "job_fills_blank",
    "job_increments",
    "daily",
    "compound_with",
    "width",
    "wrap",
    "hidden",
}


def _column(path: Path, index: int, raw: Any, vocabularies: Mapping[str, Vocabulary]) -> Column:
    where = f"{path}: columns[{index}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("header"), str):
        raise ConfigError(f"{where}: 'header' is required (text)")
    where = f"{path}: column {raw['header']!r}"
    unknown = set(raw) - COLUMN_KEYS
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}{_did_you_mean(sorted(unknown), COLUMN_KEYS)}"
        )
    ctype = raw.get("type", "text")
    if ctype not in TYPES:
        raise ConfigError(
            f"{where}: type {ctype!r} is not one of {', '.join(TYPES)}{_did_you_mean([str(ctype)], TYPES)}"
        )
    owner = raw.get("owner", "person")
    if owner not in OWNERS:
        raise ConfigError(f"{where}: owner must be 'person' or 'job', not {owner!r}")
    allowed, aliases = list(raw.get("allowed", [])), dict(raw.get("aliases", {}))
    if "vocab" in raw:
        vocab = vocabularies.get(raw["vocab"])
        if vocab is None:
            raise ConfigError(f"{where}: vocab {raw['vocab']!r} is not in vocabularies.toml")
        allowed, aliases = list(vocab.values) + allowed, {**vocab.aliases, **aliases}
    if ctype in ("enum", "multi-enum") and not allowed:
        raise ConfigError(f"{where}: an {ctype} column needs 'allowed' or 'vocab'")
    if ctype == "pattern":
        _check_regex(where, raw.get("pattern"))
    transitions = tuple(tuple(t) for t in raw.get("job_transitions", []))
    if any(len(t) != 2 for t in transitions):
        raise ConfigError(f"{where}: job_transitions must be pairs [from, to]")
    return Column(
        header=raw["header"],
        type=ctype,
        required=_flag(where, raw, "required"),
        unique=_flag(where, raw, "unique"),
        owner=owner,
        allowed=tuple(allowed),
        aliases=aliases,
        pattern=raw.get("pattern"),
        pattern_hint=raw.get("pattern_hint"),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        decimals=raw.get("decimals"),
        max_length=raw.get("max_length"),
        description=raw.get("description", ""),
        job_transitions=transitions,
        job_fills_blank=_flag(where, raw, "job_fills_blank"),
        job_increments=_flag(where, raw, "job_increments"),
        daily=_flag(where, raw, "daily"),
        compound_with=tuple(raw.get("compound_with", ())),
        look=_look(where, raw),
    )


def _flag(where: str, raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def _look(where: str, raw: Mapping[str, Any]) -> ColumnLook:
    width = raw.get("width")
    if width is not None and (isinstance(width, bool) or not isinstance(width, int | float) or not 2 <= width <= 255):
        raise ConfigError(f"{where}: width is in characters, a number from 2 to 255, not {width!r}")
    return ColumnLook(width, _flag(where, raw, "wrap"), _flag(where, raw, "hidden"))


def _did_you_mean(words: list[str], known: Any) -> str:
    """' (did you mean required?)' for a misspelt key or word, else ''."""
    fixes = [(w, m[0]) for w in words if (m := difflib.get_close_matches(w, sorted(known), n=1))]
    if len(words) == 1 and fixes:
        return f" (did you mean {fixes[0][1]!r}?)"
    return f" (did you mean {', '.join(f'{w!r} -> {m!r}' for w, m in fixes)}?)" if fixes else ""


def _check_regex(where: str, pattern: Any) -> None:
    if not isinstance(pattern, str):
        raise ConfigError(f"{where}: a pattern column needs 'pattern' (a regular expression)")
    try:
        re.compile(pattern)
    except re.error as ex:
        raise ConfigError(f"{where}: pattern is not a valid regular expression: {ex}") from ex


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as ex:
        raise ConfigError(f"{path}: file not found") from ex
    except tomllib.TOMLDecodeError as ex:
        raise ConfigError(f"{path}: not valid TOML: {ex}") from ex
