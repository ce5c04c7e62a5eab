"""``tagbridge catalog import`` and ``index``: the real sample in, every row out, bad dumps named, exact resumes."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from import_support import copy_sample, counts, digest, make_original, parquet_rows, run_cli, start_cli
from shared_paths import ANNAS_SAMPLE, require_shared

from tagbridge.catalog import sql
from tagbridge.catalog.importer import DumpError, import_catalog, index_original
from tagbridge.catalog.store import Catalog, CatalogError, read_only_uri
from tagbridge.catalog.synth import synth_parquet

OUTRUN_ROWID = 334925


def _find_album(catalog: Catalog, words: str) -> list[str]:
    conn = catalog.connection()
    rows = conn.execute("SELECT al.name FROM tb_album_fts f JOIN albums al ON al.rowid = f.rowid "
                        "WHERE tb_album_fts MATCH ? ORDER BY al.rowid", (words,)).fetchall()
    return [name for (name,) in rows]


@pytest.fixture(scope="module")
def sample() -> Path:
    return require_shared(ANNAS_SAMPLE)


@pytest.fixture(scope="module")
def sample_catalog(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("parquet-import") / "catalog.sqlite"
    import_catalog(sample, db)
    return db


@pytest.fixture(scope="module")
def original(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_original(sample, tmp_path_factory.mktemp("original") / "spotify_clean.sqlite3")


# --- the real sample ---------------------------------------------------------------------------

def test_parquet_import_holds_every_row_of_every_table(sample: Path, sample_catalog: Path) -> None:
    expected = {table: parquet_rows(sample, table) for table in sql.DUMP_TABLES}
    assert expected["albums"] == 21 and expected["tracks"] == 393 and expected["artists"] == 258
    assert counts(sample_catalog) == expected, "the catalog should hold exactly the Parquet files' rows"


def test_imported_catalog_opens_and_finds_outrun_by_its_folded_name(sample_catalog: Path) -> None:
    catalog = Catalog(sample_catalog)
    try:
        assert _find_album(catalog, "outrun") == ["OutRun"]
        conn = catalog.connection()
        upc = conn.execute("SELECT album_rowid FROM tb_upc WHERE upc = ?", ("602537292066",)).fetchall()
        assert upc == [(OUTRUN_ROWID,)], "OutRun's UPC 00602537292066 should be indexed without leading zeros"
        meta = dict(conn.execute(sql.META_READ).fetchall())
        assert meta["kind"] == "full" and meta["complete"] == "1"
    finally:
        catalog.close()
    assert not Path(f"{sample_catalog}-wal").exists(), "a finished catalog should be one self-contained file"


def test_sqlite_original_imports_the_same_rows_as_parquet(original: Path, sample_catalog: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "from-sqlite.sqlite"
    status, out, err = run_cli(capsys, "catalog", "import", str(original), "--db", str(db))
    assert status == 0, err
    assert out.startswith("tagbridge: imported 2,915 rows from ") and "rows/s" in out and str(db) in out
    assert err == "", "a short import without a terminal should print no progress"
    assert digest(db) == digest(sample_catalog), "both editions of the dump should give the same catalog"
    catalog = Catalog(db)
    assert _find_album(catalog, "outrun") == ["OutRun"]
    catalog.close()


def test_side_index_reads_the_original_in_place_and_never_writes_it(
        original: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (original.stat().st_mtime_ns, hashlib.sha256(original.read_bytes()).hexdigest())
    side = tmp_path / "side.sqlite"
    status, out, err = run_cli(capsys, "catalog", "index", str(original), "--db", str(side))
    assert status == 0, err
    assert out.startswith("tagbridge: indexed ") and str(side) in out
    assert err == "", "the original lacks indexes only on small tables, which the side index copies"
    assert (original.stat().st_mtime_ns, hashlib.sha256(original.read_bytes()).hexdigest()) == before
    assert sorted(p.name for p in original.parent.iterdir()) == [original.name], "no journal beside the original"
    tables = {name for (name,) in sqlite3.connect(side).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "tracks" not in tables and "tb_album_fts" in tables, "the side file holds tagbridge's tables"
    assert {"album_images", "artist_images", "artist_genres"} <= tables, \
        "and, indexed, the small tables the original has no index on (each lookup would scan them)"
    indexes = {name for (name,) in sqlite3.connect(side).execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"album_images_album_rowid", "artist_images_artist_rowid", "artist_genres_artist_rowid"} <= indexes
    catalog = Catalog(side)
    try:
        assert catalog.original == original.resolve()
        assert _find_album(catalog, "outrun") == ["OutRun"], "the side index should find albums of the original"
        meta = dict(catalog.connection().execute(sql.META_READ).fetchall())
        assert meta["kind"] == "side" and meta["original"] == str(original.resolve())
    finally:
        catalog.close()


def test_side_index_default_path_sits_beside_the_original(original: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "spotify_clean.sqlite3"
    copy.write_bytes(original.read_bytes())
    status, out, err = run_cli(capsys, "catalog", "index", str(copy))
    assert status == 0 and (tmp_path / "spotify_clean.tagbridge.sqlite3").is_file(), err
    # Running it again is a no-op that still says what the original lacks.
    status, out, again = run_cli(capsys, "catalog", "index", str(copy))
    assert status == 0 and "nothing to do" in out and again == err


# --- bad input ---------------------------------------------------------------------------------

def _rewrite(path: Path, change: str) -> None:
    import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type hints
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    table = pq.read_table(path)
    if change == "drop upc":
        table = table.drop_columns(["external_id_upc"])
    elif change == "rowid as text":
        table = table.set_column(0, "rowid", pa.compute.cast(table.column("rowid"), pa.string()))
    pq.write_table(table, path)


@pytest.mark.parametrize(("spoil", "named"), [
    ("truncate tracks", ["tracks.parquet", "truncated"]),
    ("empty artists", ["artists.parquet", "empty (0 bytes)"]),
    ("remove album_images", ["album_images.parquet"]),
    ("drop upc", ["albums.parquet", "'external_id_upc'"]),
    ("rowid as text", ["tracks.parquet", "'rowid'", "string", "integers"]),
])
def test_bad_parquet_dump_is_refused_before_copying_naming_the_file(
        spoil: str, named: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dump = copy_sample(tmp_path / "dump")
    if spoil == "truncate tracks":
        data = (dump / "tracks.parquet").read_bytes()
        (dump / "tracks.parquet").write_bytes(data[: len(data) // 2])
    elif spoil == "empty artists":
        (dump / "artists.parquet").write_bytes(b"")
    elif spoil == "remove album_images":
        (dump / "album_images.parquet").unlink()
    elif spoil == "drop upc":
        _rewrite(dump / "albums.parquet", spoil)
    else:
        _rewrite(dump / "tracks.parquet", spoil)
    db = tmp_path / "catalog.sqlite"
    status, out, err = run_cli(capsys, "catalog", "import", str(dump), "--db", str(db))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("tagbridge: error: "), "one line on stderr"
    for word in named:
        assert word in err, f"the error should name {word!r}: {err}"
    assert not db.exists(), "nothing should be written before the dump is checked"


def test_bad_sqlite_originals_are_named(original: Path, tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.sqlite3"
    not_sqlite.write_text("hello")
    with pytest.raises(DumpError, match="notes.sqlite3 is not a SQLite database"):
        import_catalog(not_sqlite, tmp_path / "a.sqlite")
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    with pytest.raises(DumpError, match=r"empty.sqlite3 is empty \(0 bytes\)"):
        index_original(empty, tmp_path / "a.sqlite")
    assert not (tmp_path / "a.sqlite").exists(), "nothing should be written for an unusable original"
    missing = tmp_path / "no-albums.sqlite3"
    missing.write_bytes(original.read_bytes())
    with sqlite3.connect(missing) as conn:
        conn.execute("DROP TABLE albums")
    with pytest.raises(DumpError, match="no-albums.sqlite3 has no table 'albums'"):
        index_original(missing, tmp_path / "b.sqlite")
    loose = tmp_path / "loose-rowid.sqlite3"
    loose.write_bytes(original.read_bytes())
    with sqlite3.connect(loose) as conn:
        conn.execute("ALTER TABLE artists RENAME TO artists_keyed")
        conn.execute("CREATE TABLE artists AS SELECT * FROM artists_keyed")  # rowid: a plain column now
    with pytest.raises(DumpError, match="artists.rowid is not the table's INTEGER PRIMARY KEY"):
        index_original(loose, tmp_path / "b.sqlite")
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(original.read_bytes()[: original.stat().st_size // 3])
    with pytest.raises(DumpError, match="truncated.sqlite3"):
        import_catalog(truncated, tmp_path / "c.sqlite")


def test_another_import_into_the_same_catalog_is_refused(sample_catalog: Path, tmp_path: Path) -> None:
    other = copy_sample(tmp_path / "other")
    with pytest.raises(CatalogError, match="holds a catalog of .* not of "):
        import_catalog(other, sample_catalog)
    with pytest.raises(CatalogError, match="is not a tagbridge catalog"):
        notes = tmp_path / "notes.txt"
        notes.write_text("not a database, but not empty either " * 200)
        import_catalog(other, notes)


# --- interrupted imports -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic dump with small, odd-sized row groups, so a resume starts inside one."""
    import pyarrow.parquet as pq

    directory = tmp_path_factory.mktemp("synth-dump")
    synth_parquet(directory, tracks=12_000, seed=7)
    for path in directory.glob("*.parquet"):
        pq.write_table(pq.read_table(path), path, row_group_size=997)
    return directory


