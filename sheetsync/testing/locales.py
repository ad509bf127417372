"""The few per-locale conventions the emulator honours: separators, date order, currency symbol."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Locale:
    """How a spreadsheet locale writes numbers and dates (Google follows CLDR; these are its values)."""

    decimal: str = "."
    group: str = ","
    date_order: str = "MDY"  # how a typed 3/4/2026 is read
    currency: str = "$"
    date_pattern: str = "M/d/yyyy"  # DATE format with no pattern
    time_pattern: str = "h:mm:ss am/pm"


_LOCALES = {
    "en_US": Locale(),
    "en_GB": Locale(date_order="DMY", currency="£", date_pattern="dd/MM/yyyy", time_pattern="HH:mm:ss"),
    "en_AU": Locale(date_order="DMY", date_pattern="dd/MM/yyyy"),
    "en_CA": Locale(date_order="YMD", date_pattern="yyyy-MM-dd"),
    "de_DE": Locale(",", ".", "DMY", "€", "dd.MM.yyyy", "HH:mm:ss"),
    "fr_FR": Locale(",", "\u202f", "DMY", "€", "dd/MM/yyyy", "HH:mm:ss"),
    "es_ES": Locale(",", ".", "DMY", "€", "d/M/yyyy", "H:mm:ss"),
    "it_IT": Locale(",", ".", "DMY", "€", "d/M/yyyy", "H.mm.ss"),
    "nl_NL": Locale(",", ".", "DMY", "€", "d-M-yyyy", "HH:mm:ss"),
    "pt_BR": Locale(",", ".", "DMY", "R$", "dd/MM/yyyy", "HH:mm:ss"),
    "ja_JP": Locale(date_order="YMD", currency="¥", date_pattern="yyyy/MM/dd", time_pattern="H:mm:ss"),
}


def locale(name: str | None) -> Locale:
    """The conventions for a spreadsheet locale; an unlisted one falls back on its language, then en_US."""
    if name in _LOCALES:
        return _LOCALES[name]
    language = (name or "").partition("_")[0]
    return next((v for k, v in _LOCALES.items() if k.startswith(language + "_")), _LOCALES["en_US"])
