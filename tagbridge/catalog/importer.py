"""Filling a catalog from the Anna's Archive dump: its Parquet directory or its SQLite original.

What belongs here: checking the dump before anything is copied (each table, column and type;
empty and truncated files, named), streaming its rows into a catalog in bounded memory, chunk
by chunk, each chunk committed with its progress mark so a killed import resumes without
duplicating or losing a row, and the side index over an original that is never written. What
doesn't: SQL text (``sql.py``), the schema and the search indexes (``build.py``), progress bars
and messages (``cli/catalog.py``).
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type hints
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from tagbridge.catalog import build, sql
from tagbridge.catalog.store import CatalogError, read_only_uri
from tagbridge.core.errors import ConfigError

__all__ = [
    "CHUNK_ROWS",
    "DumpError",
    "ImportProgress",
    "ImportResult",
    "NoProgress",
    "build_indexes",
    "interruptible",
    "import_catalog",
    "index_original",
    "open_parquet_dump",
    "check_original",
    "missing_dump_indexes",
]

#: Rows copied per committed chunk: big enough for speed, small enough for bounded memory.
CHUNK_ROWS: Final = 100_000
#: Where a transaction is checked for Ctrl-C (SQLite VM instructions between checks).
_INTERRUPT_CHECK: Final = 100_000
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"


class DumpError(ConfigError):
    """The dump cannot be imported: a missing table, column or file, a wrong type, an empty or truncated file."""


class ImportProgress(Protocol):
    """Hears how an import goes: phases (``copy``, ``dump indexes``, ``search index``) and rows done."""

    def phase(self, name: str, total: int | None, done: int = 0) -> None:
        """A phase starts: ``total`` rows (None when unknown), ``done`` of them before a resume."""

    def advance(self, rows: int, label: str) -> None:
        """``rows`` more are done; ``label`` names the table or index step."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    """What one run did (a resumed run counts only its own rows)."""

    path: Path
    rows_copied: int
    rows_indexed: int
    copy_seconds: float
    index_seconds: float
    resumed: bool
    already_complete: bool = False


class NoProgress:
    """Hears nothing."""

    def phase(self, name: str, total: int | None, done: int = 0) -> None:
        pass

    def advance(self, rows: int, label: str) -> None:
        pass


# --- the catalog being written -----------------------------------------------------------------

def _open_target(db: Path, *, kind: str, source: str) -> tuple[sqlite3.Connection, bool, bool]:
    """``(connection, resumed, complete)`` for ``db``: a new catalog, or the same import's to resume.

    Raises:
        CatalogError: ``db`` is something else: another file, another import, another version.
    """
    db = db.expanduser()
    db.parent.mkdir(parents=True, exist_ok=True)
    existed = db.is_file() and db.stat().st_size > 0
    conn = sqlite3.connect(db)
    try:
        meta = _read_meta(conn, db) if existed else {}
        if existed:
            _check_same_import(db, meta, kind=kind, source=source)
            if meta.get("complete") == "1":
                return conn, True, True
        build.begin_bulk(conn)
        build.create_schema(conn, dump_tables=kind == "full")
        build.set_meta(conn, kind=kind, source=source)
    except BaseException:
        conn.close()
        raise
    return conn, existed, False


def _no_abort() -> int:
    # Running Python here lets a pending Ctrl-C raise: SQLite then stops the statement with
    # "interrupted" (the KeyboardInterrupt itself is swallowed), which interruptible() re-raises.
    return 0


@contextlib.contextmanager
def interruptible(conn: sqlite3.Connection) -> Iterator[None]:
    """Let Ctrl-C stop even one long statement (an index over 256M rows), as a KeyboardInterrupt.

    The transaction in flight rolls back; what was committed, with its progress mark, stays.
    """
    conn.set_progress_handler(_no_abort, _INTERRUPT_CHECK)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if str(exc) == "interrupted":
            raise KeyboardInterrupt from None
        raise
    finally:
        conn.set_progress_handler(None, 0)


def _read_meta(conn: sqlite3.Connection, db: Path) -> dict[str, str]:
    try:
        return dict(conn.execute(sql.META_READ).fetchall())
    except sqlite3.DatabaseError:
        raise CatalogError(f"{db} exists and is not a tagbridge catalog: remove it or choose another --db") from None


def _check_same_import(db: Path, meta: dict[str, str], *, kind: str, source: str) -> None:
    if meta.get("schema_version") != str(sql.SCHEMA_VERSION):
        raise CatalogError(f"{db} was built by another version of tagbridge: remove it and import again")
    # No source yet: killed between creating the tables and recording it; ours to resume.
    if "source" in meta and (meta.get("kind") != kind or meta["source"] != source):
        what = "a side index" if meta.get("kind") == "side" else "a catalog"
        raise CatalogError(f"{db} holds {what} of {meta.get('source', 'something else')}, not of {source}: "
                           "remove it or choose another --db")


def build_indexes(conn: sqlite3.Connection, progress: ImportProgress, *, dump_indexes: bool) -> int:
    """The dump's indexes (when the catalog holds the dump's rows) and the search indexes; returns rows indexed."""
    if dump_indexes:
        progress.phase("dump indexes", len(sql.DUMP_INDEXES))
        build.create_dump_indexes(conn, progress=lambda step, n: progress.advance(n, step))
    indexed = 0

    def advance(step: str, rows: int) -> None:
        nonlocal indexed
        indexed += rows
        progress.advance(rows, step)

    progress.phase("search index", _index_rows_estimate(conn))
    build.build_search_indexes(conn, progress=advance)
    return indexed


def _index_rows_estimate(conn: sqlite3.Connection) -> int | None:
    """Rows the search-index steps read (albums and tracks twice, artists once), from rowid spans."""
    spans = {}
    for table in ("artists", "albums", "tracks"):
        low, high = conn.execute(sql.item_rowid_span(table)).fetchone()
        spans[table] = (high - low + 1) if high is not None else 0
    return spans["artists"] + 2 * spans["albums"] + 2 * spans["tracks"]


# --- Parquet -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _ParquetTable:
    table: str
    path: Path
    file: pq.ParquetFile

    @property
    def rows(self) -> int:
        return int(self.file.metadata.num_rows)


def _type_fits(kind: str, arrow_type: pa.DataType) -> bool:
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if pa.types.is_null(arrow_type):
        return True
    if kind.startswith("INTEGER"):
        return bool(pa.types.is_integer(arrow_type) or pa.types.is_boolean(arrow_type))
    return bool(pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
                or pa.types.is_string_view(arrow_type))


def open_parquet_dump(directory: Path) -> dict[str, _ParquetTable]:
    """Open and check every table file of a Parquet dump directory, before anything is copied.

    Raises:
        DumpError: naming the file (and the column) at fault: missing, empty, truncated or
        not Parquet, a column missing or of the wrong type.
    """
    missing = [f"{table}.parquet" for table in sql.DUMP_TABLES if not (directory / f"{table}.parquet").is_file()]
    if missing:
        raise DumpError(f"{directory} has no {', '.join(missing)}: a dump directory holds one Parquet file per "
                        f"table ({', '.join(f'{t}.parquet' for t in sql.DUMP_TABLES)})")
    tables = {}
    for table, columns in sql.DUMP_TABLES.items():
        path = directory / f"{table}.parquet"
        if path.stat().st_size == 0:
            raise DumpError(f"{path} is empty (0 bytes): download it again")
        try:
            file = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise DumpError(f"{path} is not a readable Parquet file, probably truncated (download it again): "
                            f"{exc}") from None
        schema = file.schema_arrow
        for name, kind in columns:
            if schema.get_field_index(name) < 0:
                raise DumpError(f"{path} has no column '{name}' (it has: {', '.join(schema.names)})")
            if not _type_fits(kind, schema.field(name).type):
                want = "integers" if kind.startswith("INTEGER") else "text"
                raise DumpError(f"{path}: column '{name}' holds {schema.field(name).type}, not {want}")
        tables[table] = _ParquetTable(table, path, file)
    return tables


def _batches(source: _ParquetTable, skip: int, rows: int) -> Iterator[pa.RecordBatch]:
    """The file's rows after the first ``skip``, in batches of ``rows``: whole row groups are skipped unread."""
    metadata = source.file.metadata
    groups: list[int] = []
    start = 0
    for index in range(metadata.num_row_groups):
        size = metadata.row_group(index).num_rows
        if groups or start + size > skip:
            groups.append(index)
        else:
            start += size
    offset = skip - start
    if not groups:
        return
    names = [name for name, _kind in sql.DUMP_TABLES[source.table]]
    for batch in source.file.iter_batches(batch_size=rows, row_groups=groups, columns=names):
        if offset >= batch.num_rows:
            offset -= batch.num_rows
            continue
        yield batch.slice(offset) if offset else batch
        offset = 0


