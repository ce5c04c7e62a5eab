"""The clone server end to end: ``tagbridge serve`` in its own process, used by unmodified clients.

beets' own ``spotify`` plugin imports an album from it, spotipy reads an album and searches it,
tagbridge's ``clone`` backend reads it and the ``catalog`` backend gives the same records
in-process, and its answers validate against Spotify's OpenAPI spec.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import OUTRUN, SUBSTANCE, SpecSchemas, build_sample_catalog, spec_schemas  # noqa: F401
from shared_paths import ANNAS_SAMPLE, require_shared

from tagbridge.runtime import Runtime
from tagbridge.settings import settings_from_env
from tagbridge.sources import spotify


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - a local test server
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = require_shared(ANNAS_SAMPLE)
    pytest.importorskip("pyarrow", reason="pyarrow reads the Anna's sample; install the test extra")
    return build_sample_catalog(tmp_path_factory.mktemp("served") / "sample.sqlite", directory)


@pytest.fixture(scope="module")
def server(catalog_file: Path) -> Iterator[str]:
    """``tagbridge serve`` on a free port; yields its base URL (``http://127.0.0.1:PORT``)."""
    port = _free_port()
    exe = shutil.which("tagbridge")
    cmd = [exe] if exe else [sys.executable, "-m", "tagbridge"]
    proc = subprocess.Popen([*cmd, "serve", "--db", str(catalog_file), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if _get(f"{base}/v1/albums/{OUTRUN}")[0] == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"tagbridge serve did not start: {out} {err}")
        time.sleep(0.1)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_refuses_a_missing_catalog_with_one_line(tmp_path: Path) -> None:
    exe = shutil.which("tagbridge")
    cmd = [exe] if exe else [sys.executable, "-m", "tagbridge"]
    proc = subprocess.run([*cmd, "serve", "--db", str(tmp_path / "nope.sqlite")], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 2 and proc.stderr.startswith("tagbridge: error: --db: no catalog at")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_paging_links_point_back_at_the_server(server: str) -> None:
    status, body = _get(f"{server}/v1/search?q=artist:kavinsky&type=track&limit=2")
    assert status == 200 and body["tracks"]["next"].startswith(f"{server}/v1/search?")
    status, more = _get(body["tracks"]["next"])
    assert status == 200 and more["tracks"]["offset"] == 2


def test_errors_use_spotifys_shape_and_never_a_500(server: str) -> None:
    for path in ("/v1/albums/not-an-id", "/v1/albums/0000000000000000000000", "/v1/nowhere",
                 "/v1/search?q=&type=album", "/v1/search?q=x&type=album&limit=500",
                 "/v1/search?q=%27%3B%20DROP%20TABLE%20albums%3B%20--&type=album"):
        status, body = _get(server + path)
        assert status in (200, 400, 404), f"{path} answered {status}"
        if status != 200:
            assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["message"]


def test_answers_validate_against_the_openapi_spec(server: str, spec_schemas: SpecSchemas) -> None:
    for path, template in ((f"/v1/albums/{SUBSTANCE}", "/albums/{id}"),
                           (f"/v1/albums/{OUTRUN}/tracks?limit=5", "/albums/{id}/tracks"),
                           ("/v1/search?q=album:substance&type=album,track,artist", "/search")):
        status, body = _get(server + path)
        assert status == 200
        spec_schemas.check(body, path=template)
    status, body = _get(server + "/v1/albums/0000000000000000000000")
    spec_schemas.check(body, path="/albums/{id}", status=status)


def test_spotipy_reads_an_album_and_searches(server: str) -> None:
    spotipy = pytest.importorskip("spotipy", reason="spotipy is a test client; install the test extra")
    from spotipy.oauth2 import SpotifyClientCredentials

    class ServerCredentials(SpotifyClientCredentials):  # spotipy's token endpoint is a class constant
        OAUTH_TOKEN_URL = f"{server}/api/token"

    # A token cache in memory: spotipy's default is a ".cache" file in the working directory.
    credentials = ServerCredentials(client_id="any", client_secret="thing", cache_handler=spotipy.MemoryCacheHandler())
    client = spotipy.Spotify(auth_manager=credentials, requests_timeout=10, retries=0)
    client.prefix = f"{server}/v1/"
    album = client.album(f"spotify:album:{OUTRUN}")
    assert album["name"] == "OutRun" and album["tracks"]["total"] == 13
    found = client.search(q="album:OutRun artist:Kavinsky", type="album", limit=5)
    assert [a["id"] for a in found["albums"]["items"]][:1] == [OUTRUN]
    tracks = client.album_tracks(SUBSTANCE, limit=20)
    assert len(tracks["items"]) == 20 and client.next(tracks)["items"], "spotipy follows the server's next link"


def _records(env: dict[str, str], tmp_path: Path) -> list[Any]:
    settings = settings_from_env({**env, "TAGBRIDGE_CACHE_DIR": str(tmp_path / "cache")})
    with Runtime(settings, cache_read=False) as rt, rt.spotify() as session:
        album = rt.run(spotify.album_by_id(session, SUBSTANCE))
        by_isrc = rt.run(spotify.tracks_by_isrc(session, "GBAAP0000867"))
        by_upc = rt.run(spotify.albums_by_upc(session, "190295211592"))
        search = rt.run(spotify.search_albums(session, spotify.AlbumQuery(artist="Kavinsky", album="OutRun")))
    return [album, by_isrc, by_upc, search.records]


def test_the_clone_backend_over_http_and_the_catalog_backend_in_process_give_the_same_records(
        server: str, catalog_file: Path, tmp_path: Path) -> None:
    over_http = _records({"TAGBRIDGE_SPOTIFY_BACKEND": "clone", "TAGBRIDGE_SPOTIFY_API_URL": f"{server}/v1"},
                         tmp_path / "clone")
    in_process = _records({"TAGBRIDGE_SPOTIFY_BACKEND": "catalog", "TAGBRIDGE_SPOTIFY_CATALOG": str(catalog_file)},
                          tmp_path / "catalog")
    album = over_http[0]
    assert album is not None and album.title == "Substance" and len(album.tracks) == 24 and album.disc_count == 2
    assert over_http == in_process, "one code path, two ways in: the same records"


def test_beets_own_spotify_plugin_imports_an_album_from_the_server(server: str, tmp_path: Path) -> None:
    from audio import album_tracks, write_album
    from beets import plugins
    from beets.metadata_plugins import find_metadata_source_plugins, get_metadata_source, get_penalty
    from beets.test.helper import ImportHelper, PluginMixin
    from beetsplug.spotify import SpotifyPlugin
    from fakes.annas import sample_or_skip

    class Importer(PluginMixin, ImportHelper):
        plugin = "spotify"

    saved = {k: getattr(SpotifyPlugin, k) for k in ("search_url", "album_url", "track_url", "oauth_token_url")}
    SpotifyPlugin.search_url = f"{server}/v1/search"
    SpotifyPlugin.album_url = f"{server}/v1/albums/"
    SpotifyPlugin.track_url = f"{server}/v1/tracks/"
    SpotifyPlugin.oauth_token_url = f"{server}/api/token"
    helper = Importer()
    helper.temp_path = tmp_path  # type: ignore[misc]
    os.environ.pop("SPOTIFY_CLIENT_ID", None)
    try:
        helper.config["spotify"].set({"client_id": "any", "client_secret": "thing",
                                      "tokenfile": str(tmp_path / "spotify_token.json")})
        helper.setup_beets()
        for cached in (find_metadata_source_plugins, get_metadata_source, get_penalty):
            cached.cache_clear()
        tracks = album_tracks(sample_or_skip(), OUTRUN)
        write_album(helper.import_path / "outrun", tracks, album="OutRun")
        helper.setup_importer(autotag=True).run()
        [album] = list(helper.lib.albums())
        assert (album.album, album.albumartist, album["spotify_album_id"]) == ("OutRun", "Kavinsky", OUTRUN)
        assert [i.title for i in sorted(album.items(), key=lambda i: i.track)] == [t.title for t in tracks]
    finally:
        helper.teardown_beets()
        plugins.BeetsPlugin.listeners.clear()
        for key, value in saved.items():
            setattr(SpotifyPlugin, key, value)
        for cached in (find_metadata_source_plugins, get_metadata_source, get_penalty):
            cached.cache_clear()
