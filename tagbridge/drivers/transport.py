"""One HTTP exchange within a wall-clock budget, and the core error for every way it can fail.

What belongs here: sending a prepared request and reading its body so that the whole exchange
(connecting, every retry and backoff sleep, redirects, the last byte of the body) ends by a
deadline; and turning requests, urllib3 and socket exceptions into core errors that name the
host and the time actually spent. What doesn't: the cache, rate limits and per-lookup
bookkeeping (``sync.py``), and judging statuses or bodies (sources).

How the deadline holds:

- each attempt connects within min(5 s, time left) and reads with the time left as its socket
  timeout;
- retries are made here, not by urllib3, and none starts, nor does its backoff sleep, unless it
  can end before the deadline;
- a watchdog timer (``watchdog.py``) shuts the exchange's sockets down at the deadline, which
  ends a body that a server drips a byte a second; the failure is reported as the timeout.
"""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3.exceptions
from urllib3.util.retry import Retry

from tagbridge.core.errors import BadResponse, SourceError, Unavailable, redact_url
from tagbridge.core.http import HttpRequest, parse_retry_after
from tagbridge.drivers.options import DriverOptions
from tagbridge.drivers.watchdog import WatchedAdapter, Watchdog

__all__ = ["Deadline", "Transport", "response_headers", "without_userinfo"]

_log = logging.getLogger("tagbridge")

_CHUNK = 64 * 1024
#: The longest a connection may take to open, within the request's own timeout.
_CONNECT_TIMEOUT = 5.0
_RETRY_STATUSES = frozenset({500, 502, 503, 504})
_IDEMPOTENT = Retry.DEFAULT_ALLOWED_METHODS


class _OutOfTime(Exception):
    """The exchange's deadline passed between two steps (a retry, two reads of the body)."""


#: Everything a send or a body read can raise that is the network's fault, not ours.
_FAULTS = (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError,
           ValueError, _OutOfTime)


class Deadline:
    """A stretch of wall-clock time that starts when it is made."""

    __slots__ = ("started", "seconds")

    def __init__(self, seconds: float) -> None:
        self.started = time.monotonic()
        self.seconds = seconds

    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.monotonic() - self.started

    def left(self) -> float:
        """Seconds until the deadline; zero or less once it has passed."""
        return self.seconds - self.elapsed()

    def allows(self, wait: float) -> bool:
        """Whether a wait of ``wait`` seconds starting now ends before the deadline."""
        return wait < self.left()


class Transport:
    """Sends prepared requests within a deadline. One ``requests.Session`` per thread, since
    requests does not promise that a session is thread-safe."""

    def __init__(self, options: DriverOptions) -> None:
        """Use ``options``' retries, backoff, body cap, User-Agent and sleep."""
        self._options = options
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def prepare(self, request: HttpRequest) -> requests.PreparedRequest:
        """``request`` as requests will send it.

        Raises:
            Unavailable: the URL cannot be sent (no host, a bad scheme).
        """
        try:
            return self._session().prepare_request(requests.Request(
                method=request.method, url=request.url, params=list(request.params),
                headers=_request_headers(request), data=request.body,
            ))
        except _FAULTS as exc:
            # requests' messages quote the URL, which may hold a password: name the host only.
            raise Unavailable(request.source, f"cannot send a request to {request.host}: "
                                              f"the URL is not valid ({type(exc).__name__})") from None

    def exchange(self, request: HttpRequest, prepared: requests.PreparedRequest,
                 seconds: float) -> tuple[requests.Response, bytes]:
        """Send ``prepared`` and read its whole body within ``seconds``, retrying as the options allow.

        Returns every HTTP answer with its body, including 4xx/5xx: statuses are for the source.

        Raises:
            Unavailable: timeout, refused or broken connection, after the retries; a timeout's
                message says how long was actually spent.
            BadResponse: the body is larger than ``max_body_bytes``, undecodable, or redirects loop.
        """
        deadline = Deadline(seconds)
        reading = False
        with Watchdog(seconds) as watchdog:
            try:
                response = self._send(request, prepared, deadline)
                reading = True
                try:
                    body = _read_body(request, response, self._options.max_body_bytes, deadline)
                finally:
                    response.close()
            except _FAULTS as exc:
                error = _translate(request, exc, deadline.elapsed(), cut_off=watchdog.fired, reading=reading)
                _log.debug("%s %s failed: %s", request.method, redact_url(request.full_url), error)
                raise error from None
        _log.debug("%s %s -> %d in %.2f s", request.method, redact_url(request.full_url),
                   response.status_code, deadline.elapsed())
        return response, body

    def close(self) -> None:
        """Close every thread's connections."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def _send(self, request: HttpRequest, prepared: requests.PreparedRequest, deadline: Deadline) -> requests.Response:
        session = self._session()
        retried = 0
        while True:
            left = deadline.left()
            if left <= 0:
                raise _OutOfTime()
            try:
                response = session.send(prepared, stream=True, allow_redirects=True,
                                        timeout=(min(_CONNECT_TIMEOUT, left), left))
            except requests.RequestException as exc:
                wait = self._backoff(retried) if retried < self._options.retries and _may_retry(request, exc) else None
                if wait is None or not deadline.allows(wait):
                    raise
                why = _reason(list(_causes(exc)))
            else:
                wait = self._answer_wait(request, response, retried)
                if wait is None or not deadline.allows(wait):
                    return response
                response.close()
                why = f"HTTP {response.status_code}"
            retried += 1
            _log.debug("%s %s: %s; retry %d in %.1f s", request.method, redact_url(request.full_url),
                       why, retried, wait)
            if wait > 0:
                self._options.sleep(wait)

    def _answer_wait(self, request: HttpRequest, response: requests.Response, retried: int) -> float | None:
        """How long to wait before asking again after this answer, or None to hand it back."""
        if (not request.retry_5xx or response.status_code not in _RETRY_STATUSES
                or retried >= self._options.retries or request.method.upper() not in _IDEMPOTENT):
            return None
        if response.status_code == 503:
            after = parse_retry_after(response.headers.get("retry-after"))
            if after is not None:
                return min(after, self._options.max_rate_limit_wait)
        return self._backoff(retried)

    def _backoff(self, retried: int) -> float:
        return self._options.backoff_factor * 2.0**retried

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = WatchedAdapter()  # one attempt per send: retries are made above, within the deadline
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = self._options.user_agent
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session


def response_headers(response: requests.Response) -> Mapping[str, str]:
    """``response``'s headers with lower-cased names, as ``HttpResponse`` holds them."""
    return {k.lower(): v for k, v in response.headers.items()}


