"""Domain values: what a user asks for and what sources offer. Plain, frozen, free of any host's types."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "AlbumQuery",
    "ArtCandidate",
    "MatchKind",
    "SourceReport",
    "ArtResolution",
    "ArtLinks",
]


class MatchKind(str, Enum):
    """How sure we are that a candidate is the queried album, strongest first."""

    ID = "id"  # reached through an identifier: MBID, barcode, a MusicBrainz url-rel
    EXACT = "exact"  # normalized artist and title equal, edition qualifiers equal
    FUZZY = "fuzzy"  # close enough by score, or equal except for edition qualifiers

    @property
    def strength(self) -> int:
        """3 for id, 2 for exact, 1 for fuzzy: larger is stronger."""
        return {"id": 3, "exact": 2, "fuzzy": 1}[self.value]


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtLinks:
    """Identifiers of the album in other services, e.g. read from MusicBrainz url-rels."""

    itunes_ids: tuple[tuple[str, str], ...] = ()  # (collection id, storefront country code)
    spotify_album_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AlbumQuery:
    """An album to find: text plus whatever identifiers the caller has."""

    artist: str = ""
    album: str = ""
    barcode: str | None = None
    mbid: str | None = None  # MusicBrainz release ID
    release_group: str | None = None  # MusicBrainz release-group ID
    tracks: int | None = None  # number of tracks on the release
    year: int | None = None
    links: ArtLinks = field(default_factory=ArtLinks)

    def to_json(self) -> dict[str, object]:
        """The query as the CLI's JSON shows it (unset fields left out)."""
        out: dict[str, object] = {"artist": self.artist, "album": self.album}
        for key in ("barcode", "mbid", "release_group", "tracks", "year"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.links.spotify_album_ids:
            out["spotify_album_ids"] = list(self.links.spotify_album_ids)
        if self.links.itunes_ids:
            out["itunes_ids"] = [cid for cid, _country in self.links.itunes_ids]
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtCandidate:
    """One cover image a source offers for the queried album."""

    source: str  # "itunes", "caa", "spotify"
    id: str  # the album's id in that source: iTunes collectionId, CAA release MBID
    url: str
    artist: str
    title: str
    match: MatchKind
    score: float  # match confidence, 0..1
    width: int | None = None  # real pixel size, when known (probed or stated by the source)
    height: int | None = None
    size_hint: int | None = None  # the size we expect to get, for ranking when the real one is unknown
    track_count: int | None = None
    reasons: tuple[str, ...] = ()  # why it matched and ranked where it did, for --explain

    @property
    def expected_size(self) -> int | None:
        """The larger known side, else the source's hint."""
        if self.width and self.height:
            return max(self.width, self.height)
        return self.size_hint

    def to_json(self) -> dict[str, object]:
        """The candidate in the CLI contract's JSON shape (DESIGN.md), with ``reasons`` added."""
        return {
            "source": self.source,
            "id": self.id,
            "url": self.url,
            "width": self.width,
            "height": self.height,
            "score": round(self.score, 4),
            "match": self.match.value,
            "artist": self.artist,
            "title": self.title,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceReport:
    """What happened at one source during a resolution: its candidate count or its error."""

    source: str
    ok: bool
    candidates: int = 0
    error: str | None = None
    #: Why a source was not asked at all, e.g. CAA without an MBID.
    skipped: str | None = None

    def to_json(self) -> dict[str, object]:
        """For the CLI's JSON ``sources`` list."""
        out: dict[str, object] = {"source": self.source, "ok": self.ok, "candidates": self.candidates}
        if self.error:
            out["error"] = self.error
        if self.skipped:
            out["skipped"] = self.skipped
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtResolution:
    """The ranked answer to one query. An empty ``candidates`` means the resolver abstained."""

    query: AlbumQuery
    candidates: tuple[ArtCandidate, ...]
    reports: tuple[SourceReport, ...] = ()
    rejected: tuple[ArtCandidate, ...] = ()  # below the minimum score; shown by --explain

    def to_json(self, *, explain: bool = False) -> dict[str, object]:
        """The CLI's JSON object for this query."""
        out: dict[str, object] = {
            "query": self.query.to_json(),
            "candidates": [c.to_json() for c in self.candidates],
            "sources": [r.to_json() for r in self.reports],
        }
        if explain:
            out["rejected"] = [c.to_json() for c in self.rejected]
        return out
