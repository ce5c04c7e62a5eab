"""The fake clones serve the sample's real rows, the seed keeps its quirks, the spec clone Spotify's shapes."""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from shared_paths import ANNAS_SAMPLE, SHARED, require_shared

from fakes.annas import Sample
from fakes.fixtures import annas_sample, seed_clone, spec_clone
from fakes.seed_clone import SeedClone, parse_seed_query
from fakes.spec_clone import SpecClone, parse_spotify_query

__all__ = ["annas_sample", "seed_clone", "spec_clone"]  # fixtures re-exported so pytest finds them

SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"  # New Order, 24 tracks on 2 discs, 12-digit UPC, repeated link rows
POWER_CORRUPTION = "6NTrwu1XJ56jBPx7HMksbZ"  # New Order, 8 tracks
NIGHTCALL_SINGLE = "05OLq8nG4L5WYZXTfXVYM7"  # Kavinsky, Angèle, Phoenix: three main artists
OUTRUN = "3bRM4GQgoFjBRRzhp87Ugb"  # Kavinsky, 13 tracks, UPC 00602537292066
ASOT_1145 = "2FmeMbrSobUISc2dBWfrnD"  # 102 tracks: three pages of 50, or many of 5
SHALLOW_UNAVAILABLE = "0gvbUOhSJofzDL1DE9uWZq"  # the "unavailable" markets row


def _fetch(
    url: str, *, headers: dict[str, str] | None = None, data: bytes | None = None
) -> tuple[int, str, bytes]:
    request = Request(url, headers=headers or {}, data=data)
    try:
        with urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def _json(url: str, **kwargs: Any) -> Any:
    status, _, body = _fetch(url, **kwargs)
    assert status == 200, f"{url} should answer 200, got {status}: {body[:200]!r}"
    return json.loads(body)


def _parquet_track_counts() -> Counter[int]:
    """Tracks per album rowid, read straight from tracks.parquet (not through the fakes' loader)."""
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow reads the Anna's sample")
    table = pq.read_table(require_shared(ANNAS_SAMPLE) / "tracks.parquet", columns=["album_rowid"])
    return Counter(table.column("album_rowid").to_pylist())


# -- the seed clone -----------------------------------------------------------------------------------


def test_seed_album_inlines_every_track_of_the_sample(seed_clone: SeedClone) -> None:
    counts = _parquet_track_counts()
    for album in seed_clone.sample.albums:
        body = _json(f"{seed_clone.url}/albums/{album['id']}")
        assert body["tracks"]["total"] == len(body["tracks"]["items"]) == counts[album["rowid"]], album[
            "name"
        ]
        assert body["tracks"]["next"] is None, "the seed never pages"
        rowids = [t["rowid"] for t in body["tracks"]["items"]]
        assert rowids == sorted(rowids), "the seed lists tracks in rowid order"


def test_seed_album_keeps_its_wire_quirks(seed_clone: SeedClone) -> None:
    body = _json(f"{seed_clone.url}/albums/{SUBSTANCE}")
    assert body["external_url"] == {"spotify": f"https://open.spotify.com/album/{SUBSTANCE}"}
    assert "external_urls" not in body and body["images"] == [] and body["genres"] == []
    assert body["external_ids"] == {"upc": "190295211592"} and body["rowid"] == 8427
    assert [c["type"] for c in body["copyrights"]] == ["C", "P"]
    track = body["tracks"]["items"][0]
    assert track["explicit"] == 0 and type(track["explicit"]) is int, "explicit should stay a 0/1 int"
    assert track["album_rowid"] == 8427 and track["external_ids"] == {"isrc": "GBAAP0000867"}
    assert {"rowid", "followers", "popularity", "genres", "external_url"} <= set(track["artists"][0])
    assert {t["disc_number"] for t in body["tracks"]["items"]} == {1, 2}


def test_seed_album_artists_include_appears_on_and_repeated_rows(seed_clone: SeedClone) -> None:
    body = _json(f"{seed_clone.url}/albums/{POWER_CORRUPTION}")
    assert [a["name"] for a in body["artists"]] == ["New Order", "New Order"], "every artist_albums row"
    substance = _json(f"{seed_clone.url}/albums/{SUBSTANCE}")
    assert len(substance["artists"]) == 8 and "John Robie" in {a["name"] for a in substance["artists"]}
    single = _json(f"{seed_clone.url}/albums/{NIGHTCALL_SINGLE}")
    assert [a["name"] for a in single["artists"]] == ["Angèle", "Phoenix", "Kavinsky"], (
        "file order, not index"
    )


