"""The overdue job: gift follow-ups, returns authorization and SLAs, copy deadlines; and the actions for To Do.

Everything is computed from the rows as read plus `ctx.today` (the brand's time zone), so a rerun at
the same moment finds the same values and writes nothing. The actions the To Do tab lists are built
here, from the same values the job writes (an id issued or a status moved in this run included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sheetsync import Action, ChangeSet, Context, Severity, job, policies, setting
from sheetsync.model.calendar import Calendar
from sheetsync.model.tab import Row, Tab
from sheetsync.model.values import is_blank

from ..roles import Roles


class OverdueCode(StrEnum):
    """Problems the overdue job reports in the Issues columns (stable values; tests compare these)."""

    NOT_INSPECTED = "not_inspected"
    RECEIVED_ON_MISSING = "received_on_missing"
    WORKSHOP_OVERDUE = "workshop_overdue"
    WORKSHOP_DUE_MISSING = "workshop_due_missing"
    RESOLUTION_INCOMPLETE = "resolution_incomplete"
    COPY_LATE = "copy_late"
    LAUNCH_COPY_NOT_READY = "launch_copy_not_ready"
    GIFT_OUT_OF_STOCK = "gift_out_of_stock"
    GIFT_NOT_DELIVERED = "gift_not_delivered"


class Task(StrEnum):
    """Kinds of To Do actions (stable values)."""

    CONFIRM_ADDRESS = "confirm_address"
    CHECK_STOCK = "check_stock"
    SHIP_GIFT = "ship_gift"
    ENTER_TRACKING = "enter_tracking"
    CHASE_DELIVERY = "chase_delivery"
    SEND_REMINDER_1 = "send_reminder_1"
    SEND_REMINDER_2 = "send_reminder_2"
    CHECK_POST = "check_post"
    GHOSTED = "gift_ghosted"
    FIX_DISCLOSURE = "fix_disclosure"
    DECIDE_RETURN = "decide_return"
    AUTHORIZE_RETURN = "authorize_return"
    COMPLETE_RETURN = "complete_return"
    TELL_EXPIRED = "tell_expired"
    INSPECT_RETURN = "inspect_return"
    CHASE_WORKSHOP = "chase_workshop"
    SET_WORKSHOP_DUE = "set_workshop_due"
    CLOSE_RETURN = "close_return"
    WRITE_COPY = "write_copy"
    REVIEW_COPY = "review_copy"
    PUBLISH_COPY = "publish_copy"


OPEN_RETURN = ("Requested", "Authorized", "In Transit", "Received", "Inspecting", "At Workshop")
NOT_POSTED = ("Awaiting Shipment", "In Transit", "Awaiting Post", "Due Soon", "Overdue", "Ghosted")


@dataclass
class Scope:
    """What every part of the job shares: the clock, the calendar, lookups, and the output."""

    ctx: Context
    cs: ChangeSet
    today: date
    calendar: Calendar

    def policy(self, table: type[Any]) -> Any:
        return self.ctx.config.policy(table)

    def who(self, role: str) -> str:
        return str(getattr(self.policy(Roles), role))

    def act(
        self,
        tab: Tab,
        row: Row,
        key: str,
        who: str,
        what: str,
        due: date,
        kind: Task,
        rank: int = 5,
        column: str | None = None,
    ) -> None:
        """A To Do line about `row` (`key`: its key, or the id issued to it in this run); `column`: the cell
        the line asks to fill (its link points there, and To Do lists no second line to fix that cell)."""
        self.cs.todo(Action.at(tab, row, who=who, what=what, due=due, kind=kind, rank=rank, key=key, column=column))

    def key(self, tab: Tab, row: Row) -> str:
        """The row's key; a row without one gets the next issued id (written in this run).

        Rows that are exact copies of each other get none: no write could tell them apart (the guard skips
        them), so an id would be used up on every run; validate flags the copies for a person."""
        if row.has_key or row.repeated:
            return row.key
        issued = self.ctx.issue_id(tab.name)
        self.cs.set(tab, row, tab.schema.key, issued)
        return issued

    def product(self, sku_text: str | None) -> str:
        sku = self.skus.row(sku_text) if sku_text and self.skus.usable else None
        name = sku["Product Name"] if sku is not None else None
        return f"the {name}" if name else (sku_text or "(no SKU)")

    @property
    def skus(self) -> Tab:
        return self.ctx.tab("SKUs")


@job("overdue", after=["validate", "restock"])  # restock: gifts see Stock as written
def overdue(ctx: Context) -> ChangeSet:
    """Flag late gift posts, stuck returns and late copy; issue ids, fill blanks, and list today's actions."""
    scope = Scope(ctx, ctx.changes(), ctx.today, Calendar.of(ctx.config))
    for name, part in (("Gifts", _gifts), ("Returns", _returns), ("SKUs", _copy)):
        tab = ctx.tab(name)
        if tab.usable:
            part(scope, tab)
    return scope.cs


