"""The Cover Art Archive as a cover-art source: request builders, the index parser, the lookup.

What belongs here: the CAA endpoints, choosing the front image and the thumbnail that fits the
wanted size, and the release -> release-group fallback. What doesn't: the wire shapes
(``caa_types.py``), MBID validation (``musicbrainz.py``), and any I/O.

Service facts (https://musicbrainz.org/doc/Cover_Art_Archive/API):

* ``/release/{mbid}`` answers 307 to ``archive.org/download/mbid-.../index.json``; the driver
  follows it.
* 404 means no art, with an HTML body; 400 means an invalid MBID, also HTML. Neither is JSON,
  and neither is a :class:`BadResponse`.
* Thumbnails (250, 500, 1200) never upscale; a full image's size is not stated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit, urlunsplit

from tagbridge.core.config import ArtSize, Settings
from tagbridge.core.errors import BadResponse, ResponseError
from tagbridge.core.http import HttpRequest, HttpResponse, Lookup, check_status, parse_json
from tagbridge.core.model import AlbumQuery, ArtCandidate, ArtFindings, MatchKind, PassedOver
from tagbridge.core.service import ServiceInfo
from tagbridge.sources.caa_types import ImageJson, read_image, read_index
from tagbridge.core.identifiers import normalize_mbid

__all__ = [
    "INFO",
    "CaaImage",
    "CaaIndex",
    "build_release_request",
    "build_release_group_request",
    "parse_images",
    "pick_front",
    "choose_image",
    "release_art",
    "album_art",
    "can_answer",
    "NEEDS",
]


INFO: Final = ServiceInfo(
    name="caa",
    title="the Cover Art Archive",
    rate="10/1",  # none published; a polite default
    typical_size=1200,  # the largest thumbnail; full images are often larger, unknown until probed
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaaImage:
    """One image of a release, URLs upgraded to https where CAA serves https."""

    id: str
    url: str  # the full-size image
    front: bool
    approved: bool
    types: tuple[str, ...] = ()
    thumbnails: tuple[tuple[int, str], ...] = ()  # (size, url), smallest first

    @property
    def is_front(self) -> bool:
        """True for the release's chosen front, and for any image typed "Front"."""
        return self.front or "Front" in self.types


@dataclass(frozen=True, slots=True, kw_only=True)
class CaaIndex:
    """The images CAA holds for a release (or a release group's chosen release)."""

    release: str | None  # the release MBID the body names; None when it names none
    images: tuple[CaaImage, ...]


def build_release_request(settings: Settings, mbid: str) -> HttpRequest:
    """``GET {caa}/release/{mbid}``.

    Raises:
        ConfigError: when ``mbid`` is not an MBID.
    """
    return HttpRequest(url=f"{settings.base_url('caa')}/release/{normalize_mbid(mbid)}", source=INFO.name,
                       validate=parse_images)


def build_release_group_request(settings: Settings, rgid: str) -> HttpRequest:
    """``GET {caa}/release-group/{rgid}``.

    Raises:
        ConfigError: when ``rgid`` is not an MBID.
    """
    rgid = normalize_mbid(rgid, "release group")
    return HttpRequest(url=f"{settings.base_url('caa')}/release-group/{rgid}", source=INFO.name,
                       validate=parse_images)


# --- responses ------------------------------------------------------------------------------

_RELEASE_URL = re.compile(r"/release/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?$", re.IGNORECASE)
# The old key names: "small" is the 250 thumbnail and "large" the 500 one.
_THUMB_KEYS: Final = {"250": 250, "500": 500, "1200": 1200, "small": 250, "large": 500}


def parse_images(request: HttpRequest, response: HttpResponse) -> CaaIndex | None:
    """The images of a CAA index; None for 404, CAA's "no cover art" (an HTML body).

    Raises:
        ResponseError: for 400 (CAA's "invalid MBID", an HTML body) and other unusable statuses.
        RateLimited, Unavailable: for 429 and 5xx.
        BadResponse: for a 200 that is not JSON or has no ``images`` list.
    """
    if response.status == 404:
        return None
    if response.status == 400:
        raise ResponseError(INFO.name, request.full_url, 400, "CAA rejected the MBID as invalid (HTTP 400)")
    check_status(request, response)
    index = read_index(parse_json(request, response))
    if index is None:
        raise BadResponse(INFO.name, request.full_url, "body has no 'images' list")
    images = tuple(_image(row) for row in map(read_image, index["images"]) if row is not None)
    release = _RELEASE_URL.search(index["release"])
    return CaaIndex(release=release.group(1).lower() if release else None, images=images)


