"""Rebuild sheets_v4_schema.json from the Sheets v4 discovery document google-api-python-client ships.

Run `python -m sheetsync.testing.schema_build` after upgrading google-api-python-client; the
emulator itself only reads the compact JSON, so it needs no Google client at run time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TARGET = Path(__file__).with_name("sheets_v4_schema.json")


def compact_type(prop: dict[str, Any]) -> Any:
    """A discovery property -> "string" | "integer" | ... | {"ref"} | {"enum"} | {"array"} | {"map"}."""
    if "$ref" in prop:
        return {"ref": prop["$ref"]}
    kind = prop.get("type", "any")
    if "enum" in prop:
        return {"enum": prop["enum"]}
    if kind == "array":
        return {"array": compact_type(prop["items"])}
    if kind == "object" and "additionalProperties" in prop:
        return {"map": compact_type(prop["additionalProperties"])}
    if kind == "string" and prop.get("format") == "google-fieldmask":
        return "fieldmask"
    if kind == "string" and prop.get("format") in ("int64", "uint64"):
        return "integer"
    return kind


def method_params(resource: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{'values.get': {param: type}} for every method, nested resources included."""
    out: dict[str, Any] = {}
    for name, method in resource.get("methods", {}).items():
        out[prefix + name] = {p: compact_type(spec) for p, spec in method.get("parameters", {}).items()
                              if spec.get("location") == "query"}
    for name, sub in resource.get("resources", {}).items():
        out.update(method_params(sub, f"{prefix}{name}."))
    return out


def build() -> dict[str, Any]:
    """The compact schema: object schemas by name and query parameters by method."""
    import googleapiclient

    source = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "sheets.v4.json"
    doc = json.loads(source.read_text())
    schemas = {name: {field: compact_type(spec) for field, spec in schema.get("properties", {}).items()}
               for name, schema in doc["schemas"].items()}
    return {"revision": doc["revision"], "schemas": schemas,
            "methods": method_params(doc["resources"]["spreadsheets"])}


if __name__ == "__main__":
    TARGET.write_text(json.dumps(build(), separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")
