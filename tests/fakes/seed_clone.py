"""A fake of the seed Spotify clone (moddroid94/local-green-api), quirk for quirk, over the sample.

What belongs here: the seed's routes and response shapes as its FastAPI app and DuckDB handler
produce them (main.py @94e806a, parquet_handler.py @01d3048), rewritten from reading them. Every
departure from Spotify's API below is deliberate: the seed does it, so our client must cope.
Not here: anything the seed does not do.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from fakes import FakeServer, Reply, Request, json_reply, text_reply
from fakes.annas import AlbumRow, ArtistRow, Sample, TrackRow

__all__ = ["SeedClone", "parse_seed_query"]

Json = dict[str, Any]

#: The seed's query grammar, after it appends one space to ``q``: free text up to the last space
#: before the first colon, then ``isrc:`` one word, ``track:``/``artist:``/``album:`` a run of
#: space-terminated ``\w`` words (so quotes, apostrophes and brackets end a filter value).
_QUERY = re.compile(
    r"^(?P<text>[^:]+ )"
    r"|isrc:(?P<isrc>\w+)"
    r"|track:(?P<track>(?:\w+ )+)"
    r"|artist:(?P<artist>(?:\w+ )+)"
    r"|album:(?P<album>(?:\w+ )+)"
)


def parse_seed_query(q: str) -> dict[str, str]:
    """Split ``q`` the way the seed does: keys text, isrc, track, artist, album (last one wins)."""
    found = {"text": "", "isrc": "", "track": "", "artist": "", "album": ""}
    for match in _QUERY.finditer(q + " "):
        for key, value in match.groupdict().items():
            if value:
                found[key] = value if key == "isrc" else value[:-1]
    return found


def _like_contains(text: str) -> re.Pattern[str] | None:
    """DuckDB ``name LIKE '%text%'`` built by string formatting, or None where that SQL breaks.

    LIKE is case-sensitive in DuckDB, ``%`` and ``_`` in the text stay wildcards, and a doubled
    quote is an escaped quote; a lone quote ends the literal early, a parser error, hence a 500.
    """
    unquoted = text.replace("''", "")
    if "'" in unquoted:
        return None
    literal = text.replace("''", "'")
    body = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in literal)
    return re.compile(f".*{body}.*", re.DOTALL)


def _missing(name: str) -> Json:
    return {"type": "missing", "loc": ["query", name], "msg": "Field required", "input": None}


class SeedClone(FakeServer):
    """The seed clone. Knob: ``bare_not_implemented`` answers album/artist search with a bare list."""

    def __init__(self, sample: Sample, *, bare_not_implemented: bool = False) -> None:
        super().__init__()
        self.sample = sample
        self.bare_not_implemented = bare_not_implemented

    def route(self, request: Request) -> Reply:
        """Answer like the seed's FastAPI app; unknown paths get FastAPI's 404 body."""
        path = request.path
        parts = [unquote(part) for part in path.split("/")[1:]]
        known = path in ("/", "/tracks", "/search") or (
            len(parts) == 2 and parts[0] in ("albums", "artists") and parts[1] != ""
        )
        if not known:
            return json_reply({"detail": "Not Found"}, 404)
        if request.method != "GET":
            return json_reply({"detail": "Method Not Allowed"}, 405)
        if path == "/":
            return json_reply({"tables": {f"{t}.parquet": list(c) for t, c in self.sample.columns.items()}})
        if path == "/tracks":
            return self._tracks(request.params)
        if path == "/search":
            return self._search(request.params)
        if parts[0] == "albums":
            return self._album(parts[1])
        return self._artist(parts[1])

    # -- shapes (key order as the seed's dict literals) -------------------------------------------

    def _artist_object(self, artist: ArtistRow) -> Json:
        aid = artist["id"]
        return {
            "rowid": artist["rowid"],
            "id": aid,
            "name": artist["name"],
            "type": "artist",
            "genres": [],
            "followers": {"href": None, "total": artist["followers_total"]},
            "popularity": artist["popularity"],
            "href": f"https://api.spotify.com/v1/artists/{aid}",
            "uri": f"spotify:artist:{aid}",
            "external_url": {"spotify": f"https://open.spotify.com/artist/{aid}"},
        }

    def _simplified_album(self, album: AlbumRow, artists: list[Json]) -> Json:
        aid = album["id"]
        return {
            "rowid": album["rowid"],
            "id": aid,
            "name": album["name"],
            "type": "album",
            "album_type": album["album_type"],
            "popularity": album["popularity"],
            "release_date": album["release_date"],
            "release_date_precision": album["release_date_precision"],
            "total_tracks": album["total_tracks"],
            "artists": artists,
            "external_url": {"spotify": f"https://open.spotify.com/album/{aid}"},
            "href": f"https://api.spotify.com/v1/albums/{aid}",
            "uri": f"spotify:album:{aid}",
            "images": [],
        }

    def _track_fields(self, track: TrackRow) -> Json:
        tid = track["id"]
        return {
            "id": tid,
            "name": track["name"],
            "type": "track",
            "external_url": {"spotify": f"https://open.spotify.com/track/{tid}"},
            "href": f"https://api.spotify.com/v1/tracks/{tid}",
            "uri": f"spotify:track:{tid}",
            "preview_url": None,  # the seed never passes the dump's preview_url through
            "explicit": track["explicit"],
            "external_ids": {"isrc": track["external_id_isrc"]},
            "popularity": track["popularity"],
            "duration_ms": track["duration_ms"],
            "disc_number": track["disc_number"],
            "track_number": track["track_number"],
        }

    def _track_object(self, track: TrackRow, album: AlbumRow, *, with_rowids: bool) -> Json:
        """A full track; the embedded album's artists are the TRACK's artists, as in the seed."""
        artists = [self._artist_object(a) for a in self.sample.track_artists(track["rowid"])]
        head: Json = {"rowid": track["rowid"], "album_rowid": track["album_rowid"]} if with_rowids else {}
        return {
            **head,
            "album": self._simplified_album(album, artists),
            "artists": artists,
            **self._track_fields(track),
            "is_playable": True,
        }

    # -- routes -----------------------------------------------------------------------------------

    def _tracks(self, params: dict[str, str]) -> Reply:
        if "ids" not in params:
            return json_reply({"detail": [_missing("ids")]}, 422)
        track = self.sample.track_by_id.get(params["ids"])  # the whole string is one id
        album = self.sample.album_by_rowid.get(track["album_rowid"]) if track else None
        if track is None or album is None:
            return text_reply("Internal Server Error", 500)  # the seed indexes an empty frame
        return json_reply({"tracks": [self._track_object(track, album, with_rowids=False)]})

    def _album(self, album_id: str) -> Reply:
        album = self.sample.album_by_id.get(album_id)
        if album is None:
            return text_reply("Internal Server Error", 500)
        aid = album["id"]
        items = [
            {
                "rowid": t["rowid"],
                "album_rowid": t["album_rowid"],
                "artists": [self._artist_object(a) for a in self.sample.track_artists(t["rowid"])],
                **self._track_fields(t),
            }
            for t in self.sample.album_tracks.get(album["rowid"], ())
        ]
        # Every artist_albums row, "appears on" and repeated rows included, in file order.
        links = self.sample.album_artist_links.get(album["rowid"], ())
        artists = [self._artist_object(self.sample.artist_by_rowid[link["artist_rowid"]]) for link in links]
        return json_reply(
            {
                "rowid": album["rowid"],
                "id": aid,
                "name": album["name"],
                "type": "album",
                "tracks": {
                    "href": f"https://api.spotify.com/v1/albums/{aid}/tracks",
                    "next": None,
                    "total": len(items),
                    "previous": None,
                    "items": items,
                },
                "album_type": album["album_type"],
                "external_ids": {"upc": album["external_id_upc"]},
                "external_url": {"spotify": f"https://open.spotify.com/album/{aid}"},
                "href": f"https://api.spotify.com/v1/albums/{aid}",
                "uri": f"spotify:album:{aid}",
                "copyrights": [
                    {"text": album["copyright_c"], "type": "C"},
                    {"text": album["copyright_p"], "type": "P"},
                ],
                "images": [],
                "genres": [],
                "label": album["label"],
                "popularity": album["popularity"],
                "release_date": album["release_date"],
                "release_date_precision": album["release_date_precision"],
                "total_tracks": album["total_tracks"],
                "artists": artists,
            }
        )

    def _artist(self, artist_id: str) -> Reply:
        artist = self.sample.artist_by_id.get(artist_id)
        if artist is None:
            return text_reply("Internal Server Error", 500)
        return json_reply(self._artist_object(artist))

    def _search(self, params: dict[str, str]) -> Reply:
        errors = [_missing(name) for name in ("q", "type") if name not in params]
        numbers: dict[str, int] = {"limit": 10, "offset": 0}
        for name in numbers:
            raw = params.get(name)
            if raw is None:
                continue
            if re.fullmatch(r"\s*[+-]?\d+\s*", raw):
                numbers[name] = int(raw)
            else:
                errors.append(
                    {
                        "type": "int_parsing",
                        "loc": ["query", name],
                        "msg": "Input should be a valid integer, unable to parse string as an integer",
                        "input": raw,
                    }
                )
        if errors:
            return json_reply({"detail": errors}, 422)
        kind, limit, offset = params["type"], numbers["limit"], numbers["offset"]
        items: list[Any]
        if kind == "track":
            found = self._search_tracks(parse_seed_query(params["q"]), limit)
            if found is None:
                return text_reply("Internal Server Error", 500)
            items = found
        elif kind in ("album", "artist"):
            if self.bare_not_implemented:
                return json_reply(["NotYetImplemented"])
            items = ["NotYetImplemented"]
        else:
            items = ["Unknown Type Parameter"]
        return json_reply(
            {
                kind: {
                    "href": "",
                    "limit": limit,
                    "next": None,
                    "offset": offset,  # echoed, never applied
                    "previous": None,
                    "total": len(items),
                    "items": items,
                }
            }
        )

    def _search_tracks(self, query: dict[str, str], limit: int) -> list[Json] | None:
        """Tracks whose name is LIKE the free text, filtered in row order; None means a 500."""
        like = _like_contains(query["text"])
        if like is None:
            return None
        items: list[Json] = []
        for track in self.sample.tracks:
            if len(items) >= limit:
                break
            if not like.fullmatch(track["name"]):
                continue
            if query["isrc"]:
                return None  # the seed reads ``row.isrc``; the column is ``external_id_isrc``
            album = self.sample.album_by_rowid.get(track["album_rowid"])
            if album is None:
                return None
            if query["album"] and query["album"] not in album["name"]:
                continue
            names = [a["name"] for a in self.sample.track_artists(track["rowid"])]
            if query["artist"] and not any(query["artist"] in name for name in names):
                continue
            # query["track"] is parsed but never applied, as in the seed
            items.append(self._track_object(track, album, with_rowids=True))
        return items
