"""Every SQL statement the catalog runs, in one module: the schema, building the store, and the queries.

One module, so that a server-grade engine could later serve the same queries (the statements
use only what SQLite and PostgreSQL share, except FTS5, named where it is used). Every
statement takes its values as bound parameters; no SQL is ever built from request text. The
few statements built from Python values (table and column names) take them only from the
constants below, never from input.

The store is SQLite in the Anna's Archive dump's own schema (``DUMP_TABLES``: the same tables,
columns and meaning, joined on integer ``rowid``; the base62 ``id`` is only the API's edge)
plus tagbridge's own tables, all named ``tb_*``:

* ``tb_meta``: key/value facts: the schema version, whether the catalog is complete, what it
  was built from, and for a side index the path of the original dump it indexes.
* ``tb_progress``: how far an import got, step by step, so an interrupted one resumes.
* ``tb_upc``: normalized UPCs (digits, leading zeros dropped: a GTIN written any way) to albums.
* ``tb_isrc``: ISRCs the dump stores in another form than the normal one (upper case, no
  dashes); the normal ones are found through the dump's own index on ``tracks.external_id_isrc``.
* ``tb_album_fts``, ``tb_track_fts``, ``tb_artist_fts``: contentless FTS5 token indexes of the
  names, folded exactly as the matcher folds them (``core.normalize.normalize_text``); their
  ``rowid`` is the album's, track's or artist's ``rowid``.

A catalog is one file holding both (``catalog import``), or a side file holding only the
``tb_*`` tables beside the original ``spotify_clean.sqlite3``, which is attached read-only
(``catalog index``): the queries name tables without a schema, and SQLite finds each in
whichever file has it.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "SCHEMA_VERSION",
    "DUMP_TABLES",
    "DUMP_INDEXES",
    "TB_TABLES",
    "FTS_TABLES",
    "create_dump_table",
    "insert_rows",
    "FTS_OPTIMIZE",
    "META_READ",
    "META_WRITE",
    "META_INIT",
    "PROGRESS_READ",
    "PROGRESS_WRITE",
    "ATTACH_DUMP",
    "INDEX_STEPS",
]

#: Bumped when the tb_* tables change shape; an older catalog is rebuilt, not misread.
SCHEMA_VERSION: Final = 1

#: The dump's tables, with their columns in the dump's order and SQLite types. ``rowid`` where a
#: table has one is its INTEGER PRIMARY KEY (so it is SQLite's own rowid). The link tables keep
#: SQLite's implicit rowid: ``track_artists`` has no position column, and insertion order
#: (primary artist first, as in the dump's files) is the order.
DUMP_TABLES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "available_markets": (("rowid", "INTEGER PRIMARY KEY"), ("available_markets", "TEXT")),
    "artists": (
        ("rowid", "INTEGER PRIMARY KEY"), ("id", "TEXT NOT NULL"), ("fetched_at", "INTEGER"), ("name", "TEXT"),
        ("followers_total", "INTEGER"), ("popularity", "INTEGER"),
    ),
    "albums": (
        ("rowid", "INTEGER PRIMARY KEY"), ("id", "TEXT NOT NULL"), ("fetched_at", "INTEGER"), ("name", "TEXT"),
        ("album_type", "TEXT"), ("available_markets_rowid", "INTEGER"), ("external_id_upc", "TEXT"),
        ("copyright_c", "TEXT"), ("copyright_p", "TEXT"), ("label", "TEXT"), ("popularity", "INTEGER"),
        ("release_date", "TEXT"), ("release_date_precision", "TEXT"), ("total_tracks", "INTEGER"),
        ("external_id_amgid", "TEXT"),
    ),
    "tracks": (
        ("rowid", "INTEGER PRIMARY KEY"), ("id", "TEXT NOT NULL"), ("fetched_at", "INTEGER"), ("name", "TEXT"),
        ("preview_url", "TEXT"), ("album_rowid", "INTEGER"), ("track_number", "INTEGER"),
        ("external_id_isrc", "TEXT"), ("popularity", "INTEGER"), ("available_markets_rowid", "INTEGER"),
        ("disc_number", "INTEGER"), ("duration_ms", "INTEGER"), ("explicit", "INTEGER"),
    ),
    "track_artists": (("track_rowid", "INTEGER"), ("artist_rowid", "INTEGER")),
    "artist_albums": (
        ("artist_rowid", "INTEGER"), ("album_rowid", "INTEGER"), ("is_appears_on", "INTEGER"),
        ("is_implicit_appears_on", "INTEGER"), ("index_in_album", "INTEGER"),
    ),
    "artist_genres": (("artist_rowid", "INTEGER"), ("genre", "TEXT")),
    "artist_images": (("artist_rowid", "INTEGER"), ("width", "INTEGER"), ("height", "INTEGER"), ("url", "TEXT")),
    "album_images": (("album_rowid", "INTEGER"), ("width", "INTEGER"), ("height", "INTEGER"), ("url", "TEXT")),
}

#: The indexes the original SQLite dump has and the queries rely on (built after the bulk copy).
DUMP_INDEXES: Final[tuple[str, ...]] = (
    "CREATE UNIQUE INDEX IF NOT EXISTS artists_id ON artists(id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS albums_id ON albums(id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS tracks_id ON tracks(id)",
    "CREATE INDEX IF NOT EXISTS tracks_album_rowid ON tracks(album_rowid)",
    "CREATE INDEX IF NOT EXISTS tracks_external_id_isrc ON tracks(external_id_isrc)",
    "CREATE INDEX IF NOT EXISTS track_artists_track_rowid ON track_artists(track_rowid)",
    "CREATE INDEX IF NOT EXISTS track_artists_artist_rowid ON track_artists(artist_rowid)",
    "CREATE INDEX IF NOT EXISTS artist_albums_artist_rowid ON artist_albums(artist_rowid)",
    "CREATE INDEX IF NOT EXISTS artist_albums_album_rowid ON artist_albums(album_rowid)",
    "CREATE INDEX IF NOT EXISTS artist_genres_artist_rowid ON artist_genres(artist_rowid)",
    "CREATE INDEX IF NOT EXISTS artist_images_artist_rowid ON artist_images(artist_rowid)",
    "CREATE INDEX IF NOT EXISTS album_images_album_rowid ON album_images(album_rowid)",
)

#: tagbridge's own tables (the FTS5 ones are below).
TB_TABLES: Final[tuple[str, ...]] = (
    "CREATE TABLE IF NOT EXISTS tb_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tb_progress (step TEXT PRIMARY KEY, done INTEGER NOT NULL, finished INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tb_upc (upc TEXT NOT NULL, album_rowid INTEGER NOT NULL, "
    "PRIMARY KEY (upc, album_rowid)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS tb_isrc (isrc TEXT NOT NULL, track_rowid INTEGER NOT NULL, "
    "PRIMARY KEY (isrc, track_rowid)) WITHOUT ROWID",
)

#: Contentless FTS5 token indexes of folded names; the rowid is the item's own rowid.
FTS_TABLES: Final[dict[str, str]] = {
    "tb_album_fts": "CREATE VIRTUAL TABLE IF NOT EXISTS tb_album_fts USING fts5(name, artists, content='', "
                    "tokenize='unicode61 remove_diacritics 0')",
    "tb_track_fts": "CREATE VIRTUAL TABLE IF NOT EXISTS tb_track_fts USING fts5(name, artists, album, content='', "
                    "tokenize='unicode61 remove_diacritics 0')",
    "tb_artist_fts": "CREATE VIRTUAL TABLE IF NOT EXISTS tb_artist_fts USING fts5(name, content='', "
                     "tokenize='unicode61 remove_diacritics 0')",
}


#: Merge each FTS5 index into one b-tree once it is built: searches read one segment, not dozens.
FTS_OPTIMIZE: Final[tuple[str, ...]] = tuple(f"INSERT INTO {t}({t}) VALUES ('optimize')" for t in FTS_TABLES)


def create_dump_table(table: str) -> str:
    """``CREATE TABLE`` for one of :data:`DUMP_TABLES` (the name is checked against it)."""
    columns = DUMP_TABLES[table]
    return f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{name} {kind}' for name, kind in columns)})"


def insert_rows(table: str) -> str:
    """``INSERT`` of one row of :data:`DUMP_TABLES` ``table``, values bound in column order."""
    columns = DUMP_TABLES[table]
    names = ", ".join(name for name, _kind in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"


# --- catalog bookkeeping ------------------------------------------------------------------------

META_READ: Final = "SELECT key, value FROM tb_meta"
META_WRITE: Final = "INSERT OR REPLACE INTO tb_meta (key, value) VALUES (?, ?)"
META_INIT: Final = "INSERT OR IGNORE INTO tb_meta (key, value) VALUES (?, ?)"
PROGRESS_READ: Final = "SELECT done, finished FROM tb_progress WHERE step = ?"
PROGRESS_WRITE: Final = "INSERT OR REPLACE INTO tb_progress (step, done, finished) VALUES (?, ?, ?)"
#: A side index reads the original dump through this (bound: a read-only URI).
ATTACH_DUMP: Final = "ATTACH DATABASE ? AS dump"

# --- building the search indexes ------------------------------------------------------------------
#: Each step: its name, a SELECT of source rows (rowid first; bound: the last rowid done, a chunk
#: size) and the INSERT its folded rows go through.

INDEX_STEPS: Final[tuple[tuple[str, str, str], ...]] = (
    ("index:upc",
     "SELECT rowid, external_id_upc FROM albums WHERE rowid > ? AND external_id_upc IS NOT NULL "
     "ORDER BY rowid LIMIT ?",
     "INSERT OR IGNORE INTO tb_upc (upc, album_rowid) VALUES (?, ?)"),
    ("index:isrc",
     "SELECT rowid, external_id_isrc FROM tracks WHERE rowid > ? ORDER BY rowid LIMIT ?",
     "INSERT OR IGNORE INTO tb_isrc (isrc, track_rowid) VALUES (?, ?)"),
    ("index:artists",
     "SELECT rowid, name FROM artists WHERE rowid > ? ORDER BY rowid LIMIT ?",
     "INSERT INTO tb_artist_fts (rowid, name) VALUES (?, ?)"),
    ("index:albums",
     "SELECT al.rowid, al.name, (SELECT group_concat(name, ' ') FROM (SELECT ar.name AS name "
     "FROM artist_albums aa JOIN artists ar ON ar.rowid = aa.artist_rowid WHERE aa.album_rowid = al.rowid "
     "AND aa.is_appears_on = 0 AND aa.is_implicit_appears_on = 0 ORDER BY aa.index_in_album)) "
     "FROM albums al WHERE al.rowid > ? ORDER BY al.rowid LIMIT ?",
     "INSERT INTO tb_album_fts (rowid, name, artists) VALUES (?, ?, ?)"),
    ("index:tracks",
     "SELECT t.rowid, t.name, (SELECT group_concat(name, ' ') FROM (SELECT ar.name AS name "
     "FROM track_artists ta JOIN artists ar ON ar.rowid = ta.artist_rowid WHERE ta.track_rowid = t.rowid "
     "ORDER BY ta.rowid)), al.name FROM tracks t LEFT JOIN albums al ON al.rowid = t.album_rowid "
     "WHERE t.rowid > ? ORDER BY t.rowid LIMIT ?",
     "INSERT INTO tb_track_fts (rowid, name, artists, album) VALUES (?, ?, ?, ?)"),
)

# --- importing ---------------------------------------------------------------------------------
#: Statements of ``importer.py`` (copying the dump, checking it, the side index) and of the bulk
#: writes ``importer.py`` and ``synth.py`` share. SQLite only: importing is not served.

__all__ += [
    "BULK_PRAGMAS", "DURABLE", "SINGLE_FILE", "DETACH_DUMP", "DUMP_TABLE_COLUMNS", "DUMP_TABLE_INDEXES",
    "DUMP_INDEX_COLUMNS", "DUMP_INDEX_KEYS", "dump_rowid_span", "item_rowid_span", "dump_first_row_types",
    "copy_from_dump",
]

#: A bulk write: WAL, and no fsync per commit. That is safe when the process is killed (the OS
#: keeps what was written; each chunk commits with its progress mark), not on a power cut, so
#: :data:`DURABLE` runs before the completion mark. A large page cache; sorter threads for
#: ``CREATE INDEX``. Temporary b-trees stay in files: an index sort over 256M rows outgrows memory.
BULK_PRAGMAS: Final[tuple[str, ...]] = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = OFF",
    "PRAGMA cache_size = -262144",  # 256 MiB
    "PRAGMA threads = 2",
)
#: Before the completion mark: fsync every commit from now on, and copy the WAL into the file.
DURABLE: Final[tuple[str, ...]] = ("PRAGMA synchronous = FULL", "PRAGMA wal_checkpoint(TRUNCATE)")
#: After it: a rollback journal, so the catalog is one self-contained file, readable read-only
#: (a WAL database opened read-only needs its -shm file, or a writable directory to make one).
SINGLE_FILE: Final = "PRAGMA journal_mode = DELETE"

DETACH_DUMP: Final = "DETACH DATABASE dump"
#: A table's columns in the attached dump (bound: the table's name): name, declared type, pk.
DUMP_TABLE_COLUMNS: Final = "SELECT name, type, pk FROM pragma_table_info(?, 'dump')"
#: The attached dump's indexes on a table (bound: the table), and one index's columns in order.
DUMP_TABLE_INDEXES: Final = "SELECT name FROM pragma_index_list(?, 'dump')"
DUMP_INDEX_COLUMNS: Final = "SELECT name FROM pragma_index_info(?, 'dump') ORDER BY seqno"

#: ``(table, column)`` of each of :data:`DUMP_INDEXES`: what a side index checks the original has.
DUMP_INDEX_KEYS: Final[tuple[tuple[str, str], ...]] = tuple(
    (on.split("(")[0], on.split("(")[1].rstrip(")")) for on in (s.rsplit(" ON ", 1)[1] for s in DUMP_INDEXES)
)


def dump_rowid_span(table: str) -> str:
    """``SELECT min, max`` of the table b-tree key of one of :data:`DUMP_TABLES` in the attached dump.

    ``_rowid_`` is the b-tree key whether or not the dump declares a ``rowid`` column, so the
    copy reads in key order by seeks; the link tables have no column of that name.
    """
    if table not in DUMP_TABLES:  # only names from DUMP_TABLES reach the SQL
        raise KeyError(table)
    return f"SELECT min(_rowid_), max(_rowid_) FROM dump.{table}"


def item_rowid_span(table: str) -> str:
    """``SELECT min, max`` of ``rowid`` of artists, albums or tracks, wherever the table is (catalog or dump)."""
    if table not in ("artists", "albums", "tracks"):
        raise KeyError(table)
    return f"SELECT min(rowid), max(rowid) FROM {table}"


def dump_first_row_types(table: str) -> str:
    """``typeof`` of each column of a row of the attached dump's ``table``, to check its types before copying."""
    return f"SELECT {', '.join(f'typeof({name})' for name, _kind in DUMP_TABLES[table])} FROM dump.{table} LIMIT 1"


