"""The plugin's working parts: cover-art providers and the Spotify ID processor, over the shared resolver.

Picard types in, tagbridge types out: a provider turns the release into an ``AlbumQuery``, runs
``resolve_art`` through the Picard driver and queues the best candidate; the processor runs
``find_spotify_albums`` and writes IDs into tags MusicBrainz does not set. Every decision (which
art, which album, when to abstain) is the resolver's, so Picard, beets and the CLI agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from picard.plugin3.api import CoverArtImage, CoverArtProvider, t_

from ._tagbridge.core.config import Settings
from ._tagbridge.core.errors import ConfigError, TagbridgeError
from ._tagbridge.core.model import ArtResolution, MatchKind
from ._tagbridge.core.records import AlbumRecord
from ._tagbridge.identify import find_spotify_albums, pair_tracks
from ._tagbridge.resolve import resolve_art
from ._tagbridge.sources.spotify import SpotifySession
from .config import ART_SOURCES_BEST, settings_for
from .driver import PicardDriver
from .release import album_evidence, album_query, has_relations, release_tracks, track_wants

__all__ = ["Plugin", "ItunesProvider", "SpotifyProvider", "BestProvider", "PROVIDERS", "SPOTIFY_TAGS",
           "ITUNES_DELAY_MS"]

#: Picard's rate control for iTunes, per request: iTunes allows about 20 calls a minute.
ITUNES_DELAY_MS = 3000
#: The tags the processor may write; it never writes any other, so MusicBrainz data is untouched.
SPOTIFY_TAGS = ("spotify_album_id", "spotify_album_url", "spotify_track_id", "spotify_track_url")
_OPEN = "https://open.spotify.com"



@dataclass
class Plugin:
    """What lives as long as the plugin is enabled: the API handle, the driver, one Spotify session."""

    api: Any
    driver: PicardDriver
    _session: tuple[Settings, SpotifySession] | None = None
    _ids: count[int] = field(default_factory=count)
    #: Album ID -> what the processor found, read by the track processor as tracks are built.
    found: dict[str, dict[str, Any]] = field(default_factory=dict)

    def settings(self, sources: tuple[str, ...]) -> Settings | None:
        """The settings for ``sources``, or None after one logged error naming the bad option."""
        try:
            return settings_for(self.api.plugin_config, sources)
        except ConfigError as exc:
            self.api.logger.error("tagbridge: %s; fix it in Options > Plugins > tagbridge", exc)
            return None

    def spotify_session(self, settings: Settings) -> SpotifySession:
        """One session (token, learned dialect) for as long as the Spotify settings stay the same."""
        if self._session is not None and self._session[0] == settings:
            return self._session[1]
        session = SpotifySession(settings, clock=time.time)
        self._session = (settings, session)
        return session

    def task_id(self, what: str) -> str:
        return f"{what}_{next(self._ids)}"

    def report_failures(self, resolution: ArtResolution) -> None:
        """One line per source that failed ("tagbridge: itunes: ..."); nothing for sources that found nothing."""
        for report in resolution.reports:
            if not report.ok and report.error:
                self.api.logger.error("tagbridge: %s", report.error)


_PLUGIN: Plugin | None = None


def install(api: Any) -> Plugin:
    """Make the plugin's state for ``api``; called by ``enable``."""
    global _PLUGIN
    _PLUGIN = Plugin(api=api, driver=PicardDriver(api.web_service))
    return _PLUGIN


def _plugin() -> Plugin:
    if _PLUGIN is None:
        raise RuntimeError("tagbridge is not enabled")
    return _PLUGIN


class _ResolverProvider(CoverArtProvider):
    """A provider that asks the resolver about ``SOURCES`` and queues the best image, or none."""

    SOURCES: tuple[str, ...] = ()

    def queue_images(self) -> Any:
        plugin = _plugin()
        settings = plugin.settings(self.SOURCES)
        if settings is None:
            return CoverArtProvider.QueueState.FINISHED
        query = album_query(self.release, self.metadata)
        session = plugin.spotify_session(settings) if "spotify" in settings.sources else None
        lookup = resolve_art(settings, query, spotify_session=session, follow_links=not has_relations(self.release))
        state: dict[str, Any] = {"waiting": False, "sync": None}

        def done(resolution: ArtResolution) -> None:
            self._queue(plugin, resolution)
            if state["waiting"]:
                self.next_in_queue()
            else:
                state["sync"] = True

        def failed(exc: Exception) -> None:
            if isinstance(exc, TagbridgeError):
                plugin.api.logger.error("tagbridge: %s", exc)
            else:
                plugin.api.logger.error("tagbridge: internal error in %s: %r", self.NAME, exc, exc_info=exc)
            if state["waiting"]:
                self.next_in_queue()
            else:
                state["sync"] = True

        plugin.driver.run(lookup, done, failed, timeout=settings.timeout, patience=settings.deadline)
        if state["sync"]:
            # Answered without the network: Picard must not be told to go on from inside queue_images.
            return CoverArtProvider.QueueState.FINISHED
        state["waiting"] = True
        return CoverArtProvider.QueueState.WAIT

    def _queue(self, plugin: Plugin, resolution: ArtResolution) -> None:
        plugin.report_failures(resolution)
        if not resolution.candidates:
            plugin.api.logger.debug("tagbridge %s: no confident match for %s (%s)", self.NAME,
                                    resolution.query.album, resolution.outcome)
            return
        best = resolution.candidates[0]
        size = f"{best.width}x{best.height}" if best.width else "size unknown"
        plugin.api.logger.info("tagbridge %s: %s art for %s, %s match (%s): %s", self.NAME, best.source,
                               resolution.query.album, best.match.value, size, best.url)
        self.queue_put(CoverArtImage(url=best.url, types=["front"], comment=f"{best.source} ({best.match.value})"))


