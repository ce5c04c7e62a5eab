"""A synthetic catalog in the dump's schema, at any size, the same for the same seed: for tests, demos, benchmarks.

What belongs here: generating the dump's rows in chunks (so 10 million tracks take bounded
memory) and writing them to a catalog (then indexed as an import is) and/or to one Parquet file
per table, as the Kaggle edition has them. The rows have what the real dump has: artists with
many albums and artists on one track, featured artists, singles, albums, multi-disc deluxe
editions, Various Artists compilations that repeat other albums' recordings (the same ISRC),
missing UPCs, names in Japanese, Korean, Cyrillic, Greek and accented Latin, zero-filled dates,
a few market lists (one ``unavailable``), and images at Spotify's sizes. What doesn't: the words
and names (``synth_words.py``), SQL (``sql.py``), indexing (``build.py``, via ``importer.py``).

Every catalog holds :data:`FEATURED` at album rowid 1, whatever the seed: a demo tags against it.
"""

from __future__ import annotations

import itertools
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np

from tagbridge.catalog import build, sql, synth_words
from tagbridge.catalog.importer import ImportProgress, NoProgress, build_indexes, interruptible
from tagbridge.catalog.synth_words import mix
from tagbridge.core.errors import ConfigError

if TYPE_CHECKING:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

__all__ = ["FeaturedTrack", "FeaturedAlbum", "FEATURED", "VARIOUS_ARTISTS_ID", "SynthResult", "synth",
           "synth_catalog", "synth_parquet"]

#: Spotify's own id of the "Various Artists" artist (rowid 1 in a synthetic catalog).
VARIOUS_ARTISTS_ID: Final = "0LyfQWJT6nXafLPZqxe9Of"
#: Albums generated per chunk (about 5 tracks each): one transaction, one Parquet row group.
_CHUNK_ALBUMS: Final = 10_000
#: Artists written per chunk.
_CHUNK_ARTISTS: Final = 50_000
#: Recent recordings that compilations and deluxe editions may repeat (bounded memory).
_RECENT: Final = 20_000
_FETCHED_AT: Final = 1_741_824_000_000  # 2025-03-13, epoch ms, as the dump's
_DAY_MS: Final = 86_400_000
_B62: Final = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_ALBUM_IMAGES: Final = ((640, "ab67616d0000b273"), (300, "ab67616d00001e02"), (64, "ab67616d00004851"))
_ARTIST_IMAGES: Final = ((640, "ab6761610000e5eb"), (320, "ab67616100005174"), (160, "ab6761610000f178"))
_PREVIEW_CID: Final = "65b708073fc0480ea92a077233ca87bd"
_ISRC_COUNTRIES: Final = ("US", "US", "GB", "GB", "DE", "FR", "SE", "NL", "JP", "KR", "QM", "QZ", "CA", "AU")
Row = tuple[object, ...]
_Recording = tuple[str, str, int, tuple[int, ...], int]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeaturedTrack:
    """A track of :data:`FEATURED`."""

    id: str
    name: str
    duration_ms: int
    isrc: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FeaturedAlbum:
    """An album every synthetic catalog holds at album rowid 1 (artist rowid 2), whatever the seed.

    A demo tags files against it; pass ``featured=dataclasses.replace(FEATURED, tracks=...)`` to
    match other durations.
    """

    id: str
    name: str
    artist: str
    artist_id: str
    upc: str
    release_date: str
    label: str
    genre: str
    tracks: tuple[FeaturedTrack, ...]


def _featured_tracks(*items: tuple[str, int]) -> tuple[FeaturedTrack, ...]:
    return tuple(FeaturedTrack(id=f"5TbDemoTrackNightFer{n:02d}", name=name, duration_ms=ms,
                               isrc=f"QZTB51900{n:03d}") for n, (name, ms) in enumerate(items, 1))


