"""beets types in, core types out, and back: records to ``AlbumInfo``/``TrackInfo``, items and albums to evidence.

What belongs here: field mapping only. What doesn't: deciding anything (``tagbridge.identify``,
``tagbridge.resolve``), I/O, and the plugin's wiring (``__init__.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from beets.autotag.hooks import AlbumInfo, TrackInfo

from tagbridge.core.config import Settings
from tagbridge.core.errors import ConfigError
from tagbridge.core.identifiers import normalize_barcode, normalize_mbid, release_barcode
from tagbridge.core.model import AlbumQuery, ArtLinks, MatchKind
from tagbridge.core.rank import rank_covers
from tagbridge.core.records import AlbumRecord, ArtistRef, TrackRecord
from tagbridge.identify import AlbumEvidence, TrackWant, pair_tracks
from tagbridge.sources.spotify import art_candidates, parse_spotify_ref

__all__ = ["DATA_SOURCE", "album_info", "track_info", "evidence_from_items", "query_for_album",
           "spotify_album_id_of", "set_isrcs", "repair_by_isrc", "pair_items"]

#: Stored on every item tagged from this source, and how ``mbsync`` finds the plugin again.
#: Distinct from beets' own "Spotify", so the two never claim each other's items.
DATA_SOURCE = "tagbridge"


def _credit(artists: Sequence[ArtistRef]) -> tuple[str | None, list[str], str | None, list[str]]:
    names = [a.name for a in artists]
    ids = [a.id for a in artists if a.id]
    return (", ".join(names) or None), names, (artists[0].id if artists else None), ids


def _date(record: AlbumRecord) -> dict[str, Any]:
    """year/month/day as far as the date's precision goes: "2013" has no month, not January."""
    parts = [int(p) if p.isdigit() else None for p in (record.release_date or "").split("-")]
    precision = record.release_date_precision or {1: "year", 2: "month"}.get(len(parts), "day")
    depth = {"year": 1, "month": 2, "day": 3}.get(precision, 3)
    values = (parts + [None, None, None])[:3]
    year, month, day = (v if i < depth and v else None for i, v in enumerate(values))
    return {"year": year, "month": month, "day": day}


def track_info(record: TrackRecord, *, index: int | None = None, medium_total: int | None = None) -> TrackInfo:
    """A track record as beets' ``TrackInfo``, with its ISRC (beets' own Spotify plugin leaves it out)."""
    artist, artists, artist_id, artists_ids = _credit(record.artists)
    return TrackInfo(
        title=record.title,
        track_id=record.id,
        artist=artist,
        artists=artists,
        artist_id=artist_id,
        artists_ids=artists_ids,
        album=record.album_title,
        length=record.duration_ms / 1000 if record.duration_ms else None,
        index=index if index is not None else record.track_number,
        medium=record.disc_number,
        medium_index=record.track_number,
        medium_total=medium_total,
        data_source=DATA_SOURCE,
        data_url=record.url,
        isrc=record.isrc,
        spotify_track_id=record.id,
        spotify_album_id=record.album_id,
    )


def album_info(record: AlbumRecord, settings: Settings, *, cover_art_url: bool = True) -> AlbumInfo:
    """An album record as beets' ``AlbumInfo``: every field the record carries, and (unless
    ``cover_art_url`` is off) the cover it offers, for fetchart's ``cover_art_url`` source."""
    ordered = sorted(record.tracks, key=lambda t: (t.disc_number or 1, t.track_number or 0))
    per_disc = Counter(t.disc_number or 1 for t in ordered)
    tracks = [track_info(t, index=i, medium_total=per_disc[t.disc_number or 1]) for i, t in enumerate(ordered, 1)]
    artist, artists, artist_id, artists_ids = _credit(record.artists)
    various = len(artists) == 1 and artists[0].casefold() == "various artists"
    extra: dict[str, Any] = {}
    if cover_art_url and record.images:
        extra["cover_art_url"] = _best_cover(record, settings)
    return AlbumInfo(
        tracks,
        album=record.title,
        album_id=record.id,
        artist=artist,
        artists=artists,
        artist_id=artist_id,
        artists_ids=artists_ids,
        albumtype=record.album_type,
        albumtypes=[record.album_type] if record.album_type else None,
        va=various or (record.album_type == "compilation" and not artists),
        label=record.label,
        barcode=release_barcode(record.upc or ""),
        mediums=record.disc_count or (max(per_disc) if per_disc else None),
        media="Digital Media",
        data_source=DATA_SOURCE,
        data_url=record.url,
        spotify_album_id=record.id,
        **_date(record),
        **extra,
    )


