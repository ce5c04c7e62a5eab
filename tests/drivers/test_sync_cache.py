"""The HTTP cache stores only usable answers, and never makes a lookup fail.

A local server answers 200 with things a lookup cannot use, then heals: the next driver on the
same cache file must get the good answer. Cache directories and files that cannot be used (tests
run as root, where chmod stops nothing, so "unwritable" is a path under a regular file or under
/proc) must leave the driver working, with one warning line per problem and no traceback.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from driver_helpers import SleepRecorder, assert_no_traceback, warnings_of
from local_servers import LocalServer, ok
from tagbridge.core.config import RateLimit
from tagbridge.core.errors import BadResponse
from tagbridge.core.http import HttpRequest, HttpResponse, parse_json
from tagbridge.drivers.ratelimit import ServiceRateLimiter
from tagbridge.drivers.sync import DriverOptions, SyncDriver


def needs_images(request: HttpRequest, response: HttpResponse) -> None:
    """A validator as the CAA source has one: the answer must hold an ``images`` list."""
    data = parse_json(request, response)
    if not isinstance(data, dict) or not isinstance(data.get("images"), list):
        raise BadResponse(request.source, request.url, "no images list")


GOOD = b'{"images": [{"front": true}]}'

UNUSABLE = {
    "html-login-page": b"<!DOCTYPE html><html><body><form>Sign in</form></body></html>",
    "truncated-json": GOOD[:15],
    "empty-body": b"",
    "not-utf-8": b'{"images": "\xff\xfe"}',
    "wrong-shape": b'{"error": "maintenance"}',
}


def caa(server: LocalServer, path: str = "/release/1") -> HttpRequest:
    return HttpRequest(url=server.url + path, source="caa", validate=needs_images)


# -- only usable answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("body", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_unusable_200_is_never_cached_and_the_healed_answer_is(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver], body: bytes) -> None:
    local_server.route("/release/1", ok(body), ok(body), ok(GOOD))
    broken = make_driver()
    assert [broken.fetch(caa(local_server)).body for _ in range(2)] == [body, body]
    broken.close()
    healed = make_driver().fetch(caa(local_server))
    assert (healed.body, healed.from_cache) == (GOOD, False), "the bad answer must not have been stored"
    assert make_driver().fetch(caa(local_server)).from_cache, "the usable answer is stored"
    assert len(local_server.hits("/release/1")) == 3


def test_without_a_validator_any_utf8_json_is_usable(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/json", ok(b'{"anything": 1}'))
    local_server.route("/html", ok(b"<html></html>"))
    driver = make_driver()
    for path, cached in (("/json", True), ("/html", False)):
        request = HttpRequest(url=local_server.url + path, source="itunes")
        driver.fetch(request)
        assert driver.fetch(request).from_cache is cached, path


def test_an_unusable_entry_already_in_the_file_is_ignored_and_replaced(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver], tmp_path: Path) -> None:
    # As an older tagbridge, which cached every 200, left it.
    from requests_cache import CachedSession

    local_server.route("/release/1", ok(UNUSABLE["html-login-page"]), ok(GOOD))
    old = CachedSession(str(tmp_path / "http-cache.sqlite"), backend="sqlite", match_headers=False)
    old.get(local_server.url + "/release/1")
    old.close()
    response = make_driver().fetch(caa(local_server))
    assert (response.body, response.from_cache) == (GOOD, False)
    assert make_driver().fetch(caa(local_server)).from_cache
    with sqlite3.connect(tmp_path / "http-cache.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM responses").fetchone() == (1,), "replaced under the same key"


def test_cache_read_false_bypasses_the_entry_and_refreshes_it(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    fresh = b'{"images": [{"front": false}]}'
    local_server.route("/release/1", ok(GOOD), ok(fresh))
    make_driver().fetch(caa(local_server))
    bypass = make_driver(cache_read=False).fetch(caa(local_server))
    assert (bypass.body, bypass.from_cache) == (fresh, False)
    again = make_driver().fetch(caa(local_server))
    assert (again.body, again.from_cache) == (fresh, True), "--no-cache refreshed the entry it bypassed"


def test_cache_read_false_keeps_the_entry_when_the_new_answer_is_unusable(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver]) -> None:
    local_server.route("/release/1", ok(GOOD), ok(UNUSABLE["html-login-page"]))
    make_driver().fetch(caa(local_server))
    make_driver(cache_read=False).fetch(caa(local_server))
    kept = make_driver().fetch(caa(local_server))
    assert (kept.body, kept.from_cache) == (GOOD, True)


# -- directories and files that cannot be used --------------------------------------------------------


def _regular_file(tmp: Path) -> Path:
    (tmp / "file").write_text("not a directory")
    return tmp / "file"


def _corrupt(tmp: Path) -> Path:
    (tmp / "d").mkdir()
    for name in ("http-cache.sqlite", "ratelimit.sqlite"):
        (tmp / "d" / name).write_bytes(os.urandom(8192))
    return tmp / "d"


def _truncated(tmp: Path) -> Path:
    good = tmp / "good"
    _filled(good)
    (tmp / "d").mkdir()
    for name in ("http-cache.sqlite", "ratelimit.sqlite"):
        data = (good / name).read_bytes()
        (tmp / "d" / name).write_bytes(data[: len(data) // 3 + 100])
    return tmp / "d"


def _filled(cache_dir: Path) -> None:
    """Make both files, with their tables, as a driver leaves them."""
    SyncDriver(DriverOptions(cache_path=cache_dir / "http-cache.sqlite")).close()
    limiter = ServiceRateLimiter({"caa": RateLimit(5, 1)}, cache_dir / "ratelimit.sqlite")
    limiter.wait_time("caa")  # creates the service's table
    limiter.close()


def _files_are_directories(tmp: Path) -> Path:
    for name in ("http-cache.sqlite", "ratelimit.sqlite"):
        (tmp / "d" / name).mkdir(parents=True)
    return tmp / "d"


CACHE_DIRS: dict[str, Callable[[Path], Path]] = {
    "parent-is-a-file": lambda tmp: _regular_file(tmp) / "cache",
    "directory-is-a-file": _regular_file,
    "under-proc": lambda tmp: Path("/proc/self/tagbridge-no-such-dir") / tmp.name,
    "corrupt-files": _corrupt,
    "truncated-files": _truncated,
    "files-are-directories": _files_are_directories,
}


@pytest.mark.parametrize("where", CACHE_DIRS.values(), ids=CACHE_DIRS.keys())
def test_unusable_cache_directory_or_files_never_fail_a_lookup(
        local_server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture, where: Callable[[Path], Path]) -> None:
    caplog.set_level(logging.DEBUG)
    cache_dir = where(tmp_path)
    local_server.route("/release/1", ok(GOOD))
    recorder = SleepRecorder(real=True)
    options = DriverOptions(cache_path=cache_dir / "http-cache.sqlite", ratelimit_path=cache_dir / "ratelimit.sqlite",
                            rates={"caa": RateLimit(1, 0.3)}, sleep=recorder, timeout=5.0)
    for _ in range(2):  # a second driver meets the same problems and says nothing more
        with SyncDriver(options) as driver:
            assert [driver.fetch(caa(local_server)).body for _ in range(2)] == [GOOD, GOOD]
    assert recorder.waits, "the rate limit still holds, in memory"
    lines = warnings_of(caplog)
    assert 1 <= len(lines) <= 2, f"one warning per problem (cache, rate-limit file): {lines}"
    for line in lines:
        assert "\n" not in line
        assert re.fullmatch(r"cannot use the (HTTP cache|rate-limit file) at /\S+ \([^()]+\); "
                            r"(going on without it|keeping rate limits in memory)", line), line
        assert str(cache_dir) in line
    assert_no_traceback(caplog)


def test_no_cache_needs_no_cache_directory(
        local_server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    local_server.route("/release/1", ok(GOOD))
    cache_path = _regular_file(tmp_path) / "nocache" / "http-cache.sqlite"
    with SyncDriver(DriverOptions(cache_path=cache_path, cache_read=False)) as driver:
        assert driver.fetch(caa(local_server)).body == GOOD
    assert warnings_of(caplog) == [], "--no-cache must not need the cache directory at all"
    assert any("cannot use the HTTP cache" in r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG)
    with SyncDriver(DriverOptions(cache_path=cache_path)) as driver:
        driver.fetch(caa(local_server))
    assert len(warnings_of(caplog)) == 1, "a driver that reads the cache still says it cannot"


def test_read_only_home_falls_back_to_no_cache(
        local_server: LocalServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    for name in ("TAGBRIDGE_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", "/proc/self/tagbridge-read-only-home")
    local_server.route("/release/1", ok(GOOD))
    with SyncDriver(DriverOptions.with_default_paths(rates={"caa": RateLimit(10, 1)})) as driver:
        assert driver.options.cache_path is not None and str(driver.options.cache_path).startswith("/proc/")
        assert driver.fetch(caa(local_server)).body == GOOD
    assert len(warnings_of(caplog)) == 2
    assert_no_traceback(caplog)


def test_cache_file_corrupted_while_in_use_is_given_up_once(
        local_server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    local_server.route("/release/1", ok(GOOD))
    local_server.route("/release/2", ok(GOOD))
    cache = tmp_path / "http-cache.sqlite"
    with SyncDriver(DriverOptions(cache_path=cache)) as driver:
        driver.fetch(caa(local_server))
        assert driver.fetch(caa(local_server)).from_cache
        cache.write_bytes(os.urandom(cache.stat().st_size))
        for path in ("/release/1", "/release/2", "/release/1"):
            response = driver.fetch(caa(local_server, path))
            assert (response.body, response.from_cache) == (GOOD, False)
    (line,) = warnings_of(caplog)
    assert line.startswith(f"cannot use the HTTP cache at {cache} (")
    assert_no_traceback(caplog)


def test_cache_file_corrupted_before_a_write_is_given_up_quietly_under_no_cache(
        local_server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # With cache_read=False the first touch of the file is the write of the fresh answer.
    caplog.set_level(logging.DEBUG)
    local_server.route("/release/1", ok(GOOD))
    cache = tmp_path / "http-cache.sqlite"
    with SyncDriver(DriverOptions(cache_path=cache, cache_read=False)) as driver:
        cache.write_bytes(os.urandom(cache.stat().st_size))
        for _ in range(2):
            assert driver.fetch(caa(local_server)).body == GOOD
    assert warnings_of(caplog) == []
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("cannot use the HTTP cache")] == \
        [f"cannot use the HTTP cache at {cache} (file is not a database); going on without it"]
    assert_no_traceback(caplog)


def test_sqlite_errors_while_reading_and_writing_are_survived(
        local_server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    local_server.route("/release/1", ok(GOOD))
    cache = tmp_path / "http-cache.sqlite"
    with SyncDriver(DriverOptions(cache_path=cache)) as driver:
        with sqlite3.connect(cache) as db:  # another process breaks the schema under it
            db.execute("DROP TABLE responses")
        assert driver.fetch(caa(local_server)).body == GOOD
        assert driver.fetch(caa(local_server)).from_cache is False
    (line,) = warnings_of(caplog)
    assert "no such table" in line and line.endswith("going on without it")


def test_rate_limit_file_corrupted_while_in_use_falls_back_to_memory(
        local_server: LocalServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    local_server.route("/release/1", ok(GOOD))
    limits = tmp_path / "ratelimit.sqlite"
    recorder = SleepRecorder(real=True)
    with SyncDriver(DriverOptions(ratelimit_path=limits, rates={"caa": RateLimit(1, 0.3)}, sleep=recorder)) as driver:
        driver.fetch(caa(local_server))
        limits.write_bytes(os.urandom(limits.stat().st_size))
        for _ in range(2):
            assert driver.fetch(caa(local_server)).body == GOOD
    (line,) = warnings_of(caplog)
    assert line.startswith(f"cannot use the rate-limit file at {limits} (") and line.endswith("in memory")
    assert recorder.waits, "the in-memory limit still holds"
    assert_no_traceback(caplog)


# A read-only file needs a process that file modes bind: root drops the capability that
# overrides them. The child runs the driver and prints what it got.
_READ_ONLY_CHILD = """
import json, logging, sys
from pathlib import Path
from tagbridge.core.config import RateLimit
from tagbridge.core.http import HttpRequest
from tagbridge.drivers.sync import DriverOptions, SyncDriver
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
base, cache_dir = sys.argv[1], Path(sys.argv[2])
options = DriverOptions(cache_path=cache_dir / "http-cache.sqlite", ratelimit_path=cache_dir / "ratelimit.sqlite",
                        rates={"caa": RateLimit(1, 0.3)})