FEATURED: Final = FeaturedAlbum(
    id="4TbDemoAlbumNightFerry", name="Night Ferry", artist="The Lantern Club", artist_id="2TbDemoArtistLanternCb",
    upc="0889853412307", release_date="2019-05-17", label="Harbour Lights Records", genre="indie pop",
    tracks=_featured_tracks(("Harbour Lights", 201_000), ("Paper Moons", 184_000), ("Salt on the Wire", 233_000),
                            ("Night Ferry", 262_000), ("Café Lumière", 175_000), ("Lighthouse Keeper", 248_000)),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthResult:
    """What :func:`synth` wrote."""

    db: Path | None
    parquet: Path | None
    tracks: int
    rows: dict[str, int]
    seconds: float
    featured: FeaturedAlbum

    @property
    def total_rows(self) -> int:
        """Rows written over all tables."""
        return sum(self.rows.values())


# --- ids and hashes, vectorized ----------------------------------------------------------------

def _mix_np(x: np.ndarray) -> np.ndarray:
    """:func:`~tagbridge.catalog.synth_words.mix` over an array of uint64 (wrapping as it does)."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    result: np.ndarray = x ^ (x >> np.uint64(31))
    return result


def _hashes(salt: int, first: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    # Each salt offsets the rowids by its own 64-bit hash: tables share no ids.
    keys = np.arange(first, first + count, dtype=np.uint64) + np.uint64(mix(salt))
    high = _mix_np(keys)  # a bijection: distinct rowids, distinct hashes
    return high, _mix_np(high ^ np.uint64(0x5DEECE66D))


def _ids(salt: int, first: int, count: int) -> list[str]:
    """Base62 ids of 22 characters, as Spotify's, for rowids ``first`` on; distinct rowids give distinct ids."""
    high, low = _hashes(salt, first, count)
    digits = np.empty((count, 22), dtype=np.uint8)
    for offset, value in ((0, low), (11, high)):  # 62**11 > 2**64: eleven digits keep all of a hash
        value = value.copy()
        for place in range(11):
            digits[:, offset + place] = _B62[(value % np.uint64(62)).astype(np.intp)]
            value //= np.uint64(62)
    text = digits.tobytes().decode("ascii")
    return [text[i:i + 22] for i in range(0, 22 * count, 22)]


def _hex(salt: int, first: int, count: int, width: int) -> list[str]:
    """``width`` (at most 32) hex digits per rowid, for image and preview URLs."""
    high, low = _hashes(salt, first, count)
    text = np.stack([high, low], axis=1).tobytes().hex()
    return [text[i:i + width] for i in range(0, 32 * count, 32)]


def _gtin(body: str) -> str:
    """``body`` with its GTIN check digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


# --- the generator -----------------------------------------------------------------------------

@dataclass(slots=True)
class _Chunk:
    tables: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in sql.DUMP_TABLES})

    def add(self, table: str, row: Row) -> None:
        self.tables[table].append(row)


@dataclass(slots=True)
class _Album:
    """One album being generated: its rowid, artists (primary first) and script."""

    rowid: int
    artists: tuple[int, ...]
    script: str
    year: int
    markets: int
    popularity: int
    pending: list[Row] = field(default_factory=list)
    #: The tracks' artists, parallel to ``pending``.
    credits: list[tuple[int, ...]] = field(default_factory=list)
    #: The tracks' recordings (name, ISRC, duration, artists, explicit), for a deluxe edition.
    recordings: list[_Recording] = field(default_factory=list)


class _Generator:
    """Makes the rows chunk by chunk; each chunk has its own seeded RNG, so output depends only on the seed."""

    def __init__(self, tracks: int, seed: int, featured: FeaturedAlbum) -> None:
        self.target = tracks
        self.seed = seed
        self.featured = featured
        self.salt = mix(seed & ((1 << 64) - 1))
        self.artists = max(20, tracks // 10)  # generated artists: rowids 3 .. artists + 2
        # Popular artists are scattered over rowids by a stride coprime with their count.
        self.stride = next(p for p in (1_000_003, 7_919, 104_729, 13) if self.artists % p)
        self.next_album = 1
        self.next_track = 1
        self.next_recording = 1
        self.recent: list[_Recording] = []  # a ring of the last _RECENT recordings
        self.recent_at = 0
        self.registrant = (-1, "")

    # artists ---------------------------------------------------------------------------------

    def _artist_key(self, rowid: int) -> int:
        return mix(self.salt ^ (rowid * 0x2545F4914F6CDD1D & ((1 << 64) - 1)))

    def artist_name(self, rowid: int) -> str:
        if rowid == 1:
            return "Various Artists"
        if rowid == 2:
            return self.featured.artist
        return synth_words.artist_name(self._artist_key(rowid))

    def artist_script(self, rowid: int) -> str:
        return "latin" if rowid <= 2 else synth_words.artist_script(self._artist_key(rowid))

    def _rank(self, rowid: int) -> int:
        return ((rowid - 3) * pow(self.stride, -1, self.artists)) % self.artists

    def popular_artist(self, rng: random.Random) -> int:
        """An artist rowid, popular ones far more often (a power law over ranks)."""
        rank = int(self.artists * rng.random() ** 3)
        return 3 + (rank * self.stride) % self.artists

    def artist_chunks(self) -> Iterator[_Chunk]:
        last = self.artists + 2
        for first in range(1, last + 1, _CHUNK_ARTISTS):
            count = min(_CHUNK_ARTISTS, last - first + 1)
            ids = _ids(self.salt ^ 1, first, count)
            images = _hex(self.salt ^ 2, first, count, 24)
            chunk = _Chunk()
            for offset, (rowid, artist_id) in enumerate(zip(range(first, first + count), ids)):
                self._artist_rows(chunk, rowid, artist_id, images[offset])
            yield chunk

    def _artist_rows(self, chunk: _Chunk, rowid: int, artist_id: str, image: str) -> None:
        key = self._artist_key(rowid)
        if rowid <= 2:
            popularity, artist_id = (60, VARIOUS_ARTISTS_ID) if rowid == 1 else (35, self.featured.artist_id)
        else:
            popularity = max(0, int(95 - 95 * (self._rank(rowid) / self.artists) ** 0.25) - (key >> 50) % 8)
        followers = int(10 ** (popularity / 16)) * (1 + (key >> 30) % 9)
        chunk.add("artists", (rowid, artist_id, _FETCHED_AT + (key >> 20) % 60 * _DAY_MS, self.artist_name(rowid),
                              followers, popularity))
        if rowid == 1:
            return
        genres = [self.featured.genre] if rowid == 2 else [
            synth_words.skewed(synth_words.GENRES, ((key >> (8 * i)) % 251) / 251) for i in range((key >> 4) % 4)]
        for genre in dict.fromkeys(genres):
            chunk.add("artist_genres", (rowid, genre))
        if (key >> 56) % 100 < 85 or rowid == 2:
            for width, prefix in _ARTIST_IMAGES:
                chunk.add("artist_images", (rowid, width, width, f"https://i.scdn.co/image/{prefix}{image}"))

    # albums and tracks -------------------------------------------------------------------------

    def album_chunks(self) -> Iterator[tuple[_Chunk, int]]:
        """``(chunk, tracks in it)`` until the catalog has its tracks."""
        number = 0
        while self.next_track <= self.target:
            rng = random.Random(mix(self.salt ^ (number + 0x1000)))
            chunk, first_album, first_track = _Chunk(), self.next_album, self.next_track
            if number == 0:
                self._featured_album(chunk)
            while self.next_album - first_album < _CHUNK_ALBUMS and self.next_track <= self.target:
                self._album(chunk, rng)
            self._fill_ids(chunk, first_album, first_track)
            number += 1
            yield chunk, self.next_track - first_track

    def _fill_ids(self, chunk: _Chunk, first_album: int, first_track: int) -> None:
        albums, tracks = chunk.tables["albums"], chunk.tables["tracks"]
        album_ids = _ids(self.salt ^ 3, first_album, len(albums))
        track_ids = _ids(self.salt ^ 4, first_track, len(tracks))
        covers = _hex(self.salt ^ 5, first_album, len(albums), 24)
        previews = _hex(self.salt ^ 6, first_track, len(tracks), 32)
        chunk.tables["albums"] = [(r[0], r[1] or i, *r[2:]) for r, i in zip(albums, album_ids)]
        chunk.tables["tracks"] = [(r[0], r[1] or i, r[2], r[3], f"https://p.scdn.co/mp3-preview/{p}{p[:8]}?cid="
                                   f"{_PREVIEW_CID}" if r[4] else None, *r[5:])
                                  for r, i, p in zip(tracks, track_ids, previews)]
        for rowid, cover in enumerate(covers, first_album):
            if rowid % 50:  # one album in fifty has no cover
                for width, prefix in _ALBUM_IMAGES:
                    chunk.add("album_images", (rowid, width, width, f"https://i.scdn.co/image/{prefix}{cover}"))

    def _featured_album(self, chunk: _Chunk) -> None:
        f = self.featured
        year = int(f.release_date[:4])
        chunk.add("albums", (1, f.id, _FETCHED_AT, f.name, "album", 2, f.upc, f"© {year} {f.label}",
                             f"℗ {year} {f.label}", f.label, 41, f.release_date, "day", len(f.tracks), None))
        chunk.add("artist_albums", (2, 1, 0, 0, 0))
        for number, track in enumerate(f.tracks[:self.target], 1):
            chunk.add("tracks", (self.next_track, track.id, _FETCHED_AT, track.name, 1, 1, number, track.isrc,
                                 38, 2, 1, track.duration_ms, 0))
            chunk.add("track_artists", (self.next_track, 2))
            self.next_track += 1
        self.next_album = 2

    def _album(self, chunk: _Chunk, rng: random.Random) -> None:
        kind = rng.random()
        if kind < 0.08:
            self._compilation(chunk, rng)
            return
        single = kind < 0.60
        artists: tuple[int, ...] = (self.popular_artist(rng),)
        if rng.random() < 0.08:
            artists += (self.popular_artist(rng),)
        script = self.artist_script(artists[0])
        year = 2024 - int(64 * rng.random() ** 1.4)
        album = self._new_album(rng, artists, script, year)
        count = (rng.choice((1, 1, 1, 1, 2, 2, 3, 3, 4, 5)) if single else
                 rng.randint(15, 30) if rng.random() < 0.1 else rng.randint(5, 14))
        name, live = ("", False) if single else synth_words.album_title(rng, script, self.artist_name(artists[0]))
        discs = 2 if count > 18 else 1
        for n in range(count):
            self._new_track(album, rng, disc=1 + n * discs // count, number=1 + n % -(-count // discs),
                            name=self._track_title(rng, script, live))
        if single:  # named after its first track
            name = album.recordings[0][0] if album.recordings else ""
            name = f"{name} (Remixes)" if rng.random() < 0.05 else name
        self._close(chunk, album, rng, "single" if single else "album", name)
        if not single and rng.random() < 0.07:
            self._deluxe(chunk, rng, album, name)

    def _new_album(self, rng: random.Random, artists: tuple[int, ...], script: str, year: int) -> _Album:
        markets, _codes = synth_words.by_share(synth_words.MARKETS, int(rng.random() * 1000), synth_words.MARKETS[1][1])
        album = _Album(self.next_album, artists, script, year, markets, int(100 * rng.random() ** 2.5))
        self.next_album += 1
        return album

    def _track_title(self, rng: random.Random, script: str, live: bool) -> str:
        name = synth_words.title(rng, script)
        if live:
            return f"{name} - Live"
        version = synth_words.by_share(synth_words.VERSIONS, int(rng.random() * 1000), "")
        if version is None:
            return rng.choice(("Intro", "Interlude", "Outro"))
        if not version:
            return name
        remixer = self.artist_name(self.popular_artist(rng)) if "{remixer}" in version else ""
        return name + version.format(remixer=remixer, year=2001 + int(rng.random() * 24), part=rng.choice((2, 3)))

    def _new_track(self, album: _Album, rng: random.Random, *, disc: int, number: int, name: str,
                   recording: _Recording | None = None) -> None:
        """Queue a track of ``album``: a new recording, or ``recording`` again (same name, ISRC, artist)."""
        if self.next_track > self.target:
            return
        artists: tuple[int, ...]
        if recording is None:
            r = rng.random
            # About normal (215 s, sd 55 s): a sum of three uniforms, cheaper than gauss().
            duration = max(30_000, int(215_000 + 110_000 * (r() + r() + r() - 1.5)))
            isrc = self._isrc(album.year)
            explicit = int(rng.random() < 0.08)
            artists = album.artists
            if rng.random() < 0.08:
                guest = self.popular_artist(rng)
                artists += (guest,)
                name = f"{name} ({rng.choice(('feat.', 'feat.', 'with'))} {self.artist_name(guest)})"
            recording = (name, isrc, duration, artists, explicit)
            if len(self.recent) < _RECENT:
                self.recent.append(recording)
            else:
                self.recent[self.recent_at] = recording
                self.recent_at = (self.recent_at + 1) % _RECENT
        else:
            name, isrc, duration, artists, explicit = recording
        markets = album.markets if rng.random() < 0.95 else 2
        album.pending.append((self.next_track, "", _FETCHED_AT, name, rng.random() < 0.35, album.rowid, number,
                              isrc, max(0, min(100, album.popularity + int(rng.random() * 26) - 15)), markets, disc,
                              duration, explicit))
        album.credits.append(artists)
        album.recordings.append(recording)
        self.next_track += 1

    def _isrc(self, year: int) -> str:
        # Distinct recordings get distinct ISRCs: registrant and number count them up, as labels do.
        n = self.next_recording
        self.next_recording += 1
        block, number = divmod(n, 100_000)
        if block != self.registrant[0]:
            self.registrant = (block, np.base_repr(block + 1296, 36)[-3:])  # three characters from "100" on
        country = _ISRC_COUNTRIES[(n * 0x9E3779B1 >> 20) % len(_ISRC_COUNTRIES)]
        return f"{country}{self.registrant[1]}{year % 100:02d}{number:05d}"

    def _close(self, chunk: _Chunk, album: _Album, rng: random.Random, album_type: str, name: str) -> None:
        """Write ``album`` with its queued tracks and their artists' links (not at all when the catalog was full)."""
        if not album.pending:
            return
        label = synth_words.label_name(self._artist_key(album.artists[0]))
        date, precision = self._release_date(rng, album.year)
        upc = None if rng.random() < 0.10 else self._upc(album.rowid)
        chunk.add("albums", (album.rowid, "", _FETCHED_AT + rng.randint(0, 90) * _DAY_MS, name, album_type,
                             album.markets, upc, f"© {album.year} {label}", f"℗ {album.year} {label}", label,
                             album.popularity, date, precision, len(album.pending), None))
        for index, artist in enumerate(album.artists):
            chunk.add("artist_albums", (artist, album.rowid, 0, 0, index))
        guests: dict[int, None] = {}
        chunk.tables["tracks"].extend(album.pending)
        links = chunk.tables["track_artists"]
        for track, artists in zip(album.pending, album.credits):
            for artist in artists:
                links.append((track[0], artist))
                if artist not in album.artists:
                    guests[artist] = None
        for guest in guests:
            chunk.add("artist_albums", (guest, album.rowid, *((1, 0) if album.artists != (1,) else (0, 1)), None))

    def _release_date(self, rng: random.Random, year: int) -> tuple[str, str]:
        shape, precision = synth_words.by_share(synth_words.DATES, int(rng.random() * 1000),
                                                ("{year}-{month:02d}-{day:02d}", "day"))
        return shape.format(year=year, month=rng.randint(1, 12), day=rng.randint(1, 28)), precision

    def _upc(self, rowid: int) -> str:
        body = rowid % 10**8  # distinct albums, distinct UPCs
        style = rowid % 5
        if style < 2:
            return _gtin(f"19{body:09d}")  # UPC-A, 12 digits
        if style < 4:
            return _gtin(f"50{body:010d}")  # EAN-13
        return _gtin(f"00602{body:08d}")  # GTIN-14 with leading zeros, as the dump has some

    def _compilation(self, chunk: _Chunk, rng: random.Random) -> None:
        year = 2024 - int(40 * rng.random() ** 1.4)
        album = self._new_album(rng, (1,), "latin", year)
        count = rng.randint(12, 40)
        discs = 2 if count > 25 else 1
        # Mostly recordings of other albums (the same ISRC), each once, once there are enough to pick from.
        picks = iter(rng.sample(self.recent, count) if len(self.recent) >= 10 * count else ())
        for n in range(count):
            recording = next(picks, None) if rng.random() < 0.9 else None
            if recording is None:
                album.artists = (self.popular_artist(rng),)
            self._new_track(album, rng, disc=1 + n * discs // count, number=1 + n % -(-count // discs),
                            name=synth_words.title(rng, "latin"), recording=recording)
            album.artists = (1,)
        self._close(chunk, album, rng, "compilation", synth_words.compilation_title(rng, year))

    def _deluxe(self, chunk: _Chunk, rng: random.Random, original: _Album, name: str) -> None:
        """A later 2-disc edition: the original's recordings again (same ISRCs), then bonus tracks."""
        album = self._new_album(rng, original.artists, original.script, min(2024, original.year + rng.randint(1, 20)))
        for number, recording in enumerate(original.recordings, 1):
            self._new_track(album, rng, disc=1, number=number, name=recording[0], recording=recording)
        for n in range(rng.randint(3, 10)):
            base = original.recordings[n % len(original.recordings)][0] if original.recordings else "Bonus"
            extra = rng.choice(("Demo", "Live", "Instrumental", "Acoustic", "Early Version"))
            self._new_track(album, rng, disc=2, number=n + 1, name=f"{base} - {extra}")
        edition = rng.choice(("Deluxe Edition", "Deluxe", "Expanded Edition", "Anniversary Edition", "Remastered"))
        self._close(chunk, album, rng, "album", f"{name} ({edition})")


# --- writing -----------------------------------------------------------------------------------

def _markets_chunk() -> _Chunk:
    chunk = _Chunk()
    for _share, (rowid, codes) in synth_words.MARKETS:
        chunk.add("available_markets", (rowid, codes))
    return chunk


class _SqliteSink:
    """A new catalog file: bulk settings, rows chunk by chunk, then indexed and marked complete as an import is."""

    def __init__(self, path: Path, *, overwrite: bool) -> None:
        _clear(path, overwrite=overwrite, also=(Path(f"{path}-wal"), Path(f"{path}-shm")))
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.conn = sqlite3.connect(path)
        build.begin_bulk(self.conn)
        build.create_schema(self.conn)

    def write(self, chunk: _Chunk) -> None:
        with self.conn:
            for table, rows in chunk.tables.items():
                if rows:
                    self.conn.executemany(sql.insert_rows(table), rows)

    def finish(self, progress: ImportProgress, **meta: str) -> None:
        with interruptible(self.conn):
            build_indexes(self.conn, progress, dump_indexes=True)
            build.set_meta(self.conn, kind="full", **meta)
            build.finish(self.conn)

    def close(self) -> None:
        self.conn.close()


class _ParquetSink:
    """One Parquet file per table, sorted by rowid as the Kaggle edition's, one row group per chunk."""

    def __init__(self, directory: Path, *, overwrite: bool) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        directory.mkdir(parents=True, exist_ok=True)
        self.pa = pa
        self.writers: dict[str, pq.ParquetWriter] = {}
        for table, columns in sql.DUMP_TABLES.items():
            path = directory / f"{table}.parquet"
            _clear(path, overwrite=overwrite)
            schema = pa.schema([(name, pa.int64() if kind.startswith("INTEGER") else pa.string())
                                for name, kind in columns])
            self.writers[table] = pq.ParquetWriter(path, schema)

    def write(self, chunk: _Chunk) -> None:
        for table, rows in chunk.tables.items():
            if rows:
                writer = self.writers[table]
                columns = [self.pa.array(column, type=kind.type) for column, kind in zip(zip(*rows), writer.schema)]
                writer.write_batch(self.pa.record_batch(columns, schema=writer.schema))

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def _clear(path: Path, *, overwrite: bool, also: tuple[Path, ...] = ()) -> None:
    if not path.exists():
        return
    if not overwrite:
        raise ConfigError(f"{path} exists: remove it, choose another path, or overwrite it with --force")
    for item in (path, *also):
        item.unlink(missing_ok=True)


def synth(*, tracks: int, db: Path | None = None, parquet: Path | None = None, seed: int = 0,
          featured: FeaturedAlbum = FEATURED, overwrite: bool = False,
          progress: ImportProgress | None = None) -> SynthResult:
    """Generate a catalog of ``tracks`` tracks into the catalog ``db`` and/or Parquet files in ``parquet``.

    The same ``tracks`` and ``seed`` give the same rows. The catalog is indexed and marked complete
    as an import is; :data:`FEATURED` (or ``featured``) is album rowid 1.

    Raises:
        ConfigError: no output, fewer tracks than one, or an output that exists (unless ``overwrite``).
    """
    if tracks < 1:
        raise ConfigError(f"--tracks must be at least 1, not {tracks}")
    if db is None and parquet is None:
        raise ConfigError("say where to write: --db PATH and/or --parquet DIR")
    progress = progress or NoProgress()
    started = time.perf_counter()
    generator = _Generator(tracks, seed, featured)
    catalog = _SqliteSink(db.expanduser(), overwrite=overwrite) if db is not None else None
    try:
        files = _ParquetSink(parquet.expanduser(), overwrite=overwrite) if parquet is not None else None
        rows = dict.fromkeys(sql.DUMP_TABLES, 0)
        progress.phase("generate", tracks)
        try:
            chunks = itertools.chain([(_markets_chunk(), 0)], ((c, 0) for c in generator.artist_chunks()),
                                     generator.album_chunks())
            for chunk, count in chunks:  # one at a time: memory stays bounded at any size
                for sink in (catalog, files):
                    if sink is not None:
                        sink.write(chunk)
                for table, table_rows in chunk.tables.items():
                    rows[table] += len(table_rows)
                progress.advance(count, "tracks")
        finally:
            if files is not None:
                files.close()
        if catalog is not None:
            catalog.finish(progress, source=f"synth --tracks {tracks} --seed {seed}", featured_album=featured.id)
    finally:
        if catalog is not None:
            catalog.close()
    return SynthResult(db=db, parquet=parquet, tracks=rows["tracks"], rows=rows,
                       seconds=time.perf_counter() - started, featured=featured)


def synth_catalog(db: Path, *, tracks: int, seed: int = 0, featured: FeaturedAlbum = FEATURED,
                  overwrite: bool = False) -> SynthResult:
    """A complete synthetic catalog at ``db``: :func:`synth` with only a catalog."""
    return synth(tracks=tracks, db=Path(db), seed=seed, featured=featured, overwrite=overwrite)


def synth_parquet(directory: Path, *, tracks: int, seed: int = 0, featured: FeaturedAlbum = FEATURED,
                  overwrite: bool = False) -> SynthResult:
    """The same rows as :func:`synth_catalog` as one Parquet file per table in ``directory``."""
    return synth(tracks=tracks, parquet=Path(directory), seed=seed, featured=featured, overwrite=overwrite)
