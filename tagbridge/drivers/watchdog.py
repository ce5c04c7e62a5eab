"""Cutting an HTTP exchange off at its deadline, whatever it is doing.

A socket timeout bounds each read, not the exchange: a server that sends a byte a second
restarts it forever, and so does one that drips its headers. A :class:`Watchdog` is a timer
that, at the deadline, shuts down the sockets of every connection its thread's exchange used
(redirects and retries included). The shutdown wakes the read blocked on them, which fails; the
transport sees ``fired`` and reports the timeout. The sockets reach it through
:class:`WatchedAdapter`, whose connections hand theirs to the current thread's watchdog as they
wait for each answer.

What belongs here: the timer and the connection classes. What doesn't: deadlines, retries and
error messages (``transport.py``).
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import urllib3.poolmanager
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import HTTPResponse

__all__ = ["Watchdog", "WatchedAdapter"]

_current = threading.local()


class Watchdog:
    """Shuts down the sockets of the current thread's exchange when its deadline passes."""

    def __init__(self, seconds: float) -> None:
        """A timer of ``seconds``, started when the ``with`` block is entered and stopped when it is left."""
        #: True once the deadline passed with the exchange still running: its failure is a timeout.
        self.fired = False
        self._done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        _current.watchdog = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()
        _current.watchdog = None

    def watch(self, sock: object) -> None:
        """Shut ``sock`` down too when the deadline passes (at once, if it has)."""
        if not isinstance(sock, socket.socket):
            return  # TLS inside a TLS proxy tunnel: only the socket timeouts bound it
        with self._lock:
            if self._done:
                return
            self._sockets.append(sock)
            if self.fired:
                _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        # socket.socket's own shutdown, also for an SSLSocket: its override drops the TLS state
        # under the thread that is still reading.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # closed meanwhile


def _watched(sock: object) -> None:
    watchdog: Watchdog | None = getattr(_current, "watchdog", None)
    if watchdog is not None:
        watchdog.watch(sock)


# The socket is taken as the answer is awaited: it is connected by then, and http.client drops
# the connection's reference to it once an answer says "Connection: close", while the answer
# goes on reading from it.


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]  # as urllib3's own
        _watched(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]  # as urllib3's own
        _watched(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter, making connections that the current exchange's watchdog can cut off."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        # An HTTP proxy's manager uses urllib3's pools; a SOCKS one brings its own and is left
        # alone: there only the socket timeouts and the clock between body reads bound a request.
        if manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme:
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager
