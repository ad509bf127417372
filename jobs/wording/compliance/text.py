"""Copy as the rules read it: HTML reduced to text, declared proper nouns set aside, words around a match."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

NEUTRAL = "Piece"  # what a declared proper noun reads as: a word no rule looks at
SENTENCE = re.compile(r"[.!?](?=\s|$)|\|")
BREAK = re.compile(r"[.!?](?=\s|$)|[;:|()\[\]]")  # sentence and clause breaks (not the point in 0.50)


def plain_text(text: str | None) -> str:
    """Copy as a reader sees it: HTML tags dropped, entities decoded, whitespace collapsed; line and block
    breaks become " | " so that a phrase never runs on into the next list item or paragraph."""
    text = re.sub(r"</?(?:p|li|ul|ol|br|div|h\d|tr|td|table)\b[^>]*>", "\n", text or "", flags=re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return " | ".join(line for line in lines if line)


def mask(copy: str, nouns: Iterable[str], any_case: bool = False) -> str:
    """The copy with each declared proper noun ("Gold Coast", the product's own name) read as a neutral word.

    A proper noun is matched as typed (capitals and all), so "Gold Coast" is a name and "gold coast" is not;
    Etsy tags are lower case by rule, so there (`any_case`) the case is ignored."""
    for noun in sorted({n.strip() for n in nouns if n and n.strip()}, key=len, reverse=True):
        pattern = r"(?<![\w-])" + r"\s+".join(re.escape(w) for w in noun.split()) + r"(?![\w-])"
        copy = re.sub(pattern, NEUTRAL, copy, flags=re.I if any_case else 0)
    return copy


def words_before(copy: str, at: int, count: int = 3) -> list[str]:
    """The last `count` words before position `at`, lower case, nearest last (stops at a sentence break)."""
    head = BREAK.split(copy[:at])[-1]
    return [w.lower() for w in re.findall(r"[\w'+/.-]+", head)][-count:]


def word_before(copy: str, at: int) -> str:
    """The word right before position `at` ("" at the start of a sentence), lower case."""
    found = words_before(copy, at, 1)
    return found[0] if found else ""


def words_after(copy: str, at: int, count: int = 3) -> list[str]:
    """The next `count` words after position `at`, lower case (stops at a sentence break)."""
    tail = BREAK.split(copy[at:])[0]
    return [w.lower() for w in re.findall(r"[\w'+/-]+", tail)][:count]


def sentence_of(copy: str, at: int) -> str:
    """The sentence (or list item) holding position `at`."""
    starts = [m.end() for m in SENTENCE.finditer(copy, 0, at)]
    end = SENTENCE.search(copy, at)
    return copy[starts[-1] if starts else 0 : end.start() if end else len(copy)]
