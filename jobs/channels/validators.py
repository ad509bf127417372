"""Each channel file checked against its platform's documented rules; run by the exports job and the tests.

A finding is (line, field, code, message): line 1 is the first data line. Sources as read:
- Shopify: help.shopify.com "Using CSV files to import and export products" (handles of lowercase letters,
  digits and dashes; rows of one product share its handle, the first carries the Title; at most 3 options,
  each variant with a value for every option and no two variants alike; Status active, draft or archived;
  TRUE/FALSE for Published; prices and grams as plain numbers).
- Etsy: Open API v3 createDraftListing (required quantity, title, description, price, who_made, when_made,
  taxonomy_id; quantity and price positive; the who_made and when_made enums; title of letters, digits,
  punctuation, math symbols and spaces, with % : & + once each; materials of letters, digits and spaces;
  tags of letters, digits, spaces, - and '; shipping_profile_id for a physical listing; up to 20 images),
  and Etsy's listing limits of a 140-character title and 13 tags of at most 20 characters.
- NOTHS: prices in pounds; UK ring sizes as letters; a hallmark status on every line; plain text.
- Faire: per-unit wholesale price at most retail; minimum order of 1 or more and not below the case size.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from ..wording.images import url_problem
from .policy import ETSY_WHEN_MADE, ETSY_WHO_MADE

HANDLE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
UK_SIZE = re.compile(r"^[A-Z]½?$|^Z\+\d+$")
TAG_EXTRA = set("-'™©®")
ONCE = "%:&+"


class Finding(NamedTuple):
    line: int
    field: str
    code: str
    message: str


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _places(value: Any, places: int = 2) -> bool:
    number = _number(value)
    if number is None:
        return False
    exponent = number.as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= places


def shopify(headers: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[Finding]:
    """The Shopify product CSV's rules (rows as the file holds them: header -> text)."""
    out: list[Finding] = []
    for needed in ("Title", "URL handle"):
        if needed not in headers:
            out.append(Finding(0, needed, "missing_column", f"the {needed} column is required"))
    if any(h.startswith("Option4") for h in headers):
        out.append(Finding(0, "Option4 name", "too_many_options", "Shopify allows at most 3 options"))
    seen_handles: list[str] = []
    products: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(rows, start=1):
        handle = row.get("URL handle", "")
        if not HANDLE.match(handle or ""):
            out.append(Finding(line, "URL handle", "bad_handle", f"{handle!r}: lowercase letters, digits, dashes"))
        if handle not in products:
            if handle in seen_handles:
                out.append(Finding(line, "URL handle", "handle_split", f"{handle}'s rows are not together"))
            if not row.get("Title"):
                out.append(Finding(line, "Title", "missing_title", "a product's first row needs its Title"))
            names = [row.get(f"Option{n} name") for n in (1, 2, 3) if row.get(f"Option{n} name")]
            products[handle] = {"names": names, "combos": set()}
            seen_handles.append(handle)
        product = products[handle]
        if row.get("Status") and row["Status"] not in ("active", "draft", "archived"):
            out.append(Finding(line, "Status", "bad_status", f"{row['Status']!r}: active, draft or archived"))
        for column in ("Published on online store", "Charge tax", "Requires shipping"):
            if row.get(column) and row[column] not in ("TRUE", "FALSE"):
                out.append(Finding(line, column, "bad_boolean", f"{row[column]!r}: TRUE or FALSE"))
        if row.get("SKU"):  # a variant row
            values = tuple(row.get(f"Option{n + 1} value", "") for n in range(len(product["names"])))
            if not all(values):
                out.append(Finding(line, "Option1 value", "missing_option_value", "a value for every option"))
            if values in product["combos"]:
                out.append(Finding(line, "Option1 value", "duplicate_variant", f"two variants are {values}"))
            product["combos"].add(values)
            price = row.get("Price", "")
            if not _places(price) or (_number(price) or 0) < 0:
                out.append(Finding(line, "Price", "bad_price", f"{price!r}: a plain number, 2 decimals"))
            grams = row.get("Weight value (grams)", "")
            if grams and ((_number(grams) is None) or (_number(grams) or 0) < 0):
                out.append(Finding(line, "Weight value (grams)", "bad_weight", f"{grams!r}: grams as a number"))
        elif row.get("Product image URL") and not str(row.get("Image position", "")).isdigit():
            out.append(Finding(line, "Image position", "bad_position", "a whole number from 1"))
        if row.get("Product image URL") and url_problem(row["Product image URL"]):
            out.append(Finding(line, "Product image URL", "bad_url", url_problem(row["Product image URL"]) or ""))
    return out


def _chars_ok(text: str, allowed: Callable[[str], bool]) -> bool:
    return all(allowed(ch) for ch in text)


def _title_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LP" or cat in ("Nd", "Sm", "Zs") or ch in "™©®"


def _material_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] == "L" or cat in ("Nd", "Zs")


def _tag_char(ch: str) -> bool:
    return _material_char(ch) or ch in TAG_EXTRA


