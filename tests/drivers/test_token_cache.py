"""The token cache: private files, atomic writes, and refusal of files others can read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tagbridge.drivers.token_cache import TokenCache


def test_saved_token_is_private_and_round_trips(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "d", "client-id", "https://accounts.example/api/token")
    cache.save({"access_token": "tok", "expires_at": 123.0})
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600, "token caches are mode 0600"
    assert cache.load() == {"access_token": "tok", "expires_at": 123.0}
    assert "client-id" not in cache.path.name


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_cache_others_can_read_is_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = TokenCache(tmp_path, "id", "u")
    cache.save({"access_token": "tok", "expires_at": 1.0})
    cache.path.chmod(0o644)
    assert cache.load() is None and "readable by others" in caplog.text


def test_garbage_in_the_cache_is_ignored(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path, "id", "u")
    cache.path.write_text("{not json", encoding="utf-8")
    cache.path.chmod(0o600)
    assert cache.load() is None


def test_different_clients_use_different_files(tmp_path: Path) -> None:
    assert TokenCache(tmp_path, "a", "u").path != TokenCache(tmp_path, "b", "u").path
