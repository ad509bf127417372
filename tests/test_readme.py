"""README's examples run as written: the jobs in "Writing a job", beside the brand's own jobs, on the demo."""

from __future__ import annotations

import dataclasses
import re
import shutil

import pytest
from conftest import ROOT, memory_workbook, records

import sheetsync


def section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def python_blocks(title: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", section(title), re.S)


@pytest.mark.slow
def test_writing_a_job_examples_run_as_written(config, demo_rows, now, tmp_path):
    blocks = python_blocks("Writing a job")
    assert len(blocks) == 3  # two jobs and a policy declaration
    folder = tmp_path / "jobs"
    shutil.copytree(ROOT / "jobs", folder, ignore=shutil.ignore_patterns("__pycache__"))
    for index, source in enumerate(blocks):
        (folder / f"readme_example_{index}.py").write_text(source)
    cfg = dataclasses.replace(config, jobs_dir=folder)
    rows = {tab: [dict(r) for r in found] for tab, found in demo_rows.items()}
    sold_out, last_one = rows["SKUs"][10], rows["SKUs"][11]
    sold_out["Stock"], last_one["Stock"] = 0, 1
    backend = memory_workbook(cfg, rows)
    result = sheetsync.run(cfg, now=now, backend=backend)
    assert not result.failed
    flagged = [p for p in result.report if p.job == "sold_out"]
    assert {p.key for p in flagged} >= {sold_out["SKU"]} and all(p.code == "sold_out" for p in flagged)
    issues = {r["SKU"]: r["Issues"] or "" for r in records(backend, "SKUs")}
    assert "Stock: 0 in stock: reorder or mark it sold out" in issues[sold_out["SKU"]].splitlines()
    todo = [line["To Do"] for line in records(backend, "To Do")]
    assert f"Reorder the {last_one['Product Name']} (1 left)" in todo
    policies = {**config.policies, "low_stock": {"below": 1, "share": 25}}
    project = sheetsync.load_project(dataclasses.replace(cfg, policies=policies))
    assert [p for p in project.config_problems() if "low_stock" in p] == [
        f"{cfg.path}: [policies.low_stock] share = 25: 25 is above the maximum 1 "
        "(it is a fraction, not a percentage: did you mean 0.25?)"
    ]
