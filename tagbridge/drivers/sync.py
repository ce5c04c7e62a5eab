"""The blocking driver, for beets and the CLI: requests with retries, rate limits, a cache and timeouts.

What belongs here: turning an :class:`HttpRequest` into bytes on a socket and back, and the
transport policy around that (retrying 5xx and dropped connections, waiting out rate limits,
caching 200 answers, capping bodies). Every transport failure leaves as a core error.
What doesn't: interpreting statuses or bodies (sources, ``core.http``).

Thread safety: beets calls sources from a ``ThreadPoolExecutor``, so one :class:`SyncDriver` may
be used from many threads at once. Each thread gets its own ``requests.Session`` (requests does
not promise that a session is thread-safe); the HTTP cache's SQLite backend and the rate limiter
carry their own locks.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import platformdirs
import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests_cache import CachedSession
from requests_cache.policy import DEFAULT_IGNORED_PARAMS, get_expiration_datetime
from urllib3.util.retry import Retry

from tagbridge import __version__
from tagbridge.core.config import RateLimit
from tagbridge.core.errors import BadResponse, SourceError, Unavailable, redact_url
from tagbridge.core.http import HttpRequest, HttpResponse, Lookup, rate_limit_wait, run_lookup
from tagbridge.drivers.ratelimit import HostRateLimiter

__all__ = ["DriverOptions", "SyncDriver", "default_cache_dir", "DEFAULT_USER_AGENT"]

T = TypeVar("T")

_log = logging.getLogger("tagbridge")

#: MusicBrainz asks for an identifying User-Agent with a contact URL.
DEFAULT_USER_AGENT = f"tagbridge/{__version__} ( https://github.com/tagbridge/tagbridge )"

# Kept out of cache keys and redacted from stored requests, on top of requests-cache's own list.
_SECRET_PARAMS = ("client_secret", "access_token", "token", "secret", "password", "key", "api_key")

_CHUNK = 64 * 1024


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where tagbridge keeps its HTTP cache and rate-limit state: ``TAGBRIDGE_CACHE_DIR`` or the user cache dir.

    Args:
        env: where to look for ``TAGBRIDGE_CACHE_DIR``; ``os.environ`` when None.
    """
    override = (os.environ if env is None else env).get("TAGBRIDGE_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("tagbridge"))


@dataclass(frozen=True, slots=True, kw_only=True)
class DriverOptions:
    """How the sync driver talks to the network. The defaults touch no disk; see :meth:`with_default_paths`."""

    #: (connect, read) timeouts in seconds.
    timeout: tuple[float, float] = (5.0, 20.0)
    #: Retries for refused/dropped connections, timeouts and 500/502/503/504, with exponential backoff.
    retries: int = 3
    backoff_factor: float = 0.5
    #: SQLite file for the HTTP cache; None disables the cache.
    cache_path: Path | None = None
    cache_expire: float = 7 * 86400
    #: False bypasses the cache for reading and writing (the CLI's ``--no-cache``).
    use_cache: bool = True
    #: Per-host limits keyed by lower-cased ``host[:port]``; the caller maps source names to hosts.
    rates: Mapping[str, RateLimit] = field(default_factory=dict)
    #: SQLite file shared by every process for the limits; None keeps them in memory.
    ratelimit_path: Path | None = None
    user_agent: str = DEFAULT_USER_AGENT
    #: How often to wait out a 429 (or iTunes' empty 403) before handing it back to the source.
    max_rate_limit_retries: int = 2
    #: Longest single wait for a rate limit; a longer Retry-After is handed back at once.
    max_rate_limit_wait: float = 60.0
    max_body_bytes: int = 64 * 1024 * 1024
    #: Every wait goes through this, so tests can record waits without patching.
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def with_default_paths(cls, env: Mapping[str, str] | None = None, **changes: Any) -> DriverOptions:
        """Options with the cache and rate-limit files under :func:`default_cache_dir` (``env``), plus ``changes``."""
        base = default_cache_dir(env)
        paths: dict[str, Any] = {
            "cache_path": base / "http-cache.sqlite",
            "ratelimit_path": base / "ratelimit.sqlite",
        }
        return cls(**{**paths, **changes})


class SyncDriver:
    """Runs lookups by making real HTTP requests, blocking the calling thread."""

    def __init__(self, options: DriverOptions | None = None) -> None:
        """Open the cache and rate-limit files named in ``options`` (creating their directories)."""
        self.options = options or DriverOptions()
        self._limiter = HostRateLimiter(self.options.rates, self.options.ratelimit_path)
        self._store = _open_cache(self.options) if self.options.use_cache else None
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        _redact_urllib3_logs()

    def run(self, lookup: Lookup[T]) -> T:
        """Run a lookup to completion."""
        return run_lookup(lookup, self.fetch)

    def fetch(self, request: HttpRequest) -> HttpResponse:
        """Make one request, retrying transport failures and short rate limits.

        Returns every HTTP answer, including 4xx/5xx and a rate limit too long to wait out:
        statuses are for the source to judge (``core.http.check_status``).

        Raises:
            Unavailable: timeout, refused or broken connection, after the retries.
            BadResponse: the body is larger than ``max_body_bytes``, undecodable, or redirects loop.
        """
        waits = 0
        while True:
            response = self._fetch_once(request)
            wait = rate_limit_wait(request, response)
            if wait is None:
                return response
            if waits >= self.options.max_rate_limit_retries or wait > self.options.max_rate_limit_wait:
                _log.debug("%s: rate limited by %s, giving up (wait %.1f s)", request.source, request.host, wait)
                return response
            waits += 1
            _log.debug("%s: rate limited by %s, waiting %.1f s", request.source, request.host, wait)
            self.options.sleep(wait)

    def close(self) -> None:
        """Close connections, the cache and the rate-limit files."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        if self._store is not None:
            self._store.close()  # type: ignore[no-untyped-call]
        self._limiter.close()

    def __enter__(self) -> SyncDriver:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _fetch_once(self, request: HttpRequest) -> HttpResponse:
        session = self._session(retry_5xx=request.retry_5xx)
        prepared = session.prepare_request(requests.Request(
            method=request.method, url=request.url, params=list(request.params),
            headers=_request_headers(request), data=request.body,
        ))
        key = self._cache_key(request, prepared)
        if key is not None:
            hit = self._cached(key)
            if hit is not None:
                _log.debug("%s %s -> %d (cached)", request.method, redact_url(request.full_url), hit.status)
                return hit
        # Only requests that reach the network spend a rate-limit slot.
        self._limiter.acquire(request.host, self.options.sleep)
        started = time.monotonic()
        try:
            response = session.send(prepared, stream=True, timeout=self.options.timeout, allow_redirects=True)
            try:
                body = _read_body(request, response, self.options.max_body_bytes)
            finally:
                response.close()
        except requests.RequestException as exc:
            error = _translate(request, exc, self.options.timeout)
            _log.debug("%s %s failed after %.2f s: %s", request.method, redact_url(request.full_url),
                       time.monotonic() - started, error)
            raise error from None
        elapsed = time.monotonic() - started
        _log.debug("%s %s -> %d in %.2f s", request.method, redact_url(request.full_url), response.status_code, elapsed)
        if key is not None:
            self._store_response(key, response, body)
        return HttpResponse(status=response.status_code, url=response.url, body=body,
                            headers={k.lower(): v for k, v in response.headers.items()})

    def _session(self, *, retry_5xx: bool = True) -> requests.Session:
        # Two sessions a thread: retries of 5xx answers are mounted on the adapter, so a request
        # whose 5xx is a real answer (HttpRequest.retry_5xx False) goes through one without them.
        name = "session" if retry_5xx else "session_no_5xx_retry"
        session: requests.Session | None = getattr(self._local, name, None)
        if session is None:
            session = _new_session(self.options, retry_5xx=retry_5xx)
            setattr(self._local, name, session)
            with self._lock:
                self._sessions.append(session)
        return session

    def _cache_key(self, request: HttpRequest, prepared: requests.PreparedRequest) -> str | None:
        store = self._store
        if (store is None or not request.cacheable or request.max_bytes is not None
                or request.body is not None or request.method.upper() not in store.settings.allowable_methods):
            return None
        # Headers (the User-Agent among them) are not part of the key: match_headers=False.
        return str(store.cache.create_key(prepared))

    def _cached(self, key: str) -> HttpResponse | None:
        assert self._store is not None
        cached = self._store.cache.get_response(key)
        if cached is None or cached.is_expired or cached.status_code not in self._store.settings.allowable_codes:
            return None
        return HttpResponse(status=cached.status_code, url=cached.url, body=cached.content or b"",
                            headers={k.lower(): v for k, v in cached.headers.items()}, from_cache=True)

    def _store_response(self, key: str, response: requests.Response, body: bytes) -> None:
        # Only whole 200 answers: a 403/429 rate-limit answer or a 5xx cached as "the result"
        # would read as "no such album" for a week.
        assert self._store is not None
        if response.status_code not in self._store.settings.allowable_codes or self.options.cache_expire <= 0:
            return
        # The body was streamed through the size cap; hand requests-cache the bytes we read
        # rather than letting it read the (already consumed) stream again.
        response._content = body
        expires = get_expiration_datetime(timedelta(seconds=self.options.cache_expire))
        self._store.cache.save_response(response, cache_key=key, expires=expires)


def _open_cache(options: DriverOptions) -> CachedSession | None:
    # The CachedSession is used for its SQLite backend and settings only; requests go out through
    # plain sessions, because (1) a cache hit must not spend a rate-limit slot, so the cache is
    # read before the limiter is asked; (2) CachedSession reads a whole body into memory to store
    # it, past the body cap; (3) its per-request cache_disabled() is not thread-safe.
    if options.cache_path is None:
        return None
    options.cache_path.parent.mkdir(parents=True, exist_ok=True)
    return CachedSession(
        cache_name=str(options.cache_path),
        backend="sqlite",
        expire_after=timedelta(seconds=options.cache_expire),
        allowable_codes=(200,),
        allowable_methods=("GET",),
        stale_if_error=False,
        match_headers=False,
        ignored_parameters=tuple(DEFAULT_IGNORED_PARAMS) + _SECRET_PARAMS,
    )


class _Retry(Retry):
    """urllib3's Retry, sleeping through the driver's ``sleep`` and leaving 429 to the driver."""

    # urllib3 would otherwise retry a 413/429 carrying Retry-After itself, sleeping as long as
    # the server says (hours, for some APIs). The driver waits out 429s within its own limits.
    RETRY_AFTER_STATUS_CODES = frozenset({503})

    def __init__(self, *args: Any, sleep_fn: Callable[[float], None] = time.sleep,
                 max_wait: float = 60.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sleep_fn = sleep_fn
        self.max_wait = max_wait

    def new(self, **kw: Any) -> _Retry:
        retry = super().new(**kw)
        retry.sleep_fn = self.sleep_fn
        retry.max_wait = self.max_wait
        return retry

    def sleep(self, response: Any = None) -> None:
        wait = self.get_retry_after(response) if response is not None and self.respect_retry_after_header else None
        if wait is None:
            wait = self.get_backoff_time()
        if wait > 0:
            self.sleep_fn(min(wait, self.max_wait))


def _new_session(options: DriverOptions, *, retry_5xx: bool = True) -> requests.Session:
    session = requests.Session()
    retry = _Retry(
        total=options.retries, connect=options.retries, read=options.retries,
        status=options.retries if retry_5xx else 0,
        backoff_factor=options.backoff_factor,
        status_forcelist=(500, 502, 503, 504) if retry_5xx else (),
        allowed_methods=Retry.DEFAULT_ALLOWED_METHODS,  # GET, HEAD and the other idempotent ones
        respect_retry_after_header=True,
        raise_on_status=False,
        sleep_fn=options.sleep,
        max_wait=options.max_rate_limit_wait,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = options.user_agent
    return session


def _request_headers(request: HttpRequest) -> dict[str, str]:
    headers = dict(request.headers)
    if request.max_bytes is not None:
        headers["Range"] = f"bytes=0-{request.max_bytes - 1}"
    return headers


def _read_body(request: HttpRequest, response: requests.Response, cap: int) -> bytes:
    """The body, stopping at ``request.max_bytes``; raises BadResponse past ``cap``, never truncating silently."""
    limit = request.max_bytes
    length = response.headers.get("content-length", "")
    if limit is None and length.isdigit() and int(length) > cap:
        raise BadResponse(request.source, request.url, f"body larger than {cap} bytes")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if limit is not None and size >= limit:
            break  # a server that ignores Range still gets only the bytes asked for
        if size > cap:
            raise BadResponse(request.source, request.url, f"body larger than {cap} bytes")
    body = b"".join(chunks)
    return body if limit is None else body[:limit]


def _translate(request: HttpRequest, exc: requests.RequestException, timeout: tuple[float, float]) -> SourceError:
    """The core error for a requests exception. Messages name the host only: URLs may carry secrets."""
    host, source = request.host, request.source
    causes = list(_causes(exc))
    if isinstance(exc, requests.TooManyRedirects):
        return BadResponse(source, request.url, "too many redirects")
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return BadResponse(source, request.url, "cannot decode the compressed body")
    timed_out = [c for c in causes if _is_timeout(c)]
    if timed_out:
        connect = any(isinstance(c, (requests.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError))
                      for c in timed_out)
        seconds = timeout[0] if connect else timeout[1]
        return Unavailable(source, f"timed out after {seconds:g} s talking to {host}")
    reason = _reason(causes)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return Unavailable(source, f"connection to {host} broke mid-response: {reason}")
    if isinstance(exc, requests.exceptions.RetryError):
        return Unavailable(source, f"gave up on {host} after retries: {reason}")
    if isinstance(exc, requests.ConnectionError):
        return Unavailable(source, f"cannot connect to {host}: {reason}")
    return Unavailable(source, f"request to {host} failed: {reason}")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps (args, urllib3's ``reason``, cause and context)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        wrapped = [*e.args, getattr(e, "reason", None), e.__cause__, e.__context__]
        todo.extend(w for w in wrapped if isinstance(w, BaseException))


def _is_timeout(exc: BaseException) -> bool:
    # urllib3's NewConnectionError subclasses ConnectTimeoutError for history's sake: it is a
    # refusal or a failed DNS lookup, not a timeout.
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return False
    return isinstance(exc, (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError))


def _reason(causes: list[BaseException]) -> str:
    """A short reason from the innermost OS-level error, which never holds the URL."""
    for e in reversed(causes):
        if isinstance(e, OSError) and not isinstance(e, requests.RequestException) and e.strerror:
            return str(e.strerror)
    for e in reversed(causes):
        if isinstance(e, urllib3.exceptions.NewConnectionError):
            return str(e).rpartition(": ")[2] or type(e).__name__
    return type(causes[-1]).__name__


# urllib3 logs retried URLs whole ("Retrying (...) after connection broken by ...: /path?query"),
# query string and all. This filter redacts secret-looking parameters in those records.
_URLISH = re.compile(r"[^\s'\"()<>]*\?[^\s'\"()<>]*")
_URLLIB3_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.connection")
_filter_lock = threading.Lock()
_filter_installed = False


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg = _URLISH.sub(lambda m: redact_url(m.group(0)), message)
            record.args = ()
        return True


def _redact_urllib3_logs() -> None:
    global _filter_installed
    with _filter_lock:
        if _filter_installed:
            return
        for name in _URLLIB3_LOGGERS:
            logging.getLogger(name).addFilter(_RedactingFilter())
        _filter_installed = True

