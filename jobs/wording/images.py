"""Product photos: the `Image URLs` cell (one per line, or comma-separated) and alt text made from the specs."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from .filters import Piece, metal_phrase, stone_phrase

SPLIT = re.compile(r"[\n,]+")


def image_urls(text: Any) -> list[str]:
    """The cell's URLs in order, blanks dropped (a URL never contains a bare comma or line break)."""
    return [u.strip() for u in SPLIT.split(str(text or "")) if u.strip()]


def url_problem(url: str) -> str | None:
    """Why a photo link cannot be fetched by a platform, or None: https (or http) with a host and a path."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        return "is not a web link (it must start with https://)"
    if not parts.netloc or "." not in parts.netloc or " " in url:
        return "has no host name (such as cdn.example.com)"
    if parts.path in ("", "/"):
        return "points at a site, not at a photo"
    return None


def good_urls(text: Any) -> list[str]:
    return [u for u in image_urls(text) if url_problem(u) is None]


def alt_text(p: Piece, position: int, limit: int, market: str | None = None) -> str:
    """What a photo shows, from the specs: name, metal and stone ("Luna Pendant in 14K yellow gold with a ...")."""
    text = f"{p.name} in {metal_phrase(p, market)}"
    if p.stone:
        text += f" with {stone_phrase(p)}"
    if position > 1:
        text += f", view {position}"
    if len(text) <= limit:
        return text
    return text[: text.rfind(" ", 0, limit - 1)].rstrip(" ,;")
