"""Spotify lookups by identifier (album id, track id, ISRC, UPC) and the records they return.

What belongs here: the endpoints that name an item (``/albums/{id}``, ``/albums?ids=``,
``/tracks/{id}``, ``isrc:`` and ``upc:`` searches), following an album's track pages, and
turning wire objects into :class:`AlbumRecord` / :class:`TrackRecord`. What doesn't: tokens
and routes (``spotify_session.py``), text search and scoring (``spotify_search.py``), cover art
(``spotify.py``).

Service facts this module relies on:

* ``/albums/{id}`` carries the first 50 tracks; the rest come through the absolute
  ``tracks.next`` URLs (``harmony_album_32nryzA6…``: 55 tracks over two pages).
* Since the February 2026 Development Mode, new apps get 403 or 404 from the batch
  ``/albums?ids=``; we fall back to single lookups and remember that for the session.
* ``upc:`` search finds an album only in the zero-padded 14-digit form: ``upc:00602475093060``
  hits where ``upc:602475093060`` does not (harmony's recordings of both).
* The seed clone: ``/tracks?ids=`` takes one id; ``/albums/{id}`` inlines every track with
  ``next: null``; unknown ids answer 500; its album ``artists`` list every artist_albums row,
  "appears on" links included; its ``isrc:`` filter answers 500; ``type=album`` is not implemented.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import cast

from tagbridge.core.errors import BadResponse, SourceError
from tagbridge.core.http import Lookup
from tagbridge.core.identifiers import normalize_barcode, normalize_isrc, same_barcode
from tagbridge.core.model import MatchKind
from tagbridge.core.records import AlbumRecord, ArtistRef, ImageRef, TrackRecord
from tagbridge.sources.spotify_session import SEARCH_LIMIT, SOURCE, SpotifySession, read_json
from tagbridge.sources.spotify_types import (
    AlbumJson,
    ArtistJson,
    ImageJson,
    SimplifiedAlbumJson,
    SimplifiedTrackJson,
    TrackJson,
    read_album,
    read_album_search,
    read_albums_batch,
    read_track,
    read_track_page,
    read_track_search,
    read_tracks_batch,
    search_unsupported,
)

__all__ = [
    "album_record",
    "track_record",
    "album_by_id",
    "albums_by_ids",
    "track_by_id",
    "tracks_by_ids",
    "isrcs_of_tracks",
    "tracks_by_isrc",
    "albums_by_upc",
    "upc_forms",
    "normalize_isrc",
    "search_limit",
]

_log = logging.getLogger(__name__)

_BATCH = 20  # Spotify's maximum ids per /albums?ids= call
_TRACK_BATCH = 50  # Spotify's maximum ids per /tracks?ids= call
_PAGE = 50  # Spotify's maximum tracks per /albums/{id}/tracks page
_MAX_TRACK_PAGES = 40  # 2000 tracks: far past any real album, a guard against paging loops
_OPEN = "https://open.spotify.com"
_UNCONFIRMED_UPC_SCORE = 0.95


def search_limit(session: SpotifySession) -> str:
    """The ``limit`` for a search: the setting clamped to 1..SEARCH_LIMIT (Development Mode answers 400 above 10)."""
    return str(max(1, min(SEARCH_LIMIT, session.settings.spotify_search_limit)))


# --- records --------------------------------------------------------------------------------


def _artists(rows: Iterable[ArtistJson]) -> tuple[ArtistRef, ...]:
    seen: dict[tuple[str | None, str], ArtistRef] = {}
    for row in rows:
        seen.setdefault((row["id"], row["name"]), ArtistRef(name=row["name"], id=row["id"]))
    return tuple(seen.values())


def _images(rows: Iterable[ImageJson]) -> tuple[ImageRef, ...]:
    images = [ImageRef(url=r["url"], width=r["width"], height=r["height"]) for r in rows]
    # Biggest first; images without sizes last, in the order given.
    return tuple(sorted(images, key=lambda i: -((i.width or 0) * (i.height or 0))))


def track_record(track: SimplifiedTrackJson, *, album_id: str | None = None, album_title: str | None = None) -> TrackRecord:
    """A track's record. A relinked track keeps the album's own id (``linked_from``), not the substitute's."""
    track_id = track.get("linked_from_id") or track["id"]
    url = track.get("url") or ""
    return TrackRecord(
        source=SOURCE,
        id=track_id,
        title=track["name"],
        artists=_artists(track.get("artists", [])),
        disc_number=track.get("disc_number"),
        track_number=track.get("track_number"),
        duration_ms=track.get("duration_ms"),
        isrc=track.get("isrc"),
        explicit=track.get("explicit"),
        url=url if url.startswith(_OPEN) else f"{_OPEN}/track/{track_id}",
        album_id=album_id,
        album_title=album_title,
    )


