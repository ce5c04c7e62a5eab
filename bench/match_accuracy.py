"""Matching accuracy and speed of tagbridge's iTunes album search, against beets' fetchart rule.

What belongs here: loading the labelled cases (``bench/cases/*.jsonl``), making tagbridge's
decision for each (``itunes.search_art`` run by the replay driver, then ``rank_covers``), making
the baseline's decision (beets' fetchart iTunes rule, reimplemented below), and printing
accuracy, throughput and their ratios. What doesn't: any rule about what matches; this script
only measures tagbridge's own modules, and never changes them.

Run ``python bench/match_accuracy.py [--cases FILE ...] [--before REF] [--repeat N] [--verbose]``;
bench/README.md says how to read the figures.

The cases are split once, by a hash of each case's id, into a tuning part and a held-out part
(:attr:`Case.part`); figures are printed for each part, side by side, and the targets are judged
on the held-out part only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[1]
#: Another checkout to import tagbridge from (the matcher "before" a change, see --before).
_IMPORT_ROOT = os.environ.get("TAGBRIDGE_BENCH_IMPORT_ROOT") or str(ROOT)
if _IMPORT_ROOT not in sys.path:  # run as a script from anywhere: make the checkout importable
    sys.path.insert(0, _IMPORT_ROOT)

from tagbridge.core import fuzz
from tagbridge.core.config import Settings
from tagbridge.core.match import match_album
from tagbridge.core.model import AlbumQuery
from tagbridge.core.rank import rank_covers
from tagbridge.drivers.replay import Canned, ReplayDriver
from tagbridge.sources import itunes

__all__ = [
    "BENCH_SETTINGS",
    "DEFAULT_CASES",
    "Case",
    "Score",
    "fetchart_pick",
    "load_cases",
    "main",
    "score_picks",
    "tagbridge_pick",
]

DEFAULT_CASES = (ROOT / "bench" / "cases" / "itunes_albums.jsonl", ROOT / "bench" / "cases" / "itunes_editions.jsonl")
#: The time each throughput measurement aims at when --repeat is not given.
TARGET_SECONDS = 2.0
#: Issue 10's targets for tagbridge, on the held-out part.
TARGET_PRECISION = 0.995
TARGET_RECALL = 0.95
#: Kinds where no wrong pick is allowed at all (issue 10).
NO_WRONG_KINDS = ("explicit", "tracks")


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One labelled query: what was asked, what iTunes answered, and which album is right."""

    id: str
    trap: str
    artist: str
    album: str
    tracks: int | None
    year: int | None
    results: tuple[dict[str, object], ...]
    expect: str | None  # the right collectionId, or None when no result is the album
    body: bytes  # the /search answer as iTunes sends it
    barcode: str | None = None
    #: The ``/lookup?upc=`` answer (None: the case has no barcode lookup).
    lookup: tuple[dict[str, object], ...] | None = None
    #: ``/search`` answers per storefront where they differ from ``results`` (the US answer).
    by_country: dict[str, tuple[dict[str, object], ...]] = field(default_factory=dict)

    @property
    def category(self) -> str:
        """The id's first part: plain, norm, edition, content, absent, explicit, tracks, upc, ..."""
        return self.id.split("-", 1)[0]

    @property
    def part(self) -> str:
        """``tune`` or ``held-out``: fixed by a hash of the id, so the split never moves."""
        return "tune" if hashlib.sha256(self.id.encode()).digest()[0] % 2 == 0 else "held-out"

    def all_results(self) -> tuple[dict[str, object], ...]:
        """Every row the case can answer with, lookup and other storefronts included."""
        rows = list(self.results) + list(self.lookup or ())
        for more in self.by_country.values():
            rows += list(more)
        return tuple(rows)

    @property
    def findable(self) -> bool:
        """True when one of the results is the right album."""
        return self.expect is not None

    def describe_query(self) -> str:
        """``artist — album (tracks, year)`` for listings."""
        extra = ", ".join(f"{v}{u}" for v, u in ((self.tracks, " tr"), (self.year, "")) if v is not None)
        return f"{self.artist} — {self.album}" + (f" ({extra})" if extra else "")

    def describe_result(self, collection_id: str | None) -> str:
        """``artist — title [id]`` of one result, or ``(none)``."""
        if collection_id is None:
            return "(none)"
        for row in self.all_results():
            if str(row.get("collectionId")) == collection_id:
                return f"{row.get('artistName')} — {row.get('collectionName')} [{collection_id}]"
        return f"[{collection_id}] (not among the results)"