def without_userinfo(url: str) -> str:
    """``url`` without its ``user:password@``, for URLs that are shown or stored."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_url(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _request_headers(request: HttpRequest) -> dict[str, str]:
    headers = dict(request.headers)
    if request.max_bytes is not None:
        headers["Range"] = f"bytes=0-{request.max_bytes - 1}"
    return headers


def _read_body(request: HttpRequest, response: requests.Response, cap: int, deadline: Deadline) -> bytes:
    """The body, stopping at ``request.max_bytes``; raises BadResponse past ``cap``, never truncating silently."""
    limit = request.max_bytes
    length = response.headers.get("content-length", "")
    if limit is None and length.isdigit() and int(length) > cap:
        raise BadResponse(request.source, without_userinfo(request.url), f"body larger than {cap} bytes")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if limit is not None and size >= limit:
            break  # a server that ignores Range still gets only the bytes asked for
        if size > cap:
            raise BadResponse(request.source, without_userinfo(request.url), f"body larger than {cap} bytes")
        if deadline.left() <= 0:
            raise _OutOfTime()
    body = b"".join(chunks)
    return body if limit is None else body[:limit]


def _may_retry(request: HttpRequest, exc: requests.RequestException) -> bool:
    """Whether a failed attempt may be made again: always when no connection opened, and for an
    idempotent method when one broke. Never after a certificate failure, a redirect loop, or a
    host name that does not resolve (offline, or a typo in a base URL: asking again only waits)."""
    if isinstance(exc, requests.exceptions.SSLError):
        return False
    if any(isinstance(c, socket.gaierror) for c in _causes(exc)):
        return False
    if any(isinstance(c, urllib3.exceptions.ConnectTimeoutError) for c in _causes(exc)):
        return True  # refused, unresolvable, or slow to connect: the request never left
    return isinstance(exc, (requests.ConnectionError, requests.Timeout)) and request.method.upper() in _IDEMPOTENT


def _translate(request: HttpRequest, exc: BaseException, elapsed: float, *, cut_off: bool,
               reading: bool) -> SourceError:
    """The core error for a failed exchange. Messages name the host only: URLs may carry secrets."""
    host, source = request.host, request.source
    causes = list(_causes(exc))
    # First: once the watchdog has cut the connection, whatever broke broke because of that.
    if cut_off or any(_is_timeout(c) for c in causes):
        connecting = any(isinstance(c, (requests.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError)) for c in causes)
        stage = "the body was still arriving" if reading else "no connection" if connecting else "no answer"
        return Unavailable(source, f"timed out after {elapsed:.1f} s talking to {host} ({stage})")
    if isinstance(exc, requests.TooManyRedirects):
        return BadResponse(source, without_userinfo(request.url), "too many redirects")
    if any(isinstance(c, (requests.exceptions.ContentDecodingError, urllib3.exceptions.DecodeError)) for c in causes):
        return BadResponse(source, without_userinfo(request.url), "cannot decode the compressed body")
    reason = _reason(causes)
    if reading:
        return Unavailable(source, f"connection to {host} broke mid-response: {reason}")
    if any(isinstance(c, urllib3.exceptions.NewConnectionError) for c in causes):
        return Unavailable(source, f"cannot connect to {host}: {reason}")
    if isinstance(exc, requests.ConnectionError):
        return Unavailable(source, f"connection to {host} broke before the answer: {reason}")
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
    if isinstance(exc, _OutOfTime):
        return True
    # urllib3's NewConnectionError subclasses ConnectTimeoutError for history's sake: it is a
    # refusal or a failed DNS lookup, not a timeout.
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return False
    return isinstance(exc, (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError))


def _reason(causes: list[BaseException]) -> str:
    """A short reason from the innermost OS-level or HTTP-parsing error, which never holds the URL."""
    for e in reversed(causes):
        if isinstance(e, OSError) and not isinstance(e, requests.RequestException) and e.strerror:
            return str(e.strerror)
    for e in reversed(causes):
        if isinstance(e, http.client.HTTPException):
            return str(e) or type(e).__name__
        if isinstance(e, urllib3.exceptions.NewConnectionError):
            return str(e).rpartition(": ")[2] or type(e).__name__
    return type(causes[-1]).__name__
