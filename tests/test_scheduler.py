"""The scheduled runner: cadence maths, catch-up, overlap, back-off, isolation, stopping, logs, `jobs` listing."""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import logging
import signal
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType

import pytest
from click.testing import CliRunner
from conftest import memory_workbook, records, with_jobs
from hypothesis import given, settings
from hypothesis import strategies as st

import sheetsync
from sheetsync.engine.run import JobOutcome, RunResult
from sheetsync.errors import ConfigError, LockHeld, TransientError
from sheetsync.model.cadence import CadenceError, parse_cadence
from sheetsync.scheduling.scheduler import HardStop, Runner, RunState, job_status, parse_until

NY = "America/New_York"


# ------------------------------------------------------------------------------------------ helpers


class FakeClock:
    """The runner's clock and sleep: sleeping moves the clock, so a day passes in milliseconds."""

    def __init__(self, start: datetime):
        self.t = start
        self.naps: list[float] = []

    def __call__(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.t += timedelta(seconds=seconds)

    def advance(self, **kw) -> None:
        self.t += timedelta(**kw)


JOBS = '''
from sheetsync import job

@job("stamp")
def stamp(ctx):
    """Write the run's time into every SKU's draft (a job that writes on every run)."""
    cs = ctx.changes()
    skus = ctx.tab("SKUs")
    for row in skus:
        cs.set(skus, row, "Draft Description", f"seen {ctx.now:%Y-%m-%d %H:%M}")
    return cs

@job("broken", reports_issues=False)
def broken(ctx):
    """Raise every time (a job with a bug)."""
    raise RuntimeError("boom")

@job("quiet")
def quiet(ctx):
    """Write nothing."""
    return ctx.changes()
'''


@pytest.fixture
def make_config(config, tmp_path):
    """The brand's config with a tmp jobs folder (stamp, broken, quiet) and the given [schedule]."""

    def make(schedule: dict, source: str = JOBS):
        return dataclasses.replace(
            with_jobs(config, tmp_path / "jobs", sample=source),
            schedule=MappingProxyType(dict(schedule)),
            policies=MappingProxyType({}),  # the brand's policy tables: their jobs are not in this folder
            target="memory:",
        )

    return make


def fake_run(clock: FakeClock | None = None, takes: dict | None = None, fail: dict | None = None, calls=None):
    """A stand-in for sheetsync.run: records calls, can take time, raise, or report a failed job."""
    takes, fail = takes or {}, fail or {}

    def go(config, jobs, now=None, backend=None):
        name = jobs[0]
        if calls is not None:
            calls.append((name, now))
        if clock is not None and name in takes:
            clock.advance(minutes=takes[name])
        problem = fail.get(name)
        if isinstance(problem, list):
            problem = problem.pop(0) if problem else None
        if isinstance(problem, BaseException):
            raise problem
        result = RunResult(run_id=f"r{len(calls or [])}", started=now)
        result.outcomes[name] = JobOutcome(name, "failed" if problem else "ok", problem or None)
        return result

    return go


def runner(config, clock, tmp_path, **kw):
    kw.setdefault("run_fn", fake_run(clock))
    kw.setdefault("backend_factory", lambda: memory_workbook(config, {}))
    return Runner(
        config, clock=clock, sleep=clock.sleep, state_path=tmp_path / "state.json", handle_signals=False, **kw
    )


def saved_jobs(path, config) -> dict:
    """The last-run records the state file holds for the config's workbook target."""
    return json.loads(path.read_text())["workbooks"][config.target]["jobs"]


def at(y, mo, d, h=0, mi=0, tz=NY) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(tz))


# ------------------------------------------------------------------------------------- cadence maths


@pytest.fixture
def tz(config):
    return config.timezone


def utc_gaps(moments):
    return [(b.astimezone(UTC) - a.astimezone(UTC)) for a, b in itertools.pairwise(moments)]