def copy_from_dump(table: str) -> str:
    """Copy one key range of ``table`` from the attached dump (bound: after key, up to key), in key order."""
    names = ", ".join(name for name, _kind in DUMP_TABLES[table])
    return (f"INSERT INTO main.{table} ({names}) SELECT {names} FROM dump.{table} "
            "WHERE _rowid_ > ? AND _rowid_ <= ? ORDER BY _rowid_")

# --- queries ---------------------------------------------------------------------------------------
#: What ``api.py``, ``objects.py`` and ``search.py`` read to answer the Web API. A list of ids or
#: rowids is bound as one JSON array and read with ``json_each`` (PostgreSQL: ``= ANY(?)``), so
#: each statement stays one fixed string whatever the list's length. Takedowns (an album with an
#: empty name) are left out where a query finds albums; the single-id lookups return them and the
#: caller answers 404. Searches take named parameters: ``:match`` (an FTS5 query string built by
#: ``search.py`` from quoted tokens), ``:scan`` (how many index hits to read at most), ``:ylo`` /
#: ``:yhi`` (a year range, both NULL for none) and ``:cap`` (how many rows to return at most).

_ALBUM_COLUMNS = ("al.rowid, al.id, al.name, al.album_type, al.available_markets_rowid, al.external_id_upc, "
                  "al.copyright_c, al.copyright_p, al.label, al.popularity, al.release_date, "
                  "al.release_date_precision, al.total_tracks")
