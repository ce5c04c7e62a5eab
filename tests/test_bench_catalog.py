"""Smoke tests for bench/catalog_bench.py, so the catalog benchmark keeps running as the catalog changes.

They run it at a tiny size (``--small``: 20,000 and 2,000 tracks, a few dozen keys, 2 s of
load) in a temporary data directory. No timing is asserted, except that every figure is a
real measurement: each row holds as many timings as keys asked, every answer held the id it
was asked for (on tagbridge and on the scan baseline alike), the import copied every Parquet
row, and the server answered the load without an error.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import Any

import pytest
from bench_loader import load_bench

pytest.importorskip("duckdb", reason="the scan baseline needs duckdb (the test extra installs it)")

bench = load_bench("catalog_bench")

SMALL = {"tracks": 20_000, "growth_from": 2_000, "queries": 40, "warmup": 10, "baseline_queries": 3,
         "load_seconds": 2.0, "load_ids": 500}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("catalog-bench")


@pytest.fixture(scope="module")
def report(data: Path) -> Any:
    return bench.run(bench.Options(data=data, **SMALL))


def test_every_kind_is_timed_on_every_contender_and_finds_what_it_asks(report: Any) -> None:
    for name, part, n in (("in-process", report.inprocess, 40), ("HTTP", report.http, 40),
                          ("scan baseline", report.baseline, 3), ("growth", report.growth, 40)):
        assert list(part) == list(bench.KINDS), f"{name}: one row per kind, in order"
        for kind, timing in part.items():
            assert len(timing.ms) == n and timing.failed == 0, f"{name}/{kind}: {n} answers, all 200"
            assert timing.found == n, f"{name}/{kind}: every answer should hold the asked track or album id"
            assert 0 < timing.pct(50) <= timing.pct(99) == max(timing.ms), f"{name}/{kind}: percentiles"


def test_import_copies_every_parquet_row_into_a_complete_catalog(report: Any, data: Path) -> None:
    imported = report.imported
    assert imported["rows"] == imported["parquet_rows"] > 20_000, "every row of every table is copied"
    assert imported["complete"], "the imported catalog opens as complete"
    assert 0 < imported["copy_s"] <= imported["wall_s"] and imported["index_s"] > 0
    assert 50 * 2**20 < imported["maxrss_bytes"] < 2 * 2**30, "peak RSS is the child's, in bytes"
    assert not (data / "t20000-s0" / "imported.sqlite").exists(), "the import is removed unless --keep-import"


def test_load_answers_every_request_without_an_error(report: Any) -> None:
    load = report.load
    assert load["requests"] > 100 and load["seconds"] >= 1.5
    assert load["non_2xx"] == 0 and load["socket_errors"] == 0, f"the server should never fail: {load}"


def test_report_prints_the_table_ratios_and_a_verdict_per_target(report: Any) -> None:
    text = "\n".join(bench.render(report))
    assert re.search(r"\d+ cores", text) and re.search(r"\d{4}-\d\d-\d\d", text), "the machine and the date"
    for kind in bench.KINDS:
        row = re.search(rf"^{kind} +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.,]+) +([\d.,]+) +([\d,]+)x "
                        rf"+([\d,]+)x +40/40 40/40 3/3$", text, re.M)
        assert row, f"a full table row for {kind}"
        assert re.search(rf"^  {kind} +[\d.]+ -> +[\d.]+ +ratio [\d.]+$", text, re.M), f"a growth line for {kind}"
    verdicts = re.findall(r"^  (holds|FAILS)  ", text, re.M)
    assert len(verdicts) == 6, "one verdict for each of the six targets"
    assert "the targets are for 10,000,000" in text, "a small run says it is not the targets' size"


def test_scan_baseline_matches_case_sensitively_as_the_seed_does(report: Any, data: Path) -> None:
    keys = bench.sample_keys(data / "t20000-s0" / "catalog.sqlite", 30, 0)
    key = next(k for k in keys["album search"] if k.value != k.value.lower())
    scan = bench.SeedScan(data / "t20000-s0" / "parquet")
    try:
        assert key.expect.encode() in scan.answer(key)
        lowered = bench.Key(kind=key.kind, value=key.value.lower(), artist=key.artist, expect=key.expect)
        assert key.expect.encode() not in scan.answer(lowered), "LIKE is case-sensitive: other case, no match"
    finally:
        scan.close()


def test_parquet_files_hold_the_catalogs_rows(report: Any, data: Path) -> None:
    where = data / "t20000-s0"
    assert bench._fingerprint_db(where / "catalog.sqlite") == bench._fingerprint_parquet(where / "parquet"), (
        "the baseline must be asked about the same rows as the catalog")


def test_speed_up_is_not_judged_when_the_baseline_misses_answers(report: Any) -> None:
    missing = {kind: bench.Timing(ms=list(timing.ms), found=0) for kind, timing in report.baseline.items()}
    judged = dict((text.split(":")[0], ok) for ok, text in bench.targets(report))
    unjudged = dict((text.split(":")[0], ok) for ok, text in bench.targets(
        bench.Report(options=report.options, machine=report.machine, inprocess=report.inprocess, baseline=missing)))
    key = "at least 100x faster than the scan baseline (p50, in-process)"
    assert judged[key] is not None and unjudged[key] is None, "no verdict against a baseline that found nothing"


def test_keys_are_the_same_for_the_same_seed(report: Any, data: Path) -> None:
    db = data / "t20000-s0" / "catalog.sqlite"
    assert bench.sample_keys(db, 20, 0) == bench.sample_keys(db, 20, 0)
    assert bench.sample_keys(db, 20, 1)["track id"] != bench.sample_keys(db, 20, 0)["track id"]


def test_main_reuses_the_data_and_runs_only_the_steps_asked(report: Any, data: Path) -> None:
    out = io.StringIO()
    skips = [arg for step in ("import", "http", "load", "baseline", "growth") for arg in ("--skip", step)]
    assert bench.main(["--small", "--data", str(data), *skips], out=out) == 0
    text = out.getvalue()
    assert "reused" in text and "generated in" not in text, "the data made by the first run is reused"
    assert "import:" not in text and "load:" not in text and "growth" not in text
    assert len(re.findall(r"^  (holds|FAILS)  ", text, re.M)) == 2, "only the in-process targets are judged"


def test_thread_load_generator_works_without_wrk(report: Any, data: Path) -> None:
    db = data / "t20000-s0" / "catalog.sqlite"
    ids = bench.random_track_ids(db, 50, 0)
    server = bench.Server(db, 1)
    try:
        server.wait_ready(f"/v1/tracks/{ids[0]}")
        load = bench.load_threads(server.port, ids, bench.Options(data=data, load_seconds=1.0, connections=4))
    finally:
        server.stop()
    assert load["requests"] > 10 and load["non_2xx"] == 0 and load["socket_errors"] == 0
    assert math.isnan(load["p50_ms"]) and load["generator"].startswith("Python threads")
