"""The Spotify Web API over a local catalog, as one plain function: ``handle(request, catalog)``.

What belongs here: routing a request, reading and checking its parameters, the token endpoint,
and Spotify's error answers. The in-process driver (the ``catalog`` backend) and the clone
server (``tagbridge serve``) both call :func:`handle`: one code path, two ways in. What
doesn't: turning rows into objects (``objects.py``), search (``search.py``), SQL
(``sql.py``), sockets and HTTP framing (``server/``).

Routes (parameters may be in the URL's query string, in ``request.params``, or both):

* ``POST /api/token``: any client credentials (Basic auth, form fields or none) with
  ``grant_type=client_credentials`` get a bearer token; ``/v1`` serves requests with or without one.
* ``GET /v1/search?q=&type=album,artist,track&limit=&offset=``: ``limit`` 1-50 (default 20),
  ``offset`` 0-1000; ``query=`` is read like ``q=`` (Spotify's own paging links say ``query``).
  ``playlist``, ``show``, ``episode`` and ``audiobook`` answer empty pages.
* ``GET /v1/albums/{id}``, ``/v1/albums?ids=`` (at most 20), ``/v1/albums/{id}/tracks``.
* ``GET /v1/tracks/{id}``, ``/v1/tracks?ids=`` (at most 50).
* ``GET /v1/artists/{id}``, ``/v1/artists?ids=`` (at most 50), ``/v1/artists/{id}/albums``
  (``include_groups`` of album, single, compilation, appears_on).

``href`` and paging links point back at the scheme, host and port the request came to. A
taken-down album (empty name), and its tracks, answer 404 and are never found by search.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Final
from urllib.parse import parse_qsl, unquote, urlsplit

from tagbridge.catalog import rows
from tagbridge.catalog.api_types import (
    AlbumObject,
    ArtistObject,
    EmptyPage,
    ErrorResponse,
    SearchResponse,
    TokenResponse,
    TrackObject,
)
from tagbridge.catalog.objects import MarketCache, Shaper, page_links
from tagbridge.catalog.rows import AlbumRow, TrackRow
from tagbridge.catalog.search import KINDS, MAX_OFFSET, Kind, find, parse_query, plan_search
from tagbridge.catalog.store import Catalog
from tagbridge.core.http import HttpRequest, HttpResponse

__all__ = ["handle", "MAX_QUERY", "TOKEN_LIFETIME"]

#: The longest ``q`` answered; longer ones are refused with a 400 (Spotify's limit is not documented).
MAX_QUERY: Final = 1000
#: Seconds a token is said to last, as on Spotify.
TOKEN_LIFETIME: Final = 3600
#: Links read at most for ``/artists/{id}/albums`` ("Various Artists" has millions).
ARTIST_LINK_CAP: Final = 5000
_MAX_PAGING_OFFSET: Final = 1_000_000
_GROUPS: Final = ("album", "single", "compilation", "appears_on")
_OTHER_TYPES: Final = ("playlist", "show", "episode", "audiobook")
_BASE62: Final = re.compile(r"[0-9A-Za-z]{22}")
_NUMBER: Final = re.compile(r"[0-9]{1,9}")
_JSON: Final = {"content-type": "application/json; charset=utf-8"}
_UNAVAILABLE: Final = "The catalog could not answer this request"

Params = Mapping[str, str]


class _Refusal(Exception):
    """An error answer: raised anywhere below :func:`handle`, answered there."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


