"""The validate job's rules for Returns and Gifts (cross-tab with SKUs and Influencers), and number rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from sheetsync.model.checks import Env, Hit, Rule, View

from .rules import ERROR, WARNING, Reason, Settings, money, show

SKUS, RETURNS, INFLUENCERS, GIFTS = "SKUs", "Returns", "Influencers", "Gifts"


# Numbers and dates, for any tab (columns from config) --------------------------------------------


def positive(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for header in s.positive.get(v.tab.name, ()):
        if v.has(header):
            for i, value in enumerate(v.col(header)):
                if value is not None and value <= 0:
                    yield Hit(i, header, f"{show(value)} must be more than zero", value)


def non_negative(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for header in s.non_negative.get(v.tab.name, ()):
        if v.has(header):
            for i, value in enumerate(v.col(header)):
                if value is not None and value < 0:
                    yield Hit(i, header, f"{show(value)} is below zero: enter 0 or more", value)


def date_order(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """Each date is on or after the nearest earlier date of the configured sequence."""
    order = [h for h in s.date_order.get(v.tab.name, ()) if v.has(h)]
    cols = [v.col(h) for h in order]
    for i in range(len(v)):
        before = None
        for header, values in zip(order, cols):
            day = values[i]
            if day is None:
                continue
            if before is not None and day < before[1]:
                yield Hit(
                    i,
                    header,
                    f"{show(day)} is before {before[0]} {show(before[1])}: "
                    f"dates run {' <= '.join(order)}; correct one of them",
                    day,
                )
            before = (header, day)


def _number_rules(tab: str, severity) -> list[Rule]:
    return [
        Rule(Reason.NOT_POSITIVE, tab, (), ERROR, "Configured columns are more than zero", positive),
        Rule(Reason.NEGATIVE, tab, (), severity, "Configured columns are zero or more", non_negative),
    ]


# Cross-tab lookups ---------------------------------------------------------------------------------


def unknown_sku(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    skus = env.lookup(SKUS)
    if skus is None:
        return
    folded = None
    for i, (sku, blank) in enumerate(zip(v.col("SKU"), v.blank("SKU"))):
        if blank or sku in skus:
            continue
        if folded is None:
            folded = {k.upper(): k for k in skus}
        near = folded.get(str(sku).strip().upper())
        hint = f" (did you mean {near}?)" if near else ": check it, or add the piece to SKUs"
        yield Hit(i, "SKU", f"{show(sku)} is not in the SKUs tab{hint}", sku)


def _sku_rows(v: View, env: Env):
    """Each row's SKUs row (None when blank or unknown), computed once per run."""
    if "skus" not in v.cache:
        skus = env.lookup(SKUS) or {}
        v.cache["skus"] = [skus.get(sku) if sku is not None else None for sku in v.col("SKU")]
    return v.cache["skus"]


# Returns -------------------------------------------------------------------------------------------


def _service(kind: str, allowed_of: Callable[[Settings], tuple[str, ...]]):
    def check(v: View, s: Settings, env: Env) -> Iterator[Hit]:
        allowed = allowed_of(s)
        for i, (request, sku) in enumerate(zip(v.col("Request Type"), _sku_rows(v, env))):
            if request != kind or sku is None:
                continue
            category = sku.values.get("Category")
            if category is not None and category not in allowed:
                yield Hit(
                    i,
                    "Request Type",
                    f"{kind} on a {category.lower()} ({sku.key}): only "
                    f"{', '.join(a.lower() for a in allowed)} can be "
                    f"{'resized' if kind == 'Resize' else 'repaired'}; "
                    "offer an exchange or refund",
                    request,
                )

    check.__name__ = f"{kind.lower()}_only_where_possible"
    return check