def test_every_15_minutes_counts_real_time_across_spring_forward(tz):
    cadence = parse_cadence("every 15 minutes", tz)
    slots = cadence.slots(at(2026, 3, 8, 1, 30), at(2026, 3, 8, 3, 30))
    assert [s.strftime("%H:%M %Z") for s in slots] == ["01:45 EST", "03:00 EDT", "03:15 EDT", "03:30 EDT"]
    assert set(utc_gaps(slots)) == {timedelta(minutes=15)}


@pytest.mark.parametrize("day,count", [(date(2026, 3, 8), 92), (date(2026, 11, 1), 100), (date(2026, 6, 1), 96)])
def test_every_15_minutes_per_day_follows_the_length_of_the_day(tz, day, count):
    cadence = parse_cadence("every 15 minutes", tz)
    start = datetime.combine(day, time(0), tz) - timedelta(seconds=1)
    slots = cadence.slots(start, datetime.combine(day + timedelta(days=1), time(0), tz) - timedelta(seconds=1))
    assert len(slots) == count
    assert set(utc_gaps(slots)) == {timedelta(minutes=15)}


def test_repeated_hour_in_november_gets_its_own_runs(tz):
    slots = parse_cadence("every 15 minutes", tz).slots(at(2026, 11, 1, 0, 50), at(2026, 11, 1, 2, 0))
    labels = [s.strftime("%H:%M %Z") for s in slots]
    assert labels == [
        "01:00 EDT",
        "01:15 EDT",
        "01:30 EDT",
        "01:45 EDT",
        "01:00 EST",
        "01:15 EST",
        "01:30 EST",
        "01:45 EST",
        "02:00 EST",
    ]


def test_every_2_hours_restarts_at_local_midnight(tz):
    slots = parse_cadence("every 2 hours", tz).slots(at(2026, 11, 1), at(2026, 11, 2, 2))
    assert [s.strftime("%d %H:%M") for s in slots][:3] == ["01 01:00", "01 03:00", "01 05:00"]
    assert [s.strftime("%d %H:%M") for s in slots][-2:] == ["02 00:00", "02 02:00"]


@pytest.mark.parametrize(
    "start,expected_gap",
    [
        (at(2026, 3, 7, 7), timedelta(hours=23)),  # clocks go forward on the night of 7-8 March
        (at(2026, 10, 31, 7), timedelta(hours=25)),  # and back on the night of 31 Oct-1 Nov
        (at(2026, 6, 1, 7), timedelta(hours=24)),
    ],
)
def test_daily_runs_keep_wall_clock_time_across_dst(tz, start, expected_gap):
    following = parse_cadence("every day at 07:00", tz).next_after(start)
    assert (following.hour, following.minute) == (7, 0)
    assert following.astimezone(UTC) - start.astimezone(UTC) == expected_gap


def test_a_time_that_does_not_exist_runs_just_after_the_jump(tz):
    cadence = parse_cadence("every day at 02:30", tz)
    jumped = cadence.next_after(at(2026, 3, 7, 12))
    assert jumped.strftime("%Y-%m-%d %H:%M %Z") == "2026-03-08 03:30 EDT"
    assert cadence.next_after(jumped).strftime("%Y-%m-%d %H:%M %Z") == "2026-03-09 02:30 EDT"


def test_a_time_that_happens_twice_runs_once(tz):
    slots = parse_cadence("every day at 01:30", tz).slots(at(2026, 10, 31, 12), at(2026, 11, 1, 12))
    assert [s.strftime("%H:%M %Z") for s in slots] == ["01:30 EDT"]


