"""Replay gspread's recorded Google traffic against the emulator and compare responses.

Every value in a recorded response must appear, equal, in the emulator's response once the
ids Google handed out (spreadsheet ids, sheetIds, protectedRangeIds, chartIds, the caller's
service-account address) are mapped onto the emulator's own.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import requests

from sheetsync.testing import SheetsEmulator

RECORDINGS = Path(__file__).resolve().parents[2] / "shared" / "sheets-api-recordings"
FILES = sorted(RECORDINGS.glob("*.json")) if RECORDINGS.is_dir() else []

# Keys whose values are assigned by the server and therefore mapped, not compared.
ID_KEYS = {"id", "spreadsheetId", "sheetId", "protectedRangeId", "chartId"}
# Cosmetic keys, compared only for presence: wall-clock timestamps can never match a replay.
COSMETIC_KEYS = {"createdTime", "modifiedTime"}
_SPREADSHEET_ID = re.compile(r"1[A-Za-z0-9_-]{43}")
_SERVICE_ACCOUNT = re.compile(r"[\w.+-]+@[\w-]+\.iam\.gserviceaccount\.com")
_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")

pytestmark = pytest.mark.skipif(not FILES, reason=f"recordings not found at {RECORDINGS}")


class IdMap:
    """Recorded id <-> emulator id, learned from responses as the replay goes."""

    def __init__(self, emulator: SheetsEmulator) -> None:
        self.emulator = emulator
        self.strings: dict[str, str] = {}
        self.numbers: dict[int, int] = {}

    def learn(self, recorded: Any, actual: Any) -> None:
        """Walk both responses together and pair up ids at the same place."""
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for key, value in recorded.items():
                if key not in actual:
                    continue
                if key in ID_KEYS and isinstance(value, str) and isinstance(actual[key], str):
                    self.strings.setdefault(value, actual[key])
                elif key in ID_KEYS and isinstance(value, int) and isinstance(actual[key], int):
                    self.numbers.setdefault(value, actual[key])
                else:
                    self.learn(value, actual[key])
        elif isinstance(recorded, list) and isinstance(actual, list):
            for rec_item, act_item in zip(recorded, actual):
                self.learn(rec_item, act_item)
        elif isinstance(recorded, str):
            for address in _SERVICE_ACCOUNT.findall(recorded):
                self.strings.setdefault(address, self.emulator.user_email)

    def text(self, value: str) -> str:
        """Recorded string -> emulator string; an id never handed out is someone else's file."""
        for recorded_id in _SPREADSHEET_ID.findall(value):
            if recorded_id not in self.strings:
                self.strings[recorded_id] = self.emulator.add_foreign_spreadsheet(recorded_id)
        for recorded, actual in self.strings.items():
            value = value.replace(recorded, actual)
        return value

    def json(self, value: Any, key: str | None = None) -> Any:
        """Recorded JSON -> emulator JSON (ids swapped)."""
        if isinstance(value, dict):
            return {k: self.json(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(item, key) for item in value]
        if isinstance(value, str):
            return self.text(value)
        if key in ID_KEYS and isinstance(value, int) and not isinstance(value, bool):
            return self.numbers.get(value, value)
        return value


def mismatches(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Where expected (recorded, mapped) is not contained in actual."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected object, got {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing (expected {value!r})")
            elif key not in COSMETIC_KEYS:
                problems += mismatches(value, actual[key], f"{path}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        return [p for i, (e, a) in enumerate(zip(expected, actual)) for p in mismatches(e, a, f"{path}[{i}]")]
    if expected != actual or (type(expected) is not type(actual) and not _same_number(expected, actual)):
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def _same_number(a: Any, b: Any) -> bool:
    return (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


def replay(path: Path) -> list[str]:
    """Replay one recording; return a description of every interaction that differs."""
    interactions = json.loads(path.read_text())["interactions"]
    problems: list[str] = []
    with SheetsEmulator() as emulator:
        ids = IdMap(emulator)
        session = requests.Session()
        for index, interaction in enumerate(interactions):
            problems += [f"[{index}] {p}" for p in _replay_one(emulator, ids, session, interaction)]
    return problems


def _replay_one(
    emulator: SheetsEmulator, ids: IdMap, session: requests.Session, interaction: dict[str, Any]
) -> list[str]:
    request, response = interaction["request"], interaction["response"]
    url = ids.text(request["uri"])
    for host in _HOSTS:
        if url.startswith(host):
            url = emulator.endpoint + url[len(host) :]
    body = request.get("body")
    data = json.dumps(ids.json(json.loads(body))).encode() if body else None
    headers = {"Content-Type": "application/json"} if data else {}
    got = session.request(request["method"], url, data=data, headers=headers, timeout=10)
    label = f"{request['method']} {urllib.parse.unquote(request['uri'])}"
    expected_status = response["status"]["code"]
    if got.status_code != expected_status:
        return [f"{label}: status {got.status_code} != {expected_status}: {got.text[:300]}"]
    recorded_text = response["body"]["string"]
    if not recorded_text:
        return [] if not got.content else [f"{label}: expected an empty body, got {got.text[:200]}"]
    recorded = json.loads(recorded_text)
    actual = got.json()
    ids.learn(recorded, actual)
    return [f"{label}: {p}" for p in mismatches(ids.json(recorded), actual)]


@pytest.mark.parametrize("recording", FILES, ids=[f.stem for f in FILES])
def test_recording_replays_identically(recording: Path) -> None:
    problems = replay(recording)
    assert not problems, "\n".join(problems[:20])


def test_comparison_catches_differences_but_ignores_timestamps() -> None:
    recorded = {"values": [["1", {"note": "x"}]], "modifiedTime": "2023-01-01T00:00:00.000Z"}
    assert mismatches(recorded, {"values": [["1", {"note": "x"}]], "modifiedTime": "now", "extra": 1}) == []
    assert mismatches(recorded, {"values": [[1, {"note": "x"}]], "modifiedTime": "now"})
    assert mismatches(recorded, {"values": [["1", {}]], "modifiedTime": "now"})
    assert mismatches({"values": [["1"]]}, {"values": [["1"], []]})
