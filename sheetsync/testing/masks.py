"""Google field masks: parse 'sheets(properties,data/rowData)' and apply them to JSON."""

from __future__ import annotations

from typing import Any

Mask = dict[str, Any]  # field name -> sub-mask, or None for "everything below"


def parse_mask(text: str) -> Mask | None:
    """'sheets.properties,sheets(data/rowData)' -> nested dict; None or '*' means everything."""
    text = (text or "").replace(" ", "")
    if not text or text == "*":
        return None
    if text.count("(") != text.count(")"):
        raise ValueError(f"unbalanced parentheses in field mask {text!r}")
    mask, _ = _parse_list(text, 0)
    return mask


def _parse_list(text: str, pos: int) -> tuple[Mask, int]:
    """Parse comma-separated paths until ')' or the end; returns (mask, next position)."""
    mask: Mask = {}
    while pos < len(text) and text[pos] != ")":
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        path = [part for part in text[start:pos].replace("/", ".").split(".") if part]
        sub: Mask | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            pos += 1  # skip ')'
        if path:
            merge_path(mask, path, sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
    return mask, pos


def merge_path(mask: Mask, path: list[str], leaf: Mask | None) -> None:
    """Add one path to a mask; a None (whole subtree) entry absorbs anything deeper."""
    node = mask
    for i, name in enumerate(path):
        last = i == len(path) - 1
        if name in node and node[name] is None:
            return
        if last:
            node[name] = leaf if name not in node or leaf is None else {**node[name], **leaf}
        else:
            node = node.setdefault(name, {})


def apply_mask(value: Any, mask: Mask | None) -> Any:
    """Keep only masked fields; lists apply the mask to each element, empty objects stay."""
    if mask is None or "*" in mask:
        return value
    if isinstance(value, list):
        return [apply_mask(item, mask) for item in value]
    if isinstance(value, dict):
        return {key: apply_mask(value[key], sub) for key, sub in mask.items() if key in value}
    return value


def mask_wants(mask: Mask | None, *path: str) -> bool:
    """True if the mask selects something at or below path."""
    node: Any = mask
    for name in path:
        if node is None or "*" in node:
            return True
        if name not in node:
            return False
        node = node[name]
    return True


def copy_masked(target: dict[str, Any], source: dict[str, Any], mask: Mask) -> None:
    """Copy masked fields from source into target; a masked field absent in source is reset."""
    for key, sub in mask.items():
        if key == "*":
            target.clear()
            target.update(source)
        elif sub is None or not isinstance(source.get(key), dict):
            if key in source:
                target[key] = source[key]
            else:
                target.pop(key, None)
        else:
            node = target.get(key)
            target[key] = dict(node) if isinstance(node, dict) else {}
            copy_masked(target[key], source[key], sub)


def set_by_mask(target: dict[str, Any], source: dict[str, Any], fields: str) -> None:
    """Update target from source for the fields a mask names ('*' or empty: everything)."""
    mask = parse_mask(fields)
    if mask is None:
        target.update(source)
        return
    copy_masked(target, source, mask)
