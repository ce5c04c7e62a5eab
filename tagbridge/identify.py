"""Identifying an album or a track in Spotify from what a user's files carry, strongest evidence first.

An ID link beats any text search: a Spotify link (from MusicBrainz url-rels or an earlier
tagging), then the ISRCs of the tracks (the album most of them point to), then the barcode,
and only when none of those reached an album, a text search scored by the matcher. beets'
metadata source and Picard's metadata processor both call these, so they decide alike.

Like the resolver, these are lookups (generators of requests) over a
:class:`~tagbridge.sources.spotify.SpotifySession`; they sit above ``sources/`` and below the
front ends. What doesn't belong here: any host's types (beets' items, Picard's metadata).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from tagbridge.core.errors import SourceError
from tagbridge.core.http import Lookup
from tagbridge.core.identifiers import normalize_barcode, normalize_isrc
from tagbridge.core.model import AlbumQuery, MatchKind
from tagbridge.core.records import AlbumRecord, TrackRecord
from tagbridge.sources import spotify
from tagbridge.sources.spotify import AlbumSearch

__all__ = ["AlbumEvidence", "TrackWant", "find_spotify_albums", "find_spotify_tracks", "pair_tracks", "MAX_ISRC_LOOKUPS"]

_log = logging.getLogger(__name__)

#: The most ISRC searches one album costs: enough for a clear majority, few enough to stay cheap.
MAX_ISRC_LOOKUPS = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class AlbumEvidence:
    """What the user's files say about one album: text, counts and identifiers, any of them empty."""

    artist: str = ""
    album: str = ""
    tracks: int | None = None
    year: int | None = None
    isrcs: tuple[str, ...] = ()
    barcode: str | None = None
    spotify_album_ids: tuple[str, ...] = ()

    @property
    def query(self) -> AlbumQuery:
        """The text part, as the matcher's query."""
        return AlbumQuery(artist=self.artist, album=self.album, tracks=self.tracks, year=self.year,
                          barcode=normalize_barcode(self.barcode or ""))


def find_spotify_albums(session: spotify.SpotifySession, evidence: AlbumEvidence) -> Lookup[AlbumSearch]:
    """The Spotify albums the evidence points to, strongest route first; text only when no ID reached one.

    Returns:
        Records with ``match``/``score``/``reasons`` (``id`` for the ID routes), best first, and
        what was passed over. Empty records mean nothing was found well enough.

    Raises:
        SourceError: the service failed (an outage, a rate limit that outlasted the waits).
    """
    out = AlbumSearch()
    if evidence.spotify_album_ids:
        linked = yield from spotify.albums_by_ids(session, evidence.spotify_album_ids)
        out.records.extend(replace(r, match=MatchKind.ID, score=1.0, reasons=("a Spotify link the files carry",))
                           for r in linked)
        if out.records:
            return out
    isrcs = tuple(dict.fromkeys(code for code in map(normalize_isrc, evidence.isrcs) if code))
    if isrcs:
        voted = yield from _album_by_isrc_vote(session, isrcs, evidence)
        if voted is not None:
            out.records.append(voted)
            return out
    barcode = normalize_barcode(evidence.barcode or "")
    if barcode:
        out.records.extend((yield from spotify.albums_by_upc(session, barcode)))
        if out.records:
            return out
    if evidence.album.strip():
        found = yield from spotify.search_albums(session, evidence.query)
        out.records.extend(found.records)
        out.passed_over.extend(found.passed_over)
    return out