@pytest.fixture(scope="module")
def reference(synthetic_dump: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str]]:
    db = tmp_path_factory.mktemp("reference") / "catalog.sqlite"
    import_catalog(synthetic_dump, db)
    return digest(db, (*sql.DUMP_TABLES, "tb_upc", "tb_isrc"))


def _copied(db: Path) -> int:
    """Rows of tracks copied so far, as a reader sees them (0 before the file or the table exists)."""
    try:
        conn = sqlite3.connect(read_only_uri(db), uri=True, timeout=0.1)
        try:
            row = conn.execute(sql.PROGRESS_READ, ("copy:tracks",)).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return 0
    return int(row[0]) if row else 0


def _interrupt(dump: Path, db: Path, how: signal.Signals) -> tuple[int, str]:
    child = start_cli("catalog", "import", str(dump), "--db", str(db), "--chunk-rows", "40")
    deadline = time.monotonic() + 30
    while _copied(db) == 0 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    os.kill(child.pid, how)
    _out, err = child.communicate(timeout=30)
    return child.returncode, err


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_interrupted_import_resumes_to_the_same_rows(
        how: signal.Signals, synthetic_dump: Path, reference: dict[str, tuple[int, str]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "catalog.sqlite"
    status, err = _interrupt(synthetic_dump, db, how)
    if how == signal.SIGINT:
        assert status == 130, err
        assert err.strip().splitlines()[-1].startswith("tagbridge: interrupted; to resume where it stopped, run: "
                                                       "tagbridge catalog import "), err
    else:
        assert status == -signal.SIGKILL
    copied = _copied(db)
    assert 0 < copied < reference["tracks"][0], "the import should have stopped while copying tracks"
    with pytest.raises(CatalogError, match="incomplete"):
        Catalog(db)
    status, out, err = run_cli(capsys, "catalog", "import", str(synthetic_dump), "--db", str(db))
    assert status == 0, err
    assert "(resumed)" in out
    assert digest(db, tuple(reference)) == reference, "a resumed import should equal an uninterrupted one"
    Catalog(db).close()
