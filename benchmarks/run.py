"""What a run of every job costs, by workbook size and backend, against the usual ways of doing it by hand.

    python benchmarks/run.py --sizes S,M,L [--backends memory,xlsx,google] [--json figures.json]

For each size (the demo's rows repeated: S 64 SKUs, M 1,000, L 10,000, XL 30,000, with returns, creators and
gifts in the demo's proportions) and backend, three runs on one workbook, each in a fresh process so its
peak memory is its own: a first run, an identical rerun, and a rerun after 1% of the SKU rows changed (a
person renames the product). It prints CPU and wall seconds, the process's peak RSS (and its size before the
run: the interpreter and libraries), each job's CPU seconds, and for Google on sheetsync's emulator (with
150 ms added to every request, as a round trip to Google takes), requests, bytes sent and received, and the
emulator's own seconds answering them (part of the run's wall time that Google's servers would spend instead).

Baselines, measured in the same run on the same workbook:
  xlsx    openpyxl loading and saving the file (what any openpyxl script pays), and the ratio of a run to it;
  google  gspread's per-row `worksheet.update` loop for the rows the first run changed (measured on 20 rows
          and extrapolated, said so), and gspread-dataframe's get_as_dataframe/set_with_dataframe per tab.
Figures are of this machine only; nothing here is a test (tests/test_benchmarks.py only checks it runs).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

import sheetsync  # noqa: E402
from sheetsync.backends.gsheets import GoogleSheetsBackend  # noqa: E402
from sheetsync.backends.gsheets.backend import EndpointSession  # noqa: E402
from sheetsync.backends.memory import MemoryBackend  # noqa: E402
from sheetsync.backends.xlsx import XlsxBackend  # noqa: E402
from sheetsync.model.a1 import quote_sheet_name  # noqa: E402

SIZES = {
    "S": (64, 40, 27, 50),
    "M": (1000, 300, 200, 500),
    "L": (10000, 3000, 1000, 5000),
    "XL": (30000, 9000, 3000, 15000),
}
TABS = ("SKUs", "Returns", "Influencers", "Gifts")
SCENARIOS = ("first run", "identical rerun", "rerun after 1% changed")
LATENCY = 0.150
NOW = datetime(2026, 11, 26, 9, 0)
FAST = {"attempts": 2, "initial_wait": 0.01, "max_wait": 0.01, "max_total_wait": 1, "timeout": 600}


def config() -> sheetsync.Config:
    return sheetsync.load_config(ROOT / "config" / "sheetsync.toml")


def rows_for(cfg: sheetsync.Config, size: str) -> dict[str, list[dict[str, Any]]]:
    """The demo's rows repeated to a size; copies get keys of their own and stay distinct rows."""
    demo = sheetsync.load_project(cfg).demo_builder()(NOW.date())
    out = {}
    for tab, count in zip(TABS, SIZES[size]):
        key, source = cfg.schema(tab).key, demo[tab]
        rows = []
        for i in range(count):
            row, copy = dict(source[i % len(source)]), i // len(source)
            if copy:
                if row.get(key):
                    row[key] = f"{row[key]}-{copy}" if tab != "Influencers" else f"{row[key]}{copy}"
                else:  # a row awaiting an id: keep it apart from its copies
                    row["Order Number" if tab == "Returns" else "Campaign"] = f"copy {copy}"
            rows.append(row)
        out[tab] = rows
    return out


# --- one measured run, in a child process ---------------------------------------------------------------


class CountingSession(EndpointSession):
    """The emulator's endpoint, counting requests and bytes each way."""

    def __init__(self, endpoint: str):
        super().__init__(endpoint)
        self.sent = self.received = self.count = 0

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().request(method, url, *args, **kwargs)
        body = response.request.body
        self.sent += len(body) if body else 0
        self.received += len(response.content)
        self.count += 1
        return response


