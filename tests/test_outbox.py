"""The Outbox: messages drafted once per row and event, people's Status kept, and `sheetsync send` against a
local SMTP server (aiosmtpd on loopback): a message goes out once, Sent On is recorded, a rerun sends nothing."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
from datetime import datetime

import pytest
from click.testing import CliRunner
from conftest import at_guard, memory_workbook, records

import sheetsync
from sheetsync.cli import main
from sheetsync.project.config import freeze

SKUS = [{"SKU": "PD-AUR-101", "Product Name": "Aurora Pendant", "Category": "Pendant", "Price": 1250, "Stock": 2}]
PEOPLE = [
    {
        "Handle": "@lena.gems",
        "Platform": "Instagram",
        "Name": "Lena Gray",
        "Email": "lena@example.com",
        "Status": "Active",
        "Address Confirmed On": "2026-10-01",
        "Shipping Address": "1 Main St",
    },
    {
        "Handle": "@new.face",
        "Platform": "TikTok",
        "Name": "Nia Face",
        "Email": "nia@example.com",
        "Status": "Contacted",
        "Shipping Address": "2 High St",
    },
]


def ret(n, **values):
    row = {
        "RMA": f"RMA-2026-{n:04d}",
        "Order Number": f"#{n}",
        "Channel": "Shopify",
        "Customer": "Ada Lane",
        "Customer Email": "ada@example.com",
        "SKU": "PD-AUR-101",
        "Delivered On": "2026-11-10",
        "Requested On": "2026-11-20",
        "Reason": "Style",
        "Request Type": "Refund",
    }
    row.update(values)
    return row


RETURNS = [
    ret(1, Status="Authorized"),
    ret(2, Status="Received", **{"Received On": "2026-11-24"}),
    ret(
        3,
        Status="Resolved",
        Condition="As New",
        Resolution="Refund",
        **{"Received On": "2026-11-21", "Refund Amount": 1062.5, "Resolved On": "2026-11-25"},
    ),
    ret(
        4,
        Status="Resolved",
        Condition="As New",
        Resolution="Resized",
        **{"Received On": "2026-11-21", "Resolved On": "2026-11-25", "Request Type": "Resize"},
    ),
    ret(5, Status="Declined", **{"Inspection Notes": "the clasp was replaced elsewhere"}),
    ret(6, Status="Expired", **{"Requested On": "2026-09-01"}),
    ret(7, Status="Resolved", Resolution="Refund", **{"Refund Amount": 100, "Resolved On": "2026-08-01"}),  # old
    ret(8, Status="Authorized", **{"Customer Email": None}),
    ret(10, Status="Inspecting", Condition="Missing Certificate", **{"Received On": "2026-11-23"}),
    ret(
        11,
        Status="Resolved",
        Condition="Worn",
        Resolution="Repaired",
        **{
            "Request Type": "Repair",
            "Received On": "2026-11-12",
            "Workshop Due": "2026-11-20",
            "Resolved On": "2026-11-24",
        },
    ),
]
GIFTS = [
    {"Gift ID": "GFT-0001", "Handle": "@new.face", "SKU": "PD-AUR-101"},
    {
        "Gift ID": "GFT-0002",
        "Handle": "@lena.gems",
        "SKU": "PD-AUR-101",
        "Shipped On": "2026-11-24",
        "Tracking Number": "1Z999AA10123456784",
    },
    {
        "Gift ID": "GFT-0003",
        "Handle": "@lena.gems",
        "SKU": "PD-AUR-101",
        "Shipped On": "2026-11-01",
        "Delivered On": "2026-11-05",
        "Posted On": "2026-11-20",
        "Post URL": "https://www.instagram.com/p/abc/",
    },
    {
        "Gift ID": "GFT-0004",
        "Handle": "@lena.gems",
        "SKU": "PD-AUR-101",
        "Shipped On": "2026-10-20",
        "Delivered On": "2026-10-25",
    },  # post due 11-08: reminder 1
]


def workbook(config):
    return memory_workbook(config, {"SKUs": SKUS, "Influencers": PEOPLE, "Returns": RETURNS, "Gifts": GIFTS})


def outbox(backend):
    return {r["Message ID"]: r for r in records(backend, "Outbox")}


def test_one_draft_per_row_and_event(config, run_jobs):
    backend = workbook(config)
    result = run_jobs(backend)
    assert not result.failed
    box = outbox(backend)
    assert set(box) == {
        "RMA-2026-0001:return_authorized",
        "RMA-2026-0002:return_received",
        "RMA-2026-0003:refund_issued",
        "RMA-2026-0004:exchange_shipped",
        "RMA-2026-0005:return_declined",
        "RMA-2026-0006:return_expired",
        "RMA-2026-0008:return_authorized",
        "RMA-2026-0010:return_received",
        "RMA-2026-0010:inspection_outcome",
        "RMA-2026-0011:repair_done",
        "GFT-0001:gift_address_confirmation",
        "GFT-0002:gift_shipped",
        "GFT-0003:thank_you",
        "GFT-0004:posting_reminder_1",
    }
    authorized = box["RMA-2026-0001:return_authorized"]
    assert authorized["To"] == "ada@example.com" and authorized["Status"] == "Draft"
    assert "RMA-2026-0001" in authorized["Subject"] and "RMA-2026-0001" in authorized["Body"]
    refund = box["RMA-2026-0003:refund_issued"]["Body"]
    assert "$1,062.50" in refund and "Restocking fee (15%): -$187.50" in refund
    shipped = box["GFT-0002:gift_shipped"]["Body"]
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in shipped
    assert "the clasp was replaced elsewhere" in box["RMA-2026-0005:return_declined"]["Body"]
    assert "without its grading certificate" in box["RMA-2026-0010:inspection_outcome"]["Body"]
    assert "1 Main St" not in box["GFT-0001:gift_address_confirmation"]["Body"]
    assert "2 High St" in box["GFT-0001:gift_address_confirmation"]["Body"]
    assert box["RMA-2026-0008:return_authorized"]["To"] is None
    assert ("no_recipient", "RMA-2026-0008") in {(str(p.code), p.key) for p in result.report}


def test_never_drafted_twice_and_peoples_edits_kept(config, run_jobs, now):
    backend = workbook(config)
    run_jobs(backend)
    put(backend, "RMA-2026-0001:return_authorized", "Status", "Skip")
    put(backend, "RMA-2026-0001:return_authorized", "Body", "Dear Ada, edited by hand.")
    count = len(backend.tabs["Outbox"].values)
    later = now.replace(day=27)
    again = run_jobs(backend, at=later)
    assert len(backend.tabs["Outbox"].values) == count
    assert not [a for a in again.planned_appends if a.tab == "Outbox"]
    kept = outbox(backend)["RMA-2026-0001:return_authorized"]
    assert (kept["Status"], kept["Body"]) == ("Skip", "Dear Ada, edited by hand.")


def test_a_new_event_adds_one_row(config, run_jobs, now):
    backend = workbook(config)
    run_jobs(backend)
    values = backend.tabs["Returns"].values
    headers = values[0]
    row = values[1]  # RMA-2026-0001, Authorized -> Received
    row[headers.index("Status")] = "Received"
    row[headers.index("Received On")] = "2026-11-26"
    before = set(outbox(backend))
    run_jobs(backend)
    assert set(outbox(backend)) - before == {"RMA-2026-0001:return_received"}


def _edit_row(backend, tab, header, key, column, value):
    """A person types `value` into `column` of the `tab` row whose `header` holds `key`."""
    values = backend.tabs[tab].values
    headers = values[0]
    row = next(r for r in values[1:] if r[headers.index(header)] == key)
    row.extend([None] * (len(headers) - len(row)))
    row[headers.index(column)] = value


def test_a_draft_waits_when_a_row_it_is_written_from_changes_during_the_run(config, run_jobs, now):
    """The reminder is written from the gift and its influencer's row: a name fixed meanwhile holds it back."""
    backend = workbook(config)
    result = sheetsync.run(
        config,
        now=now,
        backend=backend,
        on_phase=at_guard(lambda: _edit_row(backend, "Influencers", "Handle", "@lena.gems", "Name", "Helena Gray")),
    )
    assert "GFT-0004:posting_reminder_1" not in outbox(backend)
    held = [p for p in result.conflicts if p.tab == "Outbox" and p.key == "GFT-0004:posting_reminder_1"]
    assert [(p.code, p.column) for p in held] == [("write_conflict", "Message ID")]
    assert "Influencers row" in held[0].message
    assert "RMA-2026-0001:return_authorized" in outbox(backend)  # drafts from rows nobody touched still land
    run_jobs(backend)
    assert outbox(backend)["GFT-0004:posting_reminder_1"]["Body"].startswith("Hi Helena,")


