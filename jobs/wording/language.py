"""English for drafts: articles before numbers and words, number words, US or UK spelling, a stable choice.

Spelling by market: the US and the UK spell the same copy differently ("color"/"colour",
"jewelry"/"jewellery"); drafts and channel texts are spelled for the market they are read in.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

UK_MARKETS = ("UK", "GB", "IE", "AU", "NZ")
# US spelling -> UK spelling (whole words; case is kept)
US_UK = {
    "color": "colour",
    "colors": "colours",
    "colored": "coloured",
    "colorless": "colourless",
    "jewelry": "jewellery",
    "jeweler": "jeweller",
    "jewelers": "jewellers",
    "center": "centre",
    "centered": "centred",
    "gray": "grey",
    "favorite": "favourite",
    "personalized": "personalised",
    "personalize": "personalise",
    "customized": "customised",
    "totaling": "totalling",
    "traveling": "travelling",
    "labeled": "labelled",
    "luster": "lustre",
    "savor": "savour",
    "honor": "honour",
    "stabilized": "stabilised",
    "organize": "organise",
    "recognized": "recognised",
    "polarized": "polarised",
    "neighbor": "neighbour",
    "neighbors": "neighbours",
}
UK_US = {uk: us for us, uk in US_UK.items()}
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve"]  # fmt: skip
SILENT_H = ("hour", "honest", "honour", "honor", "heir", "heirloom")
YOU_SOUND = ("uni", "use", "usu", "eu", "one", "once", "ewe")
VOWEL_LETTERS = set("AEFHILMNORSX")  # letters whose names start with a vowel sound ("an FL diamond")


def is_uk(market: str | None) -> bool:
    return str(market or "").upper() in UK_MARKETS


def spelled(text: str, market: str | None) -> str:
    """The text in the market's spelling (US by default), whole words only, keeping capitals."""
    table = US_UK if is_uk(market) else UK_US
    pattern = re.compile(r"\b(" + "|".join(sorted(table, key=len, reverse=True)) + r")\b", re.I)

    def swap(m: re.Match) -> str:
        word = m.group(0)
        new = table[word.lower()]
        if word.isupper():
            return new.upper()
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    return pattern.sub(swap, text or "")


def article(phrase: Any) -> str:
    """ "a" or "an" as the phrase is spoken: "an 18 in chain", "a 16 in chain", "an oval", "a unique"."""
    text = str(phrase or "").strip()
    if not text:
        return "a"
    number = re.match(r"(\d+)", text)
    if number:
        digits = number.group(1)
        spoken_vowel = digits.startswith("8") or (digits[:2] in ("11", "18") and len(digits) % 3 == 2)
        return "an" if spoken_vowel and digits != "0" else "a"
    word = re.match(r"[A-Za-z]+", text)
    if not word:
        return "a"
    w = word.group(0)
    if w.isupper() and len(w) <= 4:  # an initialism, read letter by letter ("an FL", "a VS1")
        return "an" if w[0] in VOWEL_LETTERS else "a"
    low = w.lower()
    if low.startswith(SILENT_H):
        return "an"
    if low.startswith(YOU_SOUND):
        return "a"
    return "an" if low[0] in "aeiou" else "a"


def with_article(phrase: Any) -> str:
    text = str(phrase or "").strip()
    return f"{article(text)} {text}" if text else ""


def number_word(n: Any) -> str:
    """Counts up to twelve in words ("two"), larger ones in digits."""
    value = int(n)
    return NUMBER_WORDS[value] if 0 <= value < len(NUMBER_WORDS) else str(value)


def pick(options: Sequence[Any] | Any, key: str, slot: str = "") -> Any:
    """One of `options`, chosen by a hash of the key (a SKU) and slot: varied between pieces, the same on
    every run (a rerun writes nothing); a single value is returned as it is."""
    if isinstance(options, str) or not isinstance(options, Sequence):
        return options
    if not options:
        return ""
    digest = hashlib.sha256(f"{key}|{slot}".encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def sentence(text: Any) -> str:
    """A phrase as a sentence: first letter capital, one full stop at the end."""
    text = " ".join(str(text or "").split()).strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."
