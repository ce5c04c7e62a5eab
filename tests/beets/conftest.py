"""Fixtures for the beets plugin's tests; the helpers they share live in ``beets_support.py``.

(Test modules import ``beets_support``, never ``conftest``: another directory's conftest may
already sit in ``sys.modules`` under that name.)
"""

from __future__ import annotations

from beets_support import (  # noqa: F401 - fixtures
    art_clone,
    beet,
    beets_lib,
    images,
    outrun,
    outrun_by_names,
    recorded_server,
    sample,
    seed_clone,
    spec_clone,
)