def etsy(headers: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[Finding]:
    """Each line's createDraftListing body against the API's field rules (rows as parsed JSON objects)."""
    out: list[Finding] = []
    for line, row in enumerate(rows, start=1):
        body = row.get("createDraftListing") or {}

        def bad(field: str, code: str, message: str, line: int = line) -> None:
            out.append(Finding(line, field, code, message))

        for field in ("quantity", "title", "description", "price", "who_made", "when_made", "taxonomy_id"):
            if body.get(field) in (None, ""):
                bad(field, "missing_field", f"{field} is required")
        quantity, price = body.get("quantity"), body.get("price")
        if not isinstance(quantity, int) or quantity < 1:
            bad("quantity", "bad_quantity", f"{quantity!r}: a whole number of at least 1")
        if not isinstance(price, (int, float)) or price <= 0:
            bad("price", "bad_price", f"{price!r}: a positive number")
        if body.get("who_made") not in ETSY_WHO_MADE:
            bad("who_made", "bad_enum", f"{body.get('who_made')!r}: one of {', '.join(ETSY_WHO_MADE)}")
        if body.get("when_made") not in ETSY_WHEN_MADE:
            bad("when_made", "bad_enum", f"{body.get('when_made')!r} is not an Etsy when_made value")
        for field in ("taxonomy_id", "shipping_profile_id", "return_policy_id"):
            value = body.get(field)
            if value is not None and (not isinstance(value, int) or value < 1):
                bad(field, "bad_id", f"{value!r}: a positive whole number")
        if body.get("type", "physical") == "physical" and not body.get("shipping_profile_id"):
            bad("shipping_profile_id", "missing_field", "a physical listing needs shipping_profile_id")
        title = str(body.get("title") or "")
        if len(title) > 140 or not _chars_ok(title, _title_char):
            bad("title", "bad_title", "at most 140 letters, digits, punctuation, math symbols and spaces")
        for ch in ONCE:
            if title.count(ch) > 1:
                bad("title", "bad_title", f"{ch} may appear once in a title")
        tags = body.get("tags") or []
        if len(tags) > 13:
            bad("tags", "too_many_tags", f"{len(tags)} tags: at most 13")
        for tag in tags:
            if len(tag) > 20 or not _chars_ok(tag, _tag_char):
                bad("tags", "bad_tag", f"{tag!r}: at most 20 letters, digits, spaces, - and '")
        for material in body.get("materials") or []:
            if not _chars_ok(material, _material_char):
                bad("materials", "bad_material", f"{material!r}: letters, digits and spaces only")
        if not isinstance(body.get("is_supply"), bool):
            bad("is_supply", "missing_field", "is_supply (false for finished jewellery) goes with who_made")
        images = row.get("images") or []
        if len(images) > 20:
            bad("images", "too_many_images", "up to 20 images")
        for image in images:
            if url_problem(image.get("url", "")):
                bad("images", "bad_url", f"{image.get('url')!r} {url_problem(image.get('url', ''))}")
    return out


def noths(headers: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[Finding]:
    out: list[Finding] = []
    for line, row in enumerate(rows, start=1):
        if row.get("Currency") != "GBP":
            out.append(Finding(line, "Currency", "not_gbp", "NOTHS sells in pounds (GBP)"))
        price = _number(row.get("Price"))
        if price is None or price <= 0 or not _places(row.get("Price")):
            out.append(Finding(line, "Price", "bad_price", f"{row.get('Price')!r}: pounds, 2 decimals"))
        size = row.get("Ring Size (UK)")
        if size and not UK_SIZE.match(size):
            out.append(Finding(line, "Ring Size (UK)", "bad_uk_size", f"{size!r}: a UK letter size such as N½"))
        if not row.get("Hallmarked"):
            out.append(Finding(line, "Hallmarked", "missing_hallmark", "every piece states its hallmark status"))
        if "<" in (row.get("Description") or ""):
            out.append(Finding(line, "Description", "html", "plain text only"))
    return out


def wholesale(headers: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[Finding]:
    out: list[Finding] = []
    for line, row in enumerate(rows, start=1):
        trade, retail = _number(row.get("Wholesale Price")), _number(row.get("Retail Price (MSRP)"))
        if trade is None or retail is None or trade <= 0 or trade > retail:
            out.append(Finding(line, "Wholesale Price", "bad_wholesale", "a per-unit price at most the MSRP"))
        minimum, case = _number(row.get("Minimum Order Quantity")), _number(row.get("Case Pack"))
        if minimum is None or minimum < 1 or (case is not None and minimum < case):
            out.append(Finding(line, "Minimum Order Quantity", "bad_minimum", "1 or more, not below the case pack"))
        if "<" in (row.get("Description") or ""):
            out.append(Finding(line, "Description", "html", "plain text only"))
        for url in (row.get("Image URLs") or "").split("\n"):
            if url and url_problem(url):
                out.append(Finding(line, "Image URLs", "bad_url", f"{url!r} {url_problem(url)}"))
    return out


VALIDATORS: dict[str, Callable[[Sequence[str], Sequence[Mapping[str, Any]]], list[Finding]]] = {
    "shopify": shopify,
    "etsy": etsy,
    "noths": noths,
    "wholesale": wholesale,
}


def check_file(channel: str, headers: Sequence[str], text: str) -> list[Finding]:
    """Read a channel file as the platform would (CSV or JSON lines) and check it; unknown channels pass."""
    import csv
    import io
    import json

    check = VALIDATORS.get(channel)
    if check is None:
        return []
    if channel == "etsy":
        rows: list[Mapping[str, Any]] = [json.loads(line) for line in text.splitlines() if line.strip()]
        return check(headers, rows)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return check(list(reader.fieldnames or []), list(reader))