def _body(results: Sequence[object]) -> bytes:
    # Apple's /search bodies start with three newlines; parse_json must cope, so keep them.
    return b"\n\n\n" + json.dumps({"resultCount": len(results), "results": list(results)}).encode("utf-8")


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def load_all(paths: Iterable[Path] = DEFAULT_CASES) -> list[Case]:
    """Every case of every file, in order."""
    return [case for path in paths for case in load_cases(path)]


def load_cases(path: Path = DEFAULT_CASES[0]) -> list[Case]:
    """Read a cases file (JSON Lines, one case a line; blank lines and ``#`` lines skipped).

    Raises:
        ValueError: naming the line, when a case lacks a field or its ``expect`` is not one of its results.
    """
    cases: list[Case] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            raw = json.loads(line)
            query = raw["query"]
            results = tuple(raw["results"])
            expect = raw["expect"]
            lookup = raw.get("lookup")
            by_country = raw.get("search_by_country") or {}
            case = Case(
                id=str(raw["id"]),
                trap=str(raw.get("trap", "")),
                artist=str(query["artist"]),
                album=str(query["album"]),
                tracks=_optional_int(query.get("tracks")),
                year=_optional_int(query.get("year")),
                results=results,
                expect=None if expect is None else str(expect),
                body=_body(results),
                barcode=query.get("barcode"),
                lookup=None if lookup is None else tuple(lookup),
                by_country={str(k).upper(): tuple(v) for k, v in by_country.items()},
            )
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}:{number}: not a case ({exc!r})") from None
        if case.expect is not None and case.expect not in {str(r.get("collectionId")) for r in case.all_results()}:
            raise ValueError(f"{path}:{number}: expect {case.expect} is not among the case's results")
        cases.append(case)
    return cases


# --- the two contenders ----------------------------------------------------------------------

#: The settings tagbridge runs with: defaults (min_score, size), a fake host, one storefront.
BENCH_SETTINGS = Settings(itunes_url="http://bench.invalid", countries=("US",))


def _query(case: Case) -> AlbumQuery:
    return AlbumQuery(artist=case.artist, album=case.album, tracks=case.tracks, year=case.year,
                      barcode=case.barcode)


def tagbridge_pick(case: Case, settings: Settings = BENCH_SETTINGS) -> str | None:
    """tagbridge's choice: the top-ranked candidate's collection id, or None when it abstains.

    The whole iTunes source runs (``itunes.album_art``: barcode lookup, then search), as the
    resolver runs it; the replay driver answers ``/lookup`` with the case's lookup rows and
    ``/search`` with the answer of the storefront asked.
    """
    rules: list[tuple[object, object]] = []
    for country, rows in case.by_country.items():
        rules.append((f"/search?country={country}", Canned(body=_body(rows))))
    # A case that lists answers per storefront has none in the storefronts it does not list.
    rules.append(("/search", Canned(body=case.body if not case.by_country else _body(()))))
    rules.append(("/lookup", Canned(body=_body(case.lookup or ()))))
    driver = ReplayDriver(rules)  # type: ignore[arg-type]
    query = _query(case)
    found = driver.run(itunes.album_art(settings, query))
    try:
        ranked, _rejected = rank_covers(found.candidates, settings, query)
    except TypeError:  # a tagbridge from before rank_covers read the query (--before)
        ranked, _rejected = rank_covers(found.candidates, settings)
    return ranked[0].id if ranked else None


def fetchart_pick(case: Case) -> str | None:
    """beets' fetchart ITunesStore rule on the same answer.

    The first result whose ``artistName`` equals the album artist and whose ``collectionName``
    equals the album, both exactly (case-sensitive); failing that, the first result; no
    results, nothing (beetsplug/fetchart.py, ``ITunesStore.get``).
    """
    data = json.loads(case.body)
    results = (data.get("results") or []) if isinstance(data, dict) else []
    # A row without artworkUrl100 has no art to give; beets skips it (its KeyError branch).
    rows = [r for r in results if isinstance(r, dict) and "artworkUrl100" in r]
    for row in rows:
        if row.get("artistName") == case.artist and row.get("collectionName") == case.album:
            return str(row["collectionId"])
    return str(rows[0]["collectionId"]) if rows else None


