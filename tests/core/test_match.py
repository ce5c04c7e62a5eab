"""Album matching: which candidates are the queried album, and how sure we are.

Candidates come from real iTunes bodies in ../shared/data/recorded/itunes, read in place.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from shared_paths import recorded

from tagbridge.core.match import AlbumMatch, match_album, title_matches_exactly
from tagbridge.core.model import AlbumQuery, MatchKind

MIN_SCORE = 0.85  # Settings.min_score's default: callers drop fuzzy matches below it


@dataclass(frozen=True, slots=True, kw_only=True)
class Collection:
    """The fields of an iTunes collection row that matching uses."""

    artist: str
    title: str
    track_count: int
    year: int


def collections(name: str) -> list[Collection]:
    """The collection rows of a recorded iTunes body."""
    body = json.loads(recorded(f"itunes/{name}").read_text(encoding="utf-8"))
    return [
        Collection(
            artist=row["artistName"],
            title=row["collectionName"],
            track_count=row["trackCount"],
            year=int(row["releaseDate"][:4]),
        )
        for row in body["results"]
        if row.get("wrapperType") == "collection"
    ]


def collection(name: str, title: str) -> Collection:
    """The one collection titled ``title`` in a recorded body."""
    (found,) = [c for c in collections(name) if c.title == title]
    return found


def match(query: AlbumQuery, candidate: Collection) -> AlbumMatch:
    return match_album(
        query,
        artist=candidate.artist,
        title=candidate.title,
        track_count=candidate.track_count,
        year=candidate.year,
    )


def simple(
    query_artist: str,
    query_album: str,
    artist: str,
    title: str,
    *,
    tracks: int | None = None,
    track_count: int | None = None,
) -> AlbumMatch:
    query = AlbumQuery(artist=query_artist, album=query_album, tracks=tracks)
    return match_album(query, artist=artist, title=title, track_count=track_count)


def accepted(result: AlbumMatch) -> bool:
    return result.kind is not None and result.score >= MIN_SCORE


RAM_SEARCH = "catalogmigrator_search_album_daft_punk_ram_limit25.json"
RAM = AlbumQuery(artist="Daft Punk", album="Random Access Memories")
SLAYER = "mariodarco_lookup_id414425_artist_albums_gb.json"


# --- exact matches and edition ties ---------------------------------------------------------


def test_plain_title_is_exact_and_anniversary_edition_is_fuzzy_below_it() -> None:
    plain = match(RAM, collection(RAM_SEARCH, "Random Access Memories"))
    anniversary = match(RAM, collection(RAM_SEARCH, "Random Access Memories (10th Anniversary Edition)"))
    assert plain.kind is MatchKind.EXACT and plain.score == 1.0
    assert anniversary.kind is MatchKind.FUZZY, "an edition qualifier on one side only is not exact"
    assert anniversary.score < plain.score
    assert accepted(anniversary), "another edition is still acceptable art when nothing better exists"
    assert "edition differs: anniversary" in anniversary.reasons


def test_track_count_pushes_a_far_off_edition_below_the_minimum() -> None:
    query = AlbumQuery(artist="Daft Punk", album="Random Access Memories", tracks=13)
    anniversary = match(query, collection(RAM_SEARCH, "Random Access Memories (10th Anniversary Edition)"))
    assert anniversary.kind is MatchKind.FUZZY
    assert not accepted(anniversary), "22 tracks for a 13-track query plus a differing edition"
    assert any("track count 22 vs 13" in r for r in anniversary.reasons)


def test_only_daft_punks_own_editions_survive_the_ram_search() -> None:
    survivors = {c.title for c in collections(RAM_SEARCH) if accepted(match(RAM, c))}
    assert survivors == {"Random Access Memories", "Random Access Memories (10th Anniversary Edition)"}


def test_deluxe_edition_of_a_night_at_the_opera_is_fuzzy() -> None:
    deluxe = collection("harmony_lookup_id1441458047_song_gb_queen_night_at_the_opera_deluxe.json", "A Night at the Opera (Deluxe Edition)")
    result = match(AlbumQuery(artist="Queen", album="A Night at the Opera"), deluxe)
    assert result.kind is MatchKind.FUZZY and result.score == pytest.approx(0.9)
    exact = match(AlbumQuery(artist="Queen", album="A Night at the Opera (Deluxe Edition)"), deluxe)
    assert exact.kind is MatchKind.EXACT


def test_normalization_makes_spellings_exact() -> None:
    result = simple("Beyonce", "Dont Stop", "Beyoncé", "Don’t Stop (feat. Someone)")
    assert result.kind is MatchKind.EXACT
    assert "title equal after normalization" in result.reasons
    assert "artist equal after normalization" in result.reasons


def test_explicit_label_does_not_break_exactness() -> None:
    assert simple("Kanye West", "Yeezus", "Kanye West", "Yeezus (Explicit)").kind is MatchKind.EXACT


# --- content qualifiers ---------------------------------------------------------------------


def test_drumless_edition_is_a_different_recording() -> None:
    result = match(RAM, collection(RAM_SEARCH, "Random Access Memories (Drumless Edition)"))
    assert result.kind is None and result.score == 0.0
    assert any("drumless" in r for r in result.reasons)


def test_lullaby_renditions_are_rejected() -> None:
    result = match(RAM, collection(RAM_SEARCH, "Lullaby Renditions of Daft Punk - Random Access Memories"))
    assert result.kind is None


def test_live_album_matches_a_live_query() -> None:
    hendrix = "mariodarco_lookup_id62819_album_hendrix_gb.json"
    query = AlbumQuery(artist="The Jimi Hendrix Experience", album="Winterland (Live)", tracks=11)
    results = [match(query, c) for c in collections(hendrix) if c.title == "Winterland (Live)"]
    assert [r.kind for r in results] == [MatchKind.EXACT, MatchKind.EXACT]
    assert sorted(r.score for r in results) == [pytest.approx(0.93), 1.0], "the 37-track box ranks below"


def test_live_candidate_is_rejected_for_a_studio_query() -> None:
    result = simple("Slayer", "Decade of Aggression", "Slayer", "Decade of Aggression (Live)")
    assert result.kind is None
    assert simple("Slayer", "Decade of Aggression (Live)", "Slayer", "Decade of Aggression").kind is None


def test_live_qualifier_implied_by_the_title_is_not_a_difference() -> None:
    result = simple("Nirvana", "MTV Unplugged in New York", "Nirvana", "MTV Unplugged in New York (Live)")
    assert result.kind is MatchKind.EXACT


# --- subset guards --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query_album", "title"),
    [
        ("Ladies", "Single Ladies"),
        ("Single Ladies", "Ladies"),
        ("You", "You Should Know - Single"),
        ("Random Access Memories", "Vitamin String Quartet Performs Daft Punk's Random Access Memories"),
        ("Fearless", "Fearless (Taylor’s Version)"),
    ],
)
def test_title_contained_in_another_is_rejected(query_album: str, title: str) -> None:
    result = simple("Artist", query_album, "Artist", title)
    assert result.kind is None or result.score < 0.5
    assert any("contains" in r for r in result.reasons)


def test_collaboration_credit_is_not_the_solo_artist() -> None:
    singles = "flutterapplemusic_lookup_id941107698_album_ariel_noah_singles.json"
    duet = collection(singles, "Cinta Yang Diam - Single")
    assert duet.artist == "Difki Khalif & Ariel NOAH"
    result = match(AlbumQuery(artist="Ariel NOAH", album="Cinta Yang Diam"), duet)
    assert result.kind is None
    assert match(AlbumQuery(artist="Difki Khalif & Ariel NOAH", album="Cinta Yang Diam", tracks=1), duet).kind is MatchKind.EXACT


def test_artist_name_contained_in_another_is_rejected() -> None:
    assert simple("Slayer", "Reign in Blood", "Princess Slayer", "Reign in Blood").kind is None
    assert simple("Jimi Hendrix", "Smash Hits", "The Jimi Hendrix Experience & Jimi Hendrix", "Smash Hits").kind is None


def test_leading_article_is_not_a_subset() -> None:
    result = simple("Beatles", "Abbey Road", "The Beatles", "Abbey Road")
    assert result.kind is MatchKind.FUZZY and accepted(result)


def test_different_volume_numbers_are_rejected() -> None:
    assert simple("Led Zeppelin", "Led Zeppelin II", "Led Zeppelin", "Led Zeppelin III").kind is None
    assert simple("Various Artists", "Now 47", "Various Artists", "Now 48").kind is None


# --- fuzzy scores ---------------------------------------------------------------------------


def test_a_small_typo_is_accepted() -> None:
    result = simple("Slayer", "Season in the Abyss", "Slayer", "Seasons In the Abyss")
    assert result.kind is MatchKind.FUZZY and accepted(result)


def test_a_near_miss_title_lands_below_the_minimum() -> None:
    assert not accepted(simple("Slayer", "Hell Awakes", "Slayer", "Hell Awaits"))


def test_another_album_by_the_same_artist_is_not_accepted() -> None:
    query = AlbumQuery(artist="Slayer", album="Reign in Blood", tracks=10)
    survivors = [c.title for c in collections(SLAYER) if accepted(match(query, c))]
    assert survivors == ["Reign In Blood"]


def test_every_result_explains_itself() -> None:
    query = AlbumQuery(artist="Slayer", album="Divine Intervention", tracks=10, year=1994)
    for candidate in collections(SLAYER):
        result = match(query, candidate)
        assert result.reasons, f"no reasons for {candidate.title!r}"
        assert 0.0 <= result.score <= 1.0


# --- various artists ------------------------------------------------------------------------

VA_BODY = "harmony_lookup_id255636575_song_gb_various_artists_compilation.json"


@pytest.mark.parametrize("query_artist", ["Various Artists", "VA", "Various"])
def test_various_artists_query_matches_a_compilation(query_artist: str) -> None:
    hits = collection(VA_BODY, "Hits of the 90s")
    result = match(AlbumQuery(artist=query_artist, album="Hits of the 90s", tracks=19), hits)
    assert result.kind is MatchKind.EXACT
    assert "various-artists compilation" in result.reasons


def test_compilation_flag_stands_for_various_artists() -> None:
    query = AlbumQuery(artist="Various Artists", album="Hits of the 90s")
    result = match_album(query, artist="Hits Collective", title="Hits of the 90s", compilation=True)
    assert result.kind is MatchKind.EXACT
    assert match_album(query, artist="Hits Collective", title="Hits of the 90s").kind is None


def test_single_artist_query_does_not_match_a_compilation() -> None:
    hits = collection(VA_BODY, "Hits of the 90s")
    assert match(AlbumQuery(artist="Olive", album="Hits of the 90s"), hits).kind is None


def test_various_artists_query_does_not_match_a_band_album() -> None:
    reign = collection(SLAYER, "Reign In Blood")
    assert match(AlbumQuery(artist="Various Artists", album="Reign in Blood"), reign).kind is None


# --- collaborations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query_artist", "artist"),
    [
        ("Kanye West & JAY Z", "JAY Z & Kanye West"),
        ("Simon and Garfunkel", "Simon & Garfunkel"),
        ("Alok, Alan Walker", "Alok & Alan Walker"),
    ],
)
def test_the_same_collaborators_in_any_order_are_exact(query_artist: str, artist: str) -> None:
    result = simple(query_artist, "Album", artist, "Album")
    assert result.kind is MatchKind.EXACT


# --- track count, release type and year -----------------------------------------------------


def test_equal_track_count_is_recorded() -> None:
    result = match(AlbumQuery(artist="Slayer", album="Reign in Blood", tracks=10), collection(SLAYER, "Reign In Blood"))
    assert result.kind is MatchKind.EXACT and result.score == 1.0
    assert "track count 10 matches" in result.reasons


def test_far_off_track_count_lowers_but_does_not_reject() -> None:
    box = collection(SLAYER, "Soundtrack to the Apocalypse")
    result = match(AlbumQuery(artist="Slayer", album="Soundtrack to the Apocalypse", tracks=10), box)
    assert result.kind is MatchKind.EXACT
    assert result.score < 1.0
    assert any("track count 57 vs 10" in r for r in result.reasons)


def test_close_track_count_costs_nothing() -> None:
    result = simple("Slayer", "Reign in Blood", "Slayer", "Reign in Blood", tracks=10, track_count=11)
    assert result.score == 1.0


def test_track_count_never_lifts_a_rejected_score_over_the_minimum() -> None:
    without = simple("Slayer", "Hell Awakes", "Slayer", "Hell Awaits")
    with_count = simple("Slayer", "Hell Awakes", "Slayer", "Hell Awaits", tracks=7, track_count=7)
    assert with_count.score == without.score < MIN_SCORE


def test_single_is_exact_for_a_one_track_query_and_ranks_below_the_album_otherwise() -> None:
    single = collection(SLAYER, "Repentless - Single")
    album = collection(SLAYER, "Repentless")
    one_track = AlbumQuery(artist="Slayer", album="Repentless", tracks=1)
    assert match(one_track, single).kind is MatchKind.EXACT
    full = AlbumQuery(artist="Slayer", album="Repentless", tracks=13)
    assert match(full, album).kind is MatchKind.EXACT
    demoted = match(full, single)
    assert demoted.kind is MatchKind.FUZZY and not accepted(demoted)
    assert any("release type differs" in r for r in demoted.reasons)


def test_year_far_apart_is_a_small_penalty() -> None:
    query = AlbumQuery(artist="Slayer", album="Divine Intervention", year=1994)
    reissue, original = [match(query, c) for c in collections(SLAYER) if c.title == "Divine Intervention"]
    assert reissue.kind is original.kind is MatchKind.EXACT
    assert original.score == 1.0
    assert 0.9 < reissue.score < 1.0
    assert "year 2006 vs 1994" in reissue.reasons


def test_missing_query_title_is_rejected() -> None:
    assert simple("Slayer", "", "Slayer", "Reign in Blood").kind is None


def test_missing_artist_cannot_be_exact() -> None:
    result = simple("", "Reign in Blood", "Slayer", "Reign In Blood")
    assert result.kind is MatchKind.FUZZY


# --- title_matches_exactly ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Random Access Memories", "random access memories", True),
        ("Headlights (feat. KIDDO) - Single", "Headlights - Single", True),
        ("Random Access Memories", "Random Access Memories (10th Anniversary Edition)", False),
        ("Repentless", "Repentless - Single", False),
        ("Yeezus (Explicit)", "Yeezus", True),
    ],
)
def test_title_matches_exactly(a: str, b: str, expected: bool) -> None:
    assert title_matches_exactly(a, b) is expected


# --- backend independence -------------------------------------------------------------------

_WITHOUT_RAPIDFUZZ = """
import json, sys
sys.modules["rapidfuzz"] = None  # as in Picard's bundled builds: the import fails
from tagbridge.core import fuzz
from tagbridge.core.match import match_album
from tagbridge.core.model import AlbumQuery
pairs = json.load(sys.stdin)
out = [fuzz.BACKEND]
for qa, qt, a, t, n in pairs:
    r = match_album(AlbumQuery(artist=qa, album=qt, tracks=13), artist=a, title=t, track_count=n)
    out.append([r.kind and r.kind.value, r.score, list(r.reasons)])
print(json.dumps(out))
"""


def test_matching_decides_the_same_without_rapidfuzz() -> None:
    pairs: list[tuple[str, str, str, str, int]] = [
        (query_artist, query_album, c.artist, c.title, c.track_count)
        for query_artist, query_album in [("Daft Punk", "Random Access Memories"), ("Slayer", "Hell Awakes"), ("Slayer", "Repentles")]
        for c in collections(RAM_SEARCH) + collections(SLAYER)
    ]
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_RAPIDFUZZ],
        input=json.dumps(pairs),
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    backend, *pure = json.loads(done.stdout)
    assert backend == "pure"
    here = []
    for qa, qt, a, t, n in pairs:
        r = match_album(AlbumQuery(artist=qa, album=qt, tracks=13), artist=a, title=t, track_count=n)
        here.append([r.kind and r.kind.value, r.score, list(r.reasons)])
    assert pure == here, "scores and decisions must not depend on whether rapidfuzz is installed"
