"""MusicBrainz url-rels and barcodes, from recorded ws/2 bodies and from musicbrainzngs' own parser."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import pytest

from tagbridge.core.config import Settings
from tagbridge.core.errors import BadResponse, ConfigError, RateLimited, ResponseError, Unavailable
from tagbridge.core.model import ArtLinks
from tagbridge.drivers.replay import Canned, ReplayDriver
from tagbridge.sources.musicbrainz import (
    MbRelease,
    build_release_request,
    normalize_mbid,
    parse_links,
    parse_release,
    release_links,
)

Finder = Callable[[str], Path]

SPOTIFY_APPLE = "musicbrainz/mb_release_83a3f2c0_inc-url-rels_spotify_free_streaming_apple_streaming.json"
PURCHASE_ENDED = "musicbrainz/mb_release_7d0cf748_inc-url-rels_apple_purchase_and_streaming_deezer.json"
BANDCAMP_ONLY = "musicbrainz/mb_release_6393da26_inc-url-rels_bandcamp_barcode_null.json"
WITH_MEDIA = "musicbrainz/mb_release_fba5f8fe_inc-media+recordings_graphbrainz.json"
ERROR_400 = "musicbrainz/mb_400_bad_inc_error_graphbrainz.json"
ERROR_404 = "musicbrainz/mb_url_lookup_404_not_found_error.json"
MBID_83 = "83a3f2c0-3ca7-4e6e-9de8-f740a1eb8990"


def _load(path: Path) -> dict[str, object]:
    body = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(body, dict)
    return body


def test_release_request_asks_for_url_rels_as_json() -> None:
    request = build_release_request(Settings(musicbrainz_url="http://127.0.0.1:5000/"), MBID_83.upper())
    assert request.url == f"http://127.0.0.1:5000/ws/2/release/{MBID_83}"
    params = parse_qs(urlsplit(request.full_url).query)
    assert params["fmt"] == ["json"] and "url-rels" in params["inc"][0].split("+")
    assert request.source == "musicbrainz"


def test_spotify_and_apple_links_of_a_release(recorded: Finder) -> None:
    release = parse_release(_load(recorded(SPOTIFY_APPLE)))
    assert release.links == ArtLinks(itunes_ids=(("578168980", "US"),), spotify_album_ids=("1eyWP34kB2qZ1CrH5LGTmp",))
    assert (release.id, release.title, release.barcode) == (MBID_83, "He’s All I Got", "884501818353")
    assert release.track_count is None, "media were not included in this recording"


def test_live_streaming_link_comes_before_the_ended_purchase_link(recorded: Finder) -> None:
    links = parse_links(_load(recorded(PURCHASE_ENDED)))
    assert links.itunes_ids == (("1473205356", "NZ"), ("1473205356", "US"))
    assert links.spotify_album_ids == ()


def test_a_release_with_only_bandcamp_links_has_none_for_us(recorded: Finder) -> None:
    release = parse_release(_load(recorded(BANDCAMP_ONLY)))
    assert release.links == ArtLinks() and release.barcode is None


def test_track_count_sums_the_media(recorded: Finder) -> None:
    assert parse_release(_load(recorded(WITH_MEDIA))).track_count == 12


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://music.apple.com/us/album/578168980", ("578168980", "US")),
        ("https://music.apple.com/gb/album/random-access-memories/617154241", ("617154241", "GB")),
        ("https://music.apple.com/jp/album/1989/1440933849?l=en", ("1440933849", "JP")),
        ("https://itunes.apple.com/de/album/some-title/id617154241?uo=4", ("617154241", "DE")),
        ("https://itunes.apple.com/album/id617154241", ("617154241", "US")),
        ("http://geo.music.apple.com/fr/album/x/617154241/", ("617154241", "FR")),
        ("https://music.apple.com/us/album/song/617154241?i=617154245", ("617154241", "US")),
        ("https://music.apple.com/us/artist/daft-punk/5468295", None),
        ("https://music.apple.com/us/album/no-id-here", None),
        ("https://apple.com.evil.example/us/album/617154241", None),
    ],
)
def test_apple_url_forms(url: str, expected: tuple[str, str] | None) -> None:
    links = parse_links({"relations": [{"type": "streaming", "ended": False, "url": {"resource": url}}]})
    assert links.itunes_ids == ((expected,) if expected else ())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://open.spotify.com/album/1eyWP34kB2qZ1CrH5LGTmp", "1eyWP34kB2qZ1CrH5LGTmp"),
        ("https://open.spotify.com/intl-de/album/1eyWP34kB2qZ1CrH5LGTmp?si=abc", "1eyWP34kB2qZ1CrH5LGTmp"),
        ("spotify:album:1eyWP34kB2qZ1CrH5LGTmp", "1eyWP34kB2qZ1CrH5LGTmp"),
        ("https://open.spotify.com/track/1eyWP34kB2qZ1CrH5LGTmp", None),
        ("https://open.spotify.com/album/short", None),
    ],
)
def test_spotify_url_forms(url: str, expected: str | None) -> None:
    links = parse_links({"relations": [{"type": "free streaming", "ended": False, "url": {"resource": url}}]})
    assert links.spotify_album_ids == ((expected,) if expected else ())


def test_junk_relations_are_skipped() -> None:
    junk: dict[str, object] = {"relations": [None, "x", {"url": None}, {"url": {"resource": 5}},
                                             {"type": "streaming", "url": {"resource": "https://music.apple.com/us/album/1"}}],
                               "url-relation-list": "not a list"}
    assert parse_links(junk).itunes_ids == (("1", "US"),)
    assert parse_links({}) == ArtLinks()


def _ngs_xml(release: dict[str, object]) -> bytes:
    """The release as ws/2 XML, the form musicbrainzngs parses, built from the recorded JSON."""
    rels = []
    for rel in release["relations"]:  # type: ignore[attr-defined]
        ended = "<ended>true</ended>" if rel["ended"] else ""
        rels.append(f'<relation type="{escape(rel["type"])}"><target>{escape(rel["url"]["resource"])}</target>'
                    f"<direction>forward</direction>{ended}</relation>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><metadata xmlns="http://musicbrainz.org/ns/mmd-2.0#">'
            f'<release id="{release["id"]}"><title>{escape(str(release["title"]))}</title>'
            f'<barcode>{release["barcode"]}</barcode><relation-list target-type="url">{"".join(rels)}'
            f"</relation-list></release></metadata>").encode()


def test_musicbrainzngs_dicts_give_the_same_links(recorded: Finder) -> None:
    mbxml = pytest.importorskip("musicbrainzngs.mbxml")
    for name in (SPOTIFY_APPLE, PURCHASE_ENDED, BANDCAMP_ONLY):
        ws2 = _load(recorded(name))
        ngs = mbxml.parse_message(io.BytesIO(_ngs_xml(ws2)))
        assert "url-relation-list" in ngs["release"] or name == BANDCAMP_ONLY
        assert parse_links(ngs["release"]) == parse_links(ws2), f"{name}: both shapes should agree"
        assert parse_release(ngs).links == parse_release(ws2).links, "the {'release': ...} wrapper is unwrapped"


def test_musicbrainzngs_release_from_a_recorded_xml_search(recorded: Finder) -> None:
    mbxml = pytest.importorskip("musicbrainzngs.mbxml")
    path = recorded("musicbrainz/mb_release_search_affordable_pop_music_musicbrainzngs.xml")
    first = mbxml.parse_message(path.open("rb"))["release-list"][0]
    release = parse_release(first)
    assert (release.title, release.artist, release.barcode, release.track_count) == (
        "Affordable Pop Music", "Dynamo Go", "9421021463277", 4)


def test_ws2_artist_credit_is_joined_as_printed() -> None:
    release = parse_release({"id": MBID_83, "artist-credit": [
        {"name": "Jay-Z", "joinphrase": " & ", "artist": {"name": "JAY-Z"}},
        {"joinphrase": "", "artist": {"name": "Kanye West"}}]})
    assert release.artist == "Jay-Z & Kanye West"


# --- the lookup -----------------------------------------------------------------------------

def test_release_links_through_the_driver(recorded: Finder) -> None:
    driver = ReplayDriver([(f"/ws/2/release/{MBID_83}?fmt=json", Canned(recorded(SPOTIFY_APPLE)))])
    release = driver.run(release_links(Settings(), MBID_83))
    assert isinstance(release, MbRelease) and release.links.itunes_ids == (("578168980", "US"),)


def test_unknown_release_is_none(recorded: Finder) -> None:
    driver = ReplayDriver([("/ws/2/release/" + MBID_83, Canned(recorded(ERROR_404), status=404))])
    assert driver.run(release_links(Settings(), MBID_83)) is None


def test_400_carries_musicbrainz_error_text(recorded: Finder) -> None:
    driver = ReplayDriver([("/ws/2/release/" + MBID_83, Canned(recorded(ERROR_400), status=400))])
    with pytest.raises(ResponseError, match="foobar is not a valid inc parameter"):
        driver.run(release_links(Settings(), MBID_83))


def test_400_without_json_still_raises() -> None:
    driver = ReplayDriver([("/ws/2/release/" + MBID_83, Canned(b"<html>Bad Request</html>", status=400))])
    with pytest.raises(ResponseError):
        driver.run(release_links(Settings(), MBID_83))


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"<!DOCTYPE html><html>maintenance</html>", "HTML"), (b'{"id": "83a3f2c0-3ca7', "truncated"),
     (b"[]", "not a release"), (b'{"title": "no id"}', "not a release")],
)
def test_a_200_that_is_not_a_release_is_a_bad_response(body: bytes, message: str) -> None:
    driver = ReplayDriver([("/ws/2/release/" + MBID_83, Canned(body))])
    with pytest.raises(BadResponse, match=message):
        driver.run(release_links(Settings(), MBID_83))


def test_musicbrainz_rate_limit_503_is_throttling_not_an_outage() -> None:
    body = b'{"error": "Your requests are exceeding the allowable rate limit. Please see ..."}'
    driver = ReplayDriver([("/ws/2/release/" + MBID_83, Canned(body, status=503))])
    with pytest.raises(RateLimited):
        driver.run(release_links(Settings(), MBID_83))
    with pytest.raises(Unavailable):
        ReplayDriver([("/ws/2/release/" + MBID_83, Canned(b"", status=503))]).run(release_links(Settings(), MBID_83))


def test_a_malformed_mbid_is_a_usage_error() -> None:
    driver = ReplayDriver([])
    with pytest.raises(ConfigError, match="not a MusicBrainz release ID"):
        driver.run(release_links(Settings(), "not-an-mbid"))
    assert driver.requests == []
    assert normalize_mbid(f"  {MBID_83.upper()} ") == MBID_83