def child(args: argparse.Namespace) -> None:
    """Run every job once on the workbook in `args.state`, print one JSON line of figures."""
    cfg = config()
    before_rss = _rss_mb()
    session = None
    if args.backend == "memory":
        backend = MemoryBackend()
        backend.tabs = pickle.loads(Path(args.state).read_bytes())  # values, notes, fills and looks as left
    elif args.backend == "xlsx":
        backend = XlsxBackend(args.state)
    else:
        session = CountingSession(args.endpoint)
        backend = GoogleSheetsBackend(f"gsheets:{args.state}", FAST, session=session)
    cfg = dataclasses.replace(cfg, target=backend.target)
    project = sheetsync.load_project(cfg)
    if args.scenario == SCENARIOS[2]:
        _change_one_percent(cfg, backend)
        if session is not None:
            session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{args.state}/values/A1")  # see `settle`
            session.sent = session.received = session.count = 0
    cpu, wall = time.process_time(), time.perf_counter()
    result = sheetsync.run(cfg, now=NOW.replace(tzinfo=cfg.timezone), backend=backend, project=project)
    ended = time.perf_counter()
    figures = {
        "cpu": time.process_time() - cpu,
        "wall": ended - wall,
        "began": wall,  # perf_counter is system-wide here: the parent finds the emulator's requests in between
        "ended": ended,
        "rss_before": before_rss,
        "rss_peak": _rss_mb(),
        "cells": result.cells_written,
        "tabs": len(result.tabs_rewritten),
        "jobs": {k: round(v, 3) for k, v in result.job_seconds.items()},
        "failed": result.failed,
        "changed_rows": len({(c.tab, c.key) for c, _ in result.written}),
    }
    if session is not None:
        figures.update(requests=session.count, sent=session.sent, received=session.received)
    if args.backend == "memory":
        Path(args.state).write_bytes(pickle.dumps(backend.tabs))
    print(json.dumps(figures))


