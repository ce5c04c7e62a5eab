"""``beet fetchart`` with the ``tagbridge`` art source: the chosen image, whole, in either plugin order.

Covers come from local servers as real image bytes (``images.py``): a Spotify clone whose album
offers them, or a Cover Art Archive index rewritten to point at them. A download that fails or
arrives cut off must never replace the art an album has.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from audio import OUTRUN, OUTRUN_UPC, SampleTrack
from beets.library import Album, Library
from beetsplug.fetchart import FetchArtPlugin
from beets_support import (
    CAA_RELEASE,
    Beet,
    Beets,
    add_album_as_is,
    art_bytes,
    art_path,
    clone_options,
    fast_options,
    serve_caa_release,
)
from fakes.spec_clone import SpecClone
from images import png
from recorded_server import Answer, RecordedServer

SERVED = png(640, 640)  # what the ``images`` fixture serves at /img/cover-640.png


def add_outrun(lib: Library, root: Path, outrun: list[SampleTrack], **fields: Any) -> Album:
    """OutRun in the library as an earlier tagbridge import left it (files in their own directory)."""
    return add_album_as_is(lib, root / "Kavinsky" / "OutRun", outrun, "OutRun", **{
        "spotify_album_id": OUTRUN, "mb_albumid": OUTRUN, "data_source": "tagbridge",
        "barcode": OUTRUN_UPC[2:], **fields})


def fetchart_sources(beets_lib: Beets) -> list[str]:
    return [s.ID for s in beets_lib.instance(FetchArtPlugin).sources]


def art_options(tmp_path: Path, clone: SpecClone, **more: Any) -> dict[str, Any]:
    return fast_options(tmp_path / "cache", sources=["spotify"], spotify=clone_options(clone), **more)


# --- in-process: where the source goes, and what it writes --------------------------------------

def test_tagbridge_first_lets_fetchart_name_the_source(beets_lib: Beets, art_clone: SpecClone, tmp_path: Path,
                                                       outrun: list[SampleTrack]) -> None:
    beets_lib.load("tagbridge", "fetchart", tagbridge=art_options(tmp_path, art_clone),
                   fetchart={"sources": ["filesystem", "tagbridge"], "auto": False})
    assert fetchart_sources(beets_lib) == ["filesystem", "tagbridge"]
    album = add_outrun(beets_lib.lib, tmp_path / "music", outrun)
    beets_lib.run_command("fetchart", "-f")
    assert art_bytes(album) == SERVED, "the Spotify clone's cover, byte for byte"
    assert str(art_path(album)).endswith(".png"), "named for what the bytes are"


def test_fetchart_first_gets_the_source_before_its_first_web_source(
        beets_lib: Beets, art_clone: SpecClone, tmp_path: Path, outrun: list[SampleTrack]) -> None:
    beets_lib.load("fetchart", "tagbridge", tagbridge=art_options(tmp_path, art_clone),
                   fetchart={"sources": ["filesystem", "cover_art_url"], "auto": False})
    assert fetchart_sources(beets_lib) == ["filesystem", "tagbridge", "cover_art_url"]
    album = add_outrun(beets_lib.lib, tmp_path / "music", outrun)
    beets_lib.run_command("fetchart", "-f")
    assert art_bytes(album) == SERVED
    assert art_clone.hits("/v1/albums/" + OUTRUN) >= 1, "the cover came through tagbridge's Spotify lookup"


def test_fetchart_first_naming_tagbridge_fetches_art_on_import(
        beets_lib: Beets, art_clone: SpecClone, outrun_by_names: Path, tmp_path: Path) -> None:
    beets_lib.load("fetchart", "tagbridge", tagbridge=art_options(tmp_path, art_clone),
                   fetchart={"sources": ["filesystem", "tagbridge"], "auto": True})
    assert fetchart_sources(beets_lib) == ["filesystem", "tagbridge"], "fetchart loaded again, naming the source"
    beets_lib.import_album(outrun_by_names)
    assert art_bytes(beets_lib.lib.albums()[0]) == SERVED


def test_art_source_false_leaves_fetchart_alone(beets_lib: Beets, art_clone: SpecClone, tmp_path: Path) -> None:
    beets_lib.load("fetchart", "tagbridge", tagbridge=art_options(tmp_path, art_clone, art_source=False),
                   fetchart={"sources": ["filesystem", "cover_art_url"], "auto": False})
    assert fetchart_sources(beets_lib) == ["filesystem", "cover_art_url"]


def test_caa_cover_by_mbid_is_written_as_jpeg(beets_lib: Beets, recorded_server: RecordedServer, tmp_path: Path,
                                            outrun: list[SampleTrack]) -> None:
    cover = serve_caa_release(recorded_server)
    beets_lib.load("tagbridge", "fetchart",
                   tagbridge=fast_options(tmp_path / "cache", sources=["caa"], urls={"caa": recorded_server.url}),
                   fetchart={"sources": ["tagbridge"], "auto": False})
    album = add_outrun(beets_lib.lib, tmp_path / "music", outrun, mb_albumid=CAA_RELEASE)
    beets_lib.run_command("fetchart", "-f")
    assert art_bytes(album) == cover
    assert str(art_path(album)).endswith(".jpg")


def test_fetchart_minwidth_still_applies(beets_lib: Beets, art_clone: SpecClone, tmp_path: Path,
                                         outrun: list[SampleTrack]) -> None:
    beets_lib.load("tagbridge", "fetchart", tagbridge=art_options(tmp_path, art_clone),
                   fetchart={"sources": ["tagbridge"], "auto": False, "minwidth": 1000})
    album = add_outrun(beets_lib.lib, tmp_path / "music", outrun)
    beets_lib.run_command("fetchart", "-f")
    assert art_bytes(album) is None, "a 640 px cover is under minwidth 1000: fetchart writes nothing"


# --- a failed or cut-off download never replaces art ---------------------------------------------

HALF = len(SERVED) // 2


@pytest.mark.parametrize("answer", [
    pytest.param(Answer(SERVED[:HALF], content_type="image/png", length=len(SERVED)), id="connection-closed-early"),
    pytest.param(Answer(SERVED[:HALF], content_type="image/png"), id="short-image"),
    pytest.param(Answer(b"<html><body>Not Found</body></html>", status=404, content_type="text/html"), id="404"),
    pytest.param(Answer(b"<html><body>a login page</body></html>", content_type="text/html"), id="html-200"),
])
def test_a_bad_download_never_replaces_existing_art(beets_lib: Beets, art_clone: SpecClone, images: RecordedServer,
                                                   tmp_path: Path, outrun: list[SampleTrack],
                                                   answer: Answer) -> None:
    images.routes.insert(0, ("/img/cover-640.png", {}, [answer]))
    beets_lib.load("tagbridge", "fetchart", tagbridge=art_options(tmp_path, art_clone),
                   fetchart={"sources": ["filesystem", "tagbridge"], "auto": False})
    album = add_outrun(beets_lib.lib, tmp_path / "music", outrun)
    old = png(500, 500, rgb=(10, 200, 10))
    existing = tmp_path / "old-cover.png"
    existing.write_bytes(old)
    album.set_art(os.fsencode(existing))
    album.store()
    before = art_path(album)
    assert before is not None
    beets_lib.run_command("fetchart", "-f")
    assert images.hits("/img/cover-640.png") >= 1, "the bad image was offered and tried"
    assert art_bytes(album) == old and art_path(album) == before, "the album keeps its cover"
    leftovers = [p.name for p in before.parent.iterdir() if p.suffix != ".wav"]
    assert leftovers == [before.name], "no partial file lies next to the album"


# --- the real beet command ----------------------------------------------------------------------

def without_beets_plugin_warning(stderr: str) -> str:
    """stderr without beets' own "** error loading plugin fetchart" and the traceback it prints with it."""
    head, found, rest = stderr.partition("** error loading plugin fetchart\n")
    if not found:
        return stderr
    lines = rest.splitlines(keepends=True)
    end = next(i for i, line in enumerate(lines) if line.startswith("beets.exceptions.UserError"))
    return head + "".join(lines[end + 1:])


