"""Domain values: what a user asks for and what sources offer. Plain, frozen, free of any host's types."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

__all__ = [
    "AlbumQuery",
    "ArtCandidate",
    "ArtFindings",
    "MatchKind",
    "PassedOver",
    "SourceReport",
    "ArtResolution",
    "ArtLinks",
    "Outcome",
]

#: How a resolution ended: art offered; sources answered but nothing was good enough; every
#: source asked failed; or no source could be asked at all (e.g. CAA without an MBID).
Outcome = Literal["found", "abstained", "failed", "not_asked"]


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
    #: The release says it is the clean version (its MusicBrainz disambiguation, say "clean").
    clean: bool = False

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
    year: int | None = None
    #: "explicit", "clean" (a cleaned twin), "none" (nothing to clean) or None (unknown): core/editions.py.
    explicitness: str | None = None
    #: The text matcher found the same album by the same artist, perhaps another edition (an
    #: ``exact`` match, or a ``fuzzy`` one only for edition, track count or year).
    same_album: bool = False
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
class PassedOver:
    """Something a source found and tagbridge chose not to offer, and why (for ``--explain``).

    A tribute or karaoke album, another edition, a barcode row that names another album, a
    search hit whose album lookup answered 404, a candidate under the minimum score.
    """

    source: str
    id: str
    artist: str
    title: str
    reasons: tuple[str, ...]
    url: str | None = None
    score: float | None = None

    @classmethod
    def from_candidate(cls, candidate: ArtCandidate, why: str) -> PassedOver:
        """A candidate passed over for ``why``, keeping its reasons before it."""
        return cls(source=candidate.source, id=candidate.id, artist=candidate.artist, title=candidate.title,
                   reasons=(*candidate.reasons, why), url=candidate.url, score=candidate.score)

    def to_json(self) -> dict[str, object]:
        """For the CLI's JSON ``rejected`` list."""
        return {
            "source": self.source,
            "id": self.id,
            "artist": self.artist,
            "title": self.title,
            "url": self.url,
            "score": None if self.score is None else round(self.score, 4),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtFindings:
    """What one source's art lookup found: candidates to rank, and what it passed over."""

    candidates: tuple[ArtCandidate, ...] = ()
    passed_over: tuple[PassedOver, ...] = ()

    def __add__(self, other: ArtFindings) -> ArtFindings:
        return ArtFindings(candidates=self.candidates + other.candidates,
                           passed_over=self.passed_over + other.passed_over)

    @classmethod
    def of(cls, candidates: Iterable[ArtCandidate] = (), passed_over: Iterable[PassedOver] = ()) -> ArtFindings:
        """Findings from any iterables."""
        return cls(candidates=tuple(candidates), passed_over=tuple(passed_over))


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceReport:
    """What happened at one source during a resolution: its candidate count or its error."""

    source: str
    ok: bool
    candidates: int = 0
    error: str | None = None
    #: Why a source was not asked at all, e.g. CAA without an MBID.
    skipped: str | None = None
    #: What a person should know about a clean answer, e.g. "MusicBrainz has no such release".
    note: str | None = None
    #: False for a source asked only for links (MusicBrainz): it never offers art itself.
    offers_art: bool = True

    @property
    def asked(self) -> bool:
        """True when the source was asked (it may still have failed)."""
        return self.skipped is None

    def to_json(self) -> dict[str, object]:
        """For the CLI's JSON ``sources`` list."""
        out: dict[str, object] = {"source": self.source, "ok": self.ok, "candidates": self.candidates}
        if self.error:
            out["error"] = self.error
        if self.skipped:
            out["skipped"] = self.skipped
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtResolution:
    """The ranked answer to one query. An empty ``candidates`` means the resolver abstained."""

    query: AlbumQuery
    candidates: tuple[ArtCandidate, ...]
    reports: tuple[SourceReport, ...] = ()
    #: Everything found and not offered, with why; shown by --explain.
    rejected: tuple[PassedOver, ...] = ()

    @property
    def outcome(self) -> Outcome:
        """How the resolution ended; "abstained" only when a source answered and nothing was good enough."""
        if self.candidates:
            return "found"
        asked = [r for r in self.reports if r.asked and r.offers_art]
        if not asked:
            return "not_asked"
        return "abstained" if any(r.ok for r in asked) else "failed"

    def to_json(self, *, explain: bool = False) -> dict[str, object]:
        """The CLI's JSON object for this query."""
        out: dict[str, object] = {
            "query": self.query.to_json(),
            "candidates": [c.to_json() for c in self.candidates],
            "outcome": self.outcome,
            "sources": [r.to_json() for r in self.reports],
        }
        if explain:
            out["rejected"] = [c.to_json() for c in self.rejected]
        return out
