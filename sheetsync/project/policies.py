"""Declared policy tables: a job says which keys its `[policies.<name>]` table has, their types and limits.

    @policies("returns")
    @dataclass(frozen=True)
    class ReturnPolicy:
        '''[policies.returns]: when a return may be authorized.'''

        window_days: int = setting(30, min=0)
        auto_authorize: bool = True
        reasons: tuple[str, ...] = setting(("Defective",), refers="values:Returns.Reason")

    policy = ctx.config.policy(ReturnPolicy)  # typed, checked, defaults filled in

The loader finds the declarations of the jobs folder (as it finds jobs), and `Project.check_config` holds
the config against them: an undeclared table or key, a value of the wrong type, out of range, or naming a
tab, column or word that does not exist, is a config error naming the file, the key and the likely fix.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from ..errors import ConfigError
from ..model.schema import Schema
from ..model.values import fold
from .marks import MARK

T = TypeVar("T")
SETTING = "sheetsync.setting"  # dataclass field metadata key


@dataclass(frozen=True)
class Setting:
    """What a policy key may hold, beyond its type: limits, choices, and what its names refer to.

    `refers` checks names against the config: "tab" (tab names), "columns:<Tab>" (headers of that tab),
    "values:<Tab>.<Column>" (the allowed words of that column) or "tab->columns" (a table of tab = [headers]).
    For a table the names are its keys; for a list, its items.
    """

    key: str | None = None  # the key in the config when it differs from the field's name
    min: float | None = None
    max: float | None = None
    more_than: float | None = None
    choices: tuple[Any, ...] = ()
    refers: str | None = None
    doc: str = ""


def setting(
    default: Any = dataclasses.MISSING,
    *,
    key: str | None = None,
    min: float | None = None,
    max: float | None = None,
    more_than: float | None = None,
    choices: Sequence[Any] = (),
    refers: str | None = None,
    doc: str = "",
) -> Any:
    """A field of a @policies dataclass with its default and what values it accepts (no default: required)."""
    spec = Setting(key, min, max, more_than, tuple(choices), refers, doc)
    metadata = {SETTING: spec}
    if isinstance(default, (dict, list, set)):
        frozen = _freeze(default)
        return dataclasses.field(default_factory=lambda: frozen, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclass(frozen=True)
class PolicyTable:
    """The declaration of `[policies.<name>]`: the dataclass whose fields are its keys."""

    name: str
    cls: type
    module: str = ""
    prefix: str = "policies."  # the library's own sections ([workbook], [jobs]...) are declared the same way

    @property
    def section(self) -> str:
        return f"{self.prefix}{self.name}"

    def keys(self) -> dict[str, dataclasses.Field]:
        """Config key -> the dataclass field it fills."""
        return {_key(f): f for f in dataclasses.fields(self.cls) if f.init}


def policies(name: str) -> Callable[[type[T]], type[T]]:
    """Mark a dataclass as the declaration of the config's `[policies.<name>]` table."""

    def mark(cls: type[T]) -> type[T]:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"@policies({name!r}) marks a dataclass; put @dataclass(frozen=True) below it")
        setattr(cls, MARK, PolicyTable(name, cls, cls.__module__))
        return cls

    return mark


def declaration(cls: type) -> PolicyTable:
    table = getattr(cls, MARK, None)
    if not isinstance(table, PolicyTable):
        raise TypeError(f"{cls.__name__} is not marked @policies(name)")
    return table


def read_table(source: Path | str, table: PolicyTable, values: Any, schemas: Mapping[str, Schema]) -> Any:
    """The declared dataclass filled from the config's table (defaults for missing keys); raises ConfigError
    naming the file and key of the first mistake."""
    problems = table_problems(source, table, values, schemas)
    if problems:
        raise ConfigError(problems[0])
    return build(table, values)


def build(table: PolicyTable, values: Any) -> Any:
    hints = typing.get_type_hints(table.cls)
    given = values if isinstance(values, Mapping) else {}
    chosen = {f.name: convert(given[k], hints[f.name]) for k, f in table.keys().items() if k in given}
    return table.cls(**chosen)


