"""The fetchart art source ``tagbridge``: the shared ranking across CAA, iTunes and Spotify, for ``beet fetchart``.

beets has no supported way to add an art source, so this module does two things, and either
plugin order in ``plugins:`` works:

* on import it adds :class:`TagbridgeArtSource` to fetchart's ``ART_SOURCES``, so a
  ``fetchart: sources:`` list may name ``tagbridge`` when ``tagbridge`` loads first;
* on ``pluginload`` it finds the fetchart plugin and, unless the user placed ``tagbridge`` in
  its sources already, puts the source before fetchart's first web source. When fetchart was
  loaded first and refused a ``sources:`` list naming ``tagbridge``, it is loaded again now
  that the source exists, and the user is told how to avoid beets' warning.

Candidates are yielded best first (fetchart takes the first valid one and never ranks), and
downloaded by tagbridge's driver: a download that fails or arrives cut off is dropped, so it
never replaces existing art. fetchart's own checks (``minwidth``, ``enforce_ratio``,
``maxwidth``) then apply as to any source.
"""

from __future__ import annotations

from beets import logging as beets_logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from beets import plugins as beets_plugins
from beets import config, util
from beetsplug.fetchart import ART_SOURCES, Candidate, FetchArtPlugin, MetadataMatch, RemoteArtSource

from tagbridge.core.errors import TagbridgeError
from tagbridge.core.model import MatchKind
from tagbridge.sources.artwork import image_kind, image_size

if TYPE_CHECKING:
    from beets.library import Album

    from beetsplug.tagbridge import TagbridgePlugin

__all__ = ["TagbridgeArtSource", "register_art_source", "attach_to_fetchart"]

_log = beets_logging.getLogger("beets.tagbridge")
_EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "gif": ".gif", "webp": ".webp"}


def _ours() -> TagbridgePlugin | None:
    from beetsplug.tagbridge import TagbridgePlugin

    return next((p for p in beets_plugins.find_plugins() if isinstance(p, TagbridgePlugin)), None)


class TagbridgeArtSource(RemoteArtSource):
    """Cover art ranked across the Cover Art Archive, iTunes and Spotify, abstaining when unsure."""

    NAME: ClassVar[str] = "tagbridge (CAA, iTunes and Spotify, ranked)"
    ID: ClassVar[str] = "tagbridge"

    def get(self, album: Album, plugin: FetchArtPlugin, paths: Sequence[bytes] | None) -> Iterator[Candidate]:
        """The ranked candidates for ``album``; none when unsure, or when a source failed (said once in the log)."""
        ours = _ours()
        if ours is None:
            return
        resolution = ours.resolve_album_art(album)
        if resolution is None:
            return
        for cand in resolution.candidates:
            exact = cand.match in (MatchKind.ID, MatchKind.EXACT)
            candidate = self._candidate(url=cand.url, match=MetadataMatch.EXACT if exact else MetadataMatch.FALLBACK)
            candidate.tagbridge_source = cand.source  # type: ignore[attr-defined]
            yield candidate

    def fetch_image(self, candidate: Candidate, plugin: FetchArtPlugin) -> None:
        """Download the whole image into a temporary file; leave ``candidate.path`` unset on any failure."""
        ours = _ours()
        if ours is None or candidate.url is None:
            return
        source = getattr(candidate, "tagbridge_source", self.ID)
        try:
            data = ours.runtime.download_image(candidate.url, source)
        except TagbridgeError as exc:
            self._log.info("skipped an image: {}", exc)
            return
        kind = image_kind(data) or "jpeg"
        path = util.get_temp_filename(__name__, suffix=_EXTENSIONS[kind])
        with open(path, "wb") as fh:
            fh.write(data)
        candidate.path = path
        # The size read from the header lets fetchart apply minwidth and enforce_ratio even
        # without an imaging backend installed.
        candidate.size = image_size(data)


def register_art_source() -> None:
    """Make ``tagbridge`` a name fetchart's ``sources:`` accepts (for fetchart instances made from now on)."""
    ART_SOURCES.add(TagbridgeArtSource)


def attach_to_fetchart(*, insert: bool) -> None:
    """After every plugin has loaded: make sure fetchart asks the tagbridge source.

    Args:
        insert: put the source before fetchart's first web source when the user's
            ``sources:`` list does not name it (the ``art_source`` option).
    """
    fetchart = next((p for p in beets_plugins.find_plugins() if isinstance(p, FetchArtPlugin)), None)
    if fetchart is None:
        fetchart = _reload_refused_fetchart()
        if fetchart is None:
            return
    if any(isinstance(s, TagbridgeArtSource) for s in fetchart.sources) or not insert:
        return
    at = next((i for i, s in enumerate(fetchart.sources) if s.LOC == "remote"), len(fetchart.sources))
    fetchart.sources.insert(at, TagbridgeArtSource(fetchart._log, fetchart.config, match_by=["default"]))
    _log.debug("art source placed at position {} of fetchart's sources", at + 1)


def _reload_refused_fetchart() -> FetchArtPlugin | None:
    """fetchart loaded before tagbridge refuses a ``sources:`` list that names ``tagbridge``;
    load it again now that the source exists."""
    if "fetchart" not in beets_plugins.get_plugin_names():
        return None
    sources: Any = config["fetchart"]["sources"].get()
    if isinstance(sources, str):
        sources = sources.split()
    names = [s if isinstance(s, str) else next(iter(s), "") for s in sources or []]
    if "tagbridge" not in names:
        return None
    fetchart = FetchArtPlugin()
    beets_plugins._instances.append(fetchart)  # noqa: SLF001 - beets has no API to add a plugin
    _log.warning("fetchart was loaded again after tagbridge so that its sources may name "
                 "'tagbridge'; list tagbridge before fetchart in 'plugins:' to avoid beets' warning")
    return fetchart
