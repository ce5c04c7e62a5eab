"""``beet import`` with tagbridge as the metadata source: the right album, its order, ids, ISRCs and release facts.

beets' real importer runs in-process (``ImportSessionFixture`` applies the top candidate), and the
real ``beet`` command runs where the front end is the point. The Spotify side is a fake clone
over the real Anna's Archive sample.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import mediafile
import pytest
from audio import OUTRUN, SUBSTANCE, SampleTrack, album_tracks, write_album
from beets.library import Item, Library
from beets_support import Beet, Beets, clone_options, fast_options
from fakes import Reply, Request
from fakes.annas import Sample
from fakes.seed_clone import SeedClone
from fakes.spec_clone import SpecClone

from beetsplug.tagbridge import TagbridgePlugin

MBID = "6ef6e6cd-0d7c-4a9b-9a7d-6d2f6c0d7a1e"


def assert_outrun(lib: Library, outrun: list[SampleTrack]) -> None:
    """The library holds OutRun as the sample has it: order, ids, ISRCs, source and release facts."""
    (album,) = lib.albums()
    assert (album.albumartist, album.album) == ("Kavinsky", "OutRun")
    assert album["spotify_album_id"] == OUTRUN and album.mb_albumid == OUTRUN
    assert album.data_source == "tagbridge", "items name this plugin, not beets' own Spotify, as their source"
    assert (album.year, album.month, album.day) == (2013, 1, 1)
    assert album.label == "Universal Music Division Virgin Music"
    assert album.barcode == "602537292066", "beets keeps the UPC without the GTIN's zero padding"
    assert (album.disctotal, album.albumtype) == (1, "album")
    items = sorted(album.items(), key=lambda i: i.track)
    got = [(i.track, i.title, i.isrc, i["spotify_track_id"], i["spotify_album_id"]) for i in items]
    assert got == [(t.number, t.title, t.isrc, t.id, OUTRUN) for t in outrun], \
        "every file gets its own track's title, number, ISRC and Spotify id"
    assert {i.data_source for i in items} == {"tagbridge"}


def written_isrcs(lib: Library) -> list[str]:
    """The ISRCs in the imported files' tags, in track order."""
    items = sorted(lib.items(), key=lambda i: i.track)
    return [mediafile.MediaFile(i.path.decode() if isinstance(i.path, bytes) else i.path).isrc for i in items]


# --- in-process importer ------------------------------------------------------------------------

def test_import_by_names_tags_the_album_with_ids_isrcs_and_release_facts(
        beets_lib: Beets, spec_clone: SpecClone, outrun_by_names: Path, outrun: list[SampleTrack]) -> None:
    beets_lib.load("tagbridge", tagbridge=fast_options(beets_lib.temp_path / "cache", spotify=clone_options(spec_clone)))
    beets_lib.import_album(outrun_by_names)
    assert_outrun(beets_lib.lib, outrun)
    assert written_isrcs(beets_lib.lib) == [t.isrc for t in outrun], "the ISRCs reach the files, not just the library"
    batch = [e for e in spec_clone.log if e.path == "/v1/tracks"]
    assert len(batch) == 1, f"the chosen album's ISRCs come in one batch request, not one per track: {spec_clone.log}"


@pytest.fixture
def isrcs_only_imported(beets_lib: Beets, spec_clone: SpecClone, tmp_path: Path, outrun: list[SampleTrack]) -> Library:
    """The library after importing OutRun's files that carry ISRCs and nothing else."""
    write_album(tmp_path / "incoming" / "x", outrun, names=False, isrcs=True)
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", spotify=clone_options(spec_clone)))
    beets_lib.import_album(tmp_path / "incoming")
    return beets_lib.lib


def test_import_by_isrcs_alone_finds_the_album_without_any_text(
        isrcs_only_imported: Library, spec_clone: SpecClone, outrun: list[SampleTrack]) -> None:
    (album,) = isrcs_only_imported.albums()
    assert (album.albumartist, album.album, album["spotify_album_id"]) == ("Kavinsky", "OutRun", OUTRUN)
    assert (album.data_source, album.barcode, album.label) == ("tagbridge", "602537292066",
                                                               "Universal Music Division Virgin Music")
    assert sorted(i.title for i in album.items()) == sorted(t.title for t in outrun)
    assert not any(e.path == "/v1/search" and "album%3A" in e.target for e in spec_clone.log), \
        "files with ISRCs and no text are identified by ISRC, never by a text search"


