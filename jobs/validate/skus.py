"""The validate job's SKUs rules: metal and purity, stones and grading, sizes, prices and copy."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sheetsync.model.checks import Env, Hit, Rule, View

from .rules import ERROR, WARNING, Reason, Settings, money, on_step, show, words

TAB = "SKUs"
STONE_DETAILS = (
    "Stone Origin",
    "Shape",
    "Carat Weight",
    "Stone Count",
    "Color",
    "Clarity",
    "Cut",
    "Certificate",
    "Treatment",
)
CERT_RE = re.compile(r"^([A-Za-z]+)[\s#:.\-]*(.*)$")


def purity_fits_metal(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, metal, purity in zip(range(len(v)), v.col("Metal"), v.col("Purity")):
        if metal is None or purity is None:
            continue
        allowed = s.metal_purity.get(metal)
        if allowed is not None and purity not in allowed:
            yield Hit(i, "Purity", f"{purity} does not fit {metal} (use {words(allowed)})", purity)


def karat_for_market(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    if s.min_karat is None:
        return
    low = {p for p, k in s.karat.items() if k < s.min_karat}
    for i, metal, purity in zip(range(len(v)), v.col("Metal"), v.col("Purity")):
        if purity in low and purity in s.metal_purity.get(metal, ()):
            yield Hit(
                i,
                "Purity",
                f"{purity} may not be sold as gold in the {s.market} market "
                f"(at least {s.min_karat}K): use {s.min_karat}K or more",
                purity,
            )


def stone_details(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """Stone None means no origin, shape, weight, count, grades or certificate (Treatment may say None)."""
    stones = v.col("Stone")
    present = [h for h in STONE_DETAILS if v.has(h)]
    cols = [(h, v.col(h)) for h in present]
    for i, stone in enumerate(stones):
        if stone != "None":
            continue
        for header, values in cols:
            value = values[i]
            if value is None or (header == "Treatment" and value == "None"):
                continue
            yield Hit(i, header, f"{show(value)} is filled but Stone is None (clear it, or name the stone)", value)


def stone_missing(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    stone_blank = v.blank("Stone")
    cols = [(h, v.col(h)) for h in ("Stone Origin", "Shape", "Carat Weight", "Color", "Clarity", "Cut") if v.has(h)]
    for i, blank in enumerate(stone_blank):
        if not blank:
            continue
        filled = [h for h, values in cols if values[i] is not None]
        if filled:
            yield Hit(i, "Stone", f"(blank) while {words(filled, 'and')} are filled: name the stone", None)


def stone_origin(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    allowed = v.tab.schema.column("Stone Origin").allowed
    for i, stone, blank in zip(range(len(v)), v.col("Stone"), v.blank("Stone Origin")):
        if stone is not None and stone != "None" and blank:
            yield Hit(
                i,
                "Stone Origin",
                f"(blank) for a {stone.lower()}: say whether it is {words(allowed)} "
                "(lab-grown and simulated stones must be disclosed)",
                None,
            )


def grading_only_diamonds(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    stones = v.col("Stone")
    for header in s.grading_columns:
        if not v.has(header):
            continue
        for i, stone, grade in zip(range(len(v)), stones, v.col(header)):
            if grade is not None and stone is not None and stone != "None" and stone not in s.graded_stones:
                yield Hit(i, header, f"{grade} is a diamond grade but Stone is {stone} (clear it)", grade)


def carat_decimals(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, carat in enumerate(v.col("Carat Weight")):
        if carat is None:
            continue
        exponent = carat.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > s.carat_decimals:
            yield Hit(
                i,
                "Carat Weight",
                f"{show(carat)} has more than {s.carat_decimals} decimals: state ct tw "
                f"to {s.carat_decimals} places, such as {round(carat, s.carat_decimals)}",
                carat,
            )


def _certificate(s: Settings, text: str):
    match = CERT_RE.match(text.strip())
    if not match:
        return None, None
    lab = s.certificates.get(match.group(1).upper())
    return lab, re.sub(r"[\s#:.\-]", "", match.group(2)) if lab else None


def certificate_format(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    labs = words(s.certificates)
    for i, text in enumerate(v.col("Certificate")):
        if text is None:
            continue
        lab, number = _certificate(s, text)
        if lab is None:
            yield Hit(
                i,
                "Certificate",
                f"{text} does not name a grading lab we know ({labs}): write it as "
                f"lab and report number, such as GIA 2141438171",
                text,
            )
        elif not lab.number.fullmatch(number or ""):
            yield Hit(i, "Certificate", f"{text} is not a {lab.lab} report number (such as {lab.example})", text)


def certificate_origin(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, (text, origin) in enumerate(zip(v.col("Certificate"), v.col("Stone Origin"))):
        if text is None or origin != "Natural":
            continue
        lab, number = _certificate(s, text)
        if lab is not None and lab.lab_grown_prefix and (number or "").upper().startswith(lab.lab_grown_prefix):
            yield Hit(
                i,
                "Certificate",
                f"{text} is a {lab.lab} report for a laboratory-grown stone but Stone Origin "
                "is Natural: check the report and correct one of them",
                text,
            )


def certificate_missing(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    cols = zip(v.col("Stone"), v.col("Stone Origin"), v.col("Carat Weight"), v.blank("Certificate"))
    for i, (stone, origin, carat, blank) in enumerate(cols):
        if (
            stone in s.graded_stones
            and origin == "Natural"
            and carat is not None
            and carat >= s.certificate_min_carat
            and blank
        ):
            yield Hit(
                i,
                "Certificate",
                f"(blank) for a natural {stone.lower()} of {show(carat)} ct tw: from "
                f"{show(s.certificate_min_carat)} ct add the grading report, such as "
                "GIA 2141438171",
                None,
            )


def ring_size_category(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, (size, category) in enumerate(zip(v.col("Ring Size"), v.col("Category"))):
        if size is not None and category is not None and category not in s.ring_categories:
            yield Hit(
                i,
                "Ring Size",
                f"{show(size)} is filled but Category is {category}: ring sizes are for rings only (clear it)",
                size,
            )


def ring_size_valid(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, (size, category) in enumerate(zip(v.col("Ring Size"), v.col("Category"))):
        if (
            size is not None
            and category in s.ring_categories
            and not on_step(size, s.ring_min, s.ring_max, s.ring_step)
        ):
            yield Hit(
                i,
                "Ring Size",
                f"{show(size)} is not a US ring size: use {show(s.ring_min)} to "
                f"{show(s.ring_max)} in steps of {show(s.ring_step)}, such as 6.75",
                size,
            )


def chain_length_category(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, (length, category) in enumerate(zip(v.col("Chain Length (in)"), v.col("Category"))):
        if length is not None and category is not None and category not in s.chain_length:
            yield Hit(
                i,
                "Chain Length (in)",
                f"{show(length)} is filled but Category is {category}: chain lengths "
                f"are for {words(s.chain_length, 'and').lower()} only (clear it)",
                length,
            )


def chain_length_valid(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, (length, category) in enumerate(zip(v.col("Chain Length (in)"), v.col("Category"))):
        spec = s.chain_length.get(category) if length is not None else None
        if spec is None:
            continue
        if s.chain_is_range[category]:
            low, high, step = spec
            if not on_step(length, low, high, step):
                yield Hit(
                    i,
                    "Chain Length (in)",
                    f"{show(length)} is not a usual {category.lower()} length: use "
                    f"{show(low)} to {show(high)} in steps of {show(step)}",
                    length,
                )
        elif length not in spec:
            yield Hit(
                i,
                "Chain Length (in)",
                f"{show(length)} is not a usual {category.lower()} length: use {words(spec)}",
                length,
            )


def price_order(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """Price > Wholesale Price >= Cost (Price > Cost when there is no wholesale price)."""
    for i, (price, wholesale, cost) in enumerate(zip(v.col("Price"), v.col("Wholesale Price"), v.col("Cost"))):
        if price is not None and price <= 0:
            price = None  # reported as not_positive
        if price is not None and wholesale is not None and wholesale >= price:
            yield Hit(
                i,
                "Wholesale Price",
                f"{money(wholesale)} is not below Price {money(price)}: wholesale must be less than retail",
                wholesale,
            )
        elif wholesale is not None and cost is not None and cost > wholesale:
            yield Hit(
                i,
                "Cost",
                f"{money(cost)} is above Wholesale Price {money(wholesale)}: check the cost or "
                "raise the wholesale price",
                cost,
            )
        elif wholesale is None and price is not None and cost is not None and cost >= price:
            yield Hit(i, "Cost", f"{money(cost)} is not below Price {money(price)}: check the cost or the price", cost)


def wholesale_share(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, (price, wholesale) in enumerate(zip(v.col("Price"), v.col("Wholesale Price"))):
        if price is None or wholesale is None or price <= 0 or wholesale >= price:
            continue
        share = wholesale / price
        if not s.wholesale_min <= share <= s.wholesale_max:
            yield Hit(
                i,
                "Wholesale Price",
                f"{money(wholesale)} is {share:.0%} of Price {money(price)}: wholesale "
                f"is usually {s.wholesale_min:.0%} to {s.wholesale_max:.0%} of retail",
                wholesale,
            )


def final_description(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, (status, blank) in enumerate(zip(v.col("Description Status"), v.blank("Final Description"))):
        if status in s.copy_required_statuses and blank:
            yield Hit(
                i,
                "Final Description",
                f"(blank) while Description Status is {status}: paste the approved copy, or move the status back",
                None,
            )


RULES = [
    Rule(
        Reason.PURITY_METAL_MISMATCH,
        TAB,
        ("Metal", "Purity"),
        ERROR,
        "Purity fits Metal (karats on gold, 925 on sterling, 950/900/850 platinum, 950/500 palladium)",
        purity_fits_metal,
    ),
    Rule(
        Reason.KARAT_BELOW_MARKET,
        TAB,
        ("Metal", "Purity"),
        ERROR,
        "No gold below the market's minimum karat (US 10K; UK 9K)",
        karat_for_market,
    ),
    Rule(
        Reason.STONE_NONE_HAS_DETAILS,
        TAB,
        ("Stone",),
        ERROR,
        "Stone None: origin, shape, carat, count, grades, certificate blank",
        stone_details,
    ),
    Rule(Reason.STONE_MISSING, TAB, ("Stone",), ERROR, "Stone details need the Stone named", stone_missing),
    Rule(
        Reason.STONE_ORIGIN_MISSING, TAB, ("Stone", "Stone Origin"), ERROR, "A stone needs Stone Origin", stone_origin
    ),
    Rule(
        Reason.GRADING_NOT_DIAMOND,
        TAB,
        ("Stone",),
        WARNING,
        "Color, Clarity and Cut only on diamonds",
        grading_only_diamonds,
    ),
    Rule(Reason.CARAT_DECIMALS, TAB, ("Carat Weight",), WARNING, "Carat Weight to at most 2 decimals", carat_decimals),
    Rule(
        Reason.CERTIFICATE_FORMAT,
        TAB,
        ("Certificate",),
        WARNING,
        "Certificate is '<lab> <report number>' in the lab's format",
        certificate_format,
    ),
    Rule(
        Reason.CERTIFICATE_ORIGIN_MISMATCH,
        TAB,
        ("Certificate", "Stone Origin"),
        ERROR,
        "A lab-grown report (IGI LG...) never on a Natural stone",
        certificate_origin,
    ),
    Rule(
        Reason.CERTIFICATE_MISSING,
        TAB,
        ("Stone", "Stone Origin", "Carat Weight", "Certificate"),
        WARNING,
        "Natural diamonds from the configured weight have a grading report",
        certificate_missing,
    ),
    Rule(
        Reason.RING_SIZE_NOT_RING,
        TAB,
        ("Ring Size", "Category"),
        WARNING,
        "Ring Size only on rings",
        ring_size_category,
    ),
    Rule(
        Reason.RING_SIZE_INVALID,
        TAB,
        ("Ring Size", "Category"),
        ERROR,
        "Ring Size US 3-13 in quarter sizes",
        ring_size_valid,
    ),
    Rule(
        Reason.CHAIN_LENGTH_NOT_CHAIN,
        TAB,
        ("Chain Length (in)", "Category"),
        WARNING,
        "Chain Length only on necklaces, pendants, bracelets and anklets",
        chain_length_category,
    ),
    Rule(
        Reason.CHAIN_LENGTH_INVALID,
        TAB,
        ("Chain Length (in)", "Category"),
        WARNING,
        "Chain Length from the usual lengths of its category",
        chain_length_valid,
    ),
    Rule(
        Reason.PRICE_ORDER,
        TAB,
        ("Price", "Wholesale Price", "Cost"),
        ERROR,
        "Price > Wholesale Price >= Cost",
        price_order,
    ),
    Rule(
        Reason.WHOLESALE_SHARE,
        TAB,
        ("Price", "Wholesale Price"),
        WARNING,
        "Wholesale Price within the configured share of retail",
        wholesale_share,
    ),
    Rule(
        Reason.FINAL_DESCRIPTION_MISSING,
        TAB,
        ("Description Status", "Final Description"),
        ERROR,
        "Final Description present when the copy is Approved or Published",
        final_description,
    ),
]