# --- Gifts -------------------------------------------------------------------------------------


@policies("gifting")
@dataclass(frozen=True)
class GiftPolicy:
    """[policies.gifting]: the posting window and the follow-up cadence, in calendar days."""

    window: int = setting(14, key="posting_window_days", min=1)
    due_soon: int = setting(3, key="due_soon_days", min=0)
    reminder_2: int = setting(7, key="reminder_2_after_days", min=1)
    ghosted: int = setting(30, key="ghosted_after_days", min=1)
    delivery_chase: int = setting(7, key="delivery_chase_after_days", min=1)
    hold_statuses: tuple[str, ...] = setting(
        ("Paused", "Do Not Gift"), key="no_shipping_statuses", refers="values:Influencers.Status"
    )
    shares: bool = setting(False, key="engagement_counts_shares")
    saves: bool = setting(False, key="engagement_counts_saves")

    @classmethod
    def of(cls, scope: Scope) -> GiftPolicy:
        return scope.policy(cls)


def follow_up_stage(due: date | None, last: date | None, today: date, policy: GiftPolicy) -> str:
    """Reminder 1 from Post Due, Reminder 2 `reminder_2` days later, Ghosted at `ghosted` days overdue;
    each step only once Last Follow-up shows the previous reminder went out (logged on or after its date)."""
    if due is None or today < due:
        return "None"
    second, gone = due + timedelta(days=policy.reminder_2), due + timedelta(days=policy.ghosted)
    if today < second or last is None or last < due:
        return "Reminder 1"
    if today < gone or last < second:
        return "Reminder 2"
    return "Ghosted"


def post_status(row: Row, due: date | None, stage: str, today: date, policy: GiftPolicy) -> str:
    """Where a gift stands: shipped, delivered, due, overdue, posted or ghosted."""
    if _posted(row):
        return "Posted"
    if row["Delivered On"] is None:
        return "In Transit" if row["Shipped On"] is not None else "Awaiting Shipment"
    if due is None:
        return "Awaiting Post"
    if stage == "Ghosted":
        return "Ghosted"
    if today > due:
        return "Overdue"
    return "Due Soon" if (due - today).days <= policy.due_soon else "Awaiting Post"


def engagement_rate(row: Row, followers: int | None, policy: GiftPolicy) -> Decimal | None:
    """(likes + comments [+ shares] [+ saves]) / followers, to 4 places; None without a post or followers."""
    names = ["Likes", "Comments"] + (["Shares"] if policy.shares else []) + (["Saves"] if policy.saves else [])
    counts = [row[n] for n in names]
    if not _posted(row) or not followers or all(c is None for c in counts):
        return None
    return (Decimal(sum(c or 0 for c in counts)) / Decimal(followers)).quantize(Decimal("0.0001"))


def _posted(row: Row) -> bool:
    return row["Posted On"] is not None or not is_blank(row.raw("Post URL"))


