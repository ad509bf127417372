"""Request validation against Google's published Sheets v4 schema (vendored as sheets_v4_schema.py)."""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, bad_request, invalid_value, unknown_name
from .masks import parse_mask
from .sheets_v4_schema import SCHEMA

_PROTO_TYPES = {
    "string": "TYPE_STRING",
    "number": "TYPE_DOUBLE",
    "integer": "TYPE_INT32",
    "boolean": "TYPE_BOOL",
    "fieldmask": "type.googleapis.com/google.protobuf.FieldMask",
}
# Enum fields whose proto type is not the capitalised field name.
_ENUM_TYPES = {"majorDimension": "Dimension", "dimension": "Dimension", "insertDataOption": "InsertDataOption"}
_FLOAT_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?Infinity$|^NaN$")


def schema() -> dict[str, Any]:
    """The compact schema: {"schemas": {name: {field: type}}, "methods": {method: {param: type}}}."""
    return SCHEMA


def snake(name: str) -> str:
    """camelCase -> snake_case, as Google's parser names fields in its messages."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def check_body(schema_name: str, body: Any, path: str = "") -> None:
    """Refuse a request body that Google's JSON parser would: unknown names, wrong types, bad enums."""
    _check(schema()["schemas"][schema_name], body, path)


def _check(fields: dict[str, Any], body: Any, path: str) -> None:
    if not isinstance(body, dict):
        raise invalid_value(path, "type.googleapis.com/google.protobuf.Struct", body)
    for key, value in body.items():
        kind = fields.get(key)
        where = f"{path}.{snake(key)}" if path else snake(key)
        if kind is None:
            raise unknown_name(key, path)
        if value is not None:
            _check_value(kind, value, where, key)


def _check_value(kind: Any, value: Any, where: str, key: str) -> None:
    if isinstance(kind, str):
        _check_scalar(kind, value, where)
    elif "ref" in kind:
        _check(schema()["schemas"][kind["ref"]], value, where)
    elif "enum" in kind:
        if value not in kind["enum"]:
            raise invalid_value(where, enum_type(key), value)
    elif "array" in kind:
        if not isinstance(value, list):
            raise invalid_value(where, "type.googleapis.com/google.protobuf.ListValue", value)
        for index, item in enumerate(value):
            _check_value(kind["array"], item, f"{where}[{index}]", key)
    elif "map" in kind and not isinstance(value, dict):
        raise invalid_value(where, "type.googleapis.com/google.protobuf.Struct", value)


def _check_scalar(kind: str, value: Any, where: str) -> None:
    """proto3 JSON: numbers may be sent as numeric strings; strings and bools must be what they are."""
    ok = True
    if kind in ("string", "fieldmask"):
        ok = isinstance(value, str)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "number":
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
            isinstance(value, str) and bool(_FLOAT_TEXT.match(value))
        )
    elif kind == "integer":
        ok = _is_integer(value)
    if not ok:
        raise invalid_value(where, _PROTO_TYPES.get(kind, "TYPE_MESSAGE"), value)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and bool(re.match(r"^[+-]?\d+$", value))


def enum_type(field: str) -> str:
    """The type URL Google names when an enum value is unknown."""
    name = _ENUM_TYPES.get(field, field[:1].upper() + field[1:])
    return f"type.googleapis.com/google.apps.sheets.v4.{name}"


def check_query(method: str, query: dict[str, list[str]]) -> None:
    """Refuse unknown enum values in the query string (valueRenderOption=BOGUS) as Google does."""
    params = schema()["methods"].get(method, {})
    for name, values in query.items():
        kind = params.get(name)
        if isinstance(kind, dict) and "enum" in kind:
            for value in values:
                if value not in kind["enum"]:
                    raise invalid_value(snake(name), enum_type(name), value)
        elif kind == "boolean":
            for value in values:
                if value.lower() not in ("true", "false", "1", "0", ""):
                    raise invalid_value(snake(name), "TYPE_BOOL", value)


def check_mask(schema_name: str, fields: str) -> None:
    """Refuse a write mask naming a field the target message lacks (write masks must point at real fields)."""
    try:
        mask = parse_mask(fields)
    except ValueError:
        raise bad_request(f"Invalid field mask: {fields}") from None
    _check_mask(schema_name, mask, fields)


def _check_mask(schema_name: str, mask: dict[str, Any] | None, fields: str) -> None:
    if mask is None:
        return
    known = schema()["schemas"][schema_name]
    for name, sub in mask.items():
        if name == "*":
            continue
        kind = known.get(name)
        if kind is None:
            raise bad_request(f"Invalid field mask: '{name}' is not a field of {schema_name} (fields: {fields})")
        if sub is not None and isinstance(kind, dict) and "ref" in kind:
            _check_mask(kind["ref"], sub, fields)


def read_mask_error() -> ApiError:
    """What the Sheets API says when a `fields` selector names nothing that exists."""
    return bad_request("Request contains an invalid argument.")


def check_read_mask(schema_name: str, mask: dict[str, Any] | None) -> None:
    """Refuse a response `fields` selector with a path the response type cannot have."""
    if mask is None:
        return
    known = schema()["schemas"][schema_name]
    for name, sub in mask.items():
        if name == "*":
            continue
        kind = known.get(name)
        if kind is None:
            raise read_mask_error()
        target = kind.get("array", kind) if isinstance(kind, dict) else kind
        if sub is not None:
            if not (isinstance(target, dict) and "ref" in target):
                raise read_mask_error()
            check_read_mask(target["ref"], sub)
