"""Local Sheets API v4 (+ Drive v3 slice) emulator over real loopback HTTP."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import api
from .errors import ApiError
from .sheets_model import Spreadsheet
from .state import EmulatorState

_FAULT_MESSAGES = {
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' "
    "of service 'sheets.googleapis.com'.",
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
}


@dataclass
class RequestRecord:
    """One HTTP request as the emulator saw it."""

    method: str
    path: str
    kind: str
    spreadsheet_id: str | None
    body: Any
    query: dict[str, list[str]] = field(default_factory=dict)
    status: int | None = None
    began: float = 0.0  # time.perf_counter() when the answer began (system-wide on Linux: comparable across processes)
    seconds: float = 0.0  # spent answering (the added latency left out)


@dataclass(frozen=True)
class HookEvent:
    """What a hook sees around each request (phase 'before' or 'after')."""

    kind: str
    phase: str
    method: str
    path: str
    spreadsheet_id: str | None
    status: int | None = None


@dataclass
class _Fault:
    action: str  # "fail", "drop" or "stall"
    status: int = 429
    body: Any = None
    retry_after: float | None = None
    seconds: float = 0.0


_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (method, re.compile(pattern), kind)
    for method, pattern, kind in [
        ("POST", r"^/v4/spreadsheets/?$", "create"),
        ("GET", r"^/v4/spreadsheets/(?P<id>[^/:]+)$", "get"),
        ("POST", r"^/v4/spreadsheets/(?P<id>[^/:]+):batchUpdate$", "batchUpdate"),
        ("POST", r"^/v4/spreadsheets/(?P<id>[^/:]+):getByDataFilter$", "getByDataFilter"),
        ("POST", r"^/v4/spreadsheets/(?P<id>[^/:]+)/values:batchGetByDataFilter$", "values.batchGetByDataFilter"),
        ("POST", r"^/v4/spreadsheets/(?P<id>[^/:]+)/sheets/(?P<sheet>\d+):copyTo$", "sheets.copyTo"),
        ("GET", r"^/v4/spreadsheets/(?P<id>[^/:]+)/developerMetadata/(?P<metadata>\d+)$", "developerMetadata.get"),
        ("POST", r"^/v4/spreadsheets/(?P<id>[^/:]+)/developerMetadata:search$", "developerMetadata.search"),
        ("GET", r"^/v4/spreadsheets/(?P<id>[^/:]+)/values:batchGet$", "values.batchGet"),
        ("POST", r"^/v4/spreadsheets/(?P<id>[^/:]+)/values:batchUpdate$", "values.batchUpdate"),
        ("POST", r"^/v4/spreadsheets/(?P<id>[^/:]+)/values:batchClear$", "values.batchClear"),
        ("POST", r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>.+):append$", "values.append"),
        ("POST", r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>.+):clear$", "values.clear"),
        ("GET", r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>.+)$", "values.get"),
        ("PUT", r"^/v4/spreadsheets/(?P<id>[^/:]+)/values/(?P<range>.+)$", "values.update"),
        ("POST", r"^/drive/v3/files/?$", "drive.create"),
        ("GET", r"^/drive/v3/files/?$", "drive.list"),
        ("GET", r"^/drive/v3/files/(?P<id>[^/]+)$", "drive.get"),
        ("PATCH", r"^/drive/v3/files/(?P<id>[^/]+)$", "drive.update"),
        ("DELETE", r"^/drive/v3/files/(?P<id>[^/]+)$", "drive.delete"),
    ]
]


def route(method: str, raw_path: str) -> tuple[str, dict[str, str]]:
    """(kind, path params) for a request; params are percent-decoded."""
    for route_method, pattern, kind in _ROUTES:
        match = pattern.match(raw_path)
        if match and route_method == method:
            return kind, {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()}
    return "unknown", {}


class SheetsEmulator:
    """A Sheets/Drive emulator serving on 127.0.0.1; use as a context manager."""

    def __init__(self, port: int = 0, user_email: str = "emulator-user@sheetsync.invalid") -> None:
        self.state = EmulatorState(user_email)
        self.requests: list[RequestRecord] = []
        self.latency = 0.0
        self._faults: list[_Fault] = []
        self._hooks: list[Callable[[HookEvent], None]] = []
        self._meta_lock = threading.Lock()  # guards the request log, faults and hooks
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------
    def start(self) -> SheetsEmulator:
        """Bind and serve in a daemon thread."""
        self._server = _QuietServer(("127.0.0.1", self._port), _make_handler(self))
        self._server.daemon_threads = True
        # A short poll interval keeps stop() fast (shutdown waits for the next poll).
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="sheets-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def endpoint(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321 (Google's paths go below it)."""
        if self._server is None:
            raise RuntimeError("emulator is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def user_email(self) -> str:
        """The identity every caller is treated as (owner and editor of everything)."""
        return self.state.user_email

    # -- request log, faults, hooks --------------------------------------------------
    def reset_requests(self) -> None:
        """Forget the request log."""
        with self._meta_lock:
            self.requests.clear()

    def fail_next(self, n: int = 1, status: int = 429, body: Any = None, retry_after: float | None = None) -> None:
        """Answer the next n requests with an error (body None = Google-shaped JSON; str = sent as is)."""
        with self._meta_lock:
            self._faults += [_Fault("fail", status, body, retry_after) for _ in range(n)]

    def drop_next(self, n: int = 1) -> None:
        """Close the connection without answering the next n requests."""
        with self._meta_lock:
            self._faults += [_Fault("drop") for _ in range(n)]

    def stall_next(self, n: int = 1, seconds: float = 5.0) -> None:
        """Sleep before answering the next n requests, to provoke client timeouts."""
        with self._meta_lock:
            self._faults += [_Fault("stall", seconds=seconds) for _ in range(n)]

    def add_hook(self, hook: Callable[[HookEvent], None]) -> None:
        """Call hook(event) before and after every request, outside the state lock."""
        with self._meta_lock:
            self._hooks.append(hook)

    def _next_fault(self) -> _Fault | None:
        with self._meta_lock:
            return self._faults.pop(0) if self._faults else None

    def _fire(self, event: HookEvent) -> None:
        with self._meta_lock:
            hooks = list(self._hooks)
        for hook in hooks:
            hook(event)

    def _log(self, record: RequestRecord) -> None:
        with self._meta_lock:
            self.requests.append(record)

    # -- Python API (delegated to the state, which takes the lock) ---------------------
    def create_spreadsheet(
        self, title: str = "Untitled spreadsheet", tabs: dict[str, list[list[Any]]] | None = None
    ) -> str:
        """Create a spreadsheet holding tabs (name -> rows, stored as given); returns its key."""
        return self.state.create_spreadsheet(title, tabs)

    def add_foreign_spreadsheet(self, key: str | None = None) -> str:
        """A spreadsheet that exists but the caller may not open (403 PERMISSION_DENIED)."""
        return self.state.add_foreign_spreadsheet(key)

    def load_tabs(self, key: str, tabs: dict[str, list[list[Any]]]) -> None:
        """Replace the content of the named tabs (creating missing ones)."""
        self.state.load_tabs(key, tabs)

    def values(self, key: str, tab: str) -> list[list[Any]]:
        """The tab's rows as UNFORMATTED_VALUE returns them (trailing blanks trimmed)."""
        return self.state.values(key, tab)

    def set_values(self, key: str, a1_range: str, rows: list[list[Any]]) -> None:
        """Write rows as a person typing them would (USER_ENTERED), growing the grid if needed."""
        self.state.set_values(key, a1_range, rows)

    def insert_rows(self, key: str, tab: str, at_row: int, rows: list[list[Any]]) -> None:
        """Insert rows before 1-based at_row, shifting notes and formats down."""
        self.state.insert_rows(key, tab, at_row, rows)

    def delete_rows(self, key: str, tab: str, first_row: int, last_row: int) -> None:
        """Delete 1-based rows first_row..last_row inclusive."""
        self.state.delete_rows(key, tab, first_row, last_row)

    def notes(self, key: str, tab: str) -> dict[tuple[int, int], str]:
        """{(row, col) 1-based: note text}."""
        return self.state.notes(key, tab)

    def set_note(self, key: str, tab: str, row: int, col: int, text: str | None) -> None:
        """Set (or with None remove) the note on a 1-based cell."""
        self.state.set_note(key, tab, row, col, text)

    def background(self, key: str, tab: str) -> dict[tuple[int, int], dict[str, float]]:
        """{(row, col) 1-based: rgb colour} for cells with a non-default background."""
        return self.state.background(key, tab)

    def sheet_properties(self, key: str, tab: str) -> dict[str, Any]:
        """The tab's SheetProperties JSON as GET spreadsheets/{id} returns it."""
        return self.state.sheet_properties(key, tab)

    def spreadsheet(self, key: str) -> Spreadsheet:
        """The live model object, its formulas computed (advanced use; take care, it is shared with the server)."""
        return self.state.book(key)

    def client(self) -> Any:
        """A gspread Client whose Google URLs are rewritten to this emulator."""
        import gspread

        return gspread.Client(auth=None, session=emulator_session(self.endpoint))  # type: ignore[arg-type]

    # -- request handling -------------------------------------------------------------
    def handle(self, method: str, raw_path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        """Run one API call under the state lock; returns (status, JSON body or None)."""
        kind, params = route(method, raw_path)
        try:
            return api.dispatch(self.state, kind, params, query, body)
        except ApiError as error:
            return error.code, error.body()


class _QuietServer(ThreadingHTTPServer):
    """A threading server that ignores clients hanging up (timeouts, dropped connections)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def emulator_session(endpoint: str) -> Any:
    """A requests.Session that sends Google's Sheets/Drive URLs to endpoint instead."""
    import requests

    prefixes = ("https://sheets.googleapis.com", "https://www.googleapis.com")

    class EmulatorSession(requests.Session):
        def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
            for prefix in prefixes:
                if isinstance(url, str) and url.startswith(prefix):
                    url = endpoint + url[len(prefix) :]
            return super().request(method, url, *args, **kwargs)

    return EmulatorSession()


class _Handler(BaseHTTPRequestHandler):
    """One HTTP request to the emulator: logged, shown to hooks, met by an injected fault or answered."""

    emulator: SheetsEmulator  # set per emulator by _make_handler

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus the
    # client's delayed ACK would add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        raw_path, _, raw_query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length) if length else b""
        query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
        record = _request_record(method, raw_path, query, payload)
        self.emulator._log(record)
        self.emulator._fire(HookEvent(record.kind, "before", method, record.path, record.spreadsheet_id))
        if self.emulator.latency:
            time.sleep(self.emulator.latency)
        record.began = time.perf_counter()
        status, body, headers = self._answer(method, raw_path, query, record, payload)
        record.seconds = time.perf_counter() - record.began
        if status is None:
            return
        record.status = status
        self.emulator._fire(HookEvent(record.kind, "after", method, record.path, record.spreadsheet_id, status))
        self._send(status, body, headers)

    def _answer(
        self, method: str, raw_path: str, query: dict[str, list[str]], record: RequestRecord, payload: bytes
    ) -> tuple[int | None, Any, dict[str, str]]:
        fault = self.emulator._next_fault()
        if fault and fault.action == "drop":
            self._drop()
            return None, None, {}
        if fault and fault.action == "stall":
            time.sleep(fault.seconds)
        if fault and fault.action == "fail":
            headers = {"Retry-After": _retry_after(fault.retry_after)} if fault.retry_after is not None else {}
            return fault.status, fault.body if fault.body is not None else _fault_body(fault.status), headers
        if payload and isinstance(record.body, str):
            return 400, ApiError(400, "Invalid JSON payload received.").body(), {}
        status, body = self.emulator.handle(method, raw_path, query, record.body)
        return status, body, {}

    def _drop(self) -> None:
        """Hang up without a response, as a broken proxy or network would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
        if isinstance(body, str):
            data, content_type = body.encode(), "text/html; charset=UTF-8"
        elif body is None:
            data, content_type = b"", ""
        else:
            data, content_type = json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=UTF-8"
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _make_handler(emulator: SheetsEmulator) -> type[BaseHTTPRequestHandler]:
    """A handler class bound to one emulator (the server makes a handler per connection)."""
    return type("Handler", (_Handler,), {"emulator": emulator})


def _request_record(method: str, raw_path: str, query: dict[str, list[str]], payload: bytes) -> RequestRecord:
    """The request as the log keeps it: a body that is not JSON is kept as text."""
    kind, params = route(method, raw_path)
    record = RequestRecord(method, urllib.parse.unquote(raw_path), kind, params.get("id"), None, query)
    try:
        record.body = json.loads(payload) if payload else None
    except ValueError:
        record.body = payload.decode("utf-8", "replace")
    return record


def _retry_after(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


def _fault_body(status: int) -> dict[str, Any]:
    return ApiError(status, _FAULT_MESSAGES.get(status, "Injected failure")).body()


def serve(
    port: int | None = None, tabs: dict[str, list[list[Any]]] | None = None, title: str = "sheetsync emulator"
) -> None:
    """Serve until Ctrl-C with one spreadsheet loaded from tabs; prints endpoint and key."""
    with SheetsEmulator(port or 0) as emulator:
        key = emulator.create_spreadsheet(title, tabs)
        print(f"Sheets API emulator at {emulator.endpoint}")
        print(f"Spreadsheet key: {key}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
