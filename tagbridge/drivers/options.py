"""How the sync driver talks to the network: one frozen value of settings, and where its files go.

What belongs here: :class:`DriverOptions`, its defaults and the default cache directory.
What doesn't: anything that acts on them (``sync.py``, ``transport.py``, ``http_cache.py``,
``ratelimit.py``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from tagbridge import __version__
from tagbridge.core.config import RateLimit
from tagbridge.core.errors import ConfigError
from tagbridge.core.http import HttpRequest, HttpResponse

__all__ = ["DriverOptions", "default_cache_dir", "DEFAULT_USER_AGENT"]

#: MusicBrainz asks for an identifying User-Agent with a contact URL.
DEFAULT_USER_AGENT = f"tagbridge/{__version__} ( https://github.com/tagbridge/tagbridge )"


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

    #: The most one request may take, in seconds of wall-clock time: connecting (at most 5 s of
    #: it), every retry and backoff sleep, redirects and the whole body. Waits for rate limits
    #: (the limiter's, a 429's) come on top: they are not the server failing to answer.
    timeout: float = 20.0
    #: Retries for refused/dropped connections and 500/502/503/504, with exponential backoff,
    #: all within ``timeout``.
    retries: int = 3
    backoff_factor: float = 0.5
    #: SQLite file for the HTTP cache; None disables the cache.
    cache_path: Path | None = None
    cache_expire: float = 7 * 86400
    #: False bypasses the cache for reading (the CLI's ``--no-cache``); nothing fails, or warns,
    #: when the cache cannot be opened then.
    cache_read: bool = True
    #: Whether usable answers are stored; with ``cache_read=False`` this refreshes the entries
    #: the run bypassed.
    cache_write: bool = True
    #: Limits keyed by service name (a request's ``source``: "itunes", "caa", "musicbrainz",
    #: "spotify"), applied to requests whose ``rate_limited`` is True. Two services on one host
    #: keep their own limits.
    rates: Mapping[str, RateLimit] = field(default_factory=dict)
    #: SQLite file shared by every process for the limits; None keeps them in memory.
    ratelimit_path: Path | None = None
    #: The most one ``SyncDriver.run`` may take, in seconds; None for no limit. Past it every
    #: further request of the run fails at once, and no wait that would end past it starts.
    run_deadline: float | None = None
    #: After a service stopped answering in a run (a timeout, a refused or broken connection),
    #: later runs skip it for this many seconds: an import of many albums while a service is
    #: down costs its timeout once, not once per album. 0 turns it off.
    down_for: float = 30.0
    #: Services answered in the process by a function instead of the network (the ``catalog``
    #: backend: Spotify's requests go to the local catalog's Web API functions). Their answers
    #: skip the HTTP cache and the rate limits.
    in_process: Mapping[str, Callable[[HttpRequest], HttpResponse]] = field(default_factory=dict)
    user_agent: str = DEFAULT_USER_AGENT
    #: How often to wait out a 429 (or iTunes' empty 403) before handing it back to the source.
    max_rate_limit_retries: int = 2
    #: Longest single wait for a rate limit; a longer Retry-After is handed back at once.
    max_rate_limit_wait: float = 60.0
    max_body_bytes: int = 64 * 1024 * 1024
    #: Every wait goes through this, so tests can record waits without patching.
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if not self.timeout > 0:
            raise ConfigError(f"timeout must be positive, not {self.timeout!r}")
        if self.run_deadline is not None and not self.run_deadline > 0:
            raise ConfigError(f"run_deadline must be positive or None, not {self.run_deadline!r}")

    @classmethod
    def with_default_paths(cls, env: Mapping[str, str] | None = None, **changes: Any) -> DriverOptions:
        """Options with the cache and rate-limit files under :func:`default_cache_dir` (``env``), plus ``changes``."""
        base = default_cache_dir(env)
        paths: dict[str, Any] = {
            "cache_path": base / "http-cache.sqlite",
            "ratelimit_path": base / "ratelimit.sqlite",
        }
        return cls(**{**paths, **changes})
