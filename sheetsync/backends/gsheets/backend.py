"""Google Sheets workbook (`gsheets:<key or URL>`) on gspread's HTTP layer and google-auth.

A run costs at most six requests whatever the row count: one metadata read (tab ids, grid sizes,
column widths, charts and the layout digests below, no per-cell data), one values:batchGet of every
tab but the audit tabs (UNFORMATTED_VALUE + SERIAL_NUMBER), and only when there is something to
write: the lease row in _Meta (the lease module), one guard re-read, one spreadsheets:batchUpdate
(new tabs, notes, formats, charts, grid growth) and one values:batchUpdate with RAW input (split
only past Google's ~2 MB payload guidance, one more request per chunk), which also lets go of the
lease. Never values:append: appended rows go to explicit ranges, so a retried write lands in the
same place.

Traffic follows what changed. Notes are not read with the metadata: the engine keeps a digest of
its notes in _Meta and the guard reads notes on the rows it reconsiders. The guard re-read (a
spreadsheets.get of values, notes and fills, still one request) covers, per tab, the header row,
the key column and the rows the run writes (GuardScope), and of _Log and _Runs only their first
data row and last rows; the engine re-reads a tab whole when a person moved a row it writes. A
whole tab rendered with the same formats as last time (a digest per tab in the spreadsheet's
developer metadata) sends only its changed rows.

Credentials: a service account or authorized-user JSON file named by `[policies.google]
credentials` or GOOGLE_APPLICATION_CREDENTIALS; scope spreadsheets only; the spreadsheet is opened
by key, so normal runs make no Drive calls. With SHEETSYNC_SHEETS_ENDPOINT set (an emulator such
as `sheetsync emulator`), every call goes there and no credentials are needed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from ...errors import ConfigError, LockHeld, TransientError, WorkbookError, WorkbookNotFound
from ...model.a1 import column_letter, quote_sheet_name, sheet_ref, split_ref
from ...model.grid import SheetView, TabData, trim
from ...model.layout import NOTE_PREFIX
from ...model.system import META
from ..base import LEASE_SECONDS, Backend, GuardScope, WriteBatch
from .lease import Lease, check_free, claim_ranges, confirm, release_ranges
from .render import GROW_HEADROOM, LAYOUT_KEY, PIXELS_PER_CHAR, Renderer, SheetInfo, grid_range, hex_of, row_runs
from .retry import RETRY_STATUSES, Attempts, Exhausted, RetryableStatus, RetryPolicy, call_with_retries, summary

log = logging.getLogger("sheetsync.google")
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
ENDPOINT_ENV = "SHEETSYNC_SHEETS_ENDPOINT"
SHEETS_URL = "https://sheets.googleapis.com/v4/spreadsheets"
GOOGLE_PREFIXES = ("https://sheets.googleapis.com", "https://www.googleapis.com")
MAX_PAYLOAD = 1_800_000  # bytes per values:batchUpdate; Google advises staying under ~2 MB
_KEY_RE = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_METADATA_FIELDS = (
    "sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount,frozenRowCount,"
    "frozenColumnCount)),charts(chartId),data(columnMetadata(pixelSize,hiddenByUser))),"
    "developerMetadata(metadataKey,metadataValue)"
)
_GUARD_FIELDS = (
    "sheets(properties(sheetId,title,hidden,gridProperties(rowCount,columnCount)),charts(chartId),"
    "data(startRow,startColumn,rowData(values(effectiveValue,note,userEnteredFormat(backgroundColor)))))"
)
TAIL_ROWS = GROW_HEADROOM + 10  # rows an audit tab's end is looked for in: its grid grows 50 rows past its last row
WHOLE_TAIL = 1000  # an audit tab with a grid no taller than this (a new tab's): its column A is read whole
_ERROR_TEXT = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "Loading...",
}


def spreadsheet_key(target: str) -> str:
    """The key in `gsheets:<key>` or `gsheets:https://docs.google.com/spreadsheets/d/<key>/edit`."""
    text = target.partition(":")[2].strip() if target.startswith("gsheets:") else target.strip()
    match = _KEY_RE.search(text)
    key = match.group(1) if match else text
    if not re.fullmatch(r"[A-Za-z0-9_-]{3,}", key):
        raise ConfigError(f"{target!r} does not name a Google spreadsheet: use gsheets:<key> or gsheets:<URL>")
    return key


class EndpointSession(requests.Session):
    """A session that sends Google's Sheets and Drive URLs to another endpoint (an emulator)."""

    def __init__(self, endpoint: str):
        super().__init__()
        self.endpoint = endpoint.rstrip("/")

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(url, str):
            for prefix in GOOGLE_PREFIXES:
                if url.startswith(prefix):
                    url = self.endpoint + url[len(prefix) :]
                    break
        return super().request(method, url, *args, **kwargs)


