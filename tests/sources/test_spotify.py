"""The Spotify source against recorded Web API bodies: ids and links, albums and their track
pages, batch fallback, UPC and ISRC searches, text search, rate limits and cover candidates."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from shared_paths import recorded

from tagbridge.core.config import Settings
from tagbridge.core.errors import BadResponse, ConfigError, RateLimited, ResponseError
from tagbridge.core.http import HttpRequest
from tagbridge.core.model import AlbumQuery, ArtLinks, MatchKind
from tagbridge.drivers.replay import Canned, ReplayDriver
from tagbridge.sources.spotify import (
    INFO,
    SpotifySession,
    SpotifyToken,
    album_art,
    album_by_id,
    albums_by_ids,
    albums_by_upc,
    larger_image_url,
    parse_spotify_ref,
    read_json,
    search_albums,
    search_tracks,
    track_by_id,
    tracks_by_isrc,
    upc_forms,
)

NOW = 1_700_000_000.0
API = Settings(spotify_client_id="id", spotify_client_secret="secret")
SMILE = "10FLjwfpbxLmW8c25Xyc2N"
HITS = "32nryzA6XBCX9ZUspVc1yz"
SMILE_QUERY = AlbumQuery(artist="Lady Gaga & Bruno Mars", album="Die With A Smile")
SEVERAL = ["41MnTivkwTO3UUJ8DrqEJJ", "6JWc4iAiJ9FjyK0B59ABb4", "6UXCm6bOO4gFlDQZV5yL37", "0X8vBD8h1Ga9eLT8jx9VCC"]


def session(settings: Settings = API) -> SpotifySession:
    """An API session holding a valid token, so tests see only the requests under test."""
    return SpotifySession(settings, clock=lambda: NOW, token=SpotifyToken(access_token="t", expires_at=NOW + 3600))


def canned(name: str, status: int = 200) -> Canned:
    return Canned(recorded(f"spotify/{name}"), status=status)


def params(request: HttpRequest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.full_url).query)


def limit_over_10(request: HttpRequest) -> bool:
    """Development Mode answers 400 "Invalid limit" to a search limit above 10."""
    limit = dict(request.params).get("limit") or params(request).get("limit", [""])[0]
    return request.url.endswith("/search") and limit.isdigit() and int(limit) > 10


INVALID_LIMIT = Canned(b'{"error":{"status":400,"message":"Invalid limit"}}', status=400)


# --- ids, URLs and URIs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("10FLjwfpbxLmW8c25Xyc2N", "album", SMILE),
        ("  10FLjwfpbxLmW8c25Xyc2N\n", "album", SMILE),
        ("https://open.spotify.com/album/10FLjwfpbxLmW8c25Xyc2N", "album", SMILE),
        ("https://open.spotify.com/album/10FLjwfpbxLmW8c25Xyc2N?si=9a1b2c3d4e", "album", SMILE),
        ("https://open.spotify.com/intl-de/album/10FLjwfpbxLmW8c25Xyc2N", "album", SMILE),
        ("https://open.spotify.com/intl-pt-BR/album/10FLjwfpbxLmW8c25Xyc2N/", "album", SMILE),
        ("open.spotify.com/embed/album/10FLjwfpbxLmW8c25Xyc2N", "album", SMILE),
        ("spotify:album:10FLjwfpbxLmW8c25Xyc2N", "album", SMILE),
        ("https://open.spotify.com/track/2plbrEY59IikOBgBGLjaoe?si=x", "track", "2plbrEY59IikOBgBGLjaoe"),
        ("spotify:track:2plbrEY59IikOBgBGLjaoe", "track", "2plbrEY59IikOBgBGLjaoe"),
    ],
)
def test_spotify_ids_urls_and_uris_give_the_id(text: str, kind: str, expected: str) -> None:
    assert parse_spotify_ref(text, kind) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("https://open.spotify.com/track/2plbrEY59IikOBgBGLjaoe", "album", "is a Spotify track link, not an album"),
        ("spotify:album:10FLjwfpbxLmW8c25Xyc2N", "track", "is a Spotify album link, not a track"),
        ("https://open.spotify.com/artist/1HY2Jd0NmPuamShAr6KMms", "album", "artist link"),
        ("https://open.spotify.com/album/short", "album", "does not hold a valid Spotify album id"),
        ("spotify:album:10FLjwfpbxLmW8c25Xyc2N!", "album", "does not hold a valid"),
        ("10FLjwfpbxLmW8c25Xyc2", "album", "is not a Spotify album id"),
        ("https://example.com/album/10FLjwfpbxLmW8c25Xyc2N", "album", "is not a Spotify album id"),
        ("", "track", "is not a Spotify track id"),
        ("Die With A Smile", "album", "open.spotify.com/album/"),
    ],
)
def test_malformed_or_wrong_kind_refs_are_clear_config_errors(text: str, kind: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_spotify_ref(text, kind)  # type: ignore[arg-type]


# --- albums ---------------------------------------------------------------------------------


def test_album_record_carries_every_field_of_the_recorded_album() -> None:
    driver = ReplayDriver([(f"/v1/albums/{SMILE}", canned("harmony_album_10FLjwfpbxLmW8c25Xyc2N.json"))])
    album = driver.run(album_by_id(session(), SMILE))
    assert album is not None
    assert (album.source, album.id, album.title, album.album_type) == ("spotify", SMILE, "Die With A Smile", "single")
    assert [(a.name, a.id) for a in album.artists] == [("Lady Gaga", "1HY2Jd0NmPuamShAr6KMms"),
                                                       ("Bruno Mars", "0du5cEVh5yTK9QJze8zA0C")]
    assert (album.release_date, album.release_date_precision, album.year) == ("2024-08-16", "day", 2024)
    assert (album.label, album.upc, album.total_tracks, album.disc_count) == ("Interscope", "00602475093060", 1, 1)
    assert album.copyrights == ("© 2024 Interscope Records", "℗ 2024 Interscope Records")
    assert [(i.width, i.height) for i in album.images] == [(640, 640), (300, 300), (64, 64)], "biggest first"
    assert album.url == f"https://open.spotify.com/album/{SMILE}"
    (track,) = album.tracks
    assert (track.id, track.title, track.track_number, track.duration_ms, track.explicit) == (
        "2plbrEY59IikOBgBGLjaoe", "Die With A Smile", 1, 251667, False)
    assert track.album_id == SMILE and track.isrc is None, "album track pages carry no ISRCs"


def test_album_tracks_are_followed_through_next_to_all_55() -> None:
    driver = ReplayDriver([
        (f"/v1/albums/{HITS}/tracks?offset=50", canned("harmony_album_32nryzA6XBCX9ZUspVc1yz_tracks_offset50.json")),
        (f"/v1/albums/{HITS}", canned("harmony_album_32nryzA6XBCX9ZUspVc1yz_tracks_paged.json")),
    ])
    album = driver.run(album_by_id(session(), HITS))
    assert album is not None and len(album.tracks) == 55 == album.total_tracks
    assert [t.track_number for t in album.tracks] == list(range(1, 56))
    assert driver.requests[1].full_url == \
        f"https://api.spotify.com/v1/albums/{HITS}/tracks?offset=50&limit=50&locale=*", "next is requested as given"
    assert album.tracks[0].id == "2PgUEovk43jcRT7xkRjXfa", "a relinked track keeps the album's own id"
    assert album.tracks[50].title == "Honky Tonk Women - Mono Version", "track 51 opens the second page"


def test_a_spec_server_that_leaves_next_null_is_paged_by_offset() -> None:
    body = json.loads(recorded("spotify/harmony_album_32nryzA6XBCX9ZUspVc1yz_tracks_paged.json").read_bytes())
    body["tracks"]["next"] = None
    driver = ReplayDriver([
        (f"/v1/albums/{HITS}/tracks?offset=50&limit=50", canned("harmony_album_32nryzA6XBCX9ZUspVc1yz_tracks_offset50.json")),
        (f"/v1/albums/{HITS}", Canned(json.dumps(body).encode())),
    ])
    album = driver.run(album_by_id(session(), HITS))
    assert album is not None and len(album.tracks) == 55


def test_unknown_album_is_none() -> None:
    driver = ReplayDriver([(f"/v1/albums/{SMILE}", canned("zmb3_inline_error_404_non_existing_id.json", 404))])
    assert driver.run(album_by_id(session(), SMILE)) is None


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"<!DOCTYPE html><html><body>Bad gateway</body></html>", "HTML"),
     (b'{"album_type": "single", "total_tracks": 1, "id": "10FLjw', "truncated"),
     (b'{"error_page": true}', "lacks an id"), (b"", "empty")],
)
def test_html_and_truncated_album_bodies_are_bad_responses(body: bytes, message: str) -> None:
    driver = ReplayDriver([(f"/v1/albums/{SMILE}", Canned(body))])
    with pytest.raises(BadResponse, match=message) as caught:
        driver.run(album_by_id(session(), SMILE))
    assert caught.value.source == "spotify" and caught.value.__cause__ is None


def test_batch_albums_come_back_in_order_in_one_request() -> None:
    driver = ReplayDriver([("/v1/albums", canned("zmb3_albums_several_ids.json"))])
    s = session()
    albums = driver.run(albums_by_ids(s, SEVERAL))
    assert [a.id for a in albums] == SEVERAL and len(driver.requests) == 1
    assert params(driver.requests[0])["ids"] == [",".join(SEVERAL)]
    assert s.batch_ok is True and albums[0].title == "The Best Of Keane (Deluxe Edition)" and len(albums[0].tracks) == 38


def test_batch_403_falls_back_to_single_lookups_and_is_remembered() -> None:
    gone = "0000000000000000000000"
    driver = ReplayDriver([
        ("/v1/albums", canned("swaj_error_403_modern_status_message.json", 403)),
        (f"/v1/albums/{SMILE}", canned("harmony_album_10FLjwfpbxLmW8c25Xyc2N.json")),
        (f"/v1/albums/{HITS}/tracks", canned("harmony_album_32nryzA6XBCX9ZUspVc1yz_tracks_offset50.json")),
        (f"/v1/albums/{HITS}", canned("harmony_album_32nryzA6XBCX9ZUspVc1yz_tracks_paged.json")),
        (f"/v1/albums/{gone}", canned("zmb3_inline_error_404_non_existing_id.json", 404)),
    ])
    s = session()
    albums = driver.run(albums_by_ids(s, [SMILE, HITS, gone]))
    assert [a.id for a in albums] == [SMILE, HITS] and s.batch_ok is False
    assert [urlsplit(r.url).path for r in driver.requests] == [
        "/v1/albums", f"/v1/albums/{SMILE}", f"/v1/albums/{HITS}", f"/v1/albums/{HITS}/tracks", f"/v1/albums/{gone}"]
    driver.requests.clear()
    driver.run(albums_by_ids(s, [SMILE, HITS, gone]))
    assert "/v1/albums" not in [urlsplit(r.url).path for r in driver.requests], "the batch is not tried again"


def test_two_ids_are_fetched_singly_while_batches_are_untried() -> None:
    # A refused probe and two single lookups would cost three requests where two do.
    driver = ReplayDriver([
        (f"/v1/albums/{SMILE}", canned("harmony_album_10FLjwfpbxLmW8c25Xyc2N.json")),
        (f"/v1/albums/{HITS}/tracks", canned("harmony_album_32nryzA6XBCX9ZUspVc1yz_tracks_offset50.json")),
        (f"/v1/albums/{HITS}", canned("harmony_album_32nryzA6XBCX9ZUspVc1yz_tracks_paged.json")),
    ])
    s = session()
    assert [a.id for a in driver.run(albums_by_ids(s, [SMILE, HITS]))] == [SMILE, HITS]
    assert "/v1/albums" not in [urlsplit(r.url).path for r in driver.requests] and s.batch_ok is None


# --- UPC and ISRC ---------------------------------------------------------------------------


def test_upc_forms_pad_to_14_digits_first() -> None:
    assert upc_forms("602475093060") == ("00602475093060", "602475093060")
    assert upc_forms("0602475093060") == ("00602475093060", "0602475093060")
    assert upc_forms("00602475093060") == ("00602475093060",)
    assert upc_forms("6024-7509 3060") == ("00602475093060", "602475093060")
    for junk in ("", "12345", "60247509306X", "1" * 15):
        assert upc_forms(junk) == (), f"{junk!r} is not a barcode"


def upc_driver() -> ReplayDriver:
    return ReplayDriver([
        ("/v1/search?q=upc:00602475093060", canned("harmony_search_album_upc_00602475093060.json")),
        ("/v1/search?q=upc:602475093060", canned("harmony_search_album_upc_602475093060_empty.json")),
        (f"/v1/albums/{SMILE}", canned("harmony_album_10FLjwfpbxLmW8c25Xyc2N.json")),
    ])


def test_upc_search_uses_the_zero_padded_form_that_spotify_finds() -> None:
    driver = upc_driver()
    (album,) = driver.run(albums_by_upc(session(), "602475093060"))
    assert album.id == SMILE and album.match is MatchKind.ID and album.score == 1.0
    assert params(driver.requests[0])["q"] == ["upc:00602475093060"] and params(driver.requests[0])["type"] == ["album"]
    assert len([r for r in driver.requests if r.url.endswith("/search")]) == 1, "the padded form hit: no second search"


def test_upc_search_tries_the_given_form_when_the_padded_one_finds_nothing() -> None:
    driver = ReplayDriver([("/v1/search", canned("harmony_search_album_upc_602475093060_empty.json"))])
    assert driver.run(albums_by_upc(session(), "602475093060")) == []
    assert [params(r)["q"] for r in driver.requests] == [["upc:00602475093060"], ["upc:602475093060"]]


def test_an_album_whose_fetched_upc_differs_is_dropped() -> None:
    driver = ReplayDriver([("/v1/search", canned("harmony_search_album_upc_00602475093060.json")),
                           (f"/v1/albums/{SMILE}", canned("harmony_album_10FLjwfpbxLmW8c25Xyc2N.json"))])
    assert driver.run(albums_by_upc(session(), "5054287767663")) == []


def test_isrc_search_keeps_only_tracks_with_that_isrc() -> None:
    driver = ReplayDriver([("/v1/search", canned("spotdl_search_track_q_test_limit10_next.json"))])
    (track,) = driver.run(tracks_by_isrc(session(), "us-3m5-10-01211"))
    assert (track.id, track.isrc, track.match) == ("2QTDuJIGKUjR7E2Q6KupIh", "US3M51001211", MatchKind.ID)
    assert track.album_id == "1kTnC045mQqurTQvGMGpmU"
    assert params(driver.requests[0]) == {"q": ["isrc:US3M51001211"], "type": ["track"], "limit": ["10"]}


def test_track_by_id_reads_the_full_track() -> None:
    driver = ReplayDriver([("/v1/tracks/6NPVjNh8Jhru9xOmyQigds", canned("beets_track_6NPVjNh8Jhru9xOmyQigds.json"))])
    track = driver.run(track_by_id(session(), "6NPVjNh8Jhru9xOmyQigds"))
    assert track is not None and (track.title, track.isrc, track.disc_number, track.track_number) == (
        "Happy", "USQ4E1300686", 1, 4)
    assert track.album_title == "Despicable Me 2 (Original Motion Picture Soundtrack)"
    assert track.url == "https://open.spotify.com/track/6NPVjNh8Jhru9xOmyQigds"
    gone = ReplayDriver([("/v1/tracks/6NPVjNh8Jhru9xOmyQigds",
                          Canned(b'{"error": {"status": 404, "message": "Non existing id"}}', status=404))])
    assert gone.run(track_by_id(session(), "6NPVjNh8Jhru9xOmyQigds")) is None, "404 is None"


# --- text search ----------------------------------------------------------------------------


def test_search_limit_is_clamped_to_10_so_development_mode_does_not_answer_400() -> None:
    driver = ReplayDriver([(limit_over_10, INVALID_LIMIT),
                           ("/v1/search", canned("harmony_search_album_upc_00602475093060.json")),
                           (f"/v1/albums/{SMILE}", canned("harmony_album_10FLjwfpbxLmW8c25Xyc2N.json"))])
    (album,) = driver.run(search_albums(session(replace(API, spotify_search_limit=50)), SMILE_QUERY)).records
    assert params(driver.requests[0])["limit"] == ["10"]
    assert params(driver.requests[0])["q"] == ['album:"Die With A Smile" artist:"Lady Gaga & Bruno Mars"']
    assert (album.id, album.match, album.score) == (SMILE, MatchKind.EXACT, 1.0) and album.tracks


def test_a_limit_over_10_answers_400_invalid_limit() -> None:
    driver = ReplayDriver([(limit_over_10, INVALID_LIMIT)])
    request = HttpRequest(url="https://api.spotify.com/v1/search", source="spotify",
                          params=(("q", "x"), ("type", "album"), ("limit", "20")))
    with pytest.raises(ResponseError, match="HTTP 400: Invalid limit"):
        read_json(driver.fetch(request))


def test_search_reads_the_next_page_only_while_nothing_matched() -> None:
    driver = ReplayDriver([
        ("/v1/search?offset=10", canned("harmony_search_album_upc_00602475093060.json")),
        ("/v1/search", canned("spotdl_search_album_yeezus_limit10_next.json")),
        (f"/v1/albums/{SMILE}", canned("harmony_album_10FLjwfpbxLmW8c25Xyc2N.json")),
    ])
    (album,) = driver.run(search_albums(session(), SMILE_QUERY)).records
    assert album.id == SMILE
    assert driver.requests[1].full_url == \
        "https://api.spotify.com/v1/search?query=album%3A+yeezus&type=album&offset=10&limit=10"


def test_search_fetches_only_hits_that_reach_the_minimum_score() -> None:
    driver = ReplayDriver([("/v1/search", canned("spotdl_search_album_yeezus_limit10_next.json")),
                           ("/v1/albums/7D2NdGvBHIavgLhmcwhluK", canned("zmb3_inline_error_404_non_existing_id.json", 404))])
    found = driver.run(search_albums(session(), AlbumQuery(artist="Kanye West", album="Yeezus", tracks=10))).records
    fetched = [urlsplit(r.url).path for r in driver.requests if "/albums/" in r.url]
    assert fetched == ["/v1/albums/7D2NdGvBHIavgLhmcwhluK"], \
        "other artists' 'Yeezus' singles and Kanye's other albums must not be fetched"
    assert found == [] and len([r for r in driver.requests if r.url.endswith("/search")]) == 1


def test_search_that_finds_nothing_is_empty() -> None:
    driver = ReplayDriver([("/v1/search", canned("harmony_search_album_upc_602475093060_empty.json"))])
    assert driver.run(search_albums(session(), SMILE_QUERY, pages=3)).records == []
    assert len(driver.requests) == 1, "an empty page has no next"


@pytest.mark.parametrize("headers, wait", [({"Retry-After": "7"}, 7.0), ({}, 5.0)])
def test_429_during_search_is_rate_limited_never_empty(headers: dict[str, str], wait: float) -> None:
    driver = ReplayDriver([("/v1/search", Canned(b"", status=429, headers=headers))])
    with pytest.raises(RateLimited) as caught:
        driver.run(search_albums(session(), SMILE_QUERY)).records
    assert caught.value.retry_after == wait


def test_track_search_scores_hits_and_keeps_the_match() -> None:
    driver = ReplayDriver([("/v1/search", canned("beets_search_track_happy_despicable_me2.json"))])
    tracks = driver.run(search_tracks(session(), "Pharrell Williams", "Happy"))
    assert tracks and tracks[0].title == "Happy" and tracks[0].match is MatchKind.EXACT
    assert params(driver.requests[0])["q"] == ['track:"Happy" artist:"Pharrell Williams"']


def test_track_search_drops_other_songs() -> None:
    driver = ReplayDriver([("/v1/search", canned("spotdl_search_track_q_test_limit10_next.json"))])
    tracks = driver.run(search_tracks(session(), "Joji", "Test Drive", pages=1))
    assert [(t.title, t.artists[0].name) for t in tracks] == [("TEST DRIVE", "Joji")], \
        "Ariana Grande's 'test drive' and John Powell's 'Test Drive - From …' are other tracks"


# --- cover art ------------------------------------------------------------------------------


def test_linked_album_gives_its_images_biggest_first_and_the_larger_variant_unsized() -> None:
    driver = ReplayDriver([(f"/v1/albums/{SMILE}", canned("harmony_album_10FLjwfpbxLmW8c25Xyc2N.json"))])
    query = AlbumQuery(links=ArtLinks(spotify_album_ids=(SMILE,)))
    candidates = driver.run(album_art(session(), query)).candidates
    assert [(c.width, c.height) for c in candidates] == [(640, 640), (300, 300), (64, 64), (None, None)]
    assert all(c.match is MatchKind.ID and c.score == 1.0 and c.source == "spotify" and c.id == SMILE for c in candidates)
    larger = candidates[-1]
    assert larger.url == "https://i.scdn.co/image/ab67616d000082c182ea2e9e1858aa012c57cd45"
    assert larger.size_hint is None and "size unknown until probed" in larger.reasons[-1]
    assert candidates[0].size_hint == 640 and candidates[0].artist == "Lady Gaga, Bruno Mars"


def test_art_by_barcode_then_by_text() -> None:
    by_upc = upc_driver().run(album_art(session(), AlbumQuery(barcode="602475093060"))).candidates
    assert by_upc and by_upc[0].match is MatchKind.ID
    driver = ReplayDriver([("/v1/search", canned("harmony_search_album_upc_00602475093060.json")),
                           (f"/v1/albums/{SMILE}", canned("harmony_album_10FLjwfpbxLmW8c25Xyc2N.json"))])
    by_text = driver.run(album_art(session(), SMILE_QUERY)).candidates
    assert by_text and by_text[0].match is MatchKind.EXACT and by_text[0].score == 1.0


def test_larger_variant_only_for_640px_scdn_urls() -> None:
    assert larger_image_url("https://i.scdn.co/image/ab67616d00001e0282ea2e9e1858aa012c57cd45") is None
    assert larger_image_url("https://i.scdn.co/image/89b92c6b59131776c0cd8e5df46301ffcf36ed69") is None
    assert larger_image_url("https://example.com/image/ab67616d0000b27382ea2e9e1858aa012c57cd45") is None


def test_albums_without_images_give_no_candidates(caplog: pytest.LogCaptureFixture) -> None:
    body = json.loads(recorded("spotify/harmony_album_10FLjwfpbxLmW8c25Xyc2N.json").read_bytes())
    body["images"] = []
    driver = ReplayDriver([(f"/v1/albums/{SMILE}", Canned(json.dumps(body).encode()))])
    with caplog.at_level(logging.DEBUG):
        assert driver.run(album_art(session(), AlbumQuery(links=ArtLinks(spotify_album_ids=(SMILE,))))).candidates == ()
    assert "offers no images" in caplog.text


def test_capabilities_are_declared() -> None:
    assert INFO.name == "spotify" and INFO.search_limit == 10 and INFO.typical_size == 640
