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


def test_edition_difference_explains_a_far_off_track_count() -> None:
    query = AlbumQuery(artist="Daft Punk", album="Random Access Memories", tracks=13)
    anniversary = match(query, collection(RAM_SEARCH, "Random Access Memories (10th Anniversary Edition)"))
    plain = match(query, collection(RAM_SEARCH, "Random Access Memories"))
    assert anniversary.kind is MatchKind.FUZZY and anniversary.score == pytest.approx(0.9)
    assert "track count 22 vs 13: explained by the other edition" in anniversary.reasons
    assert plain.kind is MatchKind.EXACT, "the plain album still ranks above the anniversary edition"


def test_only_edition_of_an_album_survives_the_standard_track_count() -> None:
    query = AlbumQuery(artist="Lady Gaga", album="The Fame Monster", tracks=8, year=2009)
    result = match_album(query, artist="Lady Gaga", title="The Fame Monster (Deluxe Edition)", track_count=22, year=2009)
    assert accepted(result), "edition factor and track-count factor must not stack"


def test_release_type_and_track_count_still_stack() -> None:
    query = AlbumQuery(artist="The Weeknd", album="Starboy", tracks=18, year=2016)
    single = match_album(query, artist="The Weeknd", title="Starboy (feat. Daft Punk) - Single", track_count=1, year=2016)
    assert single.kind is MatchKind.FUZZY and not accepted(single), "a single is not the album it is named after"


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


@pytest.mark.parametrize(
    ("query_artist", "query_album", "artist", "title"),
    [
        ("Various Artists", "Pulp Fiction", "Various Artists", "Pulp Fiction (Music from the Motion Picture)"),
        ("Various Artists", "Kill Bill Vol. 1", "Various Artists", "Kill Bill Vol. 1 (Original Soundtrack)"),
        ("Daft Punk", "TRON: Legacy", "Daft Punk", "TRON: Legacy (Original Motion Picture Soundtrack)"),
        ("Original Broadway Cast of Hamilton", "Hamilton", "Original Broadway Cast of Hamilton", "Hamilton (Original Broadway Cast Recording)"),
        ("Aimee Mann", "Magnolia", "Aimee Mann", "Magnolia: Music from the Motion Picture"),
        ("Daft Punk", "TRON: Legacy (Original Motion Picture Soundtrack)", "Daft Punk", "TRON: Legacy"),
    ],
)
def test_soundtrack_descriptor_does_not_break_exactness(query_artist: str, query_album: str, artist: str, title: str) -> None:
    result = simple(query_artist, query_album, artist, title)
    assert result.kind is MatchKind.EXACT, result.reasons
    assert "title equal after normalization" in result.reasons


def test_score_is_another_album_than_the_soundtrack() -> None:
    score = "Guardians of the Galaxy (Original Score)"
    assert simple("Tyler Bates", "Guardians of the Galaxy", "Tyler Bates", score).kind is None
    assert simple("Tyler Bates", "Guardians of the Galaxy (Original Motion Picture Soundtrack)", "Tyler Bates", score).kind is None
    asked = simple("Tyler Bates", "Guardians of the Galaxy (Score)", "Tyler Bates", score)
    assert asked.kind is MatchKind.EXACT, "a query that says score gets the score"


def test_soundtrack_group_with_a_volume_keeps_the_volume() -> None:
    result = simple("Various Artists", "Trainspotting", "Various Artists", "Trainspotting #2 (Music from the Motion Picture, Vol. #2)")
    assert result.kind is None


def test_bare_trailing_ep_reads_as_the_store_suffix() -> None:
    result = simple("Lorde", "The Love Club EP", "Lorde", "The Love Club - EP", tracks=5, track_count=5)
    assert result.kind is MatchKind.EXACT
    assert simple("Lorde", "The Love Club - EP", "Lorde", "The Love Club EP").kind is MatchKind.EXACT


def test_radio_edit_single_is_an_edition_of_the_single() -> None:
    query = AlbumQuery(artist="Daft Punk feat. Pharrell Williams", album="Get Lucky", tracks=1)
    title = "Get Lucky (feat. Pharrell Williams & Nile Rodgers) [Radio Edit] - Single"
    result = match_album(query, artist="Daft Punk", title=title, track_count=1)
    assert result.kind is MatchKind.FUZZY and accepted(result)
    assert "edition differs: edit" in result.reasons
    plain = match_album(query, artist="Daft Punk", title="Get Lucky - Single", track_count=1)
    assert plain.kind is MatchKind.EXACT, "the unedited single stays the exact match"


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
    assert sorted((r.score, r.kind.value) for r in results if r.kind) == [(pytest.approx(0.93), "fuzzy"), (1.0, "exact")], \
        "the 37-track box ranks below, as a near match"


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
    assert simple("Dre", "2001", "Dr. Dre", "2001").kind is None, "an honorific in a one-word name is the name"


