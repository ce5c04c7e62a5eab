"""``tagbridge catalog synth``: the same rows for a seed, and every feature of the real dump present."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from import_support import digest, run_cli

from tagbridge.catalog import sql
from tagbridge.catalog.importer import import_catalog
from tagbridge.catalog.store import Catalog
from tagbridge.catalog.synth import FEATURED, VARIOUS_ARTISTS_ID, synth, synth_catalog

TRACKS = 4000


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A synthetic catalog and the same rows as Parquet files."""
    directory = tmp_path_factory.mktemp("synth")
    result = synth(tracks=TRACKS, db=directory / "catalog.sqlite", parquet=directory / "parquet", seed=3)
    assert result.tracks == TRACKS and result.featured == FEATURED
    return directory / "catalog.sqlite", directory / "parquet"


@pytest.fixture(scope="module")
def conn(made: tuple[Path, Path]) -> Iterator[sqlite3.Connection]:
    catalog = Catalog(made[0])
    yield catalog.connection()
    catalog.close()


def _one(conn: sqlite3.Connection, query: str) -> int:
    return int(conn.execute(query).fetchone()[0])


def test_same_seed_same_rows_other_seed_other_rows(made: tuple[Path, Path], tmp_path: Path) -> None:
    again = synth_catalog(tmp_path / "again.sqlite", tracks=TRACKS, seed=3)
    assert digest(again.db or Path()) == digest(made[0]), "a seed should always give the same catalog"
    other = synth_catalog(tmp_path / "other.sqlite", tracks=TRACKS, seed=4)
    assert digest(other.db or Path())["tracks"] != digest(made[0])["tracks"]


def test_importing_the_parquet_output_gives_the_same_catalog(made: tuple[Path, Path], tmp_path: Path) -> None:
    db = tmp_path / "imported.sqlite"
    import_catalog(made[1], db)
    tables = (*sql.DUMP_TABLES, "tb_upc", "tb_isrc")
    assert digest(db, tables) == digest(made[0], tables)


def test_counts_follow_the_dumps_proportions(conn: sqlite3.Connection) -> None:
    assert _one(conn, "SELECT count(*) FROM tracks") == TRACKS
    albums = _one(conn, "SELECT count(*) FROM albums")
    assert TRACKS / 12 < albums < TRACKS / 4, "a few tracks per album, many singles"
    assert _one(conn, "SELECT count(*) FROM artists") == TRACKS // 10 + 2
    types = dict(conn.execute("SELECT album_type, count(*) FROM albums GROUP BY 1").fetchall())
    assert set(types) == {"album", "single", "compilation"} and types["single"] > types["compilation"]
    total = conn.execute("SELECT count(*) FROM albums al WHERE total_tracks != "
                         "(SELECT count(*) FROM tracks t WHERE t.album_rowid = al.rowid)").fetchone()[0]
    assert total == 0, "total_tracks should count each album's tracks"
    missing_upc = _one(conn, "SELECT count(*) FROM albums WHERE external_id_upc IS NULL") / albums
    assert 0.05 < missing_upc < 0.15, "about one album in ten has no UPC"


def test_artists_are_shared_and_featured(conn: sqlite3.Connection) -> None:
    busiest = _one(conn, "SELECT max(n) FROM (SELECT count(*) AS n FROM artist_albums WHERE is_appears_on = 0 "
                         "AND is_implicit_appears_on = 0 AND artist_rowid > 1 GROUP BY artist_rowid)")
    assert busiest >= 10, "popular artists should have many albums"
    featured = conn.execute("SELECT t.name FROM tracks t WHERE (SELECT count(*) FROM track_artists ta "
                            "WHERE ta.track_rowid = t.rowid) > 1 AND t.name LIKE '%(feat. %'").fetchall()
    assert featured, "some tracks should feature a second artist, credited and named in the title"
    assert _one(conn, "SELECT count(*) FROM artist_albums WHERE is_appears_on = 1") > 0
    assert _one(conn, "SELECT count(*) FROM artist_albums WHERE is_implicit_appears_on = 1") > 0


def test_various_artists_compilations_repeat_other_albums_recordings(conn: sqlite3.Connection) -> None:
    assert conn.execute("SELECT id, name FROM artists WHERE rowid = 1").fetchone() == (VARIOUS_ARTISTS_ID,
                                                                                          "Various Artists")
    compilations = _one(conn, "SELECT count(*) FROM albums WHERE album_type = 'compilation'")
    by_va = _one(conn, "SELECT count(*) FROM albums al JOIN artist_albums aa ON aa.album_rowid = al.rowid "
                       "WHERE al.album_type = 'compilation' AND aa.artist_rowid = 1 AND aa.is_appears_on = 0 "
                       "AND aa.index_in_album = 0")
    assert compilations > 0 and by_va == compilations, "compilations are credited to Various Artists"
    repeated = conn.execute(
        "SELECT t.external_id_isrc, group_concat(DISTINCT al.album_type) FROM tracks t "
        "JOIN albums al ON al.rowid = t.album_rowid GROUP BY t.external_id_isrc "
        "HAVING count(DISTINCT t.album_rowid) > 1").fetchall()
    assert any("compilation" in kinds for _isrc, kinds in repeated), "a recording on an album and a compilation"
    deluxe = conn.execute("SELECT count(*) FROM albums WHERE name LIKE '% (Deluxe%' OR name LIKE '%Edition)'")
    assert deluxe.fetchone()[0] > 0


