"""The blocking driver, for beets and the CLI: requests with retries, rate limits, a cache and time limits.

What belongs here: running a lookup's requests, and the policy around each one: answering from
the cache, waiting for the service's rate limit, waiting out a 429, storing usable answers, and
the per-lookup bookkeeping below. Every failure leaves as a core error thrown into the lookup.
What doesn't: sockets, retries and timeouts (``transport.py``), the cache file
(``http_cache.py``), the limits (``ratelimit.py``), interpreting statuses or bodies (sources,
``core.http``).

How long one :meth:`SyncDriver.run` can take. Every request has its own wall-clock ``timeout``,
all included (connecting, retries, backoff, the body). Once a service fails at the transport
level in a run (a timeout, a refused or broken connection; not an HTTP 5xx, which its source
judges), the run's further requests to that service fail at once. So a run costs the time of
the answers it gets, plus at most one ``timeout`` per service that stops answering, plus the
waits for rate limits (the limiter's, and at most ``max_rate_limit_retries`` 429 waits of at
most ``max_rate_limit_wait`` each per request). With ``run_deadline`` set, a run never goes
past it: each request's timeout is cut to the time left, no rate-limit wait starts that would
end after it, and once it has passed every further request fails at once. (A DNS lookup in
progress is the one thing no socket timeout bounds.) :meth:`SyncDriver.fetch` alone keeps no
such bookkeeping: each call is bounded by its ``timeout`` and its rate-limit waits. Across runs,
a service that stopped answering is skipped for ``down_for`` seconds (30 by default), so a
batch or an import of many albums pays for a dead service once, not once per album.

Nothing on disk is required: a cache or rate-limit file that cannot be used is reported once
(a WARNING on the "tagbridge" logger) and the driver goes on without the cache, or with the
limits in memory.

Thread safety: beets calls sources from a ``ThreadPoolExecutor``, so one :class:`SyncDriver` may
be used from many threads at once. Each thread gets its own ``requests.Session``; the HTTP
cache's SQLite backend and the rate limiter carry their own locks; a run's bookkeeping belongs
to the thread running it.
"""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType
from typing import TypeVar

from tagbridge.core.errors import Unavailable, redact_url
from tagbridge.core.http import HttpRequest, HttpResponse, Lookup, rate_limit_wait, run_lookup
from tagbridge.drivers.http_cache import HttpCache
from tagbridge.drivers.log_redaction import redact_urllib3_logs
from tagbridge.drivers.options import DEFAULT_USER_AGENT, DriverOptions, default_cache_dir
from tagbridge.drivers.ratelimit import ServiceRateLimiter
from tagbridge.drivers.transport import Deadline, Transport, response_headers, without_userinfo

__all__ = ["DriverOptions", "SyncDriver", "default_cache_dir", "DEFAULT_USER_AGENT"]

T = TypeVar("T")

_log = logging.getLogger("tagbridge")


