"""Etsy's text rules and the text shaping shared by drafts and channel files."""

from __future__ import annotations

import re
from collections.abc import Callable

ETSY_TITLE_LENGTH = 140
ETSY_TAG_LIMIT = 13
ETSY_TAG_LENGTH = 20
ETSY_ONCE = {"%": " percent", ":": " -", "&": "and", "+": "plus"}
ETSY_TAG_CHARS = re.compile(r"^[a-z0-9 '\-]+$")


def tidy(text: str) -> str:
    """Rendered plain text made tidy: paragraphs joined into lines, lists kept one item per line."""
    out = []
    for para in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [" ".join(line.split()) for line in para.splitlines() if line.strip()]
        if not lines:
            continue
        if any(line.startswith("- ") for line in lines):
            out.append("\n".join(lines))
        else:
            out.append(re.sub(r"\s+([.,;:)])", r"\1", " ".join(lines)))
    return "\n\n".join(out)


def etsy_title(text: str) -> str:
    """A title Etsy accepts: one line, % : & + at most once each, at most 140 characters (cut at a break)."""
    title = " ".join(str(text or "").split())
    for char, instead in ETSY_ONCE.items():
        first = title.find(char)
        if first >= 0:
            title = title[: first + 1] + title[first + 1 :].replace(char, instead)
    title = " ".join(title.split())
    while len(title) > ETSY_TITLE_LENGTH:
        cut = title.rfind(" | ", 0, ETSY_TITLE_LENGTH + 1)
        if cut <= 0:
            cut = title.rfind(" ", 0, ETSY_TITLE_LENGTH + 1)
        title = title[: cut if cut > 0 else ETSY_TITLE_LENGTH].rstrip(" |-,")
    return title


def etsy_tags(text: str) -> list[str]:
    """At most 13 distinct tags of at most 20 letters, digits, spaces, - and ' (others are dropped, not mangled)."""
    out: list[str] = []
    for raw in str(text or "").split(","):
        tag = " ".join(raw.split()).lower()
        if tag and len(tag) <= ETSY_TAG_LENGTH and ETSY_TAG_CHARS.match(tag) and tag not in out:
            out.append(tag)
    return out[:ETSY_TAG_LIMIT]


def choose_tags(candidates: str, acceptable: Callable[[str], bool] = lambda tag: True) -> list[str]:
    """The first 13 candidate tags (comma separated, most relevant first) that Etsy accepts and `acceptable`
    passes (the copy rules, one tag at a time), each once."""
    out: list[str] = []
    for raw in str(candidates or "").split(","):
        tag = " ".join(raw.split()).lower()
        if not tag or tag in out or len(tag) > ETSY_TAG_LENGTH or not ETSY_TAG_CHARS.match(tag):
            continue
        if acceptable(tag):
            out.append(tag)
        if len(out) == ETSY_TAG_LIMIT:
            break
    return out
