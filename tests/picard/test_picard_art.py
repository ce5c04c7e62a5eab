"""The cover-art providers inside real Picard 3.0: its cover-art queue, its web service, its downloads.

Picard's own ``CoverArt`` queue runs for a release dict; every request goes through Picard's
``WebService`` (QNetworkAccessManager) to a local server answering with recorded iTunes and
MusicBrainz bodies (``../shared/data/recorded/``) or the project's fixtures; Picard downloads
the queued image from that server too (it is the configured iTunes URL, so its artwork paths
are trusted as a CDN mirror). Nothing reaches the internet.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from audio import OUTRUN
from fakes.annas import sample_or_skip
from fakes.spec_clone import SpecClone
from images import jpeg, png
from picard_support import PicardRun, ReleaseTrack, fake_mbid, release_body
from recorded_server import Answer, RecordedServer
from shared_paths import recorded

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MB_APPLE = "musicbrainz/mb_release_83a3f2c0_inc-url-rels_spotify_free_streaming_apple_streaming.json"
ITUNES_LINKED = FIXTURES / "itunes" / "lookup_id578168980_project_made.json"
RAM_SEARCH = "itunes/catalogmigrator_search_album_daft_punk_ram_limit25.json"
MZSTATIC = ("https://is1-ssl.mzstatic.com", "https://is2-ssl.mzstatic.com", "https://is3-ssl.mzstatic.com",
            "https://is4-ssl.mzstatic.com", "https://is5-ssl.mzstatic.com")


def mirrored(body: bytes, server: RecordedServer) -> bytes:
    """``body`` with Apple's artwork hosts replaced by ``server``, which then serves as their mirror."""
    text = body.decode("utf-8")
    for host in MZSTATIC:
        text = text.replace(host, server.url)
    return text.encode("utf-8")


def release_83a3() -> dict[str, Any]:
    return json.loads(recorded(MB_APPLE).read_bytes())  # type: ignore[no-any-return]


def downloads(server: RecordedServer) -> list[str]:
    return [line for line in server.log if line.startswith("/image/") or line.startswith("/img/")]


@pytest.mark.parametrize("size", ["600", "3000"])
def test_itunes_provider_queues_the_linked_album_at_the_chosen_size(
        picard: PicardRun, recorded_server: RecordedServer, size: str) -> None:
    recorded_server.add("/lookup", Answer(mirrored(ITUNES_LINKED.read_bytes(), recorded_server)), id="578168980")
    path = f"/image/thumb/Music/v4/00/00/00/00000000-0000-0000-0000-000000000000/884501818353.jpg/{size}x{size}bb.jpg"
    recorded_server.add(path, Answer(jpeg(int(size), int(size)), content_type="image/jpeg"))
    picard.configure(recorded_server.url, providers=["tagbridge_itunes"], size=size)

    _album, metadata = picard.retrieve_art(release_83a3())

    assert downloads(recorded_server) == [path], "Picard downloads the linked album's art at the chosen size"
    assert picard.stored_images() == [recorded_server.url + path]
    assert not recorded_server.hits("/search"), "the Apple Music url-rel is an ID link: no text search"
    assert not recorded_server.hits("/ws/2/release/83a3f2c0-3ca7-4e6e-9de8-f740a1eb8990"), \
        "the release dict carries its relations: MusicBrainz is not asked again"
    assert picard.plugin_errors() == []


