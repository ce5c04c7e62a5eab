"""Normalization: real-world pairs that must meet, and pairs that must stay apart."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tagbridge.core.normalize import (
    CONTENT_QUALIFIERS,
    DESCRIPTOR_QUALIFIERS,
    EDITION_QUALIFIERS,
    Title,
    artist_set,
    normalize_artist,
    normalize_text,
    split_title,
)

# (a, b): different spellings of the same name, by the rule they exercise.
SAME = [
    pytest.param("ＡＢＣ", "ABC", id="nfkc-full-width"),
    pytest.param("Ｐｏｒｎｏ　Ｇｒａｆｆｉｔｔｉ", "Porno Graffitti", id="nfkc-ideographic-space"),
    pytest.param("Straße", "STRASSE", id="casefold-sharp-s"),
    pytest.param("Beyoncé", "Beyonce", id="latin-acute"),
    pytest.param("Motörhead", "Motorhead", id="latin-diaeresis"),
    pytest.param("Sigur Rós", "Sigur Ros", id="latin-icelandic"),
    pytest.param("Mø", "Mo", id="latin-o-stroke"),
    pytest.param("Ágætis byrjun", "Agaetis byrjun", id="latin-ash"),
    pytest.param("Μάνος Χατζιδάκις", "Μανος Χατζιδακις", id="greek-tonos"),
    pytest.param("ΜΆΝΟΣ", "μάνος", id="greek-case-and-final-sigma"),
    pytest.param("Ёлка", "Елка", id="cyrillic-yo-diaeresis"),
    pytest.param("Simon & Garfunkel", "Simon and Garfunkel", id="ampersand"),
    pytest.param("Simon+Garfunkel", "Simon and Garfunkel", id="plus-between-words"),
    pytest.param("Earth, Wind & Fire", "Earth Wind and Fire", id="comma-and-ampersand"),
    pytest.param("He’s All I Got", "He's All I Got", id="typographic-apostrophe"),
    pytest.param("Don’t", "Dont", id="apostrophe-dropped-in-word"),
    pytest.param("Don't", "Dont", id="ascii-apostrophe-dropped"),
    pytest.param("Guns N’ Roses", "Guns N' Roses", id="apostrophe-after-word"),
    pytest.param("Rock ‘n’ Roll", "Rock 'n' Roll", id="single-quotes"),
    pytest.param("“Heroes”", '"Heroes"', id="double-quotes"),
    pytest.param("Hits of the 90’s", "Hits of the 90s", id="apostrophe-in-decade"),
    pytest.param("AC/DC", "AC DC", id="slash"),
    pytest.param("Nightmare·Escape The ERA", "Nightmare Escape The ERA", id="middle-dot"),
    pytest.param("Jay-Z", "JAY Z", id="hyphen"),
    pytest.param("(What’s the Story) Morning Glory?", "What's the Story Morning Glory", id="brackets-and-question"),
    pytest.param("soft\u00adhyphen", "softhyphen", id="invisible-format-char"),
    pytest.param("  many \t spaces  ", "many spaces", id="whitespace"),
]

# (a, b): names that look alike but are different and must stay different.
DIFFERENT = [
    pytest.param("が", "か", id="kana-dakuten-kept"),
    pytest.param("パ", "ハ", id="kana-handakuten-kept"),
    pytest.param("ポルノグラフィティ", "ホルノクラフィティ", id="katakana-marks-kept"),
    pytest.param("мой", "мои", id="cyrillic-short-i-kept"),
    pytest.param("P!nk", "Pink", id="symbol-is-not-a-letter"),
    pytest.param("!!!", "?", id="punctuation-only-titles-differ"),
    pytest.param("Single Ladies", "Ladies", id="words-kept"),
]

# text -> its exact normalized form.
EXPECTED = [
    pytest.param("AC/DC", "ac dc", id="slash"),
    pytest.param("P!nk", "p nk", id="bang"),
    pytest.param("#wings", "wings", id="hash"),
    pytest.param("!!!", "!!!", id="only-punctuation-falls-back"),
    pytest.param("?", "?", id="single-question-mark-falls-back"),
    pytest.param("東京事変", "東京事変", id="cjk-intact"),
    pytest.param("ポルノグラフィティ", "ポルノグラフィティ", id="katakana-intact"),
    pytest.param("がっこう", "がっこう", id="hiragana-dakuten-intact"),
    pytest.param("Йошкар-Ола", "йошкар ола", id="cyrillic-short-i-kept"),
    pytest.param("Ёлка", "елка", id="cyrillic-yo-stripped"),
    pytest.param("G¥RO BEATS", "g ro beats", id="currency-symbol"),
    pytest.param("NEV+, Ariel NOAH & Dea", "nev ariel noah and dea", id="trailing-plus-is-punctuation"),
    pytest.param("İstanbul", "istanbul", id="turkish-dotted-capital"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_spellings_of_one_name_normalize_equal(a: str, b: str) -> None:
    assert normalize_text(a) == normalize_text(b), f"{a!r} and {b!r} should normalize equal"


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_stay_different(a: str, b: str) -> None:
    assert normalize_text(a) != normalize_text(b), f"{a!r} and {b!r} must not be conflated"


@pytest.mark.parametrize(("text", "expected"), EXPECTED)
def test_normalized_form(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalizing_twice_changes_nothing(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_visible_text_never_normalizes_to_empty(text: str) -> None:
    if unicodedata.normalize("NFKC", text).split():
        assert normalize_text(text), f"{text!r} normalized to an empty string"


# title -> (base, qualifiers, release type)
TITLES = [
    # Apple's store suffixes
    pytest.param("Nightmare·Escape The ERA - EP", "nightmare escape the era", set(), "ep", id="ep-suffix"),
    pytest.param("Repentless - Single", "repentless", set(), "single", id="single-suffix"),
    pytest.param("Kutunggu Kau Putus (Single)", "kutunggu kau putus", set(), "single", id="single-in-brackets"),
    pytest.param("The Love Club EP", "the love club", set(), "ep", id="bare-trailing-ep"),
    pytest.param("All Delighted People EP (Deluxe)", "all delighted people", {"deluxe"}, "ep", id="bare-ep-before-group"),
    pytest.param("The EP", "the ep", set(), None, id="ep-after-only-an-article-is-title"),
    pytest.param("EP", "ep", set(), None, id="ep-alone-is-title"),
    pytest.param("Step", "step", set(), None, id="ep-inside-a-word"),
    # edition qualifiers
    pytest.param("A Night at the Opera (Deluxe Edition)", "a night at the opera", {"deluxe"}, None, id="deluxe"),
    pytest.param("Soundtrack to the Apocalypse (Deluxe Version)", "soundtrack to the apocalypse", {"deluxe"}, None, id="deluxe-version"),
    pytest.param("Abbey Road (Super Deluxe Edition)", "abbey road", {"deluxe"}, None, id="super-deluxe"),
    pytest.param("Abbey Road (Remastered 2019)", "abbey road", {"remastered"}, None, id="remastered-year-dropped"),
    pytest.param("Abbey Road - Remastered 2009", "abbey road", {"remastered"}, None, id="dash-remastered"),
    pytest.param("Abbey Road - 2009 Remaster", "abbey road", {"remastered"}, None, id="dash-year-remaster"),
    pytest.param("My World 2.0 (Bonus Track Version)", "my world 2 0", {"bonus"}, None, id="bonus-parens"),
    pytest.param("My World 2.0 [Bonus Track Version]", "my world 2 0", {"bonus"}, None, id="bonus-brackets"),
    pytest.param("Random Access Memories (10th Anniversary Edition)", "random access memories", {"anniversary"}, None, id="anniversary"),
    pytest.param("The Jimi Hendrix Experience (Deluxe Reissue)", "the jimi hendrix experience", {"deluxe", "reissue"}, None, id="two-keywords"),
    pytest.param("Greatest Hits - Collector’s Edition", "greatest hits", {"collector"}, None, id="collectors-typographic"),
    pytest.param("Pet Sounds (Mono)", "pet sounds", {"mono"}, None, id="mono"),
    pytest.param("Get Lucky (feat. Pharrell Williams & Nile Rodgers) [Radio Edit] - Single", "get lucky", {"edit"}, "single", id="radio-edit"),
    pytest.param("Bohemian Rhapsody (Single Version)", "bohemian rhapsody", {"edit"}, None, id="single-version"),
    pytest.param("Around the World (Edit)", "around the world", {"edit"}, None, id="edit"),
    # soundtrack and cast-recording descriptors
    pytest.param("Pulp Fiction (Music from the Motion Picture)", "pulp fiction", {"soundtrack"}, None, id="music-from-the-motion-picture"),
    pytest.param("TRON: Legacy (Original Motion Picture Soundtrack)", "tron legacy", {"soundtrack"}, None, id="original-motion-picture-soundtrack"),
    pytest.param("Kill Bill Vol. 1 (Original Soundtrack)", "kill bill vol 1", {"soundtrack"}, None, id="original-soundtrack"),
    pytest.param("Hamilton (Original Broadway Cast Recording)", "hamilton", {"soundtrack"}, None, id="broadway-cast-recording"),
    pytest.param("Magnolia: Music from the Motion Picture", "magnolia", {"soundtrack"}, None, id="colon-descriptor"),
    pytest.param("Trainspotting - Original Soundtrack", "trainspotting", {"soundtrack"}, None, id="dash-descriptor"),
    pytest.param(
        "Pulp Fiction (Music From the Motion Picture) [Collector’s Edition]",
        "pulp fiction",
        {"soundtrack", "collector"},
        None,
        id="descriptor-and-edition",
    ),
    pytest.param(
        "Losmen Bu Broto (Original Motion Picture Soundtrack) - EP",
        "losmen bu broto",
        {"soundtrack"},
        "ep",
        id="descriptor-then-ep",
    ),
    # content qualifiers
    pytest.param("Winterland (Live)", "winterland", {"live"}, None, id="live"),
    pytest.param("Random Access Memories (Drumless Edition)", "random access memories", {"drumless"}, None, id="drumless"),
    pytest.param("Nevermind (Instrumentals)", "nevermind", {"instrumental"}, None, id="instrumentals"),
    pytest.param("Hits [Karaoke Version]", "hits", {"karaoke"}, None, id="karaoke"),
    pytest.param("Body Talk (The Remixes)", "body talk", {"remix"}, None, id="remixes"),
    pytest.param("Guardians of the Galaxy (Original Score)", "guardians of the galaxy", {"score"}, None, id="score"),
    # featured artists
    pytest.param("Headlights (feat. KIDDO) - Single", "headlights", set(), "single", id="feat-then-single"),
    pytest.param(
        "もしもまたいつか (Moshimo Mata Itsuka) [feat. Ariel Nidji] - Single",
        "もしもまたいつか moshimo mata itsuka",
        set(),
        "single",
        id="feat-brackets-cjk-romanization-kept",
    ),
    pytest.param("Bloodline (feat. Revmatix) - Single", "bloodline", set(), "single", id="feat-parens"),
    pytest.param("Song (ft. Someone)", "song", set(), None, id="ft"),
    pytest.param("Song (featuring Someone)", "song", set(), None, id="featuring"),
    pytest.param("Song (with Someone)", "song", set(), None, id="with"),
    pytest.param("Title (feat. X) [Remastered] - Single", "title", {"remastered"}, "single", id="stacked-suffixes"),
    # disc suffixes
    pytest.param("Mellon Collie (Disc 1)", "mellon collie", set(), None, id="disc-parens"),
    pytest.param("Mellon Collie [CD 2]", "mellon collie", set(), None, id="cd-brackets"),
    pytest.param("Mellon Collie - Disc 2", "mellon collie", set(), None, id="dash-disc"),
    pytest.param("Mellon Collie Disc One", "mellon collie", set(), None, id="bare-disc-word"),
    # word boundaries and what stays in the base
    pytest.param("Single Ladies", "single ladies", set(), None, id="single-as-word"),
    pytest.param("Live Through This", "live through this", set(), None, id="live-not-a-suffix"),
    pytest.param("Live At Berkeley (2nd Show)", "live at berkeley 2nd show", set(), None, id="live-leading"),
    pytest.param("EPs", "eps", set(), None, id="eps-is-not-ep"),
    pytest.param("Deluxe", "deluxe", set(), None, id="qualifier-alone-is-the-title"),
    pytest.param("(Live)", "live", set(), None, id="bracketed-alone-is-the-title"),
    pytest.param("(What’s the Story) Morning Glory?", "whats the story morning glory", set(), None, id="leading-parens"),
    pytest.param("Fearless (Taylor’s Version)", "fearless taylors version", set(), None, id="rerecording-stays"),
    pytest.param(
        "Trainspotting #2 (Music from the Motion Picture, Vol. #2)",
        "trainspotting 2 music from the motion picture vol 2",
        set(),
        None,
        id="descriptor-with-a-volume-stays",
    ),
    pytest.param("Soundtrack to the Apocalypse", "soundtrack to the apocalypse", set(), None, id="soundtrack-as-word"),
    pytest.param("Blur: The Best Of", "blur the best of", set(), None, id="colon-subtitle-stays"),
    pytest.param("TRON: Legacy Reconfigured", "tron legacy reconfigured", set(), None, id="colon-title-stays"),
    pytest.param("40 Seasons - The Best of Skid Row", "40 seasons the best of skid row", set(), None, id="dash-subtitle-stays"),
    pytest.param(
        "Lullaby Renditions of Daft Punk - Random Access Memories",
        "lullaby renditions of daft punk random access memories",
        set(),
        None,
        id="dash-title-stays",
    ),
    pytest.param("Sgt. Pepper's Lonely Hearts Club Band", "sgt peppers lonely hearts club band", set(), None, id="plain"),
]


@pytest.mark.parametrize(("title", "base", "qualifiers", "release_type"), TITLES)
def test_split_title(title: str, base: str, qualifiers: set[str], release_type: str | None) -> None:
    split = split_title(title)
    assert (split.base, split.qualifiers, split.release_type) == (base, frozenset(qualifiers), release_type)


@pytest.mark.parametrize(
    ("title", "disc"),
    [
        pytest.param("Mellon Collie and the Infinite Sadness (Disc 2)", True, id="disc-parens"),
        pytest.param("Sandinista! [Disc 1]", True, id="disc-brackets"),
        pytest.param("1967-1970 CD2", True, id="bare-cd"),
        pytest.param("Tusk (Disc 2 of 2) (Remastered)", True, id="disc-under-edition"),
        pytest.param("Mellon Collie and the Infinite Sadness (Remastered)", False, id="no-disc"),
        pytest.param("Use Your Illusion II", False, id="volume-is-not-a-disc"),
    ],
)
def test_disc_suffix_marks_the_title_as_one_disc(title: str, disc: bool) -> None:
    assert split_title(title).disc is disc


def test_title_without_disc_suffix_equals_its_plain_value() -> None:
    assert split_title("Abbey Road (Remastered)") == Title(base="abbey road", qualifiers=frozenset({"remastered"}), release_type=None)


def test_qualifier_classes_do_not_overlap() -> None:
    assert not CONTENT_QUALIFIERS & EDITION_QUALIFIERS
    assert not DESCRIPTOR_QUALIFIERS & (CONTENT_QUALIFIERS | EDITION_QUALIFIERS)
    assert {"live", "drumless", "karaoke", "instrumental", "acoustic", "score"} <= CONTENT_QUALIFIERS
    assert {"deluxe", "remastered", "anniversary", "bonus", "mono", "edit"} <= EDITION_QUALIFIERS
    assert "soundtrack" in DESCRIPTOR_QUALIFIERS


def test_every_qualifier_split_title_records_is_classified() -> None:
    titles = [str(case.values[0]) for case in TITLES]
    recorded = set().union(*(split_title(t).qualifiers for t in titles))
    assert recorded <= CONTENT_QUALIFIERS | EDITION_QUALIFIERS | DESCRIPTOR_QUALIFIERS


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        ("Big Slayer feat. M to C", "big slayer"),
        ("Artist (feat. Someone)", "artist"),
        ("Artist [ft. Someone]", "artist"),
        ("Artist featuring Someone", "artist"),
        ("Beyoncé", "beyonce"),
        ("The Beatles", "the beatles"),  # a leading "The" is kept: both sides keep it
        ("Daft Punk", "daft punk"),  # "ft" inside a word is not a featured-artist marker
    ],
)
def test_normalize_artist_drops_featured_artists(credit: str, expected: str) -> None:
    assert normalize_artist(credit) == expected


@pytest.mark.parametrize(
    ("credit", "names"),
    [
        ("Kanye West, Kid Cudi & Raekwon", {"kanye west", "kid cudi", "raekwon"}),
        ("Kanye West, JAY Z, Rick Ross, Nicki Minaj & Bon Iver", {"kanye west", "jay z", "rick ross", "nicki minaj", "bon iver"}),
        ("Alok & Alan Walker", {"alok", "alan walker"}),
        ("Ariel NOAH x Dea", {"ariel noah", "dea"}),
        ("Artist with Guest", {"artist", "guest"}),
        ("Artist feat. Guest", {"artist", "guest"}),
        ("Artist (feat. Guest)", {"artist", "guest"}),
        ("Pérez Prado and His Orchestra", {"perez prado", "his orchestra"}),
        ("AC/DC", {"ac dc"}),
    ],
)
def test_artist_set_splits_credits(credit: str, names: set[str]) -> None:
    assert artist_set(credit) == frozenset(names)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Simon & Garfunkel", "Simon & Garfunkel"),
        ("Simon & Garfunkel", "Simon and Garfunkel"),
        ("Kanye West & JAY Z", "JAY Z & Kanye West"),
        ("Kanye West, Kid Cudi & Raekwon", "Raekwon, Kid Cudi and Kanye West"),
    ],
)
def test_artist_sets_compare_equal_when_split_alike(a: str, b: str) -> None:
    assert artist_set(a) == artist_set(b)