def _gifts(scope: Scope, gifts: Tab) -> None:
    policy = GiftPolicy.of(scope)
    people = scope.ctx.tab("Influencers")
    for row in gifts:
        key = scope.key(gifts, row)
        _fill_gift_value(scope, gifts, row)
        due = row["Post Due"]
        if due is None and is_blank(row.raw("Post Due")) and row["Delivered On"] is not None:
            due = row["Delivered On"] + timedelta(days=policy.window)
            scope.cs.set(gifts, row, "Post Due", due)
        open_ = not _posted(row) and row["Delivered On"] is not None
        if open_:
            stage = follow_up_stage(due, row["Last Follow-up"], scope.today, policy)
        elif _posted(row):
            stage = row["Follow-up Stage"] or "None"  # the chase is over: keep how far it went
        else:
            stage = "None"
        status = post_status(row, due, stage, scope.today, policy)
        days = max(0, (scope.today - due).days) if open_ and due is not None else None
        person = people.row(row["Handle"]) if row["Handle"] and people.usable else None
        rate = engagement_rate(row, person["Followers"] if person is not None else None, policy)
        for column, value in (
            ("Follow-up Stage", stage),
            ("Post Status", status),
            ("Days Overdue", days),
            ("Engagement Rate", rate),
        ):
            scope.cs.set(gifts, row, column, value)
        if row["Handle"] and people.usable:  # the rate is found from the creator's row (Followers)
            scope.cs.computed_from(gifts, row, [(people, row["Handle"])])
        _gift_actions(scope, gifts, row, key, due, stage, policy)


def _fill_gift_value(scope: Scope, gifts: Tab, row: Row) -> None:
    if not is_blank(row.raw("Gift Value")) or not row["SKU"] or not scope.skus.usable:
        return
    sku = scope.skus.row(row["SKU"])
    if sku is not None and sku["Cost"] is not None:
        scope.cs.set(gifts, row, "Gift Value", sku["Cost"], reads=[(scope.skus, row["SKU"])])


def _gift_actions(
    scope: Scope, gifts: Tab, row: Row, key: str, due: date | None, stage: str, policy: GiftPolicy
) -> None:
    handle, piece = row["Handle"] or "(no handle)", scope.product(row["SKU"])
    va, last = scope.who("va"), row["Last Follow-up"]
    people = scope.ctx.tab("Influencers")
    person = people.row(row["Handle"]) if row["Handle"] and people.usable else None
    if person is None and people.usable:
        return  # no chase to a handle that does not exist: its "fix the handle" line comes from validate's error
    if row["Delivered On"] is None and not _posted(row):
        _shipping_step(scope, gifts, row, key, person, piece, policy)
        return
    if _posted(row):
        if row["Disclosure"] is not True:  # the finding itself is validate's (disclosure_missing): chase it here
            scope.act(
                gifts,
                row,
                key,
                va,
                f"Ask {handle} to add #ad or #gifted to their post for {piece}, then set Disclosure to Yes",
                row["Posted On"] or scope.today,
                Task.FIX_DISCLOSURE,
                3,
            )
        return
    if due is None or row["Delivered On"] is None or scope.today <= due:
        return
    second = due + timedelta(days=policy.reminder_2)
    late = (scope.today - due).days
    if stage == "Reminder 1" and (last is None or last < due):
        scope.act(
            gifts,
            row,
            key,
            va,
            f"Send reminder 1 to {handle} for {piece} and log it in Last Follow-up",
            due,
            Task.SEND_REMINDER_1,
            1,
        )
    elif stage == "Reminder 2" and last < second:
        scope.act(
            gifts,
            row,
            key,
            va,
            f"Send reminder 2 to {handle} for {piece} and log it in Last Follow-up",
            second,
            Task.SEND_REMINDER_2,
            1,
        )
    elif stage == "Ghosted":
        scope.act(
            gifts,
            row,
            key,
            scope.who("founder"),
            f"No post from {handle} for {piece} after 2 reminders "
            f"({late} days overdue): decide whether to gift them again",
            due + timedelta(days=policy.ghosted),
            Task.GHOSTED,
            4,
        )
    else:
        nxt, when = (
            ("reminder 2", second) if stage == "Reminder 1" else ("ghosted", due + timedelta(days=policy.ghosted))
        )
        scope.act(
            gifts,
            row,
            key,
            va,
            f"Check whether {handle} has posted {piece} ({late} days overdue, "
            f"{stage.lower()} sent {last.isoformat()}; {nxt} on {when.isoformat()}); log the Post URL",
            due,
            Task.CHECK_POST,
            2,
        )


