"""The refunds job: Refund Due from the policy with its breakdown, the refund deadline, and chases for returns
that are not arriving or not being inspected.

Refund Due = Order Amount (blank: the SKU's Price) less the restocking fee for the Request Type (the custom
rate when the SKU is Engraved / Custom) and the certificate fee when Condition is Missing Certificate. The
deadline counts from Received On: 14 days for UK orders, from the Consumer Contracts (Information,
Cancellation and Additional Charges) Regulations 2013, reg. 34(4)-(6) (the refund is due within 14 days of
the trader receiving the goods back, or of the consumer's evidence of sending them if earlier).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from sheetsync import Action, ChangeSet, Context, Severity, job, policies, setting
from sheetsync.model.calendar import Calendar
from sheetsync.model.tab import Row, Tab

CENT = Decimal("0.01")
CLOSED = ("Resolved", "Declined", "Cancelled", "Expired")
NOT_REFUNDED = ("Exchange", "Store Credit", "Resized", "Repaired", "Declined")
SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "$", "AUD": "$"}


class RefundCode(StrEnum):
    """Problems the refunds job reports (stable values; tests compare these)."""

    REFUND_DIFFERS = "refund_differs"
    REFUND_BASE_MISSING = "refund_base_missing"
    REFUND_DUE_SOON = "refund_due_soon"
    REFUND_OVERDUE = "refund_overdue"
    NOT_RECEIVED = "not_received"
    INSPECTION_OVERDUE = "inspection_overdue"


class RefundTask(StrEnum):
    """Kinds of To Do actions (stable values)."""

    PAY_REFUND = "pay_refund"
    CHASE_PARCEL = "chase_return_parcel"
    FINISH_INSPECTION = "finish_inspection"


@policies("refunds")
@dataclass(frozen=True)
class RefundPolicy:
    """[policies.refunds]: the fees a refund carries, the deadline to pay it, and when to chase a return."""

    restocking_fee: Mapping[str, float] = setting({"Refund": 0.15}, min=0, max=1, refers="values:Returns.Request Type")
    custom_restocking_fee: Mapping[str, float] = setting(
        {"Refund": 0.25}, min=0, max=1, refers="values:Returns.Request Type"
    )
    certificate_fee: float = setting(75.0, min=0)
    certificate_conditions: tuple[str, ...] = setting(("Missing Certificate",), refers="values:Returns.Condition")
    refund_request_types: tuple[str, ...] = setting(("Refund",), refers="values:Returns.Request Type")
    deadline_days: Mapping[str, int] = setting({"UK": 14, "US": 30}, min=1)
    full_refund_markets: tuple[str, ...] = ("UK",)
    channel_markets: Mapping[str, str] = setting({"NOTHS": "UK"}, refers="values:Returns.Channel")
    deadline_warning_days: int = setting(3, min=0)
    in_transit_chase_days: int = setting(10, min=1)
    inspecting_chase_business_days: int = setting(3, min=0)


@dataclass(frozen=True)
class Refund:
    """What the policy gives back on one return, and how."""

    base: Decimal
    base_from: str  # "Order Amount" or "the SKU's Price"
    rate: Decimal
    restocking: Decimal
    certificate: Decimal
    due: Decimal
    full_refund: str | None = None  # the market whose law refunds a cancelled distance sale in full

    def breakdown(self, money) -> str:
        lines = [f"Refund Due {money(self.due)}:", f"{self.base_from} {money(self.base)}"]
        if self.full_refund:
            lines.append(
                f"no fees: a cancelled {self.full_refund} distance sale is refunded in full (Consumer Contracts "
                "Regulations 2013 reg. 34(1)); only a loss in value from handling beyond what was needed to "
                "examine the piece may be deducted (reg. 34(9)-(10)): if so, enter the lower Refund Amount "
                "and say why"
            )
        elif self.restocking:
            lines.append(f"less restocking fee {(self.rate * 100).normalize():f}%: {money(self.restocking)}")
        if self.certificate:
            lines.append(f"less missing certificate fee: {money(self.certificate)}")
        if not (self.restocking or self.certificate or self.full_refund):
            lines.append("no fees")
        return "\n".join(lines)


def refund_due(row: Row, sku: Row | None, policy: RefundPolicy, market: str | None = None) -> Refund | None:
    """The refund the policy gives for `row`, or None when the return is not (or no longer) a refund.

    In a `full_refund_markets` market (the UK) a cancelled distance sale carries no fee: the trader
    reimburses every payment (Consumer Contracts Regulations 2013 reg. 34(1)) and may deduct only a loss in
    value from excess handling (reg. 34(9)-(10)), which a person judges. Pieces made to the customer's
    specification or personalised have no right to cancel (reg. 28(1)(b)), so an engraved or custom SKU keeps
    the brand's fees there too.
    """
    if not is_refund(row, policy):
        return None
    base, base_from = row["Order Amount"], "Order Amount"
    if base is None and sku is not None and sku["Price"] is not None:
        base, base_from = sku["Price"], f"Price of {sku.key}"
    if base is None:
        return None
    base = Decimal(str(base))
    custom = sku is not None and sku["Engraved / Custom"] is True
    if market in policy.full_refund_markets and not custom:
        return Refund(base, base_from, Decimal(0), Decimal(0), Decimal(0), base.quantize(CENT), market)
    rates = policy.custom_restocking_fee if custom else policy.restocking_fee
    rate = Decimal(str(rates.get(row["Request Type"] or "Refund", 0)))
    restocking = (base * rate).quantize(CENT, ROUND_HALF_UP)
    certificate = (
        Decimal(str(policy.certificate_fee)).quantize(CENT) if row["Condition"] in policy.certificate_conditions else 0
    )
    due = max(base - restocking - Decimal(certificate), Decimal(0)).quantize(CENT)
    return Refund(base, base_from, rate, restocking, Decimal(certificate), due)


def is_refund(row: Row, policy: RefundPolicy) -> bool:
    if row["Status"] in ("Declined", "Cancelled", "Expired") or row["Resolution"] in NOT_REFUNDED:
        return False
    return row["Resolution"] == "Refund" or row["Request Type"] in policy.refund_request_types


def market_of(row: Row, policy: RefundPolicy, brand_market: str) -> str:
    return policy.channel_markets.get(row["Channel"] or "", brand_market)


def refund_by(row: Row, policy: RefundPolicy, brand_market: str) -> date | None:
    """The last day to pay the refund: Received On plus the days for the channel, else for its market."""
    received = row["Received On"]
    if received is None:
        return None
    days = policy.deadline_days.get(row["Channel"] or "")
    if days is None:
        days = policy.deadline_days.get(market_of(row, policy, brand_market))
    return received + timedelta(days=days) if days is not None else None


@job("refunds", after=["overdue"], publishes={"refunds": dict})
def refunds(ctx: Context) -> ChangeSet:
    """Work out each return's Refund Due and Refund By from the policy; flag refunds that differ or run late,
    and returns not arriving or not inspected."""
    cs = ctx.changes()
    returns, skus = ctx.tab("Returns"), ctx.tab("SKUs")
    if not returns.usable:
        return cs
    policy = ctx.config.policy(RefundPolicy)
    brand_market = str(ctx.config.brand.get("market", "US"))
    symbol = SYMBOLS.get(str(ctx.config.brand.get("currency", "USD")), "")

    def money(amount: Decimal) -> str:
        return f"{symbol}{amount:,.2f}"

    calendar = Calendar.of(ctx.config)
    due: dict[str, Refund] = {}
    for row in returns:
        sku = skus.row(row["SKU"]) if row["SKU"] and skus.usable else None
        refund = refund_due(row, sku, policy, market_of(row, policy, brand_market))
        if refund is None and is_refund(row, policy) and row["Status"] not in CLOSED:
            cs.report(
                returns,
                row,
                "Order Amount",
                RefundCode.REFUND_BASE_MISSING,
                "blank and the SKU has no Price: fill in what the customer paid so the refund can be worked out",
            )
        cs.set(returns, row, "Refund Due", refund.due if refund else None)
        if refund is not None:
            due[str(row[returns.schema.key] or row.key)] = refund
            cs.note(returns, row, "Refund Due", refund.breakdown(money))
            _differs(cs, returns, row, refund, money)
        deadline = refund_by(row, policy, brand_market) if refund is not None else None
        cs.set(returns, row, "Refund By", deadline)
        if deadline is not None and refund is not None:
            _deadline(ctx, cs, returns, row, refund, deadline, market_of(row, policy, brand_market), policy, money)
        _chase(ctx, cs, returns, row, policy, calendar)
    ctx.publish("refunds", due)  # RMA -> Refund: what the refund messages quote
    return cs


def _differs(cs: ChangeSet, returns: Tab, row: Row, refund: Refund, money) -> None:
    paid = row["Refund Amount"]
    if paid is None or abs(Decimal(str(paid)) - refund.due) < CENT:
        return
    cs.report(
        returns,
        row,
        "Refund Amount",
        RefundCode.REFUND_DIFFERS,
        f"{money(Decimal(str(paid)))} differs from Refund Due {money(refund.due)} "
        f"({refund.breakdown(money).split(':', 1)[1].strip().replace(chr(10), '; ')}): "
        "check the fees, or say why in Inspection Notes",
        Severity.WARNING,
        value=paid,
    )


def _deadline(
    ctx: Context,
    cs: ChangeSet,
    returns: Tab,
    row: Row,
    refund: Refund,
    deadline: date,
    market: str,
    policy: RefundPolicy,
    money,
) -> None:
    if row["Status"] in CLOSED or row["Resolved On"] is not None:
        return
    left = (deadline - ctx.today).days
    law = " (Consumer Contracts Regulations 2013, reg. 34)" if market == "UK" else ""
    if left < 0:
        code, text = RefundCode.REFUND_OVERDUE, f"{deadline.isoformat()} passed {-left} days ago{law}: refund now"
    elif left <= policy.deadline_warning_days:
        when = {0: "today", 1: "tomorrow"}.get(left, f"in {left} days")
        code, text = RefundCode.REFUND_DUE_SOON, f"{deadline.isoformat()} is {when}{law}: pay the refund"
    else:
        return
    cs.report(returns, row, "Refund By", code, text, Severity.WARNING)
    if row["Condition"] is None or row["Status"] == "At Workshop":
        return  # the piece is still to be inspected (or worked on): that is the line on the To Do
    cs.todo(
        _act(
            returns,
            row,
            who=_va(ctx),
            what=f"Refund {money(refund.due)} for return {row[returns.schema.key] or row.key} "
            f"({row['Customer'] or 'no customer'}) by {deadline.isoformat()}{law}, "
            "then fill Refund Amount and Resolved On",
            due=deadline - timedelta(days=policy.deadline_warning_days),
            kind=RefundTask.PAY_REFUND,
            rank=1,
        )
    )


def _va(ctx: Context) -> str:
    """Who the refund and chase lines are for ([policies.todo] va)."""
    return str(ctx.config.policy("todo.va", "VA"))


def _act(returns: Tab, row: Row, **what) -> Action:
    """A To Do line about `row`, under the RMA the overdue job issued to it in this run when it had none."""
    issued = row[returns.schema.key]
    return Action.at(returns, row, key=issued if issued and issued != row.key else None, **what)


def _chase(ctx: Context, cs: ChangeSet, returns: Tab, row: Row, policy: RefundPolicy, calendar: Calendar) -> None:
    status, today = row["Status"], ctx.today
    who = f"{row[returns.schema.key] or row.key} ({row['Customer'] or 'no customer'})"
    if status in ("Authorized", "In Transit") and row["Received On"] is None and row["Requested On"] is not None:
        # The schema has no Authorized On: the job authorizes on its first run after the request, so the
        # clock starts at Requested On (as the expiry's does).
        due = row["Requested On"] + timedelta(days=policy.in_transit_chase_days)
        if today <= due:
            return
        cs.report(
            returns,
            row,
            "Received On",
            RefundCode.NOT_RECEIVED,
            f"blank {(today - row['Requested On']).days} days after the return was requested "
            f"(chase after {policy.in_transit_chase_days}): ask the customer for the parcel's tracking",
            Severity.WARNING,
        )
        cs.todo(
            _act(
                returns,
                row,
                who=_va(ctx),
                what=f"Chase the customer of return {who}: the piece has not arrived; ask for its tracking",
                due=due,
                kind=RefundTask.CHASE_PARCEL,
                rank=3,
            )
        )
    elif status == "Inspecting" and row["Received On"] is not None and row["Condition"] is None:
        due = calendar.add_business_days(row["Received On"], policy.inspecting_chase_business_days)
        if today <= due:
            return
        days = calendar.business_days_between(row["Received On"], today)
        cs.report(
            returns,
            row,
            "Status",
            RefundCode.INSPECTION_OVERDUE,
            f"Inspecting for {days} business days since {row['Received On'].isoformat()} "
            f"(limit {policy.inspecting_chase_business_days}): finish the inspection and fill Condition",
            Severity.WARNING,
        )
        cs.todo(
            _act(
                returns,
                row,
                who=_va(ctx),
                what=f"Finish inspecting the piece returned under {who} and fill Condition and Status",
                due=due,
                kind=RefundTask.FINISH_INSPECTION,
                rank=3,
            )
        )