_caches: weakref.WeakKeyDictionary[Catalog, MarketCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def _markets_of(catalog: Catalog) -> MarketCache:
    """The catalog's cache of encoded market lists; it lives as long as the catalog object."""
    cache = _caches.get(catalog)
    if cache is None:
        with _caches_lock:
            cache = _caches.setdefault(catalog, MarketCache())
    return cache


def handle(request: HttpRequest, catalog: Catalog) -> HttpResponse:
    """Answer one Web API request from ``catalog``; never raises for anything a client sends.

    Statuses: 200; 400 for a bad id (not 22 base62 characters), ``limit``, ``offset``, ``q``,
    ``type``, ``include_groups`` or too many ids; 404 for an unknown id, a takedown or an
    unknown route; 405 for a wrong method; never 500. sqlite3 errors are answered here: an
    FTS5 error can only come from a query's text, so it is a 400 (``search.py`` quotes every
    word, so none is expected); any other ``sqlite3.Error`` (locked, I/O error, a corrupt or
    missing table) is the database failing, a 503 with Spotify's error shape.
    """
    try:
        return _route(request, catalog)
    except _Refusal as refusal:
        return _error(refusal.status, refusal.message, refusal.headers)
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower():
            return _error(400, "Invalid search query")
        return _error(503, _UNAVAILABLE)
    except sqlite3.Error:
        return _error(503, _UNAVAILABLE)


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> HttpResponse:
    body: ErrorResponse = {"error": {"status": status, "message": message}}
    return HttpResponse(status=status, url="", body=_plain_json(body), headers={**_JSON, **(headers or {})})


def _plain_json(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _params(request: HttpRequest, query: str) -> dict[str, str]:
    """The URL's query parameters, then ``request.params`` over them; each must be valid text."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    params.update(request.params)
    for name, value in params.items():
        if not isinstance(value, str) or not _encodable(name) or not _encodable(value):
            raise _Refusal(400, f"Invalid value for parameter {name[:40]!r}")
    return params


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, handed in-process
        return False
    return True


_Route = Callable[[Shaper, Params, list[str]], bytes]


def _route(request: HttpRequest, catalog: Catalog) -> HttpResponse:
    try:
        parts = urlsplit(request.url) if _encodable(request.url) else None
    except ValueError:  # "http://[::1/v1/...": a Host header no URL can hold
        parts = None
    if parts is None:
        raise _Refusal(400, "Invalid request URL")
    path = parts.path.rstrip("/") if parts.path != "/" else parts.path
    if path == "/api/token":
        if request.method != "POST":
            raise _Refusal(405, "Method not allowed", {"allow": "POST"})
        return _token(request, _params(request, parts.query))
    segments = [unquote(segment) for segment in path.split("/")[1:]]
    if len(segments) < 2 or segments[0] != "v1":
        raise _Refusal(404, "Service not found")
    route, args = _find_route(segments[1:])
    if request.method not in ("GET", "HEAD"):
        raise _Refusal(405, "Method not allowed", {"allow": "GET"})
    params = _params(request, parts.query)
    origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"  # links never repeat user info
    shaper = Shaper(catalog.connection(), f"{origin}/v1", _markets_of(catalog))
    return HttpResponse(status=200, url=request.url, body=route(shaper, params, args), headers=dict(_JSON))


def _find_route(rest: list[str]) -> tuple[_Route, list[str]]:
    match rest:
        case ["search"]:
            return _search, []
        case ["albums"]:
            return _several_albums, []
        case ["albums", album_id]:
            return _album, [album_id]
        case ["albums", album_id, "tracks"]:
            return _album_tracks, [album_id]
        case ["tracks"]:
            return _several_tracks, []
        case ["tracks", track_id]:
            return _track, [track_id]
        case ["artists"]:
            return _several_artists, []
        case ["artists", artist_id]:
            return _artist, [artist_id]
        case ["artists", artist_id, "albums"]:
            return _artist_albums, [artist_id]
    raise _Refusal(404, "Service not found")


# -- parameters ----------------------------------------------------------------------------------

def _checked_id(value: str) -> str:
    if not _BASE62.fullmatch(value):
        raise _Refusal(400, "Invalid base62 id")
    return value


def _checked_ids(params: Params, most: int) -> list[str]:
    raw = params.get("ids")
    if raw is None:
        raise _Refusal(400, "Missing required parameter ids")
    ids = raw.split(",")
    if len(ids) > most:
        raise _Refusal(400, "Too many ids requested")
    return [_checked_id(value.strip()) for value in ids]


def _number(params: Params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not _NUMBER.fullmatch(raw) or not low <= int(raw) <= high:
        raise _Refusal(400, f"Invalid {name}")
    return int(raw)


def _paging(params: Params, *, default: int = 20, most_offset: int = _MAX_PAGING_OFFSET) -> tuple[int, int]:
    return _number(params, "offset", 0, 0, most_offset), _number(params, "limit", default, 1, 50)


# -- albums ------------------------------------------------------------------------------------

def _live_album(shaper: Shaper, album_id: str) -> AlbumRow:
    album = rows.ALBUMS.one(shaper.conn, _checked_id(album_id))
    if album is None or rows.is_takedown(album):
        raise _Refusal(404, "non existing id")
    return album


def _album(shaper: Shaper, params: Params, args: list[str]) -> bytes:
    return shaper.encode(shaper.album(_live_album(shaper, args[0])))


def _several_albums(shaper: Shaper, params: Params, args: list[str]) -> bytes:
    ids = _checked_ids(params, 20)
    found = rows.ALBUMS.by_ids(shaper.conn, ids)
    albums: list[AlbumObject | None] = []
    for album_id in ids:
        album = found.get(album_id)
        albums.append(None if album is None or rows.is_takedown(album) else shaper.album(album))
    return shaper.encode({"albums": albums})


def _album_tracks(shaper: Shaper, params: Params, args: list[str]) -> bytes:
    album = _live_album(shaper, args[0])
    offset, limit = _paging(params)
    return shaper.encode(shaper.album_tracks(album, offset, limit))


# -- tracks ------------------------------------------------------------------------------------

def _track_objects(shaper: Shaper, tracks: list[TrackRow]) -> dict[str, TrackObject]:
    """Full objects of the tracks whose album is there and not taken down, by id."""
    albums = rows.ALBUMS.by_rowids(shaper.conn, {t.album_rowid for t in tracks if t.album_rowid is not None})
    live = {rowid: album for rowid, album in albums.items() if not rows.is_takedown(album)}
    shown = [track for track in tracks if track.album_rowid in live]
    return {track.id: obj for track, obj in zip(shown, shaper.tracks(shown, live))}


def _track(shaper: Shaper, params: Params, args: list[str]) -> bytes:
    track = rows.TRACKS.one(shaper.conn, _checked_id(args[0]))
    found = _track_objects(shaper, [track]) if track is not None else {}
    if not found:
        raise _Refusal(404, "non existing id")
    return shaper.encode(next(iter(found.values())))


def _several_tracks(shaper: Shaper, params: Params, args: list[str]) -> bytes:
    ids = _checked_ids(params, 50)
    found = _track_objects(shaper, list(rows.TRACKS.by_ids(shaper.conn, ids).values()))
    return shaper.encode({"tracks": [found.get(track_id) for track_id in ids]})


# -- artists -----------------------------------------------------------------------------------

def _artist(shaper: Shaper, params: Params, args: list[str]) -> bytes:
    artist = rows.ARTISTS.one(shaper.conn, _checked_id(args[0]))
    if artist is None:
        raise _Refusal(404, "non existing id")
    return shaper.encode(shaper.artists([artist])[0])


def _several_artists(shaper: Shaper, params: Params, args: list[str]) -> bytes:
    ids = _checked_ids(params, 50)
    found = rows.ARTISTS.by_ids(shaper.conn, ids)
    listed = list(found.values())
    shaped = {artist.id: obj for artist, obj in zip(listed, shaper.artists(listed))}
    artists: list[ArtistObject | None] = [shaped.get(artist_id) for artist_id in ids]
    return shaper.encode({"artists": artists})


def _groups(params: Params) -> tuple[str, ...]:
    raw = params.get("include_groups", "")
    if not raw.strip():
        return _GROUPS
    groups = tuple(group.strip() for group in raw.split(","))
    if any(group not in _GROUPS for group in groups):
        raise _Refusal(400, "Invalid include_groups")
    return groups


def _artist_albums(shaper: Shaper, params: Params, args: list[str]) -> bytes:
    artist = rows.ARTISTS.one(shaper.conn, _checked_id(args[0]))
    if artist is None:
        raise _Refusal(404, "non existing id")
    groups = _groups(params)
    offset, limit = _paging(params)
    listed: list[tuple[str, str, int]] = []  # group, release date, rowid
    for rowid, appears, album_type, release_date in rows.artist_album_links(shaper.conn, artist.rowid,
                                                                              ARTIST_LINK_CAP):
        group = "appears_on" if appears else album_type if album_type in _GROUPS[:3] else "album"
        if group in groups:
            listed.append((group, release_date or "", rowid))
    # Spotify's order: albums, singles, compilations, appears-on; newest first within each
    # (stable sorts, last key first).
    listed.sort(key=lambda item: item[2])
    listed.sort(key=lambda item: item[1], reverse=True)
    listed.sort(key=lambda item: _GROUPS.index(item[0]))
    page = listed[offset:offset + limit]
    albums = rows.ALBUMS.by_rowids(shaper.conn, [rowid for _group, _date, rowid in page])
    after = [("include_groups", params["include_groups"])] if params.get("include_groups") else []
    links = page_links(f"{shaper.api_url}/artists/{artist.id}/albums", offset, limit, len(listed), after=after)
    body = shaper.artist_albums([(albums[rowid], group) for group, _date, rowid in page], links, offset, limit,
                                len(listed))
    return shaper.encode(body)


# -- search ------------------------------------------------------------------------------------

def _search_types(params: Params) -> list[str]:
    raw = params.get("type")
    if not raw or not raw.strip():
        raise _Refusal(400, "Missing parameter type")
    kinds: list[str] = []
    for kind in (part.strip() for part in raw.split(",")):
        if kind not in KINDS and kind not in _OTHER_TYPES:
            raise _Refusal(400, "Bad search type field")
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def _search(shaper: Shaper, params: Params, args: list[str]) -> bytes:
    q = params.get("q", params.get("query"))
    if q is None or not q.strip():
        raise _Refusal(400, "No search query")
    if len(q) > MAX_QUERY:
        raise _Refusal(400, "Query too long")
    kinds = _search_types(params)
    offset, limit = _paging(params, most_offset=MAX_OFFSET)
    query = parse_query(q)
    body: SearchResponse = {}
    url = f"{shaper.api_url}/search"
    for name in kinds:
        before = [("query", q), ("type", name)]
        kind = _KIND_BY_NAME.get(name)
        ranked = find(shaper.conn, plan_search(query, kind)) if kind is not None else []
        page, total = ranked[offset:offset + limit], len(ranked)
        href, nxt, previous = page_links(url, offset, limit, total, before=before, last_offset=MAX_OFFSET)
        if kind == "album":
            albums = rows.ALBUMS.by_rowids(shaper.conn, page)
            body["albums"] = {"href": href, "items": shaper.albums([albums[r] for r in page if r in albums]),
                              "limit": limit, "next": nxt, "offset": offset, "previous": previous, "total": total}
        elif kind == "track":
            tracks = rows.TRACKS.by_rowids(shaper.conn, page)
            shown = _track_objects(shaper, [tracks[r] for r in page if r in tracks])
            body["tracks"] = {"href": href, "items": list(shown.values()), "limit": limit, "next": nxt,
                              "offset": offset, "previous": previous, "total": total}
        elif kind == "artist":
            artists = rows.ARTISTS.by_rowids(shaper.conn, page)
            body["artists"] = {"href": href, "items": shaper.artists([artists[r] for r in page if r in artists]),
                               "limit": limit, "next": nxt, "offset": offset, "previous": previous, "total": total}
        else:
            empty: EmptyPage = {"href": href, "items": [], "limit": limit, "next": None, "offset": offset,
                                "previous": previous, "total": 0}
            _put_empty(body, name, empty)
    return shaper.encode(body)


_KIND_BY_NAME: Final[dict[str, Kind]] = {kind: kind for kind in KINDS}


def _put_empty(body: SearchResponse, name: str, page: EmptyPage) -> None:
    """The empty page of a type the catalog does not hold (playlists, shows, ...)."""
    if name == "playlist":
        body["playlists"] = page
    elif name == "show":
        body["shows"] = page
    elif name == "episode":
        body["episodes"] = page
    else:
        body["audiobooks"] = page


# -- token -------------------------------------------------------------------------------------

def _token(request: HttpRequest, params: Params) -> HttpResponse:
    """Any client credentials (Basic auth, form fields, or none) get a token: a clone has no accounts."""
    form = dict(params)
    if request.body:
        form.update(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    if form.get("grant_type") != "client_credentials":
        # The accounts service's own error shape, which clients read for token errors.
        refused = {"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"}
        return HttpResponse(status=400, url=request.url, body=_plain_json(refused), headers=dict(_JSON))
    token: TokenResponse = {"access_token": f"tagbridge-catalog-{secrets.token_urlsafe(24)}",
                            "token_type": "Bearer", "expires_in": TOKEN_LIFETIME}
    return HttpResponse(status=200, url=request.url, body=_plain_json(token), headers=dict(_JSON))
