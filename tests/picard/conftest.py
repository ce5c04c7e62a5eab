"""Fixtures for the Picard plugin tests: real Picard 3.0.x under offscreen Qt, the plugin built as users get it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from picard_support import (  # noqa: E402,F401 - fixtures used by the tests here
    built_plugin,
    host,
    picard,
)
from recorded_server import recorded_server  # noqa: E402,F401 - fixture
