"""Wire shapes of the Spotify Web API and of local clones of it, and their validation.

What belongs here: TypedDicts for the JSON bodies in Spotify's own (spec) spelling, and readers
that narrow a decoded ``object`` to them, checking every field the source relies on. The readers
accept the seed clone's spellings too and hand back the spec spelling, so nothing past this
module knows which dialect answered. What doesn't: requests, tokens, sessions
(``spotify_session.py``) and turning bodies into records (``spotify_lookup.py``).

Dialect differences the readers absorb (DESIGN.md, "Local Spotify clone"):

* ``external_url`` (seed) for ``external_urls`` (spec);
* ``explicit`` as 0/1 (seed) for a boolean;
* extra ``rowid`` / ``album_rowid`` fields (seed), ignored;
* ``images: []`` (seed), kept empty;
* search results under ``track`` / ``album`` (seed) for ``tracks`` / ``albums``;
* ``type=album`` answering ``{"album": {"items": ["NotYetImplemented"]}}`` or a bare
  ``["NotYetImplemented"]`` list (seed): :func:`search_unsupported`.

Fields the February 2026 Development Mode may drop (``popularity``, ``label``,
``external_ids``) are optional everywhere. Reference: ``../shared/specs/spotify-web-api.openapi.yml``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal, TypedDict, TypeVar

__all__ = [
    "ArtistJson",
    "ImageJson",
    "SimplifiedTrackJson",
    "TrackJson",
    "TrackPageJson",
    "SimplifiedAlbumJson",
    "AlbumJson",
    "AlbumPageJson",
    "TokenJson",
    "ErrorJson",
    "DatePrecisionJson",
    "read_album",
    "read_simplified_album",
    "read_track",
    "read_simplified_track",
    "read_track_page",
    "read_album_search",
    "read_track_search",
    "read_albums_batch",
    "read_tracks_batch",
    "read_token",
    "read_error",
    "read_token_error",
    "search_unsupported",
    "is_error_envelope",
]

_log = logging.getLogger(__name__)

T = TypeVar("T")

DatePrecisionJson = Literal["year", "month", "day"]

#: What the seed clone puts in ``items`` for search types it lacks.
_NOT_IMPLEMENTED = "NotYetImplemented"


class ArtistJson(TypedDict):
    """A simplified artist object: only the id and the name matter here."""

    id: str | None
    name: str


class ImageJson(TypedDict):
    """An image object; Spotify sends null sizes for some user-uploaded images."""

    url: str
    width: int | None
    height: int | None


class _SimplifiedTrackRequired(TypedDict):
    id: str
    name: str


class SimplifiedTrackJson(_SimplifiedTrackRequired, total=False):
    """A track as listed inside an album's ``tracks`` page."""

    artists: list[ArtistJson]
    disc_number: int
    track_number: int
    duration_ms: int
    explicit: bool
    isrc: str  # external_ids.isrc, lifted: the spec nests it, albums' track pages may omit it
    url: str  # external_urls.spotify (or the seed's external_url.spotify)
    linked_from_id: str  # the album's own track when Spotify relinked it to another market's


class _SimplifiedAlbumRequired(TypedDict):
    id: str
    name: str


class SimplifiedAlbumJson(_SimplifiedAlbumRequired, total=False):
    """An album as search results and track objects show it."""

    artists: list[ArtistJson]
    album_type: str
    release_date: str
    release_date_precision: DatePrecisionJson
    total_tracks: int
    images: list[ImageJson]
    url: str


class TrackJson(SimplifiedTrackJson, total=False):
    """A full track object (``/tracks/{id}``, search results)."""

    album: SimplifiedAlbumJson


class TrackPageJson(TypedDict):
    """A paging object of simplified tracks (an album's ``tracks``, ``/albums/{id}/tracks``)."""

    items: list[SimplifiedTrackJson]
    next: str | None
    total: int | None
    offset: int


class AlbumJson(SimplifiedAlbumJson, total=False):
    """A full album object (``/albums/{id}``); ``tracks`` is its first page."""

    tracks: TrackPageJson
    label: str
    upc: str  # external_ids.upc, lifted
    copyrights: list[str]
    popularity: int
    seed_rowid: int  # present only in the seed clone's answers


class AlbumPageJson(TypedDict):
    """A search paging object of simplified albums."""

    items: list[SimplifiedAlbumJson]
    next: str | None
    total: int | None
    offset: int


class TokenJson(TypedDict):
    """The accounts service's client-credentials answer."""

    access_token: str
    token_type: str
    expires_in: int


