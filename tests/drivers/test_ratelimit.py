"""Rate limits follow the service, not the host, in memory and in the shared SQLite file."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from driver_helpers import SleepRecorder, assert_no_traceback, warnings_of
from local_servers import LocalServer, ok
from tagbridge.core.config import RateLimit
from tagbridge.core.http import HttpRequest
from tagbridge.drivers.ratelimit import ServiceRateLimiter
from tagbridge.drivers.sync import SyncDriver


def arrivals(server: LocalServer, path: str) -> list[float]:
    return sorted(e.arrived for e in server.hits(path))


@pytest.mark.parametrize("shared", [False, True], ids=["in-memory", "sqlite-file"])
def test_two_services_on_one_host_keep_their_own_limits(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver], tmp_path: Path, shared: bool) -> None:
    # A mirror serving MusicBrainz (1/s) and the Cover Art Archive (10/s) from one host.
    local_server.route("/ws/2/release/1", ok())
    local_server.route("/release/1", ok())
    driver = make_driver(rates={"musicbrainz": RateLimit(1, 1), "caa": RateLimit(10, 1)}, cache_path=None,
                         ratelimit_path=tmp_path / "ratelimit.sqlite" if shared else None,
                         sleep=SleepRecorder(real=True))
    for _ in range(3):
        driver.fetch(HttpRequest(url=local_server.url + "/ws/2/release/1", source="musicbrainz"))
        driver.fetch(HttpRequest(url=local_server.url + "/release/1", source="caa"))
    mb = arrivals(local_server, "/ws/2/release/1")
    assert len(mb) == 3 and all(b - a >= 0.9 for a, b in zip(mb, mb[1:])), f"MusicBrainz's 1/s holds: {mb}"
    caa = arrivals(local_server, "/release/1")
    assert caa[-1] - caa[0] >= 1.8, "CAA requests were spaced only by MusicBrainz's waits between them"
    driver.fetch(HttpRequest(url=local_server.url + "/release/1", source="caa"))
    started = time.monotonic()
    for _ in range(5):
        driver.fetch(HttpRequest(url=local_server.url + "/release/1", source="caa"))
    assert time.monotonic() - started < 0.9, "CAA's own 10/s is not MusicBrainz's 1/s"


def test_requests_outside_the_rate_limit_never_wait(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/image.jpg", ok(b"\xff\xd8"))
    recorder = SleepRecorder(real=True)
    driver = make_driver(rates={"caa": RateLimit(1, 60)}, sleep=recorder, cache_path=None)
    for _ in range(3):
        driver.fetch(HttpRequest(url=local_server.url + "/image.jpg", source="caa", rate_limited=False))
    assert recorder.waits == [], "image downloads from a CDN are not the API's to limit"


def test_old_host_keyed_tables_are_left_alone(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver], tmp_path: Path) -> None:
    path = tmp_path / "ratelimit.sqlite"
    now_ms = time.time_ns() // 1_000_000
    host_table = f"host_127_0_0_1_{local_server.port}"
    with sqlite3.connect(path) as db:  # as a host-keyed version left it, full for the next minute
        db.execute(f"CREATE TABLE '{host_table}' (name VARCHAR, item_timestamp INTEGER)")
        db.executemany(f"INSERT INTO '{host_table}' VALUES (?, ?)", [("x", now_ms)] * 100)
    local_server.route("/release/1", ok())
    recorder = SleepRecorder(real=True)
    driver = make_driver(rates={"caa": RateLimit(1, 60)}, ratelimit_path=path, sleep=recorder, cache_path=None)
    driver.fetch(HttpRequest(url=local_server.url + "/release/1", source="caa"))
    assert recorder.waits == []
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {host_table, "svc_caa"}
        assert db.execute(f"SELECT COUNT(*) FROM '{host_table}'").fetchone() == (100,)


def test_sqlite_error_while_claiming_falls_back_to_memory_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "ratelimit.sqlite"
    limiter = ServiceRateLimiter({"caa": RateLimit(1, 60), "itunes": RateLimit(1, 60)}, path)
    assert limiter.wait_time("caa") == 0.0
    with sqlite3.connect(path) as db:  # another process breaks the schema under it
        db.execute("DROP TABLE svc_caa")
    assert limiter.wait_time("caa") == 0.0, "a fresh in-memory bucket admits the request"
    assert limiter.wait_time("caa") > 50, "and then limits as the file did"
    assert limiter.wait_time("itunes") == 0.0 and limiter.wait_time("itunes") > 50, "later services go in memory"
    limiter.close()
    assert warnings_of(caplog) == [f"cannot use the rate-limit file at {path} (no such table: svc_caa); "
                                   "keeping rate limits in memory"]
    assert_no_traceback(caplog)
    assert "svc_itunes" not in {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}


def test_a_wait_refused_before_it_starts_takes_no_slot(tmp_path: Path) -> None:
    path = tmp_path / "ratelimit.sqlite"
    limiter = ServiceRateLimiter({"musicbrainz": RateLimit(1, 60)}, path)
    limiter.acquire("musicbrainz", time.sleep)

    def refuse(wait: float) -> None:
        raise TimeoutError(f"{wait:.0f} s is too long")

    with pytest.raises(TimeoutError, match="s is too long"):
        limiter.acquire("musicbrainz", time.sleep, refuse)
    limiter.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM svc_musicbrainz").fetchone() == (1,), "only the admitted request"


def test_services_are_matched_without_regard_to_case() -> None:
    limiter = ServiceRateLimiter({"MusicBrainz": RateLimit(1, 60)})
    assert limiter.wait_time("musicbrainz") == 0.0
    assert limiter.wait_time("MUSICBRAINZ") > 0
