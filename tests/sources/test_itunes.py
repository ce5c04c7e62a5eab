"""The iTunes source against recorded /search and /lookup bodies, run through the replay driver."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from shared_paths import RECORDED

from tagbridge.core.config import ArtSize, Settings
from tagbridge.core.errors import BadResponse, RateLimited, ResponseError, Unavailable
from tagbridge.core.http import HttpResponse
from tagbridge.core.model import AlbumQuery, MatchKind
from tagbridge.drivers.replay import Canned, ReplayDriver
from tagbridge.sources.itunes import (
    INFO,
    barcode_forms,
    build_lookup_request,
    build_search_request,
    id_art,
    parse_collections,
    search_art,
    search_term,
    upc_art,
)

Finder = Callable[[str], Path]

RAM_SEARCH = "itunes/catalogmigrator_search_album_daft_punk_ram_limit25.json"
NO_RESULTS = "itunes/catalogmigrator_search_album_no_results.json"
EMPTY_LOOKUP = "itunes/mariodarco_lookup_id999666_empty_result.json"
RAM_UPC = "itunes/catalogmigrator_lookup_upc_886443927087.json"
SEVERAL = "itunes/lookup_upc_several_collections.json"
RAM = AlbumQuery(artist="Daft Punk", album="Random Access Memories")
US_GB = Settings(countries=("US", "GB"))


def _query_of(full_url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(full_url).query)


# --- requests -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("artist", "album"),
    [("Wings", "#wings"), ("AC/DC", "Back in Black"), ("P!nk", "Funhouse"), ("東京事変", "大人 (アダルト)"),
     ("Simon & Garfunkel", "Bridge Over Troubled Water?"), ("Sigur Rós", "( )")],
)
def test_search_term_survives_url_encoding(artist: str, album: str) -> None:
    request = build_search_request(Settings(), AlbumQuery(artist=artist, album=album), "JP")
    params = _query_of(request.full_url)
    assert params["term"] == [search_term(AlbumQuery(artist=artist, album=album))], \
        "the term should round-trip through the query string unchanged"
    assert params["term"][0].startswith(artist)
    assert params["entity"] == ["album"] and params["media"] == ["music"]
    assert params["limit"] == ["10"] and params["country"] == ["JP"]
    assert request.url == "https://itunes.apple.com/search" and request.empty_403_is_rate_limit


def test_search_term_leaves_out_bracketed_qualifiers_but_not_whole_bracket_titles() -> None:
    assert search_term(AlbumQuery(artist="Queen", album="A Night at the Opera (Deluxe Edition)")) \
        == "Queen A Night at the Opera"
    assert search_term(AlbumQuery(artist="X", album="Album [2011 Remaster] (Live)")) == "X Album"
    assert search_term(AlbumQuery(artist="Sigur Rós", album="( )")) == "Sigur Rós ( )"


def test_search_uses_the_configured_base_url_and_limit() -> None:
    settings = Settings(itunes_url="http://127.0.0.1:8080/", search_limit=25)
    request = build_search_request(settings, RAM, "US")
    assert request.url == "http://127.0.0.1:8080/search"
    assert _query_of(request.full_url)["limit"] == ["25"]


def test_lookup_requests_ask_for_albums_and_treat_empty_403_as_throttling() -> None:
    by_upc = build_lookup_request(Settings(), upc="886443927087", country="GB")
    assert _query_of(by_upc.full_url) == {"upc": ["886443927087"], "entity": ["album"], "country": ["GB"]}
    by_id = build_lookup_request(Settings(), collection_id="617154241", country="US")
    assert _query_of(by_id.full_url) == {"id": ["617154241"], "entity": ["album"], "country": ["US"]}
    assert by_upc.empty_403_is_rate_limit and by_id.empty_403_is_rate_limit
    with pytest.raises(ValueError):
        build_lookup_request(Settings(), country="US")
    with pytest.raises(ValueError):
        build_lookup_request(Settings(), upc="1", collection_id="2", country="US")


# --- parsing --------------------------------------------------------------------------------

def _parse(path: Path, status: int = 200) -> list:  # type: ignore[type-arg]
    request = build_search_request(Settings(), RAM, "US")
    return parse_collections(request, HttpResponse(status=status, url=request.full_url, body=path.read_bytes()))


def test_parses_collections_of_the_ram_search(recorded: Finder) -> None:
    collections = _parse(recorded(RAM_SEARCH))
    assert [c.collection_id for c in collections][:3] == [617154241, 1673536063, 1708115055]
    first = collections[0]
    assert (first.artist, first.title) == ("Daft Punk", "Random Access Memories")
    assert (first.track_count, first.year) == (14, 2013)
    assert first.collection_type == "Album" and first.country == "USA" and not first.compilation


def test_lookup_with_songs_keeps_only_the_collection_row(recorded: Finder) -> None:
    collections = _parse(recorded("itunes/harmony_lookup_id1441458047_song_gb_queen_night_at_the_opera_deluxe.json"))
    assert [c.collection_id for c in collections] == [1441458047], "track and music-video rows are not albums"


def test_artist_rows_are_skipped(recorded: Finder) -> None:
    collections = _parse(recorded("itunes/mariodarco_lookup_id62819_album_hendrix_gb.json"))
    assert len(collections) == 14 and all(c.artist for c in collections)


def test_various_artists_collections_are_compilations(recorded: Finder) -> None:
    collections = _parse(recorded("itunes/harmony_lookup_id255636575_song_gb_various_artists_compilation.json"))
    assert [c.compilation for c in collections] == [True]


@pytest.mark.parametrize("name", sorted(p.name for p in (RECORDED / "itunes").glob("*.json")))
def test_every_recorded_itunes_body_parses(recorded: Finder, name: str) -> None:
    path = recorded(f"itunes/{name}")
    rows = json.loads(path.read_text(encoding="utf-8"))["results"]
    wanted = sum(1 for r in rows if r.get("wrapperType") == "collection")
    assert len(_parse(path)) == wanted, f"{name}: every collection row should parse"


def test_a_row_missing_its_artwork_is_skipped(recorded: Finder, tmp_path: Path) -> None:
    body = json.loads(recorded(RAM_SEARCH).read_text(encoding="utf-8"))
    del body["results"][0]["artworkUrl100"]
    body["results"][1]["collectionId"] = "not a number"
    body["results"].append("not an object")
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    assert [c.collection_id for c in _parse(path)][:1] == [1708115055]


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"<!DOCTYPE html><html>Service down</html>", "HTML"), (b'{"resultCount": 7, "results": [{"wrap', "truncated"),
     (b'{"resultCount": 1, "results": {"a": 1}}', "results"), (b"[]", "results"), (b"", "empty")],
)
def test_bodies_of_the_wrong_kind_are_bad_responses(body: bytes, message: str) -> None:
    request = build_search_request(Settings(), RAM, "US")
    with pytest.raises(BadResponse, match=message):
        parse_collections(request, HttpResponse(status=200, url=request.full_url, body=body))


def test_empty_403_is_a_rate_limit_not_no_result() -> None:
    request = build_search_request(Settings(), RAM, "US")
    with pytest.raises(RateLimited):
        parse_collections(request, HttpResponse(status=403, url=request.full_url, body=b""))
    with pytest.raises(ResponseError):
        parse_collections(request, HttpResponse(status=403, url=request.full_url, body=b"<html>Forbidden</html>"))


# --- search ---------------------------------------------------------------------------------

def test_search_ranks_plain_ram_first_and_rejects_other_recordings(recorded: Finder) -> None:
    driver = ReplayDriver([("/search", Canned(recorded(RAM_SEARCH)))])
    candidates = driver.run(search_art(Settings(), RAM)).candidates
    ids = [c.id for c in candidates]
    assert ids[0] == "617154241" and candidates[0].match is MatchKind.EXACT and candidates[0].score == 1.0
    assert ids[1] == "1673536063" and candidates[1].match is MatchKind.FUZZY, "the anniversary edition ranks below"
    for rejected in ("1708115055", "832492264", "1086277239"):  # drumless, lullaby, string quartet
        assert rejected not in ids, f"{rejected} is a different recording and must not be offered"
    assert all(c.score < 0.85 for c in candidates[2:]), "the remaining singles only score weakly"
    first = candidates[0]
    assert first.url.endswith("/886443919266.jpg/3000x3000bb.jpg") and first.size_hint == 3000
    assert first.source == "itunes" and first.width is None and first.height is None and first.track_count == 14
    assert "iTunes US storefront, collection 617154241" in first.reasons


def test_search_passes_over_other_recordings_saying_why(recorded: Finder) -> None:
    driver = ReplayDriver([("/search", Canned(recorded(RAM_SEARCH)))])
    passed = {p.id: p for p in driver.run(search_art(Settings(), RAM)).passed_over}
    for other in ("1708115055", "832492264", "1086277239"):  # drumless, lullaby, string quartet
        assert other in passed, f"{other} is passed over, and --explain can say so"
        assert passed[other].source == "itunes" and len(passed[other].reasons) >= 2, passed[other]
    assert any("lullaby" in r.lower() or "content" in r.lower() or "artist" in r.lower()
               for r in passed["832492264"].reasons), passed["832492264"].reasons


def test_search_for_the_original_upload(recorded: Finder) -> None:
    driver = ReplayDriver([("/search", Canned(recorded(RAM_SEARCH)))])
    first = driver.run(search_art(Settings(size=ArtSize(None)), RAM)).candidates[0]
    assert first.url == ("https://a1.mzstatic.com/us/r1000/0/Music115/v4/e8/43/5f/"
                         "e8435ffa-b6b9-b171-40ab-4ff3959ab661/886443919266.jpg")
    assert first.size_hint == INFO.typical_size


def test_search_falls_back_to_the_next_storefront(recorded: Finder) -> None:
    driver = ReplayDriver([("/search?country=GB", Canned(recorded(NO_RESULTS))),
                           ("/search?country=US", Canned(recorded(RAM_SEARCH)))])
    candidates = driver.run(search_art(Settings(countries=("GB", "US")), RAM)).candidates
    assert [r.params[-1] for r in driver.requests] == [("country", "GB"), ("country", "US")]
    assert candidates[0].id == "617154241" and "iTunes US storefront, collection 617154241" in candidates[0].reasons


def test_search_stops_at_the_first_storefront_with_a_match(recorded: Finder) -> None:
    driver = ReplayDriver([("/search", Canned(recorded(RAM_SEARCH)))])
    driver.run(search_art(US_GB, RAM)).candidates
    assert len(driver.requests) == 1, "GB should not be asked once US matched"


def test_no_results_anywhere_is_an_empty_list(recorded: Finder) -> None:
    driver = ReplayDriver([("/search", Canned(recorded(NO_RESULTS)))])
    assert driver.run(search_art(Settings(countries=("US", "GB", "JP")), RAM)).candidates == ()
    assert len(driver.requests) == 3


def test_a_query_without_album_text_asks_nothing() -> None:
    driver = ReplayDriver([])
    assert driver.run(search_art(Settings(), AlbumQuery(artist="Daft Punk"))).candidates == ()
    assert driver.requests == []


def test_an_unreachable_storefront_is_skipped(recorded: Finder) -> None:
    driver = ReplayDriver([("/search?country=US", Canned(status=0)),
                           ("/search?country=GB", Canned(recorded(RAM_SEARCH)))])
    assert driver.run(search_art(US_GB, RAM)).candidates[0].id == "617154241"


def test_a_5xx_storefront_is_skipped(recorded: Finder) -> None:
    driver = ReplayDriver([("/search?country=US", Canned(b"", status=503)),
                           ("/search?country=GB", Canned(recorded(RAM_SEARCH)))])
    assert driver.run(search_art(US_GB, RAM)).candidates[0].id == "617154241"


def test_all_storefronts_unreachable_raises_unavailable() -> None:
    driver = ReplayDriver([("/search", Canned(status=0))])
    with pytest.raises(Unavailable, match="every storefront failed"):
        driver.run(search_art(US_GB, RAM)).candidates
    assert len(driver.requests) == 2


def test_one_unreachable_and_one_empty_storefront_is_no_result(recorded: Finder) -> None:
    driver = ReplayDriver([("/search?country=US", Canned(status=0)),
                           ("/search?country=GB", Canned(recorded(NO_RESULTS)))])
    assert driver.run(search_art(US_GB, RAM)).candidates == ()


def test_throttling_stops_at_once_without_burning_other_storefronts(recorded: Finder) -> None:
    driver = ReplayDriver([("/search?country=US", Canned(b"", status=403)),
                           ("/search?country=GB", Canned(recorded(RAM_SEARCH)))])
    with pytest.raises(RateLimited):
        driver.run(search_art(US_GB, RAM)).candidates
    assert len(driver.requests) == 1


# --- barcode --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("barcode", "forms"),
    [("886443927087", ("886443927087", "0886443927087")), ("0886443927087", ("0886443927087", "886443927087")),
     ("00886443927087", ("0886443927087", "886443927087")), ("8 86443 92708 7", ("886443927087", "0886443927087")),
     ("5099902988023", ("5099902988023",)), ("96385074", ("96385074",)), ("", ()), ("none", ()), ("12345", ())],
)
def test_barcode_forms(barcode: str, forms: tuple[str, ...]) -> None:
    assert barcode_forms(barcode) == forms


def test_upc_lookup_with_agreeing_title_is_an_id_match(recorded: Finder) -> None:
    driver = ReplayDriver([("/lookup?upc=886443927087", Canned(recorded(RAM_UPC)))])
    candidates = driver.run(upc_art(Settings(), replace(RAM, barcode="886443927087"))).candidates
    assert len(candidates) == 1
    cand = candidates[0]
    assert (cand.id, cand.match, cand.score) == ("617154241", MatchKind.ID, 1.0)
    assert "the barcode's only collection; its artist agrees" in cand.reasons, \
        "the artwork is named 886443919266, a different UPC: the one collection and its artist vouch for it"


def test_upc_lookup_whose_artwork_is_named_after_the_barcode_scores_full(recorded: Finder) -> None:
    driver = ReplayDriver([("/lookup", Canned(recorded(RAM_UPC)))])
    candidates = driver.run(upc_art(Settings(), AlbumQuery(barcode="0886443919266"))).candidates
    assert [(c.match, c.score) for c in candidates] == [(MatchKind.ID, 1.0)]
    assert "artwork file name is the barcode" in candidates[0].reasons


def test_upc_lookup_tries_the_ean_form_next(recorded: Finder) -> None:
    driver = ReplayDriver([("/lookup?upc=886443927087", Canned(recorded(EMPTY_LOOKUP))),
                           ("/lookup?upc=0886443927087", Canned(recorded(RAM_UPC)))])
    candidates = driver.run(upc_art(Settings(), replace(RAM, barcode="886443927087"))).candidates
    assert [dict(r.params)["upc"] for r in driver.requests] == ["886443927087", "0886443927087"]
    assert [c.id for c in candidates] == ["617154241"]


def test_upc_lookup_of_a_different_album_is_dropped(recorded: Finder) -> None:
    driver = ReplayDriver([("/lookup", Canned(recorded(RAM_UPC)))])
    query = AlbumQuery(artist="Daft Punk", album="Discovery", year=2001, barcode="886443927087")
    found = driver.run(upc_art(Settings(), query))
    assert found.candidates == ()
    passed = found.passed_over[0]
    assert {p.id for p in found.passed_over} == {"617154241"}
    assert "the barcode's only collection is another album: year 2013 vs 2001" in " ".join(passed.reasons), \
        "a barcode row that is another album of the artist (its year says so) is passed over, saying so"


def test_upc_lookup_without_title_keeps_the_row_at_lower_score(recorded: Finder) -> None:
    driver = ReplayDriver([("/lookup", Canned(recorded(RAM_UPC)))])
    candidates = driver.run(upc_art(Settings(), AlbumQuery(barcode="886443927087"))).candidates
    assert [(c.id, c.score) for c in candidates] == [("617154241", 0.95)]


def test_upc_lookup_with_several_collections_keeps_the_closest_title(project_fixture: Finder) -> None:
    driver = ReplayDriver([("/lookup", Canned(project_fixture(SEVERAL)))])
    candidates = driver.run(upc_art(Settings(), replace(RAM, barcode="886443927087"))).candidates
    assert [c.id for c in candidates] == ["617154241"], \
        "the plain album is exact; the anniversary edition is looser and the lullaby album another work"


def test_upc_lookup_with_several_collections_prefers_the_artwork_named_after_it(project_fixture: Finder) -> None:
    driver = ReplayDriver([("/lookup", Canned(project_fixture(SEVERAL)))])
    candidates = driver.run(upc_art(Settings(), replace(RAM, barcode="196589921154"))).candidates
    assert [(c.id, c.score) for c in candidates] == [("1673536063", 1.0)], \
        "only the anniversary edition's artwork file is named after this barcode"


def test_not_a_barcode_asks_nothing() -> None:
    driver = ReplayDriver([])
    assert driver.run(upc_art(Settings(), replace(RAM, barcode="n/a"))).candidates == ()
    assert driver.run(upc_art(Settings(), RAM)).candidates == ()
    assert driver.requests == []


def test_upc_lookup_everywhere_empty_asks_each_form_in_each_storefront(recorded: Finder) -> None:
    driver = ReplayDriver([("/lookup", Canned(recorded(EMPTY_LOOKUP)))])
    assert driver.run(upc_art(US_GB, replace(RAM, barcode="886443927087"))).candidates == ()
    assert [(dict(r.params)["country"], dict(r.params)["upc"]) for r in driver.requests] == [
        ("US", "886443927087"), ("US", "0886443927087"), ("GB", "886443927087"), ("GB", "0886443927087")]


# --- linked id ------------------------------------------------------------------------------

REIGN = "itunes/mariodarco_lookup_id1038991417_album_gb.json"


def test_linked_id_is_looked_up_in_its_storefront(recorded: Finder) -> None:
    driver = ReplayDriver([("/lookup?id=1038991417&country=GB", Canned(recorded(REIGN)))])
    candidates = driver.run(id_art(Settings(), "1038991417", "gb")).candidates
    assert [(c.id, c.match, c.score) for c in candidates] == [("1038991417", MatchKind.ID, 1.0)]
    assert candidates[0].reasons[0] == "linked from MusicBrainz url-rel"
    assert candidates[0].title == "Reign In Blood"


def test_linked_id_falls_back_to_the_configured_storefronts(recorded: Finder) -> None:
    driver = ReplayDriver([("/lookup?country=NZ", Canned(recorded(EMPTY_LOOKUP))),
                           ("/lookup?country=GB", Canned(recorded(REIGN)))])
    candidates = driver.run(id_art(Settings(countries=("GB", "NZ")), "1038991417", "NZ")).candidates
    assert [dict(r.params)["country"] for r in driver.requests] == ["NZ", "GB"]
    assert [c.id for c in candidates] == ["1038991417"]


def test_an_artist_id_misfiled_as_an_album_link_gives_nothing(recorded: Finder) -> None:
    driver = ReplayDriver([("/lookup", Canned(recorded("itunes/mariodarco_lookup_id62819_album_hendrix_gb.json")))])
    assert driver.run(id_art(Settings(), "62819", "GB")).candidates == ()


def test_a_non_numeric_id_asks_nothing() -> None:
    driver = ReplayDriver([])
    assert driver.run(id_art(Settings(), "abc", "US")).candidates == ()
    assert driver.requests == []
