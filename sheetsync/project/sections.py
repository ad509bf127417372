"""The sections of sheetsync.toml the library itself reads, declared like a job's policies, and their checks.

[brand] is the business's own (its jobs and templates read it), so any keys go there; [policies.<name>]
tables are declared by the jobs that read them (see policies.py), or here for the library's own
([policies.google], read by the Google Sheets backend).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..model.cadence import CadenceError, parse_cadence
from .policies import PolicyTable, declaration, did_you_mean, policies, setting, table_problems

# Top-level keys that are not tables.
PATHS = {"vocabularies": "vocabularies.toml", "templates": "templates"}
FREE_FORM = ("brand",)  # the business's own table: its jobs and templates read whatever it holds
TABLES_OF_NAMES = ("tabs", "schedule", "policies")  # keys are names (tabs, jobs, policy tables)


@dataclass(frozen=True)
class WorkbookSection:
    """[workbook]: which workbook, its time zone and how dates and money are typed in it."""

    target: str = setting("", doc="a path ending in .xlsx, gsheets:<key or URL>, or memory: (or --workbook)")
    timezone: str = "UTC"
    date_order: str = setting("MDY", choices=("MDY", "DMY"))
    currency_symbols: str = "$£€"


@dataclass(frozen=True)
class JobsSection:
    """[jobs]: where the jobs folder is and which of its jobs a plain `run` runs."""

    dir: str = "../jobs"
    enabled: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalendarSection:
    """[calendar]: the business's days off (business-day cadences and SLAs skip them)."""

    holidays: tuple[date | str, ...] = ()


@dataclass(frozen=True)
class DemoSection:
    """[demo]: the function of the jobs folder that builds the demo's rows, and the demo file's name."""

    builder: str = ""
    file: str = "demo.xlsx"


@dataclass(frozen=True)
class OutboxSection:
    """[outbox]: the SMTP server `sheetsync send` sends approved Outbox rows through (blank smtp: off)."""

    smtp: str = setting("", doc='"host:port" of the SMTP server; blank: sending is off')
    sender: str = setting("", doc="the From address")
    tab: str = setting("Outbox", doc="the outbox tab (it must be in [tabs])")
    starttls: bool = False
    ssl: bool = False
    username: str = ""
    password_env: str = "SHEETSYNC_SMTP_PASSWORD"
    timeout: float = setting(30.0, more_than=0)


@dataclass(frozen=True)
class GoogleSettings:
    """[policies.google]: the Google Sheets backend's credentials, retries and timeout."""

    credentials: str = ""
    endpoint: str = ""
    attempts: int = setting(6, min=1)
    initial_wait: float = setting(1.0, min=0)
    max_wait: float = setting(32.0, min=0)
    max_total_wait: float = setting(120.0, min=0)
    timeout: float = setting(60.0, more_than=0)


@policies("audit")
@dataclass(frozen=True)
class AuditPolicy:
    """[policies.audit]: how long `_Log` and `_Runs` keep rows in the workbook, and where older ones go."""

    keep_days: int = setting(90, min=1, doc="days of history the workbook keeps; older rows move to the archive")
    archive: str = setting("audit-archive.sqlite", doc="an SQLite file, relative to the config's folder")


SECTIONS = {
    "workbook": PolicyTable("workbook", WorkbookSection, __name__, prefix=""),
    "jobs": PolicyTable("jobs", JobsSection, __name__, prefix=""),
    "calendar": PolicyTable("calendar", CalendarSection, __name__, prefix=""),
    "demo": PolicyTable("demo", DemoSection, __name__, prefix=""),
    "outbox": PolicyTable("outbox", OutboxSection, __name__, prefix=""),
}
LIBRARY_POLICIES = {
    "google": PolicyTable("google", GoogleSettings, __name__),
    "audit": declaration(AuditPolicy),
}
KNOWN = (*SECTIONS, *TABLES_OF_NAMES, *FREE_FORM, *PATHS)


def section_problems(path: Path, data: Mapping[str, Any]) -> list[str]:
    """Every mistake in the library's own sections: unknown ones, unknown keys, wrong types, bad cadences."""
    out = []
    for key, value in data.items():
        if key not in KNOWN:
            what = "section" if isinstance(value, Mapping) else "key"
            shown = f"[{key}]" if isinstance(value, Mapping) else key
            out.append(
                f"{path}: {shown} is not a {what} sheetsync knows{did_you_mean(key, KNOWN)}; "
                f"sections: {', '.join(f'[{k}]' for k in (*SECTIONS, *TABLES_OF_NAMES, *FREE_FORM))}"
            )
        elif key in PATHS and not isinstance(value, str):
            out.append(f'{path}: {key} = {value!r}: write a path in quotes, e.g. {key} = "{PATHS[key]}"')
        elif key in (*TABLES_OF_NAMES, *FREE_FORM) and not isinstance(value, Mapping):
            out.append(f"{path}: {key} must be a section ([{key}]), not a single value")
    for name, table in SECTIONS.items():
        if name in data:
            out += table_problems(path, table, data[name], {})
    out += _zone_problems(path, data.get("workbook"))
    out += _tabs_problems(path, data.get("tabs"))
    out += _schedule_problems(path, data)
    out += _policies_shape(path, data.get("policies"))
    return out


def _zone_problems(path: Path, workbook: Any) -> list[str]:
    name = workbook.get("timezone") if isinstance(workbook, Mapping) else None
    if not isinstance(name, str):
        return []
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return [f"{path}: [workbook] timezone = {name!r} is not an IANA time zone (e.g. America/New_York)"]
    return []


def _tabs_problems(path: Path, tabs: Any) -> list[str]:
    if not isinstance(tabs, Mapping):
        return []
    return [
        f'{path}: [tabs] {tab} = {file!r}: write the schema file\'s path in quotes, e.g. {tab} = "schemas/{tab}.toml"'
        for tab, file in tabs.items()
        if not isinstance(file, str)
    ]


def _schedule_problems(path: Path, data: Mapping[str, Any]) -> list[str]:
    """Each cadence must parse: a misspelt one never silently becomes 'on demand'."""
    schedule = data.get("schedule")
    if not isinstance(schedule, Mapping):
        return []
    out = []
    for job, text in schedule.items():
        if not isinstance(text, str):
            out.append(f'{path}: [schedule] {job} = {text!r}: write the cadence in quotes, e.g. "every day at 07:00"')
            continue
        try:
            parse_cadence(text, ZoneInfo("UTC"))
        except CadenceError as ex:
            out.append(f"{path}: [schedule] {job}: {ex}")
    return out


def _policies_shape(path: Path, policies: Any) -> list[str]:
    if not isinstance(policies, Mapping):
        return []
    return [
        f"{path}: policies.{name} = {value!r}: policies are tables, one per job ([policies.{name}] then its keys)"
        for name, value in policies.items()
        if not isinstance(value, Mapping)
    ]