@pytest.mark.parametrize(
    "text,start,expected",
    [
        ("every day at 07:00", at(2026, 2, 28, 7), "2026-03-01 07:00"),
        ("every day at 07:00", at(2026, 12, 31, 8), "2027-01-01 07:00"),
        ("every day at 23:30", at(2026, 4, 30, 23, 45), "2026-05-01 23:30"),
        ("every month on day 31 at 07:00", at(2026, 2, 1), "2026-02-28 07:00"),
        ("every month on day 31 at 07:00", at(2026, 3, 31, 8), "2026-04-30 07:00"),
        ("every month on day 30 at 07:00", at(2028, 2, 1), "2028-02-29 07:00"),
        ("every month on the last day at 18:00", at(2026, 12, 31, 19), "2027-01-31 18:00"),
        ("every month on day 1 at 06:00", at(2026, 1, 31, 23), "2026-02-01 06:00"),
        ("weekdays at 08:30", at(2026, 11, 27, 9), "2026-11-30 08:30"),  # Friday -> Monday
        ("business days at 08:30", at(2026, 11, 25, 9), "2026-11-27 08:30"),  # skips Thanksgiving
        ("every monday at 09:00", at(2026, 11, 30, 9), "2026-12-07 09:00"),
        ("mondays and thursdays at 09:00", at(2026, 11, 30, 10), "2026-12-03 09:00"),
        ("every day at 07:00 and 13:00", at(2026, 11, 30, 8), "2026-11-30 13:00"),
        ("weekends at 10:00", at(2026, 11, 27, 11), "2026-11-28 10:00"),
    ],
)
def test_clock_cadences_month_ends_and_weekdays(config, tz, text, start, expected):
    cadence = parse_cadence(text, tz, config.holidays)
    assert cadence.next_after(start).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    "text",
    [
        "sometimes",
        "every 0 minutes",
        "every 25 hours",
        "every day at 25:00",
        "every funday at 09:00",
        "every month on day 32 at 07:00",
        "at 07:00",
    ],
)
def test_cadences_that_cannot_be_understood_say_so(tz, text):
    with pytest.raises(CadenceError):
        parse_cadence(text, tz)


@pytest.mark.parametrize("text", ["on demand", "Manual", "off", ""])
def test_on_demand_means_no_cadence(tz, text):
    assert parse_cadence(text, tz) is None


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    st.sampled_from(
        [
            "every 15 minutes",
            "every 7 minutes",
            "every 3 hours",
            "every day at 07:00",
            "weekdays at 02:30",
            "every month on day 31 at 01:30",
        ]
    ),
)
def test_next_run_is_after_and_nothing_is_due_in_between(moment, text):
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(NY)
    moment = moment.replace(tzinfo=tz)
    cadence = parse_cadence(text, tz)
    following = cadence.next_after(moment)
    assert following > moment
    probe = following - timedelta(seconds=1)
    assert probe <= moment or cadence.next_after(probe) == following


# --------------------------------------------------------------------------------------------- config


def test_unknown_jobs_in_schedule_are_warnings(make_config, tmp_path, caplog):
    cfg = make_config({"quiet": "every 15 minutes", "describe": "every day at 06:30"})
    clock = FakeClock(at(2026, 11, 26, 9))
    with caplog.at_level(logging.WARNING, "sheetsync"):
        result = runner(cfg, clock, tmp_path, max_runs=1).run()
    assert any("describe" in w and "no job named" in w for w in result.warnings)
    assert "describe" in caplog.text
    assert result.outcomes("quiet") == ["ok"]


def test_a_bad_cadence_for_a_real_job_is_a_config_error(make_config, tmp_path):
    with pytest.raises(ConfigError, match="quiet"):
        runner(make_config({"quiet": "now and then"}), FakeClock(at(2026, 11, 26, 9)), tmp_path)


def test_nothing_to_schedule_is_a_config_error(make_config, tmp_path):
    with pytest.raises(ConfigError, match="nothing to"):
        runner(make_config({"describe": "every day at 06:30"}), FakeClock(at(2026, 11, 26, 9)), tmp_path)


# --------------------------------------------------------------------------------- catch-up, overlap


