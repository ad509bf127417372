"""Progress of a run: the engine names each phase as it starts; the CLI draws it only on a terminal."""

from __future__ import annotations

import io
import time

from conftest import memory_workbook

import sheetsync
from sheetsync.cli import progress


def test_a_run_names_each_phase_in_order(config, now, demo_rows):
    heard = []
    backend = memory_workbook(config, demo_rows)
    result = sheetsync.run(config, now=now, backend=backend, on_phase=lambda *p: heard.append(p))
    assert result.wrote
    phases = [name for name, _done, _total in heard]
    jobs = [p for p in phases if p.startswith("job ")]
    assert phases == ["read", "parse", *jobs, "plan", "guard", "write", "done"]
    assert {j.removeprefix("job ") for j in jobs} >= {"validate", "describe", "todo"}
    assert [done for _name, done, _total in heard] == list(range(len(heard) - 1)) + [heard[-1][2]]
    assert len({total for *_x, total in heard}) == 1  # the bar's length is known from the start


def test_a_dry_run_has_no_guard_or_write_phase(config, now, demo_rows):
    heard = []
    sheetsync.run(
        config,
        now=now,
        backend=memory_workbook(config, demo_rows),
        dry_run=True,
        on_phase=lambda *p: heard.append(p[0]),
    )
    assert "guard" not in heard and "write" not in heard and heard[-2:] == ["plan", "done"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_display_draws_the_phase_on_a_terminal_once_a_run_is_slow(monkeypatch):
    monkeypatch.setattr(progress, "SHOW_AFTER", 0.05)
    screen = Terminal()
    with progress.phase_display(stream=screen) as on_phase:
        assert on_phase is not None
        on_phase("job describe", 3, 8)
        time.sleep(0.6)  # past SHOW_AFTER and a refresh
    assert "job describe" in screen.getvalue() and "3/8" in screen.getvalue()


def test_a_quick_run_draws_nothing_even_on_a_terminal():
    screen = Terminal()
    with progress.phase_display(stream=screen) as on_phase:
        assert on_phase is not None
        on_phase("read", 0, 5)
    assert screen.getvalue() == ""


def test_no_display_off_a_terminal_or_when_switched_off():
    with progress.phase_display(stream=io.StringIO()) as on_phase:
        assert on_phase is None
    with progress.phase_display(enabled=False, stream=Terminal()) as on_phase:
        assert on_phase is None