@pytest.mark.parametrize("answer, why", [
    (Answer(b"", status=403), "rate limited"),
    (Answer(b'{"errorMessage": "internal"}', status=500), "HTTP 500"),
    (Answer(b"<!DOCTYPE html><html><body>Sign in</body></html>", content_type="text/html"), "HTML"),
    (Answer(b'{"resultCount": 1, "results": [', delay=0), "truncated"),
    (Answer(b"{}", delay=4.0), "timed out"),
], ids=["403-empty", "500", "html-200", "truncated-json", "no-answer"])
def test_a_failing_itunes_logs_one_error_queues_nothing_and_picard_goes_on(
        picard: PicardRun, recorded_server: RecordedServer, answer: Answer, why: str) -> None:
    sample = sample_or_skip()
    recorded_server.add("/lookup", answer)
    recorded_server.add("/search", answer)
    recorded_server.add("/img/outrun-640.png", Answer(png(640, 640), content_type="image/png"))
    clone = _clone_with_cover(sample, f"{recorded_server.url}/img/outrun-640.png")
    release = json.loads(_outrun_release(sample, apple="1440742903"))
    with clone.running():
        picard.configure(recorded_server.url, providers=["tagbridge_itunes", "tagbridge_spotify"],
                         spotify_url=clone.api_url, timeout=1.0, spotify_ids=False)
        _album, metadata = picard.retrieve_art(release)

    itunes_errors = picard.plugin_errors()
    assert len(itunes_errors) == 1, f"one line for the failing source, got {picard.errors}"
    assert itunes_errors[0].startswith("tagbridge: itunes: ")
    assert why in itunes_errors[0]
    assert picard.stored_images() == [recorded_server.url + "/img/outrun-640.png"], \
        "the next provider (Spotify) was asked and its image stored"
    assert not any(line.startswith("/image/") for line in recorded_server.log), "nothing from iTunes was queued"


def _clone_with_cover(sample: Any, url: str) -> SpecClone:
    import dataclasses

    images = dict(sample.album_images)
    images[sample.album_by_id[OUTRUN]["rowid"]] = ({"url": url, "width": 640, "height": 640},)
    return SpecClone(dataclasses.replace(sample, album_images=images))


def _outrun_release(sample: Any, *, apple: str | None = None, spotify: bool = True) -> bytes:
    from audio import album_tracks

    relations = []
    if spotify:
        relations.append({"type": "free streaming", "target-type": "url", "ended": False,
                          "url": {"resource": f"https://open.spotify.com/album/{OUTRUN}"}})
    if apple:
        relations.append({"type": "streaming", "target-type": "url", "ended": False,
                          "url": {"resource": f"https://music.apple.com/us/album/{apple}"}})
    tracks = album_tracks(sample, OUTRUN)
    return release_body(mbid=fake_mbid("release", "outrun"), title="OutRun", artist="Kavinsky",
                        tracks=[ReleaseTrack(t.title, t.duration_ms, (t.isrc,)) for t in tracks],
                        barcode="602537292066", relations=relations)


