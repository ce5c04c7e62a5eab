"""The resolver across sources, run by the replay driver over real recorded bodies."""

from __future__ import annotations

import struct
import zlib

from tagbridge.core.config import ArtSize, Settings
from tagbridge.core.model import AlbumQuery, ArtLinks, MatchKind
from tagbridge.resolve import resolve_art
from tagbridge.drivers.replay import Canned, ReplayDriver

from shared_paths import recorded

SETTINGS = Settings(itunes_url="http://itunes.test", caa_url="http://caa.test", musicbrainz_url="http://mb.test",
                    countries=("US",), size=ArtSize(1200))
RAM = "itunes/catalogmigrator_search_album_daft_punk_ram_limit25.json"
CAA_MBID = "0f66c2eb-cbb5-4dc1-aa64-b5b4a0465e6a"
CAA_BODY = "caa/caa_release_0f66c2eb_3img_with1200_graphbrainz.json"
MB_APPLE = "musicbrainz/mb_release_83a3f2c0_inc-url-rels_spotify_free_streaming_apple_streaming.json"
APPLE_MBID = "83a3f2c0-3ca7-4e6e-9de8-f740a1eb8990"
# MusicBrainz and CAA have no such release: the answers a test gets for IDs it does not serve.
NO_MB_RELEASE = (lambda r: "/ws/2/release/" in r.url, Canned(b'{"error": "Not Found"}', status=404))
NO_CAA_RELEASE = (lambda r: r.url.startswith("http://caa.test/"), Canned(b"<html>Not Found</html>", status=404))


