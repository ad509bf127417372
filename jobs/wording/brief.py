"""The Brief column read as a copywriter writes it: a story, a mood and keywords.

People write "Story: the first light over a northern sky; Mood: quiet luxury; Keywords: stacking, gift", on
one line or several, labels in any case ("Aurora mood: sunlit" counts as a mood). Text without a label is
the story.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .compliance import CopyRules, check_copy, errors

LABELS = {
    "story": ("story", "inspiration", "inspired by", "about", "concept"),
    "mood": ("mood", "moods", "tone", "feel", "vibe"),
    "keywords": ("keywords", "keyword", "tags", "seo", "search terms"),
}


@dataclass(frozen=True)
class Brief:
    story: str | None = None
    moods: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


def _items(text: str) -> tuple[str, ...]:
    parts = re.split(r",|/|\band\b|\+", text)
    return tuple(dict.fromkeys(" ".join(p.split()).strip(" .").lower() for p in parts if p.strip(" .")))


LABEL = re.compile(
    r"^(?P<pre>.*?)\b(?P<label>"
    + "|".join(re.escape(w) for words in LABELS.values() for w in sorted(words, key=len, reverse=True))
    + r")\s*:\s*(?P<rest>.*)$",
    re.I | re.S,
)


def _kind(label: str) -> str:
    return next(name for name, words in LABELS.items() if label.lower() in words)


def parse_brief(text: str | None) -> Brief:
    """The story, moods and keywords of a Brief cell (all optional)."""
    story: list[str] = []
    moods: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    for segment in re.split(r"[;\n]+", str(text or "")):
        segment = segment.strip()
        if not segment:
            continue
        m = LABEL.match(segment)
        if m is None:
            story.append(segment)
            continue
        pre, kind, rest = m.group("pre").strip(), _kind(m.group("label")), m.group("rest").strip()
        if len(pre.split()) > 2:
            story.append(pre)  # text before the label is the story; a word or two ("Aurora mood:") names it
        if kind == "mood":
            moods += _items(rest)
        elif kind == "keywords":
            keywords += _items(rest)
        elif rest:
            story.append(rest)
    told = " ".join(s.strip().rstrip(".") for s in story if s.strip())
    return Brief(told or None, tuple(dict.fromkeys(moods)), tuple(dict.fromkeys(keywords)))


def brief_parts(values: Mapping[str, Any], rules: CopyRules) -> tuple[dict[str, Any], list[str]]:
    """The Brief's story, moods and keywords that copy may use, and why any part is left out.

    A story or keyword that breaks a copy rule ("a real diamond" for a lab-grown one) stays out; a keyword
    about the metal or the stone ("yellow gold") is dropped quietly: those facts come from the specs."""
    brief = parse_brief(values.get("Brief"))
    notes: list[str] = []
    story = brief.story
    if story:
        broken = errors(check_copy(story, values, kind="title", rules=rules))
        if broken:
            notes.append(f"the story is left out of the draft: {'; '.join(f.message for f in broken)}")
            story = None
    keywords = [w for w in brief.keywords if not errors(check_copy(w, values, kind="tags", rules=rules))]
    return {"story": story, "moods": list(brief.moods), "keywords": keywords}, notes
