"""The resolver: asks every enabled source about one album, isolates their failures, ranks the lot.

It sits above ``sources/`` (it reads the registry of sources) and below every front end. It is
itself a lookup (a generator of requests), so the CLI's blocking driver, beets' threads and
Picard's callback web service all run the very same decisions.

Order of strength, per DESIGN.md: an ID link (MusicBrainz url-rel, barcode, MBID) beats any text
search, so text search runs only when no identifier reached the album in that source.

Failure isolation: a source that fails in any way tagbridge knows (a timeout, a 5xx, a rate
limit, HTML where JSON was due, a redirect loop, a body over the cap, a source that is not
configured) is reported in ``ArtResolution.reports`` and never stops the others.
"""

from __future__ import annotations

from dataclasses import replace

from tagbridge.core.config import Settings
from tagbridge.core.errors import ConfigError, SourceError
from tagbridge.core.http import Lookup
from tagbridge.core.model import (
    AlbumQuery,
    ArtCandidate,
    ArtFindings,
    ArtLinks,
    ArtResolution,
    PassedOver,
    SourceReport,
)
from tagbridge.core.rank import rank_covers
from tagbridge.sources import artwork, musicbrainz
from tagbridge.sources.registry import ART_SOURCES, ArtContext
from tagbridge.sources.spotify import SpotifySession

__all__ = ["resolve_art"]


def resolve_art(
    settings: Settings,
    query: AlbumQuery,
    *,
    probe: bool = False,
    probe_top: int = 3,
    spotify_session: SpotifySession | None = None,
    follow_links: bool = True,
) -> Lookup[ArtResolution]:
    """Find and rank cover art for ``query`` across ``settings.sources``.

    Args:
        probe: fetch the first bytes of the best ``probe_top`` candidates whose size is
            unknown, to learn their real pixel size before the final ranking.
        spotify_session: the Spotify session (token, dialect) when ``spotify`` is among the
            sources; the caller owns it so a token outlives one resolution.
        follow_links: read the release's url-rels from MusicBrainz when the query has an MBID
            and no links. False when the caller already holds the release with its relations
            (Picard, with relationships enabled): its links, even none, are the whole truth.

    Returns:
        The resolution; a source that fails is reported in ``reports`` and never stops the others.
    """
    reports: list[SourceReport] = []
    found = ArtFindings()
    ctx = ArtContext(settings=settings, spotify=spotify_session)

    wants_links = "itunes" in settings.sources or "spotify" in settings.sources
    if follow_links and query.mbid and wants_links and not (query.links.itunes_ids or query.links.spotify_album_ids):
        query = yield from _follow_musicbrainz(settings, query, reports)

    for name in settings.sources:
        source = ART_SOURCES[name]
        if not source.can_answer(query):
            reports.append(SourceReport(source=name, ok=True, skipped=f"{source.info.title} needs {source.needs}"))
            continue
        unusable = source.unusable(ctx)
        if unusable:
            reports.append(SourceReport(source=name, ok=False, error=f"{name}: {unusable}"))
            continue
        try:
            got = yield from source.lookup(ctx, query)
        except SourceError as exc:
            reports.append(SourceReport(source=name, ok=False, error=str(exc)))
            continue
        except ConfigError as exc:  # a setting only this source reads, found bad when it was used
            reports.append(SourceReport(source=name, ok=False, error=f"{name}: not configured: {exc}"))
            continue
        reports.append(SourceReport(source=name, ok=True, candidates=len(got.candidates)))
        found += got

    ranked, rejected = rank_covers(found.candidates, settings, query)
    if probe and ranked:
        probed = yield from _probe_sizes(ranked, probe_top)
        ranked, more_rejected = rank_covers(probed, settings, query)
        rejected += more_rejected
    # One entry per album a source passed over, however many routes (storefronts, barcode
    # forms) met it; a candidate that was offered is not also listed as passed over.
    offered = {(c.source, c.id) for c in ranked}
    passed: dict[tuple[str, str], PassedOver] = {}
    for item in found.passed_over + rejected:
        if (item.source, item.id) not in offered:
            passed.setdefault((item.source, item.id), item)
    return ArtResolution(query=query, candidates=ranked, reports=tuple(reports), rejected=tuple(passed.values()))


def _follow_musicbrainz(settings: Settings, query: AlbumQuery, reports: list[SourceReport]) -> Lookup[AlbumQuery]:
    """Read the release's url-rels and barcode into the query; a failure is reported, not raised."""
    assert query.mbid is not None
    name = musicbrainz.INFO.name
    try:
        release = yield from musicbrainz.release_links(settings, query.mbid)
    except SourceError as exc:
        reports.append(SourceReport(source=name, ok=False, error=str(exc), offers_art=False))
        return query
    if release is None:
        reports.append(SourceReport(source=name, ok=True, offers_art=False,
                                    note=f"MusicBrainz has no release {query.mbid} (HTTP 404)"))
        return query
    links = ArtLinks(
        itunes_ids=query.links.itunes_ids + release.links.itunes_ids,
        spotify_album_ids=query.links.spotify_album_ids + release.links.spotify_album_ids,
    )
    reports.append(SourceReport(source=name, ok=True, offers_art=False,
                                candidates=len(links.itunes_ids) + len(links.spotify_album_ids)))
    # A caller holding only an MBID gets the release's own text, so iTunes can still be searched.
    return replace(
        query,
        links=links,
        barcode=query.barcode or release.barcode,
        artist=query.artist or release.artist or "",
        album=query.album or release.title or "",
        tracks=query.tracks or release.track_count,
        clean=query.clean or release.clean,
    )


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
