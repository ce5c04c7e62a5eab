"""Smoke tests for bench/beets_requests.py, so the beets-side request benchmark keeps running.

They run it on three small sample albums (a plain album, a single whose search also finds an
album, a Various Artists compilation) through the real fake and the real plugins. No timing is
asserted; what is checked is the table's shape, that every request the fake logged is counted
once, and the behaviour each row stands for: beets fetches every hit and gives up on a 429, and
a decoy-padded search costs beets one album call per hit.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from bench_loader import load_bench
from fakes import Request
from fakes.annas import sample_or_skip

load_bench("spotify_requests")  # first, so the benchmark's own import of it finds this one
bench = load_bench("beets_requests")
pytest.importorskip("beets", reason="the benchmark runs beets' autotagger; install the beets extra")

#: Power Corruption and Lies (8 tracks), the Nightcall single (1), Luxury lounge 9.0 (VA, 26).
ALBUM_IDS = ("6NTrwu1XJ56jBPx7HMksbZ", "05OLq8nG4L5WYZXTfXVYM7", "5P9DfO6J88iW4lNuWISpZX")


@pytest.fixture(scope="module")
def rows() -> list[Any]:
    sample = sample_or_skip()
    albums = [a for a in bench.load_albums(sample) if a.id in ALBUM_IDS]
    assert len(albums) == len(ALBUM_IDS), "the three albums should be in the sample"
    return bench.measure(sample, albums)


def _row(rows: list[Any], scenario: str, contender: str) -> Any:
    return next(r for r in rows if r.scenario.name.startswith(scenario) and r.contender == contender)


def test_main_prints_the_table_the_ratios_and_the_targets() -> None:
    sample_or_skip()
    out = io.StringIO()
    assert bench.main(["--albums", "1"], out=out) == 0
    text = out.getvalue()
    assert text.startswith("1 albums"), "--albums 1 should measure one album"
    for heading in ("scenario", "ratio tagbridge/beets", "targets", "where the requests went",
                    "no candidate lost to a 429", "at most half of beets' requests"):
        assert heading in text, f"the report should contain {heading!r}"
    table = text.split("\n\n")[1].splitlines()
    assert len([line for line in table if line.split()[-1].replace(".", "").isdigit()]) == 7, \
        "one table line per scenario and plugin: 3 scenarios for both, ISRCs for tagbridge only"


def test_every_row_covers_every_album_and_counts_every_logged_request_once(rows: list[Any]) -> None:
    assert [(r.scenario.name.split()[0], r.contender) for r in rows] == [
        ("plain", "spotify"), ("plain", "tagbridge"), ("429", "spotify"), ("429", "tagbridge"),
        (str(bench.DECOYS), "spotify"), (str(bench.DECOYS), "tagbridge"), ("with", "tagbridge")]
    for row in rows:
        n = len(ALBUM_IDS)
        assert len(row.requests) == len(row.candidates) == len(row.apply) == len(row.albums) == n
        assert sum(row.kinds.values()) == row.total(tokens=True, apply=True) + row.at_load, \
            f"{row.scenario.name}/{row.contender}: every logged request is in exactly one count"
        assert row.kinds["other"] == 0, f"{row.scenario.name}/{row.contender}: no request of an unexpected kind"
        assert row.tokens == n and row.at_load == 0, "each album starts cold: one token POST, nothing else at load"
        assert row.matched() <= row.found() <= n


def test_beets_searches_once_then_fetches_every_hit(rows: list[Any]) -> None:
    plain = _row(rows, "plain", "spotify")
    assert plain.kinds["search"] == len(ALBUM_IDS), "beets' candidates() makes one search per album"
    assert plain.kinds["album"] == sum(map(len, plain.candidates)), "then one album call per hit, all fetched"
    assert plain.kinds["track"] == plain.kinds["batch"] == 0, "beets' spotify plugin never batches or fetches tracks"
    assert plain.matched() == len(ALBUM_IDS), "through the fake, beets' own plugin finds these three"


def test_a_429_on_the_first_search_costs_beets_every_candidate_and_tagbridge_none(rows: list[Any]) -> None:
    beets, ours = _row(rows, "429", "spotify"), _row(rows, "429", "tagbridge")
    assert beets.rate_limited == ours.rate_limited == [1] * len(ALBUM_IDS), "each album's first search answered 429"
    assert beets.candidates == [[]] * len(ALBUM_IDS) and beets.requests == [1] * len(ALBUM_IDS), \
        "beets' search drops every candidate on a 429 and asks nothing more"
    plain = _row(rows, "plain", "tagbridge")
    assert ours.candidates == plain.candidates, "tagbridge waits out the Retry-After and finds what it found before"
    assert ours.requests == [n + 1 for n in plain.requests], "at the cost of the refused search alone"


def test_decoys_cost_beets_an_album_call_each_and_tagbridge_nothing(rows: list[Any]) -> None:
    beets = _row(rows, str(bench.DECOYS), "spotify")
    assert all(len(c) == 5 for c in beets.candidates), "beets' search limit is 5: five candidates, all fetched"
    assert beets.kinds["album"] == 5 * len(ALBUM_IDS)
    ours, plain = _row(rows, str(bench.DECOYS), "tagbridge"), _row(rows, "plain", "tagbridge")
    assert ours.requests == plain.requests, "tagbridge scores the hits first and fetches no decoy"
    assert ours.matched() == plain.matched()


def test_targets_are_judged_on_the_rows(rows: list[Any]) -> None:
    judged = bench.targets(rows)
    assert [(t.name.split()[0], t.with_apply) for t in judged] == [
        ("no", False), ("never", False), ("never", True), ("at", False), ("at", True)], \
        "three targets, the last two judged again with the import-time ISRC fetch"
    by_name = {t.name: t for t in judged if not t.with_apply}
    assert by_name["no candidate lost to a 429"].holds, "tagbridge waits out a 429"
    assert by_name["at most half of beets' requests when a search returns several candidates"].holds


def test_items_carry_what_a_tagged_file_would_and_isrcs_only_when_asked() -> None:
    sample = sample_or_skip()
    album = next(a for a in bench.load_albums(sample) if a.id == ALBUM_IDS[0])
    plain, with_isrcs = bench.album_items(sample, album), bench.album_items(sample, album, isrcs=True)
    assert [i.track for i in plain] == list(range(1, 9)) and {i.album for i in plain} == {album.title}
    assert {i.albumartist for i in plain} == {"New Order"} and all(i.length > 0 for i in plain)
    assert not any(i.isrc for i in plain) and all(i.isrc for i in with_isrcs)


def test_spec_clone_knobs_quote_pad_and_refuse_searches() -> None:
    from fakes.spec_clone import SpecClone, parse_spotify_query

    assert parse_spotify_query("album:'Reborn Again' artist:'Kavinsky'", single_quotes=True).filters == {
        "album": "Reborn Again", "artist": "Kavinsky"}
    assert parse_spotify_query("album:'Reborn'").filters == {"album": "'Reborn'"}, "by default only \" quotes"
    clone = SpecClone(sample_or_skip(), single_quoted_filters=True, pad_search_with=5, search_429s=1,
                      retry_after="0.1")
    search = Request(method="GET", target="/v1/search?q=album:'Reborn'%20artist:'Kavinsky'&type=album", headers={})
    refused = clone.dispatch(search)
    assert refused.status == 429 and refused.headers["Retry-After"] == "0.1" and clone.search_429s == 0
    answered = clone.dispatch(search)
    assert answered.status == 200
    items = json.loads(answered.body)["albums"]["items"]
    assert items[0]["name"] == "Reborn" and len(items) == 5, "the hit, then decoys up to the page"
    assert items[1]["artists"][0]["name"] == "Kavinsky", "the filter's artist's other albums come first"