def _seed_album_artists(album: SimplifiedAlbumJson, tracks: Sequence[SimplifiedTrackJson]) -> tuple[ArtistRef, ...]:
    """The seed clone lists every artist_albums row as an album artist, "appears on" links
    included, so the credit is rebuilt from the tracks: the artists on every track, else those
    listed but on no track ("Various Artists", a radio show), else the most frequent lead artist."""
    listed = _artists(album.get("artists", []))
    credits = [_artists(t.get("artists", [])) for t in tracks]
    credits = [c for c in credits if c]
    if not credits:
        return listed
    on_every = tuple(a for a in credits[0] if all(a in c for c in credits[1:]))
    if on_every:
        return on_every
    on_none = tuple(a for a in listed if not any(a in c for c in credits))
    if on_none:
        return on_none
    leads = Counter(c[0] for c in credits).most_common(1)
    if leads and leads[0][1] * 2 > len(credits):
        return (leads[0][0],)
    return (ArtistRef(name="Various Artists"),) if album.get("album_type") == "compilation" else listed


def album_record(album: SimplifiedAlbumJson, tracks: Sequence[SimplifiedTrackJson] = (), *, seed: bool = False) -> AlbumRecord:
    """An album's record, with ``tracks`` when they were fetched; ``seed`` rebuilds the artist credit."""
    full = cast(AlbumJson, album)  # a simplified album is a full one without the optional extras
    artists = _seed_album_artists(album, tracks) if seed and tracks else _artists(album.get("artists", []))
    discs = [t["disc_number"] for t in tracks if "disc_number" in t]
    url = album.get("url") or ""
    return AlbumRecord(
        source=SOURCE,
        id=album["id"],
        title=album["name"],
        artists=artists,
        album_type=album.get("album_type"),
        release_date=album.get("release_date"),
        release_date_precision=album.get("release_date_precision"),
        label=full.get("label"),
        upc=full.get("upc"),
        copyrights=tuple(full.get("copyrights", [])),
        total_tracks=album.get("total_tracks"),
        disc_count=max(discs) if discs else None,
        images=_images(album.get("images", [])),
        url=url if url.startswith(_OPEN) else f"{_OPEN}/album/{album['id']}",
        tracks=tuple(track_record(t, album_id=album["id"], album_title=album["name"]) for t in tracks),
    )


# --- albums ---------------------------------------------------------------------------------


def _complete(session: SpotifySession, album: AlbumJson) -> Lookup[AlbumRecord]:
    """The album with every track: follow ``tracks.next``, or page by offset when a spec server left it out."""
    page = album["tracks"]
    tracks = list(page["items"])
    total = page["total"] or album.get("total_tracks")
    seen: set[str] = set()
    for _ in range(_MAX_TRACK_PAGES):
        next_url = page["next"]
        if next_url is not None:
            if next_url in seen:
                break
            seen.add(next_url)
            response = yield from session.send(next_url, shape=read_track_page)
        elif session.dialect == "spec" and total is not None and len(tracks) < total and page["items"]:
            # A spec clone may leave next null on a partial page; the seed clone has no such route.
            response = yield from session.send(f"/albums/{album['id']}/tracks",
                                               (("offset", str(len(tracks))), ("limit", str(_PAGE))),
                                               shape=read_track_page)
        else:
            break
        body = read_json(response)
        more = read_track_page(body)
        if more is None:
            raise BadResponse(SOURCE, response.url, "album tracks page has no 'items' list")
        page = more
        tracks.extend(page["items"])
    seed = session.dialect == "seed" or "seed_rowid" in album
    return album_record(album, tracks, seed=seed)