_TRACK_COLUMNS = ("t.rowid, t.id, t.name, t.preview_url, t.album_rowid, t.track_number, t.external_id_isrc, "
                  "t.popularity, t.available_markets_rowid, t.disc_number, t.duration_ms, t.explicit")
_ARTIST_COLUMNS = "ar.rowid, ar.id, ar.name, ar.followers_total, ar.popularity"
_YEAR = "(:ylo IS NULL OR substr(al.release_date, 1, 4) BETWEEN :ylo AND :yhi)"

ALBUM_BY_ID: Final = f"SELECT {_ALBUM_COLUMNS} FROM albums al WHERE al.id = ?"
ALBUMS_BY_IDS: Final = f"SELECT {_ALBUM_COLUMNS} FROM albums al WHERE al.id IN (SELECT value FROM json_each(?))"
ALBUMS_BY_ROWIDS: Final = (f"SELECT {_ALBUM_COLUMNS} FROM albums al "
                           "WHERE al.rowid IN (SELECT value FROM json_each(?))")
#: Album artists: only links with both appears-on flags 0, in ``index_in_album`` order (the
#: dump repeats some links verbatim; the caller keeps each artist once).
ALBUM_ARTISTS: Final = (
    "SELECT aa.album_rowid, ar.id, ar.name FROM artist_albums aa JOIN artists ar ON ar.rowid = aa.artist_rowid "
    "WHERE aa.album_rowid IN (SELECT value FROM json_each(?)) AND aa.is_appears_on = 0 "
    "AND aa.is_implicit_appears_on = 0 ORDER BY aa.album_rowid, aa.index_in_album, aa.rowid")
