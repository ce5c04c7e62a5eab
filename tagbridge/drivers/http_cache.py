"""The sync driver's persistent HTTP cache: usable answers only, and never a reason to fail.

requests-cache's SQLite backend stores the answers; this module decides what goes in and comes
out. Only answers the lookup can use are stored (``core.http.usable_answer``): an HTML login
page, truncated JSON or a wrong-shaped document served with status 200 would otherwise read as
"no result" for a week after the service healed. Entries that fail that test on the way out
(stored by an older version) are ignored, so the next usable answer replaces them.

No password reaches the file: user info is stripped from every stored URL, secret query
parameters (``core.errors.SECRET_PARAMS``) are dropped from stored requests and cache keys, and
requests-cache redacts the Authorization header.

When the cache cannot be used (no directory, a file where the directory should be, a corrupt
file, a SQLite error while reading or writing) it says so once and the driver goes on without
it. Behind ``--no-cache`` (``quiet``) that is a DEBUG line only: a run that does not read the
cache must not need it.

What belongs here: cache keys, reading, writing and the fallback. What doesn't: HTTP (``transport.py``).
"""

from __future__ import annotations

import logging
import os
import pickle
import sqlite3
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import requests
from requests_cache import CachedSession
from requests_cache.policy import DEFAULT_IGNORED_PARAMS, get_expiration_datetime

from tagbridge.core.errors import SECRET_PARAMS, redact_url
from tagbridge.core.http import HttpRequest, HttpResponse, usable_answer
from tagbridge.drivers.fallback import describe, report_once
from tagbridge.drivers.transport import response_headers, without_userinfo

__all__ = ["HttpCache"]

T = TypeVar("T")

_log = logging.getLogger("tagbridge")

#: What reading or writing the cache can raise: the disk, SQLite, or a damaged stored entry.
_CACHE_FAULTS = (OSError, sqlite3.Error, pickle.PickleError, EOFError, ValueError, TypeError,
                 KeyError, AttributeError)


class HttpCache:
    """The on-disk cache of usable GET answers. Thread-safe: requests-cache locks its SQLite connection."""

    def __init__(self, path: Path, *, expire: float, quiet: bool = False) -> None:
        """Open (creating its directory) the cache at ``path``; on failure, report it and stay disabled.

        Args:
            expire: seconds an answer stays fresh.
            quiet: report failures at DEBUG only (the cache is not read: ``--no-cache``).
        """
        self._path = path
        self._expire = expire
        self._quiet = quiet
        self._failed = threading.Event()
        self._session: CachedSession | None = None
        self._session = self._guard(lambda: _open(path, expire))
        # SQLite opens a file it may not write read-only, and requests-cache then drops every
        # write without a word: say so here instead.
        self._writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        if self._session is not None and not self._writable:
            report_once(f"the HTTP cache at {path}", "read-only", "answers will not be stored", quiet=quiet)

    def key(self, request: HttpRequest, prepared: requests.PreparedRequest) -> str | None:
        """The cache key of ``request``, or None when it must not touch the cache."""
        session = self._session
        if (session is None or self._failed.is_set() or not request.cacheable or request.max_bytes is not None
                or request.body is not None or request.method.upper() != "GET"):
            return None
        # Keys leave out user info, secret parameters and headers (match_headers=False): the
        # User-Agent and the bearer token do not change what an album is.
        keyed = prepared.copy()
        keyed.url = without_userinfo(prepared.url or "")
        return self._guard(lambda: str(session.cache.create_key(keyed)))

    def get(self, request: HttpRequest, key: str) -> HttpResponse | None:
        """The fresh, usable stored answer to ``request``, or None."""
        session = self._session
        if session is None or self._failed.is_set():
            return None
        cached = self._guard(lambda: session.cache.get_response(key))
        if cached is None or cached.is_expired or cached.status_code != 200:
            return None
        answer = HttpResponse(status=cached.status_code, url=cached.url, body=cached.content or b"",
                              headers=response_headers(cached), from_cache=True)
        return answer if usable_answer(request, answer) else None

    def save(self, request: HttpRequest, key: str, answer: HttpResponse, response: requests.Response) -> None:
        """Store ``answer`` (read from ``response``) under ``key`` if the lookup can use it."""
        session = self._session
        if (session is None or self._failed.is_set() or not self._writable or self._expire <= 0
                or not usable_answer(request, answer)):
            return
        # The body was streamed through the size cap; hand requests-cache the bytes we read
        # rather than letting it read the (already consumed) stream again.
        response._content = answer.body
        _scrub(response)
        expires = get_expiration_datetime(timedelta(seconds=self._expire))
        self._guard(lambda: session.cache.save_response(response, cache_key=key, expires=expires))

    def close(self) -> None:
        """Close the SQLite connection."""
        session, self._session = self._session, None
        if session is not None:
            try:
                session.close()  # type: ignore[no-untyped-call]
            except _CACHE_FAULTS as exc:
                _log.debug("closing the HTTP cache at %s: %s", self._path, describe(exc))

    def _guard(self, action: Callable[[], T]) -> T | None:
        """``action()``, or None once the cache has failed: reported once, then left alone."""
        try:
            return action()
        except _CACHE_FAULTS as exc:
            self._failed.set()
            report_once(f"the HTTP cache at {self._path}", describe(exc), "going on without it", quiet=self._quiet)
            return None


def _open(path: Path, expire: float) -> CachedSession:
    # The CachedSession is used for its SQLite backend and settings only; requests go out through
    # the transport's sessions, because (1) a cache hit must not spend a rate-limit slot, so the
    # cache is read before the limiter is asked; (2) CachedSession reads a whole body into
    # memory to store it, past the body cap and the deadline; (3) its per-request
    # cache_disabled() is not thread-safe.
    path.parent.mkdir(parents=True, exist_ok=True)
    return CachedSession(
        cache_name=str(path),
        backend="sqlite",
        expire_after=timedelta(seconds=expire),
        allowable_codes=(200,),
        allowable_methods=("GET",),
        stale_if_error=False,
        match_headers=False,
        ignored_parameters=tuple(DEFAULT_IGNORED_PARAMS) + SECRET_PARAMS,
    )


def _scrub(response: requests.Response) -> None:
    """Take user info out of every URL requests-cache will store; it redacts query secrets itself.

    Except in urllib3's own request URL (path and query), which it stores as it is.
    """
    for r in (response, *response.history):
        r.url = without_userinfo(r.url)
        if r.request is not None and r.request.url:
            r.request.url = without_userinfo(r.request.url)
        raw_url = getattr(r.raw, "url", None)
        if isinstance(raw_url, str):
            r.raw.url = redact_url(without_userinfo(raw_url))