def test_catch_up_runs_once_however_many_runs_were_missed(make_config, tmp_path):
    cfg = make_config({"stamp": "every 15 minutes", "quiet": "every day at 07:00"})
    state = RunState(tmp_path / "state.json", cfg.target)
    state.jobs = {
        "stamp": {"last_success": at(2026, 11, 23, 9).isoformat()},  # 3 days: ~290 missed runs
        "quiet": {"last_success": at(2026, 11, 26, 7).isoformat()},
    }  # nothing missed
    state.save()
    clock, calls = FakeClock(at(2026, 11, 26, 9, 5)), []
    result = runner(cfg, clock, tmp_path, run_fn=fake_run(clock, calls=calls), until=at(2026, 11, 26, 9, 40)).run()
    assert [(a.job, a.reason, a.started.strftime("%H:%M")) for a in result.attempts] == [
        ("stamp", "catch-up", "09:05"),
        ("stamp", "scheduled", "09:15"),
        ("stamp", "scheduled", "09:30"),
    ]
    assert result.stopped_by == "until" and result.exit_code == 0


def test_never_run_jobs_catch_up_and_no_catch_up_waits(make_config, tmp_path):
    cfg = make_config({"quiet": "every day at 07:00"})
    clock = FakeClock(at(2026, 11, 26, 9))
    result = runner(cfg, clock, tmp_path, until=at(2026, 11, 26, 10)).run()
    assert [a.reason for a in result.attempts] == ["catch-up"]
    clock = FakeClock(at(2026, 11, 26, 9))
    result = runner(cfg, clock, tmp_path / "other", catch_up=False, until=at(2026, 11, 27, 7, 1)).run()
    assert [(a.reason, a.started.strftime("%d %H:%M")) for a in result.attempts] == [("scheduled", "27 07:00")]


def test_a_start_while_the_job_still_runs_is_skipped_and_logged(make_config, tmp_path, caplog):
    cfg = make_config({"quiet": "every 15 minutes"})
    clock = FakeClock(at(2026, 11, 26, 9))
    with caplog.at_level(logging.INFO, "sheetsync"):
        result = runner(cfg, clock, tmp_path, run_fn=fake_run(clock, takes={"quiet": 40}), max_runs=2).run()
    assert [a.started.strftime("%H:%M") for a in result.attempts] == ["09:00", "09:45"]
    skipped = [(job, slot.strftime("%H:%M")) for job, slot in result.skipped][:2]
    assert skipped == [("quiet", "09:15"), ("quiet", "09:30")]
    assert "skip quiet at Thu 2026-11-26 09:15 EST: still running" in caplog.text


def test_jobs_due_together_run_one_after_another_in_dependency_order(make_config, tmp_path):
    cfg = make_config({"stamp": "every day at 07:00", "quiet": "every day at 07:00"})
    clock, calls = FakeClock(at(2026, 11, 26, 6, 59)), []
    state = RunState(tmp_path / "state.json", cfg.target)
    state.jobs = {n: {"last_success": at(2026, 11, 26, 6).isoformat()} for n in ("stamp", "quiet")}
    state.save()
    runner(cfg, clock, tmp_path, run_fn=fake_run(clock, takes={"quiet": 3, "stamp": 3}, calls=calls), max_runs=2).run()
    assert [(n, t.strftime("%H:%M")) for n, t in calls] == [("quiet", "07:00"), ("stamp", "07:03")]


# ------------------------------------------------------------------------------------------- back-off


def test_unreachable_workbook_backs_off_then_recovers(make_config, tmp_path, caplog):
    cfg = make_config({"quiet": "every 15 minutes"})
    clock = FakeClock(at(2026, 11, 26, 9))
    errors = [LockHeld("held by a cron run"), TransientError("quota"), OSError("network down"), None]
    with caplog.at_level(logging.INFO, "sheetsync"):
        result = runner(
            cfg, clock, tmp_path, run_fn=fake_run(clock, fail={"quiet": errors}), until=at(2026, 11, 26, 9, 20)
        ).run()
    assert [(a.outcome, a.started.strftime("%H:%M:%S")) for a in result.attempts] == [
        ("unreachable", "09:00:00"),
        ("unreachable", "09:00:30"),
        ("unreachable", "09:01:30"),
        ("ok", "09:03:30"),
        ("ok", "09:15:00"),
    ]
    assert caplog.text.count("workbook unreachable") == 3
    assert "waiting 120s" in caplog.text


