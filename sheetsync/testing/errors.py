"""Google's error envelope and the 400 messages the emulator shares across modules."""

from __future__ import annotations

import json
from typing import Any

_STATUS_TEXT = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    """An error Google would answer with {"error": {"code", "message", "status"}}."""

    def __init__(self, code: int, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details

    def body(self) -> dict[str, Any]:
        """Google's JSON error envelope."""
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": _STATUS_TEXT.get(self.code, "UNKNOWN"),
        }
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad_request(message: str) -> ApiError:
    """400 INVALID_ARGUMENT."""
    return ApiError(400, message)


def field_violation(field: str, message: str) -> ApiError:
    """400 with the BadRequest detail Google adds when its JSON parser rejects a field."""
    detail = {
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": field, "description": message}],
    }
    return ApiError(400, message, [detail])


def invalid_value(field: str, type_name: str, value: Any) -> ApiError:
    """Google's parser message for a value of the wrong type or an unknown enum name."""
    return field_violation(field, f"Invalid value at '{field}' ({type_name}), {json.dumps(value, ensure_ascii=False)}")


def unknown_name(name: str, where: str) -> ApiError:
    """Google's parser message for a JSON key the schema does not have."""
    at = f" at '{where}'" if where else ""
    return field_violation(where, f'Invalid JSON payload received. Unknown name "{name}"{at}: Cannot find field.')
