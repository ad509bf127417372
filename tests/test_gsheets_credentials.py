"""Google credentials: service-account and authorized-user files, spreadsheets scope only, clear errors."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth.transport.requests import AuthorizedSession

from sheetsync.backends.gsheets.backend import SCOPES, credentials_session
from sheetsync.errors import ConfigError


@pytest.fixture(scope="module")
def private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def write(tmp_path, info) -> str:
    path = tmp_path / "google.json"
    path.write_text(json.dumps(info))
    return str(path)


def test_service_account_file_from_the_environment(tmp_path, monkeypatch, private_key):
    monkeypatch.setenv(
        "GOOGLE_APPLICATION_CREDENTIALS",
        write(
            tmp_path,
            {
                "type": "service_account",
                "project_id": "shop",
                "private_key_id": "k1",
                "private_key": private_key,
                "client_email": "sheetsync@shop.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            },
        ),
    )
    session = credentials_session({})
    assert isinstance(session, AuthorizedSession)
    assert tuple(session.credentials.scopes) == SCOPES == ("https://www.googleapis.com/auth/spreadsheets",)
    assert session.credentials.service_account_email == "sheetsync@shop.iam.gserviceaccount.com"


def test_authorized_user_file_named_in_the_config_relative_to_it(tmp_path, monkeypatch):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    write(tmp_path, {"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"})
    session = credentials_session({"credentials": "google.json"}, root=tmp_path)
    assert tuple(session.credentials.scopes) == SCOPES


@pytest.mark.parametrize(
    "content,words",
    [
        (None, "not found"),
        ("{not json", "not readable JSON"),
        (json.dumps({"type": "external_account"}), "is not service_account or authorized_user"),
        (json.dumps({"type": "service_account"}), "incomplete"),
    ],
)
def test_bad_credentials_files_are_config_errors_naming_the_file(tmp_path, monkeypatch, content, words):
    path = tmp_path / "google.json"
    if content is not None:
        path.write_text(content)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    with pytest.raises(ConfigError) as caught:
        credentials_session({})
    assert str(path) in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize("mode, warned", [(0o644, True), (0o640, True), (0o600, False)])
def test_a_credentials_file_others_can_read_is_warned_about_once(tmp_path, private_key, caplog, mode, warned):
    import logging
    import os

    path = tmp_path / f"google-{mode:o}.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "shop",
                "private_key_id": "k1",
                "private_key": private_key,
                "client_email": "s@shop.iam.gserviceaccount.com",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    os.chmod(path, mode)
    with caplog.at_level(logging.WARNING, "sheetsync"):
        credentials_session({"credentials": str(path)})
        credentials_session({"credentials": str(path)})
    said = [r.getMessage() for r in caplog.records if "can be read by other users" in r.getMessage()]
    assert len(said) == (1 if warned else 0)
    if warned:
        assert f"chmod 600 {path}" in said[0]