def _pylist(column: pa.Array) -> list[object]:
    # numpy's tolist is several times faster than to_pylist for integers without nulls.
    if column.null_count == 0 and pa.types.is_integer(column.type):
        return column.to_numpy().tolist()  # type: ignore[no-any-return]
    return column.to_pylist()  # type: ignore[no-any-return]


def _rows(source: _ParquetTable, batch: pa.RecordBatch) -> Iterable[tuple[object, ...]]:
    if sql.DUMP_TABLES[source.table][0][0] == "rowid" and batch.column(0).null_count:
        raise DumpError(f"{source.path}: column 'rowid' has empty values")
    return zip(*(_pylist(batch.column(i)) for i in range(batch.num_columns)))


def _copy_parquet(conn: sqlite3.Connection, tables: dict[str, _ParquetTable], progress: ImportProgress,
                  chunk_rows: int) -> int:
    """Copy every table file; the progress mark of ``copy:<table>`` is the file's rows done."""
    marks = {table: build.step_done(conn, f"copy:{table}") for table in tables}
    progress.phase("copy", sum(t.rows for t in tables.values()), sum(done for done, _ in marks.values()))
    copied = 0
    for table, source in tables.items():
        done, finished = marks[table]
        if finished:
            continue
        insert = sql.insert_rows(table)
        try:
            for batch in _batches(source, done, chunk_rows):
                with conn:
                    conn.executemany(insert, _rows(source, batch))
                    done += batch.num_rows
                    build.record_step(conn, f"copy:{table}", done)
                copied += batch.num_rows
                progress.advance(batch.num_rows, table)
        except (pa.ArrowException, OSError) as exc:
            raise DumpError(f"{source.path}: cannot read row {done + 1} on (truncated or corrupt?): {exc}") from None
        except sqlite3.IntegrityError as exc:
            raise DumpError(f"{source.path}: rows {done + 1} to {done + chunk_rows} break the dump's rules: "
                            f"{exc}") from None
        with conn:
            build.record_step(conn, f"copy:{table}", done, finished=True)
    return copied


