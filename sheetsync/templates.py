"""Jinja2 templates from the business's templates folder, sandboxed and strict; errors name template, line, variable.

The library knows no business words: filters are marked by the business's jobs folder
(`@template_filter("metal_phrase")`) and handed in by the project (`project.templates`).

    templates = Templates(config.templates_dir, filters={"metal_phrase": metal_phrase})
    text = templates.render(["drafts/ring.txt.j2", "drafts/base.txt.j2"], row=row)

A failing template raises TemplateFailure (a SheetSyncError) carrying the template, line and variable,
so a job can report it on the rows that hit it and carry on with the rest.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from jinja2.sandbox import SandboxedEnvironment

from .errors import ConfigError, SheetSyncError


def _is_markup(name: str | None) -> bool:
    """HTML and XML templates (x.html or x.html.j2) escape their values; plain text ones do not."""
    stem = (name or "").removesuffix(".j2")
    return stem.endswith((".html", ".htm", ".xml"))


class TemplateFailure(SheetSyncError):
    """A template could not be loaded or rendered; says which template, which line and which variable."""

    def __init__(self, template: str | None, line: int | None, variable: str | None, reason: str):
        self.template, self.line, self.variable, self.reason = template, line, variable, reason
        super().__init__(self.describe())

    def describe(self) -> str:
        where = f"template {self.template}" if self.template else "template"
        if self.line:
            where += f" line {self.line}"
        what = f"'{self.variable}' is undefined" if self.variable and "undefined" in self.reason else self.reason
        return f"{where}: {what}"


@dataclass(frozen=True)
class Limits:
    """What one rendering may take: a template that hits a limit fails for its row only, with a message."""

    output_chars: int = 200_000  # copy for one row is a few thousand characters
    range_items: int = 10_000  # range(n) in a template
    repeat_chars: int = 100_000  # "x" * n and [..] * n
    seconds: float = 5.0


class LimitExceeded(jinja2.sandbox.SecurityError):
    """A template went past one of its Limits."""


class _LimitedSandbox(SandboxedEnvironment):
    """The sandbox with limits on repetition (`*`, `**`) and on range() sizes."""

    intercepted_binops = frozenset({"*", "**"})
    limits = Limits()

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise LimitExceeded(f"a power of {right} is past the limit of 64")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if (
                    isinstance(seq, (str, list, tuple))
                    and isinstance(count, int)
                    and len(seq) * count > self.limits.repeat_chars
                ):
                    raise LimitExceeded(
                        f"repeating {len(seq)} items {count} times is past the limit of {self.limits.repeat_chars:,}"
                    )
        return super().call_binop(context, operator, left, right)


def _limited_range(limit: int) -> Callable[..., range]:
    def limited(*args: int) -> range:
        made = range(*args)
        if len(made) > limit:
            raise LimitExceeded(f"range of {len(made):,} items is past the limit of {limit:,}")
        return made

    return limited


@dataclass(frozen=True, eq=False)
class Templates:
    """The templates of one folder, with the project's filters; rendering is sandboxed, strict and limited."""

    directory: Path
    filters: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    globals: Mapping[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        if not Path(self.directory).is_dir():
            raise ConfigError(f"templates folder {self.directory} does not exist (set `templates` in the config)")

    @cached_property
    def env(self) -> SandboxedEnvironment:
        """One environment per Templates, so compiled templates are reused for every row of a run."""
        env = _LimitedSandbox(
            loader=jinja2.FileSystemLoader(str(self.directory)),
            undefined=jinja2.StrictUndefined,
            autoescape=_is_markup,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=True,
        )
        env.limits = self.limits
        env.filters.update(self.filters)
        env.globals.update(self.globals)
        env.globals["range"] = _limited_range(self.limits.range_items)
        return env

    def names(self) -> list[str]:
        """Every template's name (path relative to the folder, with forward slashes)."""
        return sorted(self.env.list_templates())

    def exists(self, name: str) -> bool:
        return (Path(self.directory) / name).is_file()

    def first(self, names: str | Sequence[str]) -> str:
        """The first of `names` that exists (category before generic); TemplateFailure if none does."""
        candidates = [names] if isinstance(names, str) else list(names)
        for name in candidates:
            if self.exists(name):
                return name
        raise TemplateFailure(
            candidates[0] if candidates else None,
            None,
            None,
            f"not found in {self.directory} (looked for {', '.join(candidates)})",
        )

    def render(self, names: str | Sequence[str], /, **context: Any) -> str:
        """Render the first existing template of `names`; whitespace at both ends is trimmed."""
        name = self.first(names)
        env = self.env
        try:
            return self._limited(env.get_template(name), context).strip()
        except TemplateFailure:
            raise
        except jinja2.TemplateSyntaxError as ex:
            raise TemplateFailure(
                _relative(self.directory, ex.filename) or ex.name or name,
                ex.lineno,
                None,
                f"syntax error: {ex.message}",
            ) from None
        except jinja2.TemplateNotFound as ex:
            template_name, line = _where(ex, self.directory, name)
            raise TemplateFailure(template_name, line, None, f"includes {ex.name}, which does not exist") from None
        except Exception as ex:  # UndefinedError, SecurityError, a filter's own error: all name the line
            template_name, line = _where(ex, self.directory, name)
            raise TemplateFailure(template_name, line, _variable(ex), _reason(ex)) from None

    def _limited(self, template: jinja2.Template, context: Mapping[str, Any]) -> str:
        """Render piece by piece, stopping as soon as the output or the time goes past the limits."""
        limits, began, size, parts = self.limits, time.monotonic(), 0, []
        for part in template.generate(**context):
            size += len(part)
            parts.append(part)
            if size > limits.output_chars:
                raise LimitExceeded(f"the output passed {limits.output_chars:,} characters")
            if time.monotonic() - began > limits.seconds:
                raise LimitExceeded(f"rendering took more than {limits.seconds:g} s")
        return "".join(parts)


def _relative(directory: Path, filename: str | None) -> str | None:
    if not filename:
        return None
    try:
        return Path(filename).resolve().relative_to(Path(directory).resolve()).as_posix()
    except ValueError:
        return filename


def _where(ex: BaseException, directory: Path, default: str) -> tuple[str, int | None]:
    """The innermost template frame of the traceback (jinja2 rewrites frames to template file and line)."""
    root = str(Path(directory).resolve())
    found: tuple[str, int | None] = (default, None)
    tb = ex.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename and str(Path(filename).resolve()).startswith(root):
            found = (_relative(directory, filename) or default, tb.tb_lineno)
        tb = tb.tb_next
    return found


_UNDEFINED = (
    re.compile(r"'([\w.]+)' is undefined"),
    re.compile(r"has no attribute '([\w.]+)'"),
    re.compile(r"has no element '?([\w.]+)'?"),
)


def _variable(ex: BaseException) -> str | None:
    for pattern in _UNDEFINED:
        match = pattern.search(str(ex))
        if match:
            return match.group(1)
    return None


def _reason(ex: BaseException) -> str:
    if isinstance(ex, LimitExceeded):
        return f"stopped, {ex} (make the template smaller)"
    if isinstance(ex, jinja2.UndefinedError):
        name = _variable(ex)
        return f"'{name}' is undefined" if name else f"undefined value: {ex}"
    return f"{type(ex).__name__}: {ex}"


def render_many(
    templates: Templates, items: Iterable[tuple[str, Sequence[str], Mapping[str, Any]]]
) -> tuple[dict[str, str], TemplateFailure | None]:
    """Render several templates for one record; stops at the first failure (one message per record)."""
    out: dict[str, str] = {}
    for label, names, context in items:
        try:
            out[label] = templates.render(names, **context)
        except TemplateFailure as failure:
            return out, failure
    return out, None
