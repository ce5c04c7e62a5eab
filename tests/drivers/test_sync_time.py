"""Time limits are wall-clock: per request, per service within a run, and per run.

Real servers on 127.0.0.1 that never answer, drip bytes, or answer 503, with timeouts of about a
second. Upper bounds are generous (a loaded two-core machine must pass); what they rule out is a
timeout paid once per retry, or a drip that is never cut off.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Generator, Sequence

import pytest

from driver_helpers import SleepRecorder, closed_port
from local_servers import (
    LocalServer,
    broken_gzip,
    drip,
    drip_head,
    gzipped,
    late,
    ok,
    redirect_to_itself,
    silent,
)
from tagbridge.core.config import RateLimit
from tagbridge.core.errors import BadResponse, SourceError, Unavailable
from tagbridge.core.http import HttpRequest, HttpResponse
from tagbridge.drivers.sync import SyncDriver

Outcome = int | SourceError


def req(server: LocalServer, path: str, source: str = "caa", **kwargs: object) -> HttpRequest:
    return HttpRequest(url=server.url + path, source=source, cacheable=False, **kwargs)  # type: ignore[arg-type]


def ask_each(requests: Sequence[HttpRequest]) -> Generator[HttpRequest, HttpResponse, list[Outcome]]:
    """A lookup that makes every request in turn and keeps each status or error."""
    outcomes: list[Outcome] = []
    for request in requests:
        try:
            response = yield request
        except SourceError as exc:
            outcomes.append(exc)
        else:
            outcomes.append(response.status)
    return outcomes


def seconds_claimed(error: BaseException) -> float:
    match = re.search(r"timed out after (\d+\.\d) s", str(error))
    assert match, f"a timeout says how long it took: {error}"
    return float(match.group(1))


def timed(action: Callable[[], object]) -> tuple[object, float]:
    started = time.monotonic()
    try:
        result: object = action()
    except SourceError as exc:
        result = exc
    return result, time.monotonic() - started


# -- one request -------------------------------------------------------------------------------------


def test_server_that_never_answers_costs_one_timeout_not_one_per_retry(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/void", silent)
    error, took = timed(lambda: make_driver(timeout=1.0, retries=3).fetch(req(local_server, "/void")))
    assert isinstance(error, Unavailable)
    assert 0.9 <= took < 3.0, f"one 1 s timeout in all, retries included: took {took:.2f} s"
    assert re.fullmatch(rf"caa: timed out after 1\.\d s talking to 127\.0\.0\.1:{local_server.port} \(no answer\)",
                        str(error)), str(error)
    assert len(local_server.hits("/void")) == 1, "no retry starts once the time is spent"


@pytest.mark.parametrize(("every", "timeout"), [(0.1, 1.0), (1.0, 2.0)], ids=["10-bytes-a-second", "1-byte-a-second"])
def test_dripping_body_is_cut_off_at_the_deadline(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver], every: float, timeout: float) -> None:
    # Each byte arrives well within the socket timeout, so only a wall-clock limit ends this.
    local_server.route("/drip", drip(every=every))
    error, took = timed(lambda: make_driver(timeout=timeout).fetch(req(local_server, "/drip")))
    assert isinstance(error, Unavailable), error
    assert "(the body was still arriving)" in str(error)
    assert timeout - 0.1 <= took < timeout + 2.0, f"cut off at {timeout} s, not later: took {took:.2f} s"
    assert abs(seconds_claimed(error) - took) < 0.5, "the message states the time actually spent"


def test_dripping_headers_are_cut_off_at_the_deadline(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/slow-head", drip_head(every=0.1))
    error, took = timed(lambda: make_driver(timeout=1.0).fetch(req(local_server, "/slow-head")))
    assert isinstance(error, Unavailable) and "(no answer)" in str(error), error
    assert took < 3.0, f"took {took:.2f} s"


def test_timeout_message_counts_retries_and_backoff(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/flaky", ok(b"busy", 503), ok(b"busy", 503), silent)
    driver = make_driver(timeout=1.5, backoff_factor=0.2, sleep=SleepRecorder(real=True))
    error, took = timed(lambda: driver.fetch(req(local_server, "/flaky")))
    assert isinstance(error, Unavailable), error
    assert len(local_server.hits("/flaky")) == 3, "two 503s retried, then the silent attempt"
    assert took < 3.5
    assert abs(seconds_claimed(error) - took) < 0.5, f"the whole {took:.2f} s, not the last attempt's: {error}"


def test_no_retry_or_backoff_starts_that_would_end_past_the_deadline(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/busy", ok(b"busy", 503, Retry_After="0.6"))
    recorder = SleepRecorder(real=True)
    response, took = timed(lambda: make_driver(timeout=1.0, retries=3, sleep=recorder).fetch(req(local_server, "/busy")))
    assert isinstance(response, HttpResponse) and response.status == 503, "the last 503 is handed back"
    assert recorder.waits == [0.6], "the second 0.6 s wait would end past the 1 s deadline"
    assert len(local_server.hits("/busy")) == 2
    assert took < 2.0


def test_rate_limit_waits_are_not_part_of_the_request_timeout(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/limited", late(0.3))
    recorder = SleepRecorder(real=True)
    driver = make_driver(timeout=0.8, rates={"caa": RateLimit(1, 1)}, sleep=recorder)
    statuses = [driver.fetch(req(local_server, "/limited")).status for _ in range(2)]
    assert statuses == [200, 200], "a second's wait for the limiter leaves the 0.8 s timeout whole"
    assert sum(recorder.waits) > 0.3


# -- answers that are not answers ----------------------------------------------------------------------


def test_redirect_loop_is_reported_to_the_lookup_as_bad_response(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/loop", redirect_to_itself)
    (outcome,) = make_driver().run(ask_each([req(local_server, "/loop")]))
    assert isinstance(outcome, BadResponse) and "too many redirects" in str(outcome)


def test_oversized_body_is_reported_to_the_lookup_as_bad_response(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/huge", ok(b"x" * 5000))
    (outcome,) = make_driver(max_body_bytes=1000).run(ask_each([req(local_server, "/huge")]))
    assert isinstance(outcome, BadResponse) and "body larger than 1000 bytes" in str(outcome)


def test_broken_gzip_is_bad_response_and_good_gzip_is_decoded(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/broken", broken_gzip)
    local_server.route("/fine", gzipped(b'{"ok": true}'))
    driver = make_driver()
    broken, fine = driver.run(ask_each([req(local_server, "/broken"), req(local_server, "/fine")]))
    assert isinstance(broken, BadResponse) and "cannot decode the compressed body" in str(broken), broken
    assert fine == 200
    assert driver.fetch(req(local_server, "/fine")).body == b'{"ok": true}'


# -- a run: each service costs at most one timeout ------------------------------------------------------


def test_a_service_that_timed_out_is_skipped_for_the_rest_of_the_run(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/void", silent)
    local_server.route("/other", ok())
    driver = make_driver(timeout=0.5, down_for=0)  # later runs: see test_sync.py's down_for test
    lookup = ask_each([req(local_server, "/void"), req(local_server, "/void", params=(("page", "2"),)),
                       req(local_server, "/other", source="itunes"), req(local_server, "/void")])
    outcomes, took = timed(lambda: driver.run(lookup))
    assert isinstance(outcomes, list)
    first, second, other, third = outcomes
    assert isinstance(first, Unavailable) and "timed out" in str(first)
    for skipped in (second, third):
        assert isinstance(skipped, Unavailable)
        assert re.fullmatch(r"caa: skipped: timed out after 0\.\d s talking to 127\.0\.0\.1:\d+ \(no answer\), "
                            r"\d+\.\d s ago in this lookup", str(skipped)), str(skipped)
    assert other == 200, "other services in the same run are still asked"
    assert len(local_server.hits("/void")) == 1
    assert took < 2.5, f"one timeout for the service, not three: {took:.2f} s"
    driver.run(ask_each([req(local_server, "/void")]))
    assert len(local_server.hits("/void")) == 2, "a new run asks again"


def test_refused_connection_is_remembered_for_the_run(make_driver: Callable[..., SyncDriver]) -> None:
    url = f"http://127.0.0.1:{closed_port()}/x"
    requests = [HttpRequest(url=url, source="spotify"), HttpRequest(url=url + "y", source="spotify")]
    first, second = make_driver(retries=0).run(ask_each(requests))
    assert isinstance(first, Unavailable) and "cannot connect" in str(first)
    assert isinstance(second, Unavailable) and str(second).startswith("spotify: skipped: cannot connect")


def test_http_5xx_is_the_source_to_judge_and_not_remembered(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/err", ok(b"oops", 500))
    outcomes = make_driver(retries=0).run(ask_each([req(local_server, "/err"), req(local_server, "/err")]))
    assert outcomes == [500, 500]
    assert len(local_server.hits("/err")) == 2


def test_fetch_outside_a_run_keeps_no_memory(local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/void", silent)
    driver = make_driver(timeout=0.3)
    for _ in range(2):
        with pytest.raises(Unavailable, match="timed out"):
            driver.fetch(req(local_server, "/void"))
    assert len(local_server.hits("/void")) == 2


# -- a run's deadline ----------------------------------------------------------------------------------


def test_run_deadline_cuts_the_request_short_and_fails_the_rest_at_once(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/void", silent)
    local_server.route("/other", ok())
    driver = make_driver(timeout=5.0, run_deadline=1.0)
    outcomes, took = timed(lambda: driver.run(ask_each([req(local_server, "/void"),
                                                       req(local_server, "/other", source="musicbrainz")])))
    assert isinstance(outcomes, list)
    first, second = outcomes
    assert isinstance(first, Unavailable) and 0.9 <= seconds_claimed(first) < 2.0, "the timeout is cut to the run's"
    assert isinstance(second, Unavailable)
    assert re.fullmatch(r"musicbrainz: gave up: this lookup has run for 1\.\d s, past its 1 s limit", str(second)), \
        str(second)
    assert not local_server.hits("/other"), "nothing is sent past the deadline"
    assert took < 3.0


def test_run_deadline_refuses_a_limiter_wait_that_would_pass_it(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    local_server.route("/mb", ok())
    driver = make_driver(rates={"musicbrainz": RateLimit(1, 10)}, run_deadline=2.0, cache_path=None)
    outcomes, took = timed(lambda: driver.run(ask_each([req(local_server, "/mb", source="musicbrainz")] * 2)))
    assert isinstance(outcomes, list)
    assert outcomes[0] == 200
    assert isinstance(outcomes[1], Unavailable) and "gave up: waiting" in str(outcomes[1]), outcomes[1]
    assert sleeps.waits == [], "the wait is never started"
    assert took < 1.5


def test_run_deadline_hands_back_a_429_it_cannot_wait_out(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver], sleeps: SleepRecorder) -> None:
    local_server.route("/rl", ok(b"", 429, Retry_After="5"))
    driver = make_driver(run_deadline=2.0)
    assert driver.run(ask_each([req(local_server, "/rl")])) == [429]
    assert sleeps.waits == [], "a 5 s wait would end past the 2 s deadline"
    assert driver.fetch(req(local_server, "/rl")).status == 429
    assert sleeps.waits == [5.0, 5.0], "without a run, fetch waits it out as before"


def test_runs_in_parallel_threads_each_get_their_own_deadline_and_memory(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    # As beets' import threads share one driver.
    from concurrent.futures import ThreadPoolExecutor

    local_server.route("/void", silent)
    local_server.route("/drip", drip(every=0.1))
    driver = make_driver(timeout=1.0)
    lookups = [ask_each([req(local_server, path, source=f"s{n}"), req(local_server, path, source=f"s{n}")])
               for n, path in enumerate(["/void", "/drip"] * 3)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(driver.run, lookups))
    took = time.monotonic() - started
    for first, second in results:
        assert isinstance(first, Unavailable) and "timed out" in str(first)
        assert isinstance(second, Unavailable) and "skipped" in str(second)
    assert took < 4.0, f"six lookups at once take about one timeout, not six: {took:.2f} s"