def test_honorific_in_front_of_a_full_name_is_the_same_artist() -> None:
    result = simple("Lauryn Hill", "The Miseducation of Lauryn Hill", "Ms. Lauryn Hill", "The Miseducation of Lauryn Hill")
    assert result.kind is MatchKind.FUZZY and accepted(result)
    assert "artist equal but for an honorific (Ms., Dr., Sir ...)" in result.reasons


@pytest.mark.parametrize(
    ("query_artist", "artist", "album", "year", "tracks"),
    [
        ("Kanye West", "JAY-Z & Kanye West", "Watch the Throne", 2011, 12),
        ("Silk Sonic", "Bruno Mars, Anderson .Paak & Silk Sonic", "An Evening With Silk Sonic", 2021, 9),
        ("¥$", "¥$, Kanye West & Ty Dolla $ign", "Vultures 1", 2024, 16),
        ("Tom Petty", "Tom Petty and the Heartbreakers", "Greatest Hits", 1993, 18),
        ("Lou Reed & Metallica", "Metallica", "Lulu", 2011, 10),
    ],
)
def test_credit_subset_with_an_identical_title_is_accepted(
    query_artist: str, artist: str, album: str, year: int, tracks: int
) -> None:
    query = AlbumQuery(artist=query_artist, album=album, tracks=tracks, year=year)
    result = match_album(query, artist=artist, title=album, track_count=tracks, year=year)
    assert result.kind is MatchKind.FUZZY and accepted(result)
    assert result.score < 0.95, "a credit subset ranks under an exact match and a close edition"
    assert any(r.startswith("artist credit adds ") for r in result.reasons)


def test_credit_subset_with_a_generic_title_needs_year_and_track_count() -> None:
    query = AlbumQuery(artist="Tom Petty", album="Greatest Hits")
    result = match_album(query, artist="Tom Petty and the Heartbreakers", title="Greatest Hits")
    assert result.kind is None
    assert any("needs the same year and track count" in r for r in result.reasons)


def test_credit_subset_from_another_year_is_another_album() -> None:
    query = AlbumQuery(artist="Diana Ross", album="Greatest Hits", tracks=12, year=1976)
    supremes = match_album(query, artist="Diana Ross & the Supremes", title="Greatest Hits", track_count=12, year=1967)
    assert supremes.kind is None


def test_credit_subset_needs_the_same_edition() -> None:
    query = AlbumQuery(artist="Kanye West", album="Watch the Throne", year=2011)
    result = match_album(query, artist="JAY-Z & Kanye West", title="Watch the Throne (Deluxe)", year=2011)
    assert result.kind is None


def test_leading_article_is_not_a_subset() -> None:
    result = simple("Beatles", "Abbey Road", "The Beatles", "Abbey Road")
    assert result.kind is MatchKind.FUZZY and accepted(result)


def test_different_volume_numbers_are_rejected() -> None:
    assert simple("Led Zeppelin", "Led Zeppelin II", "Led Zeppelin", "Led Zeppelin III").kind is None
    assert simple("Various Artists", "Now 47", "Various Artists", "Now 48").kind is None


def test_one_letter_title_is_a_word_not_a_roman_numeral() -> None:
    result = simple("Ed Sheeran", "×", "Ed Sheeran", "x")
    assert not any("numbers differ" in r for r in result.reasons), "Ed Sheeran's x is not ten"
    assert not accepted(result), "the multiplication sign is still not the letter"
    assert simple("Ed Sheeran", "x", "Ed Sheeran", "x (Deluxe Edition)").accepted


# --- the artist named inside the store's title ----------------------------------------------


@pytest.mark.parametrize(
    ("artist", "query_album", "title"),
    [
        ("Simon & Garfunkel", "Greatest Hits", "Simon & Garfunkel’s Greatest Hits"),
        ("Janet Jackson", "Rhythm Nation 1814", "Janet Jackson's Rhythm Nation 1814"),
        ("Janet Jackson", "Janet Jackson's Rhythm Nation 1814", "Rhythm Nation 1814"),
    ],
)
def test_artists_possessive_in_front_of_the_title_is_the_same_album(artist: str, query_album: str, title: str) -> None:
    result = simple(artist, query_album, artist, title)
    assert result.kind is MatchKind.FUZZY and accepted(result)
    assert "title equal but for the artist's possessive in front" in result.reasons


