"""Fake Spotify clone servers over the real Anna's Archive sample, and the plumbing they share.

What belongs here: a real threaded HTTP server on 127.0.0.1 port 0, its request log, failure
injection and the JSON/plain-text reply values. The rows live in ``annas.py``, the two dialects in
``seed_clone.py`` and ``spec_clone.py``, and the pytest fixtures in ``fixtures.py``. Nothing here
knows a route.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

__all__ = ["FakeServer", "Logged", "Reply", "Request", "json_reply", "text_reply"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """One request as the fake server saw it."""

    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes = b""

    @property
    def path(self) -> str:
        """The path without the query string."""
        return urlsplit(self.target).path

    @property
    def params(self) -> dict[str, str]:
        """Query parameters; a repeated name keeps its last value, as Starlette and Spotify do."""
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    def header(self, name: str) -> str | None:
        """A header's value, looked up case-insensitively."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


class Logged(NamedTuple):
    """A log entry; compares equal to a plain ``("GET", "/v1/albums/x?market=US")`` tuple."""

    method: str
    target: str

    @property
    def path(self) -> str:
        """The path without the query string."""
        return urlsplit(self.target).path


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """One HTTP answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


def json_reply(
    payload: Any, status: int = 200, *, compact: bool = True, headers: Mapping[str, str] | None = None
) -> Reply:
    """A JSON reply; ``compact`` renders the way FastAPI's JSONResponse does (no spaces, raw UTF-8)."""
    separators = (",", ":") if compact else (", ", ": ")
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=separators).encode()
    content_type = "application/json" if compact else "application/json; charset=utf-8"
    return Reply(status=status, body=body, content_type=content_type, headers=dict(headers or {}))


def text_reply(text: str, status: int) -> Reply:
    """A plain-text reply, as Starlette sends for an unhandled exception."""
    return Reply(status=status, body=text.encode(), content_type="text/plain; charset=utf-8")


@dataclass(slots=True, kw_only=True)
class _Failure:
    reply: Reply
    times: int
    path_prefix: str | None


def _guess_type(body: bytes) -> str:
    start = body.lstrip()[:1]
    if start in (b"{", b"["):
        return "application/json"
    return "text/html; charset=utf-8" if start == b"<" else "text/plain; charset=utf-8"


class FakeServer:
    """A fake service: subclasses answer ``route``; this class logs, injects failures and serves."""

    def __init__(self) -> None:
        self.url = ""
        self.requests: list[Request] = []
        #: Exceptions raised inside ``route`` (a bug in the fake, answered as a bare 500).
        self.errors: list[BaseException] = []
        self._failures: list[_Failure] = []
        self._lock = threading.Lock()

    @property
    def log(self) -> list[Logged]:
        """Every request so far as ``(method, path?query)``, oldest first."""
        with self._lock:
            return [Logged(r.method, r.target) for r in self.requests]

    def hits(self, path: str, *, method: str | None = None, prefix: bool = False) -> int:
        """How many requests reached ``path`` (or any path under it with ``prefix=True``)."""
        return sum(
            1
            for entry in self.log
            if (entry.path.startswith(path) if prefix else entry.path == path)
            and (method is None or entry.method == method)
        )

    def fail_next(
        self,
        status: int,
        body: bytes | str | Mapping[str, Any] = b"",
        headers: Mapping[str, str] | None = None,
        times: int = 1,
        path_prefix: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (under ``path_prefix``, if given) with this failure.

        A mapping body is sent as JSON; bytes or text get a content type guessed from their first
        character (``<`` HTML, ``{``/``[`` JSON, otherwise plain text) unless ``headers`` name one.
        Failures queue up in order; the token endpoint counts too unless ``path_prefix`` spares it.
        """
        extra = dict(headers or {})
        if isinstance(body, Mapping):
            raw = json.dumps(body).encode()
        else:
            raw = body.encode() if isinstance(body, str) else body
        named = next((v for k, v in extra.items() if k.lower() == "content-type"), None)
        extra = {k: v for k, v in extra.items() if k.lower() != "content-type"}
        reply = Reply(status=status, body=raw, content_type=named or _guess_type(raw), headers=extra)
        with self._lock:
            self._failures.append(_Failure(reply=reply, times=times, path_prefix=path_prefix))

    def route(self, request: Request) -> Reply:
        """Answer one request; subclasses define the service."""
        raise NotImplementedError

    def dispatch(self, request: Request) -> Reply:
        """Log ``request``, then answer an injected failure or the route's reply."""
        with self._lock:
            self.requests.append(request)
            failure = self._take_failure(request.path)
        if failure is not None:
            return failure
        try:
            return self.route(request)
        except Exception as error:  # noqa: BLE001 - a bug in the fake: keep it, answer as uvicorn would
            self.errors.append(error)
            return text_reply("Internal Server Error", 500)

    def _take_failure(self, path: str) -> Reply | None:
        for failure in self._failures:
            if failure.path_prefix is None or path.startswith(failure.path_prefix):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure.reply
        return None

    @contextmanager
    def running(self) -> Iterator[FakeServer]:
        """Serve on 127.0.0.1 at a free port in a daemon thread; ``url`` is set while inside."""
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        # A short poll interval keeps shutdown (and so each test's teardown) from waiting 0.5 s.
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join()


def _handler_for(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command, target=self.path, headers=dict(self.headers.items()), body=body
            )
            reply = server.dispatch(request)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to report

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