def test_seed_tracks_answers_one_id_and_500_for_a_list(seed_clone: SeedClone) -> None:
    body = _json(f"{seed_clone.url}/tracks?ids=2KejCKgm7l3uefW9cFt8cH")
    (track,) = body["tracks"]
    assert "rowid" not in track, "the /tracks shape carries no rowid"
    assert [a["name"] for a in track["album"]["artists"]] == [a["name"] for a in track["artists"]]
    assert [a["name"] for a in track["artists"]] == ["Kavinsky", "Angèle", "Phoenix"]
    for ids in ("2KejCKgm7l3uefW9cFt8cH,5CRPGdCSOfstyTVK9Ja5EQ", "0000000000000000000000"):
        assert _fetch(f"{seed_clone.url}/tracks?ids={ids}") == (
            500,
            "text/plain; charset=utf-8",
            b"Internal Server Error",
        )


def test_seed_unknown_ids_answer_500_and_unknown_paths_404(seed_clone: SeedClone) -> None:
    assert _fetch(f"{seed_clone.url}/albums/0000000000000000000000")[0] == 500
    assert _fetch(f"{seed_clone.url}/artists/0000000000000000000000")[0] == 500
    assert _fetch(f"{seed_clone.url}/v1/albums/{SUBSTANCE}") == (
        404,
        "application/json",
        b'{"detail":"Not Found"}',
    )


def test_seed_isrc_search_answers_500(seed_clone: SeedClone) -> None:
    status, _, body = _fetch(f"{seed_clone.url}/search?q=isrc:GBAAP0000867&type=track")
    assert (status, body) == (500, b"Internal Server Error")


def test_seed_album_and_artist_search_are_not_implemented(seed_clone: SeedClone) -> None:
    for kind in ("album", "artist"):
        body = _json(f"{seed_clone.url}/search?q=Substance&type={kind}")
        assert body[kind]["items"] == ["NotYetImplemented"] and body[kind]["next"] is None
    seed_clone.bare_not_implemented = True
    assert _json(f"{seed_clone.url}/search?q=Substance&type=album") == ["NotYetImplemented"]
    assert _json(f"{seed_clone.url}/search?q=x&type=playlist")["playlist"]["items"] == [
        "Unknown Type Parameter"
    ]


def test_seed_track_search_is_case_sensitive_and_ignores_track_filter_and_offset(
    seed_clone: SeedClone,
) -> None:
    hits = _json(f"{seed_clone.url}/search?q=Nightcall%20artist:Kavinsky&type=track&limit=3&offset=2")[
        "track"
    ]
    assert hits["offset"] == 2 and hits["total"] == 3 and hits["href"] == ""
    item = hits["items"][0]
    assert (item["name"], item["album"]["name"], item["is_playable"]) == ("Nightcall", "Nightcall", True)
    assert item["album"]["artists"] == item["artists"], "the embedded album reuses the track's artists"
    assert _json(f"{seed_clone.url}/search?q=nightcall&type=track")["track"]["total"] == 0
    ignored = _json(f"{seed_clone.url}/search?q=Nightcall%20track:Zzz&type=track")["track"]
    assert ignored["total"] == 7, "the track: filter is parsed but never applied"
    assert _fetch(f"{seed_clone.url}/search?q=Dustin%20N'Guyen&type=track")[0] == 500, (
        "a quote breaks its SQL"
    )


def test_seed_query_grammar_matches_its_regex() -> None:
    assert parse_seed_query("Crank - Kasra album:Resonance ")["text"] == "Crank - Kasra"
    parsed = parse_seed_query("track:One More Time artist:Daft Punk")
    assert (parsed["text"], parsed["track"], parsed["artist"]) == ("", "One More Time", "Daft Punk")
    assert parse_seed_query('album:"Reborn"')["album"] == "", "a quote right after the colon drops the filter"
    assert parse_seed_query("artist:Guns N' Roses")["artist"] == "Guns", "an apostrophe ends the value"


# -- the spec clone -----------------------------------------------------------------------------------


def _required_and_declared(schemas: dict[str, Any], name: str) -> tuple[set[str], set[str]]:
    schema = schemas[name]
    required: set[str] = set()
    declared: set[str] = set()
    for part in [schema, *schema.get("allOf", [])]:
        if "$ref" in part:
            more = _required_and_declared(schemas, part["$ref"].rsplit("/", 1)[-1])
            required, declared = required | more[0], declared | more[1]
        required |= set(part.get("required", []))
        declared |= set(part.get("properties", {}))
    return required, declared


@pytest.fixture(scope="module")
def openapi_schemas() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML reads the OpenAPI spec; it is not in the test extra")
    spec = require_shared(SHARED / "specs" / "spotify-web-api.openapi.yml")
    return dict(yaml.safe_load(spec.read_text())["components"]["schemas"])


