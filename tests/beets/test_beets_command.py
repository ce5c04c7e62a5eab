"""``beet tagbridge [QUERY]``: a dry run that shows ranked art and the Spotify match with reasons, and ``--apply``.

The library holds OutRun and Substance as beets keeps albums imported as-is: names, no ids, no
art. A spec clone over the sample offers their covers from a local image server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from audio import OUTRUN, SUBSTANCE, album_tracks
from beets.library import Album, Library
from beets_support import (
    Beet,
    Beets,
    add_album_as_is,
    art_bytes,
    art_clone_for,
    clone_options,
    fast_options,
)
from fakes.annas import Sample
from fakes.spec_clone import SpecClone
from images import png
from recorded_server import Answer, RecordedServer

OUTRUN_COVER = png(640, 640)
SUBSTANCE_COVER = png(600, 600, rgb=(20, 20, 160))


@pytest.fixture
def covers_clone(sample: Sample, recorded_server: RecordedServer) -> Iterator[SpecClone]:
    """A running spec clone whose OutRun and Substance covers are PNGs on ``recorded_server``."""
    recorded_server.add("/img/outrun.png", Answer(OUTRUN_COVER, content_type="image/png"))
    recorded_server.add("/img/substance.png", Answer(SUBSTANCE_COVER, content_type="image/png"))
    clone = art_clone_for(sample, {OUTRUN: [(f"{recorded_server.url}/img/outrun.png", 640, 640)],
                                   SUBSTANCE: [(f"{recorded_server.url}/img/substance.png", 600, 600)]})
    with clone.running():
        yield clone


def add_albums(lib: Library, sample: Sample, root: Path) -> list[Album]:
    """OutRun and Substance as albums imported as-is: tags by names, albumartist set, no ids."""
    return [add_album_as_is(lib, root / title, album_tracks(sample, album_id), title)
            for album_id, title in ((OUTRUN, "OutRun"), (SUBSTANCE, "Substance"))]


@pytest.fixture
def library(beets_lib: Beets, covers_clone: SpecClone, sample: Sample, tmp_path: Path) -> list[Album]:
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", sources=["spotify"],
                                                       spotify=clone_options(covers_clone)))
    return add_albums(beets_lib.lib, sample, tmp_path / "music")


def snapshot(lib: Library) -> list[dict[str, object]]:
    """Every album's and item's fields, to show a dry run changed nothing."""
    return [dict(a) for a in lib.albums()] + [dict(i) for i in lib.items()]


def run(beets_lib: Beets, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    beets_lib.run_command("tagbridge", *args)
    return capsys.readouterr().out


def test_dry_run_shows_ranked_art_and_the_match_with_reasons_and_changes_nothing(
        beets_lib: Beets, library: list[Album], recorded_server: RecordedServer,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(beets_lib.lib)
    out = run(beets_lib, capsys, "--explain")
    lines = out.splitlines()
    assert lines[0] == "[1/2] Kavinsky - OutRun"
    assert "[2/2] New Order - Substance" in lines
    art = next(line for line in lines if line.startswith("  art 1."))
    assert art.split()[2:6] == ["spotify", "exact", "1.00", "640x640"] and art.endswith("/img/outrun.png"), art
    assert "  spotify exact 1.00: Kavinsky - OutRun (spotify:album:3bRM4GQgoFjBRRzhp87Ugb)" in lines
    assert "       · artist equal after normalization" in lines, "--explain gives the reasons"
    assert any(line.startswith("       · ranked 1: ") for line in lines), "--explain says why it ranked first"
    assert snapshot(beets_lib.lib) == before, "a dry run stores nothing"
    assert recorded_server.hits("/img/outrun.png") == 0, "a dry run downloads no image"


def test_apply_sets_whole_art_and_the_spotify_ids(beets_lib: Beets, library: list[Album], sample: Sample,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = run(beets_lib, capsys, "--apply", "album:OutRun")
    assert out.splitlines()[0] == "[1/1] Kavinsky - OutRun", "progress counts only the matched albums"
    assert "  spotify: set spotify_album_id 3bRM4GQgoFjBRRzhp87Ugb and 13 of 13 track ids" in out, out
    outrun, substance = library
    outrun.load()
    assert art_bytes(outrun) == OUTRUN_COVER
    assert outrun["spotify_album_id"] == OUTRUN
    expected = {t.number: t.id for t in album_tracks(sample, OUTRUN)}
    assert {i.track: i["spotify_track_id"] for i in outrun.items()} == expected
    substance.load()
    assert not substance.artpath and "spotify_album_id" not in substance, "the query's other albums are untouched"


def test_apply_keeps_existing_art_unless_forced(beets_lib: Beets, library: list[Album], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    outrun = library[0]
    old = tmp_path / "old.png"
    old.write_bytes(png(300, 300, rgb=(0, 0, 0)))
    outrun.set_art(os.fsencode(old))
    outrun.store()
    out = run(beets_lib, capsys, "--apply", "--no-spotify", "album:OutRun")
    assert "  art: kept the art the album has (--force replaces it)" in out
    outrun.load()
    assert art_bytes(outrun) == old.read_bytes()
    run(beets_lib, capsys, "--apply", "--force", "--no-spotify", "album:OutRun")
    outrun.load()
    assert art_bytes(outrun) == OUTRUN_COVER


def test_apply_never_sets_a_cut_off_image(beets_lib: Beets, library: list[Album], recorded_server: RecordedServer,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    cut = Answer(OUTRUN_COVER[: len(OUTRUN_COVER) // 2], content_type="image/png", length=len(OUTRUN_COVER))
    recorded_server.routes.insert(0, ("/img/outrun.png", {}, [cut]))
    out = run(beets_lib, capsys, "--apply", "--no-spotify", "album:OutRun")
    assert "  art: no candidate downloaded whole; the album's art is unchanged" in out, out
    library[0].load()
    assert not library[0].artpath


def test_apply_pairs_every_track_of_a_two_disc_album_numbered_across_discs(
        beets_lib: Beets, library: list[Album], sample: Sample, capsys: pytest.CaptureFixture[str]) -> None:
    substance = library[1]
    for n, item in enumerate(sorted(substance.items(), key=lambda i: (i.disc, i.track)), 1):
        item.track = n  # beets' default numbering: 1..24 across both discs
        item.store()
    out = run(beets_lib, capsys, "--apply", "--no-art", "album:Substance")
    assert "and 24 of 24 track ids" in out, out
    expected = {(t.disc, t.title): t.id for t in album_tracks(sample, SUBSTANCE)}
    assert {(i.disc, i.title): i.get("spotify_track_id") for i in substance.items()} == expected


def test_a_query_matching_nothing_says_so(beets_lib: Beets, library: list[Album],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run(beets_lib, capsys, "album:Nothing") == "tagbridge: no album matches the query\n"


def test_beet_tagbridge_dry_run_then_apply(beet: Beet, covers_clone: SpecClone, sample: Sample) -> None:
    beet.configure(["tagbridge"], tagbridge=fast_options(beet.root / "cache", sources=["spotify"],
                                                         spotify=clone_options(covers_clone)))
    lib = beet.open_library()
    add_albums(lib, sample, beet.directory)
    lib._close()
    dry = beet("tagbridge")
    assert dry.returncode == 0 and "Traceback" not in dry.stderr, dry.stderr
    assert [line for line in dry.stdout.splitlines() if line.startswith("[")] == [
        "[1/2] Kavinsky - OutRun", "[2/2] New Order - Substance"]
    assert not [a.artpath for a in beet.open_library().albums() if a.artpath]
    applied = beet("tagbridge", "--apply")
    assert applied.returncode == 0 and "Traceback" not in applied.stderr, applied.stderr
    albums = {a.album: a for a in beet.open_library().albums()}
    assert art_bytes(albums["Substance"]) == SUBSTANCE_COVER
    assert albums["Substance"]["spotify_album_id"] == SUBSTANCE
    assert len({i["spotify_track_id"] for i in albums["Substance"].items()}) == 24
