"""Deciding whether one source's track is the queried track, and how sure we are.

What belongs here: ``match_track``, which compares a query's artist and title (and duration,
when known) with one candidate track and returns a kind (exact, fuzzy or rejected), a 0..1
score and the reasons. What doesn't: normalization (core/normalize.py), string scorers
(core/fuzz.py), albums (core/match.py, whose rules this follows) and identifier matches.

The rules lean to rejecting, as for albums:

- EXACT: normalized artists (or their sets of names) equal and base titles equal, with the same
  qualifiers. Featured artists are stripped on both sides: "Song (feat. X)" is "Song", and
  "A feat. B" is "A". Sources that list every artist separately (Spotify) pass the first as
  the artist and the rest as featured: ``"A feat. B, C"``.
- FUZZY, score 0.9: the same except an edition qualifier ("Remastered 2009", "Mono").
- Rejected: a content qualifier (live, remix, acoustic, instrumental, ...) on one side only;
  one title's words a strict subset of the other's ("Ladies" in "Single Ladies", "Song" in
  "Song - Tommy Baynen Remix"); one credit a strict subset of the other (the query names an
  artist who is only featured on the candidate, or who is absent); different numbers.
- Otherwise FUZZY with ``title_similarity ** 1.5 * artist_similarity``.
- Durations, when both are known, only adjust a score: within 3 s agree, up to 10 s cost a
  little, further apart is probably another version (radio edit, extended mix).
"""

from __future__ import annotations

from tagbridge.core.model import MatchKind
from tagbridge.core.match import compare_artists
from tagbridge.core.normalize import (
    CONTENT_QUALIFIERS,
    IGNORED_QUALIFIERS,
    Title,
    split_title,
)
from tagbridge.core.similarity import EDITION_FACTOR, Verdict, compare_titles

__all__ = ["TrackMatch", "match_track"]

_EDITION_FACTOR = EDITION_FACTOR
_DURATION_CLOSE = 3_000  # ms: encoders and stores disagree by a second or two
_DURATION_NEAR = 10_000
_DURATION_NEAR_FACTOR = 0.97
_DURATION_FAR_FACTOR = 0.8  # probably another version; under the default minimum unless all else is exact
_IGNORED_QUALIFIERS = IGNORED_QUALIFIERS

#: The verdict shape shared with the other matcher (core/similarity.py).
TrackMatch = Verdict


def _reject(reasons: list[str], why: str) -> TrackMatch:
    return TrackMatch(kind=None, score=0.0, reasons=(*reasons, why))










def _compare_artists(query: str, candidate: str, reasons: list[str]) -> float | None:
    # A track's credit must name the same people: "Kanye West" is not "JAY-Z & Kanye West"'s track.
    return compare_artists(query, candidate, reasons, subset_refusal="a track credit names its artists")


def _compare_titles(query: Title, candidate: Title, reasons: list[str]) -> float | None:
    return compare_titles(query.base, candidate.base, reasons)


def _duration_factor(query_ms: int | None, candidate_ms: int | None, reasons: list[str]) -> float:
    if query_ms is None or candidate_ms is None:
        return 1.0
    gap = abs(query_ms - candidate_ms)
    if gap <= _DURATION_CLOSE:
        reasons.append("duration agrees")
        return 1.0
    if gap <= _DURATION_NEAR:
        reasons.append(f"duration differs by {gap / 1000:.0f} s")
        return _DURATION_NEAR_FACTOR
    reasons.append(f"duration differs by {gap / 1000:.0f} s: probably another version")
    return _DURATION_FAR_FACTOR


def match_track(
    query_artist: str,
    query_title: str,
    *,
    artist: str,
    title: str,
    duration_ms: int | None = None,
    query_duration_ms: int | None = None,
) -> TrackMatch:
    """Compare a candidate track (``artist``, ``title``, ``duration_ms``) with the query.

    Args:
        query_artist: the artist credit asked for ("A", "A feat. B", "A & B").
        query_title: the title asked for.
        artist: the candidate's credit; list extra artists as featured ("A feat. B, C").
        title: the candidate's title as the source shows it ("Song - Remastered 2009").
        duration_ms, query_duration_ms: lengths, when both sides know them.

    Returns:
        kind EXACT or FUZZY with a 0..1 score, or kind None (score 0.0) when rejected; the
        reasons say why either way.
    """
    reasons: list[str] = []
    if not query_title.strip() or not title.strip():
        return _reject(reasons, "no title to compare")
    q_title, c_title = split_title(query_title), split_title(title)
    q_content, c_content = q_title.qualifiers & CONTENT_QUALIFIERS, c_title.qualifiers & CONTENT_QUALIFIERS
    if q_content != c_content:
        return _reject(reasons, f"different recording: {', '.join(sorted(q_content ^ c_content))} on one side only")
    title_similarity = _compare_titles(q_title, c_title, reasons)
    if title_similarity is None:
        return _reject(reasons, "title is a different track")
    artist_similarity = _compare_artists(query_artist, artist, reasons)
    if artist_similarity is None:
        return _reject(reasons, "artist is someone else")
    factor = 1.0
    q_editions = q_title.qualifiers - CONTENT_QUALIFIERS - _IGNORED_QUALIFIERS
    c_editions = c_title.qualifiers - CONTENT_QUALIFIERS - _IGNORED_QUALIFIERS
    if q_editions != c_editions:
        reasons.append(f"edition differs: {', '.join(sorted(q_editions ^ c_editions))}")
        factor = _EDITION_FACTOR
    if title_similarity == 1.0 and artist_similarity == 1.0 and factor == 1.0:
        kind, score = MatchKind.EXACT, 1.0
    else:
        kind, score = MatchKind.FUZZY, title_similarity**1.5 * artist_similarity * factor
    score *= _duration_factor(query_duration_ms, duration_ms, reasons)
    return TrackMatch(kind=kind, score=score, reasons=tuple(reasons))
