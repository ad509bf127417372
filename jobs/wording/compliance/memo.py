"""A memo of copy checks: the same words for a piece with the same specs give the same findings.

Most checks repeat: an Etsy tag such as "14k yellow gold" is checked for every candidate of every SKU.
The memo remembers which specs a check actually read, so a result is reused only for a piece whose specs
agree on those, whatever rules later read more fields.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import Any

MAX_ENTRIES = 50_000  # a run of 10,000 SKUs checks fewer distinct texts than this


class ReadSpecs(Mapping[str, Any]):
    """The specs, noting each header a check reads."""

    def __init__(self, specs: Mapping[str, Any]):
        self.specs = specs
        self.read: dict[str, Any] = {}

    def __getitem__(self, header: str) -> Any:
        value = self.specs[header]
        self.read[header] = value
        return value

    def get(self, header: str, default: Any = None) -> Any:
        value = self.specs.get(header, default)
        self.read[header] = value
        return value

    def __iter__(self) -> Iterator[str]:
        for header in self.specs:
            self.read[header] = self.specs[header]
            yield header

    def __len__(self) -> int:
        return len(self.specs)


def remembered(memo: dict, key: Hashable, specs: Mapping[str, Any], check: Callable[[Mapping[str, Any]], Any]) -> Any:
    """check(specs), or the result of an earlier check under `key` that read the same values of `specs`.

    Entries are grouped by the headers a check read (one or a few sets per text), then looked up by
    those headers' values, so a lookup costs the same however many pieces were checked before.
    """
    by_headers = memo.setdefault(key, {})
    for headers, results in by_headers.items():
        values = _values(specs, headers)
        found = results.get(values) if values is not None else None
        if found is not None:
            return found[0]
    tracked = ReadSpecs(specs)
    result = check(tracked)
    headers = tuple(sorted(tracked.read))
    values = _values(specs, headers)
    if values is not None and len(memo) < MAX_ENTRIES:
        by_headers.setdefault(headers, {})[values] = (result,)
    return result


def _values(specs: Mapping[str, Any], headers: tuple[str, ...]) -> tuple | None:
    """The values as a key, typed (1 and True, or 1 and Decimal(1), are not the same spec); None: unhashable."""
    values = tuple((type(v), v) for v in (specs.get(h) for h in headers))
    try:
        hash(values)
    except TypeError:
        return None
    return values
