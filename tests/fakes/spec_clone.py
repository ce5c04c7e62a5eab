"""A spec-following Spotify clone over the sample: Spotify's ``/v1`` shapes, auth, paging and errors.

What belongs here: the routes a tagger needs (albums, album tracks, tracks, artists, search, the
token endpoint) answered in the shapes of ``../shared/specs/spotify-web-api.openapi.yml`` and of the
recorded Spotify bodies, with knobs for the failures a client must survive. Not here: the seed's
quirks (``seed_clone.py``) or anything Spotify does that a tagger never calls.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from fakes import FakeServer, Reply, Request, json_reply
from fakes.annas import AlbumRow, ArtistRow, Sample, TrackRow

__all__ = ["SpecClone", "SpotifyQuery", "parse_spotify_query"]

Json = dict[str, Any]
_Shape = Callable[[Any], Json]

#: Filters each result type understands; any other filter makes that type find nothing.
_APPLIES = {
    "album": {"album", "artist", "year", "upc"},
    "track": {"album", "artist", "track", "year", "isrc", "genre"},
    "artist": {"artist", "year", "genre"},
}
_OTHER_TYPES = {"playlist", "show", "episode", "audiobook"}
_TOKEN = re.compile(
    r'(?P<field>[a-z]+):(?:"(?P<quoted>[^"]*)"?|(?P<word>\S+))|"(?P<phrase>[^"]*)"?|(?P<free>\S+)'
)
#: The same, with ``field:'a phrase'`` read like ``field:"a phrase"`` (the ``single_quoted_filters`` knob).
_TOKEN_SINGLE = re.compile(
    r'(?P<field>[a-z]+):(?:"(?P<quoted>[^"]*)"?|\'(?P<squoted>[^\']*)\'?|(?P<word>\S+))'
    r'|"(?P<phrase>[^"]*)"?|(?P<free>\S+)'
)
_BASE62 = re.compile(r"[0-9A-Za-z]{22}")


@dataclass(frozen=True, slots=True, kw_only=True)
class SpotifyQuery:
    """A parsed ``q``: filters by name, and the free-text words and quoted phrases."""

    filters: Mapping[str, str]
    words: tuple[str, ...]


def parse_spotify_query(q: str, *, single_quotes: bool = False) -> SpotifyQuery:
    """Split ``q`` like Spotify: ``field:"a phrase"`` or ``field:word``; the rest is free text.

    ``artist:Daft Punk`` is the filter ``Daft`` plus the free word ``Punk``, as on Spotify. An
    unknown field (``tag:new`` included) stays a free-text word, so it matches nothing here.
    ``single_quotes`` also takes ``field:'a phrase'`` as one filter value.
    """
    filters: dict[str, str] = {}
    words: list[str] = []
    for match in (_TOKEN_SINGLE if single_quotes else _TOKEN).finditer(q):
        name = match["field"]
        if name in ("album", "artist", "track", "year", "isrc", "upc", "genre"):
            quoted = match["quoted"] if match["quoted"] is not None else match.groupdict().get("squoted")
            filters[name] = quoted if quoted is not None else match["word"]
        else:
            words.append(match["phrase"] or match["free"] or match[0])
    return SpotifyQuery(filters=filters, words=tuple(words))


def _fold(text: str) -> str:
    """Case- and accent-insensitive form, as Spotify's search matches ("angele" finds Angèle)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def _year_matches(wanted: str, release_date: str) -> bool:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", wanted)
    if not match:
        return False
    low, high = int(match[1]), int(match[2] or match[1])
    return low <= int(release_date[:4] or 0) <= high


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return json_reply(
        {"error": {"status": status, "message": message}}, status, compact=False, headers=headers
    )


def _int_param(params: dict[str, str], name: str, default: int, low: int, high: int) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    return int(raw) if raw.isdigit() and low <= int(raw) <= high else None


