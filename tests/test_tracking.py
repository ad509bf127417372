"""Tracking links on Gifts: the carrier's page from Carrier and Tracking Number, the carrier guessed when blank."""

from __future__ import annotations

import pytest
from conftest import memory_workbook, records

from jobs.shipping.carriers import guess, tracking

CASES = [
    # carrier typed, number -> carrier, link start, guessed
    ("UPS", "1Z999AA10123456784", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456784", False),
    (" ups ", "1z 999 aa1 0123456784", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456784", False),
    (None, "1Z999AA10123456784", "UPS", "https://www.ups.com/track?tracknum=", True),
    (None, "9400111899223197428490", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400", True),
    ("U.S. Postal Service", "9400111899223197428490", "USPS", "https://tools.usps.com/", False),
    (None, "RR123456785GB", "Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/RR1", True),
    (None, "LX123456785CA", "Canada Post", "https://www.canadapost-postescanada.ca/", True),
    (None, "CP123456785AU", "Australia Post", "https://auspost.com.au/mypost/track/details/CP", True),
    (None, "EA123456785US", "USPS", "https://tools.usps.com/", True),
    (None, "123456789012", "FedEx", "https://www.fedex.com/fedextrack/?trknbr=123456789012", True),
    ("Fed Ex", "123456789012345", "FedEx", "https://www.fedex.com/", False),
    (None, "1234567890", "DHL", "https://www.dhl.com/", True),
    ("DHL Express", "JD014600006281230704", "DHL", "https://www.dhl.com/", False),
    (None, "7023210039414604", "Canada Post", "https://www.canadapost-postescanada.ca/", True),
    (
        "Australia Post",
        "33ABC1234567",
        "Australia Post",
        "https://auspost.com.au/mypost/track/details/33ABC1234567",
        False,
    ),
]


@pytest.mark.parametrize(("carrier", "number", "name", "link", "guessed"), CASES)
def test_tracking_link_per_carrier(carrier, number, name, link, guessed):
    found = tracking(carrier, number)
    assert found is not None
    assert (found.carrier, found.guessed) == (name, guessed)
    assert found.link.startswith(link)


@pytest.mark.parametrize(
    ("carrier", "number"), [(None, None), ("UPS", ""), ("Pigeon Post", "1Z999AA10123456784"), (None, "ABC")]
)
def test_no_link(carrier, number):
    assert tracking(carrier, number) is None


def test_s10_of_another_country_is_no_guess():
    assert guess("RR123456785DE") is None


def test_the_job_writes_links_and_says_when_it_guessed(config, run_jobs):
    gifts = [
        {"Gift ID": "GFT-0001", "Handle": "@a", "SKU": "X", "Carrier": "UPS", "Tracking Number": "1Z999AA10123456784"},
        {"Gift ID": "GFT-0002", "Handle": "@a", "SKU": "X", "Tracking Number": "RR123456785GB"},
        {"Gift ID": "GFT-0003", "Handle": "@a", "SKU": "X", "Carrier": "Pigeon", "Tracking Number": "123"},
        {"Gift ID": "GFT-0004", "Handle": "@a", "SKU": "X", "Tracking Number": "ABC"},
        {"Gift ID": "GFT-0005", "Handle": "@a", "SKU": "X"},
    ]
    backend = memory_workbook(config, {"Gifts": gifts})
    result = run_jobs(backend, ["tracking"])
    rows = {r["Gift ID"]: r for r in records(backend, "Gifts")}
    assert rows["GFT-0001"]["Tracking Link"] == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    assert rows["GFT-0002"]["Tracking Link"].startswith("https://www.royalmail.com/")
    assert rows["GFT-0003"]["Tracking Link"] is None and rows["GFT-0005"]["Tracking Link"] is None
    codes = {(p.key, p.column, str(p.code)) for p in result.report if p.job == "tracking"}
    assert codes == {
        ("GFT-0002", "Carrier", "carrier_guessed"),
        ("GFT-0003", "Carrier", "unknown_carrier"),
        ("GFT-0004", "Tracking Number", "unknown_tracking_number"),
    }
    again = run_jobs(backend, ["tracking"])
    assert again.cells_written == 0
