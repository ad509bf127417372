"""A progress display for runs that take a while: the phase, a bar and the time, on a terminal only."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from ..engine.phases import OnPhase

SHOW_AFTER = 2.0  # seconds: a quick run shows nothing, so its output is not drawn over


@contextlib.contextmanager
def phase_display(enabled: bool = True, stream: TextIO | None = None) -> Iterator[OnPhase | None]:
    """An on_phase listener that draws a transient progress bar on `stream` (stderr) once a run passes
    SHOW_AFTER seconds; None when the stream is not a terminal (cron, pipes, CI) or the display is off."""
    stream = stream or sys.stderr
    if not enabled or not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<20}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(file=stream),
        transient=True,  # gone when the run ends: the run's own report follows
    )
    task = progress.add_task("starting", total=1)
    lock, ended = threading.Lock(), threading.Event()

    def show() -> None:
        with lock:
            if not ended.is_set():
                progress.start()

    timer = threading.Timer(SHOW_AFTER, show)
    timer.daemon = True
    timer.start()

    def on_phase(phase: str, done: int, total: int) -> None:
        progress.update(task, description=phase, completed=done, total=total)

    try:
        yield on_phase
    finally:
        timer.cancel()
        with lock:
            ended.set()
            progress.stop()