def test_import_by_isrcs_alone_gives_each_file_its_own_track(isrcs_only_imported: Library,
                                                             outrun: list[SampleTrack]) -> None:
    assert_outrun(isrcs_only_imported, outrun)


def test_seed_clone_without_isrc_search_confirms_a_text_match_by_isrcs(
        beets_lib: Beets, seed_clone: SeedClone, tmp_path: Path, outrun: list[SampleTrack]) -> None:
    write_album(tmp_path / "incoming" / "x", outrun, names=True, isrcs=True, album="OutRun")
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", spotify=clone_options(seed_clone)))
    beets_lib.import_album(tmp_path / "incoming")
    (album,) = beets_lib.lib.albums()
    assert (album.album, album["spotify_album_id"]) == ("OutRun", OUTRUN)
    assert sorted((i.track, i.isrc) for i in album.items()) == [(t.number, t.isrc) for t in outrun]


@pytest.mark.parametrize("per_disc", [False, True])
def test_two_disc_album_gets_disc_and_track_numbers_right(
        beets_lib: Beets, spec_clone: SpecClone, sample: Sample, tmp_path: Path, per_disc: bool) -> None:
    substance = album_tracks(sample, SUBSTANCE)
    write_album(tmp_path / "incoming" / "substance", substance, names=True, album="Substance")
    beets_lib.config["per_disc_numbering"] = per_disc
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", spotify=clone_options(spec_clone)))
    beets_lib.import_album(tmp_path / "incoming")
    (album,) = beets_lib.lib.albums()
    assert (album.album, album.disctotal, album["spotify_album_id"]) == ("Substance", 2, SUBSTANCE)
    got = sorted((i.disc, i.track, i.title, i.isrc) for i in album.items())
    expected = [(t.disc, t.number if per_disc else n, t.title, t.isrc) for n, t in enumerate(substance, 1)]
    assert got == sorted(expected), "disc 2's tracks are disc 2's, numbered per disc only when asked"
    assert {i.disctotal for i in album.items()} == {2}
    if per_disc:
        assert {i.tracktotal for i in album.items()} == {12}, "with per-disc numbering, a disc's own track count"


def test_singleton_import_finds_the_track_with_its_isrc(beets_lib: Beets, spec_clone: SpecClone, tmp_path: Path,
                                                        outrun: list[SampleTrack]) -> None:
    odd_look = outrun[3]
    write_album(tmp_path / "incoming" / "x", [odd_look], names=True, album="")
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", spotify=clone_options(spec_clone)))
    beets_lib.import_album(tmp_path / "incoming", singletons=True)
    (item,) = beets_lib.lib.items()
    assert (item.title, item.artist, item.album) == ("Odd Look", "Kavinsky", "OutRun")
    assert (item.isrc, item["spotify_track_id"], item.data_source) == (odd_look.isrc, odd_look.id, "tagbridge")


def test_mbsync_refreshes_a_tagbridge_album_through_the_plugin(
        beets_lib: Beets, spec_clone: SpecClone, outrun_by_names: Path, outrun: list[SampleTrack]) -> None:
    beets_lib.load("tagbridge", "mbsync", tagbridge=fast_options(beets_lib.temp_path / "cache",
                                                                 spotify=clone_options(spec_clone)))
    beets_lib.import_album(outrun_by_names)
    album = beets_lib.lib.albums()[0]
    album.label = "edited by hand"
    album.store(inherit=True)
    beets_lib.run_command("mbsync")
    assert_outrun(beets_lib.lib, outrun)


def test_the_album_offers_its_best_cover_as_cover_art_url(beets_lib: Beets, spec_clone: SpecClone,
                                                        outrun_by_names: Path, sample: Sample) -> None:
    beets_lib.load("tagbridge", tagbridge=fast_options(beets_lib.temp_path / "cache",
                                                       spotify=clone_options(spec_clone)))
    beets_lib.import_album(outrun_by_names)
    biggest = max(sample.album_images[sample.album_by_id[OUTRUN]["rowid"]], key=lambda i: i["width"])
    assert beets_lib.lib.albums()[0]["cover_art_url"] == biggest["url"], "for fetchart's cover_art_url source"


