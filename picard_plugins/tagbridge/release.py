"""Picard's release and metadata in, tagbridge's queries and evidence out. Field mapping only.

Picard hands providers and processors the MusicBrainz release as ws/2 JSON (the same shape
tagbridge's MusicBrainz parser reads) and its own ``Metadata``. The release's url-rels are there
only when the user enabled relationships; without them the resolver reads them from MusicBrainz
itself, as the CLI and beets do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._tagbridge.core.errors import ConfigError
from ._tagbridge.core.identifiers import normalize_barcode, normalize_isrc, normalize_mbid
from ._tagbridge.core.model import AlbumQuery
from ._tagbridge.identify import AlbumEvidence, TrackWant
from ._tagbridge.sources.musicbrainz import parse_release

__all__ = ["album_query", "has_relations", "album_evidence", "track_wants", "release_tracks"]

_YEAR = re.compile(r"^(\d{4})")


def _text(metadata: Mapping[str, Any] | None, key: str) -> str:
    if metadata is None:
        return ""
    try:
        value = metadata[key]
    except (KeyError, TypeError):
        return ""
    return str(value or "").strip()


def has_relations(release: Mapping[str, Any]) -> bool:
    """True when Picard loaded the release with its relationships (so its url-rels are complete)."""
    return isinstance(release.get("relations"), list)


def _year(release: Mapping[str, Any], metadata: Mapping[str, Any] | None) -> int | None:
    for raw in (release.get("date"), _text(metadata, "date")):
        found = _YEAR.match(str(raw or ""))
        if found:
            return int(found.group(1))
    return None


def _release_group(release: Mapping[str, Any], metadata: Mapping[str, Any] | None) -> str | None:
    group = release.get("release-group")
    rgid = group.get("id") if isinstance(group, Mapping) else None
    return _mbid(str(rgid or _text(metadata, "musicbrainz_releasegroupid")))


def _mbid(text: str) -> str | None:
    try:
        return normalize_mbid(text) if text else None
    except ConfigError:  # a release node Picard could load always has one; metadata may hold anything
        return None


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and int(text) > 0 else None


def album_query(release: Mapping[str, Any], metadata: Mapping[str, Any] | None = None) -> AlbumQuery:
    """The resolver's query for one release: the release's own fields, then Picard's metadata for gaps."""
    parsed = parse_release(release)
    barcode = parsed.barcode or _text(metadata, "barcode")
    return AlbumQuery(
        artist=parsed.artist or _text(metadata, "albumartist"),
        album=parsed.title or _text(metadata, "album"),
        barcode=normalize_barcode(barcode) or None,
        mbid=_mbid(parsed.id or _text(metadata, "musicbrainz_albumid")),
        release_group=_release_group(release, metadata),
        tracks=parsed.track_count or _int(_text(metadata, "totaltracks")),
        year=_year(release, metadata),
        links=parsed.links,
        clean=parsed.clean,
    )


def release_tracks(release: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The release's track nodes in order, each with ``_disc`` (the medium's position) added."""
    out: list[Mapping[str, Any]] = []
    for medium in release.get("media") or ():
        if not isinstance(medium, Mapping):
            continue
        disc = medium.get("position")
        for track in medium.get("tracks") or ():
            if isinstance(track, Mapping):
                out.append({**track, "_disc": disc if isinstance(disc, int) else None})
    return out


def _isrcs(track: Mapping[str, Any]) -> tuple[str, ...]:
    recording = track.get("recording")
    raw = recording.get("isrcs") if isinstance(recording, Mapping) else None
    return tuple(code for code in (normalize_isrc(str(c)) for c in raw or ()) if code)


def track_wants(release: Mapping[str, Any]) -> list[TrackWant]:
    """Each track of the release as pairing sees it: ISRCs, disc and position."""
    return [TrackWant(isrcs=_isrcs(t), disc=t.get("_disc"),
                      number=t.get("position") if isinstance(t.get("position"), int) else None)
            for t in release_tracks(release)]


def album_evidence(release: Mapping[str, Any], metadata: Mapping[str, Any] | None = None) -> AlbumEvidence:
    """What identifies the release on Spotify: its ISRCs, barcode and Spotify url-rels first, then its text."""
    query = album_query(release, metadata)
    isrcs = tuple(dict.fromkeys(code for want in track_wants(release) for code in want.isrcs))
    return AlbumEvidence(artist=query.artist, album=query.album, tracks=query.tracks, year=query.year,
                         isrcs=isrcs, barcode=query.barcode, spotify_album_ids=query.links.spotify_album_ids)