def _best_cover(record: AlbumRecord, settings: Settings) -> str | None:
    """The best of the album's own images by the shared ranking: no request spent."""
    cands = art_candidates(record, match=record.match or MatchKind.ID, score=1.0, reasons=())
    ranked, _rejected = rank_covers(cands, settings)
    return ranked[0].url if ranked else None


def evidence_from_items(items: Sequence[Any], artist: str, album: str) -> AlbumEvidence:
    """What an album's items carry: text, track count, year, ISRCs, the barcode and any Spotify link."""
    def common(values: Iterable[Any]) -> Any:
        counted = Counter(v for v in values if v)
        return counted.most_common(1)[0][0] if counted else None

    year = common(getattr(i, "year", None) for i in items)
    return AlbumEvidence(
        artist=artist or "",
        album=album or "",
        tracks=len(items) or None,
        year=year if isinstance(year, int) and year > 0 else None,
        isrcs=tuple(str(i.isrc) for i in items if getattr(i, "isrc", None)),
        barcode=common(str(getattr(i, "barcode", "") or "") for i in items),
        spotify_album_ids=tuple(x for x in [common(spotify_album_id_of(i) for i in items)] if x),
    )


def spotify_album_id_of(obj: Any) -> str | None:
    """The Spotify album an item or album was tagged with: ``spotify_album_id``, or its
    ``mb_albumid`` when the data source is this plugin's or beets' own Spotify's."""
    value = obj.get("spotify_album_id") if hasattr(obj, "get") else None
    if not value and str(obj.get("data_source", "") if hasattr(obj, "get") else "").lower() in (DATA_SOURCE, "spotify"):
        value = obj.get("mb_albumid")
    try:
        return parse_spotify_ref(str(value), "album") if value else None
    except ConfigError:  # any other id format is simply not a Spotify link
        return None


def _mbid(value: object, what: str) -> str | None:
    try:
        return normalize_mbid(str(value), what) if value else None
    except ConfigError:  # a Spotify id stored in mb_albumid is not an MBID
        return None


def query_for_album(album: Any) -> AlbumQuery:
    """A library album as the resolver's query: text, counts, and every identifier it holds.

    ``mb_albumid`` counts as a MusicBrainz release only when it is one: albums tagged from a
    Spotify source keep their Spotify id there.
    """
    items = list(album.items())
    spotify_id = spotify_album_id_of(album) or (spotify_album_id_of(items[0]) if items else None)
    year = album.get("year") or None
    return AlbumQuery(
        artist=album.get("albumartist") or "",
        album=album.get("album") or "",
        barcode=normalize_barcode(str(album.get("barcode") or "")),
        mbid=_mbid(album.get("mb_albumid"), "release"),
        release_group=_mbid(album.get("mb_releasegroupid"), "release group"),
        tracks=len(items) or None,
        year=year if isinstance(year, int) and year > 0 else None,
        links=ArtLinks(spotify_album_ids=(spotify_id,) if spotify_id else ()),
    )


def set_isrcs(tracks: Iterable[Any], isrcs: dict[str, str]) -> None:
    """Give ``TrackInfo`` objects the ISRCs found for their track ids (before beets applies them)."""
    for track in tracks:
        code = isrcs.get(str(track.track_id))
        if code:
            track["isrc"] = code
            for cached in ("raw_data", "item_data"):  # beets caches these on first use
                track.__dict__.pop(cached, None)


def repair_by_isrc(mapping: dict[Any, Any]) -> int:
    """Re-pair files carrying ISRCs with the tracks of the same ISRC, in place; how many moved.

    Only when every file with a known ISRC lands on a distinct track of the album: a partial or
    contradictory pairing is left as beets made it.
    """
    by_isrc = {str(t.get("isrc")).upper(): t for t in mapping.values() if t.get("isrc")}
    wanted = {item: by_isrc.get(str(item.get("isrc") or "").upper()) for item in mapping}
    wanted = {item: track for item, track in wanted.items() if track is not None}
    if not wanted or len({id(t) for t in wanted.values()}) != len(wanted):
        return 0
    taken = {id(t) for t in wanted.values()}
    freed = [t for item, t in mapping.items() if item not in wanted and id(t) in taken]
    if freed:
        return 0  # a file without an ISRC holds a track another file claims by ISRC
    moved = sum(mapping[item] is not track for item, track in wanted.items())
    mapping.update(wanted)
    return moved


def pair_items(items: Sequence[Any], tracks: Sequence[TrackRecord]) -> list[tuple[Any, TrackRecord]]:
    """Library items paired with an album's tracks (the rule is ``tagbridge.identify.pair_tracks``)."""
    wanted = [TrackWant(isrcs=(str(item.get("isrc")),) if item.get("isrc") else (), disc=item.get("disc"),
                        number=item.get("track")) for item in items]
    return [(items[n], track) for n, track in pair_tracks(wanted, tracks)]
