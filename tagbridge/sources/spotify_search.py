"""Spotify text search for albums and tracks, scored by the core's matchers, not by Spotify's rank.

What belongs here: building ``album:"…" artist:"…"`` and ``track:"…" artist:"…"`` queries (and
the seed clone's word-only form), following search pages, scoring every hit with
:func:`~tagbridge.core.match.match_album` / :func:`~tagbridge.core.track_match.match_track`, and
confirming an album by its tracks' ISRCs. What doesn't: lookups by identifier and record
building (``spotify_lookup.py``), tokens and routes (``spotify_session.py``).

The seed clone (moddroid94/local-green-api) needs care:

* ``type=album`` is not implemented, so an album search becomes a track search grouped by album.
* Its query parser knows only ``artist:``, ``album:`` and ``isrc:`` followed by plain words:
  quotes and punctuation break it, ``track:`` is parsed but never applied, and an unknown
  filter is ignored, so it answers the first tracks of its whole table. Words before the first
  filter are a substring test on the track name. All its tests are case-sensitive substring
  tests. So we send it words only, never ``upc:`` or quoted filters, and score whatever comes back.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from tagbridge.core.editions import (
    explicitness_fit,
    explicitness_of_tracks,
    name_twins,
    track_count_fit,
    wanted_explicitness,
)
from tagbridge.core.errors import BadResponse
from tagbridge.core.http import Lookup
from tagbridge.core.match import RENAMED_ARTIST_SCORE, AlbumMatch, match_album, renamed_artist
from tagbridge.core.model import AlbumQuery, MatchKind, PassedOver
from tagbridge.core.rank import clears_minimum, under_minimum
from tagbridge.core.records import AlbumRecord, ArtistRef, TrackRecord
from tagbridge.core.track_match import match_track
from tagbridge.sources.spotify_lookup import (
    album_by_id,
    album_record,
    albums_by_ids,
    normalize_isrc,
    search_limit,
    track_record,
)
from tagbridge.sources.spotify_session import SOURCE, Params, SpotifySession, read_json
from tagbridge.sources.spotify_types import (
    SimplifiedAlbumJson,
    TrackJson,
    read_album_search,
    read_track_search,
    search_unsupported,
)

__all__ = [
    "album_search_query",
    "track_search_query",
    "seed_words",
    "score_album",
    "search_albums",
    "search_tracks",
    "album_by_isrcs",
    "AlbumSearch",
    "passed_over",
]

_log = logging.getLogger(__name__)

_BRACKETED = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_LEADING_WORDS = re.compile(r"\w+(?: +\w+)*")


def _quoted(text: str) -> str:
    return '"' + " ".join(text.replace('"', " ").split()) + '"'


def album_search_query(query: AlbumQuery) -> str:
    """``album:"…" artist:"…"`` for Spotify, the album's bracketed qualifiers left out.

    Dropping "(Deluxe Edition)" only widens the search; the matcher still sees the full title.
    """
    album = _BRACKETED.sub("", query.album).strip() or query.album.strip()
    q = f"album:{_quoted(album)}"
    return f"{q} artist:{_quoted(query.artist)}" if query.artist.strip() else q


def track_search_query(artist: str, title: str) -> str:
    """``track:"…" artist:"…"`` for Spotify."""
    q = f"track:{_quoted(title)}"
    return f"{q} artist:{_quoted(artist)}" if artist.strip() else q


def seed_words(text: str) -> str:
    """The first run of plain words in ``text``, the only form the seed clone's parser accepts.

    Its filters are substring tests, so a leading run of the name ("Random Access Memories"
    of "Random Access Memories (Deluxe)", "AC" of "AC/DC") still finds it; everything found is
    scored afterwards.
    """
    match = _LEADING_WORDS.search(" ".join(text.split()))
    return match.group(0) if match else ""


def _year(date: str | None) -> int | None:
    head = (date or "")[:4]
    return int(head) if head.isdigit() and int(head) > 0 else None


def _credit(record: AlbumRecord) -> str:
    return ", ".join(a.name for a in record.artists)


def score_album(query: AlbumQuery, record: AlbumRecord) -> AlbumMatch:
    """``match_album`` of ``record`` against ``query``: joined artist names, title, track count, year."""
    return match_album(
        query,
        artist=_credit(record),
        title=record.title,
        track_count=record.total_tracks or (len(record.tracks) or None),
        year=record.year,
        compilation=record.album_type == "compilation",
    )


def _with_verdict(record: AlbumRecord, verdict: AlbumMatch) -> AlbumRecord:
    return replace(record, match=verdict.kind, score=verdict.score, reasons=verdict.reasons)


def _best_first(records: Iterable[AlbumRecord], query: AlbumQuery | None = None,
                prefer: str = "explicit") -> list[AlbumRecord]:
    """Strongest match first; among equals the user's edition (track count, then not the twin the
    user does not have, by the tracks' flags: core/editions.py), then the score."""
    listed = list(records)
    wanted = wanted_explicitness(query.album, prefer, marked_clean=query.clean) if query else prefer  # type: ignore[arg-type]
    states = name_twins([((r.title.casefold(), r.total_tracks), explicitness_of_tracks([t.explicit for t in r.tracks]))
                         for r in listed])

    def key(item: tuple[AlbumRecord, str | None]) -> tuple[float, ...]:
        r, state = item
        count = track_count_fit(query.tracks, r.total_tracks or (len(r.tracks) or None)) if query else 1
        return (-(r.match.strength if r.match else 0), -count, -explicitness_fit(state, wanted),
                -(r.score or 0.0))

    return [r for r, _state in sorted(zip(listed, states), key=key)]