def _album_by_isrc_vote(session: spotify.SpotifySession, isrcs: tuple[str, ...],
                        evidence: AlbumEvidence) -> Lookup[AlbumRecord | None]:
    """The album most of the ISRCs point to, fetched whole, as an ``id`` match; None when none is clear.

    ISRCs are asked one at a time, at most :data:`MAX_ISRC_LOOKUPS`, stopping once an album
    leads with two votes. A recording also sits on compilations and deluxe editions, so one
    vote is not enough when several ISRCs were asked and disagree. A clone that cannot search
    by ISRC confirms a text search by the ISRCs on each found album's tracks instead.
    """
    votes: Counter[str] = Counter()
    asked = 0
    for code in isrcs[:MAX_ISRC_LOOKUPS]:
        try:
            hits = yield from spotify.tracks_by_isrc(session, code)
        except SourceError as exc:
            if session.dialect == "seed" and evidence.album.strip():
                _log.debug("spotify: %s; confirming a text search by ISRCs instead", exc.message)
                return (yield from spotify.album_by_isrcs(session, evidence.album, evidence.artist, isrcs))
            raise
        asked += 1
        for album_id in dict.fromkeys(t.album_id for t in hits if t.album_id):
            votes[album_id] += 1
        ranked = votes.most_common(2)
        if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            break
    if not votes:
        return None
    (leader, count), *rest = votes.most_common()
    tied = [album_id for album_id, n in rest if n == count]
    if asked > 1 and count < 2:
        _log.debug("spotify: %d ISRCs point to %d albums, none twice: not an identification", asked, len(votes))
        return None
    candidates = [leader, *tied]
    records = yield from spotify.albums_by_ids(session, candidates)
    if not records:
        return None
    best = min(records, key=lambda r: _tie_break(r, evidence))
    why = f"{count} of {asked} ISRC{'s' if asked > 1 else ''} asked point to this album"
    return replace(best, match=MatchKind.ID, score=1.0, reasons=(why,))


def _tie_break(record: AlbumRecord, evidence: AlbumEvidence) -> tuple[int, int]:
    """Among albums with as many ISRC votes: an album before a compilation, then the closest track count."""
    count = record.total_tracks or len(record.tracks)
    off = abs(count - evidence.tracks) if evidence.tracks else 0
    return (record.album_type == "compilation", off)


def find_spotify_tracks(session: spotify.SpotifySession, *, artist: str, title: str,
                        isrcs: Iterable[str] = ()) -> Lookup[list[TrackRecord]]:
    """Spotify tracks for one recording: by its ISRC when it has one that finds something, else by text.

    Raises:
        SourceError: the service failed.
    """
    for code in dict.fromkeys(c for c in map(normalize_isrc, isrcs) if c):
        try:
            found = yield from spotify.tracks_by_isrc(session, code)
        except SourceError:
            if session.dialect != "seed":
                raise
            break  # this clone cannot search by ISRC: text is all there is
        if found:
            return found
    if not title.strip():
        return []
    return (yield from spotify.search_tracks(session, artist, title))


@dataclass(frozen=True, slots=True)
class TrackWant:
    """One of the user's tracks, as pairing sees it: its ISRCs and its position."""

    isrcs: tuple[str, ...] = ()
    disc: int | None = None
    number: int | None = None


def pair_tracks(wanted: Sequence[TrackWant], tracks: Sequence[TrackRecord]) -> list[tuple[int, TrackRecord]]:
    """The user's tracks (by index in ``wanted``) paired with an album's tracks.

    By ISRC first; then, when the counts agree, by position (disc, then number, whichever way
    the user's tracks are numbered: per disc or across), never giving one album track twice.
    Tracks that pair with nothing are left out.
    """
    by_isrc = {t.isrc.upper(): t for t in tracks if t.isrc}
    pairs: dict[int, TrackRecord] = {}
    for n, want in enumerate(wanted):
        for code in want.isrcs:
            track = by_isrc.get(code.upper())
            if track is not None:
                pairs[n] = track
                break
    if len(wanted) == len(tracks):
        ordered = sorted(range(len(wanted)), key=lambda n: (wanted[n].disc or 1, wanted[n].number or 0))
        ordered_tracks = sorted(tracks, key=lambda t: (t.disc_number or 1, t.track_number or 0))
        used = {id(t) for t in pairs.values()}
        for n, track in zip(ordered, ordered_tracks):
            if n not in pairs and id(track) not in used:
                pairs[n] = track
    return sorted(pairs.items())
