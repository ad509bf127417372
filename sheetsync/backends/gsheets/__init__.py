"""The Google Sheets backend (gspread's HTTP client, Sheets API v4): batched reads and writes, lease, retries."""

from .backend import GoogleSheetsBackend

__all__ = ["GoogleSheetsBackend"]