class SyncDriver:
    """Runs lookups by making real HTTP requests, blocking the calling thread."""

    def __init__(self, options: DriverOptions | None = None) -> None:
        """Open the cache named in ``options`` (creating its directory); never fails for the disk's sake."""
        self.options = options or DriverOptions()
        opts = self.options
        self._limiter = ServiceRateLimiter(opts.rates, opts.ratelimit_path)
        self._cache: HttpCache | None = None
        if opts.cache_path is not None and (opts.cache_read or opts.cache_write):
            self._cache = HttpCache(opts.cache_path, expire=opts.cache_expire, quiet=not opts.cache_read)
        self._transport = Transport(opts)
        #: service -> (when it stopped answering, the failure): later lookups skip it for ``down_for``.
        self._down: dict[str, tuple[float, Unavailable]] = {}
        self._down_lock = threading.Lock()
        redact_urllib3_logs()

    def run(self, lookup: Lookup[T]) -> T:
        """Run a lookup to completion, within ``options.run_deadline``; see the module's notes for the bound."""
        state = _Run(self.options.run_deadline)
        return run_lookup(lookup, lambda request: self._fetch(request, state))

    def fetch(self, request: HttpRequest) -> HttpResponse:
        """Make one request, retrying transport failures and short rate limits.

        Returns every HTTP answer, including 4xx/5xx and a rate limit too long to wait out:
        statuses are for the source to judge (``core.http.check_status``).

        Raises:
            Unavailable: timeout, refused or broken connection, after the retries.
            BadResponse: the body is larger than ``max_body_bytes``, undecodable, or redirects loop.
        """
        return self._fetch(request, None)

    def close(self) -> None:
        """Close connections, the cache and the rate-limit files."""
        self._transport.close()
        if self._cache is not None:
            self._cache.close()
        self._limiter.close()

    def __enter__(self) -> SyncDriver:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _fetch(self, request: HttpRequest, run: _Run | None) -> HttpResponse:
        waits = 0
        while True:
            response = self._fetch_once(request, run)
            wait = rate_limit_wait(request, response)
            if wait is None:
                return response
            if (waits >= self.options.max_rate_limit_retries or wait > self.options.max_rate_limit_wait
                    or (run is not None and not run.allows(wait))):
                _log.debug("%s: rate limited by %s, giving up (wait %.1f s)", request.source, request.host, wait)
                return response
            waits += 1
            _log.debug("%s: rate limited by %s, waiting %.1f s", request.source, request.host, wait)
            self.options.sleep(wait)

    def _fetch_once(self, request: HttpRequest, run: _Run | None) -> HttpResponse:
        if run is not None:
            run.check(request)
            self._check_down(request)
        local = self.options.in_process.get(request.source)
        if local is not None:
            return local(request)
        prepared = self._transport.prepare(request)
        key = self._cache.key(request, prepared) if self._cache is not None else None
        if key is not None and self.options.cache_read:
            assert self._cache is not None
            hit = self._cache.get(request, key)
            if hit is not None:
                _log.debug("%s %s -> %d (cached)", request.method, redact_url(request.full_url), hit.status)
                return hit
        # Only requests that reach the network spend a rate-limit slot.
        if request.rate_limited:
            self._limiter.acquire(request.source, self.options.sleep,
                                  None if run is None else lambda wait: run.check_wait(request, wait))
        seconds = self.options.timeout if run is None else run.cap(request, self.options.timeout)
        try:
            response, body = self._transport.exchange(request, prepared, seconds)
        except Unavailable as exc:
            if run is not None:
                run.remember(request, exc)
                self._remember_down(request, exc)
            raise
        answer = HttpResponse(status=response.status_code, url=without_userinfo(response.url), body=body,
                              headers=response_headers(response))
        if key is not None and self.options.cache_write:
            assert self._cache is not None
            self._cache.save(request, key, answer, response)
        return answer


    def _check_down(self, request: HttpRequest) -> None:
        """Fail at once for a service that stopped answering a moment ago, in an earlier lookup."""
        with self._down_lock:
            down = self._down.get(request.source)
        if down is None:
            return
        at, failure = down
        age = time.monotonic() - at
        if age >= self.options.down_for:
            with self._down_lock:
                self._down.pop(request.source, None)
            return
        raise Unavailable(request.source, f"skipped: {failure.message}, {age:.0f} s ago in an earlier lookup "
                                          f"(asked again {self.options.down_for:g} s after)")

    def _remember_down(self, request: HttpRequest, failure: Unavailable) -> None:
        if self.options.down_for > 0 and not failure.message.startswith("skipped:"):
            with self._down_lock:
                self._down[request.source] = (time.monotonic(), failure)


class _Run:
    """One run's bookkeeping: when it must end, and which services stopped answering in it."""

    def __init__(self, limit: float | None) -> None:
        self._limit = limit
        self._clock = Deadline(limit if limit is not None else float("inf"))
        #: service -> (when it failed, on the run's clock; the failure)
        self._failed: dict[str, tuple[float, Unavailable]] = {}

    def check(self, request: HttpRequest) -> None:
        """Raise Unavailable when the run is past its deadline, or ``request``'s service already failed in it."""
        if self._clock.left() <= 0:
            raise Unavailable(request.source, f"gave up: this lookup has run for {self._clock.elapsed():.1f} s, "
                                              f"past its {self._limit:g} s limit")
        failed = self._failed.get(request.source)
        if failed is not None:
            at, first = failed
            raise Unavailable(request.source, f"skipped: {first.message}, "
                                              f"{self._clock.elapsed() - at:.1f} s ago in this lookup")

    def check_wait(self, request: HttpRequest, wait: float) -> None:
        """Raise Unavailable rather than start a rate-limit wait that would end past the deadline."""
        if not self.allows(wait):
            raise Unavailable(request.source, f"gave up: waiting {wait:.1f} s for the rate limit would take "
                                              f"this lookup past its {self._limit:g} s limit")

    def allows(self, wait: float) -> bool:
        """Whether a wait of ``wait`` seconds ends before the deadline."""
        return self._clock.allows(wait)

    def cap(self, request: HttpRequest, timeout: float) -> float:
        """``timeout``, cut to the time the run has left."""
        self.check(request)
        return min(timeout, self._clock.left())

    def remember(self, request: HttpRequest, failure: Unavailable) -> None:
        """Note that ``request``'s service failed at the transport level: the run skips it from now on."""
        self._failed.setdefault(request.source, (self._clock.elapsed(), failure))
        _log.debug("%s: failed in this lookup; its further requests are skipped", request.source)