def _batch_worth_it(session: SpotifySession, count: int) -> bool:
    """Whether a batch call (``?ids=``) is worth trying for ``count`` ids.

    Never on the seed clone or while the dialect is unknown, nor once a batch was refused.
    While untried, only for three ids or more: Development Mode refuses batches, and the
    refused probe plus two single lookups would cost more than the two alone.
    """
    if session.dialect != "spec" or session.batch_ok is False or count < 2:
        return False
    return session.batch_ok is True or count >= 3


def album_by_id(session: SpotifySession, album_id: str) -> Lookup[AlbumRecord | None]:
    """The album with all its tracks; None when the service has no such album (404, or the seed clone's 500)."""
    response = yield from session.send(f"/albums/{album_id}", seed_5xx_is_answer=True, shape=read_album)
    if response.status == 404 or (response.status >= 500 and session.dialect == "seed"):
        _log.debug("spotify: no album %s (HTTP %d)", album_id, response.status)
        return None
    body = read_json(response)
    album = read_album(body)
    if album is None:
        raise BadResponse(SOURCE, response.url, "album answer lacks an id or a name")
    if album["id"] != album_id:
        _log.debug("spotify: album %s answered as %s (relinked)", album_id, album["id"])
    return (yield from _complete(session, album))


def albums_by_ids(session: SpotifySession, ids: Sequence[str]) -> Lookup[list[AlbumRecord]]:
    """The albums among ``ids`` that exist, in the order given, each with all its tracks.

    Batch ``/albums?ids=`` (20 at a time) where the service allows it; single lookups on the
    seed clone, while the dialect is unknown, and after a batch answered 403 or 404.
    """
    wanted = list(dict.fromkeys(ids))
    found: list[AlbumRecord] = []
    while wanted:
        if not _batch_worth_it(session, len(wanted)):
            record = yield from album_by_id(session, wanted.pop(0))
            if record is not None:
                found.append(record)
            continue
        chunk, wanted = wanted[:_BATCH], wanted[_BATCH:]
        response = yield from session.send("/albums", (("ids", ",".join(chunk)),), shape=read_albums_batch)
        if response.status in (403, 404):
            _log.info("spotify: batch /albums?ids= answered %d; using single lookups", response.status)
            session.batch_ok = False
            wanted = chunk + wanted
            continue
        albums = read_albums_batch(read_json(response))
        if albums is None:
            raise BadResponse(SOURCE, response.url, "batch answer has no 'albums' list")
        session.batch_ok = True
        for album in albums:
            if album is not None:
                found.append((yield from _complete(session, album)))
    return found


# --- tracks ---------------------------------------------------------------------------------


def _track_records(tracks: Iterable[TrackJson]) -> list[TrackRecord]:
    out = []
    for track in tracks:
        album = track.get("album")
        out.append(track_record(track, album_id=album["id"] if album else None, album_title=album["name"] if album else None))
    return out


def track_by_id(session: SpotifySession, track_id: str) -> Lookup[TrackRecord | None]:
    """One track; None when the service has no such track (404, or the seed clone's 500)."""
    response = yield from session.send(f"/tracks/{track_id}", seed=("/tracks", (("ids", track_id),)),
                                       seed_5xx_is_answer=True, shape=_read_any_track)
    if response.status == 404 or (response.status >= 500 and session.dialect == "seed"):
        return None
    body = read_json(response)
    # The seed clone answers {"tracks": [track]} from /tracks?ids=; Spotify a bare track.
    batch = read_tracks_batch(body)
    if batch is not None:
        track = next((t for t in batch if t is not None), None)
        if track is None:
            return None
    else:
        track = read_track(body)
        if track is None:
            raise BadResponse(SOURCE, response.url, "track answer lacks an id or a name")
    return _track_records([track])[0]