def _assert_shape(schemas: dict[str, Any], name: str, obj: dict[str, Any]) -> None:
    required, declared = _required_and_declared(schemas, name)
    assert required <= set(obj), f"{name} should carry {sorted(required - set(obj))}"
    assert set(obj) <= declared, f"{name} should not carry undeclared {sorted(set(obj) - declared)}"


def test_spec_shapes_have_the_openapi_keys(spec_clone: SpecClone, openapi_schemas: dict[str, Any]) -> None:
    album = _json(f"{spec_clone.api_url}/albums/{SUBSTANCE}")
    _assert_shape(openapi_schemas, "AlbumObject", album)
    _assert_shape(openapi_schemas, "PagingSimplifiedTrackObject", album["tracks"])
    _assert_shape(openapi_schemas, "SimplifiedTrackObject", album["tracks"]["items"][0])
    _assert_shape(openapi_schemas, "SimplifiedArtistObject", album["artists"][0])
    _assert_shape(openapi_schemas, "ImageObject", album["images"][0])
    track = _json(f"{spec_clone.api_url}/tracks/5CRPGdCSOfstyTVK9Ja5EQ")
    _assert_shape(openapi_schemas, "TrackObject", track)
    _assert_shape(openapi_schemas, "SimplifiedAlbumObject", track["album"])
    _assert_shape(
        openapi_schemas, "ArtistObject", _json(f"{spec_clone.api_url}/artists/{track['artists'][0]['id']}")
    )
    found = _json(f"{spec_clone.api_url}/search?q=Reborn&type=album")["albums"]
    _assert_shape(openapi_schemas, "SimplifiedAlbumObject", found["items"][0])
    missing = _fetch(f"{spec_clone.api_url}/albums/0000000000000000000000")
    assert missing[0] == 404
    _assert_shape(openapi_schemas, "ErrorObject", json.loads(missing[2])["error"])


def test_spec_album_pages_follow_next_back_to_the_server(spec_clone: SpecClone) -> None:
    spec_clone.page_size = 5
    counts = _parquet_track_counts()
    for album in spec_clone.sample.albums:
        body = _json(f"{spec_clone.api_url}/albums/{album['id']}")
        page, items = body["tracks"], list(body["tracks"]["items"])
        assert page["limit"] == 5
        while page["next"]:
            assert page["next"].startswith(spec_clone.api_url), "next should point back at the server"
            page = _json(page["next"])
            items += page["items"]
        assert len(items) == page["total"] == counts[album["rowid"]], album["name"]
        order = [(t["disc_number"], t["track_number"]) for t in items]
        assert order == sorted(order) and all(type(t["explicit"]) is bool for t in items)


def test_spec_album_artists_are_the_main_artists_in_order(spec_clone: SpecClone) -> None:
    substance = _json(f"{spec_clone.api_url}/albums/{SUBSTANCE}")
    assert [a["name"] for a in substance["artists"]] == ["New Order"]
    assert [i["width"] for i in substance["images"]] == [640, 300, 64], "widest first, repeated rows once"
    single = _json(f"{spec_clone.api_url}/albums/{NIGHTCALL_SINGLE}")
    assert [a["name"] for a in single["artists"]] == ["Kavinsky", "Angèle", "Phoenix"]
    assert _json(f"{spec_clone.api_url}/albums/{SHALLOW_UNAVAILABLE}")["available_markets"] == []


def test_spec_errors_use_spotify_envelopes(spec_clone: SpecClone) -> None:
    assert _fetch(f"{spec_clone.api_url}/albums/not-an-id")[0] == 400
    status, _, body = _fetch(f"{spec_clone.api_url}/tracks/0000000000000000000000")
    assert (status, json.loads(body)) == (404, {"error": {"status": 404, "message": "non existing id"}})
    status, _, body = _fetch(f"{spec_clone.api_url}/search?q=Reborn&type=album&limit=11")
    assert (status, json.loads(body)) == (400, {"error": {"status": 400, "message": "Invalid limit"}})


def test_spec_batch_endpoints_follow_the_knob(spec_clone: SpecClone) -> None:
    several = _json(f"{spec_clone.api_url}/albums?ids={OUTRUN},0000000000000000000000")
    assert [a and a["name"] for a in several["albums"]] == ["OutRun", None]
    spec_clone.batch = False
    status, _, body = _fetch(f"{spec_clone.api_url}/tracks?ids=2KejCKgm7l3uefW9cFt8cH")
    assert status == 403 and json.loads(body)["error"]["status"] == 403


