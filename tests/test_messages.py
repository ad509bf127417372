"""What a person sees when something is wrong: config mistakes name file and key, bad cells name tab, row and
column, the exit code says what kind of trouble it was, and no traceback reaches the user."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, config_for_jobs, memory_workbook

from sheetsync.cli import BriefFormatter, main
from sheetsync.cli.common import exit_code
from sheetsync.errors import ConfigError
from sheetsync.init import init
from sheetsync.model.problems import Code
from sheetsync.project.config import freeze
from sheetsync.project.loader import load_project

NOW = "2026-11-26T09:00"


def copy_config(tmp_path: Path, jobs_dir: Path | None = None) -> Path:
    """The brand's config copied to tmp_path/config, its jobs folder pointing at the repository's (or `jobs_dir`)."""
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder)
    main_file = folder / "sheetsync.toml"
    text = main_file.read_text().replace('dir = "../jobs"', f'dir = "{(jobs_dir or ROOT / "jobs").as_posix()}"')
    main_file.write_text(text if jobs_dir is None else config_for_jobs(text))
    return main_file


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


# ---------------------------------------------------------------------------------------------- config


def test_misspelt_schema_key_names_file_column_and_the_right_key(tmp_path):
    cfg = copy_config(tmp_path)
    schema = cfg.parent / "schemas" / "skus.toml"
    edit(schema, "required = true", "requried = true")
    code, out = cli("--config", str(cfg), "jobs")
    assert code == 2 and "Traceback" not in out
    assert str(schema) in out and "'SKU'" in out and "requried" in out and "'required'" in out


def test_unknown_type_names_file_column_and_a_close_type(tmp_path):
    cfg = copy_config(tmp_path)
    schema = cfg.parent / "schemas" / "skus.toml"
    edit(schema, 'type = "enum"', 'type = "enumm"')
    code, out = cli("--config", str(cfg), "run", "--now", NOW)
    assert code == 2 and str(schema) in out and "'Category'" in out and "'enum'" in out


def test_missing_schema_file_names_the_tabs_key_that_points_at_it(tmp_path):
    cfg = copy_config(tmp_path)
    (cfg.parent / "schemas" / "gifts.toml").unlink()
    code, out = cli("--config", str(cfg), "validate")
    assert code == 2 and str(cfg) in out and "[tabs] Gifts" in out and "gifts.toml" in out


def test_missing_jobs_folder_names_the_jobs_dir_key(tmp_path):
    cfg = copy_config(tmp_path, jobs_dir=tmp_path / "no-such-jobs")
    code, out = cli("--config", str(cfg), "run", "--now", NOW)
    assert code == 2 and str(cfg) in out and "[jobs] dir" in out and "no-such-jobs" in out


@pytest.mark.parametrize(
    "dotted,value,default,ok",
    [
        ("returns.window_days", "30 days", 30, False),
        ("returns.window_days", 30.5, 30, False),
        ("returns.auto_authorize", 1, True, False),
        ("returns.window_days", True, 30, False),
        ("export.statuses", "Approved", ("Approved",), False),
        ("export.wholesale_max_ratio", 1, 0.6, True),
        ("export.statuses", ["Approved"], ("Approved",), True),
        ("returns.window_days", "30", None, True),  # no default: the job takes what is there
    ],
)
def test_policy_value_of_the_wrong_type_names_file_and_key(config, dotted, value, default, ok):
    area, key = dotted.split(".")
    cfg = dataclasses.replace(config, policies=freeze({area: {key: value}}))
    if ok:
        assert cfg.policy(dotted, default) == freeze(value)
        return
    with pytest.raises(ConfigError) as caught:
        cfg.policy(dotted, default)
    assert str(cfg.path) in str(caught.value) and f"[policies.{area}] {key}" in str(caught.value)


def test_policy_of_the_wrong_type_fails_its_job_as_a_config_error_and_the_others_go_on(config, run_jobs):
    policies = {
        **{k: dict(v) if hasattr(v, "items") else v for k, v in config.policies.items()},
        "returns": {**config.policies["returns"], "window_days": "30 days"},
    }
    cfg = dataclasses.replace(config, policies=freeze(policies))
    book = memory_workbook(
        cfg,
        {
            "SKUs": [
                {
                    "SKU": "RG-001",
                    "Product Name": "Halo ring",
                    "Category": "Ring",
                    "Metal": "Yellow Gold",
                    "Purity": "14K",
                }
            ]
        },
    )
    result = run_jobs(book, cfg=cfg)
    overdue = result.outcomes["overdue"]
    assert overdue.status == "failed" and overdue.config_error
    assert "[policies.returns] window_days" in overdue.error and "Error:" not in overdue.error
    assert result.outcomes["validate"].status == "ok" and result.outcomes["describe"].status == "ok"
    assert [p.code for p in result.report if p.job == "overdue"] == [Code.JOB_FAILED]
    assert exit_code(result, strict=False) == 2


def test_policy_of_the_wrong_type_on_the_command_line_exits_2_without_traceback(tmp_path):
    cfg = copy_config(tmp_path)
    edit(cfg, "window_days = 30 ", 'window_days = "30 days" ')
    book = tmp_path / "book.xlsx"
    for command in (["init"], ["run", "--now", NOW]):  # refused when the config loads, before any job runs
        code, out = cli("--config", str(cfg), "--workbook", str(book), *command)
        assert code == 2 and "Traceback" not in out
        assert str(cfg) in out and '[policies.returns] window_days = "30 days"' in out and "whole number" in out
    assert not book.exists()


# ------------------------------------------------------------------------------------------ job modules


def test_syntax_error_names_the_file_and_line_that_hold_it_and_dependants_name_the_broken_job(config, tmp_path):
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "helpers.py").write_text("def broken(:\n    pass\n")
    (jobs / "first.py").write_text(
        "from sheetsync import job\nfrom .helpers import broken\n\n@job('first')\ndef first(ctx):\n    return None\n"
    )
    (jobs / "second.py").write_text(
        "from sheetsync import job\n\n@job('second', after=['first'])\ndef second(ctx):\n    return None\n"
    )
    project = load_project(dataclasses.replace(config, jobs_dir=jobs))
    found, broken = project.jobs, project.broken
    assert "second" not in found
    assert str(jobs / "helpers.py") in broken["first"] and "line 1" in broken["first"]
    assert "'first'" in broken["second"]


def test_a_job_bug_prints_one_line_and_the_traceback_only_with_debug(tmp_path):
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "boom.py").write_text(
        "from sheetsync import job\n\n@job('boom')\ndef boom(ctx):\n    raise RuntimeError('kaboom')\n"
    )
    cfg = copy_config(tmp_path, jobs_dir=jobs)
    book = tmp_path / "book.xlsx"
    assert cli("--config", str(cfg), "--workbook", str(book), "init")[0] == 0
    command = [
        sys.executable,
        "-c",
        "from sheetsync.cli import main; main()",
        "--config",
        str(cfg),
        "--workbook",
        str(book),
        "run",
        "--now",
        NOW,
    ]
    env = {k: v for k, v in os.environ.items() if k != "SHEETSYNC_DEBUG"}
    plain = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert plain.returncode == 1 and "kaboom" in plain.stdout + plain.stderr
    assert "Traceback" not in plain.stdout + plain.stderr and "SHEETSYNC_DEBUG=1" in plain.stderr
    debug = subprocess.run(command, capture_output=True, text=True, env={**env, "SHEETSYNC_DEBUG": "1"}, timeout=120)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_brief_formatter_keeps_the_traceback_only_when_asked():
    try:
        raise RuntimeError("kaboom")
    except RuntimeError:
        record = logging.LogRecord(
            "sheetsync",
            logging.ERROR,
            __file__,
            1,
            "job %s failed: %s",
            ("boom", "RuntimeError: kaboom"),
            sys.exc_info(),
        )
    assert "Traceback" not in BriefFormatter().format(record)
    assert "Traceback" in BriefFormatter(tracebacks=True).format(record)


# ----------------------------------------------------------------------------------------------- cells


def test_formula_error_values_are_reported_at_their_cell_in_any_column(config, run_jobs):
    book = memory_workbook(
        config,
        {
            "SKUs": [
                {
                    "SKU": "RG-001",
                    "Product Name": "#N/A",
                    "Category": "Ring",
                    "Metal": "Yellow Gold",
                    "Purity": "14K",
                    "Price": "#DIV/0!",
                    "Cost": 100,
                },
            ]
        },
    )
    result = run_jobs(book, ["validate"], dry_run=True)
    found = {(p.column, p.row, p.cell): p.code for p in result.report if p.tab == "SKUs" and p.row == 2}
    headers = config.schema("SKUs").headers
    price_cell = f"{chr(ord('A') + headers.index('Price'))}2"
    assert found[("Price", 2, price_cell)] == Code.FORMULA_ERROR
    assert found[("Product Name", 2, "B2")] == Code.FORMULA_ERROR
    assert not result.failed and result.outcomes["validate"].status == "ok"


# ------------------------------------------------------------------------------------------- workbooks


def renamed_gifts(config):
    book = memory_workbook(config, {})
    data = {name: book.values(name) for name in config.schemas}
    data["Gifting"] = data.pop("Gifts")
    return type(book)(data)


def test_a_renamed_tab_is_named_in_the_missing_tab_problem(config, run_jobs):
    result = run_jobs(renamed_gifts(config), ["validate"], dry_run=True)
    missing = [p for p in result.report if p.code == Code.MISSING_TAB]
    assert [p.tab for p in missing] == ["Gifts"] and "'Gifting'" in missing[0].message
    assert not result.failed


def test_init_does_not_recreate_a_renamed_tab_beside_it(config):
    book = renamed_gifts(config)
    result = init(config, backend=book)
    assert result.renamed == {"Gifts": "Gifting"}
    assert "Gifts" not in book.tab_names() and "Gifts" not in result.created_tabs


def test_a_missing_workbook_file_says_so_and_exits_2(tmp_path):
    code, out = cli(
        "--config",
        str(ROOT / "config" / "sheetsync.toml"),
        "--workbook",
        str(tmp_path / "none.xlsx"),
        "run",
        "--now",
        NOW,
    )
    assert code == 2 and "no such workbook" in out and str(tmp_path / "none.xlsx") in out


def test_a_file_that_is_not_xlsx_is_a_clean_failure_naming_it(tmp_path):
    fake = tmp_path / "book.xlsx"
    fake.write_text("SKU,Product Name\nRG-001,Halo ring\n")
    code, out = cli("--config", str(ROOT / "config" / "sheetsync.toml"), "--workbook", str(fake), "run", "--now", NOW)
    assert code == 1 and str(fake) in out and "Traceback" not in out


@pytest.mark.parametrize(
    "settings,words",
    [
        ({"attempts": "6"}, "attempts = '6' must be a whole number"),
        ({"timeout": 0}, "timeout = 0 is impossible"),
        ({"max_wait": "soon"}, "max_wait = 'soon' must be a number of seconds"),
    ],
)
def test_google_retry_settings_are_checked_naming_file_and_key(settings, words):
    from sheetsync.backends.gsheets import GoogleSheetsBackend
    from sheetsync.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        GoogleSheetsBackend("gsheets:abc", settings, source="/srv/config/sheetsync.toml")
    assert "/srv/config/sheetsync.toml: [policies.google]" in str(caught.value) and words in str(caught.value)
