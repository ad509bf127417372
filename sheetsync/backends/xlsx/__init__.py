"""The local .xlsx workbook backend (openpyxl): atomic saves, cell notes, layouts and charts."""

from .backend import XlsxBackend

__all__ = ["XlsxBackend"]