# --- the SQLite original -----------------------------------------------------------------------

def _check_sqlite_file(path: Path) -> None:
    if not path.exists():
        raise DumpError(f"{path} does not exist: give the dump's Parquet directory or spotify_clean.sqlite3")
    if not path.is_file():
        raise DumpError(f"{path} is neither a directory of Parquet files nor a SQLite dump file")
    with path.open("rb") as file:
        head = file.read(len(_SQLITE_MAGIC))
    if not head:
        raise DumpError(f"{path} is empty (0 bytes): download it again")
    if head != _SQLITE_MAGIC:
        raise DumpError(f"{path} is not a SQLite database (nor a directory of Parquet files)")


def check_original(original: Path, *, in_place: bool = False) -> None:
    """Check the SQLite original's tables, columns and types before anything is written.

    ``in_place``: it is to be read where it is by a side index, whose steps read tables in
    ``rowid`` order, so a declared ``rowid`` column must be the table's key.

    Raises:
        DumpError: naming the file (and the table or column) at fault.
    """
    _check_sqlite_file(original)
    conn = sqlite3.connect(":memory:")
    try:
        _attach_original(conn, original, in_place=in_place)
    finally:
        conn.close()


def _attach_original(conn: sqlite3.Connection, original: Path, *, in_place: bool) -> None:
    """Attach the original read-only as ``dump`` and check its tables, columns and types."""
    try:
        conn.execute(sql.ATTACH_DUMP, (read_only_uri(original),))
        for table, columns in sql.DUMP_TABLES.items():
            have = {name: pk for name, _type, pk in conn.execute(sql.DUMP_TABLE_COLUMNS, (table,))}
            if not have:
                raise DumpError(f"{original} has no table '{table}'")
            for name, _kind in columns:
                if name not in have:
                    raise DumpError(f"{original}: table '{table}' has no column '{name}' (it has: {', '.join(have)})")
            if in_place and "rowid" in have and not have["rowid"]:
                raise DumpError(f"{original}: {table}.rowid is not the table's INTEGER PRIMARY KEY")
            first = conn.execute(sql.dump_first_row_types(table)).fetchone() or ()
            for (name, kind), found in zip(columns, first):
                want = "integer" if kind.startswith("INTEGER") else "text"
                if found not in (want, "null"):
                    raise DumpError(f"{original}: column '{table}.{name}' holds {found}, not {want}")
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and str(exc) == "interrupted":
            raise
        raise DumpError(f"{original} cannot be read as a SQLite dump (truncated or corrupt?): {exc}") from None


