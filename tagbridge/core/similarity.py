"""Text-comparison primitives shared by the album and track matchers.

What belongs here: small, pure comparisons of already-normalized text (similarity, the subset
guard, articles, numbers). What doesn't: the matching rules themselves (``match.py``,
``track_match.py``) or normalization (``normalize.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tagbridge.core.fuzz import ratio, token_sort_ratio
from tagbridge.core.model import MatchKind

__all__ = ["Verdict", "ARTICLES", "similarity", "strict_subset", "without_article", "numbers_in",
           "with_arabic_numbers", "compare_titles", "ARTICLE_SIMILARITY", "EDITION_FACTOR", "NO_ARTIST_FACTOR"]

#: "Beatles" and "The Beatles": the same name, not spelled the same (albums, tracks and artists alike).
ARTICLE_SIMILARITY = 0.97
#: Per differing edition qualifier set or release type.
EDITION_FACTOR = 0.9
#: One side has no artist: the title alone can't make it exact.
NO_ARTIST_FACTOR = 0.9

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


def compare_titles(query: str, candidate: str, reasons: list[str],
                   on_subset: Callable[[], float | None] | None = None) -> float | None:
    """Similarity 0..1 of two normalized base titles (1.0: equal), or None to reject; appends its reasons.

    The rules both matchers share: equal, equal but for a leading article, equal once roman
    numerals are digits; one title's words a strict subset of the other's is a different title
    (unless ``on_subset`` vouches for it, the album matcher's "title names its artist"); other
    numbers are another volume or part; otherwise the plain similarity.
    """
    if query == candidate:
        reasons.append("title equal after normalization")
        return 1.0
    if without_article(query) == without_article(candidate):
        reasons.append("title equal but for a leading article")
        return ARTICLE_SIMILARITY
    if with_arabic_numbers(query) == with_arabic_numbers(candidate):
        reasons.append("title equal, one number written in roman numerals (II is 2)")
        return 1.0
    q_words, c_words = set(query.split()), set(candidate.split())
    if strict_subset(q_words, c_words) or strict_subset(c_words, q_words):
        named = on_subset() if on_subset is not None else None
        if named is not None:
            return named
        reasons.append(f"one title contains the other: {query!r} vs {candidate!r}")
        return None
    q_numbers, c_numbers = numbers_in(query), numbers_in(candidate)
    if q_numbers != c_numbers:
        reasons.append(f"numbers differ: {sorted(q_numbers)} vs {sorted(c_numbers)}")
        return None
    score = similarity(query, candidate)
    reasons.append(f"title similarity {score:.2f}")
    return score