def test_a_draft_from_a_row_without_an_id_yet_waits_when_the_row_is_pasted_during_the_run(config, run_jobs, now):
    """A new gift gets its Gift ID and its draft in one run; a copy pasted meanwhile makes both wait."""
    gifts = [*GIFTS, {"Handle": "@new.face", "SKU": "PD-AUR-101"}]
    backend = memory_workbook(config, {"SKUs": SKUS, "Influencers": PEOPLE, "Returns": RETURNS, "Gifts": gifts})
    planned = run_jobs(backend, dry_run=True).planned_appends
    new = next(a for a in planned if a.tab == "Outbox" and a.values["Row Key"] == "GFT-0005")
    rows = backend.tabs["Gifts"].values
    result = sheetsync.run(config, now=now, backend=backend, on_phase=at_guard(lambda: rows.append(list(rows[-1]))))
    assert new.values["Message ID"] not in outbox(backend)
    assert new.values["Message ID"] in {p.key for p in result.conflicts if p.tab == "Outbox"}
    assert any(p.tab == "Gifts" and p.column == "Gift ID" for p in result.conflicts)  # the id waits too


# --- sending --------------------------------------------------------------------------------------------


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    handler = Keep()
    with socket.socket() as probe:  # a free port on loopback (the controller connects to its own port to start)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def with_smtp(config, controller):
    return dataclasses.replace(
        config, outbox=freeze({"smtp": f"127.0.0.1:{controller.port}", "sender": "care@example.com"})
    )