def test_back_off_is_capped_and_never_spins(make_config, tmp_path):
    cfg = make_config({"quiet": "every 15 minutes"})
    clock = FakeClock(at(2026, 11, 26, 9))
    result = runner(
        cfg,
        clock,
        tmp_path,
        backoff=(30, 100),
        max_runs=6,
        run_fn=fake_run(clock, fail={"quiet": [LockHeld("held")] * 10}),
    ).run()
    starts = [a.started for a in result.attempts]
    assert [(b - a).total_seconds() for a, b in itertools.pairwise(starts)] == [30, 60, 100, 100, 100]
    assert all(nap > 0 for nap in clock.naps)


# ------------------------------------------------------------------------------------------ isolation


def test_a_job_that_raises_is_logged_with_traceback_and_the_loop_goes_on(make_config, tmp_path, caplog):
    cfg = make_config({"quiet": "every 15 minutes", "stamp": "every hour"})
    clock = FakeClock(at(2026, 11, 26, 9))
    boom = fake_run(clock, fail={"stamp": [RuntimeError("kaboom")] * 5})
    with caplog.at_level(logging.INFO, "sheetsync"):
        result = runner(cfg, clock, tmp_path, run_fn=boom, until=at(2026, 11, 26, 11, 1)).run()
    assert result.outcomes("stamp") == ["failed"] * 3
    assert result.outcomes("quiet") == ["ok"] * 9
    assert "Traceback" in caplog.text and "kaboom" in caplog.text
    saved = saved_jobs(tmp_path / "state.json", cfg)
    assert saved["stamp"]["last_outcome"] == "failed" and "last_success" not in saved["stamp"]
    assert saved["quiet"]["last_outcome"] == "ok"


def test_a_config_mistake_is_one_clear_line_not_a_traceback(make_config, tmp_path, caplog):
    from sheetsync.errors import ConfigError

    cfg = make_config({"quiet": "every 15 minutes", "stamp": "every hour"})
    clock = FakeClock(at(2026, 11, 26, 9))
    wrong = fake_run(clock, fail={"stamp": [ConfigError("sheetsync.toml: [policies.returns] window_days = 'x'")]})
    with caplog.at_level(logging.INFO, "sheetsync"):
        result = runner(cfg, clock, tmp_path, run_fn=wrong, until=at(2026, 11, 26, 9, 1)).run()
    assert result.outcomes("stamp") == ["failed"] and result.outcomes("quiet") == ["ok"]
    assert "window_days" in caplog.text and "Traceback" not in caplog.text


def test_the_same_config_or_credentials_mistake_again_and_again_stops_the_loop_with_exit_2(
    make_config, tmp_path, caplog
):
    from sheetsync.errors import ConfigError

    cfg = make_config({"quiet": "every 15 minutes", "stamp": "every hour"})
    clock = FakeClock(at(2026, 11, 26, 9))
    broken = ConfigError("Google credentials file /srv/google.json is not readable JSON")

    def no_credentials():
        raise broken

    with caplog.at_level(logging.INFO, "sheetsync"):
        result = runner(cfg, clock, tmp_path, backend_factory=no_credentials, until=at(2026, 11, 27, 9)).run()
    assert result.exit_code == 2 and result.stopped_by == "config-error"
    assert len(result.attempts) == 3  # not a day of failed runs
    assert "the same configuration error 3 times in a row" in caplog.text and "google.json" in caplog.text


def test_a_config_mistake_that_is_fixed_meanwhile_does_not_stop_the_loop(make_config, tmp_path):
    from sheetsync.errors import ConfigError

    cfg = make_config({"quiet": "every 15 minutes"})
    clock = FakeClock(at(2026, 11, 26, 9))
    mistake = ConfigError("sheetsync.toml: [policies.returns] window_days = 'x'")
    flaky = fake_run(clock, fail={"quiet": [mistake, mistake, None, mistake]})
    result = runner(cfg, clock, tmp_path, run_fn=flaky, until=at(2026, 11, 26, 11)).run()
    assert result.exit_code == 0 and result.stopped_by == "until"
    assert result.outcomes("quiet")[:4] == ["failed", "failed", "ok", "failed"]