def _change_one_percent(cfg: sheetsync.Config, backend: Any) -> None:
    """A person renames 1% of the products (written straight to the workbook, as they would)."""
    from sheetsync.backends.base import CellWrite, WriteBatch

    data = backend.read(["SKUs"])["SKUs"].values
    col = [str(h) for h in data[0]].index("Product Name") + 1
    step = 100 if len(data) > 200 else max(1, (len(data) - 1) // 2)
    cells = [CellWrite("SKUs", r, col, f"{data[r - 1][col - 1]} II") for r in range(3, len(data) + 1, step)]
    backend.write(WriteBatch(cells=cells))


def _rss_mb() -> float:
    """This process's peak resident memory. On Linux from VmHWM: getrusage's ru_maxrss carries the parent's
    peak across fork and exec, so a child of a large parent would report the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB, macOS bytes


# --- workbooks and baselines, in the parent --------------------------------------------------------------


def prepare(backend: str, size: str, folder: Path, emulator: Any) -> str:
    """A fresh workbook of `size` for `backend`; returns what a child needs to open it."""
    cfg = config()
    rows = rows_for(cfg, size)
    if backend == "memory":
        book = MemoryBackend()
        sheetsync.init(dataclasses.replace(cfg, target="memory:"), book, rows)
        path = folder / f"{size}.pickle"
        path.write_bytes(pickle.dumps(book.tabs))
        return str(path)
    if backend == "xlsx":
        path = folder / f"{size}.xlsx"
        sheetsync.init(dataclasses.replace(cfg, target=str(path)), XlsxBackend(path), rows)
        return str(path)
    key = emulator.create_spreadsheet(f"bench {size}", {"Sheet1": []})
    latency, emulator.latency = emulator.latency, 0.0
    try:
        google = GoogleSheetsBackend(f"gsheets:{key}", FAST, session=EndpointSession(emulator.endpoint))
        sheetsync.init(dataclasses.replace(cfg, target=f"gsheets:{key}"), google, rows)
    finally:
        emulator.latency = latency
    settle(emulator, key)
    return key


def settle(emulator: Any, key: str) -> None:
    """Have the emulator compute the formulas the last writes left, outside any timed run.

    The emulator computes formula results when the spreadsheet is next read; Google computes them on its own
    servers after each change. Left to the next read, the emulator's formula engine (Python, far slower than
    Google's) would be timed as part of the next run, which did not cause it."""
    emulator.spreadsheet(key)


def measure(backend: str, state: str, scenario: str, endpoint: str | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", backend, scenario, state, endpoint or ""]
    done = subprocess.run(command, capture_output=True, text=True, timeout=7200)
    if done.returncode != 0:
        raise SystemExit(f"{backend} {scenario} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def openpyxl_baseline(path: str) -> dict[str, float]:
    """openpyxl's own load and save of the same file, in this process."""
    import openpyxl

    cpu, wall = time.process_time(), time.perf_counter()
    book = openpyxl.load_workbook(path)
    load_cpu, load_wall = time.process_time() - cpu, time.perf_counter() - wall
    cpu, wall = time.process_time(), time.perf_counter()
    book.save(Path(path).with_suffix(".copy.xlsx"))
    return {
        "load_cpu": load_cpu,
        "load_wall": load_wall,
        "save_cpu": time.process_time() - cpu,
        "save_wall": time.perf_counter() - wall,
    }


def gspread_baselines(emulator: Any, key: str, rows_changed: int) -> dict[str, Any]:
    """gspread's per-row update loop (20 rows, extrapolated) and gspread-dataframe get/set of each data tab."""
    import gspread
    from gspread_dataframe import get_as_dataframe, set_with_dataframe

    session = CountingSession(emulator.endpoint)
    client = gspread.Client(auth=None, session=session)  # type: ignore[arg-type]
    sheet = client.open_by_key(key)
    skus = sheet.worksheet("SKUs")
    issues = gspread.utils.rowcol_to_a1(1, skus.row_values(1).index("Issues") + 1).rstrip("1")
    session.count = session.sent = session.received = 0
    wall = time.perf_counter()
    for row in range(2, 22):  # what a script updating one row at a time sends: one request per row
        skus.update([["x"]], f"{issues}{row}")
    per_row = (time.perf_counter() - wall) / 20
    loop = {
        "requests_per_row": session.count / 20,
        "seconds_per_row": per_row,
        "requests": round(session.count / 20 * rows_changed),
        "wall": per_row * rows_changed,
    }
    session.count = session.sent = session.received = 0
    wall = time.perf_counter()
    for tab in TABS:
        frame = get_as_dataframe(sheet.worksheet(tab))
        set_with_dataframe(sheet.worksheet(tab), frame)
    frames = {
        "requests": session.count,
        "sent": session.sent,
        "received": session.received,
        "wall": time.perf_counter() - wall,
    }
    return {"loop": loop, "frames": frames}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--backends", default="memory,xlsx,google")
    parser.add_argument("--json", dest="json_path")
    parser.add_argument(
        "--child", nargs=4, metavar=("BACKEND", "SCENARIO", "STATE", "ENDPOINT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        backend, scenario, state, endpoint = args.child
        child(argparse.Namespace(backend=backend, scenario=scenario, state=state, endpoint=endpoint))
        return
    from sheetsync.testing import SheetsEmulator

    figures: dict[str, Any] = {"machine": _machine(), "sizes": {}}
    with tempfile.TemporaryDirectory() as tmp, SheetsEmulator() as emulator:
        emulator.latency = LATENCY
        for size in args.sizes.split(","):
            figures["sizes"][size] = {}
            for backend in args.backends.split(","):
                state = prepare(backend, size, Path(tmp), emulator)
                runs = {}
                for scenario in SCENARIOS:
                    endpoint = emulator.endpoint if backend == "google" else None
                    runs[scenario] = run = measure(backend, state, scenario, endpoint)
                    if backend == "google":
                        answered = [r for r in emulator.requests if run["began"] <= r.began <= run["ended"]]
                        run["emulator"] = sum(r.seconds for r in answered)
                        emulator.requests.clear()
                        settle(emulator, state)
                entry: dict[str, Any] = {"runs": runs}
                if backend == "xlsx":
                    entry["openpyxl"] = openpyxl_baseline(state)
                if backend == "google":
                    every = [sheet.title for sheet in emulator.spreadsheet(state).sheets]
                    entry["one values read of the data tabs"] = _values_read_bytes(emulator, state, TABS)
                    entry["one values read of every tab"] = _values_read_bytes(emulator, state, every)
                    entry["gspread"] = gspread_baselines(emulator, state, runs[SCENARIOS[0]]["changed_rows"])
                figures["sizes"][size][backend] = entry
                print_entry(size, backend, entry)
    print_scaling(figures["sizes"])
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(figures, indent=2))


def _values_read_bytes(emulator: Any, key: str, tabs: Iterable[str]) -> int:
    """The bytes of one UNFORMATTED values read of `tabs`: the yardstick for a 1% change's download (every
    tab, as the workbook stands after the runs, as the target says; the four data tabs alone, stricter)."""
    session = CountingSession(emulator.endpoint)
    ranges = "&".join(f"ranges={requests.utils.quote(quote_sheet_name(t))}" for t in tabs)
    session.get(
        f"https://sheets.googleapis.com/v4/spreadsheets/{key}/values:batchGet?{ranges}"
        "&valueRenderOption=UNFORMATTED_VALUE"
    )
    return session.received


def print_entry(size: str, backend: str, entry: dict[str, Any]) -> None:
    counts = dict(zip(("SKUs", "returns", "creators", "gifts"), SIZES[size]))
    print(f"\n{size} ({', '.join(f'{n:,} {t}' for t, n in counts.items())}), {backend}")
    head = f"  {'':<24}{'CPU s':>8}{'wall s':>8}{'peak MB':>9}{'(start)':>9}{'cells':>8}"
    if backend == "google":
        head += f"{'requests':>10}{'sent kB':>10}{'recv kB':>10}{'emulator s':>12}"
    print(head)
    for scenario, run in entry["runs"].items():
        line = (
            f"  {scenario:<24}{run['cpu']:>8.2f}{run['wall']:>8.2f}{run['rss_peak']:>9.0f}"
            f"{run['rss_before']:>9.0f}{run['cells']:>8}"
        )
        if backend == "google":
            line += f"{run['requests']:>10}{run['sent'] / 1000:>10.0f}{run['received'] / 1000:>10.0f}"
            line += f"{run['emulator']:>12.2f}"
        print(line)
    first = entry["runs"][SCENARIOS[0]]
    print("  jobs, first run (CPU s): " + ", ".join(f"{k} {v:.2f}" for k, v in first["jobs"].items()))
    if "openpyxl" in entry:
        base = entry["openpyxl"]
        load, both = base["load_cpu"], base["load_cpu"] + base["save_cpu"]
        print(f"  baseline openpyxl: load {load:.2f} s, save {base['save_cpu']:.2f} s CPU")
        print(
            f"  identical rerun = {entry['runs'][SCENARIOS[1]]['cpu'] / load:.2f} x one openpyxl load; "
            f"first run = {first['cpu'] / both:.2f} x openpyxl load + save"
        )
    if "gspread" in entry:
        loop, frames = entry["gspread"]["loop"], entry["gspread"]["frames"]
        changed = entry["runs"][SCENARIOS[2]]
        print(
            f"  baseline gspread per-row update loop (20 rows measured, extrapolated to the "
            f"{first['changed_rows']:,} rows the first run changed): {loop['requests']:,} requests, "
            f"{loop['wall']:.0f} s wall = {loop['requests'] / max(1, first['requests']):.0f} x sheetsync's requests"
        )
        print(
            f"  baseline gspread-dataframe get/set of each of the four data tabs: {frames['requests']} requests, "
            f"sent {frames['sent'] / 1000:.0f} kB, received {frames['received'] / 1000:.0f} kB, "
            f"{frames['wall']:.1f} s wall"
        )
        every, data = entry["one values read of every tab"], entry["one values read of the data tabs"]
        print(
            f"  1% change: sent {changed['sent'] / max(1, frames['sent']):.2%} of gspread-dataframe's, "
            f"received {changed['received'] / max(1, every):.2f} x one values read of every tab "
            f"({every / 1000:,.0f} kB), {changed['received'] / max(1, data):.2f} x one of the four data tabs "
            f"({data / 1000:,.0f} kB)"
        )


def print_scaling(sizes: dict[str, dict[str, Any]]) -> None:
    """Each size's cost against the next smaller one's, beside the ratio of their rows (linear: within 1.2x)."""
    names = [s for s in SIZES if s in sizes]
    pairs = list(itertools.pairwise(names))
    if not pairs:
        return
    print("\nscaling (CPU s of the larger size / the smaller; linear means within 1.2x of the row ratio)")
    for small, large in pairs:
        rows = sum(SIZES[large]) / sum(SIZES[small])
        for backend in sizes[large]:
            if backend not in sizes[small]:
                continue
            parts = []
            for scenario in SCENARIOS:
                ratio = sizes[large][backend]["runs"][scenario]["cpu"] / max(
                    1e-9, sizes[small][backend]["runs"][scenario]["cpu"]
                )
                verdict = "linear" if ratio <= 1.2 * rows else "SUPERLINEAR"
                parts.append(f"{scenario} {ratio:.1f}x ({verdict})")
            print(f"  {large}/{small}, {backend}, rows {rows:.1f}x: " + "; ".join(parts))


def _machine() -> dict[str, Any]:
    import os
    import platform

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}


if __name__ == "__main__":
    main()