class ItunesProvider(_ResolverProvider):
    """iTunes artwork at the configured size: by the release's Apple Music link, its barcode, then text."""

    NAME = "tagbridge_itunes"
    TITLE = t_("provider.itunes", "iTunes (high resolution)")
    SOURCES = ("itunes",)


class SpotifyProvider(_ResolverProvider):
    """Spotify's album art: by the release's Spotify link, its barcode, then text."""

    NAME = "tagbridge_spotify"
    TITLE = t_("provider.spotify", "Spotify")
    SOURCES = ("spotify",)


class BestProvider(_ResolverProvider):
    """The best of the Cover Art Archive, iTunes and Spotify, ranked together: identity first, then size."""

    NAME = "tagbridge_best"
    TITLE = t_("provider.best", "tagbridge best")
    SOURCES = ART_SOURCES_BEST


PROVIDERS = (ItunesProvider, SpotifyProvider, BestProvider)


# --- Spotify IDs -------------------------------------------------------------------------------


def _album_url(record: AlbumRecord) -> str:
    return record.url or f"{_OPEN}/album/{record.id}"


def _ids_for_release(record: AlbumRecord, release: Mapping[str, Any]) -> dict[str, Any]:
    """The album's ID and URL, and each release track's (by track MBID) where it pairs with one of the album's."""
    nodes = release_tracks(release)
    tracks: dict[str, tuple[str, str]] = {}
    for n, track in pair_tracks(track_wants(release), record.tracks):
        track_id = str(nodes[n].get("id") or "")
        if track_id:
            tracks[track_id] = (track.id, track.url or f"{_OPEN}/track/{track.id}")
    return {"album": (record.id, _album_url(record)), "tracks": tracks}


def process_album(api: Any, album: Any, metadata: Any, release: Mapping[str, Any]) -> None:
    """Album processor: look the release up on Spotify by ISRC, barcode or link, holding the album open meanwhile.

    Only an identifier match counts (an ``id`` match: the ISRC vote, the UPC, a url-rel); a
    text match is never written into tags. A failure logs one line and the album loads as it
    would have without the plugin.
    """
    plugin = _plugin()
    if not plugin.api.plugin_config["spotify_ids"]:
        return
    evidence = album_evidence(release, metadata)
    if not (evidence.isrcs or evidence.barcode or evidence.spotify_album_ids):
        return
    settings = plugin.settings(("spotify",))
    if settings is None:
        return
    if settings.spotify_backend == "api" and settings.spotify_credentials is None:
        api.logger.debug("tagbridge: no Spotify client id and secret: Spotify IDs are not looked up")
        return
    session = plugin.spotify_session(settings)
    task = plugin.task_id("spotify_ids")
    album_id = str(getattr(album, "id", "") or release.get("id", ""))
    plugin.found.pop(album_id, None)  # a reload asks again
    api.add_album_task(album, task, "Spotify IDs by ISRC and barcode", blocking=True)
    state = {"waiting": False}

    def finish() -> None:
        api.complete_album_task(album, task)
        if state["waiting"]:  # Picard's own finalize call has come and gone: ask again
            _continue_loading(album)

    def done(search: Any) -> None:
        identified = [r for r in search.records if r.match is MatchKind.ID]
        if identified:
            plugin.found[album_id] = _ids_for_release(identified[0], release)
            metadata["spotify_album_id"], metadata["spotify_album_url"] = plugin.found[album_id]["album"]
            api.logger.info("tagbridge: Spotify album %s for %s (%s)", identified[0].id, evidence.album,
                            "; ".join(identified[0].reasons))
        else:
            api.logger.debug("tagbridge: no Spotify album identified for %s", evidence.album)
        finish()

    def failed(exc: Exception) -> None:
        api.logger.error("tagbridge: Spotify IDs: %s", exc)
        finish()

    plugin.driver.run(find_spotify_albums(session, evidence), done, failed, timeout=settings.timeout,
                      patience=settings.deadline)
    state["waiting"] = True


def forget_album(api: Any, album: Any) -> None:
    """Album removal processor: drop what was found for it."""
    _plugin().found.pop(str(getattr(album, "id", "")), None)


def _continue_loading(album: Any) -> None:
    """Let Picard build the tracks now that the blocking task is done.

    Picard 3.0 finalizes an album only from its own request handlers; a plugin's blocking task
    that completes later must ask for it (the album ignores the call while other blocking
    tasks remain, and when it is already loaded).
    """
    finalize: Callable[..., None] | None = getattr(album, "_finalize_loading", None)
    if finalize is not None and not getattr(album, "loaded", False):
        finalize(None)


def process_track(api: Any, track: Any, metadata: Any, track_node: Mapping[str, Any],
                  release_node: Mapping[str, Any] | None = None) -> None:
    """Track processor: copy what the album processor found onto the track; MusicBrainz tags untouched."""
    plugin = _plugin()
    album = getattr(track, "album", None)
    found = plugin.found.get(str(getattr(album, "id", "") or (release_node or {}).get("id", "")))
    if not found:
        return
    metadata["spotify_album_id"], metadata["spotify_album_url"] = found["album"]
    ids = found["tracks"].get(str(track_node.get("id") or ""))
    if ids:
        metadata["spotify_track_id"], metadata["spotify_track_url"] = ids