def png(width: int, height: int) -> bytes:
    """A valid PNG header of the given size (the probe reads only the header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def test_ranks_caa_id_match_above_itunes_text_match() -> None:
    driver = ReplayDriver([
        (f"/release/{CAA_MBID}", Canned(recorded(CAA_BODY))),
        ("/search", Canned(recorded(RAM))),
        NO_MB_RELEASE, NO_CAA_RELEASE,
    ])
    query = AlbumQuery(artist="Daft Punk", album="Random Access Memories", release_group=None, mbid=None)
    result = driver.run(resolve_art(SETTINGS, query))
    assert [c.source for c in result.candidates][:1] == ["itunes"], "without an MBID only iTunes can answer"

    query = AlbumQuery(artist="Daft Punk", album="Random Access Memories", mbid=CAA_MBID)
    result = driver.run(resolve_art(SETTINGS, query))
    assert result.candidates[0].source == "caa" and result.candidates[0].match is MatchKind.ID
    assert any(c.source == "itunes" for c in result.candidates), "the text match still follows"


def test_musicbrainz_failure_is_reported_and_text_search_goes_on() -> None:
    driver = ReplayDriver([
        (f"/ws/2/release/{APPLE_MBID}", Canned(b"<html>502 Bad Gateway</html>", status=502)),
        ("/search", Canned(recorded(RAM))),
        NO_MB_RELEASE, NO_CAA_RELEASE,
    ])
    query = AlbumQuery(artist="Daft Punk", album="Random Access Memories", mbid=APPLE_MBID)
    result = driver.run(resolve_art(SETTINGS, query))
    reports = {r.source: r for r in result.reports}
    assert not reports["musicbrainz"].ok and "502" in (reports["musicbrainz"].error or "")
    assert result.candidates and result.candidates[0].source == "itunes"


def test_musicbrainz_link_and_barcode_flow_into_the_query() -> None:
    driver = ReplayDriver([
        (f"/ws/2/release/{APPLE_MBID}", Canned(recorded(MB_APPLE))),
        ("/lookup", Canned(b'{"resultCount": 0, "results": []}')),
        ("/search", Canned(b'{"resultCount": 0, "results": []}')),
        NO_MB_RELEASE, NO_CAA_RELEASE,
    ])
    result = driver.run(resolve_art(SETTINGS, AlbumQuery(mbid=APPLE_MBID)))
    assert result.query.links.itunes_ids == (("578168980", "US"),)
    assert result.query.links.spotify_album_ids == ("1eyWP34kB2qZ1CrH5LGTmp",)
    assert result.query.barcode == "884501818353"
    lookups = [r for r in driver.requests if r.url.endswith("/lookup")]
    assert lookups and ("id", "578168980") in lookups[0].params, "the Apple link is looked up by id"


def test_timeout_in_one_source_leaves_the_other() -> None:
    driver = ReplayDriver([
        (f"/release/{CAA_MBID}", Canned(status=0)),
        ("/search", Canned(recorded(RAM))),
        NO_MB_RELEASE, NO_CAA_RELEASE,
    ])
    result = driver.run(resolve_art(SETTINGS, AlbumQuery(artist="Daft Punk", album="Random Access Memories", mbid=CAA_MBID)))
    reports = {r.source: r for r in result.reports}
    assert not reports["caa"].ok and "timed out" in (reports["caa"].error or "")
    assert result.candidates[0].source == "itunes"


def test_probe_learns_real_sizes_and_reranks() -> None:
    caa_url = "http://coverartarchive.org/release/0f66c2eb-cbb5-4dc1-aa64-b5b4a0465e6a/28819846237-1200.jpg"
    driver = ReplayDriver([
        (f"/release/{CAA_MBID}", Canned(recorded(CAA_BODY))),
        ("/search", Canned(recorded(RAM))),
        (lambda r: "mzstatic" in r.url, Canned(png(1200, 1200), status=206)),
        (lambda r: r.url.startswith(("http://coverartarchive.org", "https://coverartarchive.org")),
         Canned(png(1000, 1000), status=206)),
        NO_MB_RELEASE, NO_CAA_RELEASE,
    ])
    query = AlbumQuery(artist="Daft Punk", album="Random Access Memories", mbid=CAA_MBID)
    result = driver.run(resolve_art(SETTINGS, query, probe=True))
    caa = next(c for c in result.candidates if c.source == "caa")
    itunes = next(c for c in result.candidates if c.source == "itunes")
    assert (caa.width, caa.height) == (1000, 1000) and (itunes.width, itunes.height) == (1200, 1200)
    assert any("probed: 1000x1000" in r for r in caa.reasons)
    assert caa_url.rsplit("/", 1)[1] in caa.url


def test_probe_of_a_truncated_image_leaves_the_size_unknown() -> None:
    driver = ReplayDriver([
        ("/search", Canned(recorded(RAM))),
        (lambda r: "mzstatic" in r.url, Canned(b"\xff\xd8\xff\xe0\x00\x10JFIF", status=206)),
        NO_MB_RELEASE, NO_CAA_RELEASE,
    ])
    result = driver.run(resolve_art(SETTINGS, AlbumQuery(artist="Daft Punk", album="Random Access Memories"), probe=True))
    best = result.candidates[0]
    assert best.width is None and any("could not read" in r for r in best.reasons)


def test_probe_reaches_spotify_large_variant_below_the_stated_sizes() -> None:
    from dataclasses import replace

    from tagbridge.sources.spotify import SpotifySession

    settings = replace(SETTINGS, sources=("spotify",), spotify_api_url="http://spotify.test/v1",
                       spotify_token_url=None, spotify_backend="clone", size=ArtSize(3000))
    driver = ReplayDriver([
        ("/v1/albums/10FLjwfpbxLmW8c25Xyc2N", Canned(recorded("spotify/harmony_album_10FLjwfpbxLmW8c25Xyc2N.json"))),
        (lambda r: "ab67616d000082c1" in r.url, Canned(png(2000, 2000), status=206)),
        NO_MB_RELEASE, NO_CAA_RELEASE,
    ])
    session = SpotifySession(settings, clock=lambda: 0.0)
    query = AlbumQuery(links=ArtLinks(spotify_album_ids=("10FLjwfpbxLmW8c25Xyc2N",)))
    result = driver.run(resolve_art(settings, query, probe=True, spotify_session=session))
    best = result.candidates[0]
    assert "ab67616d000082c1" in best.url and (best.width, best.height) == (2000, 2000), \
        "once probed, the large variant outranks the 640 px image"


def test_any_transport_failure_is_that_sources_failure_and_the_others_answer() -> None:
    from tagbridge.core.errors import BadResponse

    for failure in (BadResponse("itunes", "http://itunes.test/search", "too many redirects"),
                    BadResponse("itunes", "http://itunes.test/search", "body larger than 64 bytes")):
        driver = ReplayDriver([
            (f"/release/{CAA_MBID}", Canned(recorded(CAA_BODY))),
            ("/search", Canned(fails=failure)),
            NO_MB_RELEASE,
        ])
        query = AlbumQuery(artist="Daft Punk", album="Random Access Memories", mbid=CAA_MBID)
        result = driver.run(resolve_art(SETTINGS, query))
        reports = {r.source: r for r in result.reports}
        assert not reports["itunes"].ok and failure.message in (reports["itunes"].error or "")
        assert [c.source for c in result.candidates] == ["caa"] and result.outcome == "found"


def test_outcomes_tell_abstained_from_failed_from_nothing_asked() -> None:
    from dataclasses import replace

    nothing = ReplayDriver([("/search", Canned(b'{"resultCount": 0, "results": []}'))])
    query = AlbumQuery(artist="Daft Punk", album="Random Access Memories")
    assert nothing.run(resolve_art(SETTINGS, query)).outcome == "abstained"
    down = ReplayDriver([("/search", Canned(b"oops", status=503))])
    assert down.run(resolve_art(SETTINGS, query)).outcome == "failed"
    only_caa = replace(SETTINGS, sources=("caa",))
    result = ReplayDriver([]).run(resolve_art(only_caa, query))
    assert result.outcome == "not_asked" and "needs a MusicBrainz release" in (result.reports[0].skipped or "")


def test_musicbrainz_404_is_a_note_not_a_failure() -> None:
    driver = ReplayDriver([NO_MB_RELEASE, NO_CAA_RELEASE])
    result = driver.run(resolve_art(SETTINGS, AlbumQuery(mbid=APPLE_MBID)))
    mb = {r.source: r for r in result.reports}["musicbrainz"]
    assert mb.ok and f"MusicBrainz has no release {APPLE_MBID}" in (mb.note or "")


def test_spotify_without_credentials_fails_alone_without_a_request() -> None:
    from dataclasses import replace

    from tagbridge.sources.spotify import SpotifySession

    settings = replace(SETTINGS, sources=("itunes", "spotify"))
    driver = ReplayDriver([("/search", Canned(recorded(RAM)))])
    session = SpotifySession(settings, clock=lambda: 0.0)
    result = driver.run(resolve_art(settings, AlbumQuery(artist="Daft Punk", album="Random Access Memories"),
                                    spotify_session=session))
    reports = {r.source: r for r in result.reports}
    assert not reports["spotify"].ok and "not configured" in (reports["spotify"].error or "")
    assert result.candidates and all(r.source == "itunes" for r in result.candidates)
    assert all("spotify" not in r.url for r in driver.requests), "no request was made for Spotify"


def test_explain_lists_each_passed_over_album_once() -> None:
    driver = ReplayDriver([("/search", Canned(recorded(RAM)))])
    result = driver.run(resolve_art(SETTINGS, AlbumQuery(artist="Daft Punk", album="Random Access Memories")))
    keys = [(p.source, p.id) for p in result.rejected]
    assert len(keys) == len(set(keys)) and ("itunes", "832492264") in keys, "the lullaby tribute is listed once"
    assert not {(c.source, c.id) for c in result.candidates} & set(keys), "nothing offered is also passed over"