# --- scoring ---------------------------------------------------------------------------------

@dataclass(slots=True, kw_only=True)
class Score:
    """One contender's decisions over all cases and what they add up to."""

    name: str
    picks: dict[str, str | None] = field(default_factory=dict)  # case id -> collection id
    errors: dict[str, str] = field(default_factory=dict)  # case id -> exception text
    total: int = 0
    findable: int = 0
    picked: int = 0
    correct: int = 0
    wrong: list[Case] = field(default_factory=list)  # picked, and not the expected album
    missed: list[Case] = field(default_factory=list)  # abstained, though the album was there

    @property
    def precision(self) -> float:
        """Correct picks over picks (1.0 when it never picked)."""
        return self.correct / self.picked if self.picked else 1.0

    @property
    def recall(self) -> float:
        """Correct picks over findable cases."""
        return self.correct / self.findable if self.findable else 1.0

    @property
    def abstain_rate(self) -> float:
        """Cases with no pick over all cases."""
        return (self.total - self.picked) / self.total if self.total else 0.0

    def right(self, case: Case) -> bool:
        """True when the decision on ``case`` was right: the expected album, or abstaining when none is."""
        return self.picks.get(case.id) == case.expect and case.id not in self.errors


def score_picks(name: str, cases: Iterable[Case], pick: Callable[[Case], str | None]) -> Score:
    """Run ``pick`` on every case and tally it; an exception counts as abstaining and is recorded."""
    score = Score(name=name)
    for case in cases:
        try:
            chosen = pick(case)
        except Exception as exc:  # noqa: BLE001  # a crash on one case is a finding to report, not the end of the run
            score.errors[case.id] = f"{type(exc).__name__}: {exc}"
            chosen = None
        score.picks[case.id] = chosen
        score.total += 1
        score.findable += case.findable
        if chosen is None:
            if case.findable:
                score.missed.append(case)
            continue
        score.picked += 1
        if chosen == case.expect:
            score.correct += 1
        else:
            score.wrong.append(case)
    return score


# --- throughput ------------------------------------------------------------------------------