def _image(row: ImageJson) -> CaaImage:
    thumbs: dict[int, str] = {}
    # Numeric keys first, so that "1200"/"500"/"250" win over "large"/"small" if both disagree.
    for key in sorted(row.get("thumbnails", {}), key=lambda k: not k.isdigit()):
        size = _THUMB_KEYS.get(key)
        if size is not None and size not in thumbs:
            thumbs[size] = _https(row["thumbnails"][key])
    return CaaImage(
        id=row["id"],
        url=_https(row["image"]),
        front=row["front"],
        approved=row["approved"],
        types=tuple(row["types"]),
        thumbnails=tuple(sorted(thumbs.items())),
    )


def _https(url: str) -> str:
    """Upgrade CAA's and archive.org's http URLs (old bodies) to https; leave other hosts alone.

    A local test server or mirror may speak only http, so only the hosts known to serve
    https are touched.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    known = host in ("coverartarchive.org", "archive.org") or host.endswith(".archive.org")
    if parts.scheme != "http" or not known or ":" in parts.netloc:
        return url
    return urlunsplit(("https", *parts[1:]))


def pick_front(images: tuple[CaaImage, ...]) -> CaaImage | None:
    """The best front image: the chosen front before other "Front"-typed ones, approved first.

    Among equals, an image typed only "Front" beats one that is also a back or a spine
    (a full-sleeve scan), and then CAA's order decides.
    """
    fronts = [img for img in images if img.is_front]
    if not fronts:
        return None
    return min(fronts, key=lambda img: (not img.front, not img.approved, img.types != ("Front",)))


def choose_image(image: CaaImage, size: ArtSize) -> tuple[str, int | None, str]:
    """``(url, size_hint, reason)``: the smallest thumbnail at least ``size``, else the full image.

    Thumbnails never upscale, so a thumbnail smaller than the target is never better than the
    full image. The full image's size is unknown (None) until probed.
    """
    target = size.pixels
    if target is not None:
        for pixels, url in image.thumbnails:
            if pixels >= target:
                return url, pixels, f"thumbnail {pixels} chosen for target {target}"
    largest = image.thumbnails[-1][0] if image.thumbnails else None
    if target is None:
        return image.url, None, "full image chosen for target original"
    return image.url, None, f"no thumbnail reaches {target} (largest {largest}) → full image"


# --- the lookup ------------------------------------------------------------------------------

def _candidate(query: AlbumQuery, index: CaaIndex | None, fallback_id: str, settings: Settings,
               via: str) -> tuple[ArtCandidate, bool] | None:
    """The index's front cover as a candidate, with whether it is approved; None without one."""
    front = pick_front(index.images) if index else None
    if index is None or front is None:
        return None
    url, hint, how = choose_image(front, settings.size)
    release = index.release or fallback_id
    reasons = [f"CAA front image {front.id} of release {release}", via, how]
    if not front.approved:
        reasons.append("image not yet approved by a MusicBrainz editor")
    candidate = ArtCandidate(
        source=INFO.name, id=release, url=url, artist=query.artist, title=query.album,
        match=MatchKind.ID, score=1.0, size_hint=hint, reasons=tuple(reasons),
    )
    return candidate, front.approved


def can_answer(query: AlbumQuery) -> bool:
    """True when the query names a MusicBrainz release or release group: CAA is keyed by them."""
    return bool(query.mbid or query.release_group)


#: Said when :func:`can_answer` is False.
NEEDS: Final = "a MusicBrainz release or release-group ID"


def release_art(settings: Settings, query: AlbumQuery) -> Lookup[ArtFindings]:
    """The front cover of ``query.mbid``, else of ``query.release_group``; an ``id`` match.

    The release group is asked only when the release has no approved front image (or no
    images at all, or a 404). An unapproved release front is still returned when the release
    group offers no approved one.

    Raises:
        ConfigError: when either ID is not an MBID, before any request.
        ResponseError, RateLimited, Unavailable, BadResponse: see :func:`parse_images`.
    """
    # Validate both IDs before the first request: a typo in the second should not cost a request.
    mbid = normalize_mbid(query.mbid) if query.mbid else None
    rgid = normalize_mbid(query.release_group, "release group") if query.release_group else None
    fallback: ArtCandidate | None = None
    if mbid:
        request = build_release_request(settings, mbid)
        found = _candidate(query, parse_images(request, (yield request)), mbid, settings,
                           "looked up by release MBID")
        if found is not None:
            if found[1]:
                return ArtFindings.of([found[0]])
            fallback = found[0]
    if rgid:
        request = build_release_group_request(settings, rgid)
        found = _candidate(query, parse_images(request, (yield request)), rgid, settings,
                           f"chosen by CAA for release group {rgid}")
        if found is not None and (found[1] or fallback is None):
            gave_way = () if fallback is None else (PassedOver.from_candidate(
                fallback, "the release group has an approved front; this one is not yet approved"),)
            return ArtFindings.of([found[0]], gave_way)
    return ArtFindings.of([fallback] if fallback else [])


album_art = release_art
