"""The Spotify session: the client-credentials token flow, 401 refresh, clone route detection,
and the client secret staying out of every message, repr and log line.

Recorded bodies (``../shared/data/recorded/spotify/``) are served by the replay driver; time is a
fake clock handed to the session.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from dataclasses import replace

import pytest
from shared_paths import recorded

from tagbridge.core.config import Settings
from tagbridge.core.errors import BadResponse, ConfigError, RateLimited, ResponseError, SourceError, Unavailable
from tagbridge.core.http import HttpRequest
from tagbridge.drivers.replay import Canned, ReplayDriver
from tagbridge.sources.spotify import (
    SpotifySession,
    SpotifyToken,
    album_by_id,
    build_token_request,
    track_by_id,
)

SECRET = "s3cr3t-never-printed-7f1d0c"
CLIENT_ID = "tagbridge-test-client"
BASIC = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
API = Settings(spotify_client_id=CLIENT_ID, spotify_client_secret=SECRET)
ALBUM_ID = "10FLjwfpbxLmW8c25Xyc2N"
ALBUM = f"/v1/albums/{ALBUM_ID}"
TOKEN = "/api/token"
ACCESS = "BQAh_5C4JzOMLuF0W-UVTtaOhZaX0bjgJ5B8giFun_i7AJRKTpZ-VB1mFd3hWLLWRsZNihc_fG1xUlnW9sLBjQ"
NOW = 1_700_000_000.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def canned(name: str, status: int = 200) -> Canned:
    return Canned(recorded(f"spotify/{name}"), status=status)


def token_ok() -> Canned:
    return canned("swaj_token_client_credentials_200.json")


def album_ok() -> Canned:
    return canned("harmony_album_10FLjwfpbxLmW8c25Xyc2N.json")


def expired_401() -> Canned:
    return canned("zmb3_inline_error_401_access_token_expired.json", 401)


def token_posts(driver: ReplayDriver) -> list[HttpRequest]:
    return [r for r in driver.requests if r.method == "POST"]


# --- the token flow -------------------------------------------------------------------------


def test_first_request_fetches_a_token_with_basic_auth_and_sends_it_as_bearer() -> None:
    driver = ReplayDriver([(TOKEN, token_ok()), (ALBUM, album_ok())])
    session = SpotifySession(API, clock=Clock())
    record = driver.run(album_by_id(session, ALBUM_ID))
    assert record is not None and record.title == "Die With A Smile"
    post, get = driver.requests
    assert (post.method, post.url) == ("POST", "https://accounts.spotify.com/api/token")
    assert post.body == b"grant_type=client_credentials" and post.cacheable is False, "a token is never cached"
    assert dict(post.headers) == {"Authorization": f"Basic {BASIC}",
                                  "Content-Type": "application/x-www-form-urlencoded"}
    assert dict(get.headers)["Authorization"] == f"Bearer {ACCESS}"
    assert session.token is not None and session.token.expires_at == NOW + 3600
    assert session.token_changed, "a new token must be reported so the caller can cache it"


def test_a_cached_token_is_used_without_asking_for_another() -> None:
    driver = ReplayDriver([(ALBUM, album_ok())])
    cached = SpotifyToken(access_token="cached-token", expires_at=NOW + 1000)
    session = SpotifySession(API, clock=Clock(), token=cached)
    driver.run(album_by_id(session, ALBUM_ID))
    assert token_posts(driver) == [] and dict(driver.requests[0].headers)["Authorization"] == "Bearer cached-token"
    assert not session.token_changed


def test_token_is_reused_until_a_minute_before_expiry_then_fetched_again() -> None:
    driver = ReplayDriver([(TOKEN, token_ok()), (ALBUM, album_ok())])
    clock = Clock()
    session = SpotifySession(API, clock=clock)
    driver.run(album_by_id(session, ALBUM_ID))
    clock.now = NOW + 3600 - 61
    driver.run(album_by_id(session, ALBUM_ID))
    assert len(token_posts(driver)) == 1, "a token with more than 60 s left is reused"
    clock.now = NOW + 3600 - 59
    driver.run(album_by_id(session, ALBUM_ID))
    assert len(token_posts(driver)) == 2, "a token within 60 s of expiry is replaced before use"
    assert session.token is not None and session.token.expires_at == clock.now + 3600


def test_401_mid_run_refreshes_the_token_once_and_retries() -> None:
    driver = ReplayDriver([(TOKEN, token_ok()), (ALBUM, [expired_401(), album_ok()])])
    session = SpotifySession(API, clock=Clock(), token=SpotifyToken(access_token="stale", expires_at=NOW + 3000))
    record = driver.run(album_by_id(session, ALBUM_ID))
    assert record is not None
    assert [r.method for r in driver.requests] == ["GET", "POST", "GET"]
    assert dict(driver.requests[2].headers)["Authorization"] == f"Bearer {ACCESS}"
    assert session.token_changed


def test_a_second_401_after_a_fresh_token_is_an_error() -> None:
    driver = ReplayDriver([(TOKEN, token_ok()), (ALBUM, expired_401())])
    session = SpotifySession(API, clock=Clock())
    with pytest.raises(ResponseError, match="refused a freshly issued access token") as caught:
        driver.run(album_by_id(session, ALBUM_ID))
    assert caught.value.status == 401
    assert len(token_posts(driver)) == 2, "one refresh only, then give up"


def test_invalid_client_is_a_clear_source_error() -> None:
    driver = ReplayDriver([(TOKEN, canned("swaj_token_error_400_invalid_client.json", 400))])
    with pytest.raises(SourceError, match=r"Spotify rejected the client credentials \(invalid_client\)"):
        driver.run(album_by_id(SpotifySession(API, clock=Clock()), ALBUM_ID))
    assert len(driver.requests) == 1, "no API request is made without a token"


def test_missing_credentials_are_a_config_error_at_first_use_not_at_construction() -> None:
    session = SpotifySession(Settings(), clock=Clock())
    driver = ReplayDriver([])
    with pytest.raises(ConfigError, match="TAGBRIDGE_SPOTIFY_CLIENT_ID/_SECRET, or spotify.client_id/client_secret in beets"):
        driver.run(album_by_id(session, ALBUM_ID))
    assert driver.requests == []


def test_token_round_trips_through_json_and_hides_itself_in_repr() -> None:
    token = SpotifyToken(access_token=ACCESS, expires_at=NOW + 3600)
    assert SpotifyToken.from_json(token.to_json()) == token
    assert ACCESS not in repr(token)
    junks: list[object] = [None, [], {"access_token": ""}, {"access_token": "x", "expires_at": "soon"},
                           {"access_token": "x", "expires_at": True}]
    for junk in junks:
        assert SpotifyToken.from_json(junk) is None, f"{junk!r} is not a token"


def test_token_request_is_built_with_the_secret_in_the_basic_header_only() -> None:
    request = build_token_request("https://accounts.spotify.com/api/token", CLIENT_ID, SECRET)
    assert SECRET not in request.full_url and SECRET.encode() not in (request.body or b"")
    assert SECRET not in repr(request), "the secret is only ever base64 inside the Basic header"


# --- the secret never leaks -----------------------------------------------------------------

FAILURES = {
    "invalid_client": [(TOKEN, canned("swaj_token_error_400_invalid_client.json", 400))],
    "invalid_grant": [(TOKEN, canned("swaj_token_error_400_invalid_grant_refresh_revoked.json", 400))],
    "token_401": [(TOKEN, Canned(b'{"error":"invalid_client"}', status=401))],
    "token_html": [(TOKEN, Canned(b"<!DOCTYPE html><html><body>Oops</body></html>"))],
    "token_truncated": [(TOKEN, Canned(b'{"access_token": "BQAh_5C4Jz'))],
    "token_shape": [(TOKEN, Canned(b'{"token_type": "Bearer"}'))],
    "token_429": [(TOKEN, Canned(b"", status=429, headers={"Retry-After": "30"}))],
    "token_500": [(TOKEN, Canned(b"oops", status=500))],
    "token_timeout": [(TOKEN, Canned(status=0))],
    "second_401": [(TOKEN, token_ok()), (ALBUM, expired_401())],
    "api_403": [(TOKEN, token_ok()), (ALBUM, canned("swaj_error_403_modern_status_message.json", 403))],
    "api_html": [(TOKEN, token_ok()), (ALBUM, Canned(b"<html>502 Bad Gateway</html>"))],
}


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG):
        yield caplog


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_the_client_secret_never_appears_in_errors_reprs_or_logs(case: str, debug_logs: pytest.LogCaptureFixture) -> None:
    driver = ReplayDriver(list(FAILURES[case]))
    session = SpotifySession(API, clock=Clock())
    with pytest.raises((SourceError, ConfigError)) as caught:
        driver.run(album_by_id(session, ALBUM_ID))
    seen = " ".join([str(caught.value), repr(caught.value), repr(session), repr(API), debug_logs.text,
                     repr(caught.value.__cause__), repr(caught.value.__context__)])
    for secret in (SECRET, BASIC):
        assert secret not in seen, f"{case}: the client secret leaked"


def test_failures_have_the_right_kinds() -> None:
    kinds = {"invalid_client": SourceError, "token_html": BadResponse, "token_truncated": BadResponse,
             "token_shape": BadResponse, "token_429": RateLimited, "token_500": Unavailable,
             "token_timeout": Unavailable, "api_403": ResponseError, "api_html": BadResponse}
    for case, kind in kinds.items():
        with pytest.raises(kind):
            ReplayDriver(list(FAILURES[case])).run(album_by_id(SpotifySession(API, clock=Clock()), ALBUM_ID))


def test_forbidden_answer_carries_spotifys_message() -> None:
    driver = ReplayDriver(list(FAILURES["api_403"]))
    with pytest.raises(ResponseError, match="HTTP 403: You cannot create a playlist for another user"):
        driver.run(album_by_id(SpotifySession(API, clock=Clock()), ALBUM_ID))


# --- clones: auth and routes ----------------------------------------------------------------

CLONE = Settings(spotify_backend="clone", spotify_token_url=None, spotify_api_url="http://127.0.0.1:8000")
NOT_FOUND_DETAIL = Canned(b'{"detail":"Not Found"}', status=404)


def test_a_clone_without_a_token_url_gets_no_token_and_no_credentials_are_needed() -> None:
    driver = ReplayDriver([(ALBUM, album_ok())])
    session = SpotifySession(replace(CLONE, spotify_api_url="http://127.0.0.1:8000/v1"), clock=Clock())
    assert driver.run(album_by_id(session, ALBUM_ID)) is not None
    assert [dict(r.headers).get("Authorization") for r in driver.requests] == [None]


def test_a_clone_with_a_token_url_uses_it() -> None:
    settings = replace(CLONE, spotify_api_url="http://127.0.0.1:8000/v1", spotify_token_url="http://127.0.0.1:8000/api/token",
                       spotify_client_id=CLIENT_ID, spotify_client_secret=SECRET)
    driver = ReplayDriver([(TOKEN, token_ok()), (ALBUM, album_ok())])
    driver.run(album_by_id(SpotifySession(settings, clock=Clock()), ALBUM_ID))
    assert [r.method for r in driver.requests] == ["POST", "GET"]


def test_base_url_ending_in_v1_is_the_spec_dialect_without_probing() -> None:
    session = SpotifySession(replace(CLONE, spotify_api_url="http://127.0.0.1:8000/v1/"), clock=Clock())
    assert (session.dialect, session.prefix) == ("spec", "")


def test_clone_routes_are_tried_under_v1_first_and_at_the_root_after_a_framework_404() -> None:
    driver = ReplayDriver([(ALBUM, NOT_FOUND_DETAIL), (f"/albums/{ALBUM_ID}", album_ok()),
                           ("/tracks", canned("harmony_tracks_ids_2plbrEY59IikOBgBGLjaoe.json"))])
    session = SpotifySession(CLONE, clock=Clock())
    assert (session.dialect, session.prefix) == (None, None)
    record = driver.run(album_by_id(session, ALBUM_ID))
    assert record is not None and record.id == ALBUM_ID
    assert [r.url for r in driver.requests] == [f"http://127.0.0.1:8000{ALBUM}", f"http://127.0.0.1:8000/albums/{ALBUM_ID}"]
    assert (session.dialect, session.prefix) == ("seed", ""), "a root-served clone is taken for the seed clone"
    track = driver.run(track_by_id(session, "2plbrEY59IikOBgBGLjaoe"))
    assert track is not None and track.isrc == "USUM72409273"
    assert driver.requests[-1].full_url == "http://127.0.0.1:8000/tracks?ids=2plbrEY59IikOBgBGLjaoe", \
        "once the routes are known, no /v1 probe, and the seed form of the request"


def test_an_html_404_at_v1_also_falls_back_to_the_root() -> None:
    driver = ReplayDriver([(ALBUM, Canned(b"<html><body>404 Not Found</body></html>", status=404)),
                           (f"/albums/{ALBUM_ID}", album_ok())])
    session = SpotifySession(CLONE, clock=Clock())
    assert driver.run(album_by_id(session, ALBUM_ID)) is not None and session.prefix == ""


def test_a_spotify_404_at_v1_means_the_routes_are_there_and_the_album_is_not() -> None:
    driver = ReplayDriver([(ALBUM, canned("zmb3_inline_error_404_non_existing_id.json", 404))])
    session = SpotifySession(CLONE, clock=Clock())
    assert driver.run(album_by_id(session, ALBUM_ID)) is None
    assert len(driver.requests) == 1 and (session.dialect, session.prefix) == ("spec", "/v1")


def test_a_stated_spec_dialect_keeps_spec_forms_at_the_root() -> None:
    driver = ReplayDriver([("/v1/tracks/2plbrEY59IikOBgBGLjaoe", NOT_FOUND_DETAIL),
                           ("/tracks/2plbrEY59IikOBgBGLjaoe", canned("spotdl_track_2QTDuJIGKUjR7E2Q6KupIh.json"))])
    session = SpotifySession(replace(CLONE, spotify_dialect="spec"), clock=Clock())
    assert driver.run(track_by_id(session, "2plbrEY59IikOBgBGLjaoe")) is not None
    assert (session.dialect, session.prefix) == ("spec", "")


def test_session_repr_shows_state_but_no_secrets() -> None:
    session = SpotifySession(API, clock=Clock(), token=SpotifyToken(access_token=ACCESS, expires_at=NOW))
    text = repr(session)
    assert "dialect='spec'" in text and ACCESS not in text and SECRET not in text


def test_unknown_backend_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="backend"):
        SpotifySession(replace(API, spotify_backend="ftp"), clock=Clock())