@dataclass(frozen=True, slots=True)
class AlbumSearch:
    """An album search's answer: the records that matched, best first, and what was passed over, with why."""

    records: list[AlbumRecord] = field(default_factory=list)
    passed_over: list[PassedOver] = field(default_factory=list)


def passed_over(record: AlbumRecord, *reasons: str, score: float | None = None) -> PassedOver:
    """A Spotify album passed over, for ``--explain``."""
    return PassedOver(source=SOURCE, id=record.id, artist=", ".join(a.name for a in record.artists),
                      title=record.title, reasons=reasons, url=record.url, score=score)


def _good(session: SpotifySession, record: AlbumRecord, verdict: AlbumMatch, out: AlbumSearch) -> bool:
    if verdict.kind is None or not clears_minimum(verdict.score, session.settings):
        why = verdict.reasons if verdict.kind is None else (
            *verdict.reasons, under_minimum(verdict.score, session.settings))
        out.passed_over.append(passed_over(record, *why, score=verdict.score))
        return False
    return True


def _fetched(session: SpotifySession, chosen: Sequence[tuple[AlbumRecord, AlbumMatch]],
             out: AlbumSearch) -> Lookup[list[tuple[AlbumRecord, AlbumMatch]]]:
    """The chosen search hits fetched whole; a hit whose album lookup answers "no such album" is passed over."""
    full = {r.id: r for r in (yield from albums_by_ids(session, [r.id for r, _v in chosen]))}
    kept = []
    for record, verdict in chosen:
        got = full.get(record.id)
        if got is None:
            out.passed_over.append(passed_over(record, "the search found it, but its album lookup answered "
                                                       "\"no such album\" (HTTP 404)", score=verdict.score))
        else:
            kept.append((got, verdict))
    return kept


