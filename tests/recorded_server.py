"""A real HTTP server on 127.0.0.1 that answers from recorded bodies, for end-to-end tests.

Routes match a path and, optionally, query parameters; each route can answer several times in
turn (e.g. a 429 then a 200), delay to force a timeout, or redirect. Every request is logged so
tests can count what reached the "service".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest


@dataclass
class Answer:
    """One canned HTTP answer."""

    body: bytes | Path = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"
    #: A Content-Length to claim instead of the body's own (a server announcing a huge body).
    length: int | None = None

    def bytes(self) -> bytes:
        return self.body.read_bytes() if isinstance(self.body, Path) else self.body


class RecordedServer:
    """The routing table and request log behind the handler."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, dict[str, str], list[Answer]]] = []
        self.log: list[str] = []
        self.url = ""
        self._lock = threading.Lock()

    def add(self, path: str, *answers: Answer, **params: str) -> None:
        """Answer GETs of ``path`` whose query has ``params`` with ``answers`` in turn (the last repeats)."""
        self.routes.append((path, params, list(answers)))

    def hits(self, path: str) -> int:
        """How many requests reached ``path``."""
        return sum(1 for line in self.log if urlsplit(line).path == path)

    def answer(self, raw_path: str) -> Answer:
        parts = urlsplit(raw_path)
        query = dict(parse_qsl(parts.query))
        with self._lock:
            self.log.append(raw_path)
            for path, params, answers in self.routes:
                if parts.path == path and all(query.get(k) == v for k, v in params.items()):
                    return answers.pop(0) if len(answers) > 1 else answers[0]
        return Answer(b"<html><body>404 Not Found</body></html>", status=404, content_type="text/html")


def _handler(server: RecordedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            answer = server.answer(self.path)
            if answer.delay:
                time.sleep(answer.delay)
            body = answer.bytes()
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(body) if answer.length is None else answer.length))
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to report

        do_POST = do_GET  # noqa: N815 - token endpoints; the body is not inspected

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

    return Handler


@pytest.fixture
def recorded_server() -> Iterator[RecordedServer]:
    """A started server; ``server.url`` is its base URL."""
    state = RecordedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    # Polled often, so that each test's teardown does not wait serve_forever's default 0.5 s.
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
