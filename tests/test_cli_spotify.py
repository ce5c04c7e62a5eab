"""End to end: ``tagbridge album`` / ``track`` / ``art --sources spotify`` through the installed command.

Three kinds of server answer: a local server with the real recorded Web API bodies (hosts in the
bodies' ``next`` links pointed back at it, as a mirror would), the seed-style clone fake and the
spec-following clone fake, both over the real Anna's Archive sample rows.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from fakes.fixtures import seed_clone, spec_clone  # noqa: F401 - fixtures
from fakes.seed_clone import SeedClone
from fakes.spec_clone import SpecClone
from recorded_server import Answer, RecordedServer, recorded_server  # noqa: F401 - fixture
from shared_paths import recorded
from test_cli import run_cli

SECRET = "s3cr3t-never-printed"
CLIENT = "tagbridge-client"
OUTRUN = "3bRM4GQgoFjBRRzhp87Ugb"  # Kavinsky – OutRun, 13 tracks, UPC 00602537292066
NIGHTCALL_TRACK = "2KejCKgm7l3uefW9cFt8cH"
SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"  # New Order – Substance, 24 tracks on 2 discs


def clone_env(url: str, **extra: str) -> dict[str, str]:
    env = {"TAGBRIDGE_SPOTIFY_BACKEND": "clone", "TAGBRIDGE_SPOTIFY_API_URL": url, "TAGBRIDGE_SPOTIFY_RATE": "1000/1"}
    env.update(extra)
    return env


def api_env(server: RecordedServer, **extra: str) -> dict[str, str]:
    env = {"TAGBRIDGE_SPOTIFY_API_URL": server.url + "/v1", "TAGBRIDGE_SPOTIFY_TOKEN_URL": server.url + "/api/token",
           "TAGBRIDGE_SPOTIFY_CLIENT_ID": CLIENT, "TAGBRIDGE_SPOTIFY_CLIENT_SECRET": SECRET,
           "TAGBRIDGE_SPOTIFY_RATE": "1000/1"}
    env.update(extra)
    return env


def out_json(proc: subprocess.CompletedProcess[str], code: int = 0) -> dict[str, object]:
    assert proc.returncode == code, f"exit {proc.returncode}: {proc.stderr}"
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def mirrored(relative: str, server: RecordedServer) -> bytes:
    """A recorded body with Spotify's API host pointed at the local server."""
    return recorded(relative).read_bytes().replace(b"https://api.spotify.com", server.url.encode())


def token_answer() -> Answer:
    return Answer(recorded("spotify/swaj_token_client_credentials_200.json"))


# --- the seed-style clone -------------------------------------------------------------------

def test_seed_clone_album_by_id_gives_the_whole_record(seed_clone: SeedClone, recorded_server: RecordedServer,
                                                       tmp_path: Path) -> None:
    out = out_json(run_cli(recorded_server, tmp_path, "album", "--spotify-id", f"spotify:album:{SUBSTANCE}", "--json",
                           **clone_env(seed_clone.url)))
    (album,) = out["albums"]  # type: ignore[misc]
    assert (album["id"], album["title"], album["upc"]) == (SUBSTANCE, "Substance", "190295211592")
    assert [a["name"] for a in album["artists"]] == ["New Order"]
    assert len(album["tracks"]) == 24 and album["disc_count"] == 2
    first = album["tracks"][0]
    assert isinstance(first["explicit"], bool), "the seed's 0/1 becomes a boolean"
    assert first["isrc"] and first["duration_ms"] > 0


def test_seed_clone_track_by_url(seed_clone: SeedClone, recorded_server: RecordedServer, tmp_path: Path) -> None:
    url = f"https://open.spotify.com/track/{NIGHTCALL_TRACK}?si=abc"
    out = out_json(run_cli(recorded_server, tmp_path, "track", "--spotify-id", url, "--json", **clone_env(seed_clone.url)))
    (track,) = out["tracks"]  # type: ignore[misc]
    assert track["id"] == NIGHTCALL_TRACK and track["title"] == "Nightcall"
    assert {"disc_number", "track_number", "duration_ms", "isrc", "artists"} <= set(track)


