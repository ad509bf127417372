"""sheetsync.open() for notebooks: a short repr, every job's issues joinable to frames, system tabs as frames."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import CONFIG_PATH

import sheetsync
from sheetsync.cli import main

NOW = "2026-11-26T09:00"


@pytest.fixture(scope="module")
def book(tmp_path_factory, config):
    folder = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["--config", str(CONFIG_PATH), "demo", "--dir", str(folder), "--now", NOW])
    assert result.exit_code == 0, result.output
    return sheetsync.open(str(folder / "jewelry-demo.xlsx"), config)


def test_the_repr_is_short(book):
    book.tabs()
    text = repr(book)
    assert len(text) < 400 and "SKUs 6" in text and "_Log" in text


def test_issues_hold_every_jobs_problems_with_keys_and_rows_joinable_to_frames(book, config):
    issues = book.issues(now=sheetsync.engine.run.datetime.fromisoformat(NOW).replace(tzinfo=config.timezone))
    assert {"validate", "describe", "overdue"} <= set(issues["job"].dropna())
    skus = issues[issues["tab"] == "SKUs"]
    assert skus["row"].notna().all() and skus["key"].notna().all()
    assert not skus["key"].str.contains("#").any()  # keys as the sheet shows them
    joined = book.frame("SKUs").merge(skus, left_on="_row", right_on="row")
    assert len(joined) == len(skus) and (joined["SKU"] == joined["key"]).all()


@pytest.mark.parametrize(
    "tab,typed",
    [("_Log", {"Time": "datetime"}), ("_Runs", {"Cells Written": "Int64", "Started": "datetime"}), ("To Do", {})],
)
def test_system_and_summary_tabs_are_frames_typed_where_possible(book, tab, typed):
    frame = book.frame(tab)
    assert len(frame) > 0 and "_row" in frame.columns
    for column, kind in typed.items():
        assert kind in str(frame[column].dtype)
    assert len(book.frame("Summary - Returns")) > 10
