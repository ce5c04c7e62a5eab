"""Building a catalog's tables and indexes: the steps every way of filling a catalog shares.

What belongs here: creating the schema, the dump's indexes, tagbridge's search indexes (folded
names in FTS5, normalized UPCs and ISRCs) and marking a catalog complete. The search indexes
are built from the dump's rows in rowid order, in chunks, each chunk committed with its
progress, so an interrupted build resumes where it stopped. What doesn't: SQL text
(``sql.py``), reading a source (``importer.py`` for Parquet and the SQLite dump, ``synth.py``
for synthetic rows) and queries.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator
from typing import Final

from tagbridge.catalog import sql
from tagbridge.core.identifiers import barcode_key, normalize_isrc
from tagbridge.core.normalize import normalize_text

__all__ = [
    "create_schema",
    "create_dump_indexes",
    "build_search_indexes",
    "set_meta",
    "mark_complete",
    "begin_bulk",
    "finish",
    "step_done",
    "record_step",
    "normalize_upc",
    "Progress",
]

#: Rows of an item table read, folded and indexed per committed chunk.
CHUNK: Final = 20_000

#: Called with a step's name and the rows it just finished, for a progress bar.
Progress = Callable[[str, int], None]
Row = tuple[object, ...]


#: A UPC/EAN/GTIN as the index keys it (one rule, in core.identifiers).
normalize_upc = barcode_key


def create_schema(conn: sqlite3.Connection, *, dump_tables: bool = True) -> None:
    """Create tagbridge's tables, and the dump's unless this is a side index beside the original."""
    with conn:
        if dump_tables:
            for table in sql.DUMP_TABLES:
                conn.execute(sql.create_dump_table(table))
        for statement in (*sql.TB_TABLES, *sql.FTS_TABLES.values()):
            conn.execute(statement)
        conn.executemany(sql.META_INIT, [("schema_version", str(sql.SCHEMA_VERSION)), ("complete", "0")])


def create_dump_indexes(conn: sqlite3.Connection, *, progress: Progress | None = None) -> None:
    """The dump's own indexes, built once after the bulk copy (faster than maintaining them row by row).

    ``progress`` hears ``("dump-index", 1)`` after each index.
    """
    for statement in sql.DUMP_INDEXES:
        with conn:
            conn.execute(statement)
        if progress is not None:
            progress("dump-index", 1)


def begin_bulk(conn: sqlite3.Connection) -> None:
    """Settings for filling a catalog: WAL, no fsync per commit, a large cache (``sql.BULK_PRAGMAS``)."""
    for statement in sql.BULK_PRAGMAS:
        conn.execute(statement).fetchall()


def finish(conn: sqlite3.Connection) -> None:
    """Make every row durable, :func:`mark_complete`, and leave one self-contained file."""
    for statement in sql.DURABLE:
        conn.execute(statement).fetchall()
    mark_complete(conn)
    conn.execute(sql.SINGLE_FILE).fetchall()


def set_meta(conn: sqlite3.Connection, **values: str) -> None:
    """Record facts about the catalog in ``tb_meta``."""
    with conn:
        conn.executemany(sql.META_WRITE, list(values.items()))


def mark_complete(conn: sqlite3.Connection) -> None:
    """The last step: from now on :class:`~tagbridge.catalog.store.Catalog` accepts the file."""
    set_meta(conn, complete="1")


def step_done(conn: sqlite3.Connection, step: str) -> tuple[int, bool]:
    """``(progress mark, finished)`` of a resumable step; ``(0, False)`` when it never started."""
    row = conn.execute(sql.PROGRESS_READ, (step,)).fetchone()
    return (int(row[0]), bool(row[1])) if row else (0, False)


def record_step(conn: sqlite3.Connection, step: str, done: int, *, finished: bool = False) -> None:
    """Note a step's progress mark; call inside the transaction that wrote those rows."""
    conn.execute(sql.PROGRESS_WRITE, (step, done, int(finished)))


# --- the search indexes ----------------------------------------------------------------------

def _fold(value: object) -> str:
    return _fold_text(str(value)) if value else ""


@functools.lru_cache(maxsize=1 << 16)
def _fold_text(text: str) -> str:
    # Names repeat: an album's name and its artists come again with each of its tracks.
    return normalize_text(text)


def _upcs(rows: list[Row]) -> list[Row]:
    return [(key, rowid) for rowid, upc in rows if (key := normalize_upc(str(upc or "")))]


def _isrcs(rows: list[Row]) -> list[Row]:
    # Only the ISRCs the dump stores in another form: the normal ones are found by its own index.
    return [(code, rowid) for rowid, isrc in rows if isrc and (code := normalize_isrc(str(isrc))) and code != isrc]


def _folded(rows: list[Row]) -> list[Row]:
    return [(row[0], *(_fold(v) for v in row[1:])) for row in rows]


_PREPARE: Final[dict[str, Callable[[list[Row]], list[Row]]]] = {
    "index:upc": _upcs, "index:isrc": _isrcs, "index:artists": _folded, "index:albums": _folded,
    "index:tracks": _folded,
}


def _chunks(conn: sqlite3.Connection, query: str, after: int) -> Iterator[list[Row]]:
    while True:
        rows = conn.execute(query, (after, CHUNK)).fetchall()
        if not rows:
            return
        yield rows
        after = int(rows[-1][0])


def build_search_indexes(conn: sqlite3.Connection, *, progress: Progress | None = None) -> None:
    """Fill ``tb_upc``, ``tb_isrc`` and the FTS5 name indexes from the dump's rows; resumable per step.

    Album and track names are indexed with their artists (album artists: the ``artist_albums``
    rows with both appears-on flags 0; track artists: ``track_artists`` in order) and a track
    with its album's name, so one FTS query answers ``track: artist: album:``.
    """
    for step, select, insert in sql.INDEX_STEPS:
        done, finished = step_done(conn, step)
        if finished:
            continue
        prepare = _PREPARE[step]
        for rows in _chunks(conn, select, done):
            with conn:
                conn.executemany(insert, prepare(rows))
                done = int(rows[-1][0])  # type: ignore[call-overload]
                record_step(conn, step, done)
            if progress is not None:
                progress(step, len(rows))
        with conn:
            record_step(conn, step, done, finished=True)
    if not step_done(conn, "index:optimize")[1]:
        for statement in sql.FTS_OPTIMIZE:
            with conn:
                conn.execute(statement)
        with conn:
            record_step(conn, "index:optimize", 0, finished=True)