def _shipping_step(
    scope: Scope, gifts: Tab, row: Row, key: str, person: Row | None, piece: str, policy: GiftPolicy
) -> None:
    """The next step of getting a gift to its creator, one at a time and in order: confirm the address,
    check stock, ship, enter tracking, chase the delivery."""
    va, today, handle = scope.who("va"), scope.today, row["Handle"] or "(no handle)"
    shipped = row["Shipped On"]
    if shipped is None:
        if not is_blank(row.raw("Shipped On")):
            return  # an unreadable date is validate's to report (a "fix" line), not a reason to ship again
        if person is not None and person["Status"] in policy.hold_statuses:
            return  # validate flags a planned gift to a Do Not Gift creator; a paused one simply waits
        if scope.skus.usable and (not row["SKU"] or scope.skus.row(row["SKU"]) is None):
            return  # nothing to ship until the SKU is fixed: validate's error is that line
        confirmed = person["Address Confirmed On"] if person is not None else None
        if person is not None and confirmed is None:
            what = f"Confirm {handle}'s shipping address for {piece}, then fill Address Confirmed On in Influencers"
            scope.act(gifts, row, key, va, what, today, Task.CONFIRM_ADDRESS, 1)
            return
        stock = _stock(scope, row)
        if stock is not None and stock <= 0:
            scope.cs.report(
                gifts,
                row,
                "SKU",
                OverdueCode.GIFT_OUT_OF_STOCK,
                f"{row['SKU']} is out of stock (Stock {stock} in SKUs): restock it or gift another piece",
                Severity.WARNING,
                value=row["SKU"],
            )
            what = f"{piece[:1].upper()}{piece[1:]} for {handle} is out of stock: restock it or choose another piece"
            scope.act(gifts, row, key, va, what, today, Task.CHECK_STOCK, 1)
            return
        if stock is None and scope.skus.usable and scope.skus.row(row["SKU"] or "") is not None:
            what = f"Check the stock of {piece} for {handle} (Stock is blank in SKUs)"
            scope.act(gifts, row, key, va, what, today, Task.CHECK_STOCK, 1)
            return
        when_ = f"confirmed {confirmed.isoformat()}" if confirmed else "no Influencers row to confirm"
        what = f"Ship {piece} to {handle} (address {when_}), then fill Shipped On, Carrier and Tracking Number"
        scope.act(gifts, row, key, va, what, today, Task.SHIP_GIFT, 1)
        return
    if is_blank(row.raw("Tracking Number")):
        what = f"Enter the Carrier and Tracking Number of {piece} shipped to {handle} on {shipped.isoformat()}"
        scope.act(gifts, row, key, va, what, shipped, Task.ENTER_TRACKING, 1)
        return
    chase = shipped + timedelta(days=policy.delivery_chase)
    if today < chase:
        return
    days = (today - shipped).days
    scope.cs.report(
        gifts,
        row,
        "Delivered On",
        OverdueCode.GIFT_NOT_DELIVERED,
        f"blank {days} days after Shipped On {shipped.isoformat()}: check the tracking and fill the delivery date",
        Severity.WARNING,
    )
    what = (
        f"Check the tracking of {piece} shipped to {handle} on {shipped.isoformat()} ({days} days ago, "
        f"{row['Carrier'] or 'carrier not given'} {row['Tracking Number']}), then fill Delivered On"
    )
    scope.act(gifts, row, key, va, what, chase, Task.CHASE_DELIVERY, 2)


def _stock(scope: Scope, row: Row) -> int | None:
    sku = scope.skus.row(row["SKU"]) if row["SKU"] and scope.skus.usable else None
    return sku["Stock"] if sku is not None else None


