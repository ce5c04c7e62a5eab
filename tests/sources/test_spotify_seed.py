"""The Spotify source against the seed-style clone (moddroid94/local-green-api), quirk by quirk.

Bodies: the project's seed-shaped fixtures in ``tests/fixtures/spotify/`` (see its README), and
seed-shaped ``/albums/{id}`` answers built here, in memory, from the real dump rows in
``../shared/data/annas-sample/`` following the seed code's ``get_album_by_id``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from shared_paths import ANNAS_SAMPLE, require_shared

from tagbridge.core.config import Settings
from tagbridge.core.errors import SourceError
from tagbridge.core.http import HttpRequest
from tagbridge.core.model import AlbumQuery, ArtLinks, MatchKind
from tagbridge.drivers.replay import Canned, ReplayDriver
from tagbridge.sources.spotify import (
    SpotifySession,
    album_art,
    album_by_id,
    album_by_isrcs,
    album_record,
    albums_by_ids,
    albums_by_upc,
    search_albums,
    search_tracks,
    seed_words,
    track_by_id,
    tracks_by_isrc,
)
from tagbridge.sources.spotify_types import search_unsupported

Finder = Callable[[str], Path]

SMILE = "10FLjwfpbxLmW8c25Xyc2N"
SMILE_TRACK = "2plbrEY59IikOBgBGLjaoe"
SEED = Settings(spotify_backend="clone", spotify_token_url=None, spotify_api_url="http://127.0.0.1:8000",
                spotify_dialect="seed")
AUTO = replace(SEED, spotify_dialect="auto")
NOT_FOUND_DETAIL = Canned(b'{"detail":"Not Found"}', status=404)
SERVER_ERROR = Canned(b"Internal Server Error", status=500)


def session(settings: Settings = SEED) -> SpotifySession:
    return SpotifySession(settings, clock=lambda: 0.0)


def q_of(request: HttpRequest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.full_url).query)


@pytest.fixture
def seed_rules(project_fixture: Finder) -> list[tuple[Any, Canned]]:
    """A replay of the seed clone serving "Die With A Smile", routes without /v1."""
    return [
        ("/v1/albums/" + SMILE, NOT_FOUND_DETAIL),
        ("/v1/tracks/" + SMILE_TRACK, NOT_FOUND_DETAIL),
        ("/v1/search", NOT_FOUND_DETAIL),
        ("/albums/" + SMILE, Canned(project_fixture("spotify/seed_album_10FLjwfpbxLmW8c25Xyc2N.json"))),
        ("/tracks?ids=" + SMILE_TRACK, Canned(project_fixture("spotify/seed_tracks_ids_2plbrEY59IikOBgBGLjaoe.json"))),
        ("/search?type=album", Canned(project_fixture("spotify/seed_search_album_not_implemented.json"))),
        ("/search?type=track", Canned(project_fixture("spotify/seed_search_track_die_with_a_smile.json"))),
        (lambda r: urlsplit(r.url).path.startswith(("/albums/", "/tracks")), SERVER_ERROR),  # unknown ids
        (lambda r: urlsplit(r.url).path.startswith("/v1/"), NOT_FOUND_DETAIL),  # the seed has no /v1 routes
    ]


# --- parsing the seed's shapes --------------------------------------------------------------


def test_seed_album_reads_external_url_explicit_ints_isrcs_and_empty_images(seed_rules: list[Any]) -> None:
    driver = ReplayDriver(seed_rules)
    album = driver.run(album_by_id(session(), SMILE))
    assert album is not None
    assert driver.requests[0].url == f"http://127.0.0.1:8000/albums/{SMILE}", "seed routes have no /v1"
    assert (album.title, album.upc, album.label, album.total_tracks) == ("Die With A Smile", "00602475093060", "Interscope", 1)
    assert album.url == f"https://open.spotify.com/album/{SMILE}" and album.images == ()
    assert len(album.copyrights) == 2 and [a.name for a in album.artists] == ["Lady Gaga", "Bruno Mars"]
    (track,) = album.tracks
    assert (track.id, track.isrc, track.explicit, track.duration_ms) == (SMILE_TRACK, "USUM72409273", False, 251667)
    assert track.url == f"https://open.spotify.com/track/{SMILE_TRACK}"


def test_seed_track_lookup_uses_tracks_ids_with_one_id(seed_rules: list[Any]) -> None:
    driver = ReplayDriver(seed_rules)
    track = driver.run(track_by_id(session(), SMILE_TRACK))
    assert track is not None and (track.isrc, track.album_id, track.album_title) == ("USUM72409273", SMILE, "Die With A Smile")
    assert driver.requests[0].full_url == f"http://127.0.0.1:8000/tracks?ids={SMILE_TRACK}"


def test_auto_dialect_detects_the_seed_clone_from_its_routes(seed_rules: list[Any]) -> None:
    driver = ReplayDriver(seed_rules)
    s = session(AUTO)
    track = driver.run(track_by_id(s, SMILE_TRACK))
    assert track is not None and (s.dialect, s.prefix) == ("seed", "")
    assert [r.full_url for r in driver.requests] == [
        f"http://127.0.0.1:8000/v1/tracks/{SMILE_TRACK}", f"http://127.0.0.1:8000/tracks?ids={SMILE_TRACK}"]


def test_unknown_ids_answer_500_which_is_none_and_never_retried(seed_rules: list[Any]) -> None:
    driver = ReplayDriver(seed_rules)
    s = session(AUTO)
    assert driver.run(album_by_id(s, "0000000000000000000000")) is None
    assert driver.requests[-1].retry_5xx is False, "the seed's 500 for an unknown id is an answer, not an outage"
    assert driver.run(track_by_id(s, "0000000000000000000000")) is None
    assert driver.requests[-1].retry_5xx is False


def test_seed_batch_lookups_go_one_by_one(seed_rules: list[Any]) -> None:
    driver = ReplayDriver(seed_rules)
    albums = driver.run(albums_by_ids(session(), [SMILE, "0000000000000000000000"]))
    assert [a.id for a in albums] == [SMILE]
    assert all("ids" not in q_of(r) for r in driver.requests), "the seed has no /albums?ids="


def test_not_yet_implemented_is_recognised_in_both_forms() -> None:
    assert search_unsupported({"album": {"items": ["NotYetImplemented"], "next": None}}, "album")
    assert search_unsupported(["NotYetImplemented"], "album")
    assert not search_unsupported({"albums": {"items": [], "next": None}}, "album")


def test_zero_filled_dates_have_no_year() -> None:
    record = album_record({"id": SMILE, "name": "X", "release_date": "0000", "release_date_precision": "year"})
    assert record.release_date == "0000" and record.year is None


# --- searching the seed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [("Random Access Memories (Deluxe)", "Random Access Memories"), ("AC/DC", "AC"), ("  Die  With A Smile ", "Die With A Smile"),
     ("Lady Gaga & Bruno Mars", "Lady Gaga"), ('"Quoted"', "Quoted"), ("!!!", ""), ("Sigur Rós", "Sigur Rós")],
)
def test_seed_words_are_the_first_run_of_plain_words(text: str, words: str) -> None:
    assert seed_words(text) == words


def test_album_search_falls_back_to_a_word_only_track_search_grouped_by_album(seed_rules: list[Any]) -> None:
    driver = ReplayDriver(seed_rules)
    s = session(AUTO)
    (album,) = driver.run(search_albums(s, AlbumQuery(artist="Lady Gaga & Bruno Mars", album="Die With A Smile"))).records
    assert (album.id, album.match, album.score) == (SMILE, MatchKind.EXACT, 1.0) and album.tracks
    searches = [q_of(r) for r in driver.requests if urlsplit(r.url).path == "/search"]
    assert [q["type"] for q in searches] == [["album"], ["track"]]
    assert searches[1]["q"] == ["album:Die With A Smile artist:Lady Gaga"], "plain words only, no quotes"
    assert all("upc:" not in "".join(q["q"]) for q in searches)


def test_track_search_on_the_seed_puts_title_words_before_the_artist_filter(seed_rules: list[Any]) -> None:
    driver = ReplayDriver(seed_rules)
    tracks = driver.run(search_tracks(session(), "Lady Gaga & Bruno Mars", "Die With A Smile"))
    assert [t.id for t in tracks] == [SMILE_TRACK] and tracks[0].match is MatchKind.EXACT
    assert q_of(driver.requests[0])["q"] == ["Die With A Smile artist:Lady Gaga"]


def test_what_the_seed_returns_is_verified(project_fixture: Finder) -> None:
    # A filter the seed does not apply lets it answer tracks of another album: they are scored away.
    driver = ReplayDriver([("/search", Canned(project_fixture("spotify/seed_search_track_die_with_a_smile.json")))])
    assert driver.run(search_tracks(session(), "Lady Gaga", "Poker Face")) == []
    assert driver.run(search_albums(session(), AlbumQuery(artist="Lady Gaga", album="The Fame"))).records == []


def test_isrc_search_on_the_seed_is_a_clear_error(seed_rules: list[Any]) -> None:
    driver = ReplayDriver([(lambda r: urlsplit(r.url).path == "/search", SERVER_ERROR), *seed_rules])
    with pytest.raises(SourceError, match="cannot search by ISRC"):
        driver.run(tracks_by_isrc(session(AUTO), "USUM72409273"))
    assert driver.requests[-1].retry_5xx is False
    with pytest.raises(SourceError, match="cannot search by ISRC"):
        ReplayDriver([]).run(tracks_by_isrc(session(), "USUM72409273"))


def test_album_by_isrcs_confirms_a_title_search_by_its_tracks(seed_rules: list[Any]) -> None:
    driver = ReplayDriver(seed_rules)
    album = driver.run(album_by_isrcs(session(), "Die With A Smile", "Lady Gaga & Bruno Mars", ["USUM72409273"]))
    assert album is not None and (album.id, album.match, album.score) == (SMILE, MatchKind.ID, 1.0)
    assert album.reasons[0] == "1 of 1 ISRCs found on its tracks"
    other = ReplayDriver(seed_rules).run(
        album_by_isrcs(session(), "Die With A Smile", "Lady Gaga & Bruno Mars", ["GBUM71029604", "USUM72409273", "XX0000000001"]))
    assert other is None, "one of three ISRCs is not enough"


def test_no_upc_search_and_no_art_from_the_seed(seed_rules: list[Any], caplog: pytest.LogCaptureFixture) -> None:
    driver = ReplayDriver(seed_rules)
    assert driver.run(albums_by_upc(session(), "602475093060")) == [] and driver.requests == []
    with caplog.at_level(logging.DEBUG):
        assert driver.run(album_art(session(), AlbumQuery(links=ArtLinks(spotify_album_ids=(SMILE,))))).candidates == ()
    assert "offers no images" in caplog.text


# --- the seed's album artists, over real dump rows ------------------------------------------


def _dump() -> dict[str, list[dict[str, Any]]]:
    pq = pytest.importorskip("pyarrow.parquet")
    base = require_shared(ANNAS_SAMPLE)
    return {name: pq.read_table(base / f"{name}.parquet").to_pylist()
            for name in ("albums", "tracks", "artists", "track_artists", "artist_albums")}


def _seed_album_body(dump: dict[str, list[dict[str, Any]]], album_id: str) -> dict[str, Any]:
    """What the seed's get_album_by_id answers for ``album_id``: every artist_albums row is an album artist."""
    artists = {a["rowid"]: a for a in dump["artists"]}

    def artist_object(rowid: int) -> dict[str, Any]:
        a = artists[rowid]
        return {"rowid": rowid, "id": a["id"], "name": a["name"], "type": "artist", "genres": [],
                "followers": {"href": None, "total": a["followers_total"]}, "popularity": a["popularity"],
                "external_url": {"spotify": f"https://open.spotify.com/artist/{a['id']}"}}

    album = next(a for a in dump["albums"] if a["id"] == album_id)
    items = []
    for t in (t for t in dump["tracks"] if t["album_rowid"] == album["rowid"]):
        credit = [artist_object(r["artist_rowid"]) for r in dump["track_artists"] if r["track_rowid"] == t["rowid"]]
        items.append({"rowid": t["rowid"], "album_rowid": t["album_rowid"], "artists": credit, "id": t["id"],
                      "name": t["name"], "type": "track", "external_url": {"spotify": f"https://open.spotify.com/track/{t['id']}"},
                      "preview_url": None, "explicit": t["explicit"], "external_ids": {"isrc": t["external_id_isrc"]},
                      "popularity": t["popularity"], "duration_ms": t["duration_ms"], "disc_number": t["disc_number"],
                      "track_number": t["track_number"]})
    listed = [artist_object(r["artist_rowid"]) for r in dump["artist_albums"] if r["album_rowid"] == album["rowid"]]
    return {"rowid": album["rowid"], "id": album["id"], "name": album["name"], "type": "album",
            "tracks": {"href": "", "next": None, "total": len(items), "previous": None, "items": items},
            "album_type": album["album_type"], "external_ids": {"upc": album["external_id_upc"]},
            "external_url": {"spotify": f"https://open.spotify.com/album/{album['id']}"},
            "copyrights": [{"text": album["copyright_c"], "type": "C"}, {"text": album["copyright_p"], "type": "P"}],
            "images": [], "genres": [], "label": album["label"], "popularity": album["popularity"],
            "release_date": album["release_date"], "release_date_precision": album["release_date_precision"],
            "total_tracks": album["total_tracks"], "artists": listed}


