"""MusicBrainz as a source of links: a release's Apple Music and Spotify albums, and its barcode.

What belongs here: the ws/2 release request, reading url-rels (ws/2 JSON and musicbrainzngs
dicts alike), and MBID validation shared with ``caa.py``. What doesn't: fetching the art those
links lead to (``itunes.py``), and any I/O.

Team decision: the sync path fetches releases with :func:`release_links` (ws/2 JSON) rather
than musicbrainzngs, which speaks only XML, so beets and Picard share one parser. beets'
musicbrainzngs dicts still go through :func:`parse_links`.

MusicBrainz allows 1 request a second and wants a real User-Agent (the driver's job). Over
the limit it answers 503 with a "rate limit" message: https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from tagbridge.core.config import Settings
from tagbridge.core.errors import BadResponse, RateLimited, ResponseError
from tagbridge.core.http import (
    HttpRequest,
    HttpResponse,
    Lookup,
    check_status,
    parse_json,
    parse_retry_after,
)
from tagbridge.core.identifiers import normalize_mbid
from tagbridge.core.editions import says_clean
from tagbridge.core.model import ArtLinks
from tagbridge.core.service import ServiceInfo
from tagbridge.sources.musicbrainz_types import (
    read_artist_credit,
    read_error,
    read_release,
    read_track_count,
    read_url_rels,
)

__all__ = [
    "INFO",
    "MbRelease",
    "normalize_mbid",
    "build_release_request",
    "parse_links",
    "parse_release",
    "parse_release_response",
    "release_links",
]


INFO: Final = ServiceInfo(name="musicbrainz", title="MusicBrainz", rate="1/1")

#: ws/2 ``inc`` values asked with a release: links, plus the text and track count to match by.
RELEASE_INC: Final = "url-rels+artist-credits+media"


@dataclass(frozen=True, slots=True, kw_only=True)
class MbRelease:
    """What a MusicBrainz release tells us about finding its cover elsewhere."""

    id: str
    title: str = ""
    artist: str = ""  # the artist credit as printed; empty when not included
    barcode: str | None = None  # None for MB's null and for an empty barcode
    track_count: int | None = None  # None when the media were not included
    links: ArtLinks = field(default_factory=ArtLinks)
    #: The disambiguation says this is the clean version ("clean", "edited").
    clean: bool = False


def build_release_request(settings: Settings, mbid: str) -> HttpRequest:
    """``GET {musicbrainz}/ws/2/release/{mbid}?inc=url-rels+artist-credits+media&fmt=json``.

    The brief asked only ``url-rels``; artist credits and media cost nothing extra and give
    a caller holding just an MBID the text and track count to search other sources with.

    Raises:
        ConfigError: when ``mbid`` is not an MBID.
    """
    return HttpRequest(
        url=f"{settings.base_url('musicbrainz')}/ws/2/release/{normalize_mbid(mbid)}",
        source=INFO.name,
        params=(("inc", RELEASE_INC), ("fmt", "json")),
        headers=(("Accept", "application/json"),),
        validate=parse_release_response,
    )


# Apple: music.apple.com/{cc}/album/{slug/}{id}, itunes.apple.com/{cc}/album/{slug/}id{id}.
_APPLE = re.compile(
    r"^https?://(?:geo\.)?(?:music|itunes)\.apple\.com/(?:(?P<cc>[a-z]{2})/)?album/"
    r"(?:[^/?#]*/)?(?:id)?(?P<id>\d+)/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_SPOTIFY = re.compile(
    r"^(?:https?://open\.spotify\.com/(?:intl-[a-z]{2}(?:-[a-z]{2})?/)?album/|spotify:album:)"
    r"(?P<id>[A-Za-z0-9]{22})/?(?:[?#].*)?$",
    re.IGNORECASE,
)


def parse_links(release: Mapping[str, object]) -> ArtLinks:
    """The Apple Music and Spotify albums a release links to, live links first.

    Accepts ws/2 JSON (``relations[].url.resource``) and musicbrainzngs dicts
    (``url-relation-list[].target``). Every link type counts ("streaming", "purchase for
    download", "free streaming"); an ``ended`` link still names the album, but that
    storefront may no longer sell it, so it comes after the live ones. Apple links without a
    storefront code are read as US.
    """
    rels = sorted(read_url_rels(release), key=lambda rel: rel["ended"])  # stable: MB's order otherwise
    itunes: dict[tuple[str, str], None] = {}
    spotify: dict[str, None] = {}
    for rel in rels:
        target = rel["target"].strip()
        apple = _APPLE.match(target)
        if apple:
            itunes[(apple["id"], (apple["cc"] or "us").upper())] = None
            continue
        spot = _SPOTIFY.match(target)
        if spot:
            spotify[spot["id"]] = None
    return ArtLinks(itunes_ids=tuple(itunes), spotify_album_ids=tuple(spotify))


def parse_release(release: Mapping[str, object]) -> MbRelease:
    """A release (ws/2 JSON or musicbrainzngs dict) as an :class:`MbRelease`; absent fields stay empty."""
    unwrapped = read_release(release) or release
    barcode = unwrapped.get("barcode")
    title = unwrapped.get("title")
    disambiguation = unwrapped.get("disambiguation")
    return MbRelease(
        id=str(unwrapped.get("id", "")),
        title=title if isinstance(title, str) else "",
        artist=read_artist_credit(unwrapped),
        barcode=(barcode.strip() or None) if isinstance(barcode, str) else None,
        track_count=read_track_count(unwrapped),
        links=parse_links(unwrapped),
        clean=says_clean(disambiguation) if isinstance(disambiguation, str) else False,
    )


def parse_release_response(request: HttpRequest, response: HttpResponse) -> MbRelease | None:
    """The release in a ws/2 answer; None for 404 (no such release).

    Raises:
        ResponseError: for 400, carrying MusicBrainz's own error text.
        RateLimited: for a 429, or the 503 MusicBrainz sends when over its rate limit.
        Unavailable: for other 5xx.
        BadResponse: for HTML, truncated JSON, or JSON that is not a release.
    """
    if response.status == 404:
        return None
    if response.status == 400:
        error = _error_text(response.body)
        raise ResponseError(INFO.name, request.full_url, 400,
                            f"MusicBrainz rejected the request: {error}" if error else "")
    if response.status == 503 and b"rate limit" in response.body.lower():
        raise RateLimited(INFO.name, parse_retry_after(response.header("retry-after")) or 1.0)
    check_status(request, response)
    release = read_release(parse_json(request, response))
    if release is None:
        raise BadResponse(INFO.name, request.full_url, "JSON is not a release (no 'id')")
    return parse_release(release)


def _error_text(body: bytes) -> str:
    try:
        error = read_error(json.loads(body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError):
        return ""
    return error["error"] if error else ""


def release_links(settings: Settings, mbid: str) -> Lookup[MbRelease | None]:
    """Fetch a release with its url-rels; None when MusicBrainz has no such release.

    Raises:
        ConfigError: when ``mbid`` is not an MBID (before any request).
        ResponseError, RateLimited, Unavailable, BadResponse: see :func:`parse_release_response`.
    """
    request = build_release_request(settings, mbid)
    response = yield request
    return parse_release_response(request, response)