def _copy_sqlite(conn: sqlite3.Connection, original: Path, progress: ImportProgress, chunk_rows: int,
                 tables: Iterable[str] = tuple(sql.DUMP_TABLES)) -> int:
    """Copy ``tables`` (every dump table by default) in b-tree key ranges; the progress mark of
    ``copy:<table>`` is the last key copied."""
    tables = tuple(tables)
    spans = {table: conn.execute(sql.dump_rowid_span(table)).fetchone() for table in tables}
    marks = {table: build.step_done(conn, f"copy:{table}") for table in tables}
    total = sum(high - low + 1 for low, high in spans.values() if high is not None)
    before = sum(high - low + 1 if finished else max(0, min(done, high) - low + 1)
                 for (done, finished), (low, high) in zip(marks.values(), spans.values()) if high is not None)
    progress.phase("copy", total, before)
    copied = 0
    for table in tables:
        done, finished = marks[table]
        low, high = spans[table]
        if finished or high is None:
            with conn:
                build.record_step(conn, f"copy:{table}", done, finished=True)
            continue
        done = max(done, low - 1)
        copy = sql.copy_from_dump(table)
        try:
            while done < high:
                upto = min(done + chunk_rows, high)
                with conn:
                    copied_now = conn.execute(copy, (done, upto)).rowcount
                    build.record_step(conn, f"copy:{table}", upto, finished=upto == high)
                copied += copied_now
                progress.advance(upto - done, table)
                done = upto
        except sqlite3.IntegrityError as exc:
            raise DumpError(f"{original}: {table} rows after key {done} break the dump's rules: {exc}") from None
        except sqlite3.DatabaseError as exc:
            if str(exc) == "interrupted" or "full" in str(exc):
                raise
            raise DumpError(f"{original}: cannot read {table} after key {done} (truncated or corrupt?): "
                            f"{exc}") from None
    return copied


#: Tables a side index copies, with their index, when the original lacks it: every album or artist
#: lookup reads them, and without an index each read scans the whole table. They are small next
#: to the dump (images and genres); the queries find the copy first, as SQLite searches ``main``
#: before an attached file. A missing index on a larger table is only reported.
_COPIED_WHEN_UNINDEXED: Final = ("album_images", "artist_images", "artist_genres")


def _copy_unindexed(conn: sqlite3.Connection, original: Path, missing: list[str],
                    progress: ImportProgress) -> list[str]:
    """Copy into the side index each small table whose index the original lacks, with that index;
    return the indexes still missing."""
    tables = [t for t in _COPIED_WHEN_UNINDEXED if any(m.startswith(f"{t}(") for m in missing)]
    if not tables:
        return missing
    with conn:
        for table in tables:
            conn.execute(sql.create_dump_table(table))
    _copy_sqlite(conn, original, progress, CHUNK_ROWS, tables)
    for statement in sql.DUMP_INDEXES:
        if any(f" ON {table}(" in statement for table in tables):
            with conn:
                conn.execute(statement)
    return [m for m in missing if m.split("(")[0] not in tables]