def credentials_session(settings: Mapping[str, Any], root: Path | None = None) -> requests.Session:
    """An authorized session from a service-account or authorized-user JSON file."""
    from google.auth.transport.requests import AuthorizedSession

    name = settings.get("credentials") or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if not name:
        raise ConfigError(
            "no Google credentials: set GOOGLE_APPLICATION_CREDENTIALS to a service-account "
            "(or authorized-user) JSON file, or [policies.google] credentials in the config"
        )
    path = Path(str(name)).expanduser()
    if not path.is_absolute() and root is not None:
        path = root / path
    _warn_if_shared(path)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as ex:
        raise ConfigError(f"Google credentials file {path} not found") from ex
    except (OSError, ValueError) as ex:
        raise ConfigError(f"Google credentials file {path} is not readable JSON ({ex})") from ex
    try:
        if info.get("type") == "service_account":
            from google.oauth2 import service_account

            creds = service_account.Credentials.from_service_account_info(info, scopes=list(SCOPES))
        elif info.get("type") == "authorized_user":
            from google.oauth2.credentials import Credentials

            creds = Credentials.from_authorized_user_info(info, scopes=list(SCOPES))
        else:
            raise ConfigError(
                f"Google credentials file {path}: type {info.get('type')!r} is not service_account or authorized_user"
            )
    except ValueError as ex:
        raise ConfigError(f"Google credentials file {path} is incomplete ({ex})") from ex
    return AuthorizedSession(creds)


def _warn_if_shared(path: Path) -> None:
    """A credentials file others on the machine can read is a key anyone there can use: say so, once."""
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return  # the read below says what is wrong with the file
    if os.name == "posix" and mode & 0o077:
        _warn_once(str(path), mode)


@functools.cache
def _warn_once(path: str, mode: int) -> None:
    log.warning(
        "Google credentials file %s can be read by other users of this machine (mode %s): "
        "anyone who reads it can edit your spreadsheets. Run `chmod 600 %s`.",
        path,
        oct(mode)[2:],
        path,
    )


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP layer with sheetsync's bounded retries and a default timeout on every request."""

    def __init__(self, session: requests.Session, policy: RetryPolicy):
        self.session = session
        self.policy = policy
        self.timeout = (policy.timeout, policy.timeout)
        self.last_attempts = Attempts()

    def request(
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        files: Any = None,
        headers: Any = None,
    ) -> requests.Response:
        attempts = self.last_attempts = Attempts()

        def once() -> requests.Response:
            response = self.session.request(
                method=method,
                url=endpoint,
                json=json,
                params=params,
                data=data,
                files=files,
                headers=headers,
                timeout=self.timeout,
            )
            if response.ok:
                return response
            if response.status_code in RETRY_STATUSES:
                raise RetryableStatus(response)
            raise APIError(response)

        return call_with_retries(once, self.policy, f"{method.upper()} {_short(endpoint)}", attempts)


def _short(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url).split("?")[0]


