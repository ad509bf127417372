"""The validate job's rules on product groups and photos: a group's shared specs agree, no two variants are
alike, at most 3 options (Shopify's limit), and every Image URLs entry is a link a platform can fetch."""

from __future__ import annotations

from collections.abc import Iterator

from sheetsync.model.checks import Env, Hit, Rule, View

from ..wording.images import image_urls, url_problem
from ..wording.products import GROUP, MAX_OPTIONS, OPTIONS, differing, group_of, option_value, shared_mismatches
from .rules import ERROR, Reason, Settings, words

TAB = "SKUs"


def _groups(v: View) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, row in enumerate(v.rows):
        key = group_of(row)
        if key and row.has_key:
            out.setdefault(key.casefold(), []).append(i)
    return {k: ix for k, ix in out.items() if len(ix) > 1}


def group_specs(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """Variants of one product share everything but their options (Ring Size, Chain Length, Metal)."""
    for indexes in _groups(v).values():
        rows = [v.rows[i] for i in indexes]
        options = differing(rows)
        for column, _seen in shared_mismatches(rows, options).items():
            first = rows[0]
            for i, row in zip(indexes[1:], rows[1:]):
                if (row.get(column) is None and first.get(column) is None) or row.get(column) == first.get(column):
                    continue
                yield Hit(
                    i,
                    column,
                    f"{row.get(column) if row.get(column) is not None else '(blank)'} differs from "
                    f"{first.key} in the same Product Group ({first.get(column) or '(blank)'}): variants share "
                    f"{column}; make them agree, or give this SKU its own Product Group",
                    row.get(column),
                )


def group_options(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    """No two variants alike; at most 3 options (help.shopify.com product CSV: Option1-Option3)."""
    names = dict(OPTIONS)
    for indexes in _groups(v).values():
        rows = [v.rows[i] for i in indexes]
        columns = differing(rows)
        if len(columns) > MAX_OPTIONS:
            yield Hit(indexes[0], GROUP, f"{len(columns)} options differ: at most {MAX_OPTIONS}", group_of(rows[0]))
        seen: dict[tuple, str] = {}
        for i, row in zip(indexes, rows):
            combo = tuple(option_value(c, row) for c in columns)
            if combo in seen:
                said = ", ".join(f"{names[c]} {x or '(blank)'}" for c, x in zip(columns, combo)) or "the same specs"
                yield Hit(
                    i,
                    GROUP,
                    f"{said} is also {seen[combo]} in this Product Group: each variant needs its own "
                    f"{words([names[c] for c, _ in OPTIONS], 'or')}",
                    group_of(row),
                )
            else:
                seen[combo] = row.key


def image_links(v: View, s: Settings, env: Env) -> Iterator[Hit]:
    for i, text in enumerate(v.col("Image URLs")):
        for url in image_urls(text):
            problem = url_problem(url)
            if problem:
                yield Hit(i, "Image URLs", f"{url} {problem}: paste the photo's https:// link", text)
                break


RULES = [
    Rule(Reason.GROUP_SPECS_DIFFER, TAB, (GROUP,), ERROR, "A Product Group's variants share their specs", group_specs),
    Rule(
        Reason.GROUP_OPTION_REPEATED,
        TAB,
        (GROUP,),
        ERROR,
        "Each variant of a Product Group differs by its options (at most 3)",
        group_options,
    ),
    Rule(Reason.IMAGE_URL_INVALID, TAB, ("Image URLs",), ERROR, "Image URLs are web links to photos", image_links),
]
