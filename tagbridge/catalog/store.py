"""Opening a catalog: one SQLite file, or a side index beside the original dump, read-only and checked.

What belongs here: connections (read-only URIs, per thread, tuned for lookups), reading
``tb_meta``, and refusing a catalog that is missing, half-written or of another schema
version, with a message that says what to run. What doesn't: SQL text (``sql.py``), building a
catalog (``importer.py``, ``synth.py``), and the Web API (``api.py``).

Thread safety: :meth:`Catalog.connection` gives each thread its own connection; SQLite
connections are not shared across threads.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tagbridge.catalog import sql
from tagbridge.catalog.sql import SCHEMA_VERSION
from tagbridge.core.errors import ConfigError

__all__ = ["Catalog", "CatalogError", "read_only_uri", "tune"]


class CatalogError(ConfigError):
    """The catalog cannot be used: missing, not a catalog, half-written, or another version."""


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """A SQLite URI opening ``path`` read-only; ``immutable`` also skips locking (a file no one writes)."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return uri + ("&immutable=1" if immutable else "")


def tune(conn: sqlite3.Connection) -> None:
    """Settings for many small indexed reads: a memory-mapped file and a larger page cache."""
    conn.execute("PRAGMA mmap_size = 1073741824")
    # Pages read from the OS cost far more than pages in SQLite's own cache (measured at 10M
    # tracks: most single-row reads paid for the copy); memory is plentiful next to the dump.
    conn.execute("PRAGMA cache_size = -262144")  # 256 MiB a connection
    conn.execute("PRAGMA temp_store = MEMORY")


@dataclass(frozen=True, slots=True)
class _Meta:
    kind: str  # "full" or "side"
    original: Path | None


class Catalog:
    """A complete catalog, opened read-only; :meth:`connection` gives the calling thread its connection."""

    def __init__(self, path: Path | str) -> None:
        """Check that ``path`` is a complete catalog (or a side index whose original is there).

        Raises:
            CatalogError: saying what is wrong and what to run.
        """
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise CatalogError(f"no catalog at {self.path}: build one with 'tagbridge catalog import', "
                               "'tagbridge catalog index' or 'tagbridge catalog synth'")
        self._meta = self._read_meta()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []

    def _read_meta(self) -> _Meta:
        try:
            conn = sqlite3.connect(read_only_uri(self.path), uri=True)
            try:
                rows = dict(conn.execute(sql.META_READ).fetchall())
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"{self.path} is not a tagbridge catalog ({exc})") from None
        if rows.get("schema_version") != str(SCHEMA_VERSION):
            raise CatalogError(f"{self.path} was built by another version of tagbridge (schema "
                               f"{rows.get('schema_version')!r}, this one reads {SCHEMA_VERSION}); build it again")
        if rows.get("complete") != "1":
            raise CatalogError(f"{self.path} is incomplete: its import was interrupted; run the same "
                               "'tagbridge catalog import' (or 'index') again to resume it")
        kind = rows.get("kind", "full")
        original = Path(rows["original"]) if kind == "side" and rows.get("original") else None
        if kind == "side" and (original is None or not original.is_file()):
            raise CatalogError(f"{self.path} indexes {original}, which is not there; point it at the dump again "
                               "with 'tagbridge catalog index'")
        return _Meta(kind=kind, original=original)

    @property
    def original(self) -> Path | None:
        """The dump this side index reads, or None for a catalog that holds its own rows."""
        return self._meta.original

    def connection(self) -> sqlite3.Connection:
        """This thread's read-only connection (opened on first use)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(read_only_uri(self.path), uri=True, check_same_thread=False)
            tune(conn)
            if self._meta.original is not None:
                conn.execute(sql.ATTACH_DUMP, (read_only_uri(self._meta.original),))
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection this catalog opened."""
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()