def search_albums(session: SpotifySession, query: AlbumQuery, *, fetch: int = 3, pages: int = 2) -> Lookup[AlbumSearch]:
    """Albums matching the query's text, fetched whole and scored, best first.

    Every search hit is scored with ``match_album``; only the best ``fetch`` at or above
    ``Settings.min_score`` are fetched. A further search page (up to ``pages``) is read only
    while no hit reached the minimum.

    Returns:
        Records carrying ``match``, ``score`` and ``reasons`` (empty when nothing matched), and
        every hit passed over with why.
    """
    out = AlbumSearch()
    if not query.album.strip():
        return out
    if session.dialect == "seed":
        return (yield from _seed_search_albums(session, query, fetch, out))
    where: str = "/search"
    params: Params = (("q", album_search_query(query)), ("type", "album"), ("limit", search_limit(session)))
    scored: dict[str, tuple[AlbumRecord, AlbumMatch]] = {}
    for _ in range(max(1, pages)):
        response = yield from session.send(where, params, shape=read_album_search)
        body = read_json(response)
        if search_unsupported(body, "album"):
            session.mark_seed("type=album search is not implemented")
            return (yield from _seed_search_albums(session, query, fetch, out))
        page = read_album_search(body)
        if page is None:
            raise BadResponse(SOURCE, response.url, "search answer has no 'albums' paging object")
        records = [album_record(album) for album in page["items"]]
        answer = [(_credit(r), r.title) for r in records]
        for record in records:
            verdict = score_album(query, record)
            if verdict.kind is None or verdict.score < RENAMED_ARTIST_SCORE:
                # An artist Spotify credits another way: only on exact title, track count and year.
                verdict = renamed_artist(query, (_credit(record), record.title, record.total_tracks, record.year),
                                         answer) or verdict
            if _good(session, record, verdict, out):
                scored.setdefault(record.id, (record, verdict))
        if scored or page["next"] is None:
            break
        where, params = page["next"], ()
    ranked = sorted(scored.values(), key=lambda rv: (-(rv[1].kind.strength if rv[1].kind else 0), -rv[1].score))
    for record, verdict in ranked[max(0, fetch):]:
        out.passed_over.append(passed_over(record, *verdict.reasons, f"not fetched: {fetch} better hits were",
                                           score=verdict.score))
    kept = yield from _fetched(session, ranked[: max(0, fetch)], out)
    out.records.extend(_best_first((_with_verdict(r, v) for r, v in kept), query, session.settings.prefer))
    return out


def _seed_search_albums(session: SpotifySession, query: AlbumQuery, fetch: int,
                        out: AlbumSearch) -> Lookup[AlbumSearch]:
    """The seed clone's album search: a track search by album and artist words, grouped by album."""
    album_words, artist_words = seed_words(query.album), seed_words(query.artist)
    if not album_words:
        _log.debug("spotify: %r has no plain words for the seed clone's album: filter", query.album)
        return out
    q = f"album:{album_words}" + (f" artist:{artist_words}" if artist_words else "")
    response = yield from session.send("/search", (("q", q), ("type", "track"), ("limit", search_limit(session))),
                                       shape=read_track_search)
    page = read_track_search(read_json(response))
    if page is None:
        raise BadResponse(SOURCE, response.url, "search answer has no 'track' paging object")
    albums: dict[str, SimplifiedAlbumJson] = {}
    leads: dict[str, Counter[ArtistRef]] = {}
    for track in page[0]:
        album = track.get("album")
        credit = track_record(track).artists
        if album is None or not credit:
            continue
        albums.setdefault(album["id"], album)
        leads.setdefault(album["id"], Counter())[credit[0]] += 1
    # Hit albums list the tracks' artists, not the album's: score by the most frequent lead
    # artist first, fetch the best, then score again with the credit rebuilt from every track.
    chosen: list[tuple[AlbumRecord, AlbumMatch]] = []
    for album_id, album in albums.items():
        record = replace(album_record(album), artists=(leads[album_id].most_common(1)[0][0],))
        verdict = score_album(query, record)
        if _good(session, record, verdict, out):
            chosen.append((record, verdict))
    chosen.sort(key=lambda rv: -rv[1].score)
    found = []
    for record, _verdict in chosen[: max(0, fetch)]:
        full = yield from album_by_id(session, record.id)
        if full is None:
            out.passed_over.append(passed_over(record, "the search found it, but its album lookup answered "
                                                       "\"no such album\""))
            continue
        verdict = score_album(query, full)
        if _good(session, full, verdict, out):
            found.append(_with_verdict(full, verdict))
    out.records.extend(_best_first(found, query, session.settings.prefer))
    return out


