"""Carriers: a tracking page for a Carrier and Tracking Number, and the carrier guessed from the number's format.

Each carrier's public tracking page takes the number in its address (the addresses their own sites link
to). When Carrier is blank the number's shape says whose it is: a UPS "1Z" number, a UPU S10 number
(two letters, nine digits, the posting country: US, GB, CA, AU), or a length of digits only one carrier
uses in this list. A guess is always said as a guess; a number no rule fits gets no link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from sheetsync.model.values import fold


@dataclass(frozen=True)
class Carrier:
    name: str
    url: str  # the tracking page, "{number}" standing for the tracking number
    spellings: tuple[str, ...] = ()  # other ways people write the carrier's name


USPS_NAMES = ("us postal service", "united states postal service", "u.s. postal service", "us mail")
DHL_PAGE = "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={number}"
CANADA_PAGE = "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}"
CARRIERS = (
    Carrier("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}", USPS_NAMES),
    Carrier("UPS", "https://www.ups.com/track?tracknum={number}", ("united parcel service",)),
    Carrier("FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}", ("fed ex", "federal express")),
    Carrier("DHL", DHL_PAGE, ("dhl express",)),
    Carrier("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{number}", ("rm", "royalmail")),
    Carrier("Canada Post", CANADA_PAGE, ("postes canada", "canadapost")),
    Carrier("Australia Post", "https://auspost.com.au/mypost/track/details/{number}", ("auspost", "aus post")),
)
BY_NAME = {fold(spelling): c for c in CARRIERS for spelling in (c.name, *c.spellings)}
S10_COUNTRY = {"US": "USPS", "GB": "Royal Mail", "CA": "Canada Post", "AU": "Australia Post"}
# (pattern, carrier) in the order tried; a number that fits none gets no guess
SHAPES = (
    (re.compile(r"^1Z[0-9A-Z]{16}$"), "UPS"),
    (re.compile(r"^9[1-5]\d{18,20}$"), "USPS"),  # USPS Intelligent Mail package barcodes: 20-22 digits from 91-95
    (re.compile(r"^\d{12}$|^\d{15}$"), "FedEx"),
    (re.compile(r"^\d{10}$"), "DHL"),  # DHL Express waybills
    (re.compile(r"^\d{16}$"), "Canada Post"),
)
S10 = re.compile(r"^[A-Z]{2}\d{9}([A-Z]{2})$")


@dataclass(frozen=True)
class Tracking:
    """Where to track one parcel: the carrier, its page, and whether the carrier was guessed from the number."""

    carrier: str
    number: str
    link: str
    guessed: bool = False


def clean(number: str) -> str:
    """The number as carriers read it: no spaces or dashes, capital letters."""
    return re.sub(r"[\s-]+", "", number).upper()


def carrier_named(text: str) -> Carrier | None:
    return BY_NAME.get(fold(text))


def guess(number: str) -> str | None:
    """The carrier a tracking number's format belongs to, or None when no rule fits it."""
    number = clean(number)
    s10 = S10.match(number)
    if s10:
        return S10_COUNTRY.get(s10.group(1))
    return next((name for pattern, name in SHAPES if pattern.match(number)), None)


def tracking(carrier: str | None, number: str | None) -> Tracking | None:
    """The tracking page for a parcel, or None when the number is blank or its carrier unknown."""
    if not number or not clean(number):
        return None
    number = clean(number)
    named = carrier_named(carrier) if carrier and carrier.strip() else None
    if carrier and carrier.strip() and named is None:
        return None
    guessed = named is None
    if named is None:
        name = guess(number)
        named = BY_NAME[fold(name)] if name else None
    if named is None:
        return None
    return Tracking(named.name, number, named.url.format(number=quote(number, safe="")), guessed)
