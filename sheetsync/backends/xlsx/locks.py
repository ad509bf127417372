"""Who else holds an .xlsx: sheetsync's own run lock, and the lock files Excel and LibreOffice keep beside it.

A desktop app that has the workbook open saves its own copy later, over whatever a run wrote (or fails
to), so a run never writes under one: it reads, says who holds the file and waits for the next run.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import filelock

from ...errors import LockHeld, WorkbookInUse


def desktop_locks(path: Path) -> list[Path]:
    """The lock files beside `path` that say Excel or LibreOffice has it open."""
    name = path.name
    candidates = [
        path.with_name(f".~lock.{name}#"),  # LibreOffice (and OpenOffice)
        path.with_name(f"~${name}"),  # Excel
        path.with_name(f"~${name[2:]}"),  # Excel and Word shorten long names by their first characters
        path.with_name(f"~${name[1:]}"),
    ]
    return [p for p in dict.fromkeys(candidates) if p.is_file()]


def holder(lock: Path) -> str:
    """Who a desktop lock file names ("Jane Doe on studio-mac"), or "someone" when it cannot be read."""
    try:
        data = lock.read_bytes()[:4096]
    except OSError:
        return "someone"
    if lock.name.startswith(".~lock."):
        # LibreOffice (svl lockfilecommon): "office user name,system user name,host,edit time,profile URL;"
        fields = [f.strip() for f in data.decode("utf-8", "replace").split(",")] + ["", "", ""]
        who, host = fields[0] or fields[1], fields[2]
        return f"{who or 'someone'}{f' on {host}' if host else ''}"
    if data:  # Excel: a length byte, then the user's name in the system code page
        size = data[0]
        who = data[1 : 1 + size].decode("latin-1", "replace").strip()
        return who or "someone"
    return "someone"


def refuse_if_open_elsewhere(path: Path) -> None:
    """Raise WorkbookInUse, naming who has it open, when a desktop app holds the workbook."""
    locks = desktop_locks(path)
    if not locks:
        return
    app = "LibreOffice" if locks[0].name.startswith(".~lock.") else "Excel"
    raise WorkbookInUse(
        f"{path.name} is open in {app} by {holder(locks[0])} ({locks[0].name} is beside it), so nothing was "
        f"written: saving now would be lost at their next save. Close it there and run again; if nobody has it "
        f"open, delete {locks[0].name}"
    )


class RunLock:
    """The lock one sheetsync run holds on a workbook, as a file beside it that is removed when the run ends."""

    def __init__(self, path: Path):
        self.file = path.with_name(f".~{path.name}.sheetsync.lock")

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        lock = filelock.FileLock(str(self.file))
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout as ex:
            raise LockHeld(
                f"{self.file.name.removeprefix('.~').removesuffix('.sheetsync.lock')} is in use by another "
                f"sheetsync run (lock file {self.file}); try again when it finishes"
            ) from ex
        try:
            if not self._still_ours(lock):  # the file was removed by the run before us between open and lock
                raise LockHeld(f"{self.file} changed while taking it; try again")
            yield
        finally:
            # Remove the file while still holding it, so no other run can hold a lock on a removed file.
            with contextlib.suppress(OSError):
                os.unlink(self.file)
            lock.release()

    def _still_ours(self, lock: filelock.BaseFileLock) -> bool:
        fd = getattr(getattr(lock, "_context", None), "lock_file_fd", None)
        if fd is None:
            return True  # a platform where an open lock file cannot be removed (Windows): no such race
        try:
            return os.fstat(fd).st_ino == os.stat(self.file).st_ino
        except OSError:
            return False
