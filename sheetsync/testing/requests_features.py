"""batchUpdate requests for what is anchored to ranges: protection, charts, filters, rules, banding, names, metadata."""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request
from .masks import set_by_mask
from .render import grid_range_json
from .requests_common import Context, mirror_colors, normalise_format, range_in
from .sheets_model import Sheet, Spreadsheet, clone_json, new_numeric_id


def add_protected_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    protected = dict(body.get("protectedRange") or {})
    sheet, stored = range_in(book, protected.get("range"))
    if protected.get("warningOnly") and any((protected.get("editors") or {}).values()):
        raise bad_request("Warning-only protected ranges cannot have editors.")
    if protected.get("protectedRangeId") and any(
        p.get("protectedRangeId") == protected["protectedRangeId"] for s in book.sheets for p in s.protected
    ):
        raise bad_request(f"A protected range with id {protected['protectedRangeId']} already exists.")
    protected["protectedRangeId"] = protected.get("protectedRangeId") or new_numeric_id()
    protected["range"] = stored
    protected.pop("requestingUserCanEdit", None)
    sheet.protected.append(protected)
    reply = {k: v for k, v in protected.items() if v and k not in ("range", "editors")}
    reply["range"] = grid_range_json(sheet.sheet_id, protected["range"])
    reply["requestingUserCanEdit"] = True
    reply["editors"] = {k: v for k, v in (protected.get("editors") or {}).items() if v}
    return {"addProtectedRange": {"protectedRange": reply}}


def delete_protected_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    wanted = body.get("protectedRangeId")
    for sheet in book.sheets:
        for protected in sheet.protected:
            if protected["protectedRangeId"] == wanted:
                sheet.protected.remove(protected)
                return {}
    raise bad_request(f"No protected range with id: {wanted}")


def _all_charts(book: Spreadsheet) -> list[tuple[Sheet, dict[str, Any]]]:
    return [(sheet, chart) for sheet in book.sheets for chart in sheet.charts]