def test_spec_upc_search_matches_only_the_stored_string(spec_clone: SpecClone) -> None:
    def names(q: str) -> list[str]:
        return [a["name"] for a in _json(f"{spec_clone.api_url}/search?q={q}&type=album")["albums"]["items"]]

    assert names("upc:00602537292066") == ["OutRun"]
    assert names("upc:602537292066") == [], "the dump stores this UPC zero-padded to 14 digits"
    assert names("upc:190295211592") == ["Substance"]
    assert names("upc:00190295211592") == [], "and this one as 12 digits"
    assert names("upc:5055489278100") == ["Shallow and Profound"] * 2, "two releases share a UPC"


def test_spec_search_filters_and_paging(spec_clone: SpecClone) -> None:
    api = spec_clone.api_url
    tracks = _json(f"{api}/search?q=nightcall%20artist:kavinsky&type=track&limit=2")["tracks"]
    assert tracks["total"] == 9 and len(tracks["items"]) == 2
    assert tracks["next"].startswith(f"{api}/search?") and _json(tracks["next"])["tracks"]["offset"] == 2
    isrc = _json(f"{api}/search?q=isrc:FRS710900410&type=track")["tracks"]["items"]
    assert {t["album"]["name"] for t in isrc} == {"OutRun", "Nightcall"}
    quoted = _json(f"{api}/search?q=album:%22power%20corruption%22%20year:1983&type=album")["albums"]
    assert [a["id"] for a in quoted["items"]] == [POWER_CORRUPTION]
    assert _json(f"{api}/search?q=angele&type=artist")["artists"]["items"][0]["name"] == "Angèle"
    query = parse_spotify_query('artist:Daft Punk album:"Random Access"')
    assert (dict(query.filters), query.words) == ({"artist": "Daft", "album": "Random Access"}, ("Punk",))


def test_spec_token_flow_and_expiry(spec_clone: SpecClone) -> None:
    spec_clone.require_auth = True
    album = f"{spec_clone.api_url}/albums/{OUTRUN}"
    assert _fetch(album)[0] == 401
    form = b"grant_type=client_credentials"
    wrong = {"Authorization": "Basic " + base64.b64encode(b"tagbridge-client:nope").decode()}
    status, _, body = _fetch(spec_clone.token_url, headers=wrong, data=form)
    assert (status, json.loads(body)["error"]) == (400, "invalid_client")
    right = {"Authorization": "Basic " + base64.b64encode(b"tagbridge-client:tagbridge-secret").decode()}
    token = _json(spec_clone.token_url, headers=right, data=form)["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert _json(album, headers=bearer)["name"] == "OutRun"
    spec_clone.expire_tokens()
    status, _, body = _fetch(album, headers=bearer)
    assert (status, json.loads(body)["error"]["message"]) == (401, "The access token expired")
    fresh = _json(spec_clone.token_url, headers=right, data=form)["access_token"]
    assert _fetch(album, headers={"Authorization": f"Bearer {fresh}"})[0] == 200


def test_fail_next_injects_failures_in_order_then_serves(spec_clone: SpecClone) -> None:
    album = f"{spec_clone.api_url}/albums/{OUTRUN}"
    spec_clone.fail_next(429, headers={"Retry-After": "2"}, path_prefix="/v1/albums")
    spec_clone.fail_next(500, b"<html><body>Oops</body></html>", times=2)
    assert _fetch(f"{spec_clone.api_url}/artists/0000000000000000000000")[:2] == (
        500,
        "text/html; charset=utf-8",
    )
    assert _fetch(album)[0] == 429, "the albums-only 429 was queued first"
    assert _fetch(album)[0] == 500 and _fetch(album)[0] == 200
    assert spec_clone.hits(f"/v1/albums/{OUTRUN}") == 3 and spec_clone.hits("/v1", prefix=True) == 4
    assert spec_clone.log[0] == ("GET", "/v1/artists/0000000000000000000000")
    assert spec_clone.errors == [], "the fake itself should not have failed"


def test_both_clones_serve_the_same_album(seed_clone: SeedClone, spec_clone: SpecClone) -> None:
    seed = _json(f"{seed_clone.url}/albums/{OUTRUN}")
    spec = _json(f"{spec_clone.api_url}/albums/{OUTRUN}")
    assert [t["id"] for t in seed["tracks"]["items"]] == [t["id"] for t in spec["tracks"]["items"]]
    assert seed["external_ids"] == spec["external_ids"] == {"upc": "00602537292066"}


def test_sample_is_read_in_place(annas_sample: Sample) -> None:
    assert Path(ANNAS_SAMPLE).is_dir() and len(annas_sample.albums) == 21 and len(annas_sample.tracks) == 393
