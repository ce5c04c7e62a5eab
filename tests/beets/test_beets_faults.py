"""Faults during ``beet import``: the import completes, the other sources still answer, one clear line, no traceback.

The Spotify backend misbehaves in the ways real ones do (nothing listening, HTML where JSON was due,
a redirect loop, 429 with Retry-After), or the cache directory cannot be written. Where the
Spotify match is lost the album is imported as-is and its cover still comes from the Cover Art
Archive, through fetchart and the ``tagbridge`` art source.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import mediafile
import pytest
from audio import OUTRUN, SampleTrack, write_album
from beets.library import Item
from beets_support import (
    CAA_RELEASE,
    Beet,
    Beets,
    art_bytes,
    clone_options,
    dead_url,
    fast_options,
    serve_caa_release,
)
from fakes.spec_clone import SpecClone
from recorded_server import Answer, RecordedServer

from beetsplug.tagbridge import TagbridgePlugin

SERVED_PNG_PATH = "/img/cover-640.png"


def tagbridge_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("tagbridge:")]


def outrun_with_mbid(tmp_path: Path, outrun: list[SampleTrack]) -> Path:
    """OutRun tagged by names and with a MusicBrainz release id, the one the local CAA knows."""
    directory = tmp_path / "incoming" / "outrun"
    for path in write_album(directory, outrun, names=True, album="OutRun"):
        tags = mediafile.MediaFile(str(path))
        tags.mb_albumid = CAA_RELEASE
        tags.save()
    return directory.parent


def import_config(beet: Beet, cache: Path, spotify_url: str, caa_url: str) -> None:
    """Spotify and CAA as art sources, fetchart on import (as-is albums too), as-is when nothing matches."""
    beet.configure(["tagbridge", "fetchart"],
                   tagbridge=fast_options(cache, sources=["caa", "spotify"], spotify={"url": spotify_url},
                                          urls={"caa": caa_url, "musicbrainz": caa_url}),
                   fetchart={"sources": ["tagbridge"], "auto": True, "fetch_for_asis": True},
                   **{"import": {"quiet_fallback": "asis"}})


def spotify_fault(kind: str, clone: SpecClone, server: RecordedServer) -> str:
    """Make the Spotify backend fail in the way named; returns the base URL to configure."""
    if kind == "dead":
        return dead_url()
    if kind == "html":
        clone.fail_next(200, "<html><body>502 Bad Gateway</body></html>", headers={"Content-Type": "text/html"},
                        times=1000)
        return clone.api_url
    loop = f"{server.url}/loop"
    for path in ("/loop/search", "/loop/v1/search"):
        server.add(path, Answer(b"", status=302, headers={"Location": f"{loop}/search"}))
    return loop


def import_with_broken_spotify(beet: Beet, spec_clone: SpecClone, server: RecordedServer, incoming: Path,
                               kind: str) -> subprocess.CompletedProcess[str]:
    import_config(beet, beet.root / "cache", spotify_fault(kind, spec_clone, server), server.url)
    proc = beet("import", "-q", str(incoming))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    return proc


@pytest.mark.parametrize("kind, said", [
    ("dead", "Connection refused"),
    ("html", "got HTML/XML where JSON was expected"),
    ("redirect-loop", "too many redirects"),
])
def test_a_broken_spotify_backend_loses_only_the_spotify_match(
        beet: Beet, spec_clone: SpecClone, recorded_server: RecordedServer, outrun: list[SampleTrack],
        tmp_path: Path, kind: str, said: str) -> None:
    cover = serve_caa_release(recorded_server)
    proc = import_with_broken_spotify(beet, spec_clone, recorded_server, outrun_with_mbid(tmp_path, outrun), kind)
    lines = tagbridge_lines(proc.stderr)
    assert lines and lines[0].startswith("tagbridge: looking up Kavinsky - OutRun failed: spotify: "), proc.stderr
    assert all(said in line for line in lines), proc.stderr
    (album,) = beet.open_library().albums()
    assert (album.album, album.mb_albumid) == ("OutRun", CAA_RELEASE), "imported as-is, its own tags kept"
    assert art_bytes(album) == cover, "the cover still came from CAA"


def test_a_broken_spotify_backend_is_said_once_per_import(
        beet: Beet, spec_clone: SpecClone, recorded_server: RecordedServer, outrun: list[SampleTrack],
        tmp_path: Path) -> None:
    serve_caa_release(recorded_server)
    proc = import_with_broken_spotify(beet, spec_clone, recorded_server, outrun_with_mbid(tmp_path, outrun), "html")
    assert len(tagbridge_lines(proc.stderr)) == 1, proc.stderr


def test_an_unwritable_cache_dir_is_one_line_and_the_import_goes_on(
        beet: Beet, art_clone: SpecClone, recorded_server: RecordedServer, outrun_by_names: Path,
        tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    import_config(beet, blocker / "cache", art_clone.api_url, recorded_server.url)
    proc = beet("import", "-q", str(outrun_by_names))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    (line,) = tagbridge_lines(proc.stderr)
    assert "cannot use the cache directory" in line and "going on without the HTTP and token caches" in line, line
    (album,) = beet.open_library().albums()
    assert album["spotify_album_id"] == OUTRUN, "matched as usual"
    assert art_bytes(album) == recorded_server_png(recorded_server)


def recorded_server_png(server: RecordedServer) -> bytes:
    return next(answers[0].bytes() for path, _params, answers in server.routes if path == SERVED_PNG_PATH)


# --- in-process: a 429 is waited out; the api backend with an unwritable cache ---------------------

def test_a_429_on_search_is_waited_out_and_no_candidate_is_lost(
        beets_lib: Beets, spec_clone: SpecClone, outrun_by_names: Path, tmp_path: Path) -> None:
    spec_clone.fail_next(429, {"error": {"status": 429, "message": "API rate limit exceeded"}},
                         headers={"Retry-After": "0.2"}, path_prefix="/v1/search")
    beets_lib.load("tagbridge", tagbridge=fast_options(tmp_path / "cache", spotify=clone_options(spec_clone)))
    beets_lib.import_album(outrun_by_names)
    (album,) = beets_lib.lib.albums()
    assert album["spotify_album_id"] == OUTRUN, "beets' own spotify plugin drops every candidate here; we wait"
    assert spec_clone.hits("/v1/search") == 2, "asked again after the wait"


def api_options(clone: SpecClone, cache: Path) -> dict[str, Any]:
    clone.require_auth = True
    return fast_options(cache, spotify={"backend": "api", "url": clone.api_url, "token_url": clone.token_url,
                                        "client_id": clone.client_id, "client_secret": clone.client_secret})


@pytest.fixture
def unwritable_api_plugin(beets_lib: Beets, spec_clone: SpecClone, tmp_path: Path) -> TagbridgePlugin:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    beets_lib.load("tagbridge", tagbridge=api_options(spec_clone, blocker / "cache"))
    return beets_lib.instance(TagbridgePlugin)


def candidates_twice(plugin: TagbridgePlugin, outrun_by_names: Path) -> list[list[str | None]]:
    items = [Item.from_path(p) for p in sorted((outrun_by_names / "outrun").iterdir())]
    return [[c.album_id for c in plugin.candidates(items, "Kavinsky", "OutRun", False)] for _ in range(2)]


def test_api_backend_with_an_unwritable_cache_still_matches_on_one_token(
        unwritable_api_plugin: TagbridgePlugin, spec_clone: SpecClone, outrun_by_names: Path) -> None:
    assert candidates_twice(unwritable_api_plugin, outrun_by_names) == [[OUTRUN], [OUTRUN]]
    assert len(spec_clone.tokens_issued) == 1, "the token is kept in memory when it cannot be stored"


def test_api_backend_with_an_unwritable_cache_says_so_once(
        unwritable_api_plugin: TagbridgePlugin, outrun_by_names: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    candidates_twice(unwritable_api_plugin, outrun_by_names)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
