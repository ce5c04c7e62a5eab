"""Per-host request rate limits for the sync driver, optionally shared across processes.

The CLI runs one process per call, so a limit kept in memory would reset every time; with a path
the limits live in a SQLite file (pyrate-limiter's ``SQLiteBucket``, one table per host) that
every process on the machine reads. Without a path the buckets are in memory.

What belongs here: deciding how long to wait before the next request to a host, and waiting.
What doesn't: HTTP, retries or caching (``sync.py``).

Thread-safe: each host's bucket is guarded by its own lock, held only while claiming a slot,
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

__all__ = ["HostRateLimiter"]

_log = logging.getLogger("tagbridge")

#: Added to every computed wait, as pyrate-limiter's own ``Limiter`` does (its ``buffer_ms``),
#: so the retry lands just after the window has moved rather than just before.
_BUFFER_S = 0.05


class _HostBucket:
    """One host's bucket, its lock, and the clock its timestamps come from."""

    def __init__(self, bucket: AbstractBucket, conn: sqlite3.Connection | None) -> None:
        self.bucket = bucket
        self.conn = conn
        self.lock = threading.Lock()

    def now_ms(self) -> int:
        # A file shared between processes needs a clock they share: the wall clock.
        if self.conn is not None:
            return time.time_ns() // 1_000_000
        return time.monotonic_ns() // 1_000_000

    def claim(self, host: str) -> float:
        """Take a slot now and return 0.0, or return the seconds until one may be free."""
        with self.lock:
            with self._exclusive():
                self.bucket.leak(self.now_ms())
            with self._exclusive():
                # The timestamp is taken once the write lock is held: a request stamped while
                # another process held it would land in the past and count too little.
                item = RateItem(host, self.now_ms())
                admitted = self.bucket.put(item) is True
            if admitted:
                return 0.0
            wait_ms = self.bucket.waiting(item)
        if not isinstance(wait_ms, int) or wait_ms < 0:
            # -1 means the item can never fit; impossible with weight 1 and limit >= 1.
            raise RuntimeError(f"rate limit for {host} cannot admit a request")
        return wait_ms / 1000 + _BUFFER_S

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


class HostRateLimiter:
    """Blocks until a request to a host fits that host's :class:`RateLimit`; hosts without one pass."""

    def __init__(self, rates: Mapping[str, RateLimit], path: Path | None = None) -> None:
        """Limit each host in ``rates`` (keys are lower-cased ``host[:port]``); persist in ``path`` if given."""
        self._rates = {host.lower(): rate for host, rate in rates.items()}
        self._path = path
        self._buckets: dict[str, _HostBucket] = {}
        self._lock = threading.Lock()
        self._closed = False

    def wait_time(self, host: str) -> float:
        """Claim a slot for ``host`` now and return 0.0, or return the seconds to wait before asking again."""
        bucket = self._bucket(host.lower())
        return 0.0 if bucket is None else bucket.claim(host.lower())

    def acquire(self, host: str, sleep: Callable[[float], None]) -> float:
        """Block (through ``sleep``) until a request to ``host`` is allowed; return the seconds waited.

        ``sleep`` must really pass time: the limiter asks again after each call.
        """
        waited = 0.0
        while (wait := self.wait_time(host)) > 0:
            _log.debug("rate limit for %s: waiting %.2f s", host, wait)
            sleep(wait)
            waited += wait
        return waited

    def close(self) -> None:
        """Close the SQLite connections; further use is an error."""
        with self._lock:
            self._closed = True
            buckets, self._buckets = list(self._buckets.values()), {}
        for b in buckets:
            with b.lock:
                if b.conn is not None:  # in-memory buckets hold nothing (and 3.x buckets lack close())
                    b.conn.close()

    def _bucket(self, host: str) -> _HostBucket | None:
        rate = self._rates.get(host)
        if rate is None:
            return None
        with self._lock:
            if self._closed:
                raise RuntimeError("rate limiter is closed")
            bucket = self._buckets.get(host)
            if bucket is None:
                bucket = self._buckets[host] = self._open(host, rate)
            return bucket

    def _open(self, host: str, rate: RateLimit) -> _HostBucket:
        rates = [Rate(rate.calls, max(1, round(rate.seconds * 1000)))]
        if self._path is None:
            return _HostBucket(InMemoryBucket(rates), None)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        sqlite_bucket = SQLiteBucket.init_from_file(
            rates, table=_table_name(host), db_path=str(self._path), create_new_table=True
        )
        return _HostBucket(sqlite_bucket, sqlite_bucket.conn)


def _table_name(host: str) -> str:
    # pyrate-limiter interpolates the table name into its SQL, so keep it to safe characters.
    return "host_" + re.sub(r"[^a-z0-9]", "_", host.lower())