def test_seed_clone_album_by_text_falls_back_to_a_track_search(seed_clone: SeedClone, recorded_server: RecordedServer,
                                                               tmp_path: Path) -> None:
    out = out_json(run_cli(recorded_server, tmp_path, "album", "--artist", "Kavinsky", "--album", "OutRun", "--json",
                           **clone_env(seed_clone.url)))
    albums = out["albums"]
    assert albums and albums[0]["id"] == OUTRUN and len(albums[0]["tracks"]) == 13  # type: ignore[index]
    searches = [e.target for e in seed_clone.log if e.target.startswith("/search")]
    track_searches = [t for t in searches if "type=track" in t]
    assert track_searches, "the seed cannot search albums, so tracks are searched instead"
    assert not any("%22" in t or "upc" in t for t in track_searches), "the seed's parser gets plain words only"


def test_seed_clone_unknown_id_is_nothing_found_not_a_crash(seed_clone: SeedClone, recorded_server: RecordedServer,
                                                            tmp_path: Path) -> None:
    out = out_json(run_cli(recorded_server, tmp_path, "album", "--spotify-id", "0000000000000000000000", "--json",
                           **clone_env(seed_clone.url)))
    assert out["albums"] == []
    assert seed_clone.hits("/albums/0000000000000000000000") == 1, "a seed 500 for an unknown id is not retried"


# --- the spec-following clone ---------------------------------------------------------------

def test_spec_clone_track_by_isrc(spec_clone: SpecClone, recorded_server: RecordedServer, tmp_path: Path) -> None:
    out = out_json(run_cli(recorded_server, tmp_path, "track", "--isrc", "FRS710900410", "--json",
                           **clone_env(spec_clone.url)))
    tracks = out["tracks"]
    assert len(tracks) == 2 and {t["isrc"] for t in tracks} == {"FRS710900410"}, "Nightcall is on two albums"  # type: ignore[union-attr]
    assert {t["album_id"] for t in tracks} == {OUTRUN, "07nBld9enf1PyRysZAVSqJ"}  # type: ignore[union-attr]


def test_spec_clone_album_by_short_barcode_is_found_zero_padded(spec_clone: SpecClone, recorded_server: RecordedServer,
                                                                tmp_path: Path) -> None:
    out = out_json(run_cli(recorded_server, tmp_path, "album", "--barcode", "602537292066", "--json",
                           **clone_env(spec_clone.url)))
    assert [a["id"] for a in out["albums"]] == [OUTRUN]  # type: ignore[union-attr]


def test_spec_clone_pages_album_tracks_and_falls_back_from_batch(spec_clone: SpecClone, recorded_server: RecordedServer,
                                                                 tmp_path: Path) -> None:
    spec_clone.page_size = 5
    spec_clone.batch = False  # Development Mode: no /albums?ids=
    out = out_json(run_cli(recorded_server, tmp_path, "album", "--artist", "New Order", "--album", "Substance",
                           "--json", **clone_env(spec_clone.url)))
    best = out["albums"][0]  # type: ignore[index]
    assert best["id"] == SUBSTANCE and len(best["tracks"]) == 24, "all pages followed through next"
    assert spec_clone.hits("/v1/albums", prefix=False) <= 1, "a refused batch is tried at most once"
    assert all("limit=" not in e.target or int(e.target.split("limit=")[1].split("&")[0]) <= 50 for e in spec_clone.log)


# --- the official Web API, from recorded bodies ---------------------------------------------

def test_api_album_pages_through_next_and_caches_the_token_privately(recorded_server: RecordedServer,
                                                                     tmp_path: Path) -> None:
    album = "32nryzA6XBCX9ZUspVc1yz"
    recorded_server.add("/api/token", token_answer())
    recorded_server.add(f"/v1/albums/{album}", Answer(mirrored("spotify/harmony_album_32nryzA6XBCX9ZUspVc1yz_tracks_paged.json", recorded_server)))
    recorded_server.add(f"/v1/albums/{album}/tracks", Answer(mirrored("spotify/harmony_album_32nryzA6XBCX9ZUspVc1yz_tracks_offset50.json", recorded_server)))
    out = out_json(run_cli(recorded_server, tmp_path, "album", "--spotify-id", album, "--json", **api_env(recorded_server)))
    assert len(out["albums"][0]["tracks"]) == 55  # type: ignore[index]
    tokens = list((tmp_path / "cache").glob("spotify-token-*.json"))
    assert len(tokens) == 1 and stat.S_IMODE(tokens[0].stat().st_mode) == 0o600
    access_token = json.loads(recorded("spotify/swaj_token_client_credentials_200.json").read_text())["access_token"]
    assert access_token.encode() not in (tmp_path / "cache" / "http-cache.sqlite").read_bytes(), \
        "the bearer token stays out of the shared HTTP cache"
    out_json(run_cli(recorded_server, tmp_path, "album", "--spotify-id", album, "--json", "--no-cache", **api_env(recorded_server)))
    assert recorded_server.hits("/api/token") == 1, "the cached token is reused by the next run"