class ErrorJson(TypedDict):
    """The Web API's error envelope ``{"error": {"status", "message"}}``, flattened."""

    status: int
    message: str


# --- scalar helpers -------------------------------------------------------------------------


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _int(value: object) -> int | None:
    """A non-negative integer from a JSON number (seed: numpy ints become plain ints) or digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.isdigit() and value.isascii():
        return int(value)
    return None


def _bool(value: object) -> bool | None:
    """Spec booleans, and the seed clone's 0/1 integers."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def _url(row: dict[str, object]) -> str | None:
    """``external_urls.spotify`` (spec) or ``external_url.spotify`` (seed)."""
    for key in ("external_urls", "external_url"):
        holder = row.get(key)
        if isinstance(holder, dict):
            url = _str(holder.get("spotify"))
            if url:
                return url
    return None


def _external_id(row: dict[str, object], key: str) -> str | None:
    ids = row.get("external_ids")
    return _str(ids.get(key)) if isinstance(ids, dict) else None


def _list_of(value: object, read: Callable[[object], T | None], what: str) -> list[T]:
    """Every element of ``value`` that ``read`` accepts; others are logged and skipped."""
    if not isinstance(value, list):
        return []
    out = []
    for element in value:
        item = read(element)
        if item is None:
            _log.debug("spotify: skipped a malformed %s: %.200r", what, element)
        else:
            out.append(item)
    return out


# --- objects --------------------------------------------------------------------------------


def _read_artist(row: object) -> ArtistJson | None:
    if not isinstance(row, dict):
        return None
    name = _str(row.get("name"))
    if name is None:
        return None
    return {"id": _str(row.get("id")), "name": name}


def _read_image(row: object) -> ImageJson | None:
    if not isinstance(row, dict):
        return None
    url = _str(row.get("url"))
    if url is None:
        return None
    return {"url": url, "width": _int(row.get("width")) or None, "height": _int(row.get("height")) or None}


def read_simplified_track(row: object) -> SimplifiedTrackJson | None:
    """``row`` as a simplified track, or None when it lacks an id or a name."""
    if not isinstance(row, dict):
        return None
    track_id, name = _str(row.get("id")), row.get("name")
    if track_id is None or not isinstance(name, str):
        return None
    out: SimplifiedTrackJson = {"id": track_id, "name": name,
                                "artists": _list_of(row.get("artists"), _read_artist, "artist")}
    for key in ("disc_number", "track_number", "duration_ms"):
        number = _int(row.get(key))
        if number is not None:
            out[key] = number
    explicit = _bool(row.get("explicit"))
    if explicit is not None:
        out["explicit"] = explicit
    isrc, url = _external_id(row, "isrc"), _url(row)
    if isrc:
        out["isrc"] = isrc
    if url:
        out["url"] = url
    linked = row.get("linked_from")
    if isinstance(linked, dict) and _str(linked.get("id")):
        out["linked_from_id"] = str(linked["id"])
    return out


def read_simplified_album(row: object) -> SimplifiedAlbumJson | None:
    """``row`` as a simplified album, or None when it lacks an id or a name."""
    if not isinstance(row, dict):
        return None
    album_id, name = _str(row.get("id")), row.get("name")
    if album_id is None or not isinstance(name, str):
        return None
    out: SimplifiedAlbumJson = {
        "id": album_id,
        "name": name,
        "artists": _list_of(row.get("artists"), _read_artist, "artist"),
        "images": _list_of(row.get("images"), _read_image, "image"),
    }
    for key in ("album_type", "release_date"):
        text = _str(row.get(key))
        if text:
            out[key] = text
    precision = row.get("release_date_precision")
    if precision in ("year", "month", "day"):
        out["release_date_precision"] = precision
    total = _int(row.get("total_tracks"))
    if total is not None:
        out["total_tracks"] = total
    url = _url(row)
    if url:
        out["url"] = url
    return out


def read_track(row: object) -> TrackJson | None:
    """``row`` as a full track (with its album when present), or None when malformed."""
    simple = read_simplified_track(row)
    if simple is None:
        return None
    out: TrackJson = {**simple}  # type: ignore[typeddict-item]
    assert isinstance(row, dict)
    album = read_simplified_album(row.get("album"))
    if album is not None:
        out["album"] = album
    return out


def read_track_page(page: object) -> TrackPageJson | None:
    """``page`` as a paging object of simplified tracks, or None when it has no ``items`` list."""
    if not isinstance(page, dict) or not isinstance(page.get("items"), list):
        return None
    return {
        "items": _list_of(page["items"], read_simplified_track, "track"),
        "next": _str(page.get("next")),
        "total": _int(page.get("total")),
        "offset": _int(page.get("offset")) or 0,
    }


