"""Reading the dump's rows for the Web API: typed rows, fetched by id, rowid or owner in batches.

What belongs here: the named tuples the queries of ``sql.py`` return and the few functions that
run them, one statement per batch (a page's tracks, their artists, their albums' images), never
one per item. What doesn't: SQL text (``sql.py``), JSON shapes (``objects.py``), search.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, Generic, NamedTuple, TypeVar

from tagbridge.catalog import sql

__all__ = [
    "AlbumRow",
    "TrackRow",
    "ArtistRow",
    "ArtistRef",
    "ImageRow",
    "Table",
    "ALBUMS",
    "TRACKS",
    "ARTISTS",
    "album_artists",
    "track_artists",
    "album_images",
    "artist_images",
    "artist_genres",
    "album_tracks",
    "album_track_count",
    "markets",
    "is_takedown",
    "artist_album_links",
]


class AlbumRow(NamedTuple):
    """The ``albums`` columns the API shows."""

    rowid: int
    id: str
    name: str | None
    album_type: str | None
    markets_rowid: int | None
    upc: str | None
    copyright_c: str | None
    copyright_p: str | None
    label: str | None
    popularity: int | None
    release_date: str | None
    release_date_precision: str | None
    total_tracks: int | None


class TrackRow(NamedTuple):
    """The ``tracks`` columns the API shows; ``explicit`` is the dump's 0/1."""

    rowid: int
    id: str
    name: str | None
    preview_url: str | None
    album_rowid: int | None
    track_number: int | None
    isrc: str | None
    popularity: int | None
    markets_rowid: int | None
    disc_number: int | None
    duration_ms: int | None
    explicit: int | None


class ArtistRow(NamedTuple):
    """The ``artists`` columns the API shows."""

    rowid: int
    id: str
    name: str | None
    followers: int | None
    popularity: int | None


class ArtistRef(NamedTuple):
    """An artist as albums and tracks credit it."""

    id: str
    name: str | None


class ImageRow(NamedTuple):
    """An ``album_images`` or ``artist_images`` row without its owner."""

    width: int | None
    height: int | None
    url: str


R = TypeVar("R", AlbumRow, TrackRow, ArtistRow)


def _json_list(values: Iterable[object]) -> str:
    """A list bound as one parameter, read by ``json_each`` in the statement."""
    return json.dumps(list(values))


def is_takedown(album: AlbumRow) -> bool:
    """A taken-down album: the dump keeps its row with an empty name."""
    return not album.name


class Table(Generic[R]):
    """Lookups of one item table (albums, tracks or artists) by base62 id or by rowid."""

    def __init__(self, by_id: str, by_ids: str, by_rowids: str, make: Callable[[Any], R]) -> None:
        self._by_id = by_id
        self._by_ids = by_ids
        self._by_rowids = by_rowids
        self._make: Callable[[Any], R] = make

    def one(self, conn: sqlite3.Connection, item_id: str) -> R | None:
        """One row by its base62 id (takedowns included), or None."""
        row = conn.execute(self._by_id, (item_id,)).fetchone()
        return self._make(row) if row else None

    def by_ids(self, conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, R]:
        """Rows by base62 id, in one statement."""
        return {row[1]: self._make(row) for row in conn.execute(self._by_ids, (_json_list(ids),))}

    def by_rowids(self, conn: sqlite3.Connection, rowids: Iterable[int]) -> dict[int, R]:
        """Rows by rowid, in one statement."""
        return {row[0]: self._make(row) for row in conn.execute(self._by_rowids, (_json_list(rowids),))}


ALBUMS: Final = Table(sql.ALBUM_BY_ID, sql.ALBUMS_BY_IDS, sql.ALBUMS_BY_ROWIDS, AlbumRow._make)
TRACKS: Final = Table(sql.TRACK_BY_ID, sql.TRACKS_BY_IDS, sql.TRACKS_BY_ROWIDS, TrackRow._make)
ARTISTS: Final = Table(sql.ARTIST_BY_ID, sql.ARTISTS_BY_IDS, sql.ARTISTS_BY_ROWIDS, ArtistRow._make)