def _track_credit(artists: Sequence[ArtistRef]) -> str:
    """Spotify lists every artist alike; the first leads and the rest count as featured."""
    names = [a.name for a in artists]
    return names[0] + (" feat. " + ", ".join(names[1:]) if len(names) > 1 else "") if names else ""


def search_tracks(session: SpotifySession, artist: str, title: str, *, pages: int = 2) -> Lookup[list[TrackRecord]]:
    """Tracks matching ``artist`` and ``title``, scored with ``match_track``, best first.

    Hits under ``Settings.min_score`` are dropped; a further page (up to ``pages``) is read only
    while no hit reached it.
    """
    if not title.strip():
        return []
    spec: Params = (("q", track_search_query(artist, title)), ("type", "track"), ("limit", search_limit(session)))
    words, artist_words = seed_words(title), seed_words(artist)
    # The seed clone tests the words before the first filter against the track name.
    seed_q = " ".join(part for part in (words, f"artist:{artist_words}" if artist_words else "") if part)
    seed: tuple[str, Params] = ("/search", (("q", seed_q), ("type", "track"), ("limit", search_limit(session))))
    if session.dialect == "seed" and not words:
        return []
    where, params = "/search", spec
    found: dict[str, TrackRecord] = {}
    for _ in range(max(1, pages)):
        response = yield from session.send(where, params, seed=seed, shape=read_track_search)
        page = read_track_search(read_json(response))
        if page is None:
            raise BadResponse(SOURCE, response.url, "search answer has no 'tracks' paging object")
        for record in _scored_tracks(session, artist, title, page[0]):
            found.setdefault(record.id, record)
        if found or page[1] is None:
            break
        where, params = page[1], ()
    return sorted(found.values(), key=lambda r: (-(r.match.strength if r.match else 0), -(r.score or 0.0)))


def _scored_tracks(session: SpotifySession, artist: str, title: str, tracks: Iterable[TrackJson]) -> list[TrackRecord]:
    out = []
    for track in tracks:
        album = track.get("album")
        record = track_record(track, album_id=album["id"] if album else None, album_title=album["name"] if album else None)
        verdict = match_track(artist, title, artist=_track_credit(record.artists), title=record.title)
        if verdict.kind is None or not clears_minimum(verdict.score, session.settings):
            _log.debug("spotify: passed over track %r: %s", record.title, "; ".join(verdict.reasons))
            continue
        out.append(replace(record, match=verdict.kind, score=verdict.score, reasons=verdict.reasons))
    return out


def album_by_isrcs(session: SpotifySession, title: str, artist: str, isrcs: Iterable[str]) -> Lookup[AlbumRecord | None]:
    """The album titled ``title`` whose tracks carry at least half of ``isrcs``, as an ``id`` match.

    For clones whose ``isrc:`` filter fails: search by text, then confirm each found album by
    the ISRCs of its tracks. None when no album is confirmed.
    """
    wanted = {code for code in (normalize_isrc(i) for i in isrcs) if code}
    if not wanted:
        return None
    best: tuple[int, AlbumRecord] | None = None
    for record in (yield from search_albums(session, AlbumQuery(artist=artist, album=title))).records:
        present = len(wanted & {t.isrc.upper() for t in record.tracks if t.isrc})
        if present * 2 >= len(wanted) and (best is None or present > best[0]):
            best = (present, record)
        else:
            _log.debug("spotify: album %s has %d of %d ISRCs: not confirmed", record.id, present, len(wanted))
    if best is None:
        return None
    present, record = best
    return replace(record, match=MatchKind.ID, score=1.0,
                   reasons=(f"{present} of {len(wanted)} ISRCs found on its tracks", *record.reasons))
