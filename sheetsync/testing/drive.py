"""The Drive v3 slice clients use with Sheets: create, get, rename, delete and list spreadsheets."""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, bad_request
from .masks import apply_mask, parse_mask
from .sheets_model import Spreadsheet, new_spreadsheet
from .state import EmulatorState

Query = dict[str, list[str]]
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
_DEFAULT_FIELDS = "kind,id,name,mimeType"
_QUOTED = r"'(?:[^'\\]|\\.)*'" + "|" + r'"(?:[^"\\]|\\.)*"'
_CLAUSE = re.compile(
    rf"""^\s*(?:(name|mimeType|modifiedTime|createdTime|trashed)\s*(=|!=|contains|>=|<=|>|<)\s*
                         ({_QUOTED}|true|false)|(?:{_QUOTED})\s+in\s+parents|parents\s+in\s+(?:{_QUOTED}))\s*$""",
    re.VERBOSE,
)


def _one(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _file(book: Spreadsheet) -> dict[str, Any]:
    return {
        "kind": "drive#file",
        "id": book.spreadsheet_id,
        "name": book.properties["title"],
        "mimeType": SPREADSHEET_MIME,
        "createdTime": book.created,
        "modifiedTime": book.modified,
        "trashed": False,
    }


def _lookup(state: EmulatorState, file_id: str) -> Spreadsheet:
    book = state.books.get(file_id)
    if book is None or not book.accessible:
        raise ApiError(404, f"File not found: {file_id}.")
    return book


def _masked(query: Query, value: dict[str, Any], default: str = _DEFAULT_FIELDS) -> dict[str, Any]:
    return apply_mask(value, parse_mask(_one(query, "fields") or default))


def create(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    if body.get("mimeType") != SPREADSHEET_MIME:
        raise bad_request("The emulator only creates Google Sheets files.")
    book = new_spreadsheet(body.get("name") or "Untitled spreadsheet")
    state.add(book)
    return 200, _masked(query, _file(book))


def get(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    return 200, _masked(query, _file(_lookup(state, params["id"])))


def update(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    book = _lookup(state, params["id"])
    if body.get("name"):
        book.properties["title"] = body["name"]
        book.touch()
    return 200, _masked(query, _file(book))


def delete(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    _lookup(state, params["id"])
    del state.books[params["id"]]
    return 204, None


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _matches(item: dict[str, Any], clause: str) -> bool:
    """One q clause: name/mimeType/time comparisons, contains, trashed; 'x' in parents matches everything."""
    match = _CLAUSE.match(clause)
    if match is None:
        raise ApiError(400, "Invalid Value")
    field, op, raw = match.groups()
    if field is None:
        return True  # every emulated file sits in the caller's root folder
    value: Any = raw == "true" if raw in ("true", "false") else _unquote(raw)
    actual = item[field]
    if op == "contains":
        return field == "name" and str(value).lower() in actual.lower()
    return {
        "=": actual == value,
        "!=": actual != value,
        ">": actual > value,
        "<": actual < value,
        ">=": actual >= value,
        "<=": actual <= value,
    }[op]


def _clauses(q: str) -> list[str]:
    """Split q on 'and' outside quotes ('or' and parentheses are not emulated: refused)."""
    parts, current = [], ""
    tokens = re.split(f"({_QUOTED})", q)
    for token in tokens:
        if token[:1] in ("'", '"'):
            current += token
            continue
        pieces = re.split(r"\band\b", token, flags=re.IGNORECASE)
        if re.search(r"\bor\b|[()]", token, flags=re.IGNORECASE):
            raise ApiError(400, "Invalid Value")
        current += pieces[0]
        for piece in pieces[1:]:
            parts.append(current)
            current = piece
    return [p for p in parts + [current] if p.strip()]


def list_files(state: EmulatorState, params: dict[str, str], query: Query, body: Any) -> tuple[int, Any]:
    clauses = _clauses(_one(query, "q") or "")
    files = [_file(b) for b in state.books.values() if b.accessible]
    files = [f for f in files if all(_matches(f, clause) for clause in clauses)]
    listing = {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
    return 200, _masked(query, listing, "kind,incompleteSearch,files(kind,id,name,mimeType)")


HANDLERS = {
    "drive.create": create,
    "drive.get": get,
    "drive.update": update,
    "drive.delete": delete,
    "drive.list": list_files,
}
