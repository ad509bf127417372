"""What copy must say about a treated stone, and the "no treatment" claims it may only make when true.

Source, as read: 16 CFR 23.24 (diamonds through 23.14, pearls 23.23): a seller discloses that a gemstone
has been treated when the treatment is not permanent (and that it is or may not be permanent), creates
special care requirements (and that it has them), or significantly affects its value; where the piece can
be bought without being seen (online), in the description itself. Whether each treatment is permanent or
needs care is in rules.toml [treatments]. A claim such as "unheated", "untreated", "natural colour" or
"stable" about a stone that is heated, treated, colour-treated or not permanently treated misrepresents
the treatment (23.24, and 23.1 on misrepresenting treatment).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .codes import CopyCode, Finding, finding
from .subject import Subject
from .text import sentence_of, words_before

NEGATORS = {"not", "never", "no", "without", "isn't", "nor"}
NO_TREATMENT = re.compile(
    r"\b(?:untreated|unenhanced|not\s+(?:been\s+)?(?:treated|enhanced)|never\s+(?:been\s+)?(?:treated|enhanced)|"
    r"without\s+(?:any\s+)?(?:treatment|enhancement)s?|no\s+(?:treatments?|enhancements?))\b",
    re.I,
)
NO_HEAT = re.compile(
    r"\b(?:unheated|non[\s-]?heated|no[\s-]heat|not\s+(?:been\s+)?heat(?:ed|[\s-]treated)|"
    r"never\s+(?:been\s+)?heat(?:ed|[\s-]treated)|without\s+heat(?:ing)?)\b",
    re.I,
)
NATURAL_COLOUR = re.compile(r"\bnatural(?:ly)?[\s-]+colou?r(?:ed)?\b|\bcolou?r\s+is\s+(?:all\s+)?natural\b", re.I)
STABLE = re.compile(r"\b(stable|permanent|permanently|lasting)\b", re.I)
NOT_PERMANENT = re.compile(
    r"\b(?:not|isn't|non-?|may\s+not\s+be|might\s+not\s+be)\s*permanent\b|\bmay\s+(?:fade|wear|change)\b|"
    r"\bcan\s+(?:fade|wear)\b|\btemporary\b",
    re.I,
)
SPECIAL_CARE = re.compile(r"\b(?:special|extra|particular)\s+care\b|\bcare\s+requirements?\b", re.I)
TREATMENT_TALK = re.compile(r"\btreat(?:ed|ment|ments)\b|\benhance(?:d|ment|ments)\b", re.I)
HEAT_TREATMENTS = ("Heat", "Diffusion")


def _phrase(words: str) -> str:
    return r"(?<![\w-])" + r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", words)) + r"(?![\w-])"


def _said(copy: str, patterns: list[str]) -> bool:
    """Whether any phrase appears as whole words and not negated ("not heat-treated" says the opposite)."""
    for pattern in patterns:
        for m in re.finditer(pattern, copy, re.I):
            if not NEGATORS & set(words_before(copy, m.start(), 2)):
                return True
    return False


def check(copy: str, subject: Subject) -> list[Finding]:
    out = list(_false_claims(copy, subject))
    if subject.full:
        out += _disclosure(copy, subject)
    return out


def _disclosure(copy: str, s: Subject) -> Iterator[Finding]:
    t = s.treatment
    if t is None:
        return
    own = [_phrase(w) for w in t.words]
    generic = [_phrase("treated"), _phrase("enhanced"), _phrase("treatment"), _phrase("enhancement")]
    if not _said(copy, own + generic):
        yield finding(
            CopyCode.TREATMENT_UNDISCLOSED,
            f'Treatment is {t.name} but the copy does not disclose it (say e.g. "{t.words[0]}")',
            _cite(s),
        )
        return
    if not t.permanent and not NOT_PERMANENT.search(copy):
        yield finding(
            CopyCode.TREATMENT_PERMANENCE,
            f'{t.name} is not a permanent treatment: the copy must say so (e.g. "the treatment is not permanent")',
            _cite(s, "(a)"),
        )
    if t.special_care and not _said(copy, [SPECIAL_CARE.pattern]):
        yield finding(
            CopyCode.TREATMENT_CARE,
            f'{t.name} stones need special care: the copy must say so (e.g. "needs special care: avoid heat, '
            'steam and ultrasonic cleaners")',
            _cite(s, "(b)"),
        )


def _false_claims(copy: str, s: Subject) -> Iterator[Finding]:
    t = s.treatment
    if t is None:
        return  # untreated stones may truly be called unheated, untreated or of natural colour
    claims = []
    claims += [m.group(0) for m in NO_TREATMENT.finditer(copy)]
    if t.name in HEAT_TREATMENTS:
        claims += [m.group(0) for m in NO_HEAT.finditer(copy)]
    if t.colour:
        claims += [m.group(0) for m in NATURAL_COLOUR.finditer(copy)]
    if not t.permanent:
        for m in STABLE.finditer(copy):
            near = sentence_of(copy, m.start())
            negated = NEGATORS & set(words_before(copy, m.start(), 3)) or re.search(
                r"\b(?:non-?|may\s+not\s+be\s*)$", copy[: m.start()], re.I
            )
            if TREATMENT_TALK.search(near) and not negated:
                claims.append(m.group(0))
    if t.special_care:
        claims += [m.group(0) for m in re.finditer(r"\b(?:no|without)\s+(?:special|extra)\s+care\b", copy, re.I)]
    for claim in dict.fromkeys(c.lower() for c in claims):
        yield finding(CopyCode.TREATMENT_FALSE_CLAIM, f'says "{claim}" but Treatment is {t.name}', _cite(s))


def _cite(s: Subject, paragraph: str = "") -> str:
    if s.stone is not None and s.stone.name == "Pearl":
        return f"16 CFR 23.23{paragraph}"
    if s.diamond:
        return f"16 CFR 23.14, 23.24{paragraph}"
    return f"16 CFR 23.24{paragraph}"