# --- Returns -----------------------------------------------------------------------------------


@policies("returns")
@dataclass(frozen=True)
class ReturnPolicy:
    """[policies.returns]: the return window, automatic authorization and deadlines."""

    window: int = setting(30, key="window_days", min=0)
    auto_authorize: bool = True
    inspect_within: int = setting(3, key="inspect_within_business_days", min=0)
    expire_after: int = setting(30, key="expire_after_days", min=1)

    @classmethod
    def of(cls, scope: Scope) -> ReturnPolicy:
        return scope.policy(cls)


def policy_check(row: Row, sku: Row | None, policy: ReturnPolicy) -> tuple[str, bool]:
    """The Policy Check text and whether the request may be authorized without a person."""
    requested, delivered = row["Requested On"], row["Delivered On"]
    if sku is None:
        return ("cannot check: no SKU" if is_blank(row.raw("SKU")) else "cannot check: SKU not in SKUs"), False
    if requested is None or delivered is None:
        return f"cannot check: no {'Requested On' if requested is None else 'Delivered On'}", False
    reasons = []
    if sku["Engraved / Custom"] is True:
        reasons.append("final sale: engraved/custom")
    days = (requested - delivered).days
    if days > policy.window:
        reasons.append(f"outside window by {_days(days - policy.window)}")
    if reasons:
        return "; ".join(reasons), False
    return f"within window ({max(days, 0)} of {policy.window} days)", True


def days_open(status: str | None, requested: date | None, resolved: date | None, today: date) -> int | None:
    """Days from the request to its resolution, or to today while it is open."""
    if requested is None:
        return None
    if status is None or status in OPEN_RETURN:
        return max(0, (today - requested).days)
    return max(0, (resolved - requested).days) if resolved is not None else None


def _returns(scope: Scope, returns: Tab) -> None:
    policy = ReturnPolicy.of(scope)
    for row in returns:
        key = scope.key(returns, row)
        sku = scope.skus.row(row["SKU"]) if row["SKU"] and scope.skus.usable else None
        if scope.skus.usable:  # the check (and the status it allows) is found from the SKU's row, or its absence
            scope.cs.computed_from(returns, row, [(scope.skus, row.raw("SKU"))])
        check, eligible = policy_check(row, sku, policy)
        status = row["Status"]
        if status == "Requested" and eligible and policy.auto_authorize and not _stale(row, scope.today, policy):
            status = "Authorized"
        elif status == "Authorized" and is_blank(row.raw("Received On")) and _stale(row, scope.today, policy):
            status = "Expired"
        if status != row["Status"]:
            scope.cs.set(returns, row, "Status", status)
        scope.cs.set(returns, row, "Policy Check", check)
        scope.cs.set(returns, row, "Days Open", days_open(status, row["Requested On"], row["Resolved On"], scope.today))
        _return_flags(scope, returns, row, key, status, check, eligible, policy)


def _stale(row: Row, today: date, policy: ReturnPolicy) -> bool:
    """Requested more than `expire_after` days ago: an authorization would already have run out.

    The schema has no Authorized On, so the expiry clock starts at Requested On; the job authorizes on its
    first run after a request, and leaves an old unhandled request to a person instead of authorizing it
    only to expire it on the next run.
    """
    requested = row["Requested On"]
    return requested is not None and (today - requested).days > policy.expire_after


