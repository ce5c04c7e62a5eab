"""The real Anna's Archive sample, read in place from Parquet into plain rows for the fake servers.

What belongs here: loading ``../shared/data/annas-sample/*.parquet`` (never copied) and indexing the
rows the way the dump's joins need them: by ``rowid``, by base62 ``id``, link tables in file order.
No HTTP and no response shapes; the clones build those.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, cast

import pytest
from shared_paths import ANNAS_SAMPLE, require_shared

__all__ = [
    "AlbumRow",
    "ArtistAlbumRow",
    "ArtistRow",
    "ImageRow",
    "Sample",
    "TrackRow",
    "load_sample",
    "sample_or_skip",
]


class AlbumRow(TypedDict):
    """A row of ``albums``."""

    rowid: int
    id: str
    fetched_at: int
    name: str
    album_type: str
    available_markets_rowid: int
    external_id_upc: str | None
    copyright_c: str | None
    copyright_p: str | None
    label: str | None
    popularity: int
    release_date: str
    release_date_precision: str
    total_tracks: int
    external_id_amgid: str | None


class TrackRow(TypedDict):
    """A row of ``tracks``; ``explicit`` is 0/1 as in the dump."""

    rowid: int
    id: str
    fetched_at: int
    name: str
    preview_url: str | None
    album_rowid: int
    track_number: int
    external_id_isrc: str | None
    popularity: int
    available_markets_rowid: int
    disc_number: int
    duration_ms: int
    explicit: int


class ArtistRow(TypedDict):
    """A row of ``artists``."""

    rowid: int
    id: str
    fetched_at: int
    name: str
    followers_total: int
    popularity: int


class ArtistAlbumRow(TypedDict):
    """A row of ``artist_albums``; ``index_in_album`` is null on "appears on" links."""

    artist_rowid: int
    album_rowid: int
    is_appears_on: int
    is_implicit_appears_on: int
    index_in_album: int | None


class ImageRow(TypedDict):
    """A row of ``album_images`` or ``artist_images`` (the owner column is dropped)."""

    width: int
    height: int
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """The sample's rows with the lookups the clones need; treat every row as read-only."""

    albums: tuple[AlbumRow, ...]
    tracks: tuple[TrackRow, ...]
    artists: tuple[ArtistRow, ...]
    album_by_id: Mapping[str, AlbumRow]
    album_by_rowid: Mapping[int, AlbumRow]
    track_by_id: Mapping[str, TrackRow]
    artist_by_id: Mapping[str, ArtistRow]
    artist_by_rowid: Mapping[int, ArtistRow]
    #: album rowid -> its tracks in file order (the files are sorted by rowid).
    album_tracks: Mapping[int, tuple[TrackRow, ...]]
    #: track rowid -> artist rowids in file order, which keeps the primary artist first.
    track_artist_rowids: Mapping[int, tuple[int, ...]]
    #: album rowid -> every artist_albums row in file order, duplicates and "appears on" included.
    album_artist_links: Mapping[int, tuple[ArtistAlbumRow, ...]]
    album_images: Mapping[int, tuple[ImageRow, ...]]
    artist_images: Mapping[int, tuple[ImageRow, ...]]
    artist_genres: Mapping[int, tuple[str, ...]]
    #: available_markets rowid -> the raw comma-separated string (or "unavailable").
    markets: Mapping[int, str]
    #: table name -> column names, as the Parquet schema gives them.
    columns: Mapping[str, tuple[str, ...]]

    def track_artists(self, track_rowid: int) -> list[ArtistRow]:
        """A track's artists, primary first."""
        return [self.artist_by_rowid[r] for r in self.track_artist_rowids.get(track_rowid, ())]

    def main_album_artists(self, album_rowid: int) -> list[ArtistRow]:
        """The album artists Spotify shows: not "appears on", by ``index_in_album``, each once."""
        links = [
            link
            for link in self.album_artist_links.get(album_rowid, ())
            if link["is_appears_on"] == 0 and link["is_implicit_appears_on"] == 0
        ]
        links.sort(key=lambda link: link["index_in_album"] or 0)
        seen: dict[int, ArtistRow] = {}
        for link in links:  # the sample repeats some link rows verbatim
            seen.setdefault(link["artist_rowid"], self.artist_by_rowid[link["artist_rowid"]])
        return list(seen.values())

    def market_codes(self, markets_rowid: int) -> list[str]:
        """Country codes of a markets row; the literal ``unavailable`` row means none."""
        raw = self.markets.get(markets_rowid, "")
        if raw == "unavailable":
            return []
        return [code for code in raw.split(",") if code]


