"""The resolver: asks every enabled source about one album, isolates their failures, ranks the lot.

It is itself a lookup (a generator of requests), so the CLI's blocking driver, beets' threads
and Picard's callback web service all run the very same decisions.

Order of strength, per DESIGN.md: an ID link (MusicBrainz url-rel, barcode, MBID) beats any text
search, so text search runs only when no identifier reached the album in that source.
"""

from __future__ import annotations

from dataclasses import replace

from tagbridge.core.config import Settings
from tagbridge.core.errors import SourceError
from tagbridge.core.http import Lookup
from tagbridge.core.model import (
    AlbumQuery,
    ArtCandidate,
    ArtLinks,
    ArtResolution,
    MatchKind,
    SourceReport,
)
from tagbridge.core.rank import rank_covers
from tagbridge.sources import artwork, caa, itunes, musicbrainz, spotify

__all__ = ["resolve_art"]


def resolve_art(
    settings: Settings,
    query: AlbumQuery,
    *,
    probe: bool = False,
    probe_top: int = 3,
    spotify_session: spotify.SpotifySession | None = None,
) -> Lookup[ArtResolution]:
    """Find and rank cover art for ``query`` across ``settings.sources``.

    Args:
        probe: fetch the first bytes of the best ``probe_top`` candidates whose size is
            unknown, to learn their real pixel size before the final ranking.
        spotify_session: the Spotify session (token, dialect) when ``spotify`` is among the
            sources; the caller owns it so a token outlives one resolution.

    Returns:
        The resolution; a source that fails is reported in ``reports`` and never stops the others.
    """
    reports: list[SourceReport] = []
    found: list[ArtCandidate] = []

    wants_links = "itunes" in settings.sources or "spotify" in settings.sources
    if query.mbid and wants_links and not (query.links.itunes_ids or query.links.spotify_album_ids):
        query = yield from _follow_musicbrainz(settings, query, reports)

    for source in settings.sources:
        skipped = _skip_reason(source, query)
        if source == "spotify" and spotify_session is None:
            skipped = "no Spotify session was handed to the resolver"
        if skipped:
            reports.append(SourceReport(source=source, ok=True, skipped=skipped))
            continue
        try:
            if source == "caa":
                got = yield from caa.release_art(settings, query)
            elif source == "itunes":
                got = yield from _itunes(settings, query)
            elif source == "spotify" and spotify_session is not None:
                got = yield from spotify.album_art(spotify_session, query)
            else:  # pragma: no cover - config validation keeps unknown names out
                continue
        except SourceError as exc:
            reports.append(SourceReport(source=source, ok=False, error=str(exc)))
            continue
        reports.append(SourceReport(source=source, ok=True, candidates=len(got)))
        found.extend(got)

    ranked, rejected = rank_covers(found, settings)
    if probe and ranked:
        probed = yield from _probe_sizes(ranked, probe_top)
        ranked, more_rejected = rank_covers(probed, settings)
        rejected += more_rejected
    return ArtResolution(query=query, candidates=ranked, reports=tuple(reports), rejected=rejected)


def _skip_reason(source: str, query: AlbumQuery) -> str | None:
    """Why ``source`` cannot answer ``query`` at all, or None when it can."""
    if source == "caa" and not (query.mbid or query.release_group):
        return "the Cover Art Archive needs a MusicBrainz release or release-group ID"
    if source == "itunes" and not (query.links.itunes_ids or query.barcode or (query.artist and query.album)):
        return "iTunes needs an artist and album, a barcode or an Apple Music link"
    if source == "spotify" and not (query.links.spotify_album_ids or query.barcode or (query.artist and query.album)):
        return "Spotify needs an artist and album, a barcode or a Spotify link"
    return None


def _follow_musicbrainz(settings: Settings, query: AlbumQuery, reports: list[SourceReport]) -> Lookup[AlbumQuery]:
    """Read the release's url-rels and barcode into the query; a failure is reported, not raised."""
    assert query.mbid is not None
    try:
        release = yield from musicbrainz.release_links(settings, query.mbid)
    except SourceError as exc:
        reports.append(SourceReport(source="musicbrainz", ok=False, error=str(exc)))
        return query
    if release is None:
        reports.append(SourceReport(source="musicbrainz", ok=True, candidates=0))
        return query
    links = ArtLinks(
        itunes_ids=query.links.itunes_ids + release.links.itunes_ids,
        spotify_album_ids=query.links.spotify_album_ids + release.links.spotify_album_ids,
    )
    reports.append(SourceReport(source="musicbrainz", ok=True, candidates=len(links.itunes_ids) + len(links.spotify_album_ids)))
    # A caller holding only an MBID gets the release's own text, so iTunes can still be searched.
    return replace(
        query,
        links=links,
        barcode=query.barcode or release.barcode,
        artist=query.artist or release.artist or "",
        album=query.album or release.title or "",
        tracks=query.tracks or release.track_count,
    )


def _itunes(settings: Settings, query: AlbumQuery) -> Lookup[list[ArtCandidate]]:
    """Strongest route first: url-rel ids, then barcode, then text search."""
    found: list[ArtCandidate] = []
    for collection_id, country in query.links.itunes_ids:
        found += yield from itunes.id_art(settings, collection_id, country)
        if found:
            return found
    if query.barcode:
        found += yield from itunes.upc_art(settings, query)
        if any(c.match is MatchKind.ID for c in found):
            return found
    if query.artist and query.album:
        found += yield from itunes.search_art(settings, query)
    return found


def _probe_sizes(ranked: tuple[ArtCandidate, ...], top: int) -> Lookup[list[ArtCandidate]]:
    """Learn the real size of the best ``top`` candidates whose size is unknown, from their first bytes.

    Counting only unknown sizes matters: an unprobed candidate ranks below every stated size,
    so Spotify's large 82c1 variant sits under its own 64 px thumbnail until it is probed.
    """
    out: list[ArtCandidate] = []
    probes = 0
    for cand in ranked:
        if probes >= top or cand.width is not None:
            out.append(cand)
            continue
        probes += 1
        request = artwork.build_probe_request(cand.url, cand.source)
        try:
            response = yield request
            size = artwork.parse_probe(request, response)
        except SourceError as exc:
            out.append(replace(cand, reasons=cand.reasons + (f"probe failed: {exc.message}",)))
            continue
        if size is None:
            out.append(replace(cand, reasons=cand.reasons + ("probe could not read an image size",)))
            continue
        w, h = size
        out.append(replace(cand, width=w, height=h, reasons=cand.reasons + (f"probed: {w}x{h}",)))
    return out