def test_multi_disc_albums_number_each_disc_from_one(conn: sqlite3.Connection) -> None:
    discs = conn.execute("SELECT album_rowid, disc_number, min(track_number), count(*), max(track_number) "
                         "FROM tracks WHERE album_rowid IN (SELECT album_rowid FROM tracks WHERE disc_number = 2) "
                         "GROUP BY 1, 2").fetchall()
    assert discs, "some albums should have two discs"
    assert all(first == 1 and count == last for _a, _d, first, count, last in discs)


def test_names_come_in_many_scripts(conn: sqlite3.Connection) -> None:
    names = [name for (name,) in conn.execute("SELECT name FROM artists UNION ALL SELECT name FROM albums "
                                              "UNION ALL SELECT name FROM tracks")]
    scripts = {
        "Japanese": r"[\u3040-\u30ff\u4e00-\u9fff]", "Korean": r"[\uac00-\ud7af]", "Cyrillic": r"[\u0400-\u04ff]",
        "Greek": r"[\u0370-\u03ff]", "accented Latin": r"[À-ÖØ-öø-žÀ-ſ]",
    }
    for script, pattern in scripts.items():
        assert any(re.search(pattern, name) for name in names), f"some names should be in {script}"
    titles = [name for name in names if " - " in name or "(" in name]
    for pattern in (" - Live", " Remix", "Remastered", "(feat. "):
        assert any(pattern in title for title in titles), f"some titles should carry {pattern!r}"


def test_rows_look_like_the_dumps(conn: sqlite3.Connection) -> None:
    ids = [i for (i,) in conn.execute("SELECT id FROM tracks UNION ALL SELECT id FROM albums "
                                      "UNION ALL SELECT id FROM artists")]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[0-9A-Za-z]{22}", i) for i in ids)
    precisions = {p for (p,) in conn.execute("SELECT DISTINCT release_date_precision FROM albums")}
    assert precisions == {"year", "month", "day"}
    assert conn.execute("SELECT count(*) FROM albums al JOIN available_markets m "
                        "ON m.rowid = al.available_markets_rowid WHERE m.available_markets = 'unavailable'"
                        ).fetchone()[0] > 0
    urls = conn.execute("SELECT group_concat(width), min(url) FROM album_images GROUP BY album_rowid").fetchall()
    assert urls and all(widths == "640,300,64" for widths, _url in urls), "three covers per album, widest first"
    assert all(re.fullmatch(r"https://i\.scdn\.co/image/ab67616d0000b273[0-9a-f]{24}", url)
               for (url,) in conn.execute("SELECT url FROM album_images WHERE width = 640"))
    assert _one(conn, "SELECT count(*) FROM artist_images") > 0 and _one(conn, "SELECT count(*) FROM artist_genres") > 0
    assert {e for (e,) in conn.execute("SELECT DISTINCT explicit FROM tracks")} == {0, 1}
    assert _one(conn, "SELECT count(*) FROM tracks WHERE popularity NOT BETWEEN 0 AND 100") == 0


def test_featured_album_is_there_to_tag_against(conn: sqlite3.Connection) -> None:
    album = conn.execute("SELECT rowid, name, external_id_upc, total_tracks FROM albums WHERE id = ?",
                         (FEATURED.id,)).fetchone()
    assert album == (1, FEATURED.name, FEATURED.upc, len(FEATURED.tracks))
    tracks = conn.execute("SELECT name, external_id_isrc, duration_ms FROM tracks WHERE album_rowid = 1 "
                          "ORDER BY track_number").fetchall()
    assert tracks == [(t.name, t.isrc, t.duration_ms) for t in FEATURED.tracks]
    artists = conn.execute("SELECT ar.name FROM artist_albums aa JOIN artists ar ON ar.rowid = aa.artist_rowid "
                           "WHERE aa.album_rowid = 1").fetchall()
    assert artists == [(FEATURED.artist,)]
    found = conn.execute("SELECT rowid FROM tb_album_fts WHERE tb_album_fts MATCH ?", ('"night ferry"',)).fetchall()
    assert (1,) in found


def test_cli_says_what_it_made_and_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    status, out, err = run_cli(capsys, "catalog", "synth", "--tracks", "300", "--db", str(db))
    assert status == 0, err
    assert re.fullmatch(r"tagbridge: generated 300 tracks \([\d,]+ rows\) into \S+ in [\d.]+ s \([\d,]+ rows/s\); "
                        r"featured album 'Night Ferry' by The Lantern Club \(id 4TbDemoAlbumNightFerry, UPC \d+\)\n",
                        out), out
    status, out, err = run_cli(capsys, "catalog", "synth", "--tracks", "300", "--db", str(db))
    assert status == 2 and "--force" in err and err.count("\n") == 1
    status, out, err = run_cli(capsys, "catalog", "synth", "--tracks", "300")
    assert status == 2 and "--db PATH and/or --parquet DIR" in err