def table_problems(source: Path | str, table: PolicyTable, values: Any, schemas: Mapping[str, Schema]) -> list[str]:
    """Every mistake in one policy table, each naming the file, the table and the key."""
    where = f"{source}: [{table.section}]"
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        return [f"{where} must be a table of settings, not {_shown(values)}"]
    declared = table.keys()
    hints = typing.get_type_hints(table.cls)
    out = []
    for key in values:
        if key not in declared:
            out.append(
                f"{where} {key} is not a setting of this table{did_you_mean(key, declared)}; "
                f"its settings: {', '.join(declared)}"
            )
    for key, f in declared.items():
        if key not in values:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                out.append(f"{where} {key} is required")
            continue
        spec = f.metadata.get(SETTING, Setting())
        problem = kind_problem(values[key], hints[f.name]) or limit_problem(values[key], spec)
        if problem is None:
            problem = refers_problem(values[key], spec, schemas)
        if problem:
            out.append(f"{where} {key} = {_shown(values[key])}: {problem}")
    return out


# --- types --------------------------------------------------------------------------------------------


def kind_problem(value: Any, hint: Any) -> str | None:
    """Why `value` (as TOML gives it) is not of the declared type, or None."""
    if _fits(value, hint):
        return None
    return f"write {describe_kind(hint)}, e.g. {example(hint)}"


def _fits(value: Any, hint: Any) -> bool:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, a) for a in args)
    if hint is type(None):
        return value is None
    if hint is Any:
        return True
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint in (float, Decimal):
        return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if hint is date:
        return isinstance(value, date)
    if origin in (tuple, list, Sequence, typing.Sequence) or hint in (tuple, list):
        item = args[0] if args else Any
        return isinstance(value, (list, tuple)) and all(_fits(v, item) for v in value)
    if origin in (dict, Mapping, typing.Mapping) or hint in (dict, Mapping):
        item = args[1] if len(args) == 2 else Any
        return isinstance(value, Mapping) and all(isinstance(k, str) and _fits(v, item) for k, v in value.items())
    return isinstance(value, hint) if isinstance(hint, type) else True


def describe_kind(hint: Any) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe_kind(a) for a in args if a is not type(None))
    if hint is bool:
        return "true or false"
    if hint is int:
        return "a whole number"
    if hint in (float, Decimal):
        return "a number"
    if hint is str:
        return "text in quotes"
    if hint is date:
        return "a date"
    if origin in (tuple, list, Sequence, typing.Sequence):
        return f"a list of {_plural(describe_kind(args[0]) if args else 'values')}"
    if origin in (dict, Mapping, typing.Mapping):
        return f"a table of {_plural(describe_kind(args[1]) if len(args) == 2 else 'values')}"
    return getattr(hint, "__name__", str(hint))


def example(hint: Any) -> str:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return example(next(a for a in args if a is not type(None)))
    samples = {bool: "true", int: "30", float: "0.5", Decimal: "0.5", str: '"text"', date: "2026-12-25"}
    if hint in samples:
        return samples[hint]
    if origin in (tuple, list, Sequence, typing.Sequence):
        return f"[{example(args[0]) if args else '...'}]"
    if origin in (dict, Mapping, typing.Mapping):
        return f"{{ name = {example(args[1]) if len(args) == 2 else '...'} }}"
    return "..."


def _plural(words: str) -> str:
    for single, many in (("a whole number", "whole numbers"), ("a number", "numbers"), ("text in quotes", "texts")):
        words = words.replace(single, many)
    return words.replace("true or false", "true/false values").replace("a date", "dates")


