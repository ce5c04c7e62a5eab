"""Small helpers the driver tests share: a sleep recorder, a closed port, log checks."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest


class SleepRecorder:
    """Records every wait; really sleeps only when built with ``real=True``."""

    def __init__(self, *, real: bool = False) -> None:
        self.waits: list[float] = []
        self._real = real
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
        if self._real:
            time.sleep(seconds)


def closed_port() -> int:
    """A local port nothing listens on (connections to it are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The WARNING-or-worse lines tagbridge logged."""
    return [r.getMessage() for r in caplog.records if r.name == "tagbridge" and r.levelno >= logging.WARNING]


def assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """No record carries an exception or a stack, whatever its level."""
    noisy = [r.getMessage() for r in caplog.records if r.exc_info or r.stack_info or "Traceback" in r.getMessage()]
    assert not noisy, f"no log record may carry a traceback: {noisy}"
