"""Per-service request rate limits for the sync driver, optionally shared across processes.

Limits follow the service (a request's ``source``), not the host: a mirror or a test server may
serve MusicBrainz (1 request/s) and the Cover Art Archive (10/s) from one host, and each keeps
its own limit.

The CLI runs one process per call, so a limit kept in memory would reset every time; with a path
the limits live in a SQLite file (pyrate-limiter's ``SQLiteBucket``, one ``svc_<name>`` table per
service) that every process on the machine reads. Without a path the buckets are in memory.
When the file cannot be used (an unwritable directory, a corrupt or read-only file, any SQLite
error while claiming a slot) the limiter says so once and keeps that service's limit in memory.

What belongs here: deciding how long to wait before the next request to a service, and waiting.
What doesn't: HTTP, retries or caching (``sync.py``, ``transport.py``).

Thread-safe: each service's bucket is guarded by its own lock, held only while claiming a slot,
never while sleeping.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pyrate_limiter import AbstractBucket, InMemoryBucket, Rate, RateItem, SQLiteBucket

from tagbridge.core.config import RateLimit
from tagbridge.drivers.fallback import describe, report_once

__all__ = ["ServiceRateLimiter"]

_log = logging.getLogger("tagbridge")

#: Added to every computed wait, as pyrate-limiter's own ``Limiter`` does (its ``buffer_ms``),
#: so the retry lands just after the window has moved rather than just before.
_BUFFER_S = 0.05

#: What a rate-limit file can throw at us: the file system, or SQLite (corrupt, read-only, locked).
_FILE_FAULTS = (OSError, sqlite3.Error)


class _Bucket:
    """One service's bucket, its lock, and the clock its timestamps come from."""

    def __init__(self, bucket: AbstractBucket, conn: sqlite3.Connection | None) -> None:
        self.bucket = bucket
        self.conn = conn
        self.lock = threading.Lock()

    def now_ms(self) -> int:
        # A file shared between processes needs a clock they share: the wall clock.
        if self.conn is not None:
            return time.time_ns() // 1_000_000
        return time.monotonic_ns() // 1_000_000

    def claim(self, service: str) -> float:
        """Take a slot now and return 0.0, or return the seconds until one may be free."""
        with self.lock:
            with self._exclusive():
                self.bucket.leak(self.now_ms())
            with self._exclusive():
                # The timestamp is taken once the write lock is held: a request stamped while
                # another process held it would land in the past and count too little.
                item = RateItem(service, self.now_ms())
                admitted = self.bucket.put(item) is True
            if admitted:
                return 0.0
            wait_ms = self.bucket.waiting(item)
        if not isinstance(wait_ms, int) or wait_ms < 0:
            # -1 means the item can never fit; impossible with weight 1 and limit >= 1.
            raise RuntimeError(f"rate limit for {service} cannot admit a request")
        return wait_ms / 1000 + _BUFFER_S

    def close(self) -> None:
        with self.lock:
            if self.conn is not None:  # in-memory buckets hold nothing (and 3.x buckets lack close())
                self.conn.close()

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        # SQLiteBucket.put counts the window and then inserts, and leak counts old rows and then
        # deletes that many of the oldest, each without a write lock: two processes could both
        # take the last slot, or one could delete the other's fresh rows. BEGIN IMMEDIATE takes
        # SQLite's write lock first (waiting out the busy timeout), so each step is atomic
        # across processes. The bucket commits what it writes; anything else is rolled back.
        if self.conn is None:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.rollback()


class ServiceRateLimiter:
    """Blocks until a request to a service fits that service's :class:`RateLimit`; services without one pass."""

    def __init__(self, rates: Mapping[str, RateLimit], path: Path | None = None) -> None:
        """Limit each service in ``rates`` (keys are service names); share the limits through ``path`` if given."""
        self._rates = {service.lower(): rate for service, rate in rates.items()}
        self._path = path
        #: False once the file has failed: services opened from then on stay in memory.
        self._use_file = path is not None
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self._closed = False

    def wait_time(self, service: str) -> float:
        """Claim a slot for ``service`` now and return 0.0, or return the seconds to wait before asking again."""
        service = service.lower()
        bucket = self._bucket(service)
        if bucket is None:
            return 0.0
        try:
            return bucket.claim(service)
        except _FILE_FAULTS as exc:
            return self._in_memory(service, bucket, exc).claim(service)

    def acquire(self, service: str, sleep: Callable[[float], None],
                before_wait: Callable[[float], None] | None = None) -> float:
        """Block (through ``sleep``) until a request to ``service`` is allowed; return the seconds waited.

        ``sleep`` must really pass time: the limiter asks again after each call. ``before_wait``
        is shown each wait before it starts, and may raise to refuse it (a deadline it would pass).
        """
        waited = 0.0
        while (wait := self.wait_time(service)) > 0:
            if before_wait is not None:
                before_wait(wait)
            _log.debug("rate limit for %s: waiting %.2f s", service, wait)
            sleep(wait)
            waited += wait
        return waited

    def close(self) -> None:
        """Close the SQLite connections; further use is an error."""
        with self._lock:
            self._closed = True
            buckets, self._buckets = list(self._buckets.values()), {}
        for bucket in buckets:
            try:
                bucket.close()
            except sqlite3.Error as exc:
                _log.debug("closing the rate-limit file %s: %s", self._path, describe(exc))

    def _bucket(self, service: str) -> _Bucket | None:
        rate = self._rates.get(service)
        if rate is None:
            return None
        with self._lock:
            if self._closed:
                raise RuntimeError("rate limiter is closed")
            bucket = self._buckets.get(service)
            if bucket is None:
                bucket = self._buckets[service] = self._open(service, rate)
            return bucket

    def _open(self, service: str, rate: RateLimit) -> _Bucket:
        rates = _rates(rate)
        if self._path is None or not self._use_file:
            return _Bucket(InMemoryBucket(rates), None)
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            sqlite_bucket = SQLiteBucket.init_from_file(
                rates, table=_table_name(service), db_path=str(self._path), create_new_table=True
            )
        except _FILE_FAULTS as exc:
            self._give_up_file(exc)
            return _Bucket(InMemoryBucket(rates), None)
        return _Bucket(sqlite_bucket, sqlite_bucket.conn)

    def _in_memory(self, service: str, broken: _Bucket, exc: BaseException) -> _Bucket:
        """Replace ``service``'s file-backed bucket that just failed by one in memory."""
        with self._lock:
            self._give_up_file(exc)
            bucket = self._buckets.get(service)
            if bucket is broken or bucket is None:
                bucket = self._buckets[service] = _Bucket(InMemoryBucket(_rates(self._rates[service])), None)
        try:
            broken.close()
        except sqlite3.Error:
            pass  # it is already broken; the warning has said so
        return bucket

    def _give_up_file(self, exc: BaseException) -> None:
        # Every service opened from now on stays in memory; those already open switch when
        # their own next claim fails.
        report_once(f"the rate-limit file at {self._path}", describe(exc), "keeping rate limits in memory")
        self._use_file = False


def _rates(rate: RateLimit) -> list[Rate]:
    return [Rate(rate.calls, max(1, round(rate.seconds * 1000)))]


def _table_name(service: str) -> str:
    # pyrate-limiter interpolates the table name into its SQL, so keep it to safe characters.
    # "svc_", not the "host_" of earlier versions: old host-keyed tables in an existing file
    # are left alone rather than read as a service's.
    return "svc_" + re.sub(r"[^a-z0-9]", "_", service.lower())
