"""The copy pipeline: the Copy Log (every Description Status change the runs observe) and the Copywriters tab.

Copy Log is history: the job only appends to it, one row per change it sees, and learns the status a SKU
had from the log itself (its latest row), so nothing else has to be remembered and a rerun appends
nothing. A SKU the log has never seen gets a first row with a blank From. Copywriters is rewritten whole
from SKUs and the log: each writer's open briefs, what is due this week, what is overdue, deliveries on
time over the last 90 days and the average number of review rounds (times a SKU went to In Review).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import mean

from sheetsync import ChangeSet, Context, job, policies, setting
from sheetsync.model.layout import TabContent, TabLayout
from sheetsync.model.tab import Row, Tab

LOG = "Copy Log"
TAB = "Copywriters"
HEADERS = (
    "Copywriter",
    "Open Briefs",
    "Due This Week",
    "Overdue",
    "Next Due",
    "Delivered (90 days)",
    "On Time (90 days)",
    "On-time Rate",
    "Avg Review Rounds",
)
NO_WRITER = "(no copywriter)"


@policies("copywriters")
@dataclass(frozen=True)
class PipelinePolicy:
    """[policies.copywriters]: which statuses mean the writer owes work, what counts as delivered, the window."""

    writing: tuple[str, ...] = setting(
        ("Brief", "Drafting", "Changes Requested", "Needs Update"),
        key="writing_statuses",
        refers="values:SKUs.Description Status",
    )
    delivered: tuple[str, ...] = setting(
        ("In Review", "Approved", "Published"), key="delivered_statuses", refers="values:SKUs.Description Status"
    )
    review: str = setting("In Review", key="review_status", refers="values:SKUs.Description Status")
    approved: str = setting("Approved", key="approved_status", refers="values:SKUs.Description Status")
    window: int = setting(90, key="on_time_window_days", min=1)


@dataclass(frozen=True)
class Entry:
    """One row of the Copy Log, typed."""

    sku: str
    before: str | None
    after: str | None
    seen: datetime | None
    writer: str | None
    due: date | None
    order: int = 0  # its place in the log, to break ties between rows seen at the same moment


@job("copy_pipeline", after=["describe"], reports_issues=False)
def copy_pipeline(ctx: Context) -> ChangeSet:
    """Append each Description Status change to Copy Log and rewrite the Copywriters tab."""
    cs = ctx.changes()
    skus, log = ctx.tab("SKUs"), ctx.tab(LOG)
    if not skus.usable:
        return cs
    policy = ctx.config.policy(PipelinePolicy)
    entries = read_log(log) if log.usable else []
    if log.usable:
        seen = ctx.now.replace(tzinfo=None, microsecond=0)  # the workbook's local time, as people read it
        for row, change in changes(skus, latest(entries), seen, policy):
            # seen on the SKU's row as read: a person changing the row meanwhile holds the entry back to the
            # next run, which logs the status as it is then
            cs.append(LOG, {"Entry": ctx.issue_id(LOG), **change}, reads=[(skus, row)])
            entries.append(_entry(change, len(entries)))
    cs.replace(copywriters_tab(writer_rows(skus, entries, ctx.today, policy)))
    return cs


def read_log(log: Tab) -> list[Entry]:
    out = []
    for i, row in enumerate(log):
        if row["SKU"]:
            out.append(
                Entry(row["SKU"], row["From"], row["To"], row["First Seen"], row["Copywriter"], row["Copy Due"], i)
            )
    return out


def latest(entries: Iterable[Entry]) -> dict[str, Entry]:
    """Each SKU's latest log row: the status the runs last saw."""
    out: dict[str, Entry] = {}
    for e in sorted(entries, key=lambda e: (e.seen or datetime.min, e.order)):
        out[e.sku.casefold()] = e
    return out