def resolved_complete(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    cols = zip(v.col("Status"), v.blank("Resolution"), v.blank("Resolved On"))
    for i, (status, no_resolution, no_date) in enumerate(cols):
        if status != "Resolved":
            continue
        if no_resolution:
            yield Hit(i, "Resolution", "(blank) while Status is Resolved: say how it was resolved", None)
        if no_date:
            yield Hit(i, "Resolved On", "(blank) while Status is Resolved: enter the date it was resolved", None)


def refund_amount(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, (resolution, blank) in enumerate(zip(v.col("Resolution"), v.blank("Refund Amount"))):
        if resolution == "Refund" and blank:
            yield Hit(i, "Refund Amount", "(blank) while Resolution is Refund: enter the amount refunded", None)


def refund_within_price(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, (amount, sku) in enumerate(zip(v.col("Refund Amount"), _sku_rows(v, env))):
        price = sku.values.get("Price") if sku is not None and amount is not None else None
        if price is not None and amount > price:
            yield Hit(
                i,
                "Refund Amount",
                f"{money(amount)} is more than the price of {sku.key} ({money(price)}): check the amount",
                amount,
            )


def relisted_certificate(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, (condition, relisted) in enumerate(zip(v.col("Condition"), v.col("Relisted"))):
        if condition == "Missing Certificate" and relisted is True:
            yield Hit(
                i,
                "Relisted",
                "Yes but Condition is Missing Certificate: replace the certificate before "
                "relisting (set No until then)",
                relisted,
            )


# Gifts ---------------------------------------------------------------------------------------------


def _people(v: View, env: Env):
    """Each row's Influencers row (None when blank or unknown), computed once per run; None without the tab."""
    people = env.view(INFLUENCERS)
    if people is None:
        return None
    if "people" not in v.cache:
        tab = people.tab
        v.cache["people"] = [tab.row(h) if h is not None else None for h in v.col("Handle")]
    return v.cache["people"]


def unknown_influencer(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    people = _people(v, env)
    if people is None:
        return
    for i, (handle, person, blank) in enumerate(zip(v.col("Handle"), people, v.blank("Handle"))):
        if person is None and not blank:
            hint = " (handles start with @)" if not str(handle).startswith("@") else ""
            yield Hit(
                i,
                "Handle",
                f"{show(handle)} is not in the Influencers tab{hint}: add the creator there "
                "first, or correct the handle",
                handle,
            )


def do_not_gift(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    people = _people(v, env) or []
    for i, (person, shipped) in enumerate(zip(people, v.col("Shipped On"))):
        status = person.values.get("Status") if person is not None else None
        if status in s.do_not_gift:
            what = f"was shipped to {person.key}" if shipped else "is planned"
            yield Hit(
                i,
                "Handle",
                f"{person.key} is marked {status} in Influencers but this gift {what}: "
                "stop the gift, or change their status",
                person.key,
            )


def address_confirmed(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    people = _people(v, env) or []
    for i, (person, shipped) in enumerate(zip(people, v.col("Shipped On"))):
        if person is None or person.values.get("Status") in s.do_not_gift:
            continue
        confirmed = person.values.get("Address Confirmed On")
        if shipped is not None and (confirmed is None or confirmed > shipped):
            when = f"was only confirmed on {show(confirmed)}" if confirmed else "is not confirmed"
            yield Hit(
                i,
                "Shipped On",
                f"{show(shipped)} but {person.key}'s address {when}: check it arrived, and "
                "confirm addresses before shipping",
                shipped,
            )
        elif shipped is None and confirmed is None:
            yield Hit(
                i,
                "Handle",
                f"{person.key}'s address is not confirmed: confirm it in Influencers "
                "(Address Confirmed On) before shipping",
                person.key,
            )


def post_url_platform(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    people = _people(v, env) or []
    for i, (url, person) in enumerate(zip(v.col("Post URL"), people)):
        platform = person.values.get("Platform") if person is not None and url is not None else None
        hosts = s.platform_hosts.get(platform) if platform else None
        if not hosts:
            continue
        host = (urlsplit(url).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in hosts):
            yield Hit(
                i,
                "Post URL",
                f"{url} is not a {platform} link, but {person.key} posts on {platform}: "
                f"paste the {platform} post's address",
                url,
            )


def disclosure(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    cols = zip(v.col("Disclosure"), v.blank("Post URL"), v.blank("Posted On"), v.blank("Disclosure"))
    for i, (disclosed, no_url, no_date, blank) in enumerate(cols):
        if disclosed is True or (no_url and no_date) or (disclosed is None and not blank):
            continue
        yield Hit(
            i,
            "Disclosure",
            f"{'No' if disclosed is False else '(blank)'} on a published post: ask the "
            "creator to add a clear #ad or #gifted, then set Yes",
            disclosed,
        )


RULES = [
    *_number_rules(SKUS, WARNING),
    *_number_rules(RETURNS, WARNING),
    *_number_rules(INFLUENCERS, WARNING),
    *_number_rules(GIFTS, WARNING),
    Rule(Reason.UNKNOWN_SKU, RETURNS, ("SKU",), ERROR, "Returns SKU exists in SKUs", unknown_sku),
    Rule(
        Reason.DATE_ORDER,
        RETURNS,
        (),
        ERROR,
        "Order Date <= Delivered On <= Requested On <= Received On <= Resolved On",
        date_order,
    ),
    Rule(
        Reason.NOT_RESIZABLE,
        RETURNS,
        ("Request Type", "SKU"),
        WARNING,
        "Resize only on resizable categories (rings)",
        _service("Resize", lambda s: s.resizable),
    ),
    Rule(
        Reason.NOT_REPAIRABLE,
        RETURNS,
        ("Request Type", "SKU"),
        WARNING,
        "Repair only on repairable categories (rings)",
        _service("Repair", lambda s: s.repairable),
    ),
    Rule(
        Reason.RESOLUTION_INCOMPLETE,
        RETURNS,
        ("Status", "Resolution", "Resolved On"),
        ERROR,
        "Resolved needs Resolution and Resolved On",
        resolved_complete,
    ),
    Rule(
        Reason.REFUND_AMOUNT_MISSING,
        RETURNS,
        ("Resolution", "Refund Amount"),
        ERROR,
        "A Refund resolution needs Refund Amount",
        refund_amount,
    ),
    Rule(
        Reason.REFUND_ABOVE_PRICE,
        RETURNS,
        ("Refund Amount", "SKU"),
        ERROR,
        "Refund Amount no higher than the SKU's Price",
        refund_within_price,
    ),
    Rule(
        Reason.RELISTED_MISSING_CERTIFICATE,
        RETURNS,
        ("Condition", "Relisted"),
        ERROR,
        "A Missing Certificate return is not relisted",
        relisted_certificate,
    ),
    Rule(
        Reason.UNKNOWN_INFLUENCER, GIFTS, ("Handle",), ERROR, "Gifts Handle exists in Influencers", unknown_influencer
    ),
    Rule(Reason.UNKNOWN_SKU, GIFTS, ("SKU",), ERROR, "Gifts SKU exists in SKUs", unknown_sku),
    Rule(Reason.DATE_ORDER, GIFTS, (), WARNING, "Shipped On <= Delivered On <= Posted On", date_order),
    Rule(Reason.DO_NOT_GIFT, GIFTS, ("Handle",), WARNING, "No gift to a Do Not Gift influencer", do_not_gift),
    Rule(
        Reason.ADDRESS_UNCONFIRMED,
        GIFTS,
        ("Handle", "Shipped On"),
        WARNING,
        "Ship only to a confirmed address (confirmed on or before Shipped On)",
        address_confirmed,
    ),
    Rule(
        Reason.POST_URL_PLATFORM,
        GIFTS,
        ("Post URL", "Handle"),
        WARNING,
        "Post URL is on the influencer's platform",
        post_url_platform,
    ),
    Rule(
        Reason.DISCLOSURE_MISSING, GIFTS, ("Disclosure",), WARNING, "A published post has Disclosure = Yes", disclosure
    ),
]