def test_a_failing_job_leaves_the_others_on_schedule_for_a_day(make_config, tmp_path, caplog):
    """Real runs on a memory workbook: every failure is in _Runs and in the log; the writer keeps writing."""
    cfg = make_config({"stamp": "every 15 minutes", "broken": "every hour", "quiet": "every day at 07:00"})
    book = memory_workbook(cfg, {"SKUs": [{"SKU": "RG-001", "Product Name": "Halo ring"}]})
    clock = FakeClock(at(2026, 11, 26, 0, 0))
    with caplog.at_level(logging.INFO, "sheetsync"):
        result = runner(
            cfg, clock, tmp_path, run_fn=sheetsync.run, backend_factory=lambda: book, until=at(2026, 11, 27, 0, 0)
        ).run()
    assert result.outcomes("stamp") == ["ok"] * 96
    assert result.outcomes("broken") == ["failed"] * 24
    assert result.outcomes("quiet") == ["ok", "ok"]  # catch-up at midnight (never ran), then 07:00
    runs = records(book, "_Runs")
    failed = [r for r in runs if r["Job"] == "broken"]
    assert len(failed) == 24 and {r["Status"] for r in failed} == {"failed"}
    assert all("RuntimeError: boom" in r["Message"] for r in failed)
    stamped = [r for r in runs if r["Job"] == "stamp"]
    assert len(stamped) == 96 and all(r["Cells Written"] == 1 and r["Requests"] for r in stamped)
    assert records(book, "SKUs")[0]["Draft Description"] == "seen 2026-11-26 23:45"
    assert caplog.text.count("job broken failed") == 24
    assert caplog.text.count("end broken failed") == 24


# ------------------------------------------------------------------------------------------- stopping


def test_first_signal_finishes_the_running_job_then_stops_cleanly(make_config, tmp_path):
    cfg = make_config({"quiet": "every 15 minutes", "stamp": "every 15 minutes"})
    clock = FakeClock(at(2026, 11, 26, 9))
    holder = {}

    def run_fn(config, jobs, now=None, backend=None):
        holder["runner"].request_stop(signal.SIGTERM)  # arrives mid-job
        return fake_run(clock)(config, jobs, now=now)

    holder["runner"] = run = runner(cfg, clock, tmp_path, run_fn=run_fn)
    result = run.run()
    assert [(a.job, a.outcome) for a in result.attempts] == [("quiet", "ok")]  # stamp, also due, not started
    assert result.stopped_by == "signal" and result.exit_code == 0


def test_second_signal_during_a_save_waits_for_the_save(make_config, tmp_path):
    cfg = make_config({"stamp": "every 15 minutes"})
    book = memory_workbook(cfg, {"SKUs": [{"SKU": "RG-001", "Product Name": "Halo ring"}]})
    clock = FakeClock(at(2026, 11, 26, 9))
    holder = {}
    real_write = book.write

    def write(batch):  # both signals arrive while the batch is being saved
        holder["runner"].request_stop(signal.SIGTERM)
        holder["runner"].request_stop(signal.SIGTERM)
        real_write(batch)
        holder["saved"] = True

    book.write = write
    holder["runner"] = run = runner(cfg, clock, tmp_path, run_fn=sheetsync.run, backend_factory=lambda: book)
    result = run.run()
    assert holder["saved"] and records(book, "SKUs")[0]["Draft Description"] == "seen 2026-11-26 09:00"
    assert result.stopped_by == "hard-stop" and result.exit_code == 128 + signal.SIGTERM
    assert result.attempts[0].outcome == "interrupted"


