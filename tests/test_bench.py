"""Smoke tests for bench/match_accuracy.py, so the benchmark keeps running as tagbridge changes.

No timing is asserted: throughput depends on the machine. What is checked is that the cases
file stays well formed, the fetchart baseline follows beets' rule, and the benchmark decides
every case through tagbridge's real iTunes source without crashing.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from bench_loader import load_bench

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "bench" / "cases" / "itunes_albums.jsonl"
CATEGORIES = {"plain", "norm", "suffix", "edition", "content", "subset", "collab", "va", "intl", "feat", "disc", "absent"}




bench = load_bench("match_accuracy")


def _row(collection_id: int, artist: str, title: str, tracks: int = 10) -> dict[str, object]:
    return {
        "wrapperType": "collection",
        "collectionType": "Album",
        "collectionId": collection_id,
        "artistName": artist,
        "collectionName": title,
        "trackCount": tracks,
        "releaseDate": "2001-01-01T07:00:00Z",
        "artworkUrl100": f"https://is1-ssl.mzstatic.com/image/thumb/Music/v4/aa/bb/cc/{collection_id}/0000.jpg/100x100bb.jpg",
    }


def _write_cases(path: Path, cases: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    return path


def _sample(tmp_path: Path, per_category: int = 2) -> Path:
    """The first cases of every category of the real file, as a small cases file."""
    taken: Counter[str] = Counter()
    lines = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        category = json.loads(line)["id"].split("-", 1)[0]
        if taken[category] < per_category:
            taken[category] += 1
            lines.append(line)
    path = tmp_path / "sample.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cases_file_is_large_labelled_and_well_formed() -> None:
    cases = bench.load_cases(CASES)  # also checks every expect is one of its case's results
    assert len(cases) >= 200, "the benchmark needs at least 200 labelled cases"
    assert len({c.id for c in cases}) == len(cases), "case ids must be unique"
    assert {c.category for c in cases} == CATEGORIES, "every case id starts with a known category"
    not_findable = sum(not c.findable for c in cases)
    assert 0.10 <= not_findable / len(cases) <= 0.25, "roughly 15% of cases should have no right answer"
    assert all(c.trap for c in cases), "every case says what it tests"
    for case in cases:
        ids = [row["collectionId"] for row in case.results]
        assert len(ids) == len(set(ids)), f"{case.id}: collection ids repeat within one answer"
        for row in case.results:
            assert {"wrapperType", "collectionId", "artistName", "collectionName", "artworkUrl100"} <= row.keys(), case.id


def test_load_cases_rejects_an_expect_missing_from_the_results(tmp_path: Path) -> None:
    path = _write_cases(tmp_path / "bad.jsonl", [
        {"id": "plain-x", "trap": "t", "query": {"artist": "A", "album": "B"}, "results": [_row(1, "A", "B")], "expect": 2},
    ])
    with pytest.raises(ValueError, match=r"bad\.jsonl:1: expect 2"):
        bench.load_cases(path)


def test_fetchart_rule_prefers_an_exact_match_then_falls_back_to_the_first_result(tmp_path: Path) -> None:
    results = [_row(1, "Other", "Album (Deluxe)"), _row(2, "Artist", "Album"), _row(3, "artist", "album")]
    path = _write_cases(tmp_path / "c.jsonl", [
        {"id": "plain-exact", "trap": "t", "query": {"artist": "Artist", "album": "Album"}, "results": results, "expect": 2},
        {"id": "norm-case", "trap": "t", "query": {"artist": "ARTIST", "album": "ALBUM"}, "results": results, "expect": 2},
        {"id": "absent-empty", "trap": "t", "query": {"artist": "Artist", "album": "Album"}, "results": [], "expect": None},
    ])
    exact, case_differs, empty = bench.load_cases(path)
    assert bench.fetchart_pick(exact) == "2", "an exact artist and title match wins over earlier results"
    assert bench.fetchart_pick(case_differs) == "1", "the comparison is case-sensitive, so it falls back to results[0]"
    assert bench.fetchart_pick(empty) is None, "no results, no pick"


def test_scores_count_picks_misses_and_wrong_picks(tmp_path: Path) -> None:
    path = _write_cases(tmp_path / "c.jsonl", [
        {"id": "plain-a", "trap": "t", "query": {"artist": "A", "album": "X"}, "results": [_row(1, "A", "X")], "expect": 1},
        {"id": "plain-b", "trap": "t", "query": {"artist": "A", "album": "Y"}, "results": [_row(2, "A", "Y")], "expect": 2},
        {"id": "absent-c", "trap": "t", "query": {"artist": "A", "album": "Z"}, "results": [_row(3, "A", "W")], "expect": None},
    ])
    cases = bench.load_cases(path)
    answers = {"plain-a": "1", "plain-b": None, "absent-c": "3"}
    score = bench.score_picks("fixed", cases, lambda case: answers[case.id])
    assert (score.picked, score.correct, score.findable) == (2, 1, 2)
    assert [c.id for c in score.wrong] == ["absent-c"] and [c.id for c in score.missed] == ["plain-b"]
    assert score.precision == 0.5 and score.recall == 0.5 and score.abstain_rate == pytest.approx(1 / 3)


def test_tagbridge_decides_sampled_cases_through_the_itunes_source(tmp_path: Path) -> None:
    cases = bench.load_cases(_sample(tmp_path))
    score = bench.score_picks("tagbridge", cases, bench.tagbridge_pick)
    assert not score.errors, f"tagbridge raised on: {score.errors}"
    plain = [c for c in cases if c.category == "plain"]
    # A plain exact match that comes back empty means the replay wiring broke, not the matcher.
    assert all(score.picks[c.id] == c.expect for c in plain), "plain exact matches must be found"


def test_main_prints_accuracy_throughput_and_listings(tmp_path: Path) -> None:
    out = io.StringIO()
    status = bench.main(["--cases", str(_sample(tmp_path, per_category=1)), "--repeat", "1", "--verbose"], out=out)
    text = out.getvalue()
    assert status == 0
    for heading in ("prec", "tune part", "held-out part", "targets on the held-out part", "tagbridge wrong picks",
                    "tagbridge misses",
                    "ratio tagbridge/fetchart", "rapidfuzz backend", "pure-Python backend"):
        assert heading in text, f"the report should contain {heading!r}"
    assert "unavailable" not in text, "both matcher workers should run"
    assert "reported: pure" in text, "the pure worker must really run without rapidfuzz"