def _time_passes(cases: Sequence[Case], pick: Callable[[Case], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for case in cases:
            pick(case)
    return time.perf_counter() - start


def _repeats_for(seconds_per_pass: float, target: float) -> int:
    return max(1, math.ceil(target / max(seconds_per_pass, 1e-9)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Rate:
    """Queries (or pairs) per second from one timed run."""

    per_second: float
    repeat: int
    seconds: float


def measure(cases: Sequence[Case], pick: Callable[[Case], object], repeat: int | None) -> Rate:
    """Time ``pick`` over the cases ``repeat`` times (by default enough passes for ~2 s)."""
    one = _time_passes(cases, pick, 1)  # warm-up, and the calibration when repeat is unset
    count = repeat if repeat is not None else _repeats_for(one, TARGET_SECONDS)
    seconds = _time_passes(cases, pick, count)
    return Rate(per_second=len(cases) * count / seconds if seconds else math.inf, repeat=count, seconds=seconds)


_Pair = tuple[AlbumQuery, str, str, int | None, int | None, bool]


def _matcher_pairs(cases: Sequence[Case]) -> list[_Pair]:
    """Every (query, result) pair as match_album's arguments, read the way sources/itunes.py reads rows."""
    pairs: list[_Pair] = []
    for case in cases:
        query = _query(case)
        for row in case.results:
            artist = str(row.get("artistName", ""))
            date = str(row.get("releaseDate", ""))
            year = int(date[:4]) if date[:4].isdigit() else None
            pairs.append((query, artist, str(row.get("collectionName", "")), _optional_int(row.get("trackCount")),
                          year, artist.casefold() == "various artists"))
    return pairs


def _match_all(pairs: Sequence[_Pair]) -> list[tuple[str | None, float]]:
    verdicts = []
    for query, artist, title, tracks, year, compilation in pairs:
        m = match_album(query, artist=artist, title=title, track_count=tracks, year=year, compilation=compilation)
        verdicts.append((m.kind.value if m.kind else None, m.score))
    return verdicts


def matcher_worker(cases_path: Path, repeat: int | None, out: TextIO) -> None:
    """Time ``match_album`` over every query/result pair; print one JSON line with the rate and a digest.

    The backend is whatever ``tagbridge.core.fuzz`` chose on import; :func:`_run_worker` starts
    each worker in a fresh interpreter, with rapidfuzz made unimportable for the pure one.
    """
    pairs = _matcher_pairs(load_cases(cases_path))
    start = time.perf_counter()
    verdicts = _match_all(pairs)
    first = time.perf_counter() - start
    count = repeat if repeat is not None else _repeats_for(first, TARGET_SECONDS)
    start = time.perf_counter()
    for _ in range(count):
        _match_all(pairs)
    seconds = time.perf_counter() - start
    digest = hashlib.sha256(repr(verdicts).encode()).hexdigest()
    json.dump({"backend": fuzz.BACKEND, "pairs": len(pairs), "repeat": count, "seconds": seconds,
               "per_second": len(pairs) * count / seconds if seconds else None, "digest": digest}, out)
    out.write("\n")


# tagbridge.core.fuzz exposes a per-call ``backend=`` but match_album passes none through, so
# the only way to run the matcher on the pure backend without patching tagbridge is the one
# Picard's bundled build takes: no importable rapidfuzz. ``sys.modules[name] = None`` makes
# ``import rapidfuzz`` raise ImportError in that interpreter.
_WORKER = """
import sys
from pathlib import Path
if sys.argv[2] == "pure":
    sys.modules["rapidfuzz"] = None
sys.path.insert(0, sys.argv[1])
import match_accuracy
match_accuracy.matcher_worker(Path(sys.argv[3]), int(sys.argv[4]) or None, sys.stdout)
"""


def _run_worker(cases_path: Path, backend: str, repeat: int | None) -> dict[str, object]:
    here = str(Path(__file__).resolve().parent)
    cmd = [sys.executable, "-c", _WORKER, here, backend, str(cases_path), str(repeat or 0)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {done.returncode}"}
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded if isinstance(loaded, dict) else {"error": "the worker printed no JSON object"}


# --- report ----------------------------------------------------------------------------------

def _pct(x: float) -> str:
    return f"{100 * x:6.1f}%"


def print_accuracy(cases: Sequence[Case], scores: Sequence[Score], out: TextIO) -> None:
    """The accuracy table and the per-category table."""
    out.write(f"\n{'':28}{'picks':>6}{'correct':>9}{'wrong':>7}{'precision':>11}{'recall':>9}{'abstain':>9}\n")
    for s in scores:
        out.write(f"{s.name:28}{s.picked:6d}{s.correct:9d}{len(s.wrong):7d}{_pct(s.precision):>11}"
                  f"{_pct(s.recall):>9}{_pct(s.abstain_rate):>9}\n")
    out.write("\nright decisions by category (the expected album, or abstaining when none is right)\n")
    out.write(f"{'category':10}{'cases':>7}{'findable':>10}" + "".join(f"{s.name.split()[0]:>12}" for s in scores) + "\n")
    order = list(dict.fromkeys(c.category for c in cases))
    for category in order:
        group = [c for c in cases if c.category == category]
        out.write(f"{category:10}{len(group):7d}{sum(c.findable for c in group):10d}"
                  + "".join(f"{sum(s.right(c) for c in group):12d}" for s in scores) + "\n")


def print_listing(score: Score, out: TextIO) -> None:
    """tagbridge's wrong picks, misses and errors, one case a line."""
    by_id = {c.id: c for c in score.wrong + score.missed}
    for title, group in (("wrong picks", score.wrong), ("misses (abstained, album was there)", score.missed)):
        out.write(f"\n{score.name} {title}: {len(group)}\n")
        for case in group:
            out.write(f"  {case.id}  [{case.trap}]\n      query: {case.describe_query()}\n"
                      f"      picked: {case.describe_result(score.picks[case.id])}\n"
                      f"      expected: {case.describe_result(case.expect)}\n")
            if case.id in score.errors:
                out.write(f"      error: {score.errors[case.id]}\n")
    others = [cid for cid in score.errors if cid not in by_id]
    if others:
        out.write(f"\n{score.name} errors on other cases: {len(others)}\n")
        for cid in others:
            out.write(f"  {cid}: {score.errors[cid]}\n")


def print_throughput(cases: Sequence[Case], repeat: int | None, cases_path: Path, out: TextIO) -> None:
    """Queries per second of both contenders, and of the matcher under each fuzz backend."""
    ours = measure(cases, tagbridge_pick, repeat)
    theirs = measure(cases, fetchart_pick, repeat)
    out.write("\nthroughput, same run, same cases (queries/s)\n")
    for name, rate in (("tagbridge: parse+match+rank", ours), ("fetchart rule: parse+pick", theirs)):
        out.write(f"  {name:34}{rate.per_second:12,.0f} q/s   ({rate.repeat} passes, {rate.seconds:.2f} s)\n")
    out.write(f"  {'ratio tagbridge/fetchart':34}{ours.per_second / theirs.per_second:12.4f}\n")

    rf, pure = (_run_worker(cases_path, b, repeat) for b in ("rapidfuzz", "pure"))
    out.write("\nmatcher alone: match_album over every query/result pair, one fresh interpreter per backend\n")
    for label, got in (("rapidfuzz backend", rf), ("pure-Python backend", pure)):
        if "error" in got:
            out.write(f"  {label:34}unavailable: {got['error']}\n")
        else:
            out.write(f"  {label:34}{float(str(got['per_second'])):12,.0f} pairs/s ({got['pairs']} pairs, "
                      f"{got['repeat']} passes, backend reported: {got['backend']})\n")
    if "error" not in rf and "error" not in pure:
        ratio = float(str(pure["per_second"])) / float(str(rf["per_second"]))
        same = "yes" if rf["digest"] == pure["digest"] else "NO: the backends disagree on some pair"
        out.write(f"  {'ratio pure/rapidfuzz':34}{ratio:12.4f}\n  identical kinds and scores on every pair: {same}\n")
        if rf["backend"] != "rapidfuzz":
            out.write("  note: rapidfuzz is not installed here, so both runs used the pure backend\n")


def rescore(name: str, cases: Iterable[Case], picks: dict[str, str | None]) -> Score:
    """A Score from picks made elsewhere (the --before worker)."""
    return score_picks(name, cases, lambda case: picks.get(case.id))


_BEFORE_WORKER = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import match_accuracy as m
cases = m.load_all([Path(p) for p in sys.argv[2:]])
picks = {}
for case in cases:
    try:
        picks[case.id] = m.tagbridge_pick(case)
    except Exception as exc:  # an old matcher may not read a new case: that is abstaining
        picks[case.id] = None
print(json.dumps(picks))
"""


def before_picks(ref: str, paths: Sequence[Path]) -> dict[str, str | None]:
    """tagbridge's picks as of git ``ref`` (a worktree of it, made once under the system temp dir)."""
    import tempfile

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True,
                            check=True).stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"tagbridge-bench-{commit}"
    if not (tree / "tagbridge").is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
                       capture_output=True, text=True, check=True)
    env = {**os.environ, "TAGBRIDGE_BENCH_IMPORT_ROOT": str(tree)}
    done = subprocess.run([sys.executable, "-c", _BEFORE_WORKER, str(Path(__file__).resolve().parent),
                           *map(str, paths)], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the --before worker failed: {done.stderr.strip().splitlines()[-1:]}")
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    return {k: (None if v is None else str(v)) for k, v in loaded.items()}


def print_parts(cases: Sequence[Case], contenders: Sequence[tuple[str, Callable[[Case], str | None]]],
                out: TextIO) -> dict[str, dict[str, Score]]:
    """Per part, per kind: precision, recall and abstain rate of each contender, side by side."""
    table: dict[str, dict[str, Score]] = {}
    for part in ("tune", "held-out"):
        group = [c for c in cases if c.part == part]
        scores = {name: score_picks(name, group, pick) for name, pick in contenders}
        table[part] = scores
        out.write(f"\n== {part} part: {len(group)} cases ({sum(c.findable for c in group)} findable)"
                  f"{'  <- judged: not looked at while tuning' if part == 'held-out' else '  (tuned on)'}\n")
        out.write(f"{'':10}{'':>6}" + "".join(f"{name[:26]:>28}" for name, _ in contenders) + "\n")
        out.write(f"{'kind':10}{'cases':>6}" + "".join(f"{'prec  recall abst wrong':>28}" for _ in contenders) + "\n")
        kinds = list(dict.fromkeys(c.category for c in group))
        for kind in [*kinds, "ALL"]:
            sub = group if kind == "ALL" else [c for c in group if c.category == kind]
            cells = []
            for name, _ in contenders:
                sc = score_picks(name, sub, lambda c, n=name: scores[n].picks.get(c.id))
                cells.append(f"{_pct(sc.precision).strip():>7}{_pct(sc.recall).strip():>7}"
                             f"{_pct(sc.abstain_rate).strip():>7}{len(sc.wrong):>6}")
            out.write(f"{kind:10}{len(sub):6d}" + "".join(f"{cell:>28}" for cell in cells) + "\n")
    return table


def judge(held_out: Score, cases: Sequence[Case], out: TextIO) -> bool:
    """Issue 10's targets on the held-out part."""
    wrong_kinds = {c.category for c in held_out.wrong if c.category in NO_WRONG_KINDS}
    met = held_out.precision >= TARGET_PRECISION and held_out.recall >= TARGET_RECALL and not wrong_kinds
    out.write(f"\ntargets on the held-out part: precision >= {TARGET_PRECISION:.1%} "
              f"({_pct(held_out.precision).strip()}), recall >= {TARGET_RECALL:.0%} ({_pct(held_out.recall).strip()}), "
              f"no wrong pick in {', '.join(NO_WRONG_KINDS)} "
              f"({'none' if not wrong_kinds else 'wrong in ' + ', '.join(sorted(wrong_kinds))}): "
              f"{'MET' if met else 'NOT MET'}\n")
    return met


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """The command line; returns 0 (the figures are the result, not the exit status)."""
    stream = out if out is not None else sys.stdout
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--cases", type=Path, action="append", default=None,
                        help="JSONL cases file (repeatable; default: every file in bench/cases)")
    parser.add_argument("--before", metavar="REF", default=None,
                        help="also run tagbridge as of git REF (e.g. the commit before a matcher change)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="passes over the cases per throughput measurement (default: enough for ~2 s)")
    parser.add_argument("--verbose", action="store_true",
                        help="list tagbridge's wrong picks and misses on the tuning part (never the held-out one)")
    parser.add_argument("--no-throughput", action="store_true", help="accuracy only")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")

    paths = tuple(args.cases) if args.cases else DEFAULT_CASES
    cases = load_all(paths)
    findable = sum(c.findable for c in cases)
    settings = BENCH_SETTINGS
    stream.write(f"tagbridge iTunes matching benchmark: {len(cases)} cases ({findable} findable, "
                 f"{len(cases) - findable} not) from {', '.join(p.name for p in paths)}\n")
    stream.write(f"tagbridge settings: min_score {settings.min_score}, storefronts "
                 f"{','.join(settings.countries)}, fuzz backend {fuzz.BACKEND}\n")
    contenders: list[tuple[str, Callable[[Case], str | None]]] = [("tagbridge", tagbridge_pick)]
    if args.before:
        old = before_picks(args.before, paths)
        contenders.append((f"tagbridge@{args.before}", lambda c: old.get(c.id)))
    contenders.append(("fetchart rule (beets)", fetchart_pick))
    table = print_parts(cases, contenders, stream)
    judge(table["held-out"]["tagbridge"], cases, stream)
    ours = score_picks("tagbridge", cases, tagbridge_pick)
    if ours.errors:
        stream.write(f"tagbridge raised on {len(ours.errors)} case(s); see --verbose\n")
    if args.verbose:
        print_listing(score_picks("tagbridge", [c for c in cases if c.part == "tune"], tagbridge_pick), stream)
    if not args.no_throughput:
        print_throughput(cases, args.repeat, paths[0], stream)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
