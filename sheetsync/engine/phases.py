"""The phases of a run, told to whoever shows progress (the CLI's bar on a terminal): read, parse, each job,
plan, guard, write. The engine only calls the listener it is given; it never prints."""

from __future__ import annotations

from collections.abc import Callable

OnPhase = Callable[[str, int, int], None]  # (phase now starting, phases done, phases in all)


class Phases:
    """Counts a run's phases and tells `listener` as each one starts."""

    def __init__(self, listener: OnPhase | None, total: int):
        self.listener, self.total, self.done = listener, total, 0

    def start(self, name: str) -> None:
        if self.listener is not None:
            self.listener(name, self.done, self.total)
        self.done += 1

    def finish(self) -> None:
        if self.listener is not None:
            self.listener("done", self.total, self.total)