def read_album(body: object) -> AlbumJson | None:
    """``body`` as a full album, or None when it lacks an id or a name.

    A missing ``tracks`` page reads as an empty one with no ``next``.
    """
    simple = read_simplified_album(body)
    if simple is None:
        return None
    assert isinstance(body, dict)
    out: AlbumJson = {**simple}  # type: ignore[typeddict-item]
    out["tracks"] = read_track_page(body.get("tracks")) or {"items": [], "next": None, "total": None, "offset": 0}
    label, upc = _str(body.get("label")), _external_id(body, "upc")
    if label:
        out["label"] = label
    if upc:
        out["upc"] = upc
    copyrights = body.get("copyrights")
    if isinstance(copyrights, list):
        texts = (_str(c.get("text")) for c in copyrights if isinstance(c, dict))
        out["copyrights"] = [t for t in texts if t]
    popularity = _int(body.get("popularity"))
    if popularity is not None:
        out["popularity"] = popularity
    rowid = _int(body.get("rowid"))
    if rowid is not None:
        out["seed_rowid"] = rowid
    return out


# --- envelopes ------------------------------------------------------------------------------


def search_unsupported(body: object, kind: Literal["album", "track"]) -> bool:
    """True when a search answer is the seed clone's "NotYetImplemented" for this type."""
    if isinstance(body, list):
        return _NOT_IMPLEMENTED in body
    if not isinstance(body, dict):
        return False
    page = body.get(kind + "s", body.get(kind))
    items = page.get("items") if isinstance(page, dict) else page
    return isinstance(items, list) and _NOT_IMPLEMENTED in items


def _search_page(body: object, kind: Literal["album", "track"]) -> dict[str, object] | None:
    if not isinstance(body, dict):
        return None
    page = body.get(kind + "s", body.get(kind))  # spec "albums"/"tracks", seed "album"/"track"
    if not isinstance(page, dict) or not isinstance(page.get("items"), list):
        return None
    return page


def read_album_search(body: object) -> AlbumPageJson | None:
    """The ``albums`` (or seed ``album``) paging object of a search answer, or None when absent."""
    page = _search_page(body, "album")
    if page is None:
        return None
    return {
        "items": _list_of(page["items"], read_simplified_album, "album"),
        "next": _str(page.get("next")),
        "total": _int(page.get("total")),
        "offset": _int(page.get("offset")) or 0,
    }


def read_track_search(body: object) -> tuple[list[TrackJson], str | None] | None:
    """The tracks and ``next`` URL of a ``type=track`` search answer, or None when absent."""
    page = _search_page(body, "track")
    if page is None:
        return None
    return _list_of(page["items"], read_track, "track"), _str(page.get("next"))


def read_albums_batch(body: object) -> list[AlbumJson | None] | None:
    """``{"albums": [album | null, ...]}``; a null (unknown id) stays None in its place."""
    if not isinstance(body, dict) or not isinstance(body.get("albums"), list):
        return None
    return [None if row is None else read_album(row) for row in body["albums"]]


def read_tracks_batch(body: object) -> list[TrackJson | None] | None:
    """``{"tracks": [track | null, ...]}`` (the seed clone answers one-element lists)."""
    if not isinstance(body, dict) or not isinstance(body.get("tracks"), list):
        return None
    return [None if row is None else read_track(row) for row in body["tracks"]]


def read_token(body: object) -> TokenJson | None:
    """A client-credentials token answer, or None when a field is missing or mistyped."""
    if not isinstance(body, dict):
        return None
    token, kind, expires = _str(body.get("access_token")), _str(body.get("token_type")), _int(body.get("expires_in"))
    if token is None or expires is None:
        return None
    return {"access_token": token, "token_type": kind or "Bearer", "expires_in": expires}


def read_error(body: object) -> ErrorJson | None:
    """The Web API error envelope, or None when ``body`` is not one."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return None
    error = body["error"]
    status, message = _int(error.get("status")), error.get("message")
    if status is None or not isinstance(message, str):
        return None
    return {"status": status, "message": message}


def read_token_error(body: object) -> str | None:
    """The accounts service's error code (``invalid_client``, ...), or None when absent."""
    if not isinstance(body, dict):
        return None
    return _str(body.get("error"))


def is_error_envelope(body: object) -> bool:
    """True for a Spotify-style ``{"error": {...}}`` body, as opposed to FastAPI's ``{"detail"}`` or HTML."""
    return read_error(body) is not None