def test_api_barcode_search_uses_the_zero_padded_form(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/api/token", token_answer())
    recorded_server.add("/v1/search", Answer(recorded("spotify/harmony_search_album_upc_00602475093060.json")), q="upc:00602475093060")
    recorded_server.add("/v1/search", Answer(recorded("spotify/harmony_search_album_upc_602475093060_empty.json")))
    recorded_server.add("/v1/albums/10FLjwfpbxLmW8c25Xyc2N", Answer(recorded("spotify/harmony_album_10FLjwfpbxLmW8c25Xyc2N.json")))
    out = out_json(run_cli(recorded_server, tmp_path, "album", "--barcode", "602475093060", "--json", **api_env(recorded_server)))
    (album,) = out["albums"]  # type: ignore[misc]
    assert (album["title"], album["upc"]) == ("Die With A Smile", "00602475093060")


@pytest.mark.parametrize("retry_after, retries, code", [("0.2", "2", 0), (None, "0", 1)])
def test_api_search_429_is_waited_out_or_reported(recorded_server: RecordedServer, tmp_path: Path,
                                                  retry_after: str | None, retries: str, code: int) -> None:
    recorded_server.add("/api/token", token_answer())
    headers = {"Retry-After": retry_after} if retry_after else {}
    recorded_server.add("/v1/search", Answer(b"", status=429, headers=headers),
                        Answer(recorded("spotify/beets_search_track_happy_despicable_me2.json")))
    proc = run_cli(recorded_server, tmp_path, "track", "--artist", "Pharrell Williams", "--title", "Happy", "--json",
                   **api_env(recorded_server, TAGBRIDGE_RATE_LIMIT_RETRIES=retries))
    out = out_json(proc, code)
    if code == 0:
        assert out["tracks"], "after the wait the search answered"
    else:
        assert out["tracks"] == [] and "rate limited" in str(out["error"]), "a 429 is never 'no result'"


def test_api_bad_credentials_are_reported_without_the_secret(recorded_server: RecordedServer, tmp_path: Path) -> None:
    recorded_server.add("/api/token", Answer(recorded("spotify/swaj_token_error_400_invalid_client.json"), status=400))
    proc = run_cli(recorded_server, tmp_path, "-vv", "album", "--spotify-id", OUTRUN, "--json", **api_env(recorded_server))
    out = out_json(proc, 1)
    assert "invalid_client" in str(out["error"])
    import base64

    encoded = base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()
    for text in (proc.stdout, proc.stderr):
        assert SECRET not in text and encoded not in text, "the client secret never appears in output or logs"


def test_api_without_credentials_is_a_configuration_error(recorded_server: RecordedServer, tmp_path: Path) -> None:
    env = api_env(recorded_server)
    env.pop("TAGBRIDGE_SPOTIFY_CLIENT_SECRET")
    proc = run_cli(recorded_server, tmp_path, "album", "--spotify-id", OUTRUN, **env)
    assert proc.returncode == 2 and "TAGBRIDGE_SPOTIFY_CLIENT_SECRET" in proc.stderr


@pytest.mark.parametrize("body, needle", [
    (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "HTML"),
    (b'{"album_type": "album", "name": "Die With', "truncated"),
])
def test_api_bad_bodies_are_a_per_source_error(recorded_server: RecordedServer, tmp_path: Path, body: bytes,
                                               needle: str) -> None:
    recorded_server.add("/api/token", token_answer())
    recorded_server.add("/v1/albums/10FLjwfpbxLmW8c25Xyc2N", Answer(body))
    proc = run_cli(recorded_server, tmp_path, "album", "--spotify-id", "10FLjwfpbxLmW8c25Xyc2N", **api_env(recorded_server))
    assert proc.returncode == 1 and needle.lower() in proc.stderr.lower() and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args, needle", [
    (["album", "--spotify-id", "not-an-id"], "Spotify"),
    (["album", "--spotify-id", f"https://open.spotify.com/track/{NIGHTCALL_TRACK}"], "track"),
    (["track", "--isrc", "12"], "ISRC"),
    (["album", "--artist", "Kavinsky"], "--album"),
    (["album", "--barcode", "12ab"], "barcode"),
])
def test_malformed_ids_are_usage_errors(recorded_server: RecordedServer, tmp_path: Path, args: list[str], needle: str) -> None:
    proc = run_cli(recorded_server, tmp_path, *args, **api_env(recorded_server))
    assert proc.returncode == 2 and needle in proc.stderr and "Traceback" not in proc.stderr
    assert recorded_server.log == [], "nothing is asked of the service for a malformed id"


