"""match_track: when a candidate track is the queried one, and how sure we are."""

from __future__ import annotations

import pytest

from tagbridge.core.model import MatchKind
from tagbridge.core.track_match import match_track


@pytest.mark.parametrize(
    ("query", "candidate"),
    [
        (("Pharrell Williams", "Happy"), ("Pharrell Williams", "Happy")),
        (("The Killers", "Mr Brightside"), ("The Killers", "Mr. Brightside")),
        (("A$AP Rocky", "Praise The Lord (Da Shine)"), ("A$AP Rocky feat. Skepta", "Praise The Lord (Da Shine) (feat. Skepta)")),
        (("Mark Ronson feat. Bruno Mars", "Uptown Funk"), ("Mark Ronson feat. Bruno Mars", "Uptown Funk")),
        (("Lady Gaga & Bruno Mars", "Die With A Smile"), ("Lady Gaga feat. Bruno Mars", "Die With A Smile")),
        (("beyoncé", "HALO"), ("Beyoncé", "Halo")),
        (("Seekae", "Test & Recognise"), ("Seekae", "Test and Recognise")),
    ],
)
def test_same_track_is_exact(query: tuple[str, str], candidate: tuple[str, str]) -> None:
    verdict = match_track(*query, artist=candidate[0], title=candidate[1])
    assert (verdict.kind, verdict.score) == (MatchKind.EXACT, 1.0), f"{candidate} is {query}: {verdict.reasons}"


@pytest.mark.parametrize(
    ("query", "candidate", "why"),
    [
        (("Daft Punk", "Get Lucky"), ("Daft Punk", "Get Lucky - Live"), "different recording"),
        (("Nirvana", "Lithium"), ("Nirvana", "Lithium (Acoustic)"), "different recording"),
        (("Richard Bedford", "Greatest Thing"), ("Richard Bedford", "Greatest Thing (Tommy Baynen Remix)"), "different recording"),
        (("Seekae", "Test & Recognise"), ("Seekae feat. Flume", "Test & Recognise (Flume Re-work)"), "different track"),
        (("Beyoncé", "Ladies"), ("Beyoncé", "Single Ladies"), "different track"),
        (("Joji", "Test Drive"), ("John Powell", "Test Drive - From How To Train Your Dragon Music"), "different track"),
        (("Bruno Mars", "Uptown Funk"), ("Mark Ronson feat. Bruno Mars", "Uptown Funk"), "someone else"),
        (("Lady Gaga & Bruno Mars", "Die With A Smile"), ("Lady Gaga", "Die With A Smile"), "someone else"),
        (("Kavinsky", "Nightcall"), ("Kavinsky", "Nightcall Part 2"), "different track"),
        (("Weezer", "Track 1"), ("Weezer", "Track 2"), "different track"),
        (("X", ""), ("X", "Anything"), "no title"),
    ],
)
def test_other_tracks_are_rejected(query: tuple[str, str], candidate: tuple[str, str], why: str) -> None:
    verdict = match_track(*query, artist=candidate[0], title=candidate[1])
    assert verdict.kind is None and verdict.score == 0.0 and not verdict.accepted, f"{candidate} is not {query}"
    assert why in verdict.reasons[-1]


def test_an_edition_qualifier_makes_a_fuzzy_match_below_exact() -> None:
    verdict = match_track("The Rolling Stones", "Honky Tonk Women", artist="The Rolling Stones",
                          title="Honky Tonk Women - Mono Version")
    assert verdict.kind is MatchKind.FUZZY and verdict.score == pytest.approx(0.9)
    remaster = match_track("The Beatles", "Something", artist="The Beatles", title="Something - Remastered 2009")
    assert remaster.kind is MatchKind.FUZZY and remaster.score == pytest.approx(0.9)


def test_explicit_markers_are_ignored() -> None:
    verdict = match_track("Kanye West", "Black Skinhead", artist="Kanye West", title="Black Skinhead (Explicit)")
    assert verdict.kind is MatchKind.EXACT


def test_a_leading_article_is_close_but_never_exact() -> None:
    verdict = match_track("Killers", "Mr. Brightside", artist="The Killers", title="Mr. Brightside")
    assert verdict.kind is MatchKind.FUZZY and verdict.score == pytest.approx(0.97)


def test_a_small_typo_stays_fuzzy_and_scored() -> None:
    verdict = match_track("Rage Against The Machine", "Testify", artist="Rage Against the Machine", title="TestifY!")
    assert verdict.kind is MatchKind.EXACT
    typo = match_track("Rage Against The Machine", "Tesitfy", artist="Rage Against The Machine", title="Testify")
    assert typo.kind is MatchKind.FUZZY and 0.5 < typo.score < 1.0


@pytest.mark.parametrize(("query_ms", "candidate_ms", "score"), [(251_667, 252_900, 1.0), (251_667, 258_000, 0.97),
                                                                  (251_667, 300_000, 0.8), (None, 300_000, 1.0)])
def test_durations_only_adjust_the_score(query_ms: int | None, candidate_ms: int, score: float) -> None:
    verdict = match_track("Lady Gaga", "Die With A Smile", artist="Lady Gaga", title="Die With A Smile",
                          duration_ms=candidate_ms, query_duration_ms=query_ms)
    assert verdict.kind is MatchKind.EXACT and verdict.score == pytest.approx(score)