def test_a_second_signal_while_the_start_line_is_logged_still_ends_the_run_as_interrupted(
    make_config, tmp_path, caplog
):
    cfg = make_config({"quiet": "every 15 minutes"})
    clock = FakeClock(at(2026, 11, 26, 9))
    run = runner(cfg, clock, tmp_path)
    events = []

    class SignalsDuringStartLine(logging.Handler):
        """Both signals arrive while the run's start line is written (signal handlers run anywhere)."""

        def emit(self, record):
            event = getattr(record, "sheetsync_event", {})
            events.append(event.get("event"))
            if event.get("event") == "start" and events.count("start") == 1:
                run.request_stop(signal.SIGTERM)
                run.request_stop(signal.SIGTERM)  # raises HardStop, as the second signal's handler does

    handler = SignalsDuringStartLine()
    logger = logging.getLogger("sheetsync")
    with caplog.at_level(logging.INFO, "sheetsync"):
        logger.addHandler(handler)
        try:
            result = run.run()
        finally:
            logger.removeHandler(handler)
    assert result.stopped_by == "hard-stop" and result.exit_code == 128 + signal.SIGTERM
    assert events.count("start") == 1
    assert [a.outcome for a in result.attempts] == ["interrupted"]
    assert events.count("end") == 1  # every start line has its end line
    saved = saved_jobs(tmp_path / "state.json", cfg)
    assert saved["quiet"]["last_outcome"] == "interrupted"


def test_second_signal_outside_a_save_stops_at_once(make_config, tmp_path):
    cfg = make_config({"quiet": "every 15 minutes"})
    run = runner(cfg, FakeClock(at(2026, 11, 26, 9)), tmp_path)
    run.request_stop(signal.SIGINT)
    with pytest.raises(HardStop):
        run.request_stop(signal.SIGINT)


# ----------------------------------------------------------------------------------- logs and state


def test_json_log_has_one_object_per_line_with_counts(make_config, tmp_path):
    cfg = make_config({"stamp": "every 15 minutes"})
    book = memory_workbook(cfg, {"SKUs": [{"SKU": "RG-001", "Product Name": "Halo ring"}]})
    clock, stream = FakeClock(at(2026, 11, 26, 9)), io.StringIO()
    sheetsync.schedule(
        cfg,
        max_runs=2,
        log_format="json",
        stream=stream,
        clock=clock,
        sleep=clock.sleep,
        backend_factory=lambda: book,
        state_path=tmp_path / "s.json",
        handle_signals=False,
    )
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    ends = [e for e in events if e["event"] == "end"]
    assert [(e["job"], e["outcome"], e["cells"]) for e in ends] == [("stamp", "ok", 1), ("stamp", "ok", 1)]
    assert ends[0]["time"] == "2026-11-26T09:00:00-05:00" and ends[0]["requests"] >= 3
    assert [e["event"] for e in events].count("start") == 2 and events[-1]["event"] == "stop"


def test_plain_log_lines(make_config, tmp_path):
    cfg = make_config({"quiet": "every 15 minutes"})
    clock, stream = FakeClock(at(2026, 11, 26, 9)), io.StringIO()
    sheetsync.schedule(
        cfg,
        max_runs=1,
        log_format="plain",
        stream=stream,
        clock=clock,
        sleep=clock.sleep,
        run_fn=fake_run(clock),
        state_path=tmp_path / "s.json",
        handle_signals=False,
    )
    lines = stream.getvalue().splitlines()
    assert lines[1].startswith("2026-11-26T09:00:00-05:00 INFO start quiet (catch-up")
    assert lines[2].startswith("2026-11-26T09:00:00-05:00 INFO end quiet ok in ")


def test_a_damaged_state_file_is_a_warning(make_config, tmp_path):
    (tmp_path / "state.json").write_text("{not json")
    cfg = make_config({"quiet": "every 15 minutes"})
    result = runner(cfg, FakeClock(at(2026, 11, 26, 9)), tmp_path, max_runs=1).run()
    assert any("cannot read the run state" in w for w in result.warnings)
    assert saved_jobs(tmp_path / "state.json", cfg)["quiet"]["last_outcome"] == "ok"