def put(backend, key, column, value):
    """A person types `value` into `column` of the Outbox row `key`."""
    values = backend.tabs["Outbox"].values
    headers = values[0]
    row = next(r for r in values[1:] if r[0] == key)
    row.extend([None] * (len(headers) - len(row)))
    row[headers.index(column)] = value


def approve(backend, key):
    put(backend, key, "Status", "Send")


def test_send_once_records_sent_on_and_a_rerun_sends_nothing(config, run_jobs, now, smtp_server):
    controller, handler = smtp_server
    cfg = with_smtp(config, controller)
    backend = workbook(config)
    run_jobs(backend)
    assert sheetsync.send(cfg, backend=backend, now=now).messages == []  # drafts are not approved
    assert handler.messages == []
    approve(backend, "RMA-2026-0002:return_received")
    approve(backend, "GFT-0002:gift_shipped")

    dry = sheetsync.send(cfg, backend=backend, now=now, dry_run=True)
    assert {m.key for m in dry.sent} == {"RMA-2026-0002:return_received", "GFT-0002:gift_shipped"}
    assert handler.messages == []

    moment = datetime(2026, 11, 26, 10, 30, tzinfo=config.timezone)
    done = sheetsync.send(cfg, backend=backend, now=moment)
    assert {m.key for m in done.sent} == {"RMA-2026-0002:return_received", "GFT-0002:gift_shipped"}
    assert all(m.recorded for m in done.sent)
    assert sorted(tuple(e.rcpt_tos) for e in handler.messages) == [("ada@example.com",), ("lena@example.com",)]
    raw = next(e.content for e in handler.messages if e.rcpt_tos == ["lena@example.com"])
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Subject"] == "Your gift from Maison Aurelle is on its way" and mail["From"] == "care@example.com"
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in mail.get_content()
    box = outbox(backend)
    sent = box["RMA-2026-0002:return_received"]
    assert sent["Status"] == "Sent" and sent["Sent On"] is not None
    assert box["RMA-2026-0001:return_authorized"]["Sent On"] is None

    assert sheetsync.send(cfg, backend=backend, now=moment).messages == []
    assert len(handler.messages) == 2
    run_jobs(backend, cfg=cfg)  # a run neither sends nor redrafts, even with SMTP configured
    assert len(handler.messages) == 2 and outbox(backend)["RMA-2026-0002:return_received"]["Status"] == "Sent"


