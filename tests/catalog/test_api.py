"""The catalog's Spotify Web API over the real Anna's sample: exact bodies, the spec's shapes, routes, search, bad input.

Every request goes through :func:`tagbridge.catalog.api.handle`, as the in-process driver and the
clone server send them. The expected bodies of two albums, a track and two artists are project
fixtures under ``tests/fixtures/catalog/``; set ``TAGBRIDGE_REGENERATE_FIXTURES=1`` to write them
again (then review the diff against ``../shared/data/annas-sample/SCHEMA.md``).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from api_support import (  # noqa: F401 - fixtures
    BASE,
    DASHED_ISRC,
    DASHED_ISRC_TRACK,
    KAVINSKY,
    NEW_ORDER,
    OUTRUN,
    SUBSTANCE,
    TAKEDOWN_ALBUM,
    TAKEDOWN_TRACK,
    Client,
    SpecSchemas,
    catalog,
    client,
    pretty_json,
    spec_schemas,
)

from tagbridge.catalog.store import Catalog

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
REGENERATE = os.environ.get("TAGBRIDGE_REGENERATE_FIXTURES") == "1"

NIGHTCALL_SINGLE = "05OLq8nG4L5WYZXTfXVYM7"  # Kavinsky, Angèle, Phoenix
SHALLOW_UNAVAILABLE = "0gvbUOhSJofzDL1DE9uWZq"  # markets row 'unavailable'
THIRTEEN_REASONS = "4RpgjxgSxcRwGNuWnImneN"  # a compilation: 3 album artists, many "appears on" links
ASOT_1145 = "2FmeMbrSobUISc2dBWfrnD"  # 102 tracks: three album pages
SUBURBIA = "1u4f575YZxEknEEeqh2Yir"  # OutRun track 6, the sample's explicit track
BLUE_MONDAY = "6hHc7Pks7wtBIW8Z6A0iFq"
OUTRUN_UPC = "00602537292066"


def _items(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]


def _search(client: Client, q: str, kind: str = "album", **params: str) -> dict[str, Any]:
    body: dict[str, Any] = client.json("/v1/search", {"q": q, "type": kind, **params})
    return body


# -- exact bodies --------------------------------------------------------------------------------

EXACT = [
    (f"/v1/albums/{OUTRUN}", "album_outrun.json"),
    (f"/v1/albums/{SUBSTANCE}", "album_substance.json"),
    (f"/v1/tracks/{SUBURBIA}", "track_suburbia.json"),
    (f"/v1/artists/{KAVINSKY}", "artist_kavinsky.json"),
    (f"/v1/artists/{NEW_ORDER}", "artist_new_order.json"),
]


@pytest.mark.parametrize(("path", "fixture"), EXACT, ids=[name for _path, name in EXACT])
def test_lookup_answers_exactly_the_reviewed_body(client: Client, path: str, fixture: str) -> None:
    body = client.json(path)
    target = FIXTURES / fixture
    if REGENERATE:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(pretty_json(body), encoding="utf-8")
    assert pretty_json(body) == target.read_text(encoding="utf-8"), f"{path} should answer {target} exactly"


def test_reviewed_bodies_follow_the_dumps_rules() -> None:
    """What the fixtures were reviewed for, kept true if they are ever regenerated."""
    outrun = json.loads((FIXTURES / "album_outrun.json").read_text(encoding="utf-8"))
    substance = json.loads((FIXTURES / "album_substance.json").read_text(encoding="utf-8"))
    suburbia = json.loads((FIXTURES / "track_suburbia.json").read_text(encoding="utf-8"))
    assert [a["name"] for a in substance["artists"]] == ["New Order"], "appears-on links are not album artists"
    assert outrun["external_ids"] == {"upc": OUTRUN_UPC} and outrun["total_tracks"] == 13
    assert [(t["disc_number"], t["track_number"]) for t in substance["tracks"]["items"]] == [
        (disc, number) for disc in (1, 2) for number in range(1, 13)], "24 tracks on 2 discs, in order"
    assert [i["width"] for i in substance["images"]] == [640, 300, 64], "repeated image rows shown once"
    assert suburbia["explicit"] is True and all(t["explicit"] is False for t in substance["tracks"]["items"])
    assert suburbia["external_ids"] == {"isrc": "FRS711200290"} and suburbia["album"]["id"] == OUTRUN
    assert len(substance["available_markets"]) > 100 and "AR" in substance["available_markets"]
    assert [c["type"] for c in outrun["copyrights"]] == ["C", "P"]


# -- the spec's shapes ---------------------------------------------------------------------------

SPEC_ROUTES = [
    (f"/v1/albums/{SUBSTANCE}", "/albums/{id}"),
    (f"/v1/albums?ids={OUTRUN},{SUBSTANCE}", "/albums"),
    (f"/v1/albums/{ASOT_1145}/tracks?offset=50&limit=7", "/albums/{id}/tracks"),
    (f"/v1/tracks/{SUBURBIA}", "/tracks/{id}"),
    (f"/v1/tracks?ids={SUBURBIA},{BLUE_MONDAY}", "/tracks"),
    (f"/v1/artists/{KAVINSKY}", "/artists/{id}"),
    (f"/v1/artists?ids={KAVINSKY},{NEW_ORDER}", "/artists"),
    (f"/v1/artists/{NEW_ORDER}/albums?limit=2", "/artists/{id}/albums"),
    ("/v1/search?q=artist:kavinsky&type=album,artist,track&limit=3", "/search"),
    ("/v1/search?q=nothing+matches+this&type=album,playlist,show,episode,audiobook", "/search"),
]


@pytest.mark.parametrize(("path", "template"), SPEC_ROUTES, ids=[t for _p, t in SPEC_ROUTES])
def test_answers_validate_against_the_openapi_spec(client: Client, spec_schemas: SpecSchemas, path: str,
                                                   template: str) -> None:
    spec_schemas.check(client.json(path), path=template)


@pytest.mark.parametrize(("path", "status"), [("/v1/albums/not-an-id", 400), (f"/v1/tracks/{'0' * 22}", 404),
                                              ("/v1/search?q=a&type=album&limit=99", 400)])
def test_error_answers_validate_against_the_openapi_spec(client: Client, spec_schemas: SpecSchemas, path: str,
                                                         status: int) -> None:
    answer = client.get(path)
    assert answer.status == status
    spec_schemas.check(answer.body, path="/albums/{id}", status=status)


def test_every_sample_album_track_and_artist_validates(client: Client, spec_schemas: SpecSchemas,
                                                       catalog: Catalog) -> None:
    conn = catalog.connection()
    for (album_id,) in conn.execute("SELECT id FROM albums WHERE name <> ''"):
        spec_schemas.check(client.json(f"/v1/albums/{album_id}"), schema="AlbumObject")
    for (track_id,) in conn.execute("SELECT t.id FROM tracks t JOIN albums al ON al.rowid = t.album_rowid "
                                    "WHERE al.name <> ''"):
        spec_schemas.check(client.json(f"/v1/tracks/{track_id}"), schema="TrackObject")
    for (artist_id,) in conn.execute("SELECT id FROM artists"):
        spec_schemas.check(client.json(f"/v1/artists/{artist_id}"), schema="ArtistObject")


# -- albums, tracks, artists -----------------------------------------------------------------------

def test_answers_are_utf8_json(client: Client) -> None:
    answer = client.get(f"/v1/albums/{NIGHTCALL_SINGLE}")
    assert answer.content_type == "application/json; charset=utf-8"
    assert "Angèle".encode() in answer.raw, "non-ASCII names travel as UTF-8, not escapes"


def test_album_artists_are_the_non_appears_on_links_in_order(client: Client) -> None:
    assert [a["name"] for a in client.json(f"/v1/albums/{NIGHTCALL_SINGLE}")["artists"]] == [
        "Kavinsky", "Angèle", "Phoenix"]
    compilation = client.json(f"/v1/albums/{THIRTEEN_REASONS}")
    assert [a["name"] for a in compilation["artists"]] == ["Selena Gomez", "OneRepublic", "YUNGBLUD"]


def test_unavailable_markets_row_means_no_markets(client: Client) -> None:
    album = client.json(f"/v1/albums/{SHALLOW_UNAVAILABLE}")
    assert album["available_markets"] == []
    assert all(track["available_markets"] == [] for track in album["tracks"]["items"])


def test_album_tracks_page_through_next_back_to_the_same_server(catalog: Catalog) -> None:
    client = Client(catalog, "http://127.0.0.1:8765")
    page = client.json(f"/v1/albums/{SUBSTANCE}/tracks", {"limit": "5"})
    names = _items(page)
    while page["next"]:
        page = client.follow(page["next"])
        names += _items(page)
    assert len(names) == page["total"] == 24 and names[0] == "Ceremony" and names[-1] == "1963"
    assert page["previous"] == "http://127.0.0.1:8765/v1/albums/6iHuSGy6pq4tNGFV3ZVPtl/tracks?offset=15&limit=5"


def test_album_object_pages_its_tracks_fifty_at_a_time(client: Client) -> None:
    album = client.json(f"/v1/albums/{ASOT_1145}")
    page = album["tracks"]
    assert (len(page["items"]), page["total"], page["limit"]) == (50, 102, 50)
    assert page["next"] == f"{BASE}/v1/albums/{ASOT_1145}/tracks?offset=50&limit=50"
    rest = client.follow(page["next"])
    last = client.follow(rest["next"])
    assert (len(rest["items"]), len(last["items"]), last["next"]) == (50, 2, None)
    ids = [t["id"] for t in page["items"] + rest["items"] + last["items"]]
    assert len(set(ids)) == 102


def test_parameters_are_read_from_the_url_and_from_params(client: Client) -> None:
    in_url = client.json(f"/v1/albums/{SUBSTANCE}/tracks?limit=3&offset=3")
    beside = client.json(f"/v1/albums/{SUBSTANCE}/tracks", {"limit": "3", "offset": "3"})
    assert in_url == beside and _items(in_url) == ["Blue Monday", "Confusion", 'Thieves like Us - 12" Extended']


def test_several_albums_keep_order_and_answer_null_for_unknown_ids(client: Client) -> None:
    body = client.json(f"/v1/albums?ids={SUBSTANCE},{'0' * 22},{TAKEDOWN_ALBUM},{OUTRUN}")
    assert [a and a["name"] for a in body["albums"]] == ["Substance", None, None, "OutRun"]
    assert client.get("/v1/albums?ids=" + ",".join([OUTRUN] * 21)).status == 400


def test_several_tracks_and_artists(client: Client) -> None:
    tracks = client.json(f"/v1/tracks?ids={BLUE_MONDAY},{TAKEDOWN_TRACK},{SUBURBIA}")["tracks"]
    assert [t and t["name"] for t in tracks] == ["Blue Monday", None, "Suburbia"]
    assert client.get("/v1/tracks?ids=" + ",".join([BLUE_MONDAY] * 51)).status == 400
    assert client.json("/v1/tracks?ids=" + ",".join([BLUE_MONDAY] * 50))["tracks"][49]["id"] == BLUE_MONDAY
    artists = client.json(f"/v1/artists?ids={NEW_ORDER},{'1' * 22},{KAVINSKY}")["artists"]
    assert [a and a["name"] for a in artists] == ["New Order", None, "Kavinsky"]


def test_track_object_carries_album_isrc_and_boolean_explicit(client: Client) -> None:
    track = client.json(f"/v1/tracks/{BLUE_MONDAY}")
    assert (track["album"]["name"], track["external_ids"], track["explicit"], track["is_local"]) == (
        "Substance", {"isrc": "GBAAP0001115"}, False, False)
    assert track["preview_url"].startswith("https://") and (track["disc_number"], track["track_number"]) == (1, 4)


def test_artist_carries_genres_images_and_followers(client: Client) -> None:
    artist = client.json(f"/v1/artists/{NEW_ORDER}")
    assert artist["followers"] == {"href": None, "total": 2360645} and artist["popularity"] == 67
    widths = [image["width"] for image in artist["images"]]
    assert widths == sorted(widths, reverse=True) and artist["genres"]


def test_artist_albums_by_group_newest_first(client: Client) -> None:
    body = client.json(f"/v1/artists/{KAVINSKY}/albums")
    groups = [a["album_group"] for a in body["items"]]
    assert groups == sorted(groups, key=["album", "single", "compilation", "appears_on"].index)
    assert TAKEDOWN_ALBUM not in {a["id"] for a in body["items"]}, "a takedown is not listed"
    albums = [a for a in body["items"] if a["album_group"] == "album"]
    assert [a["release_date"] for a in albums] == sorted((a["release_date"] for a in albums), reverse=True)
    singles = client.json(f"/v1/artists/{KAVINSKY}/albums", {"include_groups": "single", "limit": "1"})
    assert {a["album_group"] for a in singles["items"]} == {"single"} and singles["total"] > 1
    assert singles["next"].endswith("offset=1&limit=1&include_groups=single")
    appears = client.json(f"/v1/artists/{NEW_ORDER}/albums", {"include_groups": "appears_on"})
    assert "13 Reasons Why (Season 2)" in _items(appears), "an implicit appears-on link is appears_on"
    assert client.get(f"/v1/artists/{KAVINSKY}/albums", {"include_groups": "albums"}).status == 400


def test_takedown_is_not_found_anywhere(client: Client) -> None:
    for path in (f"/v1/albums/{TAKEDOWN_ALBUM}", f"/v1/albums/{TAKEDOWN_ALBUM}/tracks",
                 f"/v1/tracks/{TAKEDOWN_TRACK}"):
        answer = client.get(path)
        assert (answer.status, answer.body) == (404, {"error": {"status": 404, "message": "non existing id"}}), path
    assert _search(client, "takedown", "track")["tracks"]["total"] == 0
    assert _search(client, "isrc:QZTKD2500001", "track")["tracks"]["total"] == 0
    assert _search(client, "upc:0000000000017")["albums"]["total"] == 0


# -- token, methods and routes -------------------------------------------------------------------

def test_token_endpoint_accepts_any_client(client: Client) -> None:
    basic = (("Authorization", "Basic dGFnYnJpZGdlOnNlY3JldA=="),)
    form = b"grant_type=client_credentials"
    for headers, body in ((basic, form), ((), form + b"&client_id=x&client_secret=y"), ((), form)):
        answer = client.get(f"{BASE}/api/token", method="POST", headers=headers, body=body)
        assert answer.status == 200 and answer.body["token_type"] == "Bearer" and answer.body["expires_in"] == 3600
        assert answer.body["access_token"]
    refused = client.get(f"{BASE}/api/token", method="POST", body=b"grant_type=password")
    assert (refused.status, refused.body["error"]) == (400, "unsupported_grant_type")
    assert client.get(f"{BASE}/api/token").status == 405
    bearer = (("Authorization", "Bearer anything-at-all"),)
    assert client.get(f"/v1/albums/{OUTRUN}", headers=bearer).status == 200


@pytest.mark.parametrize(("method", "path", "status"), [
    ("POST", f"/v1/albums/{OUTRUN}", 405),
    ("DELETE", "/v1/search?q=a&type=album", 405),
    ("GET", "/v1/playlists/37i9dQZF1DXcBWIGoYBM5M", 404),
    ("GET", "/v1", 404),
    ("GET", "/albums/" + OUTRUN, 404),
    ("GET", f"/v1/albums/{OUTRUN}/tracks/extra", 404),
    ("HEAD", f"/v1/albums/{OUTRUN}", 200),
])
def test_methods_and_routes(client: Client, method: str, path: str, status: int) -> None:
    answer = client.get(path, method=method)
    assert answer.status == status
    if status != 200:
        assert answer.body["error"]["status"] == status and answer.body["error"]["message"]


def test_database_failure_is_a_503_with_spotifys_shape(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "broken.sqlite"
    shutil.copy(catalog.path, path)
    broken = Catalog(path)
    try:
        with sqlite3.connect(path) as writer:
            writer.execute("DROP TABLE album_images")
        answer = Client(broken).get(f"/v1/albums/{OUTRUN}")
        assert (answer.status, answer.body["error"]["status"]) == (503, 503)
    finally:
        broken.close()


# -- search --------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", [
    'album:"OutRun" artist:"Kavinsky"',
    "album:'OutRun' artist:'Kavinsky'",
    "album:outrun artist:kavinsky",
    "ALBUM:OUTRUN Artist:KAVINSKY",
    "outrun kavinsky",
    f"upc:{OUTRUN_UPC}",
    "upc:602537292066",
    "upc:0602537292066",
    "upc:00602537292066 artist:kavinsky year:2013",
])
def test_album_search_finds_outrun(client: Client, q: str) -> None:
    albums = _search(client, q)["albums"]
    assert albums["items"][0]["id"] == OUTRUN, f"{q!r} should find OutRun first"


def test_single_quoted_values_keep_inner_apostrophes(client: Client) -> None:
    tracks = _search(client, "track:'Nightcall - Dustin N'Guyen Remix' artist:'Kavinsky'", "track")["tracks"]
    assert _items(tracks) == ["Nightcall - Dustin N'Guyen Remix"]


def test_search_folds_accents_case_and_ampersands(client: Client) -> None:
    assert _items(_search(client, "artist:angele", "artist")["artists"]) == ["Angèle"]
    assert _items(_search(client, 'album:"Shallow & Profound"')["albums"]) == ["Shallow and Profound"] * 2


def test_isrc_search_finds_normal_and_differently_stored_codes(client: Client) -> None:
    for q in ("isrc:FRS711200290", "isrc:frs711200290", "isrc:FR-S71-12-00290"):
        assert [t["id"] for t in _search(client, q, "track")["tracks"]["items"]] == [SUBURBIA], q
    for q in (f"isrc:{DASHED_ISRC}", "isrc:USTB12500001"):
        assert [t["id"] for t in _search(client, q, "track")["tracks"]["items"]] == [DASHED_ISRC_TRACK], q
    assert _search(client, "isrc:FRS711200290 track:suburbia", "track")["tracks"]["total"] == 1
    assert _search(client, "isrc:FRS711200290 track:nightcall", "track")["tracks"]["total"] == 0
    assert _search(client, "isrc:not-an-isrc", "track")["tracks"]["total"] == 0


def test_year_filter_reads_the_release_date(client: Client) -> None:
    assert {a["release_date"][:4] for a in _search(client, "artist:kavinsky year:2022")["albums"]["items"]} == {
        "2022"}
    ranged = _search(client, "artist:kavinsky year:2010-2013")["albums"]
    assert sorted(_items(ranged)) == ["Nightcall", "OutRun"]
    assert _search(client, "year:1987", "album")["albums"]["items"][0]["name"] == "Substance"
    assert _search(client, "artist:kavinsky year:20x2")["albums"]["total"] == 0


def test_filters_that_do_not_apply_to_a_type_find_nothing_of_it(client: Client) -> None:
    body = _search(client, f"upc:{OUTRUN_UPC}", "album,track")
    assert (body["albums"]["total"], body["tracks"]["total"]) == (1, 0)
    body = _search(client, "isrc:FRS711200290", "album,track,artist")
    assert (body["albums"]["total"], body["tracks"]["total"], body["artists"]["total"]) == (0, 1, 0)


def test_exact_names_rank_first_then_popularity(client: Client) -> None:
    tracks = _search(client, "nightcall", "track", limit="50")["tracks"]["items"]
    exact = [t for t in tracks if t["name"] == "Nightcall"]
    assert tracks[: len(exact)] == exact and len(exact) >= 2, "names equal to the query come first"
    rest = [t["popularity"] for t in tracks[len(exact):]]
    assert rest == sorted(rest, reverse=True), "then by popularity"


def test_search_pages_with_total_next_and_previous(catalog: Catalog) -> None:
    client = Client(catalog, "https://clone.example:8443")
    first = _search(client, "artist:kavinsky", "track", limit="7")["tracks"]
    seen, page = [t["id"] for t in first["items"]], first
    while page["next"]:
        page = client.follow(page["next"])["tracks"]
        seen += [t["id"] for t in page["items"]]
    assert len(seen) == len(set(seen)) == first["total"] > 7
    assert page["previous"] is not None and client.follow(page["previous"])["tracks"]["offset"] == page["offset"] - 7
    assert first["previous"] is None
    assert first["href"] == "https://clone.example:8443/v1/search?query=artist%3Akavinsky&type=track&offset=0&limit=7"


def test_search_type_combinations(client: Client) -> None:
    body = _search(client, "kavinsky", "track,album,artist,album")
    assert list(body) == ["tracks", "albums", "artists"]
    assert _items(body["artists"]) == ["Kavinsky"]
    other = _search(client, "kavinsky", "playlist,show")
    assert other["playlists"]["items"] == [] and other["shows"]["total"] == 0


def test_default_and_largest_search_pages(client: Client) -> None:
    assert _search(client, "a")["albums"]["limit"] == 20
    assert _search(client, "artist:kavinsky", "track", limit="50", offset="1000")["tracks"]["items"] == []


# -- bad input -------------------------------------------------------------------------------------

def _assert_refused(answer: Any, what: str) -> None:
    assert answer.status == 400, f"{what} should answer 400, got {answer.status}"
    assert set(answer.body) == {"error"} and answer.body["error"]["status"] == 400 and answer.body["error"]["message"]


HOSTILE_QUERIES = [
    "'; DROP TABLE albums; --", '"', '""', "'", "*", "kav*", "NEAR(kavinsky outrun)", "kavinsky AND outrun",
    "kavinsky OR", "NOT kavinsky", "^kavinsky", "name : kavinsky", "{name}: x", "(", ")", "-", "+", ":",
    "album:", 'album:"', "album:''", "year:", "isrc:", "upc:", "\x00", "a\x00b", "%", "_", "\\", "\u202eltr",
    "🎵🎶", "\u0301", "\u0301\u0301kavinsky", "مرحبا بالعالم", "東京", "\ufeff", "\u200b", "ｋａｖｉｎｓｋｙ",
    "x" * 1000, " ".join(["kavinsky"] * 100),
]


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_answer_200_or_400_never_worse(client: Client, q: str) -> None:
    for kind in ("album", "track", "artist", "album,track,artist"):
        answer = client.get("/v1/search", {"q": q, "type": kind})
        if answer.status != 200:
            _assert_refused(answer, repr(q))
    assert client.get("/v1/search", {"q": "DROP", "type": "album"}).status == 200
    assert client.json(f"/v1/albums/{OUTRUN}")["name"] == "OutRun", "the catalog is untouched"


def test_fullwidth_query_folds_like_the_index(client: Client) -> None:
    assert _items(_search(client, "ｋａｖｉｎｓｋｙ", "artist")["artists"]) == ["Kavinsky"]


@pytest.mark.parametrize(("params", "what"), [
    ({"q": "x" * 10_240, "type": "album"}, "a 10 KB query"),
    ({"q": "", "type": "album"}, "an empty query"),
    ({"q": "   ", "type": "album"}, "a blank query"),
    ({"type": "album"}, "no query"),
    ({"q": "kavinsky"}, "no type"),
    ({"q": "kavinsky", "type": ""}, "an empty type"),
    ({"q": "kavinsky", "type": "albums"}, "an unknown type"),
    ({"q": "kavinsky", "type": "album,"}, "an empty type in the list"),
    ({"q": "kavinsky", "type": "album", "limit": "0"}, "limit 0"),
    ({"q": "kavinsky", "type": "album", "limit": "51"}, "limit 51"),
    ({"q": "kavinsky", "type": "album", "limit": "-1"}, "a negative limit"),
    ({"q": "kavinsky", "type": "album", "limit": "ten"}, "a word for limit"),
    ({"q": "kavinsky", "type": "album", "limit": "1.5"}, "a fractional limit"),
    ({"q": "kavinsky", "type": "album", "limit": " 5"}, "a padded limit"),
    ({"q": "kavinsky", "type": "album", "limit": "\u0665"}, "a non-ASCII digit"),
    ({"q": "kavinsky", "type": "album", "limit": "9" * 40}, "a huge limit"),
    ({"q": "kavinsky", "type": "album", "offset": "1001"}, "offset past 1000"),
    ({"q": "kavinsky", "type": "album", "offset": "-5"}, "a negative offset"),
    ({"q": "kavinsky", "type": "album", "offset": "0x10"}, "a hex offset"),
    ({"q": "kavinsky\ud800", "type": "album"}, "a lone surrogate handed in-process"),
])
def test_bad_search_parameters_answer_400(client: Client, params: dict[str, str], what: str) -> None:
    _assert_refused(client.get("/v1/search", params), what)


@pytest.mark.parametrize("bad", ["not-an-id", OUTRUN[:-1], OUTRUN + "a", "3bRM4GQgoFjBRRzhp87Ug_", "%00" * 22,
                                 "3bRM4GQgoFjBRRzhp87Ugé", "'; DROP TABLE albums; --", "*"])
def test_invalid_ids_answer_400(client: Client, bad: str) -> None:
    for path in (f"/v1/albums/{bad}", f"/v1/albums/{bad}/tracks", f"/v1/tracks/{bad}", f"/v1/artists/{bad}",
                 f"/v1/artists/{bad}/albums", "/v1/albums?ids=" + bad, f"/v1/tracks?ids={OUTRUN},{bad}"):
        _assert_refused(client.get(path.replace("%00", "%2500")), path)


@pytest.mark.parametrize("path", ["/v1/albums?ids=", "/v1/albums", "/v1/tracks?ids=,", "/v1/artists?ids=a,,b"])
def test_missing_or_empty_ids_answer_400(client: Client, path: str) -> None:
    _assert_refused(client.get(path), path)


@pytest.mark.parametrize(("params", "what"), [
    ({"limit": "0"}, "limit 0"), ({"limit": "51"}, "limit 51"), ({"limit": "x"}, "a word for limit"),
    ({"offset": "-1"}, "a negative offset"), ({"offset": "1" * 30}, "a huge offset"),
])
def test_bad_paging_of_album_tracks_and_artist_albums_answers_400(client: Client, params: dict[str, str],
                                                                 what: str) -> None:
    _assert_refused(client.get(f"/v1/albums/{OUTRUN}/tracks", params), what)
    _assert_refused(client.get(f"/v1/artists/{KAVINSKY}/albums", params), what)


def test_unknown_ids_answer_404(client: Client) -> None:
    for path in (f"/v1/albums/{'0' * 22}", f"/v1/tracks/{'Z' * 22}", f"/v1/artists/{'a' * 22}",
                 f"/v1/albums/{'0' * 22}/tracks", f"/v1/artists/{'a' * 22}/albums"):
        answer = client.get(path)
        assert (answer.status, answer.body) == (404, {"error": {"status": 404, "message": "non existing id"}}), path