def _return_flags(
    scope: Scope, returns: Tab, row: Row, key: str, status: str | None, check: str, eligible: bool, policy: ReturnPolicy
) -> None:
    today, va = scope.today, scope.who("va")
    who_for = f"{key} ({row['Customer'] or 'no customer'}, {scope.product(row['SKU'])})"
    requested = row["Requested On"] or today
    if status == "Requested":
        if eligible and _stale(row, today, policy):
            scope.act(
                returns,
                row,
                key,
                va,
                f"Return {who_for} was requested {(today - requested).days} days "
                "ago and never authorized: check with the customer, then authorize or cancel it",
                requested,
                Task.AUTHORIZE_RETURN,
                2,
            )
        elif eligible:
            scope.act(
                returns, row, key, va, f"Authorize return {who_for}: {check}", requested, Task.AUTHORIZE_RETURN, 2
            )
        elif check.startswith("cannot check"):
            scope.act(
                returns,
                row,
                key,
                va,
                f"Complete return {who_for} so its policy can be checked: {check}",
                requested,
                Task.COMPLETE_RETURN,
                2,
            )
        else:
            scope.act(
                returns,
                row,
                key,
                scope.who("founder"),
                f"Decide on return {who_for}: {check}; set Status to Authorized or Declined",
                requested,
                Task.DECIDE_RETURN,
                2,
            )
    elif status == "Expired" and row["Resolved On"] is None:
        scope.act(
            returns,
            row,
            key,
            va,
            f"Tell the customer return {who_for} expired (not received within "
            f"{policy.expire_after} days), then fill Resolved On",
            requested + timedelta(days=policy.expire_after + 1),
            Task.TELL_EXPIRED,
            4,
        )
    elif status == "Received":
        _received(scope, returns, row, key, who_for, policy)
    elif status == "At Workshop":
        _at_workshop(scope, returns, row, key, who_for)
    elif status == "Resolved":
        missing = [c for c in ("Resolved On", "Resolution") if row[c] is None]
        told = {(p.code, p.column) for p in scope.ctx.report.for_row(returns.name, row.key)}
        for column in missing:  # validate may have said so already: one line in Issues is enough
            if (OverdueCode.RESOLUTION_INCOMPLETE, column) not in told:
                scope.cs.report(
                    returns,
                    row,
                    column,
                    OverdueCode.RESOLUTION_INCOMPLETE,
                    "blank on a Resolved return: fill it in to close the record",
                    Severity.WARNING,
                )
        if missing:
            scope.act(
                returns,
                row,
                key,
                va,
                f"Fill {' and '.join(missing)} for resolved return {who_for}",
                row["Received On"] or requested,
                Task.CLOSE_RETURN,
                4,
                column=missing[0],
            )


def _received(scope: Scope, returns: Tab, row: Row, key: str, who_for: str, policy: ReturnPolicy) -> None:
    received = row["Received On"]
    if received is None:
        scope.cs.report(
            returns,
            row,
            "Received On",
            OverdueCode.RECEIVED_ON_MISSING,
            "blank while Status is Received: fill in the date the parcel arrived",
            Severity.WARNING,
        )
        scope.act(
            returns,
            row,
            key,
            scope.who("va"),
            f"Fill Received On for return {who_for}",
            row["Requested On"] or scope.today,
            Task.INSPECT_RETURN,
            3,
        )
        return
    due = scope.calendar.add_business_days(received, policy.inspect_within)
    if scope.today <= due:
        return
    days = scope.calendar.business_days_between(received, scope.today)
    scope.cs.report(
        returns,
        row,
        "Received On",
        OverdueCode.NOT_INSPECTED,
        f"{received.isoformat()} is {days} business days ago and the piece is not inspected "
        f"(limit {policy.inspect_within}): inspect it and fill Condition and Status",
        Severity.WARNING,
    )
    scope.act(
        returns,
        row,
        key,
        scope.who("va"),
        f"Inspect the piece returned under {who_for} (received {received.isoformat()}), then fill Condition and Status",
        due,
        Task.INSPECT_RETURN,
        3,
    )