def missing_dump_indexes(conn: sqlite3.Connection) -> list[str]:
    """``table(column)`` of each of the catalog's dump indexes the attached original lacks (a leading column counts)."""
    missing = []
    for table, column in sql.DUMP_INDEX_KEYS:
        leading = set()
        for (index,) in conn.execute(sql.DUMP_TABLE_INDEXES, (table,)).fetchall():
            columns = conn.execute(sql.DUMP_INDEX_COLUMNS, (index,)).fetchall()
            if columns:
                leading.add(columns[0][0])
        if column not in leading:
            missing.append(f"{table}({column})")
    return missing


# --- the two ways in ---------------------------------------------------------------------------

def import_catalog(source: Path, db: Path, *, progress: ImportProgress | None = None,
                   chunk_rows: int = CHUNK_ROWS) -> ImportResult:
    """Copy the dump at ``source`` (a Parquet directory or the SQLite original) into the catalog ``db``.

    Running it again resumes an interrupted import of the same source; a complete catalog is
    left as it is.

    Raises:
        DumpError: the source is unusable (checked before anything is copied, where possible).
        CatalogError: ``db`` is something else than this import.
        KeyboardInterrupt: on Ctrl-C, after rolling back the chunk in flight.
    """
    source = source.expanduser().resolve()
    tables = open_parquet_dump(source) if source.is_dir() else None
    if tables is None:
        check_original(source)
    progress = progress or NoProgress()
    conn, resumed, complete = _open_target(db, kind="full", source=str(source))
    if complete:
        conn.close()
        return ImportResult(path=db, rows_copied=0, rows_indexed=0, copy_seconds=0.0, index_seconds=0.0,
                            resumed=True, already_complete=True)
    try:
        with interruptible(conn):
            started = time.perf_counter()
            if tables is not None:
                copied = _copy_parquet(conn, tables, progress, chunk_rows)
            else:
                _attach_original(conn, source, in_place=False)
                copied = _copy_sqlite(conn, source, progress, chunk_rows)
                conn.execute(sql.DETACH_DUMP)
            copy_seconds = time.perf_counter() - started
            started = time.perf_counter()
            indexed = build_indexes(conn, progress, dump_indexes=True)
            build.finish(conn)
    finally:
        conn.close()
    return ImportResult(path=db, rows_copied=copied, rows_indexed=indexed, copy_seconds=copy_seconds,
                        index_seconds=time.perf_counter() - started, resumed=resumed)


def index_original(original: Path, db: Path, *,
                   progress: ImportProgress | None = None) -> tuple[ImportResult, list[str]]:
    """Build a side index ``db`` of the SQLite original, which is only ever opened read-only.

    Returns:
        The result, and the dump indexes the original lacks (``table(column)``): lookups that
        need them scan the table, so they are said, and recorded in ``tb_meta`` as ``missing_indexes``.

    Raises:
        DumpError, CatalogError, KeyboardInterrupt: as :func:`import_catalog`.
    """
    original = original.expanduser().resolve()
    check_original(original, in_place=True)
    conn, resumed, complete = _open_target(db, kind="side", source=str(original))
    try:
        if complete:
            missing = dict(conn.execute(sql.META_READ).fetchall()).get("missing_indexes", "")
            return (ImportResult(path=db, rows_copied=0, rows_indexed=0, copy_seconds=0.0, index_seconds=0.0,
                                 resumed=True, already_complete=True), [m for m in missing.split(",") if m])
        with interruptible(conn):
            _attach_original(conn, original, in_place=True)
            missing = missing_dump_indexes(conn)
            started = time.perf_counter()
            missing = _copy_unindexed(conn, original, missing, progress or NoProgress())
            build.set_meta(conn, original=str(original), missing_indexes=",".join(missing))
            indexed = build_indexes(conn, progress or NoProgress(), dump_indexes=False)
            # Pragmas without a schema name reach every attached file: the original stays out of them.
            conn.execute(sql.DETACH_DUMP)
            build.finish(conn)
    finally:
        conn.close()
    return (ImportResult(path=db, rows_copied=0, rows_indexed=indexed, copy_seconds=0.0,
                         index_seconds=time.perf_counter() - started, resumed=resumed), missing)
