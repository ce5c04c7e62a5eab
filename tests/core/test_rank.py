"""Ranking: each criterion on its own, in priority order, plus abstaining and de-duplication."""

from __future__ import annotations

from dataclasses import replace

from tagbridge.core.config import ArtSize, Settings
from tagbridge.core.model import ArtCandidate, MatchKind
from tagbridge.core.rank import rank_covers

SETTINGS = Settings(sources=("caa", "itunes"), size=ArtSize(1200), min_score=0.85)


def cand(source: str = "itunes", id: str = "1", match: MatchKind = MatchKind.EXACT, score: float = 1.0,
         size: int | None = 1200, url: str | None = None) -> ArtCandidate:
    return ArtCandidate(source=source, id=id, url=url or f"https://img/{source}/{id}.jpg", artist="A", title="T",
                        match=match, score=score, size_hint=size)


def ids(ranked: tuple[ArtCandidate, ...]) -> list[str]:
    return [c.id for c in ranked]


def test_id_match_beats_exact_beats_fuzzy_whatever_the_size() -> None:
    ranked, _ = rank_covers([cand(id="fuzzy", match=MatchKind.FUZZY, size=3000, score=0.95),
                             cand(id="exact", match=MatchKind.EXACT, size=600),
                             cand(id="id", match=MatchKind.ID, size=250)], SETTINGS)
    assert ids(ranked) == ["id", "exact", "fuzzy"], "identity confidence must rank before size"


def test_bigger_wins_only_up_to_the_target_size() -> None:
    ranked, _ = rank_covers([cand(source="itunes", id="huge", size=3000), cand(source="caa", id="enough", size=1200),
                             cand(source="itunes", id="small", size=500)], SETTINGS)
    assert ids(ranked) == ["enough", "huge", "small"], "past the target, size stops counting and source order decides"


def test_original_target_prefers_the_largest() -> None:
    settings = replace(SETTINGS, size=ArtSize(None))
    ranked, _ = rank_covers([cand(source="caa", id="a", size=1200), cand(source="itunes", id="b", size=3000)], settings)
    assert ids(ranked) == ["b", "a"]


def test_source_preference_follows_the_configured_order() -> None:
    both = [cand(source="caa", id="c"), cand(source="itunes", id="i")]
    assert ids(rank_covers(both, SETTINGS)[0]) == ["c", "i"]
    assert ids(rank_covers(both, replace(SETTINGS, sources=("itunes", "caa")))[0]) == ["i", "c"]


def test_score_breaks_remaining_ties() -> None:
    ranked, _ = rank_covers([cand(id="lower", match=MatchKind.FUZZY, score=0.9),
                             cand(id="higher", match=MatchKind.FUZZY, score=0.97)], SETTINGS)
    assert ids(ranked) == ["higher", "lower"]


def test_unknown_size_ranks_below_known() -> None:
    ranked, _ = rank_covers([cand(id="unknown", size=None), cand(id="known", size=600)], SETTINGS)
    assert ids(ranked) == ["known", "unknown"]


def test_abstains_under_the_minimum_score() -> None:
    ranked, rejected = rank_covers([cand(id="weak", match=MatchKind.FUZZY, score=0.6)], SETTINGS)
    assert ranked == (), "an unsure match must not be offered: wrong art is worse than none"
    assert ids(rejected) == ["weak"] and "under the minimum" in rejected[0].reasons[-1]


def test_same_album_found_twice_is_kept_once_at_its_strongest() -> None:
    ranked, _ = rank_covers([cand(id="617154241", match=MatchKind.FUZZY, score=0.9),
                             cand(id="617154241", match=MatchKind.ID)], SETTINGS)
    assert len(ranked) == 1 and ranked[0].match is MatchKind.ID


def test_every_ranked_candidate_says_why() -> None:
    ranked, _ = rank_covers([cand(id="x", match=MatchKind.ID)], SETTINGS)
    assert ranked[0].reasons[-1].startswith("ranked 1: id match")
