"""A strict config: typos in sections, keys, values, cadences and names exit 2 naming the file, key and fix."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CONFIG_PATH

from sheetsync import ConfigError, load_config, load_project, policies, setting
from sheetsync.cli import main
from sheetsync.project.policies import PolicyTable, table_problems

JOBS_DIR = CONFIG_PATH.parent.parent / "jobs"


@pytest.fixture
def edited(tmp_path):
    """A copy of the brand's config with one edit (old text -> new text), using the repository's jobs."""

    def make(old: str, new: str) -> Path:
        folder = tmp_path / "config"
        shutil.copytree(CONFIG_PATH.parent, folder)
        path = folder / "sheetsync.toml"
        text = path.read_text().replace('dir = "../jobs"', f'dir = "{JOBS_DIR}"')
        assert old in text, old
        path.write_text(text.replace(old, new, 1))
        return path

    return make


def cli(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(path), *args], catch_exceptions=False)
    return result.exit_code, result.output


TYPOS = [
    ("window_days = 30 ", "windo_days = 30 ", "[policies.returns] windo_days", "did you mean 'window_days'?"),
    ("[policies.returns]", "[policies.retruns]", "[policies.retruns] is read by no job", "did you mean 'returns'?"),
    ("wholesale_share_max = 0.60", "wholesale_share_max = 60", "wholesale_share_max = 60", "did you mean 0.6?"),
    ('overdue = "every day at 07:00"', 'overdue = "every dya at 07:00"', "[schedule] overdue", "'every day at 07:00'"),
    ('validate = "every 15 minutes"', 'valdate = "every 15 minutes"', "no job named 'valdate'", "'validate'?"),
    ('dir = "', 'enabled = ["validat"]\ndir = "', "[jobs] enabled names 'validat'", "did you mean 'validate'?"),
    ('SKUs = ["Cost",', 'SKUs = ["Cots",', "[policies.validate] non_negative", "did you mean 'Cost'?"),
    ('Returns = ["Refund Amount"', 'Retruns = ["Refund Amount"', "no tab 'Retruns'", "did you mean 'Returns'?"),
    ('resizable_categories = ["Ring"]', 'resizable_categories = ["Rnig"]', "resizable_categories", "'Ring'?"),
    ("window_days = 30 ", 'window_days = "30 days" ', 'window_days = "30 days"', "write a whole number"),
    ("[workbook]", "[workbok]", "[workbok] is not a section", "did you mean 'workbook'?"),
    ('date_order = "MDY"', 'date_order = "YMD"', "[workbook] date_order", "'MDY', 'DMY'"),
    ("timezone = ", "time_zone = ", "[workbook] time_zone", "did you mean 'timezone'?"),
    ("Likes = 0.05", "Likse = 0.05", "[policies.summaries] emv_rates", "did you mean 'Likes'?"),
    ("attempts = 6 ", "attempts = 0 ", "[policies.google] attempts = 0", "below the minimum 1"),
    ("chart_top = 10", "chart_top = 10\ncharts_top = 5", "charts_top", "'chart_top'?"),
]


@pytest.mark.parametrize("old,new,where,fix", TYPOS, ids=[t[1].split("\n")[-1][:24] for t in TYPOS])
def test_a_config_typo_exits_2_naming_file_key_and_fix(edited, old, new, where, fix):
    path = edited(old, new)
    code, out = cli(path, "validate", "--dry-run")
    assert code == 2, out
    line = next(line for line in out.splitlines() if where in line)
    assert str(path) in line and fix in line and "Traceback" not in out


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--dry-run"],
        ["validate"],
        ["schedule", "--max-runs", "1"],
        ["jobs"],
        ["export", "shopify", "--out", "never.csv"],
        ["demo", "--dir", "DIR"],
        ["init"],
    ],
    ids=lambda a: a[0],
)
def test_every_command_that_loads_the_config_refuses_a_typo(edited, tmp_path, args):
    path = edited("window_days = 30 ", "windo_days = 30 ")
    code, out = cli(path, *[str(tmp_path / "demo") if a == "DIR" else a for a in args])
    assert code == 2 and "windo_days" in out and "window_days" in out
    assert not (tmp_path / "demo").exists() and not Path("never.csv").exists()


def test_the_brand_config_is_clean(config):
    assert load_project(config).config_problems() == []


def test_several_mistakes_are_reported_together(edited):
    path = edited("window_days = 30 ", "windo_days = 30 \nauto_authorise = true")
    project = load_project(load_config(path))
    problems = project.config_problems()
    assert [bool(re.search(r"windo_days|auto_authorise", p)) for p in problems] == [True, True]


def test_undeclared_tables_are_not_reported_while_a_job_module_is_broken(edited):
    path = edited("[policies.returns]", "[policies.retruns]")
    config = load_config(path)
    project = load_project(config)
    assert project.config_problems()
    broken = type(project)(config, project.package, project.jobs, {"overdue": "cannot import"}, policy_tables={})
    assert not any("retruns" in p for p in broken.config_problems())


# --- the declared form, as a job author writes it ------------------------------------------------------


@policies("restock")
@dataclass(frozen=True)
class RestockPolicy:
    """[policies.restock]: a made-up job's table."""

    below: int = setting(2, min=0)
    share: float = setting(0.25, min=0, max=1)
    tabs: tuple[str, ...] = setting(("SKUs",), refers="tab")
    who: str = setting("VA", choices=("VA", "Founder"))


def test_a_declared_table_reads_typed_values_with_defaults(config):
    import dataclasses
    from types import MappingProxyType

    cfg = dataclasses.replace(config, policies=MappingProxyType({"restock": {"below": 5, "tabs": ["SKUs", "Gifts"]}}))
    policy = cfg.policy(RestockPolicy)
    assert policy == RestockPolicy(below=5, share=0.25, tabs=("SKUs", "Gifts"), who="VA")
    wrong = dataclasses.replace(config, policies=MappingProxyType({"restock": {"who": "Intern"}}))
    with pytest.raises(ConfigError, match=r"\[policies.restock\] who = \"Intern\""):
        wrong.policy(RestockPolicy)


@pytest.mark.parametrize(
    "values,words",
    [
        ({"below": -1}, "below the minimum 0"),
        ({"share": 25}, "did you mean 0.25?"),
        ({"share": True}, "write a number"),
        ({"tabs": ["SKU"]}, "no tab 'SKU' in [tabs] (did you mean 'SKUs'?)"),
        ({"who": "va"}, "not one of 'VA', 'Founder' (did you mean 'VA'?)"),
        ({"belwo": 3}, "belwo is not a setting of this table (did you mean 'below'?)"),
    ],
)
def test_declared_limits_types_and_names(config, values, words):
    table = PolicyTable("restock", RestockPolicy)
    problems = table_problems(config.path, table, values, config.schemas)
    assert len(problems) == 1 and words in problems[0] and str(config.path) in problems[0]
