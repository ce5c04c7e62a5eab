"""Pytest fixtures that start the fake clones; import them where needed.

``from fakes.fixtures import seed_clone, spec_clone`` in a test module makes them available there.
Each test gets a fresh server (fresh log, knobs and tokens); the sample is read once per process.
Both skip, saying why, when ../shared or pyarrow is missing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fakes.annas import Sample, sample_or_skip
from fakes.seed_clone import SeedClone
from fakes.spec_clone import SpecClone

__all__ = ["annas_sample", "seed_clone", "spec_clone"]


@pytest.fixture
def annas_sample() -> Sample:
    """The Anna's Archive sample rows, or a skip saying why they are unavailable."""
    return sample_or_skip()


@pytest.fixture
def seed_clone() -> Iterator[SeedClone]:
    """A running seed clone (no ``/v1``, seed quirks); set ``bare_not_implemented`` as needed."""
    server = SeedClone(sample_or_skip())
    with server.running():
        yield server


@pytest.fixture
def spec_clone() -> Iterator[SpecClone]:
    """A running spec-following clone; ``api_url``/``token_url`` are its endpoints, knobs are attributes."""
    server = SpecClone(sample_or_skip())
    with server.running():
        yield server