def delete_embedded_object(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    wanted = body.get("objectId")
    for sheet, chart in _all_charts(book):
        if chart.get("chartId") == wanted:
            sheet.charts.remove(chart)
            return {}
    raise bad_request(f"No object with id: {wanted}")


def add_chart(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    chart = dict(body.get("chart") or {})
    if chart.get("chartId") and any(c.get("chartId") == chart["chartId"] for _, c in _all_charts(book)):
        raise bad_request(f"An object with id {chart['chartId']} already exists.")
    chart["chartId"] = chart.get("chartId") or new_numeric_id()
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell") or {}
    sheet = book.sheet_by_id(anchor.get("sheetId", 0)) or book.sheets[0]
    sheet.charts.append(chart)
    return {"addChart": {"chart": chart}}


def set_basic_filter(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """One basic filter per sheet; setting it again replaces it."""
    spec = dict(body.get("filter") or {})
    sheet, stored = range_in(book, spec.get("range"))
    spec["range"] = stored
    sheet.basic_filter = spec
    return {}


def clear_basic_filter(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, _ = range_in(book, {"sheetId": body.get("sheetId")})
    sheet.basic_filter = None
    return {}


def _rule_sheet(book: Spreadsheet, rule: dict[str, Any]) -> tuple[Sheet, list[dict[str, Any]]]:
    """The single sheet a conditional format's ranges lie on, and the ranges in stored form."""
    ranges = rule.get("ranges") or []
    if not ranges:
        raise bad_request("At least one range must be specified for a conditional format rule.")
    placed = [range_in(book, r) for r in ranges]
    if len({id(sheet) for sheet, _ in placed}) > 1:
        raise bad_request("All ranges of a conditional format rule must be on the same sheet.")
    return placed[0][0], [stored for _, stored in placed]


def _stored_rule(book: Spreadsheet, rule: dict[str, Any]) -> tuple[Sheet, dict[str, Any]]:
    sheet, ranges = _rule_sheet(book, rule)
    stored = clone_json(rule)
    stored["ranges"] = ranges
    for kind in ("booleanRule", "gradientRule"):
        if isinstance((stored.get(kind) or {}).get("format"), dict):
            normalise_format(stored[kind]["format"])
    return sheet, stored


def add_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, rule = _stored_rule(book, body.get("rule") or {})
    index = body.get("index") or 0
    if not 0 <= index <= len(sheet.conditional_formats):
        raise bad_request(f"Invalid index {index}: there are {len(sheet.conditional_formats)} rules.")
    sheet.conditional_formats.insert(index, rule)
    return {}


def _rule_at(book: Spreadsheet, sheet_id: Any, index: Any) -> tuple[Sheet, int]:
    sheet, _ = range_in(book, {"sheetId": sheet_id})
    index = index or 0
    if not 0 <= index < len(sheet.conditional_formats):
        raise bad_request(f"No conditional format on sheet {sheet.sheet_id} at index: {index}")
    return sheet, index


def update_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    rule = body.get("rule") or {}
    sheet_id = body.get("sheetId", ((rule.get("ranges") or [{}])[0]).get("sheetId"))
    sheet, index = _rule_at(book, sheet_id, body.get("index"))
    old = sheet.conditional_formats.pop(index)
    if rule:
        _, new = _stored_rule(book, rule)
    else:
        new = old
    target = body.get("newIndex", index)
    sheet.conditional_formats.insert(target, new)
    return {
        "updateConditionalFormatRule": {
            "oldIndex": index,
            "newIndex": target,
            "oldRule": _rule_json(sheet, old),
            "newRule": _rule_json(sheet, new),
        }
    }


def delete_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, index = _rule_at(book, body.get("sheetId"), body.get("index"))
    old = sheet.conditional_formats.pop(index)
    return {"deleteConditionalFormatRule": {"rule": _rule_json(sheet, old)}}


def _rule_json(sheet: Sheet, rule: dict[str, Any]) -> dict[str, Any]:
    return {**rule, "ranges": [grid_range_json(sheet.sheet_id, r) for r in rule["ranges"]]}


def add_banding(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    banding = clone_json(body.get("bandedRange") or {})
    sheet, stored = range_in(book, banding.get("range"))
    if any(_intersects(stored, b["range"]) for b in sheet.banded_ranges):
        raise bad_request("You cannot add alternating colors to a range that already has alternating colors.")
    banding["range"] = stored
    banding["bandedRangeId"] = banding.get("bandedRangeId") or new_numeric_id()
    for key in ("rowProperties", "columnProperties"):
        for color in ("headerColor", "firstBandColor", "secondBandColor", "footerColor"):
            props = banding.get(key) or {}
            if isinstance(props.get(color), dict):
                mirror_colors(props, color, color + "Style")
    sheet.banded_ranges.append(banding)
    return {"addBanding": {"bandedRange": {**banding, "range": grid_range_json(sheet.sheet_id, stored)}}}


def _intersects(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def span(rng: dict[str, Any], start: str, end: str) -> tuple[int, float]:
        return rng.get(start) or 0, rng[end] if rng.get(end) is not None else float("inf")

    ar, br = span(a, "startRowIndex", "endRowIndex"), span(b, "startRowIndex", "endRowIndex")
    ac, bc = span(a, "startColumnIndex", "endColumnIndex"), span(b, "startColumnIndex", "endColumnIndex")
    return ar[0] < br[1] and br[0] < ar[1] and ac[0] < bc[1] and bc[0] < ac[1]


def delete_banding(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    wanted = body.get("bandedRangeId")
    for sheet in book.sheets:
        for banding in sheet.banded_ranges:
            if banding["bandedRangeId"] == wanted:
                sheet.banded_ranges.remove(banding)
                return {}
    raise bad_request(f"No banded range with id: {wanted}")


def _check_name(book: Spreadsheet, name: str, keep: str | None = None) -> None:
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name or "") or re.match(r"^[A-Za-z]{1,3}\d+$", name):
        raise bad_request(f"Invalid namedRange name: {name}")
    if any(n["name"].lower() == name.lower() and n["namedRangeId"] != keep for n in book.named_ranges):
        raise bad_request(f"A named range with the name {name} already exists.")


def add_named_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    named = clone_json(body.get("namedRange") or {})
    sheet, stored = range_in(book, named.get("range"))
    _check_name(book, named.get("name", ""))
    named["namedRangeId"] = named.get("namedRangeId") or f"{new_numeric_id():x}"
    named["range"] = {**stored, "sheetId": sheet.sheet_id}
    book.named_ranges.append(named)
    return {"addNamedRange": {"namedRange": {**named, "range": grid_range_json(sheet.sheet_id, stored)}}}


def _named(book: Spreadsheet, named_id: Any) -> dict[str, Any]:
    found = next((n for n in book.named_ranges if n["namedRangeId"] == named_id), None)
    if found is None:
        raise bad_request(f"No named range with id: {named_id}")
    return found


def update_named_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    new = body.get("namedRange") or {}
    found = _named(book, new.get("namedRangeId"))
    if not body.get("fields"):
        raise bad_request("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)")
    updated = clone_json(found)
    set_by_mask(updated, new, body["fields"])
    _check_name(book, updated.get("name", ""), keep=found["namedRangeId"])
    sheet, stored = range_in(book, updated.get("range"))
    updated["range"] = {**stored, "sheetId": sheet.sheet_id}
    updated["namedRangeId"] = found["namedRangeId"]
    book.named_ranges[book.named_ranges.index(found)] = updated
    return {}


def delete_named_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    book.named_ranges.remove(_named(book, body.get("namedRangeId")))
    return {}


def create_developer_metadata(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    meta = clone_json(body.get("developerMetadata") or {})
    location = meta.get("location") or {}
    if not any(k in location for k in ("spreadsheet", "sheetId", "dimensionRange")):
        raise bad_request("A location must be specified for developer metadata.")
    if not meta.get("visibility"):
        raise bad_request("Developer metadata visibility must be specified.")
    if "sheetId" in location:
        range_in(book, {"sheetId": location["sheetId"]})
    meta["metadataId"] = meta.get("metadataId") or new_numeric_id()
    if any(m["metadataId"] == meta["metadataId"] for m in book.developer_metadata):
        raise bad_request(f"Developer metadata with id {meta['metadataId']} already exists.")
    dimension = location["dimensionRange"].get("dimension", "ROWS")[:-1] if "dimensionRange" in location else ""
    location["locationType"] = (
        "SPREADSHEET" if "spreadsheet" in location else "SHEET" if "sheetId" in location else dimension
    )
    meta["location"] = location
    book.developer_metadata.append(meta)
    return {"createDeveloperMetadata": {"developerMetadata": meta}}


def metadata_matches(meta: dict[str, Any], lookup: dict[str, Any]) -> bool:
    """A DeveloperMetadataLookup: every field it names must match."""
    checks = {
        "metadataId": meta.get("metadataId"),
        "metadataKey": meta.get("metadataKey"),
        "metadataValue": meta.get("metadataValue"),
        "visibility": meta.get("visibility"),
        "locationType": (meta.get("location") or {}).get("locationType"),
    }
    return all(checks.get(key) == value for key, value in lookup.items() if key in checks)


def _matching_metadata(book: Spreadsheet, data_filter: dict[str, Any]) -> list[dict[str, Any]]:
    lookup = data_filter.get("developerMetadataLookup")
    if lookup is None:
        raise bad_request("Only developerMetadataLookup data filters can select developer metadata.")
    return [m for m in book.developer_metadata if metadata_matches(m, lookup)]


def update_developer_metadata(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    if not body.get("fields"):
        raise bad_request("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)")
    changed = []
    for data_filter in body.get("dataFilters") or []:
        for meta in _matching_metadata(book, data_filter):
            set_by_mask(meta, body.get("developerMetadata") or {}, body["fields"])
            changed.append(meta)
    return {"updateDeveloperMetadata": {"developerMetadata": changed}}


def delete_developer_metadata(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    doomed = _matching_metadata(book, body.get("dataFilter") or {})
    book.developer_metadata = [m for m in book.developer_metadata if m not in doomed]
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": doomed}}


HANDLERS = {
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "addChart": add_chart,
    "deleteEmbeddedObject": delete_embedded_object,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "addConditionalFormatRule": add_conditional_format_rule,
    "updateConditionalFormatRule": update_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "addBanding": add_banding,
    "deleteBanding": delete_banding,
    "addNamedRange": add_named_range,
    "updateNamedRange": update_named_range,
    "deleteNamedRange": delete_named_range,
    "createDeveloperMetadata": create_developer_metadata,
    "updateDeveloperMetadata": update_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
}