def _read_any_track(body: object) -> object:
    """A track, or the seed clone's ``{"tracks": [track]}``: what :func:`track_by_id` reads."""
    return read_tracks_batch(body) if isinstance(body, dict) and "tracks" in body else read_track(body)


def tracks_by_ids(session: SpotifySession, ids: Sequence[str]) -> Lookup[list[TrackRecord]]:
    """The full tracks among ``ids`` that exist, in the order given: ISRCs included, which an
    album's own track list (simplified track objects) never carries.

    Batch ``/tracks?ids=`` (50 at a time) where the service allows it; single lookups on the
    seed clone, while the dialect is unknown, and after a batch answered 403 or 404
    (Development Mode), as for albums.
    """
    wanted = list(dict.fromkeys(ids))
    found: list[TrackRecord] = []
    while wanted:
        if _batch_worth_it(session, len(wanted)):
            chunk = wanted[:_TRACK_BATCH]
            batch = yield from _tracks_batch(session, chunk)
            if batch is not None:
                found.extend(batch)
                wanted = wanted[len(chunk):]
                continue
        record = yield from track_by_id(session, wanted.pop(0))
        if record is not None:
            found.append(record)
    return found


def _tracks_batch(session: SpotifySession, chunk: Sequence[str]) -> Lookup[list[TrackRecord] | None]:
    """One ``/tracks?ids=`` call; None (remembered in the session) when the service refuses batches."""
    response = yield from session.send("/tracks", (("ids", ",".join(chunk)),), shape=read_tracks_batch)
    if response.status in (403, 404):
        _log.info("spotify: batch /tracks?ids= answered %d; using single lookups", response.status)
        session.batch_ok = False
        return None
    tracks = read_tracks_batch(read_json(response))
    if tracks is None:
        raise BadResponse(SOURCE, response.url, "batch answer has no 'tracks' list")
    session.batch_ok = True
    return _track_records(t for t in tracks if t is not None)