with SyncDriver(options) as driver:
    got = [driver.fetch(HttpRequest(url=base + path, source="caa")) for path in ("/release/1", "/release/2") * 2]
print(json.dumps([[r.body.decode(), r.from_cache] for r in got]))
"""


def _without_file_mode_override() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, and without setpriv to drop CAP_DAC_OVERRIDE a read-only file is writable")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def test_read_only_cache_and_rate_limit_files_are_read_but_never_fail(
        local_server: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    prefix = _without_file_mode_override()
    local_server.route("/release/1", ok(GOOD))
    local_server.route("/release/2", ok(GOOD))
    cache_dir = tmp_path_factory.mktemp("read-only")
    with SyncDriver(DriverOptions(cache_path=cache_dir / "http-cache.sqlite")) as driver:
        driver.fetch(caa(local_server))  # stored while the file could be written
    _filled(cache_dir)
    for path in cache_dir.iterdir():
        path.chmod(0o444)
    cache_dir.chmod(0o555)
    try:
        child = subprocess.run([*prefix, sys.executable, "-c", _READ_ONLY_CHILD, local_server.url, str(cache_dir)],
                               capture_output=True, text=True, timeout=60)
    finally:
        cache_dir.chmod(0o755)
    assert child.returncode == 0, child.stderr
    assert "Traceback" not in child.stderr
    assert json.loads(child.stdout) == [[GOOD.decode(), True], [GOOD.decode(), False]] * 2, \
        "stored answers are still read; new ones are fetched every time"
    lines = child.stderr.splitlines()
    assert lines == [
        f"WARNING cannot use the HTTP cache at {cache_dir}/http-cache.sqlite (read-only); answers will not be stored",
        f"WARNING cannot use the rate-limit file at {cache_dir}/ratelimit.sqlite (attempt to write a readonly "
        "database); keeping rate limits in memory",
    ], child.stderr