#: Widest first; DISTINCT because the dump repeats some image rows verbatim.
ALBUM_IMAGES: Final = ("SELECT DISTINCT album_rowid, width, height, url FROM album_images "
                       "WHERE album_rowid IN (SELECT value FROM json_each(?)) "
                       "ORDER BY album_rowid, width DESC, height DESC, url")
ALBUM_TRACKS: Final = (f"SELECT {_TRACK_COLUMNS} FROM tracks t WHERE t.album_rowid = ? "
                       "ORDER BY t.disc_number, t.track_number, t.rowid LIMIT ? OFFSET ?")
ALBUM_TRACK_COUNT: Final = "SELECT count(*) FROM tracks WHERE album_rowid = ?"
MARKETS: Final = ("SELECT rowid, available_markets FROM available_markets "
                  "WHERE rowid IN (SELECT value FROM json_each(?))")

TRACK_BY_ID: Final = f"SELECT {_TRACK_COLUMNS} FROM tracks t WHERE t.id = ?"
TRACKS_BY_IDS: Final = f"SELECT {_TRACK_COLUMNS} FROM tracks t WHERE t.id IN (SELECT value FROM json_each(?))"
TRACKS_BY_ROWIDS: Final = f"SELECT {_TRACK_COLUMNS} FROM tracks t WHERE t.rowid IN (SELECT value FROM json_each(?))"
#: A track's artists in link-row order, which keeps the primary artist first.
TRACK_ARTISTS: Final = (
    "SELECT ta.track_rowid, ar.id, ar.name FROM track_artists ta JOIN artists ar ON ar.rowid = ta.artist_rowid "
    "WHERE ta.track_rowid IN (SELECT value FROM json_each(?)) ORDER BY ta.track_rowid, ta.rowid")

