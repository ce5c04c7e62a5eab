"""What a blocking front end (the CLI, beets) needs to run lookups: the driver and Spotify sessions, built from settings.

One :class:`Runtime` per process (or per beets plugin instance) holds the sync driver, with its
HTTP cache, rate-limit state and per-service limits, and the Spotify token shared by every
lookup. It is thread-safe: beets asks sources from a thread pool, and each call gets its own
:class:`~tagbridge.sources.spotify.SpotifySession` primed with the shared token and with what
earlier sessions learned about the service.

What doesn't belong here: any lookup logic (``resolve.py``, ``sources/``), any front end's
options or output, and Picard, whose web service replaces the sync driver.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from tagbridge.core.config import Settings
from tagbridge.core.errors import TagbridgeError
from tagbridge.core.http import HttpRequest, HttpResponse, Lookup
from tagbridge.core.model import AlbumQuery, ArtResolution
from tagbridge.sources.registry import rate_limits
from tagbridge.sources.spotify import SpotifyLearned, SpotifySession, SpotifyToken

if TYPE_CHECKING:  # the driver pulls in requests; import it only when a Runtime is built
    from tagbridge.catalog.store import Catalog
    from tagbridge.drivers.sync import SyncDriver
    from tagbridge.drivers.token_cache import TokenCache

__all__ = ["Runtime", "cache_dir_for"]

T = TypeVar("T")


def _usable_dir(path: Path, *, quiet: bool) -> bool:
    """Whether the cache directory can be created and written; said once per process, in one line, when not."""
    from tagbridge.drivers.fallback import describe, report_once

    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
    except OSError as exc:
        report_once(f"the cache directory {path}", describe(exc),
                    "going on without the HTTP and token caches, with rate limits kept in memory", quiet=quiet)
        return False
    return True


def _open_catalog(settings: Settings) -> Catalog | None:
    """The local catalog when the Spotify backend is ``catalog``.

    Raises:
        CatalogError: it is missing or unusable, saying what to run.
    """
    if settings.spotify_backend != "catalog" or not settings.spotify_catalog:
        return None
    from tagbridge.catalog.store import Catalog

    return Catalog(settings.spotify_catalog)


def _catalog_handlers(catalog: Catalog | None) -> dict[str, Callable[[HttpRequest], HttpResponse]]:
    """Spotify's requests answered in-process by the catalog's Web API functions (the seam the
    clone server wraps in HTTP): one code path, two ways in."""
    if catalog is None:
        return {}
    from tagbridge.catalog.api import handle

    return {"spotify": lambda request: handle(request, catalog)}


def cache_dir_for(settings: Settings, env: Mapping[str, str] | None = None) -> Path:
    """Where the caches live: ``settings.cache_dir``, else ``TAGBRIDGE_CACHE_DIR``, else the user cache dir."""
    if settings.cache_dir:
        return Path(settings.cache_dir).expanduser()
    from tagbridge.drivers.sync import default_cache_dir

    return default_cache_dir(env)


class Runtime:
    """The driver and the shared Spotify state for one front end. Use as a context manager, or call :meth:`close`."""

    def __init__(self, settings: Settings, *, cache_read: bool = True, cache_write: bool = True,
                 env: Mapping[str, str] | None = None, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        """Build the driver for ``settings``.

        Args:
            cache_read: False bypasses the HTTP cache for reading (``--no-cache``); answers are
                still stored, so the entry it bypassed is refreshed.
            cache_write: False never stores answers.
            env: where ``TAGBRIDGE_CACHE_DIR`` is looked up when ``settings.cache_dir`` is unset.
            clock: epoch seconds, for token expiry.
            sleep: how waits are made; tests pass a recorder.
        """
        from tagbridge.drivers.sync import DriverOptions, SyncDriver
        from tagbridge.drivers.token_cache import TokenCache

        self.settings = settings
        self.cache_dir = cache_dir_for(settings, env)
        self._clock = clock
        usable = _usable_dir(self.cache_dir, quiet=not cache_read)
        self.catalog = _open_catalog(settings)
        self.driver: SyncDriver = SyncDriver(DriverOptions(
            in_process=_catalog_handlers(self.catalog),
            cache_path=self.cache_dir / "http-cache.sqlite" if usable else None,
            ratelimit_path=self.cache_dir / "ratelimit.sqlite" if usable else None,
            cache_read=cache_read,
            cache_write=cache_write,
            rates=rate_limits(settings),
            timeout=settings.timeout,
            run_deadline=settings.deadline,
            max_rate_limit_retries=settings.rate_limit_retries,
            sleep=sleep,
        ))
        self._lock = threading.Lock()
        #: Held while one thread fetches the shared token, so parallel lookups fetch it once.
        self._token_lock = threading.Lock()
        self._token_cache: TokenCache | None = None
        creds = settings.spotify_credentials
        if creds and settings.spotify_token_url and usable:
            self._token_cache = TokenCache(self.cache_dir, creds[0], settings.spotify_token_url)
        self._token: SpotifyToken | None = None
        self._token_loaded = False
        self._learned: SpotifyLearned | None = None

    def run(self, lookup: Lookup[T]) -> T:
        """Run a lookup to completion on the calling thread, within ``settings.deadline``."""
        return self.driver.run(lookup)

    @contextmanager
    def spotify(self) -> Iterator[SpotifySession]:
        """A Spotify session for one lookup, primed with the shared token; what it learns is kept.

        With the api backend the token and the service's verdicts (batch lookups refused,
        ISRCs withheld) are kept on disk (mode 0600) between runs, so a new ``beet import``
        does not pay for the probes again.
        """
        with self._lock:
            if not self._token_loaded:
                stored = self._token_cache.load() if self._token_cache else None
                self._token = SpotifyToken.from_json(stored) if stored else None
                self._learned = SpotifyLearned.from_json(stored.get("learned")) if stored else None
                self._token_loaded = True
        self._share_a_token()
        with self._lock:
            session = SpotifySession(self.settings, clock=self._clock, token=self._token, learned=self._learned)
        try:
            yield session
        finally:
            with self._lock:
                learned = session.learned()
                verdicts_changed = self._learned is None or learned.to_json() != self._learned.to_json()
                self._learned = learned
                if session.token_changed and session.token is not None:
                    self._token = session.token
                if self._token_cache is not None and self._token is not None and (
                        session.token_changed or verdicts_changed):
                    self._token_cache.save({**self._token.to_json(), "learned": learned.to_json()})

    def _share_a_token(self) -> None:
        """Fetch the shared token once, however many threads start a Spotify lookup at the same time."""
        probe = SpotifySession(self.settings, clock=self._clock)
        if not probe.uses_token or self.settings.spotify_credentials is None:
            return
        with self._token_lock:
            with self._lock:
                token = self._token
            if token is not None and token.usable(self._clock()):
                return
            session = SpotifySession(self.settings, clock=self._clock, token=token)
            try:
                self.run(session.ensure_token())
            except TagbridgeError:
                return  # the lookup that needs it will meet the same failure and report it
            with self._lock:
                self._token = session.token
                if self._token_cache is not None and session.token is not None:
                    learned = self._learned.to_json() if self._learned else {}
                    self._token_cache.save({**session.token.to_json(), "learned": learned})

    def resolve_art(self, query: AlbumQuery, *, probe: bool = False) -> ArtResolution:
        """Cover art for ``query``, ranked across the configured sources; see :func:`tagbridge.resolve.resolve_art`."""
        from tagbridge.resolve import resolve_art

        if "spotify" not in self.settings.sources:
            return self.run(resolve_art(self.settings, query, probe=probe))
        with self.spotify() as session:
            return self.run(resolve_art(self.settings, query, probe=probe, spotify_session=session))

    def download_image(self, url: str, source: str) -> bytes:
        """The whole image at ``url``, checked to be complete; never a partial file.

        Raises:
            SourceError: the download failed (a status, a timeout, a body over the cap), or
                what arrived is not a whole image (cut off in transit, an HTML page).
        """
        from tagbridge.core.errors import BadResponse
        from tagbridge.core.http import HttpRequest, check_status
        from tagbridge.sources.artwork import image_complete

        request = HttpRequest(url=url, source=source, cacheable=False, rate_limited=False)
        response = self.driver.fetch(request)
        check_status(request, response)
        if not image_complete(response.body):
            raise BadResponse(source, url, f"not a whole image ({len(response.body)} bytes, cut off or not an image)")
        return response.body

    def close(self) -> None:
        """Close connections, the cache files and the catalog."""
        self.driver.close()
        if self.catalog is not None:
            self.catalog.close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
