"""`sheetsync schedule` as a real process: SIGTERM mid-job finishes the job with a whole save and exits 0."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import openpyxl
import pytest

import sheetsync
from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.project.config import load_config

SLOW_JOB = '''
import time
from pathlib import Path
from sheetsync import job

FOLDER = Path(__file__).resolve().parents[1]


@job("slow")
def slow(ctx):
    """A stand-in for a long job: say it runs, wait for the test's release file (60 s at most), then stamp."""
    (FOLDER / "running").touch()
    release = FOLDER / "release"
    deadline = time.monotonic() + 60
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    cs = ctx.changes()
    items = ctx.tab("Items")
    for row in items:
        cs.set(items, row, "Stamp", "done")
    return cs
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny business: one tab, one slow job every 15 minutes, an xlsx workbook with two rows.

    The job creates `running` when it starts and runs until `release` appears in the folder, so a signal
    sent once `running` exists lands mid-job however slow the machine is (a fixed sleep in the job raced
    the test's own sleep, and a signal sent on the "start" log line can land before the job is entered).
    """
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "slow.py").write_text(textwrap.dedent(SLOW_JOB))
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "vocabularies.toml").write_text("")
    (tmp_path / "config" / "items.toml").write_text(
        textwrap.dedent("""
        tab = "Items"
        key = "Item"

        [[columns]]
        header = "Item"
        required = true
        unique = true

        [[columns]]
        header = "Stamp"
        owner = "job"
        """)
    )
    (tmp_path / "config" / "sheetsync.toml").write_text(
        textwrap.dedent(f'''
        [workbook]
        target = "{tmp_path / "book.xlsx"}"
        timezone = "America/New_York"

        [tabs]
        Items = "items.toml"

        [jobs]
        dir = "../jobs"

        [schedule]
        slow = "every 15 minutes"
        ''')
    )
    config = load_config(tmp_path / "config" / "sheetsync.toml")
    sheetsync.init(config, XlsxBackend(tmp_path / "book.xlsx"), rows={"Items": [{"Item": "A"}, {"Item": "B"}]})
    return tmp_path


class Loop:
    """`sheetsync schedule` in a child process, its JSON log read line by line."""

    started: ClassVar[list[Loop]] = []

    def __init__(self, project: Path, *args: str):
        Loop.started.append(self)
        env = {**os.environ, "SHEETSYNC_CONFIG": str(project / "config" / "sheetsync.toml")}
        env.pop("SHEETSYNC_WORKBOOK", None)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from sheetsync.cli import main; main()",
                "schedule",
                "--log-format",
                "json",
                "--state",
                str(project / "state.json"),
                *args,
            ],
            stderr=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=project,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[dict] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_for(self, event: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            self.seen.append(record)
            if record.get("event") == event:
                return record
        raise AssertionError(f"no {event!r} event; log so far: {self.seen}")

    def finish(self, timeout: float = 20) -> int:
        code = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=timeout)  # every line the child wrote is read (a fixed nap raced the reader)
        while not self.lines.empty():
            line = self.lines.get()
            with contextlib.suppress(ValueError):
                self.seen.append(json.loads(line))
        return code


@pytest.fixture(autouse=True)
def no_loop_left_behind():
    """A failing test must not leave its `sheetsync schedule` child running."""
    yield
    while Loop.started:
        loop = Loop.started.pop()
        if loop.proc.poll() is None:
            loop.proc.kill()
            loop.proc.wait()


def job_running(project: Path, timeout: float = 20) -> None:
    """Wait until the slow job has been entered."""
    deadline = time.monotonic() + timeout
    while not (project / "running").exists():
        assert time.monotonic() < deadline, "the slow job never started"
        time.sleep(0.02)


def stamps(path: Path) -> list:
    book = openpyxl.load_workbook(path)  # raises if the save was torn
    sheet = book["Items"]
    return [sheet.cell(row, 2).value for row in range(2, sheet.max_row + 1)]


def test_sigterm_mid_job_finishes_the_job_saves_whole_and_exits_0(project):
    loop = Loop(project)
    loop.wait_for("start")
    job_running(project)
    loop.proc.send_signal(signal.SIGTERM)  # the job is still waiting for its release
    loop.wait_for("stopping")
    (project / "release").touch()  # now the job may finish
    assert loop.finish() == 0
    ends = [e for e in loop.seen if e["event"] == "end"]
    assert [(e["job"], e["outcome"], e["cells"]) for e in ends] == [("slow", "ok", 2)]
    assert any(e["event"] == "stopping" for e in loop.seen) and loop.seen[-1]["event"] == "stop"
    assert stamps(project / "book.xlsx") == ["done", "done"]
    assert not list(project.glob("*.tmp")) and not list(project.glob(".~book*.tmp"))
    runs = openpyxl.load_workbook(project / "book.xlsx")["_Runs"]
    assert runs.cell(2, 2).value == "slow" and runs.cell(2, 5).value == "ok"


def test_second_signal_stops_at_once_and_leaves_the_workbook_as_it_was(project):
    before = (project / "book.xlsx").read_bytes()
    loop = Loop(project)
    loop.wait_for("start")
    job_running(project)
    loop.proc.send_signal(signal.SIGTERM)
    loop.wait_for("stopping")
    loop.proc.send_signal(signal.SIGTERM)  # the job is never released: it is still running
    assert loop.finish() == 128 + signal.SIGTERM
    assert (project / "book.xlsx").read_bytes() == before  # nothing half-written: the save never started
    assert stamps(project / "book.xlsx") == [None, None]
    assert [e["outcome"] for e in loop.seen if e["event"] == "end"] == ["interrupted"]


def test_sigterm_while_idle_exits_promptly(project):
    now = datetime.now(UTC).isoformat()
    (project / "state.json").write_text(json.dumps({"version": 1, "jobs": {"slow": {"last_success": now}}}))
    loop = Loop(project)
    loop.wait_for("scheduled")
    started = time.monotonic()
    loop.proc.send_signal(signal.SIGINT)
    assert loop.finish() == 0
    assert time.monotonic() - started < 5  # the nap is cut short, not slept out
    assert not [e for e in loop.seen if e["event"] == "start"]


@pytest.mark.slow
def test_schedule_max_runs_on_the_demo_workbook(tmp_path):
    """`sheetsync schedule --max-runs 2` on the demo workbook: runs, logs one start and end line each, exits 0."""
    root = Path(__file__).resolve().parents[1]
    config = load_config(root / "config" / "sheetsync.toml")

    path = tmp_path / "demo.xlsx"
    rows = sheetsync.load_project(config).demo_builder()(datetime.now(config.timezone).date())
    sheetsync.init(config, XlsxBackend(path), rows=rows)
    env = {**os.environ, "SHEETSYNC_CONFIG": str(root / "config" / "sheetsync.toml"), "SHEETSYNC_WORKBOOK": str(path)}
    # every scheduled job catches up at start (no state yet), so two runs follow at once; --until bounds
    # the test should validate be the only job with a cadence
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sheetsync.cli import main; main()",
            "schedule",
            "--max-runs",
            "2",
            "--until",
            "30s",
            "--state",
            str(tmp_path / "state.json"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    starts = [line for line in lines if " INFO start " in line]
    ends = [line for line in lines if " end " in line]
    assert starts[0].split(" INFO start ")[1].startswith("validate (catch-up")
    assert ends[0].split(" end ")[1].startswith("validate ok in ")
    assert len(starts) == len(ends) == min(2, len(starts)) and "cell(s) written" in ends[0]
    assert "stopped (max-runs) after 2 run(s)" in lines[-1] or "stopped (until) after 1 run(s)" in lines[-1]
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["workbooks"][str(path)]["jobs"]["validate"]["last_outcome"] == "ok"
    openpyxl.load_workbook(path)
