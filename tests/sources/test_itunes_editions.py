"""Edition-exact matching through the real iTunes source and the one ranking (issue 10).

Each test replays iTunes answers in the shape Apple sends them (the field set and order of
``/search`` and ``/lookup`` rows, real ``collectionExplicitness`` values, real artwork file-name
patterns) and checks what the resolver's ranking puts first, or that it abstains.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from tagbridge.core.config import Settings
from tagbridge.core.editions import explicitness_of_tracks, says_clean, wanted_explicitness
from tagbridge.core.model import AlbumQuery, MatchKind
from tagbridge.core.rank import rank_covers
from tagbridge.drivers.replay import Canned, ReplayDriver
from tagbridge.sources import itunes

SETTINGS = Settings(itunes_url="http://itunes.invalid", countries=("US",))


def row(cid: int, artist: str, title: str, tracks: int, year: int, *, explicitness: str = "notExplicit",
        stem: str = "cover.jpg") -> dict[str, Any]:
    return {
        "wrapperType": "collection", "collectionType": "Album", "artistId": 900 + cid % 7, "collectionId": cid,
        "artistName": artist, "collectionName": title, "collectionCensoredName": title,
        "artistViewUrl": "https://music.apple.com/us/artist/1?uo=4",
        "collectionViewUrl": f"https://music.apple.com/us/album/{cid}?uo=4",
        "artworkUrl60": f"https://is1-ssl.mzstatic.com/image/thumb/Music126/v4/aa/bb/cc/{cid}/{stem}/60x60bb.jpg",
        "artworkUrl100": f"https://is1-ssl.mzstatic.com/image/thumb/Music126/v4/aa/bb/cc/{cid}/{stem}/100x100bb.jpg",
        "collectionPrice": 9.99, "collectionExplicitness": explicitness, "trackCount": tracks,
        "copyright": f"℗ {year} {artist}", "country": "USA", "currency": "USD",
        "releaseDate": f"{year}-05-17T07:00:00Z", "primaryGenreName": "Hip-Hop/Rap",
    }


def body(*rows: dict[str, Any]) -> bytes:
    return b"\n\n\n" + json.dumps({"resultCount": len(rows), "results": list(rows)}).encode()


def pick(query: AlbumQuery, search: list[dict[str, Any]], lookup: list[dict[str, Any]] | None = None,
         settings: Settings = SETTINGS, **by_country: list[dict[str, Any]]) -> tuple[str | None, ReplayDriver]:
    rules: list[Any] = [(f"/search?country={c}", Canned(body=body(*rows))) for c, rows in by_country.items()]
    rules += [("/search", Canned(body=body(*search))), ("/lookup", Canned(body=body(*(lookup or []))))]
    driver = ReplayDriver(rules)
    found = driver.run(itunes.album_art(settings, query))
    ranked, _ = rank_covers(found.candidates, settings, query)
    return (ranked[0].id if ranked else None), driver


DAMN_EXPLICIT = row(1440881047, "Kendrick Lamar", "DAMN.", 14, 2017, explicitness="explicit")
DAMN_CLEAN = row(1440881100, "Kendrick Lamar", "DAMN.", 14, 2017, explicitness="cleaned")
DAMN = AlbumQuery(artist="Kendrick Lamar", album="DAMN.", tracks=14, year=2017)


@pytest.mark.parametrize("order", [(DAMN_CLEAN, DAMN_EXPLICIT), (DAMN_EXPLICIT, DAMN_CLEAN)], ids=["clean-first", "explicit-first"])
def test_the_explicit_twin_is_the_original_whatever_apples_order(order: tuple[dict[str, Any], ...]) -> None:
    chosen, _ = pick(DAMN, list(order))
    assert chosen == "1440881047"


@pytest.mark.parametrize("query, settings", [
    (replace(DAMN, album="DAMN. (Clean)"), SETTINGS),
    (replace(DAMN, album="DAMN. [Edited]"), SETTINGS),
    (replace(DAMN, clean=True), SETTINGS),
    (DAMN, replace(SETTINGS, prefer="clean")),
], ids=["title-clean", "title-edited", "disambiguation", "prefer-setting"])
def test_the_clean_twin_only_when_the_query_or_the_setting_says_so(query: AlbumQuery, settings: Settings) -> None:
    chosen, _ = pick(query, [DAMN_EXPLICIT, DAMN_CLEAN], settings=settings)
    assert chosen == "1440881100"


def test_clean_markers_and_spotify_flags() -> None:
    assert wanted_explicitness("Recovery (Clean Version)", "explicit") == "clean"
    assert wanted_explicitness("Recovery (Explicit)", "clean") == "explicit"
    assert wanted_explicitness("Recovery", "clean") == "clean"
    assert says_clean("clean") and says_clean("edited version") and not says_clean("deluxe") and not says_clean("")
    assert explicitness_of_tracks([False, True, None]) == "explicit"
    assert explicitness_of_tracks([False, False]) == "none"
    assert explicitness_of_tracks([None]) is None


GHOST = row(829909653, "Coldplay", "Ghost Stories", 9, 2014)
GHOST_EXT = row(829909700, "Coldplay", "Ghost Stories (Extended)", 12, 2014)
RUMOURS = row(594061854, "Fleetwood Mac", "Rumours", 11, 1977)
RUMOURS_SD = row(1057219095, "Fleetwood Mac", "Rumours (Super Deluxe)", 37, 2013)


@pytest.mark.parametrize("query, rows, expect", [
    (AlbumQuery(artist="Coldplay", album="Ghost Stories", tracks=12), [GHOST, GHOST_EXT], "829909700"),
    (AlbumQuery(artist="Coldplay", album="Ghost Stories", tracks=9), [GHOST_EXT, GHOST], "829909653"),
    (AlbumQuery(artist="Fleetwood Mac", album="Rumours", tracks=37), [RUMOURS, RUMOURS_SD], "1057219095"),
    (AlbumQuery(artist="Fleetwood Mac", album="Rumours", tracks=11, year=1977), [RUMOURS_SD, RUMOURS], "594061854"),
], ids=["extended-15-over-title-exact", "plain-when-user-has-plain", "28-track-deluxe", "standard-not-later-deluxe"])
def test_the_edition_with_the_users_track_count_wins(query: AlbumQuery, rows: list[dict[str, Any]], expect: str) -> None:
    chosen, _ = pick(query, rows)
    assert chosen == expect


def test_of_self_titled_albums_with_one_track_count_the_year_decides() -> None:
    rows = [row(1000 + y, "Weezer", "Weezer", 10, y) for y in (1994, 2001, 2008, 2016)]
    for year in (1994, 2001, 2008, 2016):
        chosen, _ = pick(AlbumQuery(artist="Weezer", album="Weezer", tracks=10, year=year), rows)
        assert chosen == str(1000 + year)


UPC = "602537292066"
AGAETIS = AlbumQuery(artist="Sigur Rós", album="Ágætis byrjun", tracks=10, year=1999, barcode=UPC)


def test_the_barcodes_only_collection_is_the_album_whatever_its_title() -> None:
    only = row(1358712812, "Sigur Rós", "Agaetis Byrjun (20th Anniversary Deluxe)", 10, 1999, stem="source.jpg")
    chosen, driver = pick(AGAETIS, [], lookup=[only])
    assert chosen == "1358712812"
    assert not any("/search" in r.url for r in driver.requests), "an identity needs no text search"


def test_a_reused_barcode_is_not_an_identity() -> None:
    reused = row(544522889, "Various Artists", "Summer Party Hits 2009", 40, 2009, stem=f"{UPC}.jpg")
    right = row(1358712812, "Sigur Rós", "Ágætis byrjun", 10, 1999)
    chosen, _ = pick(AGAETIS, [right], lookup=[reused])
    assert chosen == "1358712812", "the reused barcode's album is passed over and text search finds the right one"


@pytest.mark.parametrize("stem", [f"{UPC}.jpg", f"0{UPC}.rgb.jpg", f"00{UPC}.jpg"], ids=["12", "13-rgb", "14"])
def test_twins_for_one_barcode_are_told_apart_by_the_artwork_file_name(stem: str) -> None:
    right = row(10, "Sigur Rós", "Ágætis byrjun", 10, 1999, stem=stem, explicitness="cleaned")
    twin = row(11, "Sigur Rós", "Ágætis byrjun", 10, 1999, stem="602537999999.jpg")
    chosen, _ = pick(AGAETIS, [], lookup=[twin, right])
    assert chosen == "10"


def test_a_search_row_named_by_the_barcode_is_an_identity_when_the_lookup_is_empty() -> None:
    named = row(20, "Sigur Rós", "Agaetis Byrjun (Remastered)", 10, 2009, stem=f"00{UPC}.jpg")
    other = row(21, "Sigur Rós", "Ágætis byrjun (Live)", 13, 2004)
    found = ReplayDriver([("/lookup", Canned(body=body())), ("/search", Canned(body=body(other, named)))]).run(
        itunes.album_art(SETTINGS, AGAETIS))
    ranked, _ = rank_covers(found.candidates, SETTINGS, AGAETIS)
    assert ranked[0].id == "20" and ranked[0].match is MatchKind.ID
    assert "artwork file name is the query's barcode" in ranked[0].reasons


def test_a_renamed_artist_is_accepted_on_exact_title_count_and_year_only() -> None:
    query = AlbumQuery(artist="The Chicks", album="Fly", tracks=14, year=1999)
    right = row(30, "Dixie Chicks", "Fly", 14, 1999)
    chosen, _ = pick(query, [row(31, "Dixie Chicks", "Home", 12, 2002), right])
    assert chosen == "30"
    found = ReplayDriver([("/search", Canned(body=body(right)))]).run(itunes.search_art(SETTINGS, query))
    assert any("renamed or restyled artist" in r for r in found.candidates[0].reasons)
    # Never on title alone; never when another artist has the title too.
    assert pick(query, [row(32, "Fly Experience", "Fly", 18, 2008)])[0] is None
    assert pick(query, [row(33, "The Fly Ensemble", "Fly", 14, 1999), row(34, "Fly Collective", "Fly", 14, 1999)])[0] is None


def test_a_query_in_japanese_asks_the_japanese_storefront_first() -> None:
    query = AlbumQuery(artist="宇多田ヒカル", album="初恋", tracks=12, year=2018)
    native = row(40, "宇多田ヒカル", "初恋", 12, 2018)
    chosen, driver = pick(query, [row(41, "Hikaru Utada", "Hatsukoi", 12, 2018)], JP=[native])
    assert chosen == "40"
    assert dict(driver.requests[0].params)["country"] == "JP"


def test_a_korean_query_asks_korea_and_latin_text_has_no_home() -> None:
    from tagbridge.core.countries import home_storefronts

    assert home_storefronts("아이유 꽃갈피") == ("KR",)
    assert home_storefronts("周杰倫 范特西") == ("JP", "TW")
    assert home_storefronts("Daft Punk Random Access Memories") == ()


@pytest.mark.parametrize("query, rows, expect", [
    (AlbumQuery(artist="Led Zeppelin", album="Led Zeppelin II", tracks=9, year=1969),
     [row(50, "Led Zeppelin", "Led Zeppelin 2", 9, 1969)], "50"),
    (AlbumQuery(artist="Various Artists", album="Now That's What I Call Music! 5", tracks=18),
     [row(51, "Various Artists", "Now That's What I Call Music! 55", 18, 2015),
      row(52, "Various Artists", "Now That's What I Call Music! 5", 18, 2000)], "52"),
    (AlbumQuery(artist="Linkin Park", album="Reanimation (Remix)", tracks=20),
     [row(53, "Linkin Park", "Reanimation (Kaytranada's Remix)", 20, 2002)], None),
], ids=["II-is-2", "5-is-not-55", "bare-remix-is-not-theirs"])
def test_numbers_and_versions(query: AlbumQuery, rows: list[dict[str, Any]], expect: str | None) -> None:
    assert pick(query, rows)[0] == expect


def test_prefer_is_one_option_everywhere() -> None:
    from tagbridge.core.errors import ConfigError
    from tagbridge.settings import settings_from_env, settings_from_mapping

    assert settings_from_env({"TAGBRIDGE_PREFER": "Clean"}).prefer == "clean"
    assert settings_from_mapping({"prefer": "explicit"}, prefix="tagbridge").prefer == "explicit"
    with pytest.raises(ConfigError, match="TAGBRIDGE_PREFER: 'dirty' is not one of explicit, clean"):
        settings_from_env({"TAGBRIDGE_PREFER": "dirty"})