def test_state_is_kept_per_workbook_target(make_config, tmp_path):
    real = make_config({"quiet": "every 15 minutes"})
    copy = dataclasses.replace(real, target="memory:copy")
    runner(real, FakeClock(at(2026, 11, 26, 9)), tmp_path, max_runs=1).run()
    runner(copy, FakeClock(at(2026, 11, 26, 12)), tmp_path, max_runs=1).run()  # same state file, other workbook
    assert saved_jobs(tmp_path / "state.json", real)["quiet"]["last_start"].startswith("2026-11-26T09:00")
    assert saved_jobs(tmp_path / "state.json", copy)["quiet"]["last_start"].startswith("2026-11-26T12:00")
    result = RunResult(run_id="cron", started=at(2026, 11, 26, 13), ended=at(2026, 11, 26, 13))
    result.outcomes["quiet"] = JobOutcome("quiet", "ok")
    sheetsync.scheduling.scheduler.record_run(copy, result, tmp_path / "state.json")
    statuses, _ = job_status(real, state_path=tmp_path / "state.json", now=at(2026, 11, 26, 14))
    assert next(s for s in statuses if s.name == "quiet").last_run == at(2026, 11, 26, 9)


def test_a_version_1_state_file_is_read_as_the_loading_targets(make_config, tmp_path):
    cfg = make_config({"quiet": "every day at 07:00"})
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 1, "jobs": {"quiet": {"last_success": at(2026, 11, 26, 7).isoformat()}}}))
    assert RunState.load(path, cfg.target).last_success("quiet") == at(2026, 11, 26, 7)


def test_job_status_shows_cadence_last_run_and_next_run(make_config, tmp_path):
    cfg = make_config({"quiet": "weekdays at 08:30", "stamp": "every 15 minutes", "todo": "every day at 07:00"})
    state = RunState(tmp_path / "state.json", cfg.target)
    state.jobs = {
        "quiet": {
            "last_start": at(2026, 11, 27, 8, 30).isoformat(),
            "last_outcome": "ok",
            "last_success": at(2026, 11, 27, 8, 30).isoformat(),
        }
    }
    state.save()
    statuses, warnings = job_status(cfg, state_path=tmp_path / "state.json", now=at(2026, 11, 28, 12))
    by = {s.name: s for s in statuses}
    assert by["quiet"].outcome == "ok" and not by["quiet"].catch_up
    assert by["quiet"].next_run == at(2026, 11, 30, 8, 30)
    assert by["stamp"].catch_up and by["broken"].cadence == "on demand" and by["broken"].next_run is None
    assert any("todo" in w for w in warnings)


def test_jobs_command_lists_cadence_last_run_outcome_and_next(make_config, tmp_path, monkeypatch):
    from sheetsync import cli

    cfg = make_config({"quiet": "weekdays at 08:30"})
    state = RunState(tmp_path / "state.json", cfg.target)
    state.jobs = {
        "quiet": {
            "last_start": at(2026, 11, 27, 8, 30).isoformat(),
            "last_outcome": "failed",
            "last_success": at(2026, 11, 26, 8, 30).isoformat(),
        }
    }
    state.save()
    monkeypatch.setattr(cli.State, "config", property(lambda self: cfg))
    out = CliRunner().invoke(cli.main, ["jobs", "--state", str(tmp_path / "state.json")])
    assert out.exit_code == 0, out.output
    line = next(line for line in out.output.splitlines() if line.startswith("quiet"))
    assert "weekdays at 08:30" in line and "last Fri 2026-11-27 08:30 EST failed" in line and "next" in line


def test_parse_until(config):
    base = at(2026, 11, 26, 9)
    assert parse_until("90s", config, base) == base + timedelta(seconds=90)
    assert parse_until("2h", config, base) == base + timedelta(hours=2)
    assert parse_until("2026-11-26T18:00", config) == at(2026, 11, 26, 18)
    with pytest.raises(ConfigError):
        parse_until("later", config)
