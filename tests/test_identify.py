"""Identifying albums in Spotify from what files carry, against the spec-following fake over the real sample.

Runs through the real runtime (sync driver, token cache) against a real local server, and counts
what reached the server: an ID link beats any text search, and no request is spent twice.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fakes.annas import Sample
from fakes.fixtures import annas_sample, spec_clone  # noqa: F401 - fixtures
from fakes.spec_clone import SpecClone
from tagbridge.core.model import MatchKind
from tagbridge.identify import AlbumEvidence, find_spotify_albums, find_spotify_tracks
from tagbridge.runtime import Runtime
from tagbridge.settings import settings_from_env
from tagbridge.sources import spotify

OUTRUN = "3bRM4GQgoFjBRRzhp87Ugb"


def runtime(clone: SpecClone, tmp_path: Path, *, api: bool = False) -> Runtime:
    env = {"TAGBRIDGE_SPOTIFY_API_URL": clone.api_url, "TAGBRIDGE_CACHE_DIR": str(tmp_path / "cache"),
           "TAGBRIDGE_SPOTIFY_RATE": "1000/1"}
    if api:
        env.update(TAGBRIDGE_SPOTIFY_BACKEND="api", TAGBRIDGE_SPOTIFY_TOKEN_URL=clone.token_url,
                   TAGBRIDGE_SPOTIFY_CLIENT_ID=clone.client_id, TAGBRIDGE_SPOTIFY_CLIENT_SECRET=clone.client_secret)
    else:
        env.update(TAGBRIDGE_SPOTIFY_BACKEND="clone")
    return Runtime(settings_from_env(env), cache_read=False)


def outrun_tracks(sample: Sample) -> list[dict[str, object]]:
    album = sample.album_by_id[OUTRUN]
    rows = [t for t in sample.track_by_id.values() if t["album_rowid"] == album["rowid"]]
    return sorted(rows, key=lambda t: (t["disc_number"], t["track_number"]))  # type: ignore[return-value]


def identify(rt: Runtime, evidence: AlbumEvidence) -> spotify.AlbumSearch:
    with rt.spotify() as session:
        return rt.run(find_spotify_albums(session, evidence))


def test_isrcs_alone_find_the_album_with_two_searches(spec_clone: SpecClone, annas_sample: Sample,
                                                      tmp_path: Path) -> None:
    isrcs = tuple(str(t["external_id_isrc"]) for t in outrun_tracks(annas_sample))
    with runtime(spec_clone, tmp_path) as rt:
        found = identify(rt, AlbumEvidence(isrcs=isrcs, tracks=len(isrcs)))
    [album] = found.records
    assert album.id == OUTRUN and album.match is MatchKind.ID and "2 of 2 ISRCs" in album.reasons[0]
    searches = [r for r in spec_clone.log if r.path == "/v1/search"]
    assert len(searches) == 2, "it stops once one album leads with two votes"


def test_an_id_route_skips_the_text_search(spec_clone: SpecClone, tmp_path: Path) -> None:
    with runtime(spec_clone, tmp_path) as rt:
        found = identify(rt, AlbumEvidence(artist="Kavinsky", album="OutRun", barcode="602537292066"))
    assert [r.id for r in found.records] == [OUTRUN] and found.records[0].match is MatchKind.ID
    assert not any("album%3A" in r.target or "album:" in r.target for r in spec_clone.log), "no text search once the UPC hit"


def test_text_is_the_fallback_and_scored(spec_clone: SpecClone, tmp_path: Path) -> None:
    with runtime(spec_clone, tmp_path) as rt:
        found = identify(rt, AlbumEvidence(artist="Kavinsky", album="OutRun", tracks=13))
    assert found.records and found.records[0].id == OUTRUN and found.records[0].match is MatchKind.EXACT


def test_isrcs_of_an_album_come_in_one_batch_where_allowed(spec_clone: SpecClone, annas_sample: Sample,
                                                           tmp_path: Path) -> None:
    tracks = outrun_tracks(annas_sample)
    with runtime(spec_clone, tmp_path) as rt, rt.spotify() as session:
        isrcs = rt.run(spotify.isrcs_of_tracks(session, [str(t["id"]) for t in tracks]))
    assert isrcs == {str(t["id"]): str(t["external_id_isrc"]) for t in tracks}
    assert [r.path for r in spec_clone.log] == [f"/v1/tracks/{tracks[0]['id']}", "/v1/tracks"]


def test_withheld_isrcs_cost_one_request_and_are_remembered_across_runs(spec_clone: SpecClone, annas_sample: Sample,
                                                                        tmp_path: Path) -> None:
    spec_clone.dev_mode_fields = True
    spec_clone.batch = False
    spec_clone.require_auth = True
    ids = [str(t["id"]) for t in outrun_tracks(annas_sample)]
    with runtime(spec_clone, tmp_path, api=True) as rt, rt.spotify() as session:
        assert rt.run(spotify.isrcs_of_tracks(session, ids)) == {}
    assert [r.path for r in spec_clone.log] == ["/api/token", f"/v1/tracks/{ids[0]}"]
    mark = len(spec_clone.log)
    with runtime(spec_clone, tmp_path, api=True) as rt, rt.spotify() as session:  # a new run, same cache dir
        assert rt.run(spotify.isrcs_of_tracks(session, ids)) == {}
    assert spec_clone.log[mark:] == [], "the next run knows: no token fetch, no probe"


def test_a_withheld_isrc_on_a_search_hit_counts_as_an_unconfirmed_id(spec_clone: SpecClone, annas_sample: Sample,
                                                                     tmp_path: Path) -> None:
    spec_clone.dev_mode_fields = True
    code = str(outrun_tracks(annas_sample)[0]["external_id_isrc"])
    with runtime(spec_clone, tmp_path) as rt, rt.spotify() as session:
        hits = rt.run(find_spotify_tracks(session, artist="", title="", isrcs=[code]))
    assert hits and hits[0].album_id == OUTRUN and hits[0].match is MatchKind.ID
    assert hits[0].score == pytest.approx(0.95) and "does not show its ISRC" in " ".join(hits[0].reasons)


def test_sessions_in_parallel_threads_share_one_token(spec_clone: SpecClone, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    spec_clone.require_auth = True
    with runtime(spec_clone, tmp_path, api=True) as rt:
        def one(_: int) -> str:
            found = identify(rt, AlbumEvidence(artist="Kavinsky", album="OutRun", tracks=13))
            return found.records[0].id

        started = time.monotonic()
        with ThreadPoolExecutor(6) as pool:
            assert set(pool.map(one, range(6))) == {OUTRUN}
    assert time.monotonic() - started < 30
    assert 1 <= len(spec_clone.tokens_issued) <= 6, "tokens are shared once one is held"
