"""The Cover Art Archive source against recorded index.json, 404 and 400 bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from shared_paths import RECORDED

from tagbridge.core.config import ArtSize, Settings
from tagbridge.core.errors import BadResponse, ConfigError, RateLimited, ResponseError, Unavailable
from tagbridge.core.http import HttpResponse
from tagbridge.core.model import AlbumQuery, MatchKind
from tagbridge.drivers.replay import Canned, ReplayDriver
from tagbridge.sources.caa import (
    CaaImage,
    build_release_group_request,
    build_release_request,
    choose_image,
    parse_images,
    pick_front,
    release_art,
)

Finder = Callable[[str], Path]

WITH_1200 = "caa/caa_release_0f66c2eb_3img_with1200_graphbrainz.json"
WITHOUT_1200 = "caa/caa_release_22a1945f_5img_no1200_graphbrainz.json"
RELEASE_GROUP = "caa/caa_release-group_f5093c06_redirected_to_release_6ef6e6cd_graphbrainz.json"
NOT_FOUND = "caa/caa_release_404_no_cover_art_html_graphbrainz.html"
INVALID = "caa/caa_release_400_invalid_mbid_html_graphbrainz.html"
MBID = "0f66c2eb-cbb5-4dc1-aa64-b5b4a0465e6a"
MISSING = "e95361ed-0bf7-4824-8b11-6978f05de1f3"
RGID = "f5093c06-23e3-404f-aeaa-40f72885ee3a"


def _index(path: Path, mbid: str = MBID, status: int = 200):  # type: ignore[no-untyped-def]
    request = build_release_request(Settings(), mbid)
    return parse_images(request, HttpResponse(status=status, url=request.url, body=path.read_bytes()))


def _front(recorded: Finder, name: str) -> CaaImage:
    index = _index(recorded(name))
    assert index is not None
    front = pick_front(index.images)
    assert front is not None
    return front


def test_requests_use_the_configured_base_url() -> None:
    settings = Settings(caa_url="http://127.0.0.1:9000/")
    assert build_release_request(settings, MBID.upper()).url == f"http://127.0.0.1:9000/release/{MBID}"
    assert build_release_group_request(settings, f" {RGID} ").url == f"http://127.0.0.1:9000/release-group/{RGID}"


@pytest.mark.parametrize("mbid", ["", "xyz", "0f66c2eb-cbb5-4dc1-aa64", MBID + "0", "../../etc/passwd"])
def test_a_malformed_mbid_is_a_usage_error_before_any_request(mbid: str) -> None:
    with pytest.raises(ConfigError, match="not a MusicBrainz release ID"):
        build_release_request(Settings(), mbid)
    driver = ReplayDriver([])
    with pytest.raises(ConfigError):
        driver.run(release_art(Settings(), AlbumQuery(mbid=MBID, release_group=mbid or "x"))).candidates
    assert driver.requests == [], "a bad second ID should be caught before the first request"


@pytest.mark.parametrize("name", sorted(p.name for p in (RECORDED / "caa").glob("*.json")))
def test_every_recorded_index_parses_and_has_a_front(recorded: Finder, name: str) -> None:
    raw = json.loads(recorded(f"caa/{name}").read_text(encoding="utf-8"))
    index = _index(recorded(f"caa/{name}"))
    assert index is not None and len(index.images) == len(raw["images"])
    assert index.release and index.release in raw["release"]
    front = pick_front(index.images)
    assert front is not None and front.front and front.approved
    assert all(isinstance(img.id, str) and img.id.isdigit() for img in index.images), "int and string ids both read"
    for img in index.images:
        assert img.url.startswith("https://coverartarchive.org/"), "CAA's own http URLs are upgraded"
        assert [s for s, _u in img.thumbnails][:2] == [250, 500], "small/large read as 250/500"


TARGETS = [
    (ArtSize(100), 250, 250),
    (ArtSize(250), 250, 250),
    (ArtSize(500), 500, 500),
    (ArtSize(1000), 1200, None),
    (ArtSize(1200), 1200, None),
    (ArtSize(3000), None, None),
    (ArtSize(None), None, None),
]


@pytest.mark.parametrize(("size", "with_1200", "without_1200"), TARGETS, ids=[str(t[0]) for t in TARGETS])
def test_thumbnail_choice(recorded: Finder, size: ArtSize, with_1200: int | None, without_1200: int | None) -> None:
    for name, expected in ((WITH_1200, with_1200), (WITHOUT_1200, without_1200)):
        front = _front(recorded, name)
        url, hint, reason = choose_image(front, size)
        assert hint == expected, f"{name} at {size}: want thumbnail {expected}"
        if expected is None:
            assert url == front.url and "full image" in reason
        else:
            assert url.endswith(f"-{expected}.jpg") and f"thumbnail {expected}" in reason


def test_pick_front_prefers_the_chosen_front_over_other_front_typed_images(recorded: Finder) -> None:
    index = _index(recorded(WITHOUT_1200), "22a1945f-185c-4d70-979e-f297b00b0c71")
    assert index is not None
    typed = [img.id for img in index.images if img.is_front]
    assert typed == ["16110068623", "7436435354"], "two images are typed Front, one is the chosen front"
    front = pick_front(index.images)
    assert front is not None and front.id == "16110068623"
    assert pick_front(tuple(img for img in index.images if not img.is_front)) is None


def test_release_art_is_an_id_match_on_the_release(recorded: Finder) -> None:
    driver = ReplayDriver([(f"/release/{MBID}", Canned(recorded(WITH_1200)))])
    query = AlbumQuery(artist="A", album="B", mbid=MBID)
    [cand] = driver.run(release_art(Settings(size=ArtSize(1200)), query)).candidates
    assert (cand.source, cand.id, cand.match, cand.score) == ("caa", MBID, MatchKind.ID, 1.0)
    assert cand.url == f"https://coverartarchive.org/release/{MBID}/28819846237-1200.jpg"
    assert cand.size_hint == 1200 and (cand.artist, cand.title) == ("A", "B")
    assert cand.reasons[0] == f"CAA front image 28819846237 of release {MBID}"
    assert len(driver.requests) == 1


def test_release_404_falls_back_to_the_release_group(recorded: Finder) -> None:
    driver = ReplayDriver([(f"/release/{MISSING}", Canned(recorded(NOT_FOUND), status=404)),
                           (f"/release-group/{RGID}", Canned(recorded(RELEASE_GROUP)))])
    [cand] = driver.run(release_art(Settings(), AlbumQuery(mbid=MISSING, release_group=RGID))).candidates
    assert cand.id == "6ef6e6cd-ad36-4c2f-816d-121bfb2f6774", "the id is the release the group's body names"
    assert cand.url == "https://coverartarchive.org/release/6ef6e6cd-ad36-4c2f-816d-121bfb2f6774/12699438648.jpg"
    assert cand.size_hint is None, "a full image's size is unknown until probed"
    assert f"chosen by CAA for release group {RGID}" in cand.reasons
    assert [r.url.rsplit("/", 2)[-2] for r in driver.requests] == ["release", "release-group"]


def test_404_everywhere_is_no_art(recorded: Finder) -> None:
    driver = ReplayDriver([("/release/" + MISSING, Canned(recorded(NOT_FOUND), status=404)),
                           ("/release-group/" + RGID, Canned(recorded(NOT_FOUND), status=404))])
    assert driver.run(release_art(Settings(), AlbumQuery(mbid=MISSING, release_group=RGID))).candidates == ()
    assert driver.run(release_art(Settings(), AlbumQuery())).candidates == ()


def test_a_release_without_front_art_falls_back(recorded: Finder, tmp_path: Path) -> None:
    body = json.loads(recorded(WITH_1200).read_text(encoding="utf-8"))
    body["images"] = [img for img in body["images"] if not img["front"] and "Front" not in img["types"]]
    assert body["images"], "the release should still have back or medium images"
    no_front = tmp_path / "no_front.json"
    no_front.write_text(json.dumps(body), encoding="utf-8")
    driver = ReplayDriver([(f"/release/{MBID}", Canned(no_front)),
                           (f"/release-group/{RGID}", Canned(recorded(RELEASE_GROUP)))])
    [cand] = driver.run(release_art(Settings(), AlbumQuery(mbid=MBID, release_group=RGID))).candidates
    assert cand.id.startswith("6ef6e6cd")


def _unapproved(recorded: Finder, tmp_path: Path) -> Path:
    body = json.loads(recorded(WITH_1200).read_text(encoding="utf-8"))
    for img in body["images"]:
        img["approved"] = False
    path = tmp_path / "unapproved.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_an_unapproved_release_front_gives_way_to_an_approved_group_front(recorded: Finder, tmp_path: Path) -> None:
    driver = ReplayDriver([(f"/release/{MBID}", Canned(_unapproved(recorded, tmp_path))),
                           (f"/release-group/{RGID}", Canned(recorded(RELEASE_GROUP)))])
    [cand] = driver.run(release_art(Settings(), AlbumQuery(mbid=MBID, release_group=RGID))).candidates
    assert cand.id.startswith("6ef6e6cd")


def test_an_unapproved_release_front_is_kept_when_the_group_has_nothing(recorded: Finder, tmp_path: Path) -> None:
    driver = ReplayDriver([(f"/release/{MBID}", Canned(_unapproved(recorded, tmp_path))),
                           (f"/release-group/{RGID}", Canned(recorded(NOT_FOUND), status=404))])
    [cand] = driver.run(release_art(Settings(), AlbumQuery(mbid=MBID, release_group=RGID))).candidates
    assert cand.id == MBID and "image not yet approved by a MusicBrainz editor" in cand.reasons


def test_400_invalid_mbid_html_is_a_response_error(recorded: Finder) -> None:
    driver = ReplayDriver([("/release/" + MBID, Canned(recorded(INVALID), status=400))])
    with pytest.raises(ResponseError, match="invalid") as info:
        driver.run(release_art(Settings(), AlbumQuery(mbid=MBID))).candidates
    assert info.value.status == 400


def test_a_redirect_the_driver_did_not_follow_is_a_response_error(recorded: Finder) -> None:
    body = recorded("caa/caa_release_307_redirect_body_graphbrainz.txt")
    driver = ReplayDriver([("/release/" + MBID, Canned(body, status=307))])
    with pytest.raises(ResponseError):
        driver.run(release_art(Settings(), AlbumQuery(mbid=MBID))).candidates


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"<!DOCTYPE html><title>502</title>", "HTML"), (b'{"images": [{"approved": tr', "truncated"),
     (b'{"images": {}}', "images"), (b'"images"', "images")],
)
def test_a_200_that_is_not_an_index_is_a_bad_response(body: bytes, message: str) -> None:
    driver = ReplayDriver([("/release/" + MBID, Canned(body))])
    with pytest.raises(BadResponse, match=message):
        driver.run(release_art(Settings(), AlbumQuery(mbid=MBID))).candidates


def test_server_errors_and_throttling_are_reported() -> None:
    query = AlbumQuery(mbid=MBID)
    with pytest.raises(Unavailable):
        ReplayDriver([("/release/" + MBID, Canned(b"", status=503))]).run(release_art(Settings(), query)).candidates
    with pytest.raises(RateLimited) as info:
        ReplayDriver([("/release/" + MBID, Canned(b"", status=429, headers={"Retry-After": "3"}))]).run(
            release_art(Settings(), query))
    assert info.value.retry_after == 3.0


def test_image_urls_of_other_hosts_stay_as_served(recorded: Finder, tmp_path: Path) -> None:
    text = recorded(WITH_1200).read_text(encoding="utf-8").replace("http://coverartarchive.org", "http://127.0.0.1:8000")
    local = tmp_path / "local.json"
    local.write_text(text, encoding="utf-8")
    driver = ReplayDriver([("/release/" + MBID, Canned(local))])
    settings = Settings(caa_url="http://127.0.0.1:8000", size=ArtSize(500))
    [cand] = driver.run(release_art(settings, AlbumQuery(mbid=MBID))).candidates
    assert cand.url == f"http://127.0.0.1:8000/release/{MBID}/28819846237-500.jpg"


def test_https_bodies_and_png_originals_read_as_served(recorded: Finder) -> None:
    mbid = "02cd52d7-2d0c-41a4-bf9c-59894bebab8c"
    body = recorded("caa/caa_release_02cd52d7_complex_types_png_mbuserscripts.json")
    driver = ReplayDriver([("/release/" + mbid, Canned(body))])
    [cand] = driver.run(release_art(Settings(size=ArtSize(None)), AlbumQuery(mbid=mbid))).candidates
    assert cand.url == f"https://coverartarchive.org/release/{mbid}/37108042405.png"
