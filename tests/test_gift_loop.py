"""The gift shipping loop: one To Do step at a time, in order, with issues for what blocks it."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import memory_workbook

JOBS = ["validate", "overdue", "todo"]
SKU = {"SKU": "RG-AAA-100", "Product Name": "Halo Ring", "Stock": 2, "Cost": 100}


def gift(gift_id: str, handle: str = "@ok", **values) -> dict:
    return {"Gift ID": gift_id, "Handle": handle, "SKU": "RG-AAA-100", "Campaign": "Spring", **values}


def people(**confirmed) -> list[dict]:
    base = {"@ok": date(2026, 1, 2), "@new": None, "@paused": date(2026, 1, 2), "@stopped": date(2026, 1, 2)}
    base.update(confirmed)
    status = {"@paused": "Paused", "@stopped": "Do Not Gift"}
    return [{"Handle": h, "Status": status.get(h, "Active"), "Address Confirmed On": d} for h, d in base.items()]


def steps(config, run_jobs, gifts, now, skus=(SKU,), cfg=None):
    cfg = cfg or config
    backend = memory_workbook(cfg, {"SKUs": list(skus), "Influencers": people(), "Gifts": gifts})
    result = run_jobs(backend, JOBS, at=now, cfg=cfg)
    assert not result.failed
    kinds: dict[str, list[str]] = {}
    for action in result.actions:
        if action.tab == "Gifts":
            kinds.setdefault(action.key, []).append(action.kind)
    codes = {(p.key, p.column, str(p.code)) for p in result.report if p.tab == "Gifts"}
    return kinds, codes, result


@pytest.fixture
def at(config):
    return datetime(2026, 1, 31, 9, 0, tzinfo=config.timezone)


def test_the_first_open_step_of_each_gift(config, run_jobs, at):
    today = at.date()
    kinds, codes, _ = steps(
        config,
        run_jobs,
        [
            gift("GFT-0001", "@new"),
            gift("GFT-0002"),
            gift("GFT-0003", SKU="RG-OUT-100"),
            gift("GFT-0004", SKU="RG-NIL-100"),
            gift("GFT-0005", **{"Shipped On": today - timedelta(days=2)}),
            gift("GFT-0006", **{"Shipped On": today - timedelta(days=6), "Tracking Number": "1Z999AA10123456784"}),
            gift("GFT-0007", **{"Shipped On": today - timedelta(days=7), "Tracking Number": "1Z999AA10123456784"}),
            gift("GFT-0008", "@paused"),
            gift("GFT-0009", "@stopped"),
            gift("GFT-0010", SKU="RG-NONE-100"),
        ],
        at,
        skus=(SKU, {**SKU, "SKU": "RG-OUT-100", "Stock": 0}, {**SKU, "SKU": "RG-NIL-100", "Stock": None}),
    )
    assert kinds["GFT-0001"] == ["confirm_address"]
    assert kinds["GFT-0002"] == ["ship_gift"]
    assert kinds["GFT-0003"] == ["check_stock"] and ("GFT-0003", "SKU", "gift_out_of_stock") in codes
    assert kinds["GFT-0004"] == ["check_stock"] and ("GFT-0004", "SKU", "gift_out_of_stock") not in codes
    assert kinds["GFT-0005"] == ["enter_tracking"]
    assert "GFT-0006" not in kinds  # in transit, not yet late
    assert kinds["GFT-0007"] == ["chase_delivery"] and ("GFT-0007", "Delivered On", "gift_not_delivered") in codes
    assert "GFT-0008" not in kinds and "GFT-0009" not in kinds  # paused and stopped creators get nothing shipped
    assert ("GFT-0009", "Handle", "do_not_gift") in codes
    assert "GFT-0010" not in kinds and ("GFT-0010", "SKU", "unknown_sku") in codes  # fix the SKU, not "ship"


def test_a_gift_shipped_to_an_unconfirmed_address_is_an_issue(config, run_jobs, at):
    shipped = at.date() - timedelta(days=1)
    kinds, codes, _ = steps(
        config, run_jobs, [gift("GFT-0001", "@new", **{"Shipped On": shipped, "Tracking Number": "X1"})], at
    )
    assert ("GFT-0001", "Shipped On", "address_unconfirmed") in codes
    assert "GFT-0001" not in kinds  # shipped and tracked: nothing to do until the delivery is late


@pytest.mark.parametrize(
    ("shipped", "today", "chased"),
    [
        (date(2026, 1, 25), date(2026, 2, 1), True),  # across a month end: 7 days
        (date(2026, 1, 25), date(2026, 1, 31), False),
        (date(2026, 2, 22), date(2026, 3, 1), True),  # February's end
        (date(2026, 12, 26), date(2027, 1, 2), True),  # the year's end
    ],
)
def test_delivery_chase_after_seven_calendar_days(config, run_jobs, shipped, today, chased):
    now = datetime.combine(today, datetime.min.time(), tzinfo=config.timezone).replace(hour=7)
    kinds, _, result = steps(
        config, run_jobs, [gift("GFT-0001", **{"Shipped On": shipped, "Tracking Number": "1Z"})], now
    )
    assert (kinds.get("GFT-0001") == ["chase_delivery"]) is chased
    if chased:
        action = next(a for a in result.actions if a.key == "GFT-0001")
        assert action.due == shipped + timedelta(days=7)


@pytest.mark.parametrize(
    ("moment", "chased"),
    [
        (datetime(2026, 3, 28, 23, 59, tzinfo=ZoneInfo("Europe/London")), False),
        (datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("Europe/London")), True),  # GMT -> BST at 01:00 that day
        (datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo("Europe/London")), True),
        (datetime(2026, 3, 28, 23, 30, tzinfo=ZoneInfo("UTC")), False),  # still the 28th in London
    ],
)
def test_delivery_chase_in_london_across_the_clock_change(config, run_jobs, moment, chased):
    cfg = dataclasses.replace(config, timezone=ZoneInfo("Europe/London"))
    kinds, _, _ = steps(
        config,
        run_jobs,
        [gift("GFT-0001", **{"Shipped On": date(2026, 3, 22), "Tracking Number": "1Z"})],
        moment,
        cfg=cfg,
    )
    assert (kinds.get("GFT-0001") == ["chase_delivery"]) is chased


def test_delivery_chase_days_are_configurable(config, run_jobs, at):
    gifting = {**config.policies["gifting"], "delivery_chase_after_days": 3}
    cfg = dataclasses.replace(config, policies={**config.policies, "gifting": gifting})
    kinds, _, _ = steps(
        config,
        run_jobs,
        [gift("GFT-0001", **{"Shipped On": at.date() - timedelta(days=3), "Tracking Number": "1Z"})],
        at,
        cfg=cfg,
    )
    assert kinds["GFT-0001"] == ["chase_delivery"]


def test_once_delivered_the_post_chase_takes_over(config, run_jobs, at):
    delivered = at.date() - timedelta(days=20)
    kinds, _, _ = steps(
        config,
        run_jobs,
        [
            gift(
                "GFT-0001",
                **{"Shipped On": delivered - timedelta(days=2), "Tracking Number": "1Z", "Delivered On": delivered},
            )
        ],
        at,
    )
    assert kinds["GFT-0001"] == ["send_reminder_1"]
