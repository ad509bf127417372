"""Parsers accept what people type and reject the rest with a reason code."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from sheetsync.model.problems import Code
from sheetsync.model.schema import Column
from sheetsync.model.values import PARSERS, BadValue, ParseOptions, date_to_serial, serial_to_datetime

MDY, DMY = ParseOptions("MDY"), ParseOptions("DMY")
PURITY = Column("Purity", "enum", allowed=("9K", "14K", "925"), aliases={"14 kt": "14K", "585": "14K"})
CHANNELS = Column("Channels", "multi-enum", allowed=("Shopify", "Etsy", "NOTHS"), aliases={"Faire": "NOTHS"})
SKU = Column("SKU", "pattern", pattern=r"^[A-Z0-9][A-Z0-9-]{2,31}$")


def parse(ctype: str, raw, column: Column | None = None, opts: ParseOptions = MDY):
    column = column or Column("X", ctype)
    return PARSERS[ctype](raw, column, opts)


@pytest.mark.parametrize(
    "ctype,raw,expected",
    [
        ("text", "  Aurora Ring ", "Aurora Ring"),
        ("text", 123.0, "123"),
        ("int", "12", 12),
        ("int", 12.0, 12),
        ("int", "1,200", 1200),
        ("int", " -3 ", -3),
        ("decimal", "0.50", Decimal("0.50")),
        ("decimal", 1.25, Decimal("1.25")),
        ("money", "$1,250.00", Decimal("1250.00")),
        ("money", "1250", Decimal("1250")),
        ("money", "1,250", Decimal("1250")),
        ("money", 1250.5, Decimal("1250.5")),
        ("money", "£12.50", Decimal("12.50")),
        ("money", "(12.00)", Decimal("-12.00")),
        ("money", "USD 99", Decimal("99")),
        ("percent", "12%", Decimal("0.12")),
        ("percent", 0.12, Decimal("0.12")),
        ("percent", "4.5 %", Decimal("0.045")),
        ("date", "2026-03-04", date(2026, 3, 4)),
        ("date", "3/4/2026", date(2026, 3, 4)),
        ("date", "03/04/26", date(2026, 3, 4)),
        ("date", "Mar 4, 2026", date(2026, 3, 4)),
        ("date", "4 March 2026", date(2026, 3, 4)),
        ("date", 46085, date(2026, 3, 4)),
        ("date", 46085.75, date(2026, 3, 4)),
        ("date", datetime(2026, 3, 4, 15, 0), date(2026, 3, 4)),
        ("date", date(2026, 3, 4), date(2026, 3, 4)),
        ("date", "2026-03-04T10:00:00", date(2026, 3, 4)),
        ("datetime", "2026-03-04 14:30", datetime(2026, 3, 4, 14, 30)),
        ("datetime", "3/4/2026 14:30", datetime(2026, 3, 4, 14, 30)),
        ("datetime", 46085.5, datetime(2026, 3, 4, 12, 0)),
        ("bool", "Yes", True),
        ("bool", "no", False),
        ("bool", "TRUE", True),
        ("bool", "false", False),
        ("bool", "y", True),
        ("bool", "N", False),
        ("bool", True, True),
        ("bool", 0, False),
        ("email", " lena@gems.co.uk ", "lena@gems.co.uk"),
        ("url", "https://www.instagram.com/p/Cx1", "https://www.instagram.com/p/Cx1"),
    ],
)
def test_parses_what_people_type(ctype, raw, expected):
    value = parse(ctype, raw)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("14k", "14K"),
        (" 14K ", "14K"),
        ("14 kt", "14K"),
        ("585", "14K"),
        ("14  KT", "14K"),
        ("925", "925"),
        (925, "925"),
    ],
)
def test_enum_aliases_and_spacing(raw, expected):
    assert parse("enum", raw, PURITY) == expected


def test_multi_enum_keeps_order_and_maps_aliases():
    assert parse("multi-enum", "shopify, Faire;Etsy", CHANNELS) == ("Shopify", "NOTHS", "Etsy")


@pytest.mark.parametrize(
    "ctype,raw,code",
    [
        ("int", "12.5", Code.NOT_AN_INTEGER),
        ("int", "twelve", Code.NOT_AN_INTEGER),
        ("int", True, Code.NOT_AN_INTEGER),
        ("decimal", "1.2.3", Code.NOT_A_NUMBER),
        ("decimal", "abc", Code.NOT_A_NUMBER),
        ("decimal", float("nan"), Code.NOT_A_NUMBER),
        ("money", "$1,2O0.00", Code.NOT_MONEY),
        ("money", "12,34", Code.NOT_MONEY),
        ("money", "$", Code.NOT_MONEY),
        ("percent", "lots%", Code.NOT_A_PERCENT),
        ("date", "2/31/2026", Code.NOT_A_DATE),
        ("date", "13/10/2026", Code.NOT_A_DATE),
        ("date", "next week", Code.NOT_A_DATE),
        ("date", -5, Code.NOT_A_DATE),
        ("datetime", "yesterday 5pm", Code.NOT_A_DATETIME),
        ("bool", "maybe", Code.NOT_YES_NO),
        ("bool", 2, Code.NOT_YES_NO),
        ("email", "lena@", Code.BAD_EMAIL),
        ("email", "lena gems@x.com", Code.BAD_EMAIL),
        ("url", "instagram.com/p/1", Code.BAD_URL),
        ("url", "ftp://x.com/a", Code.BAD_URL),
    ],
)
def test_rejects_with_reason_code(ctype, raw, code):
    with pytest.raises(BadValue) as caught:
        parse(ctype, raw)
    assert caught.value.code == code
    assert caught.value.expected  # every rejection says what to type instead


def test_enum_and_pattern_rejections():
    with pytest.raises(BadValue) as caught:
        parse("enum", "15K", PURITY)
    assert caught.value.code == Code.NOT_ALLOWED
    with pytest.raises(BadValue) as caught:
        parse("pattern", "rg 01", SKU)
    assert caught.value.code == Code.BAD_PATTERN
    assert parse("pattern", " RG-01 ", SKU) == "RG-01"


def test_day_first_workbooks_read_day_first():
    assert parse("date", "13/10/2026", opts=DMY) == date(2026, 10, 13)
    assert parse("date", "3/4/2026", opts=DMY) == date(2026, 4, 3)


@pytest.mark.parametrize("day", [date(1900, 3, 1), date(2026, 3, 4), date(2028, 2, 29), date(9999, 12, 31)])
def test_serial_numbers_round_trip(day):
    assert serial_to_datetime(date_to_serial(day)).date() == day