ARTIST_BY_ID: Final = f"SELECT {_ARTIST_COLUMNS} FROM artists ar WHERE ar.id = ?"
ARTISTS_BY_IDS: Final = f"SELECT {_ARTIST_COLUMNS} FROM artists ar WHERE ar.id IN (SELECT value FROM json_each(?))"
ARTISTS_BY_ROWIDS: Final = (f"SELECT {_ARTIST_COLUMNS} FROM artists ar "
                            "WHERE ar.rowid IN (SELECT value FROM json_each(?))")
ARTIST_GENRES: Final = ("SELECT DISTINCT artist_rowid, genre FROM artist_genres "
                        "WHERE artist_rowid IN (SELECT value FROM json_each(?)) ORDER BY artist_rowid, rowid")
ARTIST_IMAGES: Final = ("SELECT DISTINCT artist_rowid, width, height, url FROM artist_images "
                        "WHERE artist_rowid IN (SELECT value FROM json_each(?)) "
                        "ORDER BY artist_rowid, width DESC, height DESC, url")
#: An artist's albums, each once: ``appears`` is 0 when any link makes it an album artist. Bound:
#: the artist's rowid and how many links to read at most ("Various Artists" has millions).
ARTIST_ALBUMS: Final = (
    "SELECT al.rowid, min(aa.is_appears_on OR aa.is_implicit_appears_on) AS appears, al.album_type, "
    "al.release_date FROM (SELECT album_rowid, is_appears_on, is_implicit_appears_on FROM artist_albums "
    "WHERE artist_rowid = ? LIMIT ?) aa JOIN albums al ON al.rowid = aa.album_rowid WHERE al.name <> '' "
    "GROUP BY al.rowid")