def changes(skus: Tab, last: dict[str, Entry], seen: datetime, policy: PipelinePolicy) -> list[tuple[Row, dict]]:
    """The log rows to append, with the SKU row each is about: each SKU whose status differs from its latest
    log row (or has none yet)."""
    out = []
    for row in skus:
        status = row["Description Status"]
        if not row.has_key or row.repeated or status is None:
            continue  # no key, a key on two rows, or an unreadable status: validate says so; nothing to log
        before = last.get(row.key.casefold())
        if before is not None and before.after == status:
            continue
        out.append((row, _change(row, before.after if before else None, status, seen, policy)))
    return out


def _change(row: Row, before: str | None, status: str, seen: datetime, policy: PipelinePolicy) -> dict:
    return {
        "SKU": row.key,
        "From": before,
        "To": status,
        "First Seen": seen,
        "Copywriter": row["Copywriter"],
        "Copy Due": row["Copy Due"],
        "Approver": row["Approved By"] if status == policy.approved else None,
    }


def _entry(change: dict, order: int) -> Entry:
    return Entry(
        change["SKU"],
        change["From"],
        change["To"],
        change["First Seen"],
        change["Copywriter"],
        change["Copy Due"],
        order,
    )


@dataclass
class Writer:
    name: str
    open: int = 0
    this_week: int = 0
    overdue: int = 0
    next_due: date | None = None
    delivered: int = 0
    on_time: int = 0
    rounds: list[int] = field(default_factory=list)

    def line(self) -> list:
        rate = self.on_time / self.delivered if self.delivered else None
        avg = round(mean(self.rounds), 2) if self.rounds else None
        return [
            self.name,
            self.open,
            self.this_week,
            self.overdue,
            self.next_due,
            self.delivered,
            self.on_time,
            rate,
            avg,
        ]


def writer_rows(skus: Tab, entries: list[Entry], today: date, policy: PipelinePolicy) -> list[Writer]:
    """Per copywriter: the open queue from SKUs as they are, the record from the log."""
    writers: dict[str, Writer] = {}

    def of(name: str | None) -> Writer:
        label = (name or "").strip() or NO_WRITER
        return writers.setdefault(label.casefold(), Writer(label))

    week_end = today + timedelta(days=6 - today.weekday())  # the coming Sunday
    for row in skus:
        if row["Description Status"] not in policy.writing:
            continue
        w, due = of(row["Copywriter"]), row["Copy Due"]
        w.open += 1
        if due is not None and due < today:
            w.overdue += 1
        elif due is not None and due <= week_end:
            w.this_week += 1
        if due is not None and due >= today and (w.next_due is None or due < w.next_due):
            w.next_due = due
    since = today - timedelta(days=policy.window)
    rounds: dict[tuple[str, str], int] = {}
    for e in entries:
        if e.after == policy.review:
            key = ((e.writer or "").strip().casefold() or NO_WRITER.casefold(), e.sku.casefold())
            rounds[key] = rounds.get(key, 0) + 1
            of(e.writer)
        delivered = e.before in policy.writing and e.after in policy.delivered
        if delivered and e.seen is not None and e.seen.date() > since:
            w = of(e.writer)
            w.delivered += 1
            w.on_time += 1 if e.due is not None and e.seen.date() <= e.due else 0
    for (writer, _sku), count in rounds.items():
        writers[writer].rounds.append(count)
    return sorted(writers.values(), key=lambda w: (w.name == NO_WRITER, w.name.casefold()))


def copywriters_tab(writers: list[Writer]) -> TabContent:
    rows: list[list] = [list(HEADERS)]
    layout = TabLayout(
        frozen_rows=1,
        widths={1: 20, **dict.fromkeys(range(2, len(HEADERS) + 1), 13)},
        bold={(1, c) for c in range(1, len(HEADERS) + 1)},
        fit_width=True,
    )
    for w in writers:
        r = len(rows) + 1
        rows.append(w.line())
        layout.number_formats[(r, 5)] = "yyyy-mm-dd"
        layout.number_formats[(r, 8)] = "0%"
        layout.number_formats[(r, 9)] = "0.0"
    if len(rows) == 1:
        rows.append(["No copy assigned yet."])
    return TabContent(TAB, rows, layout)