def test_possessive_must_name_that_sides_artist() -> None:
    result = simple("Joan Baez", "Greatest Hits", "Joan Baez", "Bob Dylan's Greatest Hits")
    assert result.kind is None, "only the credited artist's own possessive is dropped"


# --- self-titled albums the store names by nickname -----------------------------------------

WEEZER = [("Weezer (Blue Album)", 1994), ("Weezer (Green Album)", 2001), ("Weezer (Red Album)", 2008)]


def test_self_titled_album_is_told_apart_by_its_year() -> None:
    query = AlbumQuery(artist="Weezer", album="Weezer", tracks=10, year=2001)
    found = {title: match_album(query, artist="Weezer", title=title, track_count=10, year=year) for title, year in WEEZER}
    assert [t for t, r in found.items() if accepted(r)] == ["Weezer (Green Album)"]
    assert any("self-titled album the store names 'green album'" in r for r in found["Weezer (Green Album)"].reasons)


def test_self_titled_nickname_needs_the_year() -> None:
    result = simple("Weezer", "Weezer", "Weezer", "Weezer (Blue Album)", tracks=10, track_count=10)
    assert result.kind is None
    assert any("needs the same year" in r for r in result.reasons)


def test_numbered_self_titled_album_with_a_nickname() -> None:
    query = AlbumQuery(artist="Peter Gabriel", album="Peter Gabriel", tracks=10, year=1980)
    melt = match_album(query, artist="Peter Gabriel", title="Peter Gabriel 3: Melt (Remastered)", track_count=10, year=1980)
    car = match_album(query, artist="Peter Gabriel", title="Peter Gabriel 1: Car (Remastered)", track_count=9, year=1977)
    assert melt.kind is MatchKind.FUZZY and accepted(melt)
    assert car.kind is None


def test_bare_number_after_the_artist_is_another_album() -> None:
    query = AlbumQuery(artist="Led Zeppelin", album="Led Zeppelin", tracks=9, year=1969)
    result = match_album(query, artist="Led Zeppelin", title="Led Zeppelin II (Remaster)", track_count=9, year=1969)
    assert result.kind is None, "Led Zeppelin II is not a nickname of Led Zeppelin, even in the same year"


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
    assert result.kind is MatchKind.FUZZY, "a disagreeing track count makes it a near match, not exact"
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


@pytest.mark.parametrize(
    ("query_album", "tracks"),
    [("Sandinista! [Disc 1]", 12), ("1967-1970 CD2", 14), ("Sandinista! (Disc 1 of 3)", 12)],
)
def test_disc_query_does_not_compare_track_counts(query_album: str, tracks: int) -> None:
    title = query_album.split(" [")[0].split(" (")[0].removesuffix(" CD2") + " (Remastered)"
    query = AlbumQuery(artist="The Clash", album=query_album, tracks=tracks)
    result = match_album(query, artist="The Clash", title=title, track_count=36)
    assert accepted(result), result.reasons
    assert any("not compared, the query names one disc" in r for r in result.reasons)


def test_remaster_ranks_above_a_deluxe_edition_for_a_plain_query() -> None:
    query = AlbumQuery(artist="The Smashing Pumpkins", album="Mellon Collie and the Infinite Sadness (Disc 2)", tracks=14)
    base = "Mellon Collie and the Infinite Sadness"
    remaster = match_album(query, artist="The Smashing Pumpkins", title=f"{base} (Remastered)", track_count=28)
    deluxe = match_album(query, artist="The Smashing Pumpkins", title=f"{base} (Deluxe Edition)", track_count=92)
    assert accepted(remaster) and accepted(deluxe)
    assert remaster.score > deluxe.score


def test_year_far_apart_is_a_small_penalty() -> None:
    query = AlbumQuery(artist="Slayer", album="Divine Intervention", year=1994)
    reissue, original = [match(query, c) for c in collections(SLAYER) if c.title == "Divine Intervention"]
    assert original.kind is MatchKind.EXACT and reissue.kind is MatchKind.FUZZY, "only the original agrees on the year"
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


def test_one_distinctive_word_keeps_a_title_from_being_generic() -> None:
    result = simple("Matt Fax", "Greatest Thing (Tommy Baynen Remix)", "Matt Fax, Tommy Baynen",
                    "Greatest Thing (Tommy Baynen Remix)")
    assert result.kind is MatchKind.FUZZY and accepted(result), "'Greatest Thing' is this record's own title"
    generic = simple("Queen", "The Very Best Of, Vol. 2", "Queen & David Bowie", "The Very Best Of, Vol. 2")
    assert not accepted(generic), "a title made only of generic words needs more than a shared credit"
