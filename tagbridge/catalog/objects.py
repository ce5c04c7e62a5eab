"""Rows of the dump -> Spotify Web API objects, built per request and encoded to JSON bytes.

What belongs here: :class:`Shaper`, which turns rows (``rows.py``) into the objects of
``api_types.py`` for one request, reading whatever else they need in one batched statement per
kind (all the page's track artists at once, all their albums' images at once); paging objects
and their links; and encoding a body. What doesn't: routing, parameters, errors (``api.py``),
search (``search.py``) and SQL text (``sql.py``).

The dump's rules are applied here: album artists are the ``artist_albums`` links with both
appears-on flags 0 in ``index_in_album`` order, ``explicit`` 0/1 becomes a boolean, images come
widest first, and the ``available_markets`` row ``unavailable`` means no markets.

Markets dominate the bodies: each track lists about 185 country codes, so a 50-track album
page holds some 9,000 strings, and encoding them took 1 ms of a 1.5 ms answer. A markets row is
therefore encoded once, kept in a bounded :class:`MarketCache` shared by the requests on a
catalog, and spliced into the encoded body in place of a one-element marker list.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from typing import Final
from urllib.parse import urlencode

from tagbridge.catalog import rows
from tagbridge.catalog.api_types import (
    AlbumObject,
    ArtistAlbumObject,
    ArtistAlbumPage,
    ArtistObject,
    CopyrightObject,
    ExternalIds,
    ImageObject,
    SimplifiedAlbumObject,
    SimplifiedArtistObject,
    SimplifiedTrackObject,
    SimplifiedTrackPage,
    TrackObject,
)
from tagbridge.catalog.rows import AlbumRow, ArtistRef, ArtistRow, ImageRow, TrackRow

__all__ = ["MarketCache", "Shaper", "Links", "page_links", "ALBUM_PAGE"]

#: Tracks on an album object's first page (Spotify's too).
ALBUM_PAGE: Final = 50

#: ``(href, next, previous)`` of a paging object.
Links = tuple[str, str | None, str | None]

_OPEN: Final = "https://open.spotify.com"
#: Marks where a markets list goes: a per-process nonce, so no text in the dump can look like it.
_NONCE: Final = secrets.token_hex(6)
_MARKER: Final = re.compile(r'\["\\u0000' + _NONCE + r':(\d+)\\u0000"\]')
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def _market_fragment(raw: str | None) -> str:
    """A markets row as an encoded JSON list; the row ``unavailable`` (and an empty one) is ``[]``."""
    if not raw or raw.strip() == "unavailable":
        return "[]"
    return _ENCODER.encode([code.strip() for code in raw.split(",") if code.strip()])


class MarketCache:
    """Encoded market lists by ``available_markets`` rowid, shared by a catalog's requests.

    Bounded: past ``size`` entries it starts over (the dump has far fewer distinct rows than a
    lookup touches tracks, so a full cache is rare). Thread-safe: dict reads and writes are
    atomic, and the reset takes a lock.
    """

    def __init__(self, size: int = 8192) -> None:
        self._size = size
        self._fragments: dict[int, str] = {}
        self._lock = threading.Lock()

    def get(self, rowid: int) -> str | None:
        """The encoded list, or None when not cached."""
        return self._fragments.get(rowid)

    def put(self, rowid: int, fragment: str) -> None:
        """Remember one encoded list."""
        if len(self._fragments) >= self._size:
            with self._lock:
                if len(self._fragments) >= self._size:
                    self._fragments = {}
        self._fragments[rowid] = fragment


def page_links(url: str, offset: int, limit: int, total: int, *, before: Sequence[tuple[str, str]] = (),
               after: Sequence[tuple[str, str]] = (), last_offset: int | None = None) -> Links:
    """A paging object's ``href``, ``next`` and ``previous`` under ``url``.

    Args:
        before, after: query parameters around ``offset`` and ``limit`` (Spotify's order:
            ``query``, ``type``, then ``offset``, ``limit``).
        last_offset: the largest offset a request may ask for (search stops at 1000); no
            ``next`` points past it.
    """

    def link(at: int) -> str:
        return f"{url}?{urlencode([*before, ('offset', str(at)), ('limit', str(limit)), *after])}"

    further = offset + limit
    has_next = further < total and (last_offset is None or further <= last_offset)
    return link(offset), link(further) if has_next else None, link(max(0, offset - limit)) if offset > 0 else None


class Shaper:
    """Builds the Spotify objects of one request over one connection, links under ``api_url``.

    Args:
        conn: the calling thread's catalog connection.
        api_url: where the request came, up to and including ``/v1`` (``http://host:port/v1``),
            so ``href`` and paging links point back at the same server.
        markets: the catalog's shared cache of encoded market lists.
    """

    def __init__(self, conn: sqlite3.Connection, api_url: str, markets: MarketCache) -> None:
        self.conn = conn
        self.api_url = api_url
        self._cache = markets
        self._used: dict[int, str] = {}

    # -- encoding ------------------------------------------------------------------------------

    def encode(self, body: object) -> bytes:
        """``body`` as compact UTF-8 JSON, with the market lists spliced in."""
        text = _ENCODER.encode(body)
        if self._used:
            used = self._used
            text = _MARKER.sub(lambda match: used[int(match[1])], text)
        return text.encode("utf-8")

    def _load_markets(self, rowids: Iterable[int | None]) -> None:
        missing: set[int] = set()
        for rowid in rowids:
            if rowid is None or rowid in self._used:
                continue
            fragment = self._cache.get(rowid)
            if fragment is None:
                missing.add(rowid)
            else:
                self._used[rowid] = fragment
        if missing:
            for rowid, raw in rows.markets(self.conn, missing).items():
                fragment = _market_fragment(raw)
                self._cache.put(rowid, fragment)
                self._used[rowid] = fragment

    def _markets(self, rowid: int | None) -> list[str]:
        if rowid is None or rowid not in self._used:
            return []
        return [f"\x00{_NONCE}:{rowid}\x00"]

    # -- artists -------------------------------------------------------------------------------

    def _artist_simple(self, artist: ArtistRef | ArtistRow) -> SimplifiedArtistObject:
        aid = artist.id
        return {
            "external_urls": {"spotify": f"{_OPEN}/artist/{aid}"},
            "href": f"{self.api_url}/artists/{aid}",
            "id": aid,
            "name": artist.name or "",
            "type": "artist",
            "uri": f"spotify:artist:{aid}",
        }

    def artists(self, artists: Sequence[ArtistRow]) -> list[ArtistObject]:
        """Full artist objects, in the order given."""
        rowids = [artist.rowid for artist in artists]
        genres = rows.artist_genres(self.conn, rowids) if rowids else {}
        images = rows.artist_images(self.conn, rowids) if rowids else {}
        return [self._artist(artist, genres.get(artist.rowid, []), images.get(artist.rowid, [])) for artist in artists]

    def _artist(self, artist: ArtistRow, genres: list[str], images: list[ImageRow]) -> ArtistObject:
        aid = artist.id
        return {
            "external_urls": {"spotify": f"{_OPEN}/artist/{aid}"},
            "followers": {"href": None, "total": artist.followers or 0},
            "genres": genres,
            "href": f"{self.api_url}/artists/{aid}",
            "id": aid,
            "images": _images(images),
            "name": artist.name or "",
            "popularity": artist.popularity or 0,
            "type": "artist",
            "uri": f"spotify:artist:{aid}",
        }

    # -- albums --------------------------------------------------------------------------------

    def albums(self, albums: Sequence[AlbumRow]) -> list[SimplifiedAlbumObject]:
        """Simplified album objects, in the order given, with their artists and images."""
        rowids = [album.rowid for album in albums]
        if not rowids:
            return []
        credits = rows.album_artists(self.conn, rowids)
        images = rows.album_images(self.conn, rowids)
        self._load_markets(album.markets_rowid for album in albums)
        return [self._album_simple(album, credits.get(album.rowid, []), images.get(album.rowid, []))
                for album in albums]

    def _album_simple(self, album: AlbumRow, artists: list[ArtistRef],
                      images: list[ImageRow]) -> SimplifiedAlbumObject:
        aid = album.id
        return {
            "album_type": album.album_type or "album",
            "total_tracks": album.total_tracks or 0,
            "available_markets": self._markets(album.markets_rowid),
            "external_urls": {"spotify": f"{_OPEN}/album/{aid}"},
            "href": f"{self.api_url}/albums/{aid}",
            "id": aid,
            "images": _images(images),
            "name": album.name or "",
            "release_date": album.release_date or "",
            "release_date_precision": _precision(album),
            "type": "album",
            "uri": f"spotify:album:{aid}",
            "artists": [self._artist_simple(artist) for artist in artists],
        }

    def album(self, album: AlbumRow) -> AlbumObject:
        """A full album object; ``tracks`` is its first page of :data:`ALBUM_PAGE`."""
        simple = self.albums([album])[0]
        tracks = self.album_tracks(album, 0, ALBUM_PAGE)
        copyrights: list[CopyrightObject] = []
        if album.copyright_c:
            copyrights.append({"text": album.copyright_c, "type": "C"})
        if album.copyright_p:
            copyrights.append({"text": album.copyright_p, "type": "P"})
        external: ExternalIds = {"upc": album.upc} if album.upc else {}
        return {
            **simple,
            "tracks": tracks,
            "copyrights": copyrights,
            "external_ids": external,
            "genres": [],
            "label": album.label or "",
            "popularity": album.popularity or 0,
        }

    def album_tracks(self, album: AlbumRow, offset: int, limit: int) -> SimplifiedTrackPage:
        """A page of an album's simplified tracks, with links to the album's other pages."""
        tracks = rows.album_tracks(self.conn, album.rowid, offset, limit)
        if len(tracks) < limit and (tracks or offset == 0):
            total = offset + len(tracks)
        else:
            total = rows.album_track_count(self.conn, album.rowid)
        href, nxt, previous = page_links(f"{self.api_url}/albums/{album.id}/tracks", offset, limit, total)
        return {"href": href, "items": self.simplified_tracks(tracks), "limit": limit, "next": nxt,
                "offset": offset, "previous": previous, "total": total}

    def artist_albums(self, albums: Sequence[tuple[AlbumRow, str]], links: Links, offset: int, limit: int,
                      total: int) -> ArtistAlbumPage:
        """An artist's page of albums, each with its ``album_group``."""
        shaped = self.albums([album for album, _group in albums])
        items: list[ArtistAlbumObject] = [{**simple, "album_group": group}
                                          for simple, (_album, group) in zip(shaped, albums)]
        href, nxt, previous = links
        return {"href": href, "items": items, "limit": limit, "next": nxt, "offset": offset,
                "previous": previous, "total": total}

    # -- tracks --------------------------------------------------------------------------------

    def simplified_tracks(self, tracks: Sequence[TrackRow]) -> list[SimplifiedTrackObject]:
        """Simplified track objects (an album's listing), in the order given."""
        if not tracks:
            return []
        credits = rows.track_artists(self.conn, [track.rowid for track in tracks])
        self._load_markets(track.markets_rowid for track in tracks)
        return [self._track_simple(track, credits.get(track.rowid, [])) for track in tracks]

    def _track_simple(self, track: TrackRow, artists: list[ArtistRef]) -> SimplifiedTrackObject:
        tid = track.id
        return {
            "artists": [self._artist_simple(artist) for artist in artists],
            "available_markets": self._markets(track.markets_rowid),
            "disc_number": track.disc_number or 1,
            "duration_ms": track.duration_ms or 0,
            "explicit": bool(track.explicit),
            "external_urls": {"spotify": f"{_OPEN}/track/{tid}"},
            "href": f"{self.api_url}/tracks/{tid}",
            "id": tid,
            "name": track.name or "",
            "preview_url": track.preview_url or None,
            "track_number": track.track_number or 0,
            "type": "track",
            "uri": f"spotify:track:{tid}",
            "is_local": False,
        }

    def tracks(self, tracks: Sequence[TrackRow], albums: dict[int, AlbumRow]) -> list[TrackObject]:
        """Full track objects, in the order given; ``albums`` holds every track's album by rowid."""
        wanted = list({track.album_rowid: albums[track.album_rowid] for track in tracks
                       if track.album_rowid is not None}.values())
        shaped = {album.rowid: simple for album, simple in zip(wanted, self.albums(wanted))}
        simple = self.simplified_tracks(tracks)
        out: list[TrackObject] = []
        for track, base in zip(tracks, simple):
            external: ExternalIds = {"isrc": track.isrc} if track.isrc else {}
            out.append({"album": shaped[track.album_rowid or 0], **base, "external_ids": external,
                        "popularity": track.popularity or 0})
        return out


def _images(images: list[ImageRow]) -> list[ImageObject]:
    return [{"url": image.url, "height": image.height, "width": image.width} for image in images]


def _precision(album: AlbumRow) -> str:
    """The dump's precision, or one read from the date's shape when the row has none."""
    if album.release_date_precision in ("year", "month", "day"):
        return album.release_date_precision
    length = len(album.release_date or "")
    return "year" if length <= 4 else "month" if length <= 7 else "day"
