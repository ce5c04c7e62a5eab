"""Fixtures for the driver tests: a sleep recorder, and drivers that close themselves.

Waits go through ``DriverOptions.sleep``; tests pass a recorder instead of patching anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from driver_helpers import SleepRecorder
from local_servers import LocalServer
from tagbridge.drivers.sync import DriverOptions, SyncDriver


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def make_driver(tmp_path: Path, sleeps: SleepRecorder) -> Iterator[Callable[..., SyncDriver]]:
    """Builds drivers with a cache in tmp_path, the sleep recorder and a 5 s timeout; closes them after."""
    drivers: list[SyncDriver] = []

    def make(**changes: Any) -> SyncDriver:
        opts: dict[str, Any] = {
            "cache_path": tmp_path / "http-cache.sqlite",
            "timeout": 5.0,
            "sleep": sleeps,
            **changes,
        }
        driver = SyncDriver(DriverOptions(**opts))
        drivers.append(driver)
        return driver

    yield make
    for d in drivers:
        d.close()


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A raw-socket server for this test alone, stopped (and its silent handlers released) after it."""
    server = LocalServer()
    try:
        yield server
    finally:
        server.stop()
