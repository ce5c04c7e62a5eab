"""Spotify (the Web API or a local clone of it) as a metadata and cover-art source.

This module is the source's front: what it offers (:class:`Spotify`), reading the ids, URLs and
URIs users paste (:func:`parse_spotify_ref`), cover-art candidates (:func:`album_art`), and
the public names of its parts, re-exported here:

* ``spotify_session.py``: tokens, the per-run session, routes and dialect detection;
* ``spotify_lookup.py``: lookups by album id, track id, ISRC and UPC, and record building;
* ``spotify_search.py``: text searches scored by the core's matchers;
* ``spotify_types.py``: the wire shapes of both dialects.

What doesn't belong anywhere here: I/O (drivers run the lookups), reading the environment or
the clock (the session is handed both), and ranking against other sources (core/rank.py).

Cover facts: album images come at 640, 300 and 64 px. An ``i.scdn.co`` URL whose file name
starts ``ab67616d0000b273`` (the 640 px one) has a larger sibling under ``ab67616d000082c1``,
often 1000 px or more but not always present; it is offered with its size unknown until probed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Final, Literal
from urllib.parse import urlsplit

from tagbridge.core.errors import ConfigError
from tagbridge.core.http import Lookup
from tagbridge.core.editions import explicitness_of_tracks
from tagbridge.core.model import AlbumQuery, ArtCandidate, ArtFindings, MatchKind
from tagbridge.core.records import AlbumRecord
from tagbridge.core.service import ServiceInfo
from tagbridge.sources.spotify_lookup import (
    album_by_id,
    album_record,
    albums_by_ids,
    albums_by_upc,
    normalize_isrc,
    search_limit,
    track_by_id,
    isrcs_of_tracks,
    track_record,
    tracks_by_ids,
    tracks_by_isrc,
    upc_forms,
)
from tagbridge.sources.spotify_search import (
    AlbumSearch,
    album_by_isrcs,
    album_search_query,
    score_album,
    search_albums,
    search_tracks,
    seed_words,
    track_search_query,
)
from tagbridge.sources.spotify_session import (
    SEARCH_LIMIT,
    SOURCE,
    Dialect,
    SpotifyLearned,
    SpotifySession,
    SpotifyToken,
    build_token_request,
    parse_token,
    read_json,
)

__all__ = [
    "INFO",
    "SpotifyToken",
    "SpotifySession",
    "SpotifyLearned",
    "Dialect",
    "parse_spotify_ref",
    "album_art",
    "can_answer",
    "NEEDS",
    "AlbumSearch",
    "art_candidates",
    "larger_image_url",
    "album_by_id",
    "albums_by_ids",
    "track_by_id",
    "tracks_by_isrc",
    "tracks_by_ids",
    "isrcs_of_tracks",
    "albums_by_upc",
    "search_albums",
    "search_tracks",
    "album_by_isrcs",
    "album_record",
    "track_record",
    "score_album",
    "upc_forms",
    "normalize_isrc",
    "search_limit",
    "album_search_query",
    "track_search_query",
    "seed_words",
    "build_token_request",
    "parse_token",
    "read_json",
]

_log = logging.getLogger(__name__)


INFO: Final = ServiceInfo(
    name=SOURCE,
    title="Spotify",
    # None published for the Web API; a polite default. A local clone is not limited unless the
    # user sets a rate for it.
    rate="10/1",
    # Development Mode (February 2026) answers 400 "Invalid limit" above this.
    search_limit=SEARCH_LIMIT,
    # The largest size Spotify states for album images; the 82c1 variant is unknown until probed.
    typical_size=640,
)


# --- ids, URLs and URIs ---------------------------------------------------------------------

_KINDS = "album|track|artist|playlist|episode|show"
_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_URI = re.compile(rf"^spotify:({_KINDS}):([^:/?#\s]*)$")
_URL = re.compile(
    rf"^(?:https?://)?open\.spotify\.com/(?:intl-[a-z]{{2}}(?:[-_][A-Za-z]{{2}})?/)?(?:embed/)?({_KINDS})/"
    r"([^/?#\s]*)/?(?:[?#].*)?$"
)


def parse_spotify_ref(text: str, kind: Literal["album", "track"]) -> str:
    """The 22-character Spotify id in ``text``: a bare id, an ``open.spotify.com`` URL or a ``spotify:`` URI.

    Raises:
        ConfigError: ``text`` names another kind of item (a track URL where an album was
            wanted), or is not a Spotify id, URL or URI at all.
    """
    value = text.strip()
    if _ID.match(value):
        return value
    found = _URI.match(value) or _URL.match(value)
    article = "an" if kind == "album" else "a"
    if found is None:
        raise ConfigError(
            f"{text!r} is not a Spotify {kind} id (22 letters and digits), "
            f"an open.spotify.com/{kind}/… URL or a spotify:{kind}:… URI"
        )
    what, item_id = found.group(1), found.group(2)
    if what != kind:
        raise ConfigError(f"{text!r} is a Spotify {what} link, not {article} {kind}")
    if not _ID.match(item_id):
        raise ConfigError(f"{text!r} does not hold a valid Spotify {kind} id (22 letters and digits)")
    return item_id


# --- cover art ------------------------------------------------------------------------------

_SMALL_PREFIX, _LARGE_PREFIX = "ab67616d0000b273", "ab67616d000082c1"


def larger_image_url(url: str) -> str | None:
    """The ``ab67616d000082c1`` sibling of a 640 px ``i.scdn.co`` album image URL; None for other URLs."""
    parts = urlsplit(url)
    head, _, name = parts.path.rpartition("/")
    if parts.netloc.lower() != "i.scdn.co" or head != "/image" or not name.startswith(_SMALL_PREFIX):
        return None
    return f"{parts.scheme}://{parts.netloc}/image/{_LARGE_PREFIX}{name[len(_SMALL_PREFIX):]}"


def art_candidates(record: AlbumRecord, *, match: MatchKind, score: float, reasons: Iterable[str]) -> list[ArtCandidate]:
    """The album's images as candidates, biggest first, then the larger variant with its size unknown."""
    if not record.images:
        _log.debug("spotify: album %s offers no images (the seed clone serves none)", record.id)
        return []
    artist = ", ".join(a.name for a in record.artists)
    why = (*reasons, f"Spotify album {record.id}")

    def candidate(url: str, width: int | None, height: int | None, note: str) -> ArtCandidate:
        return ArtCandidate(source=SOURCE, id=record.id, url=url, artist=artist, title=record.title, match=match,
                            score=score, width=width, height=height, size_hint=max(width or 0, height or 0) or None,
                            track_count=record.total_tracks, year=record.year, explicitness=explicit,
                            reasons=(*why, note))

    explicit = explicitness_of_tracks([t.explicit for t in record.tracks])

    out = [candidate(i.url, i.width, i.height, f"image {i.width}x{i.height}" if i.width and i.height
                     else "image size not stated") for i in record.images]
    larger = next((u for u in (larger_image_url(i.url) for i in record.images) if u), None)
    if larger:
        out.append(candidate(larger, None, None, "larger variant (ab67616d000082c1): size unknown until probed"))
    return out


