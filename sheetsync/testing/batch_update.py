"""spreadsheets.batchUpdate: requests checked against Google's schema, applied to a copy, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import requests_cells, requests_dimensions, requests_features, requests_sheets
from .errors import ApiError, bad_request
from .formula import mark_stale, settle
from .requests_common import Context
from .schema import check_body, schema
from .sheets_model import Spreadsheet

Handler = Callable[[Spreadsheet, dict[str, Any], Context], dict[str, Any]]
HANDLERS: dict[str, Handler] = {
    **requests_sheets.HANDLERS,
    **requests_cells.HANDLERS,
    **requests_dimensions.HANDLERS,
    **requests_features.HANDLERS,
}


# Requests that never read what a formula shows: a batch of only these leaves formulas to be computed before
# the next read (formula.settle), as values writes do.
BLIND_TO_RESULTS = frozenset(
    {
        "updateCells",
        "repeatCell",
        "insertDimension",
        "deleteDimension",
        "appendDimension",
        "moveDimension",
        "updateDimensionProperties",
        "insertRange",
        "deleteRange",
        "addSheet",
        "deleteSheet",
        "updateSheetProperties",
        "updateSpreadsheetProperties",
        "mergeCells",
        "unmergeCells",
        "updateBorders",
        "addConditionalFormatRule",
        "updateConditionalFormatRule",
        "deleteConditionalFormatRule",
        "addProtectedRange",
        "updateProtectedRange",
        "deleteProtectedRange",
        "createDeveloperMetadata",
        "updateDeveloperMetadata",
        "deleteDeveloperMetadata",
        "addNamedRange",
        "updateNamedRange",
        "deleteNamedRange",
        "setDataValidation",
        "addChart",
        "updateChartSpec",
        "deleteEmbeddedObject",
        "addBanding",
        "updateBanding",
        "deleteBanding",
    }
)


def flatten_requests(requests: Any) -> list[Any]:
    """The request list as Google's lenient parser reads it: one level of nesting ([[req], [req]]) and a
    single request object in place of the list (both sent by gspread-formatting) are accepted."""
    if isinstance(requests, dict):
        requests = [requests]
    if not isinstance(requests, list):
        raise bad_request("Invalid value at 'requests' (type.googleapis.com/google.apps.sheets.v4.Request)")
    flat: list[Any] = []
    for item in requests:
        flat.extend(item if isinstance(item, list) else [item])
    return flat


def apply_batch(book: Spreadsheet, body: dict[str, Any], owner: str) -> tuple[Spreadsheet, list[dict[str, Any]]]:
    """Apply the body's requests to a copy; the caller swaps it in only if every request succeeded."""
    requests = flatten_requests(body.get("requests"))
    check_body("BatchUpdateSpreadsheetRequest", {**body, "requests": requests})
    if not all(isinstance(r, dict) and set(r) <= BLIND_TO_RESULTS for r in requests):
        settle(book)  # sorting, finding, pasting values or sizing to text reads what formulas show
    draft = book.snapshot()
    replies = [_apply_one(draft, index, request, Context(owner)) for index, request in enumerate(requests)]
    for sheet in draft.sheets:
        sheet.prune()
    mark_stale(draft)  # computed before the next read (formula.settle)
    draft.touch()
    return draft, replies


def _apply_one(book: Spreadsheet, index: int, request: Any, ctx: Context) -> dict[str, Any]:
    kinds = [k for k, v in request.items() if v is not None] if isinstance(request, dict) else []
    if len(kinds) != 1:
        raise bad_request(f"Invalid requests[{index}]: exactly one kind of request must be set.")
    kind = kinds[0]
    handler = HANDLERS.get(kind)
    if handler is None:
        known = kind in schema()["schemas"]["Request"]
        raise ApiError(
            501, f"The emulator does not implement {kind} requests yet." if known else f"Unknown request kind {kind}."
        )
    try:
        return handler(book, request[kind] or {}, ctx)
    except ApiError as error:
        if error.details:  # a parser-level message already names the field
            raise
        raise bad_request(f"Invalid requests[{index}].{kind}: {error.message}") from None