def beet_fetchart(beet: Beet, outrun: list[SampleTrack]) -> tuple[subprocess.CompletedProcess[str], Album]:
    """``beet fetchart -f`` over a library holding OutRun: the command's result, and the album afterwards."""
    lib = beet.open_library()
    add_outrun(lib, beet.directory, outrun)
    lib._close()
    proc = beet("fetchart", "-f")
    assert proc.returncode == 0 and "Traceback" not in without_beets_plugin_warning(proc.stderr), proc.stderr
    assert "Kavinsky - OutRun: found album art" in proc.stdout, proc.stdout + proc.stderr
    (album,) = beet.open_library().albums()
    assert art_bytes(album) == SERVED
    return proc, album


def test_beet_fetchart_writes_the_cover(beet: Beet, art_clone: SpecClone, outrun: list[SampleTrack]) -> None:
    beet.configure(["tagbridge", "fetchart"], tagbridge=art_options(beet.root, art_clone),
                   fetchart={"sources": ["filesystem", "tagbridge"], "auto": False})
    proc, album = beet_fetchart(beet, outrun)
    assert "fetchart" not in proc.stderr, "no warning when tagbridge is listed first"
    assert str(art_path(album)).endswith("/cover.png")


def test_beet_fetchart_loaded_first_naming_tagbridge_still_works(beet: Beet, art_clone: SpecClone,
                                                                outrun: list[SampleTrack]) -> None:
    beet.configure(["fetchart", "tagbridge"], tagbridge=art_options(beet.root, art_clone),
                   fetchart={"sources": ["filesystem", "tagbridge"], "auto": False})
    proc, _album = beet_fetchart(beet, outrun)
    assert "** error loading plugin fetchart" in proc.stderr, "beets' own warning about the first load"
    assert "list tagbridge before fetchart" in proc.stderr, "the user is told how to avoid it"
