"""Sending the Outbox: the messages a person approved (Status Send) go out by SMTP, once, with Sent On recorded.

    sheetsync.send(config)                 # send what people set to Send; record Sent On and Status Sent
    sheetsync.send(config, dry_run=True)   # list what would be sent; send and write nothing

An outbox tab has the columns Message ID (its key), To, Subject, Body, Status and Sent On. Jobs draft its
rows; only a person's Send in Status approves one, and only this call (`sheetsync send`) sends: never a run
or the schedule. A row with Sent On filled is never sent again, whatever its Status says. The sends happen
inside the run's lease, after the read; Sent On and Status Sent are then written together through the guard.
A message that went out but whose row a person changed meanwhile is listed as sent but not recorded, so it
can be marked by hand.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from .backends.base import Backend
from .engine.run import RunResult, run_changes
from .errors import ConfigError, SheetSyncError
from .model.changes import CellChange
from .model.tab import Row, Tab
from .project.config import Config
from .project.policies import build
from .project.sections import SECTIONS, OutboxSection

APPROVED, SENT = "Send", "Sent"
COLUMNS = ("To", "Subject", "Body", "Status", "Sent On")


@dataclass
class Sent:
    """One approved message: where it went, and why not when it did not."""

    key: str
    to: str
    subject: str
    error: str | None = None  # the SMTP server's refusal, or why it was not tried
    recorded: bool = False  # Sent On and Status were written back


@dataclass
class SendResult:
    """What `send` sent (or, on a dry run, would send), and the run that recorded it."""

    messages: list[Sent] = field(default_factory=list)
    result: RunResult | None = None
    dry_run: bool = False

    @property
    def sent(self) -> list[Sent]:
        return [m for m in self.messages if m.error is None]

    @property
    def failed(self) -> list[Sent]:
        return [m for m in self.messages if m.error is not None]


def settings(config: Config) -> OutboxSection:
    return build(SECTIONS["outbox"], config.outbox)


def send(
    config: Config,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    backend: Backend | None = None,
    connect: Callable[[OutboxSection], Any] | None = None,
) -> SendResult:
    """Send every outbox row a person set to Send and that has no Sent On; record Sent On and Status Sent.

    `connect(settings)` returns an object with `send_message` (default: an SMTP connection from [outbox])."""
    outbox = settings(config)
    if not outbox.smtp and not dry_run and connect is None:
        raise ConfigError(f'{config.path}: [outbox] smtp is blank, so sending is off: set it to "host:port"')
    if outbox.tab not in config.schemas:
        raise ConfigError(f"{config.path}: [outbox] tab = {outbox.tab!r} is not in [tabs]")
    missing = [c for c in ("Message ID", *COLUMNS) if not config.schemas[outbox.tab].has(c)]
    if missing:
        raise ConfigError(f"{config.schemas[outbox.tab].source}: an outbox tab needs the columns {', '.join(missing)}")
    now = (now or datetime.now(UTC)).astimezone(config.timezone)
    done = SendResult(dry_run=dry_run)
    server: list[Any] = []

    def deliver(tabs: Mapping[str, Tab]) -> list[CellChange]:
        tab = tabs[outbox.tab]
        done.messages.clear()
        if not tab.usable:
            raise SheetSyncError(f"the {outbox.tab} tab is missing or unreadable: run `sheetsync init`")
        writes: list[CellChange] = []
        for row in tab:
            if row["Status"] != APPROVED or row["Sent On"] is not None or row.raw("Sent On") not in (None, ""):
                continue
            message = Sent(row.key, str(row["To"] or ""), str(row["Subject"] or ""))
            done.messages.append(message)
            if not message.to:
                message.error = "To is blank or not an email address: fix To, then send again"
                continue
            if dry_run:
                continue
            try:
                if not server:
                    server.append((connect or _connect)(outbox))
                server[0].send_message(_email(outbox, row, message))
            except (smtplib.SMTPException, OSError) as ex:
                message.error = f"{type(ex).__name__}: {ex}"
                continue
            group = f"sent:{row.key}"  # Sent On and Status Sent land together
            stamp = now.replace(tzinfo=None, microsecond=0)  # the workbook's local time, as people read it
            writes += [_change(tab, row, "Sent On", stamp, group), _change(tab, row, "Status", SENT, group)]
        return writes

    try:
        done.result = run_changes(config, "send", deliver, now=now, dry_run=dry_run, backend=backend)
    finally:
        if server:
            _quit(server[0])
    skipped = {p.key for p in done.result.conflicts}
    for message in done.sent:
        message.recorded = not dry_run and message.key not in skipped
    return done


def _change(tab: Tab, row: Row, column: str, value: Any, group: str) -> CellChange:
    header = tab.schema.column(column).header
    return CellChange(
        tab.name, row.key, header, value, row.read_raw(header), row.get(header), row.sheet_row, None, group
    )


def _email(outbox: OutboxSection, row: Row, message: Sent) -> EmailMessage:
    email = EmailMessage()
    email["From"] = outbox.sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=row.key.replace(":", "."))
    email.set_content(str(row["Body"] or ""))
    return email


def _connect(outbox: OutboxSection) -> smtplib.SMTP:
    host, _, port = outbox.smtp.rpartition(":") if ":" in outbox.smtp else (outbox.smtp, "", "")
    number = int(port) if port.isdigit() else (465 if outbox.ssl else 25)
    if outbox.ssl:
        server: smtplib.SMTP = smtplib.SMTP_SSL(host, number, timeout=outbox.timeout)
    else:
        server = smtplib.SMTP(host, number, timeout=outbox.timeout)
        if outbox.starttls:
            server.starttls(context=ssl.create_default_context())
    if outbox.username:
        server.login(outbox.username, os.environ.get(outbox.password_env, ""))
    return server


def _quit(server: Any) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError, AttributeError):
        server.quit()


__all__ = ["SendResult", "Sent", "send"]
