"""A raw-socket HTTP server on 127.0.0.1 that misbehaves on purpose, for the driver's time and fault tests.

Each route answers with handlers in turn (the last repeats). A handler writes whatever bytes it
likes to the socket: a proper answer, nothing at all, a body one byte at a time, headers that
claim gzip over plain text. One request per connection (``Connection: close``), so a test can
count requests by path and a silent handler never holds up another request.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass
class Exchange:
    """One request as the server saw it, and the socket to answer on."""

    conn: socket.socket
    method: str
    path: str
    headers: Mapping[str, str]
    stopping: threading.Event
    arrived: float = field(default_factory=time.monotonic)

    def answer(self, status: int = 200, body: bytes = b"{}", headers: Mapping[str, str] | None = None,
               *, length: int | None = None) -> None:
        """Send a whole answer; ``length`` overrides the Content-Length (to claim more than is sent)."""
        self.head(status, {"Content-Length": str(len(body) if length is None else length), **(headers or {})})
        self.conn.sendall(body)

    def head(self, status: int, headers: Mapping[str, str]) -> None:
        """Send the status line and headers only."""
        lines = [f"HTTP/1.1 {status} X", "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
        self.conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())

    def hold(self, seconds: float = 30.0) -> None:
        """Keep the connection open without a word, until the server stops or ``seconds`` pass."""
        self.stopping.wait(seconds)


Handler = Callable[[Exchange], None]


class LocalServer:
    """The routes, the request log and the listening socket."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.log: list[Exchange] = []
        self._routes: dict[str, list[Handler]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def route(self, path: str, *handlers: Handler) -> None:
        """Answer ``path`` with ``handlers`` in turn; the last one repeats."""
        self._routes[path] = list(handlers)

    def hits(self, path: str) -> list[Exchange]:
        """The requests that reached ``path``."""
        with self._lock:
            return [e for e in self.log if e.path.partition("?")[0] == path]

    def stop(self) -> None:
        self._stopping.set()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                try:
                    data = conn.recv(4096)
                except OSError:
                    return
                if not data:
                    return
                head += data
            lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
            exchange = Exchange(conn, method, path, headers, self._stopping)
            with self._lock:
                self.log.append(exchange)
                handlers = self._routes.get(path.partition("?")[0], [not_found])
                handler = handlers.pop(0) if len(handlers) > 1 else handlers[0]
            try:
                handler(exchange)
            except OSError:
                pass  # the client hung up (a timeout test)


# -- handlers ---------------------------------------------------------------------------------------


def not_found(ex: Exchange) -> None:
    ex.answer(404, b"<html>404</html>", {"Content-Type": "text/html"})


def ok(body: bytes = b"{}", status: int = 200, **headers: str) -> Handler:
    """A plain answer; header names use underscores for dashes (``Retry_After``)."""
    return lambda ex: ex.answer(status, body, {k.replace("_", "-"): v for k, v in headers.items()})


def silent(ex: Exchange) -> None:
    """Read the request and never answer."""
    ex.hold()


def drip(every: float = 1.0, size: int = 1000) -> Handler:
    """Answer 200 with a ``size``-byte body, sent one byte every ``every`` seconds."""
    def handler(ex: Exchange) -> None:
        ex.head(200, {"Content-Length": str(size)})
        for _ in range(size):
            if ex.stopping.wait(every):
                return
            ex.conn.sendall(b"x")
    return handler


def drip_head(every: float = 1.0) -> Handler:
    """Send the status line and headers one byte every ``every`` seconds, forever."""
    def handler(ex: Exchange) -> None:
        for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"y" * 10_000:
            if ex.stopping.wait(every):
                return
            ex.conn.sendall(bytes([byte]))
    return handler


def late(seconds: float, body: bytes = b"{}") -> Handler:
    """Answer after ``seconds``."""
    def handler(ex: Exchange) -> None:
        if not ex.stopping.wait(seconds):
            ex.answer(200, body)
    return handler


def redirect_to_itself(ex: Exchange) -> None:
    ex.answer(302, b"", {"Location": ex.path})


def broken_gzip(ex: Exchange) -> None:
    """Claim a gzip body and send plain text."""
    ex.answer(200, b"this is not gzip at all" * 10, {"Content-Encoding": "gzip"})


def gzipped(body: bytes) -> Handler:
    return lambda ex: ex.answer(200, gzip.compress(body), {"Content-Encoding": "gzip"})