def convert(value: Any, hint: Any) -> Any:
    """A TOML value as the declared type: lists to tuples, tables to read-only mappings, numbers widened."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        hint = next((a for a in args if a is not type(None) and _fits(value, a)), hint)
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is float and not isinstance(value, bool):
        return float(value)
    if hint is Decimal:
        return Decimal(str(value))
    if origin in (tuple, list, Sequence, typing.Sequence):
        item = args[0] if args else Any
        return tuple(convert(v, item) for v in value)
    if origin in (dict, Mapping, typing.Mapping):
        item = args[1] if len(args) == 2 else Any
        return MappingProxyType({k: convert(v, item) for k, v in value.items()})
    return value


# --- limits and names ---------------------------------------------------------------------------------


def limit_problem(value: Any, spec: Setting) -> str | None:
    """Why a value is out of its declared range or not among its choices, with the likely fix."""
    numbers = _numbers(value)
    for number in numbers:
        if spec.min is not None and number < spec.min:
            return f"{_num(number)} is below the minimum {_num(spec.min)}"
        if spec.more_than is not None and number <= spec.more_than:
            return f"{_num(number)} must be more than {_num(spec.more_than)}"
        if spec.max is not None and number > spec.max:
            hint = ""
            if spec.max <= 1 < number <= 100 and (spec.min is None or number / 100 >= spec.min):
                hint = f" (it is a fraction, not a percentage: did you mean {_num(number / 100)}?)"
            return f"{_num(number)} is above the maximum {_num(spec.max)}{hint}"
    if spec.choices:
        for word in _words(value):
            if word not in spec.choices:
                return f"{word!r} is not one of {', '.join(map(repr, spec.choices))}{did_you_mean(word, spec.choices)}"
    return None


def refers_problem(value: Any, spec: Setting, schemas: Mapping[str, Schema]) -> str | None:
    """Why a name in the value does not exist in the config (a tab, a column, an allowed word), or None."""
    if not spec.refers:
        return None
    kind = spec.refers.partition(":")[0]
    if kind == "tab->columns":
        for tab, headers in (value or {}).items():
            problem = _name_problem(tab, "tab", schemas) or _names_problem(headers, f"columns:{tab}", schemas)
            if problem:
                return problem
        return None
    return _names_problem(value, spec.refers, schemas)


def _names_problem(value: Any, refers: str, schemas: Mapping[str, Schema]) -> str | None:
    names = list(value) if isinstance(value, (Mapping, list, tuple)) else [value]
    for name in names:
        problem = _name_problem(name, refers, schemas)
        if problem:
            return problem
    return None


def _name_problem(name: Any, refers: str, schemas: Mapping[str, Schema]) -> str | None:
    if not isinstance(name, str):
        return None
    kind, _, target = refers.partition(":")
    if kind == "tab":
        if name in schemas:
            return None
        return f"there is no tab {name!r} in [tabs]{did_you_mean(name, schemas)}"
    tab, _, header = target.partition(".")
    schema = schemas.get(tab)
    if schema is None:
        return None  # the config has no such tab: nothing to check the name against
    if kind == "columns":
        if schema.has(name):
            return None
        return f"the {tab} tab has no column {name!r}{did_you_mean(name, schema.headers)}"
    if kind == "values" and schema.has(header):
        column = schema.column(header)
        if not column.allowed or fold(name) in column.lookup:
            return None
        return f"{name!r} is not an allowed {header}{did_you_mean(name, column.allowed)}"
    return None


def did_you_mean(word: str, known: Any) -> str:
    """' (did you mean 'window_days'?)' for a misspelt word among `known`, else ''."""
    choices = {fold(str(k)): str(k) for k in known}
    close = difflib.get_close_matches(fold(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {choices[close[0]]!r}?)" if close else ""


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float, Decimal)):
        return [float(value)]
    if isinstance(value, Mapping):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _numbers(v)]
    return []


def _words(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _num(number: float) -> str:
    return f"{number:g}"


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if not isinstance(value, (int, float)) else _num(value)


def _key(f: dataclasses.Field) -> str:
    spec = f.metadata.get(SETTING)
    return spec.key if spec is not None and spec.key else f.name


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, (list, set)):
        return tuple(_freeze(v) for v in value)
    return value
