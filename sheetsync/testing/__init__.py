"""Test helpers for sheetsync: a local Google Sheets API v4 emulator (like click.testing)."""

from .emulator import HookEvent, RequestRecord, SheetsEmulator, serve

__all__ = ["HookEvent", "RequestRecord", "SheetsEmulator", "serve"]