def test_sent_on_filled_is_never_sent_again(config, run_jobs, now, smtp_server):
    controller, handler = smtp_server
    backend = workbook(config)
    run_jobs(backend)
    approve(backend, "RMA-2026-0002:return_received")
    put(backend, "RMA-2026-0002:return_received", "Sent On", "2026-11-26 08:00")
    assert sheetsync.send(with_smtp(config, controller), backend=backend, now=now).messages == []
    assert handler.messages == []


def test_a_refused_message_is_listed_and_not_recorded(config, run_jobs, now):
    import smtplib

    class Refusing:
        def send_message(self, message):
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})

    backend = workbook(config)
    run_jobs(backend)
    approve(backend, "RMA-2026-0002:return_received")
    done = sheetsync.send(config, backend=backend, now=now, connect=lambda _: Refusing())
    assert [m.key for m in done.failed] == ["RMA-2026-0002:return_received"]
    assert outbox(backend)["RMA-2026-0002:return_received"]["Sent On"] is None


def test_sending_is_off_without_smtp(config, run_jobs, now):
    backend = workbook(config)
    with pytest.raises(sheetsync.ConfigError, match="smtp"):
        sheetsync.send(config, backend=backend, now=now)


def test_cli_send_dry_run(config, tmp_path, smtp_server, run_jobs, now):
    """`sheetsync send --dry-run` lists the approved messages and sends nothing."""
    controller, handler = smtp_server
    from sheetsync.backends.memory import SHARED

    backend = SHARED.get("outbox", lambda: workbook(config))
    run_jobs(backend)
    approve(backend, "GFT-0002:gift_shipped")
    text = (
        (config.path.read_text())
        .replace('smtp = ""', f'smtp = "127.0.0.1:{controller.port}"')
        .replace("starttls = true", "starttls = false")
    )
    cfg_path = config.path.parent / f".test-outbox-{controller.port}.toml"
    cfg_path.write_text(text)
    try:
        runner = CliRunner()
        out = runner.invoke(main, ["--config", str(cfg_path), "--workbook", "memory:outbox", "send", "--dry-run"])
        assert out.exit_code == 0, out.output
        assert "Would send 1 message(s)" in out.output and "GFT-0002:gift_shipped" in out.output
        assert handler.messages == []
        out = runner.invoke(main, ["--config", str(cfg_path), "--workbook", "memory:outbox", "send"])
        assert out.exit_code == 0, out.output
        assert len(handler.messages) == 1
    finally:
        cfg_path.unlink()


