"""The sync driver against a real HTTP server on 127.0.0.1 (pytest-httpserver, threaded).

Waits go through ``DriverOptions.sleep``; tests pass a recorder instead of patching anything.
The server is shared by the module, so each test uses its own paths and counts hits by path.
Time limits, the cache's faults, rate limits and secrets have their own modules beside this one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from driver_helpers import SleepRecorder, closed_port
from tagbridge.core.config import RateLimit
from tagbridge.core.errors import BadResponse, RateLimited, Unavailable
from tagbridge.core.http import HttpRequest, HttpResponse, check_status, parse_json
from tagbridge.drivers.sync import DEFAULT_USER_AGENT, DriverOptions, SyncDriver, default_cache_dir


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture
def http(server: HTTPServer) -> HTTPServer:
    server.clear()
    return server


def hits(server: HTTPServer, path: str) -> list[Request]:
    return [req for req, _ in server.log if req.path == path]


def get(server: HTTPServer, path: str, **kwargs: Any) -> HttpRequest:
    return HttpRequest(url=server.url_for(path), source="test", **kwargs)


def sleepy(seconds: float, body: bytes = b"late") -> Callable[[Request], Response]:
    def handler(_: Request) -> Response:
        time.sleep(seconds)
        return Response(body)

    return handler


# -- plain requests ------------------------------------------------------------------------------


def test_json_body_round_trips(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/json").respond_with_json({"resultCount": 1, "results": [{"collectionId": 42}]},
                                                   headers={"X-Custom": "yes"})
    request = get(http, "/json")
    response = make_driver().fetch(request)
    assert response.status == 200
    assert parse_json(request, response) == {"resultCount": 1, "results": [{"collectionId": 42}]}
    assert response.header("X-CUSTOM") == "yes" and "x-custom" in response.headers, "headers are lower-cased"
    assert response.from_cache is False


def test_params_with_reserved_and_non_ascii_characters_arrive_intact(
        http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/search").respond_with_data("{}")
    params = (("term", "AC/DC"), ("album", "#wings"), ("artist", "東京事変"), ("q", "a&b=c d+e"))
    make_driver().fetch(get(http, "/search", params=params))
    (seen,) = hits(http, "/search")
    assert list(seen.args.items(multi=True)) == list(params), "every parameter must survive encoding"


def test_sends_user_agent_and_request_headers(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/headers").respond_with_data("ok")
    make_driver().fetch(get(http, "/headers", headers=(("Accept", "application/json"),)))
    (seen,) = hits(http, "/headers")
    assert seen.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert seen.headers["Accept"] == "application/json"


def test_redirect_is_followed_and_final_url_reported(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/old").respond_with_data("", status=307, headers={"Location": http.url_for("/new")})
    http.expect_request("/new").respond_with_data("moved here")
    response = make_driver().fetch(get(http, "/old"))
    assert (response.status, response.body) == (200, b"moved here")
    assert response.url == http.url_for("/new")


def test_run_drives_a_lookup_through_several_requests(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/first").respond_with_json({"next": "/second"})
    http.expect_request("/second").respond_with_json({"value": 7})

    def lookup() -> Generator[HttpRequest, HttpResponse, int]:
        first = get(http, "/first")
        nxt = parse_json(first, (yield first))
        assert isinstance(nxt, dict)
        second = get(http, nxt["next"])
        data = parse_json(second, (yield second))
        assert isinstance(data, dict)
        return int(data["value"])

    assert make_driver().run(lookup()) == 7


def test_transport_failure_is_thrown_into_the_lookup(make_driver: Callable[..., SyncDriver]) -> None:
    url = f"http://127.0.0.1:{closed_port()}/x"

    def lookup() -> Generator[HttpRequest, HttpResponse, str]:
        try:
            yield HttpRequest(url=url, source="test")
        except Unavailable:
            return "recovered"
        return "answered"

    assert make_driver(retries=0).run(lookup()) == "recovered"


def test_concurrent_fetches_from_many_threads_all_succeed(
        http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    for i in range(4):
        http.expect_request(f"/t{i}").respond_with_data(f"body {i}")
    driver = make_driver()
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            results[n] = driver.fetch(get(http, f"/t{n % 4}")).body
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == {n: f"body {n % 4}".encode() for n in range(16)}


# -- retries and transport errors ------------------------------------------------------------------


def test_retries_a_500_then_succeeds(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_oneshot_request("/flaky").respond_with_data("oops", status=500)
    http.expect_request("/flaky").respond_with_data("fine")
    response = make_driver().fetch(get(http, "/flaky"))
    assert (response.status, response.body) == (200, b"fine")
    assert len(hits(http, "/flaky")) == 2


def test_exhausted_503_is_returned_and_check_status_raises_unavailable(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    http.expect_request("/down").respond_with_data("maintenance", status=503)
    request = get(http, "/down")
    response = make_driver(retries=2).fetch(request)
    assert response.status == 503
    assert len(hits(http, "/down")) == 3, "one try and two retries"
    assert sleeps.waits and all(w > 0 for w in sleeps.waits), "backoff goes through the injected sleep"
    with pytest.raises(Unavailable, match="HTTP 503"):
        check_status(request, response)


def test_500_is_not_retried_when_the_request_says_it_is_an_answer(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    http.expect_request("/unknown-id").respond_with_data("Internal Server Error", status=500)
    http.expect_request("/outage").respond_with_data("Internal Server Error", status=500)
    driver = make_driver(retries=2)
    answer = driver.fetch(get(http, "/unknown-id", retry_5xx=False))
    assert answer.status == 500
    assert len(hits(http, "/unknown-id")) == 1, "a 5xx the request calls an answer is fetched once"
    assert sleeps.waits == [], "and never waited on"
    driver.fetch(get(http, "/outage"))
    assert len(hits(http, "/outage")) == 3, "other requests on the same driver and thread still retry 5xx"


def test_503_retry_after_is_honoured_through_injected_sleep(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    http.expect_oneshot_request("/busy").respond_with_data("", status=503, headers={"Retry-After": "2"})
    http.expect_request("/busy").respond_with_data("ok")
    assert make_driver().fetch(get(http, "/busy")).status == 200
    assert sleeps.waits == [2.0]


def test_refused_connection_is_unavailable(make_driver: Callable[..., SyncDriver]) -> None:
    port = closed_port()
    with pytest.raises(Unavailable, match=f"cannot connect to 127.0.0.1:{port}") as info:
        make_driver(retries=1).fetch(HttpRequest(url=f"http://127.0.0.1:{port}/x", source="itunes"))
    assert info.value.source == "itunes"


def test_read_timeout_is_unavailable(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/slow").respond_with_handler(sleepy(1.0))
    with pytest.raises(Unavailable, match=r"timed out after 0\.\d s talking to 127\.0\.0\.1:\d+ \(no answer\)"):
        make_driver(retries=0, timeout=0.3).fetch(get(http, "/slow"))


def test_secret_in_query_never_reaches_errors_or_logs(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], caplog: pytest.LogCaptureFixture) -> None:
    http.expect_request("/token-slow").respond_with_handler(sleepy(1.0))
    http.expect_request("/token-ok").respond_with_data("{}")
    caplog.set_level(logging.DEBUG)  # everything, urllib3's own debug lines too
    params = (("client_secret", "XYZ"), ("term", "visible"))
    driver = make_driver(retries=1, timeout=0.3)
    driver.fetch(get(http, "/token-ok", params=params))
    with pytest.raises(Unavailable, match="timed out") as info:
        driver.fetch(get(http, "/token-slow", params=params))
    assert "XYZ" not in str(info.value)
    # The test server's own access log (werkzeug) is not ours to police, and may land late.
    client_lines = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert any(r.name == "tagbridge" for r in caplog.records), "the driver logs its requests"
    assert any(r.name.startswith("urllib3") and "/token-ok?" in r.getMessage() for r in caplog.records), \
        "urllib3 logs the request line with its query, so this test covers its redaction"
    assert not [line for line in client_lines if "XYZ" in line], "no log line may carry the secret"
    assert any("term=visible" in line for line in client_lines), "only the secret is redacted"


# -- rate-limit answers ------------------------------------------------------------------------------


def test_429_with_short_retry_after_is_waited_out(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    http.expect_oneshot_request("/limited").respond_with_data("", status=429, headers={"Retry-After": "1"})
    http.expect_request("/limited").respond_with_data("ok")
    response = make_driver().fetch(get(http, "/limited"))
    assert response.status == 200
    assert sleeps.waits == [1.0]


def test_429_with_retry_after_past_the_maximum_is_returned_without_waiting(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    http.expect_request("/long").respond_with_data("", status=429, headers={"Retry-After": "120"})
    request = get(http, "/long")
    response = make_driver(max_rate_limit_wait=60.0).fetch(request)
    assert response.status == 429
    assert sleeps.waits == [] and len(hits(http, "/long")) == 1
    with pytest.raises(RateLimited) as info:
        check_status(request, response)
    assert info.value.retry_after == 120.0


def test_429_is_handed_back_after_the_allowed_retries(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    http.expect_request("/always").respond_with_data("", status=429, headers={"Retry-After": "1"})
    response = make_driver(max_rate_limit_retries=2).fetch(get(http, "/always"))
    assert response.status == 429
    assert sleeps.waits == [1.0, 1.0] and len(hits(http, "/always")) == 3


def test_empty_403_is_waited_out_when_the_source_says_it_means_rate_limited(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    http.expect_oneshot_request("/itunes").respond_with_data(b"", status=403)
    http.expect_request("/itunes").respond_with_data("{}")
    response = make_driver().fetch(get(http, "/itunes", empty_403_is_rate_limit=True))
    assert response.status == 200
    assert len(sleeps.waits) == 1 and len(hits(http, "/itunes")) == 2


def test_non_empty_403_is_not_retried(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    http.expect_request("/denied").respond_with_data("Forbidden: bad storefront", status=403)
    response = make_driver().fetch(get(http, "/denied", empty_403_is_rate_limit=True))
    assert response.status == 403
    assert sleeps.waits == [] and len(hits(http, "/denied")) == 1


# -- cache -----------------------------------------------------------------------------------------


def test_second_identical_get_is_served_from_cache(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/cached").respond_with_json({"n": 1})
    driver = make_driver()
    request = get(http, "/cached", params=(("term", "東京事変"),))
    first, second = driver.fetch(request), driver.fetch(request)
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.body == first.body and second.status == 200
    assert second.header("content-type") == "application/json"
    assert len(hits(http, "/cached")) == 1


def test_cache_persists_across_drivers_and_ignores_user_agent(
        http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/shared").respond_with_data('{"n": "once"}')
    make_driver(user_agent="first/1.0").fetch(get(http, "/shared"))
    response = make_driver(user_agent="second/2.0").fetch(get(http, "/shared"))
    assert response.from_cache and response.body == b'{"n": "once"}'
    assert len(hits(http, "/shared")) == 1


def test_cache_write_false_reads_but_never_writes(
        http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/read-only").respond_with_data("{}")
    reader = make_driver(cache_write=False)
    assert [reader.fetch(get(http, "/read-only")).from_cache for _ in range(2)] == [False, False]
    make_driver().fetch(get(http, "/read-only"))  # a writing driver fills the entry
    assert reader.fetch(get(http, "/read-only")).from_cache, "cache_write=False still reads"
    assert len(hits(http, "/read-only")) == 3


def test_uncacheable_request_bypasses_the_cache(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/live").respond_with_data("x")
    driver = make_driver()
    request = get(http, "/live", cacheable=False)
    assert [driver.fetch(request).from_cache for _ in range(2)] == [False, False]
    assert len(hits(http, "/live")) == 2


def test_rate_limit_answer_is_never_cached(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_oneshot_request("/rl").respond_with_data("", status=429, headers={"Retry-After": "1"})
    http.expect_oneshot_request("/rl").respond_with_data(b"", status=403)
    http.expect_request("/rl").respond_with_data('{"real": "answer"}')
    driver = make_driver(max_rate_limit_retries=0)
    request = get(http, "/rl", empty_403_is_rate_limit=True)
    assert driver.fetch(request).status == 429
    assert driver.fetch(request).status == 403, "the 429 must not have been cached"
    second = driver.fetch(request)
    assert (second.status, second.body, second.from_cache) == (200, b'{"real": "answer"}', False)
    assert driver.fetch(request).from_cache, "the 200 is cached"
    assert len(hits(http, "/rl")) == 3


def test_server_error_is_never_cached(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_oneshot_request("/err").respond_with_data("boom", status=500)
    http.expect_request("/err").respond_with_data("ok")
    driver = make_driver(retries=0)
    assert driver.fetch(get(http, "/err")).status == 500
    response = driver.fetch(get(http, "/err"))
    assert (response.status, response.from_cache) == (200, False)
    assert len(hits(http, "/err")) == 2


def test_no_cache_path_means_no_cache(http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/nopath").respond_with_data("x")
    driver = make_driver(cache_path=None)
    assert [driver.fetch(get(http, "/nopath")).from_cache for _ in range(2)] == [False, False]


def test_cache_hit_spends_no_rate_limit_slot(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    http.expect_request("/slot").respond_with_data("{}")
    driver = make_driver(rates={"test": RateLimit(1, 60)})
    driver.fetch(get(http, "/slot"))
    assert driver.fetch(get(http, "/slot")).from_cache
    assert sleeps.waits == [], "a cached answer must not wait for the limiter"


# -- body size -------------------------------------------------------------------------------------


def test_body_over_the_cap_is_bad_response_and_not_cached(
        http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/big").respond_with_data(b"x" * 5000)
    driver = make_driver(max_body_bytes=1000)
    for _ in range(2):
        with pytest.raises(BadResponse, match="body larger than 1000 bytes"):
            driver.fetch(get(http, "/big"))
    assert len(hits(http, "/big")) == 2


def test_streamed_body_without_length_over_the_cap_is_bad_response(
        http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    def stream(_: Request) -> Response:
        return Response((b"y" * 1000 for _ in range(10)), direct_passthrough=True)

    http.expect_request("/stream").respond_with_handler(stream)
    with pytest.raises(BadResponse, match="body larger than 4000 bytes"):
        make_driver(max_body_bytes=4000).fetch(get(http, "/stream"))


def test_max_bytes_sends_range_and_caps_body_when_server_ignores_it(
        http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/image.jpg").respond_with_data(bytes(range(256)) * 40, content_type="image/jpeg")
    driver = make_driver()
    response = driver.fetch(get(http, "/image.jpg", max_bytes=100))
    assert response.body == bytes(range(100))
    assert [r.headers.get("Range") for r in hits(http, "/image.jpg")] == ["bytes=0-99"]
    assert driver.fetch(get(http, "/image.jpg", max_bytes=100)).from_cache is False, "partial bodies are not cached"


# -- request rate limits ---------------------------------------------------------------------------


def test_persistent_rate_limit_is_shared_between_drivers(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], tmp_path: Path) -> None:
    http.expect_request("/rate").respond_with_data("x")
    recorder = SleepRecorder(real=True)
    opts: dict[str, Any] = {"rates": {"test": RateLimit(2, 1)}, "ratelimit_path": tmp_path / "rl.sqlite",
                            "sleep": recorder, "cache_path": None}
    first, second = make_driver(**opts), make_driver(**opts)
    started = time.monotonic()
    first.fetch(get(http, "/rate"))
    first.fetch(get(http, "/rate"))
    assert recorder.waits == [], "two calls fit in 2/1 s"
    second.fetch(get(http, "/rate"))
    assert sum(recorder.waits) >= 0.3, "the second driver must see the first one's calls"
    assert time.monotonic() - started >= 0.3


def test_persistent_rate_limit_holds_under_concurrent_drivers(
        http: HTTPServer, make_driver: Callable[..., SyncDriver], tmp_path: Path) -> None:
    # Separate drivers hold separate SQLite connections, as separate processes would.
    arrivals: list[float] = []

    def record(_: Request) -> Response:
        arrivals.append(time.monotonic())
        return Response("x")

    http.expect_request("/burst").respond_with_handler(record)
    opts: dict[str, Any] = {"rates": {"test": RateLimit(2, 0.5)}, "ratelimit_path": tmp_path / "rl.sqlite",
                            "sleep": SleepRecorder(real=True), "cache_path": None}
    drivers = [make_driver(**opts) for _ in range(3)]
    threads = [threading.Thread(target=lambda d=d: [d.fetch(get(http, "/burst")) for _ in range(2)])
               for d in drivers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    arrivals.sort()
    assert len(arrivals) == 6
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[2:])]
    assert min(gaps) >= 0.4, f"no three requests may fall within 0.5 s: {gaps}"


def test_in_memory_rate_limit_makes_excess_call_wait(
        http: HTTPServer, make_driver: Callable[..., SyncDriver]) -> None:
    http.expect_request("/mem").respond_with_data("x")
    recorder = SleepRecorder(real=True)
    driver = make_driver(rates={"test": RateLimit(1, 0.5)}, sleep=recorder, cache_path=None)
    driver.fetch(get(http, "/mem"))
    driver.fetch(get(http, "/mem"))
    assert sum(recorder.waits) >= 0.2


def test_services_without_a_rate_are_not_limited(http: HTTPServer, make_driver: Callable[..., SyncDriver],
                                                 sleeps: SleepRecorder) -> None:
    http.expect_request("/free").respond_with_data("x")
    driver = make_driver(rates={"itunes": RateLimit(1, 60)}, cache_path=None)
    for _ in range(3):
        driver.fetch(get(http, "/free"))
    assert sleeps.waits == []


# -- defaults --------------------------------------------------------------------------------------


def test_default_cache_dir_honours_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TAGBRIDGE_CACHE_DIR", str(tmp_path / "cache"))
    assert default_cache_dir() == tmp_path / "cache"
    opts = DriverOptions.with_default_paths(retries=1)
    assert opts.cache_path is not None and opts.cache_path.parent == tmp_path / "cache"
    assert opts.ratelimit_path is not None and opts.ratelimit_path.parent == tmp_path / "cache"
    assert opts.retries == 1
    monkeypatch.delenv("TAGBRIDGE_CACHE_DIR")
    assert default_cache_dir().name == "tagbridge"


def test_default_cache_dir_reads_a_given_mapping_instead_of_the_environment(tmp_path: Path) -> None:
    env = {"TAGBRIDGE_CACHE_DIR": str(tmp_path / "elsewhere")}
    assert default_cache_dir(env) == tmp_path / "elsewhere"
    assert default_cache_dir({}).name == "tagbridge"
    opts = DriverOptions.with_default_paths(env)
    assert opts.cache_path == tmp_path / "elsewhere" / "http-cache.sqlite"


def test_default_options_touch_no_disk() -> None:
    opts = DriverOptions()
    assert opts.cache_path is None and opts.ratelimit_path is None


def test_a_host_name_that_does_not_resolve_is_not_asked_again() -> None:
    # ".invalid" never resolves (RFC 2606): offline, or a typo in a base URL. Retrying only waits.
    sleeps = SleepRecorder()
    with SyncDriver(DriverOptions(retries=3, sleep=sleeps)) as driver:
        with pytest.raises(Unavailable, match="cannot connect to no-such-host.invalid"):
            driver.fetch(HttpRequest(url="http://no-such-host.invalid/search", source="itunes"))
    assert sleeps.waits == [], "no backoff for a name that does not resolve"


def test_a_service_that_stopped_answering_is_skipped_by_later_lookups_for_a_while() -> None:
    from tagbridge.core.http import Lookup

    port = closed_port()

    def ask() -> Lookup[HttpResponse]:
        return (yield HttpRequest(url=f"http://127.0.0.1:{port}/search", source="itunes"))

    sleeps = SleepRecorder()
    with SyncDriver(DriverOptions(retries=2, sleep=sleeps, down_for=30)) as driver:
        with pytest.raises(Unavailable, match="cannot connect"):
            driver.run(ask())
        tried = len(sleeps.waits)
        with pytest.raises(Unavailable, match="skipped: .* in an earlier lookup"):
            driver.run(ask())
        assert len(sleeps.waits) == tried, "the second lookup spends no retries on a service that is down"
    with SyncDriver(DriverOptions(retries=0, down_for=0)) as driver:
        for _ in range(2):
            with pytest.raises(Unavailable, match="cannot connect"):
                driver.run(ask())
