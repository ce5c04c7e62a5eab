"""Cutting an HTTP exchange off at its deadline, whatever it is doing.

A socket timeout bounds each read, not the exchange: a server that sends a byte a second
restarts it forever, and so does one that drips its headers. A :class:`Watchdog` is a timer
that, at the deadline, shuts down the sockets of every connection its thread's exchange used
(redirects and retries included). The shutdown wakes the read blocked on them, which fails; the
transport sees ``fired`` and reports the timeout. The connections reach it through
:class:`WatchedAdapter`, whose connections report to the current thread's watchdog as each
request starts.

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

__all__ = ["Watchdog", "WatchedAdapter"]

_current = threading.local()


class Watchdog:
    """Shuts down the sockets of the current thread's exchange when its deadline passes."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._done = False
        self._connections: list[HTTPConnection] = []
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

    def watch(self, connection: HTTPConnection) -> None:
        """Cut ``connection`` off too when the deadline passes (at once, if it has)."""
        with self._lock:
            if self._done:
                return
            self._connections.append(connection)
            if self.fired:
                _shut(connection)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            for connection in self._connections:
                _shut(connection)


def _shut(connection: HTTPConnection) -> None:
    sock = connection.sock
    if not isinstance(sock, socket.socket):
        return  # not connected yet: the connect timeout bounds that
    try:
        # socket.socket's own shutdown, also for an SSLSocket: its override drops the TLS state
        # under the thread that is still reading.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # closed meanwhile


def _watched(connection: HTTPConnection) -> None:
    watchdog: Watchdog | None = getattr(_current, "watchdog", None)
    if watchdog is not None:
        watchdog.watch(connection)


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _watched(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _watched(self)
        super().request(*args, **kwargs)


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