def test_art_with_spotify_joins_the_shared_ranking(spec_clone: SpecClone, recorded_server: RecordedServer,
                                                  tmp_path: Path) -> None:
    recorded_server.add("/search", Answer(recorded("itunes/catalogmigrator_search_album_no_results.json")))
    out = out_json(run_cli(recorded_server, tmp_path, "art", "--artist", "Kavinsky", "--album", "OutRun",
                           "--sources", "itunes,spotify", "--json", **clone_env(spec_clone.url)))
    cands = out["candidates"]
    assert cands and all(c["source"] == "spotify" and c["id"] == OUTRUN for c in cands)  # type: ignore[union-attr]
    assert cands[0]["width"] == 640, "Spotify states its image sizes"  # type: ignore[index]
    reports = {r["source"]: r for r in out["sources"]}  # type: ignore[union-attr]
    assert reports["itunes"]["ok"] and reports["spotify"]["ok"]


def test_help_describes_album_and_track() -> None:
    import shutil
    import sys

    exe = shutil.which("tagbridge")
    cmd = [exe] if exe else [sys.executable, "-m", "tagbridge"]
    env = dict(os.environ)
    for command, flags in (("album", ("--spotify-id", "--barcode", "--backend", "clone")),
                           ("track", ("--isrc", "--spotify-id", "--title"))):
        text = subprocess.run([*cmd, command, "--help"], capture_output=True, text=True, check=True, env=env).stdout
        assert all(f in text for f in flags)


def test_album_explain_says_why_every_candidate_was_passed_over(recorded_server: RecordedServer,
                                                                 tmp_path: Path) -> None:
    recorded_server.add("/api/token", token_answer())
    recorded_server.add("/v1/search", Answer(mirrored("spotify/spotdl_search_album_yeezus_limit10_next.json",
                                                      recorded_server)))
    proc = run_cli(recorded_server, tmp_path, "album", "--artist", "Kanye West", "--album", "My Beautiful Dark "
                   "Twisted Fantasy", "--explain", **api_env(recorded_server, TAGBRIDGE_SPOTIFY_RATE="1000/1"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("nothing matched well enough:")
    assert "passed over: Kanye West – Yeezus (spotify:album:7D2NdGvBHIavgLhmcwhluK)" in proc.stdout


def test_a_search_hit_whose_album_lookup_is_404_is_reported_as_such(recorded_server: RecordedServer,
                                                                      tmp_path: Path) -> None:
    recorded_server.add("/api/token", token_answer())
    recorded_server.add("/v1/search", Answer(mirrored("spotify/spotdl_search_album_yeezus_limit10_next.json",
                                                      recorded_server)))
    recorded_server.add("/v1/albums", Answer(b'{"error": {"status": 403, "message": "Forbidden"}}', status=403))
    recorded_server.add("/v1/albums/7D2NdGvBHIavgLhmcwhluK",
                        Answer(recorded("spotify/zmb3_inline_error_404_non_existing_id.json"), status=404))
    proc = run_cli(recorded_server, tmp_path, "album", "--artist", "Kanye West", "--album", "Yeezus", "--explain",
                   "--json", **api_env(recorded_server))
    out = out_json(proc)
    assert out["albums"] == []
    [passed] = [p for p in out["rejected"] if p["id"] == "7D2NdGvBHIavgLhmcwhluK"]  # type: ignore[union-attr]
    assert any("album lookup answered" in r and "404" in r for r in passed["reasons"]), passed
