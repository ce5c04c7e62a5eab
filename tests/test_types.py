"""core/ and sources/ stay clean under ``mypy --strict`` (STYLE.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_core_and_sources_pass_mypy_strict() -> None:
    pytest.importorskip("mypy", reason="mypy comes with the test extra: pip install -e '.[test]'")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "tagbridge/core", "tagbridge/sources"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 0, f"mypy --strict must pass on core and sources:\n{proc.stdout}{proc.stderr}"
