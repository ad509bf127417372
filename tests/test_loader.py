"""The project loader: what a jobs folder marks, found with no global registry, packages included."""

from __future__ import annotations

import sys

from fresh import fresh_project

import sheetsync
from sheetsync.export import channels
from sheetsync.project.loader import load_project, package_name

EXPORTING = '''
from sheetsync import exporter, job, template_filter

@job("note")
def note(ctx):
    """Write a note on every order."""
    return ctx.changes()

@exporter("shop", tab="Orders", headers=["Order ID"])
def shop(ctx):
    """The shop's file."""
    return []

@template_filter("shout")
def shout(text):
    return str(text).upper()
'''


def test_finds_jobs_exporters_and_filters_in_modules_and_packages(tmp_path):
    _, project = fresh_project(
        tmp_path,
        {"basic": EXPORTING},
        packages={
            "checks": {
                "__init__": "from sheetsync import job\nfrom .rules import limit\n\n@job('check')\ndef check(ctx):\n"
                "    '''Check orders.'''\n    return None\n",
                "rules": "limit = 3\n",
                "extra": "from sheetsync import job\n\n@job('deep', after=['check'])\n"
                "def deep(ctx):\n    return None\n",
            }
        },
    )
    assert list(project.jobs) == ["check", "deep", "note"]
    assert project.jobs["check"].description == "Check orders."
    assert list(project.exporters) == ["shop"] and project.exporters["shop"].description == "The shop's file."
    assert project.filters["shout"]("a") == "A"
    assert project.module("checks.rules").limit == 3
    assert not project.broken


def test_two_projects_never_see_each_others_marks(tmp_path):
    _, first = fresh_project(tmp_path / "one", {"basic": EXPORTING})
    _, second = fresh_project(
        tmp_path / "two", {"plain": "from sheetsync import job\n\n@job('solo')\ndef solo(ctx):\n    return None\n"}
    )
    assert list(first.exporters) == ["shop"]
    assert dict(second.exporters) == {} and list(second.jobs) == ["solo"]  # no stale exporters from `first`
    assert channels(second.config) == {}
    # both stay importable side by side: nothing was rewritten under a shared name
    assert first.package != second.package
    assert first.package in sys.modules and second.package in sys.modules
    assert load_project(first.config).jobs["note"].fn is first.jobs["note"].fn


def test_package_name_is_one_per_folder(tmp_path):
    assert package_name(tmp_path / "a") == package_name(tmp_path / "a" / ".." / "a")
    assert package_name(tmp_path / "a") != package_name(tmp_path / "b")


def test_a_broken_module_is_set_aside_and_the_others_load(tmp_path):
    _, project = fresh_project(tmp_path, {"basic": EXPORTING, "bad": "import not_a_module_anywhere\n"})
    assert "note" in project.jobs
    assert "bad" in project.broken and "not_a_module_anywhere" in project.broken["bad"]


def test_after_all_runs_last_and_cannot_be_named_in_after(tmp_path):
    _, project = fresh_project(
        tmp_path,
        {
            "jobs_": """
from sheetsync import AFTER_ALL, job

@job("zlast", after=AFTER_ALL)
def zlast(ctx):
    return None

@job("b")
def b(ctx):
    return None

@job("a", after=["b"])
def a(ctx):
    return None

@job("needs_last", after=["zlast"])
def needs_last(ctx):
    return None
"""
        },
    )
    assert list(project.jobs) == ["b", "a", "zlast"]
    assert "runs after every other job" in project.broken["needs_last"]


def test_demo_builder_is_found_beside_the_jobs_and_a_wrong_one_is_a_config_error(tmp_path):
    import dataclasses

    import pytest

    config, _project = fresh_project(tmp_path, {"sample": "def build(today):\n    return {'Orders': []}\n"})
    config = dataclasses.replace(config, demo={"builder": "sample:build"})
    assert load_project(config).demo_builder()(None) == {"Orders": []}
    with pytest.raises(sheetsync.ConfigError, match=r"demo\.builder"):
        load_project(dataclasses.replace(config, demo={"builder": "sample:nope"})).demo_builder()


def test_two_jobs_of_one_name_fail_naming_both_files(tmp_path):
    twin = "from sheetsync import job\n\n@job('note')\ndef note(ctx):\n    '''A second note job.'''\n    return None\n"
    _, project = fresh_project(tmp_path, {"basic": EXPORTING}, packages={"notes": {"__init__": twin}})
    why = project.broken["note"]
    assert "jobs/basic.py" in why and "jobs/notes/__init__.py" in why and "rename one" in why
