"""The outbox job: a draft message in the Outbox tab for each customer or creator event, drafted once.

Each message is keyed by its row's key and its event (`RMA-2026-0007:return_received`), so a message already
in the Outbox is never drafted again nor overwritten: the job only appends new rows, and people own what
they do with them (edit, Send, Sent, Skip). The words are the templates in config/templates/messages/,
one per event, whose first line is `Subject: ...`. Events older than `max_age_days` are not drafted, so a
first run over an old workbook does not fill the Outbox with news nobody needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from sheetsync import ChangeSet, Context, Severity, job, policies, setting, template_filter
from sheetsync.model.tab import Row, Tab
from sheetsync.templates import TemplateFailure

from ..shipping.carriers import tracking

TAB = "Outbox"
SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "$", "AUD": "$"}


@template_filter("money")
def money(amount: Any, symbol: str = "$") -> str:
    """`{{ amount | money(symbol) }}`: 1487.5 -> $1,487.50."""
    return f"{symbol}{Decimal(str(amount)):,.2f}"


class Event(StrEnum):
    """What a message is about (stable values: the second half of each Message ID)."""

    RETURN_AUTHORIZED = "return_authorized"
    RETURN_RECEIVED = "return_received"
    INSPECTION_OUTCOME = "inspection_outcome"
    REFUND_ISSUED = "refund_issued"
    EXCHANGE_SHIPPED = "exchange_shipped"
    REPAIR_DONE = "repair_done"
    RETURN_DECLINED = "return_declined"
    RETURN_EXPIRED = "return_expired"
    GIFT_ADDRESS = "gift_address_confirmation"
    GIFT_SHIPPED = "gift_shipped"
    POSTING_REMINDER_1 = "posting_reminder_1"
    POSTING_REMINDER_2 = "posting_reminder_2"
    THANK_YOU = "thank_you"


class OutboxCode(StrEnum):
    """Problems the outbox job reports (stable values; tests compare these)."""

    NO_RECIPIENT = "no_recipient"
    TEMPLATE_FAILED = "message_template_failed"


@policies("outbox")
@dataclass(frozen=True)
class OutboxPolicy:
    """[policies.outbox]: which events get a draft."""

    max_age_days: int = setting(14, min=0)  # an event whose date is older than this gets no draft
    events: tuple[str, ...] = setting(tuple(e.value for e in Event), choices=tuple(e.value for e in Event))


@dataclass
class Draft:
    event: Event
    tab: Tab
    row: Row
    key: str
    to: str | None
    when: date | None  # the event's date, for the age limit (None: no limit)
    context: dict[str, Any] = field(default_factory=dict)
    looked_up: tuple[tuple[Tab, str], ...] = ()  # the other rows the message is written from: (tab, key)

    @property
    def id(self) -> str:
        return f"{self.key}:{self.event}"


def _draft(
    tab: Tab,
    row: Row,
    key: str,
    to: str | None,
    base: dict[str, Any],
    looked_up: tuple[tuple[Tab, str], ...],
    event: Event,
    when: date | None,
    **extra: Any,
) -> Draft:
    return Draft(event, tab, row, key, to, when, {**base, **extra}, looked_up)


@job("outbox", after=["overdue", "refunds"])
def outbox(ctx: Context) -> ChangeSet:
    """Draft each new customer and creator message into the Outbox, once per row and event."""
    cs = ctx.changes()
    box = ctx.tab(TAB)
    if not box.usable:
        return cs
    policy = ctx.config.policy(OutboxPolicy)
    have = {row.key: row for row in box if row.has_key}
    drafts = [*_returns(ctx), *_gifts(ctx)]
    drafted: set[str] = set()
    for draft in drafts:
        if draft.event not in policy.events or draft.id in drafted:
            continue
        if draft.id in have:  # drafted on an earlier run: kept as it is; said again while it cannot be sent
            message = have[draft.id]
            if message["To"] is None and message["Status"] in (None, "Draft", "Send"):
                _no_recipient(cs, draft)
            continue
        if draft.when is not None and (ctx.today - draft.when).days > policy.max_age_days:
            continue
        drafted.add(draft.id)
        _append(ctx, cs, draft)
    return cs


def _append(ctx: Context, cs: ChangeSet, draft: Draft) -> None:
    brand = dict(ctx.config.brand)
    symbol = SYMBOLS.get(str(brand.get("currency", "")), "")
    try:
        text = ctx.templates.render(
            f"messages/{draft.event}.txt.j2", brand=brand, symbol=symbol, today=ctx.today, **draft.context
        )
    except TemplateFailure as ex:
        cs.report(
            draft.tab,
            draft.row,
            None,
            OutboxCode.TEMPLATE_FAILED,
            f"no {draft.event} message drafted: {ex}",
            Severity.WARNING,
        )
        return
    first, _, body = text.strip().partition("\n")
    subject = first.removeprefix("Subject:").strip() if first.startswith("Subject:") else str(draft.event)
    cs.append(
        TAB,
        {
            "Message ID": draft.id,
            "Event": str(draft.event),
            "Tab": draft.tab.name,
            "Row Key": draft.key,
            "To": draft.to,
            "Subject": subject,
            "Body": body.strip() if first.startswith("Subject:") else text.strip(),
            "Drafted On": ctx.today,
            "Status": "Draft",
        },
        # drafted from the row as read and the rows it looked up: a person changing any of them meanwhile
        # holds the draft back to the next run, which drafts from the rows as they are then
        reads=[(draft.tab, draft.row), *draft.looked_up],
    )
    if not draft.to:
        _no_recipient(cs, draft)


def _no_recipient(cs: ChangeSet, draft: Draft) -> None:
    column = "Customer Email" if draft.tab.name == "Returns" else None
    cs.report(
        draft.tab,
        draft.row,
        column,
        OutboxCode.NO_RECIPIENT,
        f"no email for the {str(draft.event).replace('_', ' ')} message ({draft.id} in Outbox has no To): "
        "fill in To there before sending",
        Severity.WARNING,
    )


# --- Returns ---------------------------------------------------------------------------------------------


def _returns(ctx: Context) -> Iterator[Draft]:
    returns, skus = ctx.tab("Returns"), ctx.tab("SKUs")
    if not returns.usable:
        return
    refunds = ctx.result("refunds", "refunds", {})
    for row in returns:
        key = row[returns.schema.key]
        if not key:
            continue
        sku = skus.row(row["SKU"]) if row["SKU"] and skus.usable else None
        looked_up = ((skus, str(row["SKU"] or "")),)
        base = {
            "rma": key,
            "customer": row["Customer"] or "there",
            "first_name": str(row["Customer"] or "there").split(" ")[0],
            "product": (sku["Product Name"] if sku is not None else None) or row["SKU"] or "your piece",
            "order": row["Order Number"],
            "row": row,
            "refund": refunds.get(key),
        }

        draft = partial(_draft, returns, row, str(key), row["Customer Email"], base, looked_up)

        status, resolution = row["Status"], row["Resolution"]
        if status == "Authorized":
            yield draft(Event.RETURN_AUTHORIZED, row["Requested On"])
        if status in ("Received", "Inspecting") and row["Received On"] is not None:
            yield draft(Event.RETURN_RECEIVED, row["Received On"])
        if row["Condition"] is not None and status in ("Inspecting", "At Workshop", "Received"):
            yield draft(Event.INSPECTION_OUTCOME, row["Received On"])
        if row["Resolved On"] is not None and status == "Resolved":
            if resolution == "Refund" and row["Refund Amount"] is not None:
                yield draft(Event.REFUND_ISSUED, row["Resolved On"], amount=row["Refund Amount"])
            elif resolution in ("Exchange", "Resized"):
                yield draft(Event.EXCHANGE_SHIPPED, row["Resolved On"])
            elif resolution == "Repaired":
                yield draft(Event.REPAIR_DONE, row["Resolved On"])
        if status == "Declined" or resolution == "Declined":
            reason = (
                row["Inspection Notes"] or _policy_reason(row["Policy Check"]) or "it falls outside our returns policy"
            )
            yield draft(Event.RETURN_DECLINED, row["Resolved On"] or row["Requested On"], reason=reason)
        if status == "Expired" and row["Resolved On"] is None:
            yield draft(Event.RETURN_EXPIRED, None)


def _policy_reason(check: str | None) -> str | None:
    """The Policy Check in a customer's words, when it is why a request is outside the policy."""
    if not check or check.startswith(("within window", "cannot check")):
        return None
    return check.replace("final sale: engraved/custom", "engraved and custom pieces are final sale").replace(
        "outside window by", "the request came after our return window, by"
    )