class GoogleSheetsBackend(Backend):
    """One Google spreadsheet, opened by key."""

    def __init__(
        self,
        target: str,
        settings: Mapping[str, Any] | None = None,
        root: Path | None = None,
        session: requests.Session | None = None,
        source: str = "the config",
    ):
        self.target = target if target.startswith("gsheets:") else f"gsheets:{target}"
        self.key = spreadsheet_key(self.target)
        self.settings = dict(settings or {})
        self.policy = RetryPolicy.from_settings(self.settings, source)
        self.requests = 0
        self._root = root
        self._session = session
        self._http: RetryingHTTPClient | None = None
        self._sheets: dict[str, SheetInfo] = {}
        self._values: dict[str, list[list[Any]]] = {}
        self._lease: Lease | None = None

    @property
    def http(self) -> RetryingHTTPClient:
        if self._http is None:
            session = self._session
            if session is None:
                endpoint = os.environ.get(ENDPOINT_ENV) or self.settings.get("endpoint")
                session = EndpointSession(str(endpoint)) if endpoint else credentials_session(self.settings, self._root)
            self._http = RetryingHTTPClient(session, self.policy)
        return self._http

    # -- the edge: every call goes through here -------------------------------------------
    def _call(self, what: str, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        self.requests += 1
        try:
            response = self.http.request(method, url, **kwargs)
        except Exhausted as ex:
            raise TransientError(
                f"{self.target}: Google Sheets did not answer the {what} ({ex}); try again later"
            ) from ex
        except APIError as ex:
            raise self._translate(ex, what) from ex
        except requests.RequestException as ex:
            raise TransientError(f"{self.target}: the {what} failed ({type(ex).__name__}: {ex})") from ex
        try:
            return response.json() if response.content else {}
        except ValueError as ex:
            raise WorkbookError(
                f"{self.target}: Google answered the {what} with something that is not JSON ({summary(response)})"
            ) from ex

    def _translate(self, ex: APIError, what: str) -> WorkbookError:
        status = ex.response.status_code
        message = summary(ex.response)
        if status == 404:
            return WorkbookNotFound(
                f"{self.target}: no spreadsheet with key {self.key} ({message}); check the key or URL"
            )
        if status == 403:
            return WorkbookNotFound(
                f"{self.target}: not allowed to open this spreadsheet ({message}); share it "
                "with the service account's email as an editor"
            )
        if status == 401:
            return WorkbookError(
                f"{self.target}: Google refused the credentials ({message}); check the credentials file"
            )
        return WorkbookError(f"{self.target}: Google refused the {what} (HTTP {status}: {message})")

    # -- the lease: a row in _Meta, so cron runs, schedule loops and other machines take turns ------
    @contextlib.contextmanager
    def lease(self, owner: str, seconds: float = LEASE_SECONDS) -> Iterator[None]:
        """Hold the spreadsheet for one run (see the lease module: taken only when the run writes)."""
        self._lease = Lease(owner, seconds)
        try:
            yield
        finally:
            lease, self._lease = self._lease, None
            if lease is not None and lease.taken:
                self._let_go(lease)

    def _take_lease(self, names: list[str]) -> None:
        lease = self._lease
        if lease is None or META not in self._sheets:
            return  # nothing to hold yet: the first run creates _Meta
        values = self._values.get(META, [])
        check_free(values, lease, self.target)
        ranges = claim_ranges(values, lease)
        if ranges:
            self._call(
                "lease write",
                "post",
                f"{SHEETS_URL}/{self.key}/values:batchUpdate",
                json={"valueInputOption": "RAW", "data": ranges},
            )
            lease.taken = True
            if META not in names:
                names.append(META)

    def _let_go(self, lease: Lease) -> None:
        try:
            self._call(
                "lease release",
                "post",
                f"{SHEETS_URL}/{self.key}/values:batchUpdate",
                json={"valueInputOption": "RAW", "data": release_ranges(self._values.get(META, []), lease)},
            )
        except WorkbookError as ex:  # the lease runs out by itself; say so and move on
            log.warning("%s: could not release the lease (%s); it expires by itself", self.target, ex)

    # -- reading ---------------------------------------------------------------------------
    def tab_names(self) -> list[str]:
        meta = self._call("metadata read", "get", f"{SHEETS_URL}/{self.key}", params={"fields": _METADATA_FIELDS})
        self._sheets = {}
        layouts = {
            m.get("metadataKey"): m.get("metadataValue")
            for m in meta.get("developerMetadata", [])
            if str(m.get("metadataKey", "")).startswith(LAYOUT_KEY)
        }
        for sheet in sorted(meta.get("sheets", []), key=lambda s: s.get("properties", {}).get("index", 0)):
            info = _sheet_info(sheet)
            info.layout = layouts.get(LAYOUT_KEY + str(info.sheet_id))
            self._sheets[info.title] = info
        return list(self._sheets)

    def read(self, tabs: Sequence[str]) -> dict[str, TabData]:
        if not self._sheets:
            self.tab_names()
        names = [t for t in tabs if t in self._sheets]
        if not names:
            return {}
        body = self._call(
            "read of every tab",
            "get",
            f"{SHEETS_URL}/{self.key}/values:batchGet",
            params={
                "ranges": [quote_sheet_name(n) for n in names],
                "majorDimension": "ROWS",
                "valueRenderOption": "UNFORMATTED_VALUE",
                "dateTimeRenderOption": "SERIAL_NUMBER",
            },
        )
        out = {}
        for name, value_range in zip(names, body.get("valueRanges", [])):
            values = trim([[None if v == "" else v for v in r] for r in value_range.get("values", [])])
            self._values[name] = values
            out[name] = TabData(name, values, {}, self._sheets[name].view, notes_read=False)
        if self._lease is not None and META in self._values:
            check_free(self._values[META], self._lease, self.target)  # busy: stop before doing the work
        return out

    def guard_read(self, tabs: Sequence[str], scopes: Mapping[str, GuardScope] | None = None) -> dict[str, TabData]:
        """One spreadsheets.get of the tabs' values, notes and fills: of a scoped tab, only the scope."""
        names = [t for t in tabs if t in self._sheets]
        if not names:
            return {}
        self._take_lease(names)
        scopes = dict(scopes or {})
        lease = self._lease
        if META in scopes and lease is not None and lease.row is not None:  # confirm() reads the lease row
            scope = scopes[META]
            scopes[META] = dataclasses.replace(scope, rows=scope.rows | {lease.row})
        ranges = {name: self._guard_ranges(name, scopes.get(name)) for name in names}
        out = self._guard_get(ranges)
        ends = [
            n
            for n in names
            if n in scopes
            and (
                (scopes[n].tail and self._sheets[n].rows > WHOLE_TAIL and not _found_end(out[n]))
                or (scopes[n].end and not _found_last(out[n], scopes[n].end))
            )
        ]
        if ends:  # the tail window held no rows: a person deleted many, so read those tabs whole
            out.update(self._guard_get({n: [quote_sheet_name(n)] for n in ends}))
        for name, data in out.items():
            if not data.partial:
                self._values[name] = data.values  # what a whole-tab rewrite must cover
        if self._lease is not None and self._lease.taken:
            try:
                confirm(out[META].values if META in out else [], self._lease, self.target)
            except LockHeld:
                self._lease.taken = False  # the row is someone else's now: never release it for them
                raise
        return out

    def _guard_ranges(self, name: str, scope: GuardScope | None) -> list[str]:
        """A1 ranges for the guard's view of one tab: all of it, or its scope (header, key column, rows)."""
        tab, info = quote_sheet_name(name), self._sheets[name]
        if scope is None:
            return [tab]
        if scope.tail:  # the end is the last row with a time in column A
            if info.rows <= WHOLE_TAIL:
                return [f"{tab}!1:2", f"{tab}!A3:A{max(3, info.rows)}"]
            return [f"{tab}!1:2", f"{tab}!{max(3, info.rows - TAIL_ROWS + 1)}:{info.rows}"]
        out = [f"{tab}!1:1"]
        for col in dict.fromkeys([scope.key_col, *(c for _, c, _ in scope.columns)]):
            if col is not None:
                letter = column_letter(col)
                out.append(f"{tab}!{letter}2:{letter}")
        for first, last in row_runs(r for r in scope.rows if r > 1):
            out.append(f"{tab}!{first}:{last}")
        if scope.end:
            out.append(f"{tab}!{scope.end}:{max(scope.end, info.rows)}")
        return out

    def _guard_get(self, ranges: Mapping[str, list[str]]) -> dict[str, TabData]:
        meta = self._call(
            "re-read before writing",
            "get",
            f"{SHEETS_URL}/{self.key}",
            params={"ranges": [r for rs in ranges.values() for r in rs], "fields": _GUARD_FIELDS},
        )
        out = {}
        for sheet in meta.get("sheets", []):
            info = _sheet_info(sheet)
            known = self._sheets.get(info.title)
            if known is not None:
                known.rows, known.cols, known.notes, known.fills = info.rows, info.cols, info.notes, info.fills
                known.charts = info.charts
                info.view = known.view  # the guard read does not ask for the view again
            cells: dict[int, dict[int, Any]] = {}
            for data in sheet.get("data", []):
                r0, c0 = data.get("startRow", 0), data.get("startColumn", 0)
                for r, row in enumerate(data.get("rowData", []), start=r0):
                    for c, cell in enumerate(row.get("values", []), start=c0):
                        value = _effective(cell)
                        if value is not None:
                            cells.setdefault(r, {})[c] = value
            values = trim(
                [
                    [cells.get(r, {}).get(c) for c in range(max(cells[r]) + 1)] if r in cells else []
                    for r in range(max(cells, default=-1) + 1)
                ]
            )
            partial = ranges.get(info.title, []) != [quote_sheet_name(info.title)]
            out[info.title] = TabData(info.title, values, self._our_notes(info), info.view, partial)
        return out

    def _our_notes(self, info: SheetInfo) -> dict[tuple[int, int], str]:
        return {cell: text for cell, text in info.notes.items() if text.startswith(NOTE_PREFIX)}

    # -- writing ---------------------------------------------------------------------------
    def write(self, batch: WriteBatch) -> None:
        if not batch:
            return
        if not self._sheets:
            self.tab_names()
        rendered = Renderer(self._sheets, NOTE_PREFIX, self._values).render(batch)
        lease = self._lease
        if lease is not None and lease.taken:  # let go of the lease with the run's own value write
            rendered.values += release_ranges(self._values.get(META, []), lease)
        if rendered.requests:
            self._batch_update(rendered.requests)
        chunks = _chunks(rendered.values)
        if lease is not None:
            lease.taken = False
        for index, chunk in enumerate(chunks):
            try:
                self._call(
                    "write of cell values",
                    "post",
                    f"{SHEETS_URL}/{self.key}/values:batchUpdate",
                    json={"valueInputOption": "RAW", "data": chunk},
                )
            except WorkbookError as ex:
                if lease is not None:
                    lease.taken = True  # the release did not land: the lease() exit tries once more
                if rendered.requests or index:
                    raise type(ex)(
                        f"{ex}. Formats, notes or new tabs were saved but some cell values were not; "
                        "run again to finish (nothing a person typed was touched)"
                    ) from ex
                raise

    def _batch_update(self, requests_: list[dict[str, Any]]) -> None:
        try:
            self._call(
                "update of tabs, notes and formats",
                "post",
                f"{SHEETS_URL}/{self.key}:batchUpdate",
                json={"requests": requests_},
            )
        except WorkbookError as ex:
            # A batchUpdate is atomic; if an earlier try timed out after reaching Google and the retry is
            # refused (its new tab or chart id now exists), that earlier try applied the whole batch.
            attempts = self.http.last_attempts
            cause = ex.__cause__
            if attempts.ambiguous and isinstance(cause, APIError) and cause.response.status_code == 400:
                log.warning("%s: an earlier try of the batch update reached Google; not applying it twice", self.target)
                return
            raise


def _sheet_info(sheet: Mapping[str, Any]) -> SheetInfo:
    props = sheet.get("properties", {})
    grid = props.get("gridProperties", {})
    info = SheetInfo(
        props.get("sheetId", 0),
        props.get("title", ""),
        grid.get("rowCount", 0),
        grid.get("columnCount", 0),
        bool(props.get("hidden")),
        [c["chartId"] for c in sheet.get("charts", []) if "chartId" in c],
    )
    widths: dict[int, float] = {}
    hidden: set[int] = set()
    for data in sheet.get("data", [])[:1]:
        for c, column in enumerate(data.get("columnMetadata", []), start=data.get("startColumn", 0) + 1):
            if "pixelSize" in column:
                widths[c] = max(0.0, (column["pixelSize"] - 10) / PIXELS_PER_CHAR)
            if column.get("hiddenByUser"):
                hidden.add(c)
    info.view = SheetView(grid.get("frozenRowCount", 0), grid.get("frozenColumnCount", 0), widths, frozenset(hidden))
    for data in sheet.get("data", []):
        r0, c0 = data.get("startRow", 0), data.get("startColumn", 0)
        for r, row in enumerate(data.get("rowData", []), start=r0 + 1):
            for c, cell in enumerate(row.get("values", []), start=c0 + 1):
                if cell.get("note"):
                    info.notes[(r, c)] = cell["note"]
                colour = hex_of((cell.get("userEnteredFormat") or {}).get("backgroundColor"))
                if colour and colour != "FFFFFF":
                    info.fills[(r, c)] = colour
    return info


def _effective(cell: Mapping[str, Any]) -> Any:
    """A cell's effectiveValue as values:batchGet's UNFORMATTED_VALUE would give it."""
    value = cell.get("effectiveValue")
    if not value:
        return None
    for key in ("numberValue", "stringValue", "boolValue"):
        if key in value:
            return value[key]
    if "errorValue" in value:
        return _ERROR_TEXT.get(value["errorValue"].get("type", "ERROR"), "#ERROR!")
    return None


def _found_last(data: TabData, start: int) -> bool:
    """Whether a read of a tab's rows from `start` on saw its last row: it covers every data row, or holds one
    (none: a person deleted rows meanwhile, and the last row is above the window)."""
    return start <= 2 or any(any(v is not None for v in row) for row in data.values[start - 1 :])


def _found_end(data: TabData) -> bool:
    """Whether a tail read of an audit tab saw its last rows (not only its header and first row)."""
    return len(data.values) > 2


def _chunks(values: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """ValueRanges in groups under the payload guidance (one group unless the write is huge).

    A range bigger than the guidance is cut into row blocks first, so the groups come out full:
    one request per ~1.8 MB as sent.
    """
    chunks: list[list[dict[str, Any]]] = []
    size = MAX_PAYLOAD
    for value_range in (piece for v in values for piece in _split(v)):
        length = _sent_size(value_range)
        if size + length > MAX_PAYLOAD:
            chunks.append([])
            size = 0
        chunks[-1].append(value_range)
        size += length
    return chunks


def _sent_size(value_range: dict[str, Any]) -> int:
    return len(json.dumps(value_range).encode())  # as requests sends it: ASCII, with spaces


def _split(value_range: dict[str, Any]) -> list[dict[str, Any]]:
    """A ValueRange over the payload guidance as ranges of a few rows each (pieces of about 1/16 of it)."""
    rows = value_range["values"]
    length = _sent_size(value_range)
    if length <= MAX_PAYLOAD or len(rows) < 2:
        return [value_range]
    tab, cells = split_ref(value_range["range"])
    grid = grid_range(cells, 0)
    width = grid["endColumnIndex"] - grid["startColumnIndex"]
    per = max(1, len(rows) * MAX_PAYLOAD // (16 * length))
    return [
        {
            "range": sheet_ref(tab, grid["startRowIndex"] + 1 + i, grid["startColumnIndex"] + 1, width, len(block)),
            "values": block,
        }
        for i in range(0, len(rows), per)
        for block in [rows[i : i + per]]
    ]