def test_the_demo_shows_the_returns_and_gifting_flow(config, demo_rows, run_jobs):
    """Outbox drafts for returns and gifts, Refund Due with its breakdown, relisted pieces restocked once,
    tracking links (some with the carrier guessed)."""
    backend = memory_workbook(config, demo_rows)
    first = run_jobs(backend)
    assert not first.failed
    box = records(backend, "Outbox")
    tabs = {r["Tab"] for r in box}
    assert tabs == {"Returns", "Gifts"} and len([r for r in box if r["Tab"] == "Returns"]) >= 5
    assert {"return_authorized", "refund_issued", "gift_shipped", "posting_reminder_1"} <= {r["Event"] for r in box}
    returns = records(backend, "Returns")
    assert sum(r["Refund Due"] is not None for r in returns) >= 5
    notes = backend.tabs["Returns"].notes.values()
    assert any("less missing certificate fee" in n for n in notes)
    restocked = [r for r in returns if r["Restocked On"]]
    assert len(restocked) >= 3
    stock = {r["SKU"]: r["Stock"] for r in records(backend, "SKUs")}
    gifts = records(backend, "Gifts")
    assert sum(bool(g["Tracking Link"]) for g in gifts) >= 20
    assert "carrier_guessed" in {str(p.code) for p in first.report}

    again = run_jobs(backend)
    assert again.cells_written == 0 and not again.planned_appends
    assert {r["SKU"]: r["Stock"] for r in records(backend, "SKUs")} == stock
    assert len(records(backend, "Outbox")) == len(box)


@pytest.mark.slow
def test_send_on_an_xlsx_workbook(config, run_jobs, now, smtp_server, tmp_path):
    from sheetsync.backends.xlsx import XlsxBackend
    from sheetsync.init import init

    controller, handler = smtp_server
    path = tmp_path / "book.xlsx"
    cfg = dataclasses.replace(config, target=str(path))
    rows = {"SKUs": SKUS, "Influencers": PEOPLE, "Returns": RETURNS, "Gifts": GIFTS}
    init(cfg, XlsxBackend(path), rows)
    run_jobs(XlsxBackend(path), cfg=cfg)
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["Outbox"]
    headers = [c.value for c in sheet[1]]
    for line in sheet.iter_rows(min_row=2):
        if line[0].value == "GFT-0002:gift_shipped":
            line[headers.index("Status")].value = "Send"
    book.save(path)
    done = sheetsync.send(with_smtp(cfg, controller), backend=XlsxBackend(path), now=now)
    assert [m.key for m in done.sent] == ["GFT-0002:gift_shipped"] and done.sent[0].recorded
    assert len(handler.messages) == 1
    assert sheetsync.send(with_smtp(cfg, controller), backend=XlsxBackend(path), now=now).messages == []
    sent = {r["Message ID"]: r for r in sheetsync.open(config=cfg).frame("Outbox").to_dict("records")}[
        "GFT-0002:gift_shipped"
    ]
    assert sent["Status"] == "Sent" and str(sent["Sent On"]).startswith("2026-11-26 09:00")


@pytest.mark.parametrize(
    ("today", "drafted"),
    [("2026-03-14", True), ("2026-03-15", False)],  # resolved 28 February: 14 days later is 14 March
)
def test_old_events_get_no_draft_across_a_month_end(config, run_jobs, today, drafted):
    row = ret(
        9,
        Status="Resolved",
        Resolution="Refund",
        **{
            "Refund Amount": 100,
            "Resolved On": "2026-02-28",
            "Received On": "2026-02-20",
            "Requested On": "2026-02-10",
            "Delivered On": "2026-02-05",
        },
    )
    backend = memory_workbook(config, {"SKUs": SKUS, "Influencers": PEOPLE, "Returns": [row]})
    run_jobs(backend, at=datetime.fromisoformat(today).replace(hour=9, tzinfo=config.timezone))
    assert ("RMA-2026-0009:refund_issued" in outbox(backend)) is drafted


def test_every_event_has_its_template(project):
    from jobs.outbox import Event

    missing = [e.value for e in Event if not project.templates.exists(f"messages/{e.value}.txt.j2")]
    assert missing == []
