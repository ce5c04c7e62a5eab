"""Smoke tests for bench/spotify_requests.py, so the request-count benchmark keeps running.

They run it on the first 3 sample albums through the real fakes. No timing is asserted; what is
checked is that every row is measured from the fakes' own logs, and that the beets baseline
makes beets' requests: one token POST a run, one search per album, one album call per hit.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from bench_loader import load_bench
from fakes.annas import sample_or_skip

from tagbridge.core.config import Settings

ROOT = Path(__file__).resolve().parents[1]




bench = load_bench("spotify_requests")


@pytest.fixture(scope="module")
def report_on_three() -> tuple[list[Any], Any]:
    sample = sample_or_skip()
    albums = bench.load_albums(sample, 3)
    return albums, bench.measure_all(sample, albums)


def test_main_prints_the_table_and_the_ratio_for_three_albums() -> None:
    sample_or_skip()
    out = io.StringIO()
    assert bench.main(["--albums", "3", "--verbose"], out=out) == 0
    text = out.getvalue()
    for heading in ("api (Development Mode)", "clone (spec), base without /v1", "clone (spec), base ending /v1",
                    "clone (seed)", "ratio tagbridge/beets", "where the requests went", "requests per album"):
        assert heading in text, f"the report should contain {heading!r}"
    assert text.startswith("3 albums"), "--albums 3 should measure three albums"


def test_every_row_covers_every_album_and_counts_requests_per_album(report_on_three: tuple[list[Any], Any]) -> None:
    albums, report = report_on_three
    rows = [*report.tagbridge, *report.beets, report.beets_verbatim]
    assert len(report.tagbridge) == 4 * 3, "four backend settings times three lookup kinds"
    for row in rows:
        assert len(row.counts) == len(row.found) == len(albums), f"{row.backend}/{row.kind}: one entry per album"
        assert sum(row.kinds.values()) == sum(row.counts), "every logged request is categorized once"
        assert row.kinds["other"] == 0, f"{row.backend}/{row.kind}: no request of an unexpected kind"


def test_lookups_by_id_resolve_every_album_on_every_backend(report_on_three: tuple[list[Any], Any]) -> None:
    albums, report = report_on_three
    for row in [r for r in [*report.tagbridge, *report.beets] if r.kind == "id"]:
        assert row.resolved() == len(albums), f"{row.backend}/{row.contender}: an album id must find its album"


def test_only_the_api_backend_and_beets_fetch_a_token_once_a_run(report_on_three: tuple[list[Any], Any]) -> None:
    _, report = report_on_three
    for row in [*report.tagbridge, *report.beets]:
        expected = 1 if row.backend.startswith("api") else 0
        assert sum(row.tokens) == row.kinds["token"] == expected, f"{row.backend}/{row.kind}/{row.contender}"
        assert row.mean(warm=True) <= row.mean(), "warm leaves only the token out"


def test_beets_baseline_searches_once_then_fetches_every_hit(report_on_three: tuple[list[Any], Any]) -> None:
    albums, report = report_on_three
    text = next(r for r in report.beets if r.kind == "text")
    assert text.kinds["search"] == len(albums), "beets' candidates makes one search call per album"
    assert text.kinds["album"] == sum(len(ids) for ids in text.found), "then one album call per hit, all fetched"
    assert text.kinds["batch"] == 0, "beets' spotify plugin never uses the batch endpoint"


def test_beets_search_query_uses_album_then_artist_and_drops_artist_for_compilations() -> None:
    flow = bench.BeetsFlow(Settings(spotify_api_url="http://x.invalid/v1"))
    plain = bench.Album(id="a", title="Reborn", artist="Kavinsky", upc=None, compilation=False)
    va = bench.Album(id="b", title="Luxury lounge 9.0", artist="Various Artists", upc=None, compilation=True)
    assert flow.search_query(plain) == 'album:"Reborn" artist:"Kavinsky"'
    assert flow.search_query(va) == 'album:"Luxury lounge 9.0"', "va_likely: no artist filter"
    assert bench.BeetsFlow(Settings(), quote="'").search_query(plain) == "album:'Reborn' artist:'Kavinsky'"