class SpecClone(FakeServer):
    """A Spotify-shaped clone; every knob is a plain attribute tests may change at any time."""

    def __init__(
        self,
        sample: Sample,
        *,
        page_size: int = 50,
        batch: bool = True,
        require_auth: bool = False,
        client_id: str = "tagbridge-client",
        client_secret: str = "tagbridge-secret",
        search_limit_max: int = 10,
        dev_mode_fields: bool = False,
        single_quoted_filters: bool = False,
        pad_search_with: int = 0,
        search_429s: int = 0,
        retry_after: str = "1",
    ) -> None:
        super().__init__()
        self.sample = sample
        self.page_size = page_size
        self.batch = batch
        self.require_auth = require_auth
        self.client_id = client_id
        self.client_secret = client_secret
        self.search_limit_max = search_limit_max
        #: Drop the fields Development Mode withholds (label, popularity, external_ids, ...).
        self.dev_mode_fields = dev_mode_fields
        #: Read ``album:'…'`` as ``album:"…"``. beets' spotify plugin swaps every ``"`` in its query
        #: for ``'``. Spotify documents only ``"`` quotes and not what it does with ``'``; without
        #: this the fake finds nothing for beets, so a comparison with beets needs it on.
        self.single_quoted_filters = single_quoted_filters
        #: Add this many other sample albums after the hits of every text album search (not
        #: ``upc:``), those by the ``artist:`` filter's artist first: a search that fills its page.
        self.pad_search_with = pad_search_with
        #: Answer the next this many ``/v1/search`` requests 429 with ``Retry-After: retry_after``;
        #: each one answered counts it down, so a test sees whether its 429 was used.
        self.search_429s = search_429s
        self.retry_after = retry_after
        self.tokens_issued: list[str] = []
        self._live: set[str] = set()
        self._expired: set[str] = set()
        self._serial = itertools.count(1)

    @property
    def api_url(self) -> str:
        """The base URL a client configures as its Spotify API URL."""
        return f"{self.url}/v1"

    @property
    def token_url(self) -> str:
        """The client-credentials token endpoint."""
        return f"{self.url}/api/token"

    def expire_tokens(self) -> None:
        """Make every issued token invalid; the next ``/v1`` call answers 401 "The access token expired"."""
        self._expired |= self._live
        self._live.clear()

    def route(self, request: Request) -> Reply:
        """Dispatch to the token endpoint or a ``/v1`` route, checking the bearer token first."""
        if request.path == "/api/token":
            return self._token(request) if request.method == "POST" else _error(405, "Method not allowed")
        if not request.path.startswith("/v1/"):
            return _error(404, "Service not found")
        if self.require_auth:
            refused = self._check_bearer(request.header("Authorization"))
            if refused is not None:
                return refused
        if request.method != "GET":
            return _error(405, "Method not allowed")
        parts = [unquote(p) for p in request.path.split("/")[2:]]
        params = request.params
        match parts:
            case ["albums"]:
                return self._several(params, "albums", 20, self.sample.album_by_id, self._album_full)
            case ["albums", album_id]:
                return self._one(album_id, self.sample.album_by_id, self._album_full)
            case ["albums", album_id, "tracks"]:
                return self._album_tracks(album_id, params)
            case ["tracks"]:
                return self._several(params, "tracks", 50, self.sample.track_by_id, self._track_full)
            case ["tracks", track_id]:
                return self._one(track_id, self.sample.track_by_id, self._track_full)
            case ["artists", artist_id]:
                return self._one(artist_id, self.sample.artist_by_id, self._artist_full)
            case ["search"]:
                return self._rate_limited() or self._search(params)
        return _error(404, "Service not found")

    # -- auth ---------------------------------------------------------------------------------------

    def _token(self, request: Request) -> Reply:
        form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = request.header("Authorization") or ""
        if basic.startswith("Basic "):
            try:
                decoded = base64.b64decode(basic[6:], validate=True).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                decoded = ""
            client_id, _, secret = decoded.partition(":")
        if "grant_type" not in form:
            return json_reply(
                {"error": "unsupported_grant_type", "error_description": "grant_type parameter is missing"},
                400,
            )
        if form["grant_type"] != "client_credentials":
            return json_reply(
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant_type must be client_credentials",
                },
                400,
            )
        if self.require_auth and client_id != self.client_id:
            return json_reply({"error": "invalid_client", "error_description": "Invalid client"}, 400)
        if self.require_auth and secret != self.client_secret:
            return json_reply({"error": "invalid_client", "error_description": "Invalid client secret"}, 400)
        token = f"fake-token-{next(self._serial)}"
        self.tokens_issued.append(token)
        self._live.add(token)
        return json_reply({"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def _check_bearer(self, header: str | None) -> Reply | None:
        if not header or not header.startswith("Bearer "):
            return _error(401, "No token provided")
        token = header[7:].strip()
        if token in self._live:
            return None
        message = "The access token expired" if token in self._expired else "Invalid access token"
        challenge = f'Bearer realm="spotify", error="invalid_token", error_description="{message}"'
        return _error(401, message, {"WWW-Authenticate": challenge})

    # -- shapes (key order as in recorded Spotify bodies) -----------------------------------------

    def _artist_simple(self, artist: ArtistRow) -> Json:
        aid = artist["id"]
        return {
            "external_urls": {"spotify": f"https://open.spotify.com/artist/{aid}"},
            "href": f"{self.api_url}/artists/{aid}",
            "id": aid,
            "name": artist["name"],
            "type": "artist",
            "uri": f"spotify:artist:{aid}",
        }

    def _artist_full(self, artist: ArtistRow) -> Json:
        images = sorted(self.sample.artist_images.get(artist["rowid"], ()), key=lambda i: -i["width"])
        full = {
            **self._artist_simple(artist),
            "followers": {"href": None, "total": artist["followers_total"]},
            "genres": list(self.sample.artist_genres.get(artist["rowid"], ())),
            "images": [{"url": i["url"], "height": i["height"], "width": i["width"]} for i in images],
            "popularity": artist["popularity"],
        }
        return self._restrict(full, "followers", "popularity")

    def _album_simple(self, album: AlbumRow) -> Json:
        aid, seen = album["id"], set()
        images = []
        for image in sorted(self.sample.album_images.get(album["rowid"], ()), key=lambda i: -i["width"]):
            if image["url"] not in seen:  # the sample repeats some image rows verbatim
                seen.add(image["url"])
                images.append({"url": image["url"], "height": image["height"], "width": image["width"]})
        simple = {
            "album_type": album["album_type"],
            "total_tracks": album["total_tracks"],
            "available_markets": self.sample.market_codes(album["available_markets_rowid"]),
            "external_urls": {"spotify": f"https://open.spotify.com/album/{aid}"},
            "href": f"{self.api_url}/albums/{aid}",
            "id": aid,
            "images": images,
            "name": album["name"],
            "release_date": album["release_date"],
            "release_date_precision": album["release_date_precision"],
            "type": "album",
            "uri": f"spotify:album:{aid}",
            "artists": [self._artist_simple(a) for a in self.sample.main_album_artists(album["rowid"])],
        }
        return self._restrict(simple, "available_markets")

    def _album_full(self, album: AlbumRow) -> Json:
        tracks = self._tracks_of(album)
        base = f"{self.api_url}/albums/{album['id']}/tracks"
        full = {
            **self._album_simple(album),
            "tracks": self._page(tracks, base, {}, 0, self.page_size, self._track_simple),
            "copyrights": [
                {"text": text, "type": kind}
                for text, kind in ((album["copyright_c"], "C"), (album["copyright_p"], "P"))
                if text
            ],
            "external_ids": {"upc": album["external_id_upc"]} if album["external_id_upc"] else {},
            "genres": [],
            "label": album["label"],
            "popularity": album["popularity"],
        }
        return self._restrict(full, "external_ids", "label", "popularity")

    def _track_simple(self, track: TrackRow) -> Json:
        tid = track["id"]
        simple = {
            "artists": [self._artist_simple(a) for a in self.sample.track_artists(track["rowid"])],
            "available_markets": self.sample.market_codes(track["available_markets_rowid"]),
            "disc_number": track["disc_number"],
            "duration_ms": track["duration_ms"],
            "explicit": bool(track["explicit"]),
            "external_urls": {"spotify": f"https://open.spotify.com/track/{tid}"},
            "href": f"{self.api_url}/tracks/{tid}",
            "id": tid,
            "name": track["name"],
            "preview_url": track["preview_url"],
            "track_number": track["track_number"],
            "type": "track",
            "uri": f"spotify:track:{tid}",
            "is_local": False,
        }
        return self._restrict(simple, "available_markets")

    def _track_full(self, track: TrackRow) -> Json:
        album = self.sample.album_by_rowid[track["album_rowid"]]
        full = {
            "album": self._album_simple(album),
            **self._track_simple(track),
            "external_ids": {"isrc": track["external_id_isrc"]} if track["external_id_isrc"] else {},
            "popularity": track["popularity"],
        }
        return self._restrict(full, "external_ids", "popularity")

    def _restrict(self, obj: Json, *names: str) -> Json:
        if self.dev_mode_fields:
            for name in names:
                obj.pop(name, None)
        return obj

    def _tracks_of(self, album: AlbumRow) -> list[TrackRow]:
        rows = self.sample.album_tracks.get(album["rowid"], ())
        return sorted(rows, key=lambda t: (t["disc_number"], t["track_number"], t["rowid"]))

    def _page(
        self, rows: Sequence[Any], base: str, params: dict[str, str], offset: int, limit: int, shape: _Shape
    ) -> Json:
        """A paging object whose ``href``/``next``/``previous`` point back at this server."""

        def link(at: int) -> str:
            return f"{base}?{urlencode({**params, 'offset': at, 'limit': limit}, quote_via=quote)}"

        return {
            "href": link(offset),
            "items": [shape(row) for row in rows[offset : offset + limit]],
            "limit": limit,
            "next": link(offset + limit) if offset + limit < len(rows) else None,
            "offset": offset,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "total": len(rows),
        }

    # -- routes -------------------------------------------------------------------------------------

    def _one(self, item_id: str, table: Mapping[str, Any], shape: _Shape) -> Reply:
        if not _BASE62.fullmatch(item_id):
            return _error(400, "Invalid base62 id")
        row = table.get(item_id)
        return _error(404, "non existing id") if row is None else json_reply(shape(row), compact=False)

    def _several(
        self, params: dict[str, str], key: str, most: int, table: Mapping[str, Any], shape: _Shape
    ) -> Reply:
        if not self.batch:
            return _error(403, "Forbidden")  # what Development Mode answers since 2026-03-09
        ids = [i for i in params.get("ids", "").split(",") if i]
        if not ids:
            return _error(400, "invalid id")
        if len(ids) > most:
            return _error(400, "Too many ids requested")
        if any(not _BASE62.fullmatch(i) for i in ids):
            return _error(400, "Invalid base62 id")
        return json_reply({key: [shape(table[i]) if i in table else None for i in ids]}, compact=False)

    def _album_tracks(self, album_id: str, params: dict[str, str]) -> Reply:
        if not _BASE62.fullmatch(album_id):
            return _error(400, "Invalid base62 id")
        album = self.sample.album_by_id.get(album_id)
        if album is None:
            return _error(404, "non existing id")
        limit = _int_param(params, "limit", 20, 1, 50)
        offset = _int_param(params, "offset", 0, 0, 10_000)
        if limit is None:
            return _error(400, "Invalid limit")
        if offset is None:
            return _error(400, "Invalid offset")
        base = f"{self.api_url}/albums/{album_id}/tracks"
        page = self._page(self._tracks_of(album), base, {}, offset, limit, self._track_simple)
        return json_reply(page, compact=False)

    def _rate_limited(self) -> Reply | None:
        with self._lock:
            if self.search_429s <= 0:
                return None
            self.search_429s -= 1
        return _error(429, "API rate limit exceeded", {"Retry-After": self.retry_after})

    def _search(self, params: dict[str, str]) -> Reply:
        q = params.get("q", params.get("query", ""))  # our own ``next`` links say ``query=``, as Spotify's do
        if not q.strip():
            return _error(400, "No search query")
        if not params.get("type"):
            return _error(400, "Missing parameter type")
        kinds = params["type"].split(",")
        if any(kind not in _APPLIES and kind not in _OTHER_TYPES for kind in kinds):
            return _error(400, "Bad search type field")
        limit = _int_param(params, "limit", 5, 1, self.search_limit_max)
        offset = _int_param(params, "offset", 0, 0, 1000)
        if limit is None:
            return _error(400, "Invalid limit")
        if offset is None:
            return _error(400, "Invalid offset")
        query, body = parse_spotify_query(q, single_quotes=self.single_quoted_filters), {}
        shapes: dict[str, _Shape] = {
            "album": self._album_simple,
            "track": self._track_full,
            "artist": self._artist_full,
        }
        for kind in kinds:
            found = self._find(kind, query) if kind in _APPLIES else []
            if kind == "album" and self.pad_search_with > 0 and "upc" not in query.filters:
                found = [*found, *self._decoys(found, query)]
            link_params = {"query": q, "type": kind}
            page = self._page(
                found, f"{self.api_url}/search", link_params, offset, limit, shapes.get(kind, dict)
            )
            body[f"{kind}s"] = page
        return json_reply(body, compact=False)

    def _decoys(self, found: Sequence[AlbumRow], query: SpotifyQuery) -> list[AlbumRow]:
        """``pad_search_with`` sample albums not among ``found``: the filter's artist's first, then by popularity."""
        taken = {row["id"] for row in found}
        artist = _fold(query.filters.get("artist", ""))

        def by_artist(row: AlbumRow) -> bool:
            names = (_fold(a["name"]) for a in self.sample.main_album_artists(row["rowid"]))
            return bool(artist) and any(artist in name for name in names)

        pool = [row for row in self.sample.albums if row["id"] not in taken and row["name"].strip()]
        pool.sort(key=lambda row: (not by_artist(row), -row["popularity"], row["rowid"]))
        return pool[: self.pad_search_with]

    def _find(self, kind: str, query: SpotifyQuery) -> list[Any]:
        if set(query.filters) - _APPLIES[kind]:
            return []
        rows: Sequence[Any] = {"album": self.sample.albums, "track": self.sample.tracks}.get(
            kind, self.sample.artists
        )
        hits = [row for row in rows if self._matches(kind, row, query)]
        text = _fold(" ".join(query.words))
        # Relevance stand-in: exact name first, then popularity, then the dump's order.
        hits.sort(key=lambda row: (_fold(row["name"]) != text, -row["popularity"], row["rowid"]))
        return hits

    def _matches(self, kind: str, row: Any, query: SpotifyQuery) -> bool:
        sample = self.sample
        album: AlbumRow | None = (
            row if kind == "album" else sample.album_by_rowid.get(row.get("album_rowid", -1))
        )
        if kind == "album":
            artists = sample.main_album_artists(row["rowid"])
        elif kind == "track":
            artists = sample.track_artists(row["rowid"])
        else:
            artists = [row]
        names = [_fold(a["name"]) for a in artists]
        haystack = " ".join(
            [_fold(row["name"]), *names, _fold(album["name"]) if album and kind == "track" else ""]
        )
        checks: dict[str, Callable[[str], bool]] = {
            "album": lambda v: album is not None and _fold(v) in _fold(album["name"]),
            "artist": lambda v: any(_fold(v) in name for name in names),
            "track": lambda v: _fold(v) in _fold(row["name"]),
            "year": lambda v: (
                kind == "artist" or (album is not None and _year_matches(v, album["release_date"]))
            ),
            "isrc": lambda v: (row.get("external_id_isrc") or "").upper() == v.upper(),
            "upc": lambda v: row.get("external_id_upc") == v,  # exact: no zero-padding either way
            "genre": lambda v: any(
                _fold(v) in _fold(g) for a in artists for g in sample.artist_genres.get(a["rowid"], ())
            ),
        }
        return all(checks[name](value) for name, value in query.filters.items()) and all(
            _fold(word) in haystack for word in query.words
        )
