"""Every source tagbridge knows, in one place: what each offers, needs and is limited to.

The resolver, the settings parser and the drivers all read this table; no other module lists
the sources or their defaults. Each source module declares its own ``INFO`` (a
:class:`~tagbridge.core.service.ServiceInfo`); this module gathers them and says how the
resolver asks each art source.

What doesn't belong here: any source's logic, and any I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from tagbridge.core.config import RateLimit, Settings, parse_rate
from tagbridge.core.http import Lookup
from tagbridge.core.model import AlbumQuery, ArtFindings
from tagbridge.core.service import ServiceInfo
from tagbridge.sources import caa, itunes, musicbrainz, spotify

__all__ = ["SERVICES", "ART_SOURCES", "ArtSource", "ArtContext", "rate_limits", "art_source_names"]

#: Every service, by name: the three art sources and MusicBrainz (links only).
SERVICES: Final[Mapping[str, ServiceInfo]] = {
    info.name: info for info in (caa.INFO, itunes.INFO, spotify.INFO, musicbrainz.INFO)
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtContext:
    """What an art lookup may need beyond the query: the settings, and a Spotify session when Spotify is asked."""

    settings: Settings
    spotify: spotify.SpotifySession | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtSource:
    """An art source as the resolver sees it."""

    info: ServiceInfo
    #: What the source needs from a query, said to the user when it cannot be asked.
    needs: str
    can_answer: Callable[[AlbumQuery], bool]
    #: Why the source cannot be used with this context at all (not configured), or None.
    unusable: Callable[[ArtContext], str | None]
    lookup: Callable[[ArtContext, AlbumQuery], Lookup[ArtFindings]]


def _always_usable(_ctx: ArtContext) -> str | None:
    return None


def _spotify_unusable(ctx: ArtContext) -> str | None:
    if ctx.spotify is None:
        return "not configured: no Spotify session was handed to the resolver"
    s = ctx.settings
    if s.spotify_backend == "api" and s.spotify_credentials is None:
        return ("not configured: the api backend needs a client id and secret (TAGBRIDGE_SPOTIFY_CLIENT_ID and "
                "TAGBRIDGE_SPOTIFY_CLIENT_SECRET, or tagbridge.spotify.client_id/client_secret in beets)")
    return None


def _spotify_art(ctx: ArtContext, query: AlbumQuery) -> Lookup[ArtFindings]:
    assert ctx.spotify is not None, "checked by _spotify_unusable"
    return spotify.album_art(ctx.spotify, query)


#: The art sources, in their default order of preference.
ART_SOURCES: Final[Mapping[str, ArtSource]] = {
    "caa": ArtSource(info=caa.INFO, needs=caa.NEEDS, can_answer=caa.can_answer, unusable=_always_usable,
                     lookup=lambda ctx, query: caa.album_art(ctx.settings, query)),
    "itunes": ArtSource(info=itunes.INFO, needs=itunes.NEEDS, can_answer=itunes.can_answer,
                        unusable=_always_usable, lookup=lambda ctx, query: itunes.album_art(ctx.settings, query)),
    "spotify": ArtSource(info=spotify.INFO, needs=spotify.NEEDS, can_answer=spotify.can_answer,
                         unusable=_spotify_unusable, lookup=_spotify_art),
}


def art_source_names() -> tuple[str, ...]:
    """The names ``--sources`` accepts."""
    return tuple(ART_SOURCES)


def rate_limits(settings: Settings) -> dict[str, RateLimit]:
    """Each service's rate limit: the user's where set, else the one its source declares.

    A local Spotify clone (the ``clone`` backend) is not Spotify's API: it gets a limit only
    when the user sets one.
    """
    limits = {name: parse_rate(info.rate) for name, info in SERVICES.items()}
    if settings.spotify_backend != "api":
        limits.pop(spotify.INFO.name, None)
    limits.update(settings.rates)
    return limits
