"""Deciding whether one source's album is the queried album, and how sure we are.

What belongs here: ``match_album``, which compares a query with one candidate's artist credit,
title, track count and year and returns a kind (exact, fuzzy or rejected), a 0..1 score and the
reasons. What doesn't: text normalization (core/normalize.py), string scorers (core/fuzz.py),
identifier matches (a source that reached an album by ID knows that without us) and ordering
candidates against each other (core/rank.py).

Wrong art is worse than no art, so the rules lean to rejecting:

- EXACT: normalized artists (or their sets of names) equal, base titles equal, the same content
  and edition qualifiers and a compatible release type. "explicit" and "standard" are ignored:
  stores add them inconsistently and they never change the cover beyond an advisory sticker.
  "remastered" is *not* ignored, since remasters often get new art; it only demotes to FUZZY.
- FUZZY, score 0.9: the same, except an edition qualifier or the release type differs. The
  plain title then stays the exact match and the deluxe one ranks below it.
- Rejected: a content qualifier (live, drumless, karaoke, ...) on one side only; one title's
  words a strict subset of the other's ("Ladies" in "Single Ladies"); one credit a strict subset
  of the other ("Ariel NOAH" in "Difki Khalif & Ariel NOAH"); different numbers ("Vol. 1" and
  "Vol. 2"); a various-artists query against a single artist's album or the reverse.
- A leading article ("The Beatles" and "Beatles") is not a subset difference: such names
  score 0.97 and can never be EXACT.
- Otherwise FUZZY with ``title_similarity ** 1.5 * artist_similarity``: the title weighs more,
  and a weak title cannot be rescued by a strong artist. Callers drop scores below their minimum
  (``Settings.min_score``, 0.85 by default).

Track count and year only adjust a score; they never decide a match on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tagbridge.core.fuzz import ratio, token_sort_ratio
from tagbridge.core.model import AlbumQuery, MatchKind
from tagbridge.core.normalize import CONTENT_QUALIFIERS, Title, artist_set, normalize_artist, split_title

__all__ = ["AlbumMatch", "match_album", "title_matches_exactly"]

_EDITION_FACTOR = 0.9  # per differing edition qualifier set or release type
_TRACK_COUNT_FACTOR = 0.93  # track counts far apart: probably another edition
_YEAR_FACTOR = 0.97  # years more than one apart: reissues are common, so only a nudge
_TRACK_COUNT_BONUS = 0.02
# A track-count bonus is only added to scores already at or above the default minimum score,
# so it can reorder accepted candidates but never be the reason one is accepted.
_BONUS_FLOOR = 0.85
_ARTICLE_SIMILARITY = 0.97  # "Beatles" and "The Beatles": the same name, not spelled the same
_NO_ARTIST_FACTOR = 0.9  # one side has no artist: the title alone can't make it exact

_IGNORED_QUALIFIERS = frozenset({"explicit", "standard"})
_ARTICLES = frozenset({"the", "a", "an"})
_VARIOUS = frozenset(
    {
        "various artists",
        "various artist",
        "various",
        "va",
        "v a",
        "varios artistas",
        "varios",
        "artistes divers",
        "verschiedene interpreten",
        "varios interpretes",
        "artisti vari",
        "diverse artiesten",
    }
)
# A content qualifier one side lacks is forgiven when that side's base already says it:
# "MTV Unplugged in New York" against "MTV Unplugged in New York (Live)".
_IMPLIED_BY = {
    "live": frozenset({"live", "unplugged", "concert", "alive"}),
    "acoustic": frozenset({"acoustic", "unplugged"}),
    "a cappella": frozenset({"cappella", "acapella"}),
    "remix": frozenset({"remix", "remixes", "remixed"}),
    "instrumental": frozenset({"instrumental", "instrumentals"}),
}
_ROMAN = frozenset({"ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"})
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True, slots=True, kw_only=True)
class AlbumMatch:
    """How a candidate album compares with the query: kind (None when rejected), score and reasons."""

    kind: MatchKind | None
    score: float  # 0..1; 0.0 when rejected
    reasons: tuple[str, ...]

    @property
    def accepted(self) -> bool:
        """True unless the candidate was rejected outright (callers still apply their minimum score)."""
        return self.kind is not None


def _reject(reasons: list[str], why: str) -> AlbumMatch:
    return AlbumMatch(kind=None, score=0.0, reasons=(*reasons, why))


def _similarity(a: str, b: str) -> float:
    return max(ratio(a, b), token_sort_ratio(a, b)) / 100.0


def _strict_subset(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> bool:
    """``a`` < ``b`` with more than articles added: "Ladies" < "Single Ladies", not "Beatles" < "The Beatles"."""
    return a < b and not (b - a) <= _ARTICLES


def _without_article(text: str) -> str:
    first, _, rest = text.partition(" ")
    return rest if rest and first in _ARTICLES else text


def _numbers(text: str) -> frozenset[str]:
    return frozenset(w for w in text.split() if _DIGITS.search(w) or w in _ROMAN)


def _is_various(normalized: str) -> bool:
    return normalized in _VARIOUS


def _compare_artists(query: str, candidate: str, compilation: bool, reasons: list[str]) -> float | None:
    """Artist similarity 0..1 (1.0 means equal), or None to reject; appends its reasons."""
    q, c = normalize_artist(query), normalize_artist(candidate)
    if not q or not c:
        reasons.append("no artist to compare")
        return _NO_ARTIST_FACTOR
    if _is_various(q):
        if _is_various(c) or compilation:
            reasons.append("various-artists compilation")
            return 1.0
        reasons.append(f"query is various artists, candidate by {candidate!r}")
        return None
    if _is_various(c):
        reasons.append(f"candidate is a various-artists compilation, query by {query!r}")
        return None
    if q == c:
        reasons.append("artist equal after normalization")
        return 1.0
    q_names, c_names = artist_set(query), artist_set(candidate)
    if q_names == c_names:
        reasons.append("same artists in another order")
        return 1.0
    if q_names < c_names or c_names < q_names:
        reasons.append(f"artist credit differs in who takes part: {query!r} vs {candidate!r}")
        return None
    if _without_article(q) == _without_article(c):
        reasons.append("artist equal but for a leading article")
        return _ARTICLE_SIMILARITY
    q_words, c_words = set(q.split()), set(c.split())
    if _strict_subset(q_words, c_words) or _strict_subset(c_words, q_words):
        reasons.append(f"one artist name contains the other: {query!r} vs {candidate!r}")
        return None
    similarity = _similarity(q, c)
    reasons.append(f"artist similarity {similarity:.2f}")
    return similarity


def _compare_bases(query: Title, candidate: Title, reasons: list[str]) -> float | None:
    """Base-title similarity 0..1 (1.0 means equal), or None to reject; appends its reasons."""
    if query.base == candidate.base:
        reasons.append("title equal after normalization")
        return 1.0
    if _without_article(query.base) == _without_article(candidate.base):
        reasons.append("title equal but for a leading article")
        return _ARTICLE_SIMILARITY
    q_words, c_words = set(query.base.split()), set(candidate.base.split())
    if _strict_subset(q_words, c_words) or _strict_subset(c_words, q_words):
        reasons.append(f"one title contains the other: {query.base!r} vs {candidate.base!r}")
        return None
    q_numbers, c_numbers = _numbers(query.base), _numbers(candidate.base)
    if q_numbers != c_numbers:
        reasons.append(f"numbers differ: {sorted(q_numbers)} vs {sorted(c_numbers)}")
        return None
    similarity = _similarity(query.base, candidate.base)
    reasons.append(f"title similarity {similarity:.2f}")
    return similarity


def _content(title: Title, other: Title) -> frozenset[str]:
    """``title``'s content qualifiers, less those ``other``'s base already implies."""
    words = set(other.base.split())
    return frozenset(q for q in title.qualifiers & CONTENT_QUALIFIERS if not _implied(q, words))


def _implied(qualifier: str, words: set[str]) -> bool:
    synonyms = _IMPLIED_BY.get(qualifier)
    if synonyms is not None:
        return bool(words & synonyms)
    return set(qualifier.split()) <= words


def _release_type_fits(candidate_type: str, tracks: int | None) -> bool:
    # Apple's rules: a single has 1-3 tracks, an EP 4-6 (we allow 7 for bonus tracks).
    if tracks is None:
        return False
    return tracks <= (3 if candidate_type == "single" else 7)


def _edition_factor(query: Title, candidate: Title, tracks: int | None, reasons: list[str]) -> float:
    factor = 1.0
    q_editions = query.qualifiers - CONTENT_QUALIFIERS - _IGNORED_QUALIFIERS
    c_editions = candidate.qualifiers - CONTENT_QUALIFIERS - _IGNORED_QUALIFIERS
    if q_editions != c_editions:
        differing = ", ".join(sorted(q_editions ^ c_editions))
        reasons.append(f"edition differs: {differing}")
        factor *= _EDITION_FACTOR
    if query.release_type != candidate.release_type:
        if query.release_type is None and candidate.release_type is not None and _release_type_fits(
            candidate.release_type, tracks
        ):
            reasons.append(f"{candidate.release_type} fits the query's {tracks} track(s)")
        else:
            kinds = f"{query.release_type or 'album'} vs {candidate.release_type or 'album'}"
            reasons.append(f"release type differs: {kinds}")
            factor *= _EDITION_FACTOR
    return factor


def _adjust_for_counts(
    score: float, query: AlbumQuery, track_count: int | None, year: int | None, reasons: list[str]
) -> float:
    if query.tracks is not None and track_count is not None:
        if query.tracks == track_count:
            reasons.append(f"track count {track_count} matches")
            if score >= _BONUS_FLOOR:
                score = min(1.0, score + _TRACK_COUNT_BONUS)
        elif abs(query.tracks - track_count) > max(2, 0.2 * max(query.tracks, track_count)):
            reasons.append(f"track count {track_count} vs {query.tracks}: probably another edition")
            score *= _TRACK_COUNT_FACTOR
        else:
            reasons.append(f"track count {track_count} vs {query.tracks}: close")
    if query.year is not None and year is not None and abs(query.year - year) > 1:
        reasons.append(f"year {year} vs {query.year}")
        score *= _YEAR_FACTOR
    return score


def match_album(
    query: AlbumQuery,
    *,
    artist: str,
    title: str,
    track_count: int | None = None,
    year: int | None = None,
    compilation: bool = False,
) -> AlbumMatch:
    """Compare a candidate album (``artist``, ``title``, ...) with ``query``.

    Args:
        query: what the user asked for; its ``tracks`` and ``year`` are used when set.
        artist: the candidate's album artist credit.
        title: the candidate's album title as the source shows it ("X (Deluxe Edition) - Single").
        track_count: the candidate's number of tracks, when known.
        year: the candidate's release year, when known.
        compilation: the source marks the candidate as a various-artists compilation.

    Returns:
        kind EXACT or FUZZY with a 0..1 score, or kind None (score 0.0) when rejected; the
        reasons say why either way.
    """
    reasons: list[str] = []
    if not query.album.strip() or not title.strip():
        return _reject(reasons, "no title to compare")
    q_title, c_title = split_title(query.album), split_title(title)
    q_content, c_content = _content(q_title, c_title), _content(c_title, q_title)
    if q_content != c_content:
        only = ", ".join(sorted(q_content ^ c_content))
        return _reject(reasons, f"different recording: {only} on one side only")
    title_similarity = _compare_bases(q_title, c_title, reasons)
    if title_similarity is None:
        return _reject(reasons, "title is a different album")
    artist_similarity = _compare_artists(query.artist, artist, compilation, reasons)
    if artist_similarity is None:
        return _reject(reasons, "artist is someone else")
    factor = _edition_factor(q_title, c_title, query.tracks, reasons)
    if title_similarity == 1.0 and artist_similarity == 1.0 and factor == 1.0:
        kind = MatchKind.EXACT
        score = 1.0
    else:
        kind = MatchKind.FUZZY
        score = title_similarity**1.5 * artist_similarity * factor
    score = _adjust_for_counts(score, query, track_count, year, reasons)
    return AlbumMatch(kind=kind, score=score, reasons=tuple(reasons))


def title_matches_exactly(a: str, b: str) -> bool:
    """True when two album titles have the same base, the same qualifiers and the same release type."""
    ta, tb = split_title(a), split_title(b)
    return (
        ta.base == tb.base
        and ta.qualifiers - _IGNORED_QUALIFIERS == tb.qualifiers - _IGNORED_QUALIFIERS
        and ta.release_type == tb.release_type
    )
