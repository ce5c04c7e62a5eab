"""String similarity scores, from rapidfuzz when importable and from pure Python otherwise.

What belongs here: the two scorers matching uses (``ratio`` and ``token_sort_ratio``), each with a
pure-Python twin that returns the *identical* float, so beets (with rapidfuzz) and Picard's bundled
builds (without it) make the same decision. What doesn't: normalization (core/normalize.py) and
any rule about what counts as a match (core/match.py).

Only these two scorers exist on purpose. ``partial_ratio`` and ``token_set_ratio`` score a title
that is merely contained in another ("Ladies" in "Single Ladies") as a perfect match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

__all__ = ["BACKEND", "Backend", "ratio", "token_sort_ratio"]

#: Which implementation scores: "rapidfuzz" (the C++ extension) or "pure" (this module).
Backend = Literal["rapidfuzz", "pure"]

_Scorer = Callable[[str, str], float]


def _pure_lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyrö 2004) on Python ints."""
    # Trimming a shared prefix and suffix never changes the LCS, and it is the common case
    # (near-identical titles), so the bit loop below usually runs on a few characters only.
    start = 0
    shortest = min(len(a), len(b))
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1
    core_a = a[start : len(a) - end]
    core_b = b[start : len(b) - end]
    if len(core_a) > len(core_b):
        core_a, core_b = core_b, core_a
    if not core_a:
        return start + end
    # One bit per character of the shorter string: fewer bits make cheaper big-int steps.
    masks: dict[str, int] = {}
    bit = 1
    for ch in core_a:
        masks[ch] = masks.get(ch, 0) | bit
        bit <<= 1
    full = bit - 1
    row = full
    for ch in core_b:
        match = masks.get(ch)
        if match:
            u = row & match
            row = (row + u) | (row - u)
    # Every zero bit among the low len(core_a) bits is one matched character.
    return start + end + len(core_a) - (row & full).bit_count()


def _pure_ratio(a: str, b: str) -> float:
    """Normalized Indel similarity 0..100, bit-for-bit what ``rapidfuzz.fuzz.ratio`` returns."""
    total = len(a) + len(b)
    if not total:
        return 100.0
    distance = total - 2 * _pure_lcs_length(a, b)
    # Same operations in the same order as rapidfuzz (normalized distance, 1 - it, times 100),
    # so the floats are identical, not merely close.
    return (1.0 - distance / total) * 100


# rapidfuzz's C++ splitter agrees with str.split() except on strings that CPython stores one
# byte per character (every code point below 256): there it does not count U+0085 (NEXT LINE)
# and U+00A0 (NO-BREAK SPACE) as whitespace. rapidfuzz's own pure-Python fallback ignores this
# and disagrees with its C++ build; we follow the C++ build, which is what beets runs.
_NARROW_WHITESPACE = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f ]+")


def _split_tokens(text: str) -> list[str]:
    if ("\x85" in text or "\xa0" in text) and max(text) <= "\xff":
        return [token for token in _NARROW_WHITESPACE.split(text) if token]
    return text.split()


def _sort_tokens(text: str) -> str:
    # sorted() orders by code point, as the C++ std::sort over code-point ranges does.
    return " ".join(sorted(_split_tokens(text)))


def _pure_token_sort_ratio(a: str, b: str) -> float:
    """``ratio`` of the whitespace tokens sorted and rejoined, as ``rapidfuzz.fuzz.token_sort_ratio``."""
    return _pure_ratio(_sort_tokens(a), _sort_tokens(b))


def _load_rapidfuzz() -> tuple[_Scorer, _Scorer] | None:
    try:
        from rapidfuzz import fuzz
    except ImportError:  # Picard's bundled builds ship without rapidfuzz
        return None
    # rapidfuzz >= 3 applies no processor by default: the strings are compared as given.
    return fuzz.ratio, fuzz.token_sort_ratio


_RAPIDFUZZ = _load_rapidfuzz()

#: The backend used when a call names none: "rapidfuzz" if it imported, else "pure".
BACKEND: Backend = "rapidfuzz" if _RAPIDFUZZ is not None else "pure"


def _pick(backend: Backend | None) -> tuple[_Scorer, _Scorer]:
    chosen = BACKEND if backend is None else backend
    if chosen == "pure":
        return _pure_ratio, _pure_token_sort_ratio
    if _RAPIDFUZZ is None:
        raise ValueError("the rapidfuzz backend was asked for but rapidfuzz is not installed")
    return _RAPIDFUZZ


def ratio(a: str, b: str, *, backend: Backend | None = None) -> float:
    """Similarity of two strings, 0..100: ``100 * (1 - indel_distance / (len(a) + len(b)))``.

    Two empty strings score 100. ``backend`` forces an implementation (tests compare both);
    by default it is ``BACKEND``.

    Raises:
        ValueError: when ``backend="rapidfuzz"`` is asked for and rapidfuzz is not installed.
    """
    return float(_pick(backend)[0](a, b))


def token_sort_ratio(a: str, b: str, *, backend: Backend | None = None) -> float:
    """``ratio`` after sorting each string's whitespace-separated tokens, 0..100.

    Raises:
        ValueError: when ``backend="rapidfuzz"`` is asked for and rapidfuzz is not installed.
    """
    return float(_pick(backend)[1](a, b))
