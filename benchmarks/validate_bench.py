"""How long validation takes on a large catalog: `python benchmarks/validate_bench.py [--skus 10000]`.

Builds, in memory, 10,000 SKU rows (the demo catalog's rows repeated with new SKUs, planted mistakes
included) plus returns, influencers and gifts in the demo's proportions, then times, best of --repeat:

  parse only    the baseline: reading the raw grids into typed tabs (what every run does anyway)
  validate job  the validate job alone on those typed tabs (the brand's row and cross-tab rules)
  whole run     sheetsync.run(["validate"]) over a MemoryBackend, dry run: read, parse, the job,
                Issues and notes planned (nothing written)

Only the validate job is loaded (other jobs are evaluated on every run for their own problems; they
are left out so the figures are validation's). Timings are compute on this machine, not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sheetsync  # noqa: E402
from sheetsync.backends.memory import MemoryBackend  # noqa: E402
from sheetsync.engine.context import Context  # noqa: E402
from sheetsync.engine.run import build_tabs  # noqa: E402
from sheetsync.model.problems import Report  # noqa: E402
from sheetsync.project.config import Config, load_config  # noqa: E402
from sheetsync.project.loader import load_project  # noqa: E402

JOB_MODULES = ("validate", "wording", "demo")  # packages of the brand's jobs folder (wording: what validate reads)
NOW = datetime(2026, 11, 26, 9, 0)
# The demo's proportions per 64 SKUs, rounded: 40 returns, 25 influencers, 50 gifts.
SHARE = {"Returns": 40 / 64, "Influencers": 25 / 64, "Gifts": 50 / 64, "Copy Log": 4}


def validate_only_config(folder: Path) -> Config:
    shutil.copytree(ROOT / "config", folder / "config")
    (folder / "jobs").mkdir()
    for name in JOB_MODULES:
        (folder / "jobs" / name).symlink_to(ROOT / "jobs" / name)
    return dataclasses.replace(load_config(folder / "config" / "sheetsync.toml"), target="memory:")


def grids(config: Config, n_skus: int) -> dict[str, list[list]]:
    demo = load_project(config).demo_builder()(NOW.date())
    out = {}
    for tab, rows in demo.items():
        if tab not in SHARE and tab != "SKUs":
            continue  # tabs jobs rewrite whole (To Do)
        count = n_skus if tab == "SKUs" else round(n_skus * SHARE[tab])
        key = config.schema(tab).key
        headers = list(config.schema(tab).headers)
        for row in rows:
            headers += [h for h in row if h not in headers]
        table = [headers]
        skus = {row["SKU"] for row in demo["SKUs"]}
        for i in range(count):
            row, copy = dict(rows[i % len(rows)]), i // len(rows)
            if tab == "SKUs":
                row[key] = f"{row[key]}-{copy:03d}"
            else:
                if row.get("SKU") in skus:
                    row["SKU"] = f"{row['SKU']}-000"  # references point at the first copy of the catalog
                if copy and row.get(key):
                    row[key] = f"{row[key]}{copy}" if tab == "Influencers" else f"{row[key]}{copy:03d}"
            table.append([row.get(h) for h in headers])
        out[tab] = table
    return out


def best(fn, repeat: int) -> tuple[float, float, float, object]:
    """Best and median CPU time of this process (compute, whatever else the machine runs), best wall time."""
    cpu, wall, value = [], [], None
    for _ in range(repeat):
        start, start_wall = time.process_time(), time.perf_counter()
        value = fn()
        cpu.append(time.process_time() - start)
        wall.append(time.perf_counter() - start_wall)
    return min(cpu), statistics.median(cpu), min(wall), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = validate_only_config(Path(tmp))
        project = load_project(config)
        jobs = project.jobs
        data = grids(config, args.skus)
        backend = MemoryBackend(data)
        now = NOW.replace(tzinfo=config.timezone)
        sizes = ", ".join(f"{len(rows) - 1:,} {tab}" for tab, rows in data.items())
        cells = sum((len(rows) - 1) * len(rows[0]) for rows in data.values())
        print(f"workbook: {sizes} ({cells:,} cells)")

        raw = backend.read(list(data))
        parse = best(lambda: build_tabs(config, raw), args.repeat)
        tabs = parse[3]

        def job_alone():
            ctx = Context(config, now, jobs["validate"], tabs, Report())
            return jobs["validate"].fn(ctx)

        alone = best(job_alone, args.repeat)
        whole = best(
            lambda: sheetsync.run(config, ["validate"], now=now, backend=backend, dry_run=True, project=project),
            args.repeat,
        )
        found = len(alone[3].problems)
        print(f"problems found by the rules: {found:,}; in the whole run's report: {len(whole[3].report):,}")
        print(f"{'CPU seconds':<14}{'best':>9}{'median':>9}{'wall best':>11}")
        for name, (low, mid, wall, _) in (("parse only", parse), ("validate job", alone), ("whole run", whole)):
            print(f"{name:<14}{low:>8.3f}s{mid:>8.3f}s{wall:>10.3f}s")
        print(
            f"validate job = {alone[0] / parse[0]:.2f} x parse-only baseline; "
            f"whole run = {whole[0] / parse[0]:.2f} x parse-only baseline"
        )


if __name__ == "__main__":
    main()
