"""tagbridge for beets: a Spotify metadata source for ``beet import`` and a ranked art source for ``beet fetchart``.

A thin adapter: beets' items and albums become the core's evidence and queries
(``info.py``), the shared identification and resolver decide (``tagbridge.identify``,
``tagbridge.resolve``), and records become ``AlbumInfo``/``TrackInfo``. Enable it with
``plugins: tagbridge fetchart``; the options are those of ``tagbridge/settings.py`` under
``tagbridge:``, read by the same parser the command line uses.

beets asks every metadata source from a thread pool; the one :class:`~tagbridge.runtime.Runtime`
here is thread-safe, and each call gets its own Spotify session. A failing backend logs one
line and yields no candidates; it never aborts an import.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from beets.exceptions import UserError
from beets.metadata_plugins import MetadataSourcePlugin

from beetsplug.tagbridge.art import attach_to_fetchart, register_art_source
from beetsplug.tagbridge.info import (
    DATA_SOURCE,
    album_info,
    evidence_from_items,
    query_for_album,
    track_info,
)
from tagbridge.core.config import Settings
from tagbridge.core.errors import ConfigError, TagbridgeError
from tagbridge.core.http import Lookup
from tagbridge.core.model import ArtResolution
from tagbridge.core.records import TrackRecord
from tagbridge.identify import find_spotify_albums, find_spotify_tracks
from tagbridge.settings import settings_from_mapping
from tagbridge.sources import spotify

if TYPE_CHECKING:
    from beets.autotag.hooks import AlbumInfo, TrackInfo
    from beets.library import Album, Item
    from beets.ui import Subcommand

    from tagbridge.runtime import Runtime

__all__ = ["TagbridgePlugin"]

T = TypeVar("T")

#: Options beets adds to every metadata source's section, and this plugin's own switches:
#: not settings of the resolver.
_HOST_OPTIONS = ("search_limit", "data_source_mismatch_penalty", "source_weight", "search_query_ascii",
                 "art_source", "cover_art_url")

_DEFAULTS: dict[str, Any] = {
    "sources": ["caa", "itunes", "spotify"],
    "size": 3000,
    "countries": ["US"],
    "min_score": 0.85,
    "spotify": {
        "backend": "api",
        # Unset: the parser picks Spotify's own for the api backend, and no token for a clone.
        "url": None,
        "token_url": None,
        "client_id": None,
        "client_secret": None,
        "dialect": "auto",
    },
    "rates": {},
    "urls": {},
    "timeout": 20,
    # beets waits for the import anyway: wait out more rate-limit answers than the CLI does,
    # and give them the time (Spotify's Retry-After is often 30 s).
    "deadline": 300,
    "rate_limit_retries": 5,
    "cache_dir": None,
    "art_source": True,
    "cover_art_url": True,
}

register_art_source()


class TagbridgePlugin(MetadataSourcePlugin):
    """The beets plugin: metadata source, fetchart art source and the ``beet tagbridge`` command."""

    #: Stored on items; distinct from beets' own "Spotify" (see ``info.DATA_SOURCE``).
    data_source = DATA_SOURCE

    def __init__(self) -> None:
        super().__init__()
        self.config.add(_DEFAULTS)
        self.config["spotify"]["client_secret"].redact = True
        self.config["spotify"]["client_id"].redact = True
        self._runtime: Runtime | None = None
        self._lock = threading.Lock()
        self._bad_config: str | None = None
        self._said_unusable = False
        try:
            self.settings = self._read_settings()
        except ConfigError as exc:
            self._bad_config = str(exc)
            self.settings = Settings()
        _forward_core_logs(self._log)
        self.register_listener("pluginload", self._on_pluginload)
        self.register_listener("import_task_apply", self._fill_isrcs)
        self.register_listener("cli_exit", self._close)

    # --- configuration ------------------------------------------------------------------------

    def _read_settings(self) -> Settings:
        options = {k: v for k, v in self.config.flatten().items() if k not in _HOST_OPTIONS}
        return settings_from_mapping(options, prefix="tagbridge")

    def _on_pluginload(self, *_: Any, **__: Any) -> None:
        if self._bad_config:
            # Raised here rather than in __init__: beets turns an exception there into a
            # traceback and a silently missing plugin; from an event it is a one-line error.
            raise UserError(self._bad_config)
        attach_to_fetchart(insert=self.config["art_source"].get(bool))

    @property
    def spotify_usable(self) -> bool:
        """False when the api backend lacks credentials: every Spotify call would fail the same way.

        Said once, when Spotify is first needed, so ``beet ls`` stays quiet.
        """
        s = self.settings
        if s.spotify_backend != "api" or s.spotify_credentials is not None:
            return True
        with self._lock:
            if not self._said_unusable:
                self._said_unusable = True
                self._log.warning("Spotify's api backend needs tagbridge.spotify.client_id and "
                                  "client_secret (a free app at developer.spotify.com), or spotify.backend: clone "
                                  "with spotify.url; until then tagbridge finds no Spotify matches")
        return False

    def _close(self, *_: Any, **__: Any) -> None:
        with self._lock:
            runtime, self._runtime = self._runtime, None
        if runtime is not None:
            runtime.close()

    @property
    def runtime(self) -> Runtime:
        """The driver and shared Spotify state, built on first use (so ``beet ls`` opens no cache)."""
        with self._lock:
            if self._runtime is None:
                from tagbridge.runtime import Runtime

                self._runtime = Runtime(self.settings)
            return self._runtime

    # --- running lookups ----------------------------------------------------------------------

    def spotify_lookup(self, what: str, make: Callable[[spotify.SpotifySession], Lookup[T]], empty: T) -> T:
        """Run one Spotify lookup; a failure is one log line and ``empty``, never an aborted import."""
        if not self.spotify_usable:
            return empty
        try:
            with self.runtime.spotify() as session:
                return self.runtime.run(make(session))
        except TagbridgeError as exc:
            self._log.warning("{} failed: {}", what, exc)
        except Exception as exc:  # noqa: BLE001 - the adapter boundary: nothing may abort an import
            self._log.warning("{} failed unexpectedly: {}", what, exc)
            self._log.debug("details", exc_info=True)
        return empty

    # --- the metadata source ------------------------------------------------------------------

    def candidates(self, items: Sequence[Item], artist: str, album: str, va_likely: bool) -> Iterable[AlbumInfo]:
        """Albums for ``items``: by a Spotify link, the ISRCs, the barcode, and only then by text."""
        evidence = evidence_from_items(items, "" if va_likely and not artist else artist, album)
        found = self.spotify_lookup(f"looking up {artist} - {album}",
                              lambda session: find_spotify_albums(session, evidence), None)
        if found is None:
            return []
        for passed in found.passed_over:
            self._log.debug("passed over {} - {}: {}", passed.artist, passed.title, "; ".join(passed.reasons))
        return [album_info(record, self.settings) for record in found.records]

    def item_candidates(self, item: Item, artist: str, title: str) -> Iterable[TrackInfo]:
        """Tracks for one item: by its ISRC, else by text."""
        isrcs = [item.isrc] if getattr(item, "isrc", None) else []
        none: list[TrackRecord] = []
        records = self.spotify_lookup(f"looking up {artist} - {title}",
                                      lambda session: find_spotify_tracks(session, artist=artist, title=title,
                                                                          isrcs=isrcs), none)
        return [track_info(r) for r in records]

    def _fill_isrcs(self, session: Any, task: Any) -> None:
        """Give the chosen album's items their ISRCs before beets writes them.

        An album's track list on Spotify (simplified track objects) carries no ISRCs, so they
        are fetched for the one album the user chose, not for every candidate: one batch
        ``/tracks?ids=`` where the service allows it, else one lookup a track, and none at all
        once the service showed it withholds them (Development Mode may).
        """
        match = getattr(task, "match", None)
        info = getattr(match, "info", None)
        if info is None or str(info.get("data_source") or "") != DATA_SOURCE:
            return
        mapping = getattr(match, "mapping", None)
        pairs = list(mapping.items()) if mapping is not None else [(task.item, info)]
        missing = {str(t.track_id): item for item, t in pairs if t.track_id and not item.get("isrc")}
        if not missing:
            return
        none: dict[str, str] = {}
        isrcs = self.spotify_lookup("fetching ISRCs", lambda s: spotify.isrcs_of_tracks(s, list(missing)), none)
        for track_id, isrc in isrcs.items():
            if track_id in missing:
                missing[track_id]["isrc"] = isrc

    def _extract_id(self, url: str) -> str | None:
        """The Spotify id in a bare id, an open.spotify.com URL or a spotify: URI; None for anything else (MBIDs)."""
        for kind in ("album", "track"):
            try:
                return spotify.parse_spotify_ref(str(url), kind)  # type: ignore[arg-type]
            except ConfigError:
                continue
        return None

    def album_for_id(self, album_id: str) -> AlbumInfo | None:
        """The album with this Spotify id, URL or URI; None for other ids and unknown albums."""
        try:
            spotify_id = spotify.parse_spotify_ref(str(album_id), "album")
        except ConfigError:
            return None
        record = self.spotify_lookup(f"album {spotify_id}", lambda s: spotify.album_by_id(s, spotify_id), None)
        return album_info(record, self.settings) if record else None

    def track_for_id(self, track_id: str) -> TrackInfo | None:
        """The track with this Spotify id, URL or URI; None for other ids and unknown tracks."""
        try:
            spotify_id = spotify.parse_spotify_ref(str(track_id), "track")
        except ConfigError:
            return None
        record = self.spotify_lookup(f"track {spotify_id}", lambda s: spotify.track_by_id(s, spotify_id), None)
        return track_info(record) if record else None

    # --- art ----------------------------------------------------------------------------------

    def resolve_album_art(self, album: Album) -> ArtResolution | None:
        """The shared ranking for a library album; None (and one log line) when it could not run."""
        query = query_for_album(album)
        try:
            resolution = self.runtime.resolve_art(query)
        except TagbridgeError as exc:
            self._log.warning("art for {} failed: {}", album, exc)
            return None
        except Exception as exc:  # noqa: BLE001 - the adapter boundary: nothing may abort fetchart
            self._log.warning("art for {} failed unexpectedly: {}", album, exc)
            self._log.debug("details", exc_info=True)
            return None
        for report in resolution.reports:
            if not report.ok:
                self._log.info("{}", report.error)
        return resolution

    # --- the command --------------------------------------------------------------------------

    def commands(self) -> list[Subcommand]:
        """``beet tagbridge [QUERY]``: the ranked art and Spotify matches, applied with ``--apply``."""
        from beetsplug.tagbridge.command import tagbridge_command

        return [tagbridge_command(self)]


class _ToBeets(logging.Handler):
    """Hands the core's log records (cache fallbacks, source details) to the plugin's beets logger."""

    def __init__(self, target: Any) -> None:
        super().__init__(logging.DEBUG)
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # beets prefixes the plugin's name itself.
        self.target.log(record.levelno, "{}", message.removeprefix("tagbridge: "))


def _forward_core_logs(target: Any) -> None:
    core = logging.getLogger("tagbridge")
    core.handlers = [h for h in core.handlers if not isinstance(h, _ToBeets)] + [_ToBeets(target)]
    core.setLevel(logging.DEBUG)
    core.propagate = False
