"""Where the team's shared data lives: ``../shared`` beside the project, read in place, never copied."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
RECORDED = SHARED / "data" / "recorded"
ANNAS_SAMPLE = SHARED / "data" / "annas-sample"


def require_shared(path: Path = RECORDED) -> Path:
    """Return ``path``, or skip saying why when ../shared is not beside the project.

    Called while a module is collected (a recorded body in a parametrize list), it skips that
    whole module; inside a test, just the test.
    """
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data must sit at ../shared beside the project",
                    allow_module_level=True)
    return path


def recorded(relative: str) -> Path:
    """A recorded body under ../shared/data/recorded, or a skip when it is missing."""
    return require_shared(RECORDED / relative)