# --- Gifts -----------------------------------------------------------------------------------------------


def _gifts(ctx: Context) -> Iterator[Draft]:
    gifts, people, skus = ctx.tab("Gifts"), ctx.tab("Influencers"), ctx.tab("SKUs")
    if not gifts.usable:
        return
    for row in gifts:
        key = row[gifts.schema.key]
        if not key:
            continue
        person = people.row(row["Handle"]) if row["Handle"] and people.usable else None
        if person is None or person["Status"] == "Do Not Gift":
            continue
        sku = skus.row(row["SKU"]) if row["SKU"] and skus.usable else None
        looked_up = ((people, str(row["Handle"])), (skus, str(row["SKU"] or "")))
        base = {
            "handle": row["Handle"],
            "name": str(person["Name"] or row["Handle"]).split(" ")[0],
            "product": (sku["Product Name"] if sku is not None else None) or "your gift",
            "campaign": row["Campaign"],
            "post_due": row["Post Due"],
            "row": row,
        }

        draft = partial(_draft, gifts, row, str(key), person["Email"], base, looked_up)

        posted = row["Posted On"] is not None or bool(row["Post URL"])
        if row["Shipped On"] is None and person["Address Confirmed On"] is None:
            yield draft(Event.GIFT_ADDRESS, None, address=person["Shipping Address"])
        found = tracking(row["Carrier"], row["Tracking Number"])
        if row["Shipped On"] is not None and row["Delivered On"] is None and found is not None:
            yield draft(Event.GIFT_SHIPPED, row["Shipped On"], tracking=found)
        stage = row["Follow-up Stage"]
        if not posted and stage == "Reminder 1":
            yield draft(Event.POSTING_REMINDER_1, None)
        if not posted and stage == "Reminder 2":
            yield draft(Event.POSTING_REMINDER_2, None)
        if row["Posted On"] is not None:
            yield draft(Event.THANK_YOU, row["Posted On"])
