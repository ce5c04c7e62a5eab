"""Wire shapes of the iTunes Search API (``/search`` and ``/lookup``), and their validation.

What belongs here: TypedDicts for the JSON as Apple sends it, and the functions that narrow a
decoded ``object`` to them, checking every field the source relies on. What doesn't: turning
rows into domain values (``itunes.py``).

Reference: https://performance-partners.apple.com/search-api (field names as recorded in
``../shared/data/recorded/itunes/``).
"""

from __future__ import annotations

from typing import TypedDict

__all__ = ["ResultsJson", "CollectionJson", "read_results", "read_collection"]


class ResultsJson(TypedDict):
    """The envelope of every /search and /lookup answer. ``results`` rows are checked one by one."""

    resultCount: int
    results: list[object]


class _CollectionRequired(TypedDict):
    wrapperType: str
    collectionId: int
    artistName: str
    collectionName: str
    artworkUrl100: str


class CollectionJson(_CollectionRequired, total=False):
    """One ``wrapperType: "collection"`` row: an album, EP or single."""

    collectionType: str  # "Album" even for compilations
    collectionExplicitness: str  # "explicit", "cleaned" or "notExplicit"
    collectionArtistName: str  # "Various Artists" on some compilations
    trackCount: int  # may differ from the number of track rows a lookup returns
    releaseDate: str  # ISO 8601, "2013-05-17T07:00:00Z"
    country: str  # three letters: "USA", "GBR"


def read_results(body: object) -> ResultsJson | None:
    """``body`` as the /search or /lookup envelope, or None when it is not one.

    ``resultCount`` is taken from the list's length when missing or not an integer: the rows
    are what we use, and the count only ever restates them.
    """
    if not isinstance(body, dict):
        return None
    results = body.get("results")
    if not isinstance(results, list):
        return None
    count = body.get("resultCount")
    if not isinstance(count, int) or isinstance(count, bool):
        count = len(results)
    return {"resultCount": count, "results": list(results)}


def read_collection(row: object) -> CollectionJson | None:
    """``row`` as a collection row with every required field well typed; None otherwise.

    Artist and track rows, music videos and rows missing an id, names or ``artworkUrl100``
    all give None.
    """
    if not isinstance(row, dict) or row.get("wrapperType") != "collection":
        return None
    kind = row.get("kind")
    if kind is not None and kind != "album":
        return None  # collections carry no "kind"; a music-video or song here is not an album
    collection_id = _int(row.get("collectionId"))
    artist, title, art = row.get("artistName"), row.get("collectionName"), row.get("artworkUrl100")
    if collection_id is None or not all(isinstance(v, str) and v.strip() for v in (artist, title, art)):
        return None
    out: CollectionJson = {
        "wrapperType": "collection",
        "collectionId": collection_id,
        "artistName": str(artist),
        "collectionName": str(title),
        "artworkUrl100": str(art),
    }
    for key in ("collectionType", "collectionArtistName", "releaseDate", "country", "collectionExplicitness"):
        value = row.get(key)
        if isinstance(value, str):
            out[key] = value
    track_count = _int(row.get("trackCount"))
    if track_count is not None:
        out["trackCount"] = track_count
    return out


def _int(value: object) -> int | None:
    """A positive integer given as a JSON number or a digit string; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.isdigit() and value.isascii():
        return int(value) or None
    return None
