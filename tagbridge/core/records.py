"""Album and track metadata as plain records, the shape every adapter maps from.

What belongs here: source-neutral metadata values and their JSON form. What doesn't: any
source's wire shapes (``sources/*_types.py``) or any host's types (beets, Picard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tagbridge.core.model import MatchKind

__all__ = ["ArtistRef", "ImageRef", "TrackRecord", "AlbumRecord", "DatePrecision"]

DatePrecision = Literal["year", "month", "day"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtistRef:
    """An artist credited on an album or track, with its id in the source."""

    name: str
    id: str | None = None

    def to_json(self) -> dict[str, object]:
        """``{"id", "name"}``."""
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageRef:
    """One image the source offers; sizes are None when not known."""

    url: str
    width: int | None = None
    height: int | None = None

    def to_json(self) -> dict[str, object]:
        """``{"url", "width", "height"}``."""
        return {"url": self.url, "width": self.width, "height": self.height}


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackRecord:
    """One track's metadata."""

    source: str
    id: str
    title: str
    artists: tuple[ArtistRef, ...] = ()
    disc_number: int | None = None
    track_number: int | None = None
    duration_ms: int | None = None
    isrc: str | None = None
    explicit: bool | None = None
    url: str | None = None
    album_id: str | None = None
    album_title: str | None = None
    match: MatchKind | None = None  # set when the track was found by a search, not fetched by id
    score: float | None = None
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The CLI's ``track`` JSON object."""
        return {
            "source": self.source,
            "id": self.id,
            "title": self.title,
            "artists": [a.to_json() for a in self.artists],
            "isrc": self.isrc,
            "disc_number": self.disc_number,
            "track_number": self.track_number,
            "duration_ms": self.duration_ms,
            "explicit": self.explicit,
            "url": self.url,
            "album_id": self.album_id,
            "album_title": self.album_title,
            "match": self.match.value if self.match else None,
            "score": None if self.score is None else round(self.score, 4),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AlbumRecord:
    """One album's metadata, with its tracks when they were fetched."""

    source: str
    id: str
    title: str
    artists: tuple[ArtistRef, ...] = ()
    album_type: str | None = None  # "album", "single", "compilation"
    release_date: str | None = None  # as given: "2013", "2013-05", "2013-05-17"
    release_date_precision: DatePrecision | None = None
    label: str | None = None
    upc: str | None = None
    copyrights: tuple[str, ...] = ()
    total_tracks: int | None = None
    disc_count: int | None = None
    images: tuple[ImageRef, ...] = ()  # biggest first
    url: str | None = None
    tracks: tuple[TrackRecord, ...] = ()
    match: MatchKind | None = None
    score: float | None = None
    reasons: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        """The release year, when the date has one (zero-filled dates give None)."""
        head = (self.release_date or "")[:4]
        return int(head) if head.isdigit() and int(head) > 0 else None

    def to_json(self) -> dict[str, object]:
        """The CLI's ``album`` JSON object."""
        return {
            "source": self.source,
            "id": self.id,
            "title": self.title,
            "artists": [a.to_json() for a in self.artists],
            "album_type": self.album_type,
            "release_date": self.release_date,
            "release_date_precision": self.release_date_precision,
            "label": self.label,
            "upc": self.upc,
            "copyrights": list(self.copyrights),
            "total_tracks": self.total_tracks,
            "disc_count": self.disc_count,
            "images": [i.to_json() for i in self.images],
            "url": self.url,
            "tracks": [t.to_json() for t in self.tracks],
            "match": self.match.value if self.match else None,
            "score": None if self.score is None else round(self.score, 4),
            "reasons": list(self.reasons),
        }
