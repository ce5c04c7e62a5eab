"""No password from a base URL's user info, and no secret query parameter, reaches an error message,
a log line, an answer's URL or the HTTP cache file."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from local_servers import LocalServer, ok, redirect_to_itself, silent
from tagbridge.core.errors import SourceError
from tagbridge.core.http import HttpRequest, HttpResponse
from tagbridge.drivers.sync import SyncDriver

PASSWORD = "hunter2"
SECRET = "s3cr3t-value"
#: What the password looks like inside a Basic Authorization header.
BASIC = base64.b64encode(f"user:{PASSWORD}".encode()).decode()


def secret_request(server: LocalServer, path: str, source: str = "spotify", **kwargs: object) -> HttpRequest:
    base = server.url.replace("http://", f"http://user:{PASSWORD}@")
    return HttpRequest(url=base + path, source=source,  # type: ignore[arg-type]
                       params=(("client_secret", SECRET), ("q", "visible")), **kwargs)


def every_request(requests: list[HttpRequest]) -> Generator[HttpRequest, HttpResponse, list[object]]:
    outcomes: list[object] = []
    for request in requests:
        try:
            outcomes.append((yield request))
        except SourceError as exc:
            outcomes.append(exc)
    return outcomes


def test_user_info_and_secret_parameters_stay_hidden(
        local_server: LocalServer, make_driver: Callable[..., SyncDriver], tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    local_server.route("/v1/albums/1", ok(b'{"id": "1"}'))
    local_server.route("/v1/flaky", ok(b"busy", 503), ok(b'{"id": "2"}'))
    local_server.route("/v1/huge", ok(b"x" * 5000))
    local_server.route("/v1/loop", redirect_to_itself)
    local_server.route("/v1/void", silent)
    driver = make_driver(timeout=0.5, max_body_bytes=1000, run_deadline=30.0)
    answer = driver.fetch(secret_request(local_server, "/v1/albums/1"))
    assert driver.fetch(secret_request(local_server, "/v1/albums/1")).from_cache
    outcomes = driver.run(every_request([
        secret_request(local_server, "/v1/flaky"),
        secret_request(local_server, "/v1/huge", source="caa"),
        secret_request(local_server, "/v1/loop", source="itunes"),
        secret_request(local_server, "/v1/void"),
        secret_request(local_server, "/v1/void"),  # skipped: the service timed out in this run
    ]))
    errors = [o for o in outcomes if isinstance(o, SourceError)]
    assert len(errors) == 4, outcomes
    assert local_server.hits("/v1/albums/1")[0].headers["authorization"] == f"Basic {BASIC}", \
        "the user info really was used"

    assert PASSWORD not in answer.url, "an answer's URL drops the user info (its query is the source's to redact)"
    shown = [str(e) for e in errors] + [repr(vars(e)) for e in errors] + [r.getMessage() for r in caplog.records]
    for text in shown:
        assert PASSWORD not in text and BASIC not in text and SECRET not in text, text
    assert any("q=visible" in r.getMessage() for r in caplog.records), "only the secrets are hidden"
    stored = (tmp_path / "http-cache.sqlite").read_bytes()
    for needle in (PASSWORD, BASIC, SECRET):
        assert needle.encode() not in stored, f"{needle} is in the cache file"


def test_urllib3_log_lines_are_redacted(make_driver: Callable[..., SyncDriver],
                                        caplog: pytest.LogCaptureFixture) -> None:
    make_driver()  # installs the filter
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3.connectionpool").debug(
        "Resetting dropped connection: %s (%s)", f"http://user:{PASSWORD}@mirror.example/x?token={SECRET}&q=1",
        "retrying")
    (line,) = [r.getMessage() for r in caplog.records]
    assert PASSWORD not in line and SECRET not in line
    assert "***@mirror.example/x?token=***&q=1 (retrying)" in line