def _credits(rows: Iterable[tuple[int, str, str | None]]) -> dict[int, list[ArtistRef]]:
    """Artists per owner in row order, each once (the dump repeats some link rows verbatim)."""
    credits: defaultdict[int, list[ArtistRef]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for owner, artist_id, name in rows:
        if (owner, artist_id) not in seen:
            seen.add((owner, artist_id))
            credits[owner].append(ArtistRef(artist_id, name))
    return credits


def album_artists(conn: sqlite3.Connection, album_rowids: Iterable[int]) -> dict[int, list[ArtistRef]]:
    """Album artists: the links with both appears-on flags 0, by ``index_in_album``."""
    return _credits(conn.execute(sql.ALBUM_ARTISTS, (_json_list(album_rowids),)))


def track_artists(conn: sqlite3.Connection, track_rowids: Iterable[int]) -> dict[int, list[ArtistRef]]:
    """Track artists in link-row order, the primary artist first."""
    return _credits(conn.execute(sql.TRACK_ARTISTS, (_json_list(track_rowids),)))


def _images(cursor: sqlite3.Cursor) -> dict[int, list[ImageRow]]:
    images: defaultdict[int, list[ImageRow]] = defaultdict(list)
    for owner, width, height, url in cursor:
        images[owner].append(ImageRow(width, height, url))
    return images


def album_images(conn: sqlite3.Connection, album_rowids: Iterable[int]) -> dict[int, list[ImageRow]]:
    """Album images, widest first, each once."""
    return _images(conn.execute(sql.ALBUM_IMAGES, (_json_list(album_rowids),)))


def artist_images(conn: sqlite3.Connection, artist_rowids: Iterable[int]) -> dict[int, list[ImageRow]]:
    """Artist images, widest first, each once."""
    return _images(conn.execute(sql.ARTIST_IMAGES, (_json_list(artist_rowids),)))


def artist_genres(conn: sqlite3.Connection, artist_rowids: Iterable[int]) -> dict[int, list[str]]:
    """Genres per artist, in the dump's order."""
    genres: defaultdict[int, list[str]] = defaultdict(list)
    for owner, genre in conn.execute(sql.ARTIST_GENRES, (_json_list(artist_rowids),)):
        genres[owner].append(genre)
    return genres


def album_tracks(conn: sqlite3.Connection, album_rowid: int, offset: int, limit: int) -> list[TrackRow]:
    """One page of an album's tracks, by disc and track number."""
    rows = conn.execute(sql.ALBUM_TRACKS, (album_rowid, limit, offset)).fetchall()
    return [TrackRow._make(row) for row in rows]


def album_track_count(conn: sqlite3.Connection, album_rowid: int) -> int:
    """How many track rows the album has (what its pages hold, whatever ``total_tracks`` says)."""
    return int(conn.execute(sql.ALBUM_TRACK_COUNT, (album_rowid,)).fetchone()[0])


def markets(conn: sqlite3.Connection, rowids: Iterable[int]) -> dict[int, str | None]:
    """The raw comma-separated ``available_markets`` strings by rowid."""
    return dict(conn.execute(sql.MARKETS, (_json_list(rowids),)).fetchall())


def artist_album_links(conn: sqlite3.Connection, artist_rowid: int,
                       cap: int) -> list[tuple[int, int, str | None, str | None]]:
    """``(album rowid, appears on, album_type, release_date)`` of an artist's albums, each once.

    ``appears on`` is 0 when any link makes the artist an album artist. At most ``cap`` links
    are read, takedowns left out.
    """
    return [(int(rowid), int(appears or 0), album_type, date)
            for rowid, appears, album_type, date in conn.execute(sql.ARTIST_ALBUMS, (artist_rowid, cap))]
