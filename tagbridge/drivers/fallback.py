"""Saying once that a file on disk could not be used, and going on without it.

The HTTP cache and the shared rate-limit file are conveniences: a missing, unwritable or corrupt
one must never fail a lookup inside beets or Picard. The driver falls back (no cache, limits in
memory) and logs one human-readable WARNING line per problem per process, never a traceback:
a batch of a thousand albums would otherwise repeat it a thousand times.

What belongs here: the once-per-process bookkeeping and the wording of a reason.
What doesn't: deciding what to fall back to (``http_cache.py``, ``ratelimit.py``).
"""

from __future__ import annotations

import logging
import threading

__all__ = ["describe", "report_once"]

_log = logging.getLogger("tagbridge")

_reported: set[tuple[str, str]] = set()
_lock = threading.Lock()


def report_once(what: str, reason: str, consequence: str, *, quiet: bool = False) -> None:
    """Log ``cannot use <what> (<reason>); <consequence>``: a WARNING the first time, DEBUG after.

    Args:
        what: the thing and its path, e.g. ``the HTTP cache at /x/http-cache.sqlite``.
        reason: why, in a few words (see :func:`describe`).
        consequence: what the driver does instead.
        quiet: log at DEBUG only, and leave the problem unreported for a caller that cares.
    """
    message = f"cannot use {what} ({reason}); {consequence}"
    key = (what, reason)
    with _lock:
        first = not quiet and key not in _reported
        if first:
            _reported.add(key)
    _log.log(logging.WARNING if first else logging.DEBUG, "%s", message)


def describe(exc: BaseException) -> str:
    """A one-line reason for ``exc``: an OS error's text ("Not a directory"), or SQLite's message."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