def test_cover_art_url_false_stores_no_cover_url(beets_lib: Beets, spec_clone: SpecClone,
                                                 outrun_by_names: Path) -> None:
    beets_lib.load("tagbridge", tagbridge=fast_options(beets_lib.temp_path / "cache", cover_art_url=False,
                                                       spotify=clone_options(spec_clone)))
    beets_lib.import_album(outrun_by_names)
    assert "cover_art_url" not in beets_lib.lib.albums()[0]


def test_the_api_backend_without_credentials_says_so_once_and_asks_nothing(
        beets_lib: Beets, outrun_by_names: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", spotify={"backend": "api"}))
    plugin = beets_lib.instance(TagbridgePlugin)
    beets_lib.run_command("ls")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "beet ls stays quiet"
    items = [Item.from_path(p) for p in sorted((outrun_by_names / "outrun").iterdir())]
    assert list(plugin.candidates(items, "Kavinsky", "OutRun", False)) == []
    assert list(plugin.item_candidates(items[0], "Kavinsky", "Prelude")) == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "client_id and client_secret" in warnings[0], warnings
    assert not (tmp_path / "cache").exists(), "nothing was asked, so nothing was cached"


# --- ids: album_for_id and _extract_id ---------------------------------------------------------

@pytest.mark.parametrize("ref", [
    OUTRUN,
    f"spotify:album:{OUTRUN}",
    f"https://open.spotify.com/album/{OUTRUN}?si=0123abcd",
    f"https://open.spotify.com/intl-fr/album/{OUTRUN}",
])
def test_album_for_id_takes_a_bare_id_uri_or_url(beets_lib: Beets, spec_clone: SpecClone, tmp_path: Path,
                                                  ref: str) -> None:
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", spotify=clone_options(spec_clone)))
    plugin = beets_lib.instance(TagbridgePlugin)
    info = plugin.album_for_id(ref)
    assert info is not None and (info.album, info.album_id, len(info.tracks)) == ("OutRun", OUTRUN, 13)
    assert plugin._extract_id(ref) == OUTRUN


def test_import_search_id_takes_an_open_spotify_url(beets_lib: Beets, spec_clone: SpecClone,
                                                   outrun_by_names: Path, outrun: list[SampleTrack]) -> None:
    beets_lib.load("tagbridge", tagbridge=fast_options(beets_lib.temp_path / "cache",
                                                       spotify=clone_options(spec_clone)))
    beets_lib.import_album(outrun_by_names, search_ids=[f"https://open.spotify.com/album/{OUTRUN}?si=0123abcd"])
    assert_outrun(beets_lib.lib, outrun)
    assert spec_clone.hits("/v1/search") == 0, "an explicit id needs no search"


def test_an_mbid_is_not_ours_and_costs_no_request(beets_lib: Beets, spec_clone: SpecClone, tmp_path: Path) -> None:
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", spotify=clone_options(spec_clone)))
    plugin = beets_lib.instance(TagbridgePlugin)
    for ref in (MBID, f"https://musicbrainz.org/release/{MBID}"):
        assert plugin._extract_id(ref) is None
        assert plugin.album_for_id(ref) is None
        assert plugin.track_for_id(ref) is None
    assert spec_clone.log == [], "beets hands every plugin every id; an MBID must not reach Spotify"


def test_track_for_id_by_url(beets_lib: Beets, spec_clone: SpecClone, outrun: list[SampleTrack],
                             tmp_path: Path) -> None:
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", spotify=clone_options(spec_clone)))
    nightcall = outrun[7]
    info = beets_lib.instance(TagbridgePlugin).track_for_id(f"https://open.spotify.com/track/{nightcall.id}")
    assert info is not None and (info.title, info.track_id, info.isrc) == ("Nightcall", nightcall.id, nightcall.isrc)


def test_an_unknown_album_id_is_none(beets_lib: Beets, spec_clone: SpecClone, tmp_path: Path) -> None:
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", spotify=clone_options(spec_clone)))
    assert beets_lib.instance(TagbridgePlugin).album_for_id("0" * 22) is None


# --- thread safety ------------------------------------------------------------------------------

def ask_from_threads(plugin: TagbridgePlugin, items: list[Item], threads: int = 8) -> list[list[str | None]]:
    """``plugin.candidates`` from ``threads`` threads released at the same moment, as beets' pool does."""
    start = threading.Barrier(threads)
    found: list[list[str | None]] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            start.wait()
            found.append([c.album_id for c in plugin.candidates(items, "Kavinsky", "OutRun", False)])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert not errors, errors
    return found


class SlowTokens(SpecClone):
    """A spec clone whose token endpoint takes a moment, as Spotify's accounts service may."""

    def route(self, request: Request) -> Reply:
        if request.path == "/api/token":
            time.sleep(0.2)
        return super().route(request)


@pytest.fixture
def slow_tokens(sample: Sample) -> Iterator[SpecClone]:
    clone = SlowTokens(sample, require_auth=True)
    with clone.running():
        yield clone


def load_api_plugin(beets_lib: Beets, clone: SpecClone, cache: Path) -> TagbridgePlugin:
    """The plugin on the api backend against a clone that demands a token."""
    clone.require_auth = True
    spotify = {"backend": "api", "url": clone.api_url, "token_url": clone.token_url,
               "client_id": clone.client_id, "client_secret": clone.client_secret}
    beets_lib.load("tagbridge", tagbridge=fast_options(cache, spotify=spotify))
    return beets_lib.instance(TagbridgePlugin)


def test_candidates_from_many_threads_at_once_all_get_the_album(
        beets_lib: Beets, spec_clone: SpecClone, outrun_by_names: Path, tmp_path: Path) -> None:
    plugin = load_api_plugin(beets_lib, spec_clone, tmp_path / "cache")
    items = [Item.from_path(p) for p in sorted((outrun_by_names / "outrun").iterdir())]
    assert ask_from_threads(plugin, items, threads=1) == [[OUTRUN]]
    assert ask_from_threads(plugin, items) == [[OUTRUN]] * 8
    assert len(spec_clone.tokens_issued) == 1, f"the token is shared once it exists: {spec_clone.tokens_issued}"
    assert not spec_clone.errors


def test_candidates_from_many_threads_at_a_cold_start_fetch_one_token(
        beets_lib: Beets, slow_tokens: SpecClone, outrun_by_names: Path, tmp_path: Path) -> None:
    plugin = load_api_plugin(beets_lib, slow_tokens, tmp_path / "cache")
    items = [Item.from_path(p) for p in sorted((outrun_by_names / "outrun").iterdir())]
    assert ask_from_threads(plugin, items) == [[OUTRUN]] * 8
    assert len(slow_tokens.tokens_issued) == 1, f"one token for all threads, got {slow_tokens.tokens_issued}"


# --- the real beet command ----------------------------------------------------------------------

def test_beet_import_quiet_applies_the_album(beet: Beet, spec_clone: SpecClone, outrun_by_names: Path,
                                            outrun: list[SampleTrack]) -> None:
    beet.configure(["tagbridge"], tagbridge=fast_options(beet.root / "cache", spotify=clone_options(spec_clone)))
    proc = beet("import", "-q", str(outrun_by_names))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    lib = beet.open_library()
    assert_outrun(lib, outrun)
    assert written_isrcs(lib) == [t.isrc for t in outrun], "the ISRCs reach the files"


def test_beet_import_by_isrcs_alone_finds_the_candidate(beet: Beet, spec_clone: SpecClone, tmp_path: Path,
                                                        outrun: list[SampleTrack]) -> None:
    write_album(tmp_path / "incoming" / "x", outrun, names=False, isrcs=True)
    beet.configure(["tagbridge"], tagbridge=fast_options(beet.root / "cache", spotify=clone_options(spec_clone)))
    proc = beet("-v", "import", "-q", str(tmp_path / "incoming"))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    # beets -q never applies a candidate to files without titles; it must have found the right one.
    assert f"Candidate: Kavinsky - OutRun ({OUTRUN}) from tagbridge" in proc.stdout + proc.stderr