def can_answer(query: AlbumQuery) -> bool:
    """True when Spotify has something to go on: a Spotify link, a barcode, or artist and album."""
    return bool(query.links.spotify_album_ids or query.barcode or (query.artist and query.album))


#: Said when :func:`can_answer` is False.
NEEDS: Final = "an artist and album, a barcode or a Spotify link"


def album_art(session: SpotifySession, query: AlbumQuery) -> Lookup[ArtFindings]:
    """Cover candidates for ``query``, strongest route first.

    Spotify album ids linked from MusicBrainz (``id`` match), else the barcode's albums
    (``id`` match), else a text search scored by ``match_album``.
    """
    ids = query.links.spotify_album_ids
    if ids:
        linked = yield from albums_by_ids(session, ids)
        if linked:
            return ArtFindings.of(c for r in linked for c in art_candidates(
                r, match=MatchKind.ID, score=1.0, reasons=("linked from a MusicBrainz url-rel",)))
    if query.barcode:
        by_upc = yield from albums_by_upc(session, query.barcode)
        if by_upc:
            return ArtFindings.of(c for r in by_upc for c in art_candidates(
                r, match=MatchKind.ID, score=r.score or 1.0, reasons=r.reasons))
    if not query.album.strip():
        return ArtFindings()
    found = yield from search_albums(session, query)
    return ArtFindings.of(
        (c for r in found.records if r.match is not None
         for c in art_candidates(r, match=r.match, score=r.score or 0.0, reasons=r.reasons)),
        found.passed_over,
    )
