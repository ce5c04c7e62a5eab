"""Helpers for the import and synth tests: dump copies to spoil, a SQLite "original", digests of tables.

What belongs here: copying the real Anna's sample into a test's directory (to truncate or
rewrite a file there; the shared files are never touched), building a SQLite file shaped like
``spotify_clean.sqlite3`` (the dump's tables, its declared types and only the original's
indexes), digests that compare two catalogs row for row, and running the CLI in-process or in a
child process. What doesn't: assertions.

Test modules import this module (``from import_support import ...``); fixtures are imported
explicitly where they are used.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest
from shared_paths import ANNAS_SAMPLE, require_shared

from tagbridge.catalog import sql
from tagbridge.catalog.store import read_only_uri
from tagbridge.cli import main

__all__ = ["copy_sample", "make_original", "digest", "counts", "run_cli", "start_cli", "parquet_rows",
           "ORIGINAL_INDEXES"]

#: The indexes spotify_clean.sqlite3 has (SCHEMA.md): unique ids, names, tracks' album and ISRC,
#: both columns of each link table; none on the image and genre tables.
ORIGINAL_INDEXES: Final = (
    "CREATE UNIQUE INDEX artists_id ON artists(id)",
    "CREATE UNIQUE INDEX albums_id ON albums(id)",
    "CREATE UNIQUE INDEX tracks_id ON tracks(id)",
    "CREATE INDEX artists_name ON artists(name)",
    "CREATE INDEX albums_name ON albums(name)",
    "CREATE INDEX tracks_album ON tracks(album_rowid)",
    "CREATE INDEX tracks_isrc ON tracks(external_id_isrc)",
    "CREATE INDEX track_artists_track ON track_artists(track_rowid)",
    "CREATE INDEX track_artists_artist ON track_artists(artist_rowid)",
    "CREATE INDEX artist_albums_artist ON artist_albums(artist_rowid)",
    "CREATE INDEX artist_albums_album ON artist_albums(album_rowid)",
)
_ORIGINAL_TYPES: Final = {"INTEGER PRIMARY KEY": "INTEGER PRIMARY KEY", "INTEGER": "BIGINT", "TEXT": "VARCHAR"}
_CLI: Final = "import sys; from tagbridge.cli import main; sys.exit(main())"


def copy_sample(directory: Path) -> Path:
    """The real sample's Parquet files copied into ``directory`` (skips without ../shared)."""
    source = require_shared(ANNAS_SAMPLE)
    directory.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.parquet"):
        shutil.copy(path, directory / path.name)
    return directory


def parquet_rows(directory: Path, table: str) -> int:
    """Rows of one table file, from its footer."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # pyarrow ships no type hints

    return int(pq.ParquetFile(directory / f"{table}.parquet").metadata.num_rows)


def make_original(parquet: Path, path: Path) -> Path:
    """A SQLite file shaped like spotify_clean.sqlite3, holding the rows of the Parquet dump ``parquet``."""
    import pyarrow.parquet as pq

    conn = sqlite3.connect(path)
    with conn:
        for table, columns in sql.DUMP_TABLES.items():
            # The original declares the Parquet edition's types, not tagbridge's.
            declared = ", ".join(f"{name} {_ORIGINAL_TYPES[kind.split(' NOT')[0]]}" for name, kind in columns)
            conn.execute(f"CREATE TABLE {table} ({declared})")
            names = [name for name, _kind in columns]
            data = pq.read_table(parquet / f"{table}.parquet", columns=names)
            conn.executemany(sql.insert_rows(table), zip(*(data.column(n).to_pylist() for n in names)))
        conn.execute("CREATE TABLE track_audio_features (rowid VARCHAR, track_id VARCHAR, tempo VARCHAR)")
        for statement in ORIGINAL_INDEXES:
            conn.execute(statement)
    conn.close()
    return path


def counts(db: Path) -> dict[str, int]:
    """Rows per dump table of a catalog (or an original)."""
    conn = sqlite3.connect(read_only_uri(db), uri=True)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in sql.DUMP_TABLES}
    finally:
        conn.close()


def digest(db: Path, tables: tuple[str, ...] = tuple(sql.DUMP_TABLES)) -> dict[str, tuple[int, str]]:
    """``table -> (rows, sha256 of every row in rowid order)``: equal digests, equal tables, order included.

    Tables without a rowid (``tb_upc``, ``tb_isrc``) are read in key order.
    """
    conn = sqlite3.connect(read_only_uri(db), uri=True)
    result = {}
    try:
        for table in tables:
            sha = hashlib.sha256()
            rows = 0
            order = "_rowid_" if table in sql.DUMP_TABLES else "1, 2"  # tb_upc, tb_isrc: WITHOUT ROWID
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}"):
                sha.update(repr(row).encode())
                rows += 1
            result[table] = (rows, sha.hexdigest())
    finally:
        conn.close()
    return result


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``tagbridge argv`` in this process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def start_cli(*argv: str) -> subprocess.Popen[str]:
    """``tagbridge argv`` in a child process (stdout and stderr piped, stderr not a terminal)."""
    return subprocess.Popen([sys.executable, "-c", _CLI, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
