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
    repair_by_isrc,
    set_isrcs,
    track_info,
)
from tagbridge.core.config import Settings
from tagbridge.core.errors import ConfigError, TagbridgeError
from tagbridge.core.http import Lookup
from tagbridge.core.model import ArtResolution
from tagbridge.core.records import AlbumRecord, TrackRecord
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
    "prefer": "explicit",
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
        self._failed_sources: set[str] = set()
        try:
            self.settings = self._read_settings()
        except ConfigError as exc:
            self._bad_config = str(exc)
            self.settings = Settings()
        _forward_core_logs(self._log)
        self.register_listener("pluginload", self._on_pluginload)
        self.register_listener("import_task_choice", self._on_choice)
        self.register_listener("import_task_apply", self._on_apply)
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
            self._say_failure(getattr(exc, "source", "spotify"), f"{what} failed: {exc}")
        except Exception as exc:  # noqa: BLE001 - the adapter boundary: nothing may abort an import
            self._log.warning("{} failed unexpectedly: {}", what, exc)
            self._log.debug("details", exc_info=True)
        return empty

    def _say_failure(self, source: str, message: str) -> None:
        """A source's failure: a warning the first time in this run, then only with -v.

        A dead or rate-limited service fails for every album of an import; one line says it.
        """
        with self._lock:
            first = source not in self._failed_sources
            self._failed_sources.add(source)
        if first:
            self._log.warning("{} (later failures of {} show with -v)", message, source)
        else:
            self._log.debug("{}", message)  # beets shows info lines by default; this is for -v

    # --- the metadata source ------------------------------------------------------------------

    def candidates(self, items: Sequence[Item], artist: str, album: str, va_likely: bool) -> Iterable[AlbumInfo]:
        """Albums for ``items``: by a Spotify link, the ISRCs, the barcode, and only then by text."""
        evidence = evidence_from_items(items, "" if va_likely and not artist else artist, album)
        label = f"{artist} - {album}" if artist or album else f"{len(items)} files by their ISRCs"
        found = self.spotify_lookup(f"looking up {label}",
                              lambda session: find_spotify_albums(session, evidence), None)
        if found is None:
            return []
        for passed in found.passed_over:
            self._log.debug("passed over {} - {}: {}", passed.artist, passed.title, "; ".join(passed.reasons))
        return [self._album_info(record) for record in found.records]

    def _album_info(self, record: AlbumRecord) -> AlbumInfo:
        return album_info(record, self.settings, cover_art_url=self.config["cover_art_url"].get(bool))

    def item_candidates(self, item: Item, artist: str, title: str) -> Iterable[TrackInfo]:
        """Tracks for one item: by its ISRC, else by text."""
        isrcs = [item.isrc] if getattr(item, "isrc", None) else []
        none: list[TrackRecord] = []
        records = self.spotify_lookup(f"looking up {artist} - {title}",
                                      lambda session: find_spotify_tracks(session, artist=artist, title=title,
                                                                          isrcs=isrcs), none)
        return [track_info(r) for r in records]

    def _on_choice(self, session: Any, task: Any) -> None:
        """Once an album of ours is chosen: fetch its tracks' ISRCs and pair ISRC-tagged files by them.

        Spotify's album track lists carry no ISRCs, so they are fetched for the one album the
        user chose, not for every candidate (see ``spotify.isrcs_of_tracks`` for the cost).
        beets pairs files with tracks by title, length and number; files that carry only ISRCs
        would pair by length alone, so their pairing is corrected by ISRC before beets applies it.
        """
        match = getattr(task, "match", None)
        info = getattr(match, "info", None)
        if info is None or str(info.get("data_source") or "") != DATA_SOURCE:
            return
        tracks = list(info.tracks) if hasattr(info, "tracks") else [info]
        wanted = [str(t.track_id) for t in tracks if t.track_id and not t.get("isrc")]
        if wanted:
            none: dict[str, str] = {}
            found = self.spotify_lookup("fetching ISRCs", lambda s: spotify.isrcs_of_tracks(s, wanted), none)
            set_isrcs(tracks, found)
        mapping = getattr(match, "mapping", None)
        if mapping is not None:
            moved = repair_by_isrc(mapping)
            if moved:
                self._log.info("paired {} file(s) with their tracks by ISRC", moved)

    def _on_apply(self, session: Any, task: Any) -> None:
        """After beets applied the match: any file still without an ISRC gets its track's."""
        match = getattr(task, "match", None)
        info = getattr(match, "info", None)
        if info is None or str(info.get("data_source") or "") != DATA_SOURCE:
            return
        mapping = getattr(match, "mapping", None)
        pairs = list(mapping.items()) if mapping is not None else [(task.item, info)]
        for item, track in pairs:
            if track.get("isrc") and not item.get("isrc"):
                item["isrc"] = track["isrc"]

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
        return self._album_info(record) if record else None

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
                self._say_failure(report.source, f"cover art for {album}: {report.error}")
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