def _at_workshop(scope: Scope, returns: Tab, row: Row, key: str, who_for: str) -> None:
    due = row["Workshop Due"]
    if due is None:
        if is_blank(row.raw("Workshop Due")):
            scope.cs.report(
                returns,
                row,
                "Workshop Due",
                OverdueCode.WORKSHOP_DUE_MISSING,
                "blank while Status is At Workshop: agree a date with the workshop",
                Severity.WARNING,
            )
        scope.act(
            returns,
            row,
            key,
            scope.who("va"),
            f"Agree a Workshop Due date for return {who_for}",
            row["Received On"] or row["Requested On"] or scope.today,
            Task.SET_WORKSHOP_DUE,
            3,
        )
        return
    if scope.today <= due:
        return
    late = (scope.today - due).days
    kind = {"Resize": "resize", "Repair": "repair"}.get(row["Request Type"] or "", "work")
    scope.cs.report(
        returns,
        row,
        "Workshop Due",
        OverdueCode.WORKSHOP_OVERDUE,
        f"{due.isoformat()} passed {late} days ago: chase the workshop, then update Status",
        Severity.WARNING,
    )
    scope.act(
        returns,
        row,
        key,
        scope.who("workshop"),
        f"Finish the {kind} for return {who_for} (workshop due {due.isoformat()}) and send it back",
        due,
        Task.CHASE_WORKSHOP,
        3,
    )


# --- SKUs: copy deadlines ------------------------------------------------------------------------


@policies("copy")
@dataclass(frozen=True)
class CopyPolicy:
    """[policies.copy]: when copy counts as late."""

    launch_warning_days: int = setting(7, min=0)
    pending_statuses: tuple[str, ...] = setting(
        ("Brief", "Drafting", "In Review", "Changes Requested"), refers="values:SKUs.Description Status"
    )
    published_status: str = setting("Published", refers="values:SKUs.Description Status")


def _copy(scope: Scope, skus: Tab) -> None:
    policy = scope.policy(CopyPolicy)
    pending, published, warn = policy.pending_statuses, policy.published_status, policy.launch_warning_days
    today = scope.today
    for row in skus:
        status = row["Description Status"]
        if status is None and not is_blank(row.raw("Description Status")):
            continue  # an unreadable status is validation's to report
        copy_due, launch = row["Copy Due"], row["Launch Date"]
        late = copy_due is not None and today > copy_due and (status is None or status in pending)
        soon = launch is not None and 0 <= (launch - today).days <= warn and status != published
        shown = status or "blank"
        if late:
            scope.cs.report(
                skus,
                row,
                "Copy Due",
                OverdueCode.COPY_LATE,
                f"{copy_due.isoformat()} passed {(today - copy_due).days} days ago and the copy is "
                f"still {shown}: deliver it or agree a new date",
                Severity.WARNING,
            )
        if soon:
            left = (launch - today).days
            scope.cs.report(
                skus,
                row,
                "Launch Date",
                OverdueCode.LAUNCH_COPY_NOT_READY,
                f"{launch.isoformat()} is {_in_days(left)} and the copy "
                f"is {shown}, not {published}: finish and publish it first",
                Severity.WARNING,
            )
        if late or soon:
            _copy_action(scope, skus, row, status, copy_due if late else launch, launch if soon else None)


def _copy_action(scope: Scope, skus: Tab, row: Row, status: str | None, due: date, launch: date | None) -> None:
    piece = f"the {row['Product Name']} ({row.key})" if row["Product Name"] else row.key
    writer = row["Copywriter"] or "Copywriter"
    if status == "In Review":
        who, what, kind = (
            scope.who("founder"),
            f"Review and approve the copy for {piece} ({writer} sent it)",
            Task.REVIEW_COPY,
        )
    elif status == "Approved":
        who, what, kind = scope.who("va"), f"Publish the approved copy for {piece}", Task.PUBLISH_COPY
    elif status == "Changes Requested":
        who, what, kind = writer, f"Make the requested changes to the copy for {piece}", Task.WRITE_COPY
    elif status == "Needs Update":
        who, what, kind = writer, f"Update the copy for {piece}", Task.WRITE_COPY
    else:
        who, what, kind = writer, f"Deliver the copy for {piece} (status {status or 'blank'})", Task.WRITE_COPY
    if launch is not None:
        left = (launch - scope.today).days
        what += f"; it launches {_in_days(left)} ({launch.isoformat()})"
    scope.act(skus, row, row.key, who, what, due, kind, 2)


def _in_days(days: int) -> str:
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
