"""One base exception for everything sheetsync raises on purpose; vendor errors are translated at the edge."""

from __future__ import annotations


class SheetSyncError(Exception):
    """Base of every error sheetsync raises for a person to read (no traceback needed)."""

    exit_code = 1


class ConfigError(SheetSyncError):
    """The config or a schema file is wrong; the message names file and key."""

    exit_code = 2


class UsageError(SheetSyncError):
    """A command was called with arguments that cannot work."""

    exit_code = 2


class WorkbookError(SheetSyncError):
    """The workbook cannot be opened, read or written."""


class WorkbookNotFound(WorkbookError):
    """The target names a workbook that does not exist."""

    exit_code = 2


class WorkbookChanged(WorkbookError):
    """Someone saved the workbook since it was read; saving now would lose their edit."""


class LockHeld(WorkbookError):
    """Another sheetsync run holds the workbook."""


class WorkbookInUse(WorkbookError):
    """A person has the workbook open in a desktop app (Excel, LibreOffice): writing now would be lost."""


class TransientError(WorkbookError):
    """The backend could not be reached for now (network, quota); a later try may work."""


class OwnershipError(SheetSyncError):
    """A job tried to write a column it does not own: a programming error in the job."""


class JobError(SheetSyncError):
    """A job is broken (failed to import, raised, or returned something else than a ChangeSet)."""
