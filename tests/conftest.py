"""Test-wide setup: make ``tests/`` importable for the shared-path helper, and keep logger
levels from leaking between tests."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

#: Loggers whose level the CLI's setup_logging sets; a test running the CLI in-process would
#: otherwise leave them quiet for every later test.
_CLI_TUNED_LOGGERS = ("urllib3", "requests_cache")


@pytest.fixture(autouse=True)
def _restore_library_log_levels() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in _CLI_TUNED_LOGGERS]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels):
        logger.setLevel(level)
