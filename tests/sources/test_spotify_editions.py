"""Spotify's explicit and clean twins: the same album twice, told apart only by its tracks' ``explicit`` flags.

Built from the recorded album body (``harmony_album_10FLjwfpbxLmW8c25Xyc2N.json``): two copies
with their own ids, one with an explicit track, one without, listed by a search answer in
Spotify's shape.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pytest
from shared_paths import recorded

from tagbridge.core.config import Settings
from tagbridge.core.model import AlbumQuery
from tagbridge.core.rank import rank_covers
from tagbridge.drivers.replay import Canned, ReplayDriver
from tagbridge.sources.spotify import SpotifySession, SpotifyToken, album_art, search_albums

NOW = 1_700_000_000.0
API = Settings(spotify_client_id="id", spotify_client_secret="secret", sources=("spotify",))
EXPLICIT, CLEAN = "1ExplicitTwin000000000", "2CleanTwin000000000000"


def _twins() -> tuple[dict[str, Any], dict[str, Any], bytes]:
    album = json.loads(recorded("spotify/harmony_album_10FLjwfpbxLmW8c25Xyc2N.json").read_bytes())
    explicit, clean = copy.deepcopy(album), copy.deepcopy(album)
    for twin, twin_id, flag in ((explicit, EXPLICIT, True), (clean, CLEAN, False)):
        twin["id"], twin["uri"] = twin_id, f"spotify:album:{twin_id}"
        twin["external_urls"] = {"spotify": f"https://open.spotify.com/album/{twin_id}"}
        for track in twin["tracks"]["items"]:
            track["explicit"] = False
        twin["tracks"]["items"][0]["explicit"] = flag
    simplified = [{k: v for k, v in t.items() if k != "tracks"} for t in (clean, explicit)]
    search = {"albums": {"href": "https://api.spotify.com/v1/search", "items": simplified, "limit": 10,
                         "next": None, "offset": 0, "previous": None, "total": 2}}
    return explicit, clean, json.dumps(search).encode()


def _session(settings: Settings) -> SpotifySession:
    return SpotifySession(settings, clock=lambda: NOW, token=SpotifyToken(access_token="t", expires_at=NOW + 3600))


def _driver() -> ReplayDriver:
    explicit, clean, search = _twins()
    return ReplayDriver([("/v1/search", Canned(body=search)),
                         (f"/v1/albums/{EXPLICIT}", Canned(body=json.dumps(explicit).encode())),
                         (f"/v1/albums/{CLEAN}", Canned(body=json.dumps(clean).encode())),
                         ("/v1/albums", Canned(body=json.dumps({"albums": [explicit, clean]}).encode()))])


@pytest.mark.parametrize("album, prefer, expect", [
    ("Die With A Smile", "explicit", EXPLICIT),
    ("Die With A Smile (Clean)", "explicit", CLEAN),
    ("Die With A Smile", "clean", CLEAN),
], ids=["original", "clean-in-title", "prefer-clean"])
def test_the_twin_the_user_has_comes_first(album: str, prefer: str, expect: str) -> None:
    settings = replace(API, prefer=prefer)
    query = AlbumQuery(artist="Lady Gaga, Bruno Mars", album=album)
    records = _driver().run(search_albums(_session(settings), query)).records
    assert [r.id for r in records][0] == expect
    found = _driver().run(album_art(_session(settings), query))
    ranked, _ = rank_covers(found.candidates, settings, query)
    assert ranked[0].id == expect


def test_an_artist_spotify_credits_another_way_only_on_exact_title_count_and_year() -> None:
    explicit, _clean, _search = _twins()
    simplified = {k: v for k, v in explicit.items() if k != "tracks"}
    search = json.dumps({"albums": {"href": "https://api.spotify.com/v1/search", "items": [simplified], "limit": 10,
                                    "next": None, "offset": 0, "previous": None, "total": 1}}).encode()
    driver = ReplayDriver([("/v1/search", Canned(body=search)),
                           ("/v1/albums", Canned(body=json.dumps({"albums": [explicit]}).encode())),
                           (f"/v1/albums/{EXPLICIT}", Canned(body=json.dumps(explicit).encode()))])
    year = int(explicit["release_date"][:4])
    renamed = AlbumQuery(artist="Stefani Germanotta", album="Die With A Smile", tracks=explicit["total_tracks"],
                         year=year)
    (record,) = driver.run(search_albums(_session(API), renamed)).records
    assert record.id == EXPLICIT and any("renamed or restyled artist" in r for r in record.reasons)
    title_only = replace(renamed, year=year - 9)
    assert _driver().run(search_albums(_session(API), title_only)).records == []
