"""HTTP requests and responses as plain values, and the generator protocol that links sources to drivers.

A lookup is a generator: it yields an :class:`HttpRequest`, is sent an :class:`HttpResponse`, and
finally returns its result. A driver that cannot obtain a usable response (timeout, refused
connection, a redirect loop, a body over the size cap) throws the matching
:class:`~tagbridge.core.errors.SourceError` into the generator instead, so a lookup can recover
(try the next storefront) or let it propagate to the resolver, which reports that source as
failed and goes on with the others.

What belongs here: the values and pure helpers that read status codes. What doesn't: sockets,
sleeping, caching (drivers), and any service's particular shapes (sources).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

from tagbridge.core.errors import BadResponse, RateLimited, ResponseError, SourceError, Unavailable

__all__ = [
    "HttpRequest",
    "HttpResponse",
    "Lookup",
    "check_status",
    "parse_json",
    "parse_retry_after",
    "rate_limit_wait",
    "host_of",
    "run_lookup",
    "usable_answer",
    "Validator",
]

T = TypeVar("T")

#: A sans-I/O lookup: yields requests, receives responses, returns ``T``.
Lookup = Generator["HttpRequest", "HttpResponse", T]

#: Parses an answer the way its lookup will, raising a SourceError when it cannot be used.
Validator = Callable[["HttpRequest", "HttpResponse"], object]

#: Backoff, in seconds, when a service rate-limits without saying for how long.
DEFAULT_RATE_LIMIT_WAIT = 5.0


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpRequest:
    """One HTTP request a lookup wants made."""

    url: str
    source: str
    method: str = "GET"
    params: tuple[tuple[str, str], ...] = ()
    #: Kept out of repr: an Authorization header holds credentials.
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    body: bytes | None = field(default=None, repr=False)
    #: The service signals rate limiting with a 403 and an empty body (iTunes does).
    empty_403_is_rate_limit: bool = False
    #: Fetch at most this many bytes of the body (a ``Range`` request), e.g. to probe image size.
    max_bytes: int | None = None
    #: Whether a driver may answer this request from, and store it in, its HTTP cache.
    cacheable: bool = True
    #: Whether a driver may retry a 5xx answer. False when a 5xx is the service's deterministic
    #: answer rather than an outage (the seed Spotify clone answers 500 for unknown ids).
    retry_5xx: bool = True
    #: Whether the service's rate limit applies. The limit is keyed by ``source``, not by host:
    #: two services may share a host (a mirror, a test server). Image downloads from a CDN
    #: set this False, since the limit is the API's, not the CDN's.
    rate_limited: bool = True
    #: How the lookup will parse a 200 answer; a caching driver stores only answers this accepts
    #: (see :func:`usable_answer`). None means "any UTF-8 JSON document".
    validate: Validator | None = field(default=None, repr=False, compare=False)

    @property
    def full_url(self) -> str:
        """The URL with its query string, for logs, caches and error messages."""
        if not self.params:
            return self.url
        sep = "&" if "?" in self.url else "?"
        return self.url + sep + urlencode(self.params)

    @property
    def host(self) -> str:
        """The request's ``host[:port]``, for messages; never its user info."""
        return host_of(self.url)


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpResponse:
    """One HTTP response; header names are lower-cased."""

    status: int
    url: str
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    #: True when the driver answered from its cache.
    from_cache: bool = False

    def header(self, name: str) -> str | None:
        """A header's value, looked up case-insensitively."""
        return self.headers.get(name.lower())


def host_of(url: str) -> str:
    """The lower-cased host (with port, if any) of ``url``, never its user info."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds; None when absent or unreadable.

    The HTTP-date form is not parsed: no service tagbridge uses sends it.
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)


def rate_limit_wait(request: HttpRequest, response: HttpResponse) -> float | None:
    """How long to wait before retrying, when ``response`` is a rate-limit answer; else None.

    429 anywhere is a rate limit. iTunes answers 403 with an empty body when throttling, so
    requests built with ``empty_403_is_rate_limit`` treat that as one too.
    """
    if response.status == 429:
        wait = parse_retry_after(response.header("retry-after"))
        return DEFAULT_RATE_LIMIT_WAIT if wait is None else wait
    if response.status == 403 and request.empty_403_is_rate_limit and not response.body.strip():
        return DEFAULT_RATE_LIMIT_WAIT
    return None


def check_status(request: HttpRequest, response: HttpResponse, *, ok: tuple[int, ...] = (200,)) -> None:
    """Raise the matching error unless ``response.status`` is in ``ok``.

    Raises:
        RateLimited: 429, or an empty 403 from a service that throttles that way.
        Unavailable: any 5xx.
        ResponseError: anything else outside ``ok``.
    """
    if response.status in ok:
        return
    wait = rate_limit_wait(request, response)
    if wait is not None:
        raise RateLimited(request.source, wait)
    if 500 <= response.status < 600:
        raise Unavailable(request.source, f"HTTP {response.status} from {request.host}")
    raise ResponseError(request.source, request.url, response.status)


def parse_json(request: HttpRequest, response: HttpResponse) -> object:
    """Decode a JSON body, or raise :class:`BadResponse` saying what came instead."""
    body = response.body
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BadResponse(request.source, request.url, "body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        head = body.lstrip()[:15].lower()
        if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
            raise BadResponse(request.source, request.url, "got HTML/XML where JSON was expected") from None
        if not body.strip():
            raise BadResponse(request.source, request.url, "empty body where JSON was expected") from None
        raise BadResponse(request.source, request.url, f"malformed or truncated JSON ({exc.msg} at byte {exc.pos})") from None


def usable_answer(request: HttpRequest, response: HttpResponse) -> bool:
    """True when ``response`` is a 200 that ``request``'s lookup can use, so it may be cached.

    An HTML login page, truncated JSON, an empty or non-UTF-8 body or the wrong shape is not:
    cached, it would read as "no result" for days after the service healed.
    """
    if response.status != 200:
        return False
    try:
        if request.validate is not None:
            request.validate(request, response)
        else:
            parse_json(request, response)
    except SourceError:
        return False
    return True


def run_lookup(lookup: Lookup[T], fetch: Callable[[HttpRequest], HttpResponse]) -> T:
    """Run ``lookup`` to completion with a blocking ``fetch``; for drivers that may block.

    ``fetch`` raises :class:`~tagbridge.core.errors.SourceError` subclasses for transport
    failures; they are thrown into the lookup at the point that asked, so it can recover.
    """
    try:
        request = next(lookup)
        while True:
            try:
                response = fetch(request)
            except SourceError as exc:
                request = lookup.throw(exc)
            else:
                request = lookup.send(response)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