@pytest.mark.parametrize(
    ("album_id", "credit"),
    [("07nBld9enf1PyRysZAVSqJ", ["Kavinsky"]),  # Nightcall: remixers listed as album artists
     ("7zxyDd9hN7Ti7rF3bXzX8R", ["Kavinsky"]),  # Renegade: a featured singer listed too
     ("6iHuSGy6pq4tNGFV3ZVPtl", ["New Order"]),  # Substance: every row twice
     ("05OLq8nG4L5WYZXTfXVYM7", ["Kavinsky", "Angèle", "Phoenix"]),  # a single credited to three
     ("2FmeMbrSobUISc2dBWfrnD", ["Armin van Buuren ASOT Radio"])],  # a radio show on none of its tracks
)
def test_seed_album_artists_are_rebuilt_from_the_tracks(album_id: str, credit: list[str]) -> None:
    body = _seed_album_body(_dump(), album_id)
    driver = ReplayDriver([(f"/albums/{album_id}", Canned(json.dumps(body).encode()))])
    album = driver.run(album_by_id(session(), album_id))
    assert album is not None and len(album.tracks) == len(body["tracks"]["items"])
    assert [a["name"] for a in body["artists"]] != credit, "the seed's own list is not the credit"
    assert [a.name for a in album.artists] == credit


def test_every_sample_album_parses_in_the_seed_shape() -> None:
    dump = _dump()
    for row in dump["albums"]:
        body = _seed_album_body(dump, row["id"])
        album = ReplayDriver([(f"/albums/{row['id']}", Canned(json.dumps(body).encode()))]).run(album_by_id(session(), row["id"]))
        assert album is not None and album.artists, f"{row['name']!r} should parse with an artist credit"
        assert all(t.explicit in (True, False) and t.isrc for t in album.tracks), f"{row['name']!r}: 0/1 and ISRCs"
        assert album.year is not None and album.images == ()
