"""Text-comparison primitives shared by the album and track matchers.

What belongs here: small, pure comparisons of already-normalized text (similarity, the subset
guard, articles, numbers). What doesn't: the matching rules themselves (``match.py``,
``track_match.py``) or normalization (``normalize.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tagbridge.core.fuzz import ratio, token_sort_ratio
from tagbridge.core.model import MatchKind

__all__ = ["Verdict", "ARTICLES", "similarity", "strict_subset", "without_article", "numbers_in",
           "with_arabic_numbers"]

ARTICLES = frozenset({"the", "a", "an"})
_ROMAN_VALUES = {"ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10",
                 "xi": "11", "xii": "12"}
_ROMAN = frozenset(_ROMAN_VALUES)
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """How a candidate compares with the query: kind (None when rejected), score and reasons."""

    kind: MatchKind | None
    score: float  # 0..1; 0.0 when rejected
    reasons: tuple[str, ...]
    #: The same album by the same artist, differing at most in edition, track count or year.
    same_album: bool = False

    @property
    def accepted(self) -> bool:
        """True unless the candidate was rejected outright (callers still apply their minimum score)."""
        return self.kind is not None


def similarity(a: str, b: str) -> float:
    """0..1: the better of plain and token-sorted ratio; never a partial or set ratio (subset trap)."""
    return max(ratio(a, b), token_sort_ratio(a, b)) / 100.0


def strict_subset(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> bool:
    """``a`` < ``b`` with more than articles added: "Ladies" < "Single Ladies", not "Beatles" < "The Beatles"."""
    return a < b and not (b - a) <= ARTICLES


def without_article(text: str) -> str:
    """``text`` without a leading article, unless the article is all there is."""
    first, _, rest = text.partition(" ")
    return rest if rest and first in ARTICLES else text


def numbers_in(text: str) -> frozenset[str]:
    """The numbers (digits or roman numerals, as digits) in ``text``: "Led Zeppelin II" differs from "III",
    and is "Led Zeppelin 2"."""
    words = text.split()
    if len(words) == 1 and words[0] in _ROMAN:
        return frozenset()  # a title of one letter is a word: Ed Sheeran's "x" is not ten
    return frozenset(_ROMAN_VALUES.get(w, w.lstrip("0") or w) for w in words if _DIGITS.search(w) or w in _ROMAN)


def with_arabic_numbers(text: str) -> str:
    """``text`` with roman-numeral words written in digits ("led zeppelin ii" is "led zeppelin 2");
    a title that is one letter keeps it (Ed Sheeran's "x")."""
    words = text.split()
    if len(words) == 1:
        return text
    return " ".join(_ROMAN_VALUES.get(w, w) for w in words)