def _run_cli(server: RecordedServer, tmp_path: Path, *args: str, stdin: str | None = None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAGBRIDGE_")}
    env.update(TAGBRIDGE_ITUNES_URL=server.url, TAGBRIDGE_CAA_URL=server.url, TAGBRIDGE_MUSICBRAINZ_URL=server.url,
               TAGBRIDGE_CACHE_DIR=str(tmp_path / "cache"), TAGBRIDGE_TIMEOUT="5", TAGBRIDGE_RATE_LIMIT_RETRIES="0",
               TAGBRIDGE_ITUNES_RATE="1000/1", TAGBRIDGE_MUSICBRAINZ_RATE="1000/1")
    exe = shutil.which("tagbridge")
    cmd = [exe] if exe else [sys.executable, "-m", "tagbridge"]
    proc = subprocess.run([*cmd, "art", *args, "--json"], capture_output=True, text=True, env=env, timeout=60,
                          input=stdin)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_parity_the_plugin_picks_what_tagbridge_art_picks(
        picard: PicardRun, recorded_server: RecordedServer, tmp_path: Path) -> None:
    """Same recorded search, same query: the CLI's first candidate is the image Picard downloads."""
    recorded_server.add("/search", Answer(mirrored(recorded(RAM_SEARCH).read_bytes(), recorded_server)))
    body = release_body(mbid=fake_mbid("release", "ram"), title="Random Access Memories", artist="Daft Punk",
                        date="2013-05-17", tracks=[ReleaseTrack(f"Track {n}", 240_000) for n in range(1, 14)])
    release = json.loads(body)
    recorded_server.add(f"/ws/2/release/{release['id']}", Answer(body))
    # The very query the plugin builds from the release: text, MBIDs, track count and year.
    query = {"artist": "Daft Punk", "album": "Random Access Memories", "mbid": release["id"],
             "release_group": release["release-group"]["id"], "tracks": 13, "year": 2013}
    cli = _run_cli(recorded_server, tmp_path, "--batch", "-", "--sources", "caa,itunes,spotify",
                   stdin=json.dumps(query) + "\n")
    assert cli["candidates"], cli
    chosen = cli["candidates"][0]["url"]
    assert chosen.startswith(recorded_server.url), "the CLI trusted the configured iTunes host as a mirror too"
    path = chosen.removeprefix(recorded_server.url)
    recorded_server.add(path, Answer(jpeg(3000, 3000), content_type="image/jpeg"))
    picard.configure(recorded_server.url, providers=["tagbridge_best"])

    _album, metadata = picard.retrieve_art(release)

    assert picard.stored_images() == [recorded_server.url + path]
    assert downloads(recorded_server) == [path]


def test_best_ranks_the_cover_art_archive_itunes_and_spotify_together(
        picard: PicardRun, recorded_server: RecordedServer) -> None:
    """An ID-linked 3000 px iTunes cover beats Spotify's 640 px one; the CAA answer 404 is "no art", not an error."""
    sample = sample_or_skip()
    release = json.loads(_outrun_release(sample, apple="1440742903"))
    body = json.loads(ITUNES_LINKED.read_bytes())
    body["results"][0].update(collectionId=1440742903, collectionName="OutRun", artistName="Kavinsky", trackCount=13,
                              releaseDate="2013-02-25T08:00:00Z")
    recorded_server.add("/lookup", Answer(mirrored(json.dumps(body).encode(), recorded_server)), id="1440742903")
    recorded_server.add(f"/release/{release['id']}", Answer(recorded("caa/caa_release_404_no_cover_art_html_graphbrainz.html"),
                                                             status=404, content_type="text/html"))
    path = "/image/thumb/Music/v4/00/00/00/00000000-0000-0000-0000-000000000000/884501818353.jpg/3000x3000bb.jpg"
    recorded_server.add(path, Answer(jpeg(3000, 3000), content_type="image/jpeg"))
    recorded_server.add("/img/outrun-640.png", Answer(png(640, 640), content_type="image/png"))
    clone = _clone_with_cover(sample, f"{recorded_server.url}/img/outrun-640.png")
    with clone.running():
        picard.configure(recorded_server.url, providers=["tagbridge_best"], spotify_url=clone.api_url,
                         spotify_ids=False)
        _album, metadata = picard.retrieve_art(release)

    assert picard.stored_images() == [recorded_server.url + path]
    assert recorded_server.hits(f"/release/{release['id']}") == 1, "the Cover Art Archive was asked"
    assert picard.plugin_errors() == []


def test_many_albums_at_once_wait_their_turn_in_picards_queue_without_timing_out(
        picard: PicardRun, recorded_server: RecordedServer) -> None:
    """Picard spaces requests to one host; a request's time limit starts when its turn comes."""
    from picard.album import Album
    from picard.coverart import CoverArt
    from picard.metadata import Metadata
    from picard.webservice import ratecontrol
    from picard_host import wait_until

    recorded_server.add("/lookup", Answer(mirrored(ITUNES_LINKED.read_bytes(), recorded_server)), id="578168980")
    path = "/image/thumb/Music/v4/00/00/00/00000000-0000-0000-0000-000000000000/884501818353.jpg/3000x3000bb.jpg"
    recorded_server.add(path, Answer(jpeg(3000, 3000), content_type="image/jpeg"))
    picard.configure(recorded_server.url, providers=["tagbridge_itunes"], timeout=1.0)
    ratecontrol.set_minimum_delay_for_url(recorded_server.url, 600)
    arts = []
    try:
        for n in range(5):
            release = release_83a3()
            release["id"] = fake_mbid("queued", n)
            album = Album(release["id"])
            picard.app.albums[release["id"]] = album
            metadata = Metadata()
            metadata["album"] = release["title"]
            album.metadata.update(metadata)
            art = CoverArt(album, metadata, release)
            arts.append((album, art))
        for _album, art in arts:
            art.retrieve()
        assert wait_until(lambda: all(a._queue_generator is None and not al._pending_tasks for al, a in arts), 60)
    finally:
        ratecontrol.set_minimum_delay_for_url(recorded_server.url, 0)
    assert picard.plugin_errors() == [], "no album's lookup timed out while waiting its turn"
    assert recorded_server.hits("/lookup") == 5
    assert len(picard.stored_images()) == 5
