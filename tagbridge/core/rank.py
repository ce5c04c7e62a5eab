"""The one ranking function for cover candidates from every source.

What belongs here: ordering, de-duplication and the abstain threshold. What doesn't: deciding
whether a candidate is the right album at all (core/match.py) or fetching anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from tagbridge.core.config import Settings
from tagbridge.core.editions import explicitness_fit, name_twins, track_count_fit, wanted_explicitness, year_fit
from tagbridge.core.model import AlbumQuery, ArtCandidate, MatchKind, PassedOver

__all__ = ["rank_covers", "sort_key", "edition_fit", "clears_minimum", "under_minimum"]

#: A size we treat as "as big as it gets" when the user asked for the original upload.
_ORIGINAL_TARGET = 100_000


def clears_minimum(score: float, settings: Settings) -> bool:
    """The one abstain rule: a match scoring under ``settings.min_score`` is never offered."""
    return score >= settings.min_score


def under_minimum(score: float, settings: Settings) -> str:
    """Why a match under the minimum was passed over, in the words every source uses."""
    return f"score {score:.2f} is under the minimum {settings.min_score:.2f}"


def edition_fit(candidate: ArtCandidate, query: AlbumQuery | None, settings: Settings) -> tuple[int, int, int]:
    """How well the candidate is the user's *edition*: track count, then explicit/clean, then year (bigger fits)."""
    if query is None:
        return (1, explicitness_fit(candidate.explicitness, settings.prefer), 1)
    wanted = wanted_explicitness(query.album, settings.prefer, marked_clean=query.clean)  # type: ignore[arg-type]
    return (track_count_fit(query.tracks, candidate.track_count),
            explicitness_fit(candidate.explicitness, wanted),
            year_fit(query.year, candidate.year))


def sort_key(candidate: ArtCandidate, settings: Settings, query: AlbumQuery | None = None) -> tuple[float, ...]:
    """The ranking key; smaller sorts first. Criteria in priority order."""
    target = settings.size.pixels or _ORIGINAL_TARGET
    order = settings.sources
    tracks, explicit, year = edition_fit(candidate, query, settings)
    # Editions of the very album (same title base and artist) stand together with the exact
    # match, so the edition criteria below decide between them.
    strength = MatchKind.EXACT.strength if candidate.same_album and candidate.match is MatchKind.FUZZY \
        else candidate.match.strength
    return (
        # 1. Identity confidence: an ID link beats the album (exact, or another edition of it)
        #    beats a fuzzy text match.
        -strength,
        # 2. The user's edition: the same track count (a 15-track "Extended" beats a 10-track
        #    title-exact album for a user with 15), then not the twin the user does not have.
        -tracks, -explicit,
        # 3. Pixels, up to the target: bigger helps only until it reaches what was asked for.
        -min(candidate.expected_size or 0, target),
        # 4. The year: among equal editions (self-titled albums), the one of the query's year.
        -year,
        # 5. Source preference, as the user ordered --sources.
        order.index(candidate.source) if candidate.source in order else len(order),
        # 6. Match score: the closer text match among equals.
        -candidate.score,
    )


def rank_covers(
    candidates: Iterable[ArtCandidate], settings: Settings, query: AlbumQuery | None = None
) -> tuple[tuple[ArtCandidate, ...], tuple[PassedOver, ...]]:
    """Rank candidates best first and drop those under ``settings.min_score``.

    With ``query``, candidates that are the same album are told apart by edition (track count,
    explicit or clean, year: ``core/editions.py``) before size.

    The same album reached twice (say by barcode and by search) is kept once, at its strongest.
    Each kept candidate gains a reason stating its rank and the criteria that placed it.

    Returns:
        ``(ranked, rejected)``; an empty ``ranked`` means abstain.
    """
    best: dict[tuple[str, str, str], ArtCandidate] = {}
    for cand in _twins_named(list(candidates)):
        key = (cand.source, cand.id, cand.url)
        held = best.get(key)
        if held is None or sort_key(cand, settings, query) < sort_key(held, settings, query):
            best[key] = cand
    kept = [c for c in best.values() if clears_minimum(c.score, settings)]
    rejected = tuple(
        PassedOver.from_candidate(c, under_minimum(c.score, settings))
        for c in best.values()
        if not clears_minimum(c.score, settings)
    )
    kept.sort(key=lambda c: sort_key(c, settings, query))
    ranked = tuple(replace(c, reasons=c.reasons + (_rank_reason(i + 1, c, settings),)) for i, c in enumerate(kept))
    return ranked, rejected


def _twins_named(candidates: list[ArtCandidate]) -> list[ArtCandidate]:
    """The candidates with cleaned twins named (``editions.name_twins``), saying so in their reasons."""
    states = name_twins([((c.source, c.title.casefold(), c.track_count), c.explicitness) for c in candidates])
    return [c if state == c.explicitness else
            replace(c, explicitness=state, reasons=c.reasons + ("the cleaned twin: the same source offers an explicit one",))
            for c, state in zip(candidates, states)]


def _rank_reason(position: int, cand: ArtCandidate, settings: Settings) -> str:
    size = cand.expected_size
    size_text = f"{size}px" if size else "size unknown"
    if cand.width is None and size:
        size_text = f"about {size}px (not probed)"
    return (
        f"ranked {position}: {cand.match.value} match, {size_text} against target {settings.size}, "
        f"source {cand.source}, score {cand.score:.2f}"
    )
