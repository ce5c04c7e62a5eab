"""Fixtures for the source tests: recorded bodies read in place, and the project's own fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import shared_paths

#: Bodies the project wrote itself (tests/fixtures/<service>/), as opposed to recorded ones.
PROJECT_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def recorded() -> Callable[[str], Path]:
    """``recorded("itunes/x.json")``: a body under ../shared/data/recorded, or a skip saying why."""
    return shared_paths.recorded


@pytest.fixture
def project_fixture() -> Callable[[str], Path]:
    """``project_fixture("itunes/x.json")``: a body under tests/fixtures, written by this project."""

    def find(relative: str) -> Path:
        path = PROJECT_FIXTURES / relative
        assert path.exists(), f"project fixture {path} should exist"
        return path

    return find