def _read(directory: Path, table: str) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # pyarrow ships no type hints

    data = pq.read_table(directory / f"{table}.parquet")
    return cast(list[dict[str, Any]], data.to_pylist()), tuple(cast(list[str], data.column_names))


def _images(rows: list[dict[str, Any]], owner: str) -> dict[int, tuple[ImageRow, ...]]:
    grouped: defaultdict[int, list[ImageRow]] = defaultdict(list)
    for row in rows:
        grouped[row[owner]].append(ImageRow(width=row["width"], height=row["height"], url=row["url"]))
    return {key: tuple(value) for key, value in grouped.items()}


@functools.cache
def load_sample(directory: Path = ANNAS_SAMPLE) -> Sample:
    """Read every table of the sample under ``directory`` once per process."""
    tables = (
        "albums",
        "tracks",
        "artists",
        "track_artists",
        "artist_albums",
        "album_images",
        "artist_images",
        "artist_genres",
        "available_markets",
        "track_audio_features",
    )
    raw = {table: _read(directory, table) for table in tables}
    albums = cast(list[AlbumRow], raw["albums"][0])
    tracks = cast(list[TrackRow], raw["tracks"][0])
    artists = cast(list[ArtistRow], raw["artists"][0])
    album_tracks: defaultdict[int, list[TrackRow]] = defaultdict(list)
    for track in tracks:
        album_tracks[track["album_rowid"]].append(track)
    track_artists: defaultdict[int, list[int]] = defaultdict(list)
    for link in raw["track_artists"][0]:
        track_artists[link["track_rowid"]].append(link["artist_rowid"])
    album_links: defaultdict[int, list[ArtistAlbumRow]] = defaultdict(list)
    for row in cast(list[ArtistAlbumRow], raw["artist_albums"][0]):
        album_links[row["album_rowid"]].append(row)
    genres: defaultdict[int, list[str]] = defaultdict(list)
    for genre in raw["artist_genres"][0]:
        genres[genre["artist_rowid"]].append(genre["genre"])
    return Sample(
        albums=tuple(albums),
        tracks=tuple(tracks),
        artists=tuple(artists),
        album_by_id={a["id"]: a for a in albums},
        album_by_rowid={a["rowid"]: a for a in albums},
        track_by_id={t["id"]: t for t in tracks},
        artist_by_id={a["id"]: a for a in artists},
        artist_by_rowid={a["rowid"]: a for a in artists},
        album_tracks={k: tuple(v) for k, v in album_tracks.items()},
        track_artist_rowids={k: tuple(v) for k, v in track_artists.items()},
        album_artist_links={k: tuple(v) for k, v in album_links.items()},
        album_images=_images(raw["album_images"][0], "album_rowid"),
        artist_images=_images(raw["artist_images"][0], "artist_rowid"),
        artist_genres={k: tuple(v) for k, v in genres.items()},
        markets={m["rowid"]: m["available_markets"] for m in raw["available_markets"][0]},
        columns={table: columns for table, (_, columns) in raw.items()},
    )


def sample_or_skip() -> Sample:
    """The sample, or a pytest skip saying why (../shared absent, or pyarrow not installed)."""
    directory = require_shared(ANNAS_SAMPLE)
    pytest.importorskip("pyarrow", reason="pyarrow reads the Anna's sample; install the test extra")
    return load_sample(directory)