# Search candidates: (rowid, name, popularity), at most :cap rows, takedowns left out.
ALBUM_SEARCH_TEXT: Final = (
    "SELECT al.rowid, al.name, al.popularity FROM (SELECT rowid FROM tb_album_fts "
    "WHERE tb_album_fts MATCH :match LIMIT :scan) m JOIN albums al ON al.rowid = m.rowid "
    f"WHERE al.name <> '' AND {_YEAR} LIMIT :cap")
#: Bound: ``:upc``, the key ``build.normalize_upc`` gives (12, 13 and 14 digits meet).
ALBUM_SEARCH_UPC: Final = (
    "SELECT al.rowid, al.name, al.popularity FROM tb_upc u JOIN albums al ON al.rowid = u.album_rowid "
    f"WHERE u.upc = :upc AND al.name <> '' AND {_YEAR} LIMIT :cap")
#: A query of nothing but ``year:``: the first :scan albums in rowid order, no more (no index on dates).
ALBUM_SEARCH_YEAR: Final = (
    "SELECT al.rowid, al.name, al.popularity FROM (SELECT rowid, name, popularity, release_date FROM albums "
    f"ORDER BY rowid LIMIT :scan) al WHERE al.name <> '' AND {_YEAR} LIMIT :cap")
ALBUM_FTS_HAS: Final = "SELECT rowid FROM tb_album_fts WHERE tb_album_fts MATCH ? AND rowid = ?"

TRACK_SEARCH_TEXT: Final = (
    "SELECT t.rowid, t.name, t.popularity FROM (SELECT rowid FROM tb_track_fts "
    "WHERE tb_track_fts MATCH :match LIMIT :scan) m JOIN tracks t ON t.rowid = m.rowid "
    f"JOIN albums al ON al.rowid = t.album_rowid WHERE al.name <> '' AND {_YEAR} LIMIT :cap")
#: Bound: ``:isrc``, normalized; found through the dump's own index, or ``tb_isrc`` for the ISRCs
#: the dump stores in another form.
TRACK_SEARCH_ISRC: Final = (
    "SELECT t.rowid, t.name, t.popularity FROM tracks t JOIN albums al ON al.rowid = t.album_rowid "
    "WHERE t.rowid IN (SELECT rowid FROM tracks WHERE external_id_isrc = :isrc "
    "UNION SELECT track_rowid FROM tb_isrc WHERE isrc = :isrc) "
    f"AND al.name <> '' AND {_YEAR} LIMIT :cap")
TRACK_SEARCH_YEAR: Final = (
    "SELECT t.rowid, t.name, t.popularity FROM (SELECT rowid, name, popularity, album_rowid FROM tracks "
    "ORDER BY rowid LIMIT :scan) t JOIN albums al ON al.rowid = t.album_rowid "
    f"WHERE al.name <> '' AND {_YEAR} LIMIT :cap")
TRACK_FTS_HAS: Final = "SELECT rowid FROM tb_track_fts WHERE tb_track_fts MATCH ? AND rowid = ?"

ARTIST_SEARCH_TEXT: Final = (
    "SELECT ar.rowid, ar.name, ar.popularity FROM (SELECT rowid FROM tb_artist_fts "
    "WHERE tb_artist_fts MATCH :match LIMIT :scan) m JOIN artists ar ON ar.rowid = m.rowid "
    "WHERE ar.name <> '' LIMIT :cap")

__all__ += [
    "ALBUM_BY_ID", "ALBUMS_BY_IDS", "ALBUMS_BY_ROWIDS", "ALBUM_ARTISTS", "ALBUM_IMAGES", "ALBUM_TRACKS",
    "ALBUM_TRACK_COUNT", "MARKETS", "TRACK_BY_ID", "TRACKS_BY_IDS", "TRACKS_BY_ROWIDS", "TRACK_ARTISTS",
    "ARTIST_BY_ID", "ARTISTS_BY_IDS", "ARTISTS_BY_ROWIDS", "ARTIST_GENRES", "ARTIST_IMAGES", "ARTIST_ALBUMS",
    "ALBUM_SEARCH_TEXT", "ALBUM_SEARCH_UPC", "ALBUM_SEARCH_YEAR", "ALBUM_FTS_HAS", "TRACK_SEARCH_TEXT",
    "TRACK_SEARCH_ISRC", "TRACK_SEARCH_YEAR", "TRACK_FTS_HAS", "ARTIST_SEARCH_TEXT",
]