def isrcs_of_tracks(session: SpotifySession, ids: Sequence[str]) -> Lookup[dict[str, str]]:
    """The ISRC of each track id that has one, fetched as cheaply as the service allows.

    An album's track list (simplified track objects) carries no ISRCs, so they come from the
    tracks themselves. The first track is asked alone: when the service withholds
    ``external_ids`` (Development Mode may), it says so for one request and nothing more is
    asked, here or later in the session. The rest come in batches where allowed, else singly.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted or session.isrcs_hidden:
        return {}
    first = yield from track_by_id(session, wanted[0])
    if first is not None and not first.isrc:
        _log.info("spotify: tracks come without ISRCs here (external_ids withheld); not asking for more")
        session.isrcs_hidden = True
        return {}
    records = ([first] if first is not None else []) + (yield from tracks_by_ids(session, wanted[1:]))
    return {r.id: r.isrc for r in records if r.isrc}


def _on_seed(session: SpotifySession) -> bool:
    # A function, not an inline comparison: the dialect can change during any request.
    return session.dialect == "seed"


def tracks_by_isrc(session: SpotifySession, isrc: str) -> Lookup[list[TrackRecord]]:
    """The tracks whose ISRC is ``isrc`` (``isrc:`` search), each checked against it.

    Raises:
        SourceError: on the seed clone, whose ``isrc:`` filter fails (use ``album_by_isrcs``).
    """
    code = normalize_isrc(isrc)
    if code is None:
        return []
    if session.dialect == "seed":
        raise SourceError(SOURCE, "this Spotify clone cannot search by ISRC (its isrc: filter fails)")
    response = yield from session.send(
        "/search", (("q", f"isrc:{code}"), ("type", "track"), ("limit", search_limit(session))),
        seed_5xx_is_answer=True, shape=read_track_search)
    if response.status >= 500 and _on_seed(session):
        raise SourceError(SOURCE, "this Spotify clone cannot search by ISRC (its isrc: filter answered "
                                  f"HTTP {response.status})")
    page = read_track_search(read_json(response))
    if page is None:
        raise BadResponse(SOURCE, response.url, "search answer has no 'tracks' paging object")
    shown = [t for t in page[0] if t.get("isrc")]
    hits = [t for t in shown if str(t.get("isrc")).upper() == code]
    if len(hits) < len(shown):
        _log.debug("spotify: isrc:%s also found %d track(s) with another ISRC", code, len(shown) - len(hits))
    found = [_with_match(r, f"ISRC {code} search, the track's ISRC agrees") for r in _track_records(hits)]
    # Development Mode may withhold external_ids: the service's own isrc: filter matched, but we
    # cannot check it, so such a hit counts a notch under certain (as a hidden UPC does).
    hidden = [t for t in page[0] if not t.get("isrc")]
    found += [replace(r, match=MatchKind.ID, score=_UNCONFIRMED_UPC_SCORE,
                      reasons=(f"ISRC {code} search", "the track does not show its ISRC to check"))
              for r in _track_records(hidden)]
    return found


def _with_match(record: TrackRecord, reason: str) -> TrackRecord:
    return replace(record, match=MatchKind.ID, score=1.0, reasons=(reason,))


# --- barcodes -------------------------------------------------------------------------------


def upc_forms(barcode: str) -> tuple[str, ...]:
    """The forms to try in a ``upc:`` search: zero-padded to 14 digits first, then as given.

    Spotify finds albums by UPC only in the 14-digit form (see the module docstring). Anything
    that is not a barcode (``core.identifiers.normalize_barcode``) gives no forms.
    """
    digits = normalize_barcode(barcode)
    if digits is None:
        return ()
    return tuple(dict.fromkeys((digits.zfill(14), digits)))


def albums_by_upc(session: SpotifySession, barcode: str) -> Lookup[list[AlbumRecord]]:
    """Albums whose UPC is ``barcode``, each fetched whole and checked against it (``id`` matches).

    An album whose fetched UPC differs is dropped; one whose UPC is not shown (Development Mode
    may hide ``external_ids``) is kept and says so. The seed clone has no album search: [].
    """
    forms = upc_forms(barcode)
    if not forms:
        _log.debug("spotify: %r is not a barcode; no lookup made", barcode)
        return []
    if session.dialect == "seed":
        _log.debug("spotify: the seed clone cannot search albums by UPC")
        return []
    ids: list[str] = []
    for form in forms:
        # Never on the seed clone: it ignores upc: and would answer its first tracks instead.
        response = yield from session.send("/search", (("q", f"upc:{form}"), ("type", "album"),
                                                       ("limit", search_limit(session))), shape=read_album_search)
        body = read_json(response)
        if search_unsupported(body, "album"):
            session.mark_seed("type=album search is not implemented")
            return []
        page = read_album_search(body)
        if page is None:
            raise BadResponse(SOURCE, response.url, "search answer has no 'albums' paging object")
        ids = [a["id"] for a in page["items"]]
        if ids:
            break
    found = []
    for record in (yield from albums_by_ids(session, ids)):
        if record.upc is None:
            # Spotify's search matched the UPC, but we cannot confirm it: a notch under certain.
            found.append(replace(record, match=MatchKind.ID, score=_UNCONFIRMED_UPC_SCORE,
                                 reasons=(f"UPC {barcode} search", "the album does not show its UPC to check")))
        elif same_barcode(record.upc, barcode):
            found.append(replace(record, match=MatchKind.ID, score=1.0,
                                 reasons=(f"UPC {barcode} search, the album's UPC {record.upc} agrees",)))
        else:
            _log.debug("spotify: upc:%s also found album %s with UPC %s", barcode, record.id, record.upc)
    return found
