"""Bounded, jittered retries for HTTP calls to Google (429, 5xx, dropped connections, timeouts).

gspread's own BackOffHTTPClient retries forever, ignores Retry-After and misses HTML 5xx pages
and connection errors, so sheetsync wraps each request itself. Settings come from the config's
`[policies.google]` table (see RetryPolicy.from_settings).
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests
import tenacity

log = logging.getLogger("sheetsync.google")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one request: attempts, waits (seconds) and the per-request timeout."""

    attempts: int = 6  # tries in all, the first included
    initial_wait: float = 1.0  # first backoff; doubles each retry (with full jitter)
    max_wait: float = 32.0  # cap on one wait, Retry-After included
    max_total_wait: float = 120.0  # cap on the time spent waiting for one request
    timeout: float = 60.0  # seconds to connect / to wait for each read from the server

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None, source: str = "the config") -> RetryPolicy:
        """From `[policies.google]`: attempts, initial_wait, max_wait, max_total_wait, timeout."""
        from ...errors import ConfigError

        chosen: dict[str, Any] = {}
        for f in fields(cls):
            value = (settings or {}).get(f.name)
            if value is None:
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or (f.name == "attempts" and not isinstance(value, int))
            ):
                kind = "a whole number" if f.name == "attempts" else "a number of seconds"
                raise ConfigError(f"{source}: [policies.google] {f.name} = {value!r} must be {kind}")
            chosen[f.name] = value
        policy = cls(**chosen)
        for name, bad in (
            ("attempts", policy.attempts < 1),
            ("initial_wait", policy.initial_wait < 0),
            ("max_wait", policy.max_wait < 0),
            ("max_total_wait", policy.max_total_wait < 0),
            ("timeout", policy.timeout <= 0),
        ):
            if bad:
                raise ConfigError(
                    f"{source}: [policies.google] {name} = {getattr(policy, name)!r} is impossible "
                    "(attempts at least 1, waits 0 or more, timeout above 0)"
                )
        return policy


class RetryableStatus(Exception):
    """A response worth trying again (quota, server error), with the server's Retry-After if it sent one."""

    def __init__(self, response: requests.Response):
        self.response = response
        self.status = response.status_code
        self.retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        super().__init__(f"HTTP {self.status}: {summary(response)}")


class Exhausted(Exception):
    """Every attempt failed (or waiting longer would pass the budget); `last` is the final failure."""

    def __init__(self, last: BaseException, attempts: int, waited: float):
        self.last, self.attempts, self.waited = last, attempts, waited
        super().__init__(f"gave up after {attempts} attempt(s) and {waited:.1f} s of waiting: {describe(last)}")


@dataclass
class Attempts:
    """What happened while retrying one call: whether an earlier try may have reached the server."""

    count: int = 0
    ambiguous: bool = False  # a try timed out or lost its answer after the request went out


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def summary(response: requests.Response) -> str:
    """A short human reading of an error response: Google's JSON message, or the HTML page's title."""
    try:
        error = response.json().get("error", {})
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    except ValueError:
        pass
    text = response.text or ""
    lower = text.lower()
    if "<title>" in lower:
        start = lower.index("<title>") + 7
        end = lower.find("</title>", start)
        return " ".join(text[start : end if end > 0 else start + 120].split())
    return " ".join(text.split())[:200] or response.reason or "no details"


def describe(error: BaseException) -> str:
    if isinstance(error, RetryableStatus):
        return str(error)
    if isinstance(error, requests.Timeout):
        return "the request timed out"
    if isinstance(error, requests.ConnectionError):
        return "the connection failed or was dropped"
    return f"{type(error).__name__}: {error}"


def is_retryable(error: BaseException) -> bool:
    return isinstance(
        error, (RetryableStatus, requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
    )


def _may_have_arrived(error: BaseException) -> bool:
    """A read timeout or a lost answer: the server may have applied the request."""
    if isinstance(error, requests.ConnectTimeout):
        return False
    return isinstance(error, (requests.ReadTimeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError))


def call_with_retries(
    fn: Callable[[], T],
    policy: RetryPolicy,
    what: str,
    attempts: Attempts | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run fn() until it succeeds, retrying what is worth retrying within the policy's budget.

    fn raises RetryableStatus for 429/5xx answers; connection errors and timeouts come from requests.
    Raises Exhausted when the budget runs out; other errors pass straight through.
    """
    attempts = attempts if attempts is not None else Attempts()
    budget = _RetryBudget(policy, what)
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_retryable),
        wait=budget.wait,
        stop=budget.stop,
        before_sleep=budget.before_sleep,
        sleep=sleep,
        reraise=False,
    )
    try:
        return retrying(_counted(fn, attempts))
    except tenacity.RetryError as ex:
        last = ex.last_attempt.exception() or ex
        raise Exhausted(last, attempts.count, budget.waited) from last


class _RetryBudget:
    """tenacity's wait, stop and before_sleep hooks for one call, sharing the time waited so far."""

    def __init__(self, policy: RetryPolicy, what: str):
        self.policy, self.what = policy, what
        self.waited = 0.0
        self._backoff = tenacity.wait_random_exponential(multiplier=policy.initial_wait, max=policy.max_wait)

    def wait(self, state: tenacity.RetryCallState) -> float:
        error = _last_error(state)
        delay = self._backoff(state)
        if isinstance(error, RetryableStatus) and error.retry_after is not None:
            delay = error.retry_after  # the server said when; jitter would only make it earlier or later
        return min(delay, self.policy.max_wait)

    def stop(self, state: tenacity.RetryCallState) -> bool:
        if state.attempt_number >= self.policy.attempts:
            return True
        error = _last_error(state)
        if (
            isinstance(error, RetryableStatus)
            and error.retry_after is not None
            and error.retry_after > self.policy.max_wait
        ):
            return True  # told to come back later than we are willing to wait
        return self.waited + state.upcoming_sleep > self.policy.max_total_wait + 1e-9

    def before_sleep(self, state: tenacity.RetryCallState) -> None:
        error = _last_error(state)
        delay = state.next_action.sleep if state.next_action else 0.0
        self.waited += delay
        log.warning(
            "%s: %s; retry %d of %d in %.2f s",
            self.what,
            describe(error) if error else "failed",
            state.attempt_number,
            self.policy.attempts - 1,
            delay,
        )


def _last_error(state: tenacity.RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome else None


def _counted(fn: Callable[[], T], attempts: Attempts) -> Callable[[], T]:
    """fn, counting each try in `attempts` and noting one that may have reached the server."""

    def attempt() -> T:
        attempts.count += 1
        try:
            return fn()
        except BaseException as error:
            if _may_have_arrived(error):
                attempts.ambiguous = True
            raise

    return attempt
