"""How long the xlsx backend takes to read a large tab: `python benchmarks/xlsx_read_bench.py [--rows 10000]`.

Writes a workbook with one tab of --rows rows x 36 columns (text and numbers, no formulas), then
times, best of --repeat, in the same run:

  baseline        a full openpyxl load plus a values-only read-only load of the tab (two loads: the
                  way to get both the formulas to keep and their cached results)
  XlsxBackend     XlsxBackend.read(): the full load, and the values-only load only for tabs that hold
                  formulas (none here)
  ... + formulas  the same tab with one formula column, so the backend needs both loads

Timings are wall-clock on this machine, not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sheetsync.backends.xlsx import XlsxBackend

ROW = ["SKU", "Aurora Ring", "Ring", "Yellow Gold", "14K", 1250.0, 300, 0, "a brief about the piece"] * 4


def build(path: Path, rows: int, formulas: bool) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "SKUs"
    for r in range(1, rows + 1):
        sheet.append([f"SKU-{r}"] + ROW[1:] + ([f"=F{r}-G{r}"] if formulas else []))
    book.save(path)


def baseline(path: Path) -> None:
    openpyxl.load_workbook(path)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    [list(r) for r in book["SKUs"].iter_rows(values_only=True)]
    book.close()


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain, with_formulas = Path(folder) / "plain.xlsx", Path(folder) / "formulas.xlsx"
        build(plain, args.rows, formulas=False)
        build(with_formulas, args.rows, formulas=True)
        base = best(lambda: baseline(plain), args.repeat)
        ours = best(lambda: XlsxBackend(plain).read(["SKUs"]), args.repeat)
        both = best(lambda: XlsxBackend(with_formulas).read(["SKUs"]), args.repeat)
    print(f"one tab, {args.rows:,} rows x {len(ROW)} columns; wall seconds, best of {args.repeat}")
    print(f"baseline (two loads)       {base:7.2f}s")
    print(f"XlsxBackend.read           {ours:7.2f}s   {ours / base:.2f} x baseline")
    print(f"XlsxBackend.read+formulas  {both:7.2f}s   {both / base:.2f} x baseline")


if __name__ == "__main__":
    main()
