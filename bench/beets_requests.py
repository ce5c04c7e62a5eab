"""HTTP requests per album inside beets: its own ``spotify`` plugin against ``tagbridge``, side by side.

What belongs here: running beets' real autotagger (``beets.autotag.tag_album``) over the Anna's
Archive sample albums, made into in-memory ``Item`` objects, with one metadata source loaded
at a time (beets' own ``spotify`` plugin, then ``tagbridge``), both pointed at the same local
Spotify fake in Development Mode; counting every request in the fake's own log; and the
scenarios the issue names (a 429 on the first search, searches that return five or more
candidates). What doesn't: any lookup or matching logic. Neither plugin is changed or patched
beyond what a user configures; beets' spotify plugin has no URL options, so its URL class
attributes are pointed at the fake, as beets' own tests do.

The fakes live in ``tests/fakes``; like ``bench/spotify_requests.py`` (whose album loader this
reuses) the script puts ``tests/`` on ``sys.path`` to import them. It needs ``../shared``
beside the checkout, pyarrow and beets, and says so and exits 0 when one is missing.

Run ``python bench/beets_requests.py [--albums N] [--decoys N] [--verbose]``; bench/README.md
says how to read the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:  # the sibling benchmark, whatever the working directory
    sys.path.insert(0, str(BENCH))

# It also puts the checkout and tests/ on sys.path, so tagbridge and the fakes import from here too.
from spotify_requests import Album, _category, load_albums
from spotify_requests import skip_reason as _spotify_skip_reason

if TYPE_CHECKING:
    from beets.library import Item
    from fakes import Logged
    from fakes.annas import Sample
    from fakes.spec_clone import SpecClone

__all__ = [
    "CONTENDERS",
    "DECOYS",
    "RETRY_AFTER",
    "SCENARIOS",
    "Row",
    "Scenario",
    "album_items",
    "main",
    "measure",
    "skip_reason",
    "targets",
]

#: beets' module name for each contender; only that one is loaded while its row runs.
CONTENDERS: Final = ("spotify", "tagbridge")
#: Decoy albums added to every text album search in the decoy scenario, so each search returns 5 or more.
DECOYS: Final = 5
#: Seconds in the 429's Retry-After: short, so the run stays fast; a number beets' search never reads.
RETRY_AFTER: Final = "0.1"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """One way the fake answers, run for each contender it names."""

    name: str
    decoys: int = 0  # other sample albums added to every text album search
    rate_limit: bool = False  # the first search for each album answers 429
    isrcs: bool = False  # the items carry their tracks' ISRCs
    contenders: tuple[str, ...] = CONTENDERS


def scenarios(decoys: int = DECOYS) -> tuple[Scenario, ...]:
    """The scenarios in table order; "with ISRCs" only for tagbridge: beets' plugin never reads an ISRC."""
    return (
        Scenario(name="plain"),
        Scenario(name="429 on 1st search", rate_limit=True),
        Scenario(name=f"{decoys} decoys a search", decoys=decoys),
        Scenario(name="with ISRCs", isrcs=True, contenders=("tagbridge",)),
    )


SCENARIOS: Final = scenarios()


@dataclass(slots=True, kw_only=True)
class Row:
    """One contender in one scenario, album by album. Not frozen: a run appends to it."""

    scenario: Scenario
    contender: str
    albums: list[Album] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)  # per album, token POSTs left out
    candidates: list[list[str]] = field(default_factory=list)  # album ids as beets ranked them
    rate_limited: list[int] = field(default_factory=list)  # 429s the fake answered, per album
    apply: list[int] = field(default_factory=list)  # requests at import_task_apply, per album
    tokens: int = 0  # token POSTs in the whole row, the plugins' loading included
    at_load: int = 0  # other requests while the plugins loaded
    isrcs_filled: int = 0  # items that had no ISRC and got one at import_task_apply
    kinds: Counter[str] = field(default_factory=Counter)  # every request of the row by category
    problems: list[str] = field(default_factory=list)  # warnings and errors the plugins logged

    def matched(self) -> int:
        """Albums whose right Spotify album is beets' best candidate."""
        return sum(ids[:1] == [a.id] for a, ids in zip(self.albums, self.candidates))

    def found(self) -> int:
        """Albums whose right Spotify album is among the candidates at all."""
        return sum(a.id in ids for a, ids in zip(self.albums, self.candidates))

    def total(self, *, tokens: bool = False, apply: bool = False) -> int:
        """Every request of the row; the token POSTs and the import-time ones only when asked."""
        return sum(self.requests) + (self.tokens if tokens else 0) + (sum(self.apply) if apply else 0)

    def mean(self, *, tokens: bool = False, apply: bool = False) -> float:
        """Requests per album, as :meth:`total` counts them."""
        return self.total(tokens=tokens, apply=apply) / max(1, len(self.albums))


def skip_reason() -> str | None:
    """Why the benchmark cannot run here (no sample, no pyarrow, no beets), or None."""
    reason = _spotify_skip_reason()
    if reason is None and importlib.util.find_spec("beets") is None:
        reason = "beets is not installed; install the beets extra"
    return reason


def album_items(sample: Sample, album: Album, *, isrcs: bool = False) -> list[Item]:
    """The album as a user's files would carry it: beets ``Item``s from the sample's track rows.

    Title, the track's credit as beets' Spotify plugin writes it (names joined by ", "), album,
    the first album artist, track and disc numbers, and the length; the ISRC only with ``isrcs``.
    """
    from beets.library import Item

    row = sample.album_by_id[album.id]
    tracks = sorted(sample.album_tracks.get(row["rowid"], ()),
                    key=lambda t: (t["disc_number"], t["track_number"], t["rowid"]))
    items = []
    for track in tracks:
        item = Item(title=track["name"], artist=", ".join(a["name"] for a in sample.track_artists(track["rowid"])),
                    album=album.title, albumartist=album.artist, track=track["track_number"],
                    disc=track["disc_number"], length=track["duration_ms"] / 1000)
        if isrcs and track["external_id_isrc"]:
            item.isrc = track["external_id_isrc"]
        items.append(item)
    return items


# --- beets, isolated ------------------------------------------------------------------------


def _beets_env() -> Any:
    """beets' own test helper as a context manager: a pristine config, HOME and library in a temp dir."""
    from beets.test.helper import PluginMixin, TestHelper

    class BeetsEnv(PluginMixin, TestHelper):
        preload_plugin = False

    return BeetsEnv()


def _clear_source_caches() -> None:
    """beets caches which sources are loaded; a switch of plugin must be seen."""
    from beets.metadata_plugins import find_metadata_source_plugins, get_metadata_source, get_penalty

    for cached in (find_metadata_source_plugins, get_metadata_source, get_penalty):
        cached.cache_clear()


@contextmanager
def _spotify_pointed_at(clone: SpecClone) -> Iterator[None]:
    """beets' spotify plugin hard-codes its URLs as class attributes: point them at the fake, then back."""
    from beetsplug.spotify import SpotifyPlugin

    urls = {"search_url": f"{clone.api_url}/search", "album_url": f"{clone.api_url}/albums/",
            "track_url": f"{clone.api_url}/tracks", "oauth_token_url": clone.token_url}
    saved = {name: getattr(SpotifyPlugin, name) for name in urls}
    for name, url in urls.items():
        setattr(SpotifyPlugin, name, url)
    try:
        yield
    finally:
        for name, url in saved.items():
            setattr(SpotifyPlugin, name, url)


def _plugin_config(contender: str, clone: SpecClone, directory: Path) -> dict[str, Any]:
    """What a user writes in config.yaml to point each plugin at this server, with a fresh cache or token file."""
    if contender == "spotify":
        return {"client_id": clone.client_id, "client_secret": clone.client_secret,
                "tokenfile": str(directory / "spotify_token.json")}
    return {
        "spotify": {"backend": "api", "url": clone.api_url, "token_url": clone.token_url,
                    "client_id": clone.client_id, "client_secret": clone.client_secret},
        "cache_dir": str(directory),
        "rates": {"spotify": "1000/1"},  # the fake's limit is its 429 knob, not a wait
        "sources": ["spotify"],
    }


class _Problems(logging.Handler):
    """Keeps what the plugins log at warning and above, so the report can show it, not the console."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage().splitlines()[0]}")


@contextmanager
def _captured_logs() -> Iterator[_Problems]:
    logger = logging.getLogger("beets")
    handler, propagate = _Problems(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


# --- running and counting -------------------------------------------------------------------


def _kind(method: str, target: str) -> str:
    """spotify_requests' categories, and ``track`` for single and batch track lookups."""
    path = urlsplit(target).path
    return "track" if "/tracks" in path and "/albums/" not in path else _category(method, target, seed=False)


def _count(row: Row, entries: Sequence[Logged]) -> int:
    """Categorize ``entries`` into the row; the number that were not token POSTs."""
    tokens = sum(e.method == "POST" for e in entries)
    row.tokens += tokens
    row.kinds.update(_kind(e.method, e.target) for e in entries)
    return len(entries) - tokens


def _run_album(row: Row, env: Any, clone: SpecClone, sample: Sample, album: Album, directory: Path) -> None:
    """One album as its own ``beet import``: the plugin loaded afresh, with an empty cache and no token."""
    from beets import plugins
    from beets.autotag import Source, tag_album
    from beets.importer import ImportSession, ImportTask

    directory.mkdir(parents=True)
    env.config[row.contender].set(_plugin_config(row.contender, clone, directory))
    mark = len(clone.log)
    env.load_plugins(row.contender)  # beets' spotify plugin fetches its token here
    _clear_source_caches()
    try:
        row.at_load += _count(row, clone.log[mark:])
        items = album_items(sample, album, isrcs=row.scenario.isrcs)
        clone.search_429s = 1 if row.scenario.rate_limit else 0
        mark = len(clone.log)
        proposal = tag_album(Source.from_items(items))
        row.rate_limited.append((1 if row.scenario.rate_limit else 0) - clone.search_429s)
        clone.search_429s = 0
        row.requests.append(_count(row, clone.log[mark:]))
        row.candidates.append([str(m.info.album_id) for m in proposal.candidates])
        row.albums.append(album)
        # What an import does next with the chosen candidate: tagbridge fetches ISRCs here.
        mark, had = len(clone.log), sum(bool(i.isrc) for i in items)
        if proposal.candidates:
            task = ImportTask(None, None, items)
            task.match = proposal.candidates[0]
            session = ImportSession(env.lib, None, [])
            # tagbridge fetches ISRCs once the album is chosen, and hands them over at apply.
            plugins.send("import_task_choice", session=session, task=task)
            task.apply_metadata()
            plugins.send("import_task_apply", session=session, task=task)
        row.apply.append(_count(row, clone.log[mark:]))
        row.isrcs_filled += sum(bool(i.isrc) for i in items) - had
    finally:
        for plugin in plugins.find_plugins():
            if row.contender == "tagbridge" and hasattr(plugin, "runtime"):
                plugin.runtime.close()
        env.unload_plugins()
        _clear_source_caches()


def _run_row(row: Row, env: Any, clone: SpecClone, sample: Sample, albums: Sequence[Album], directory: Path) -> Row:
    clone.pad_search_with = row.scenario.decoys
    clone.retry_after = RETRY_AFTER
    with _captured_logs() as problems:
        for i, album in enumerate(albums):
            _run_album(row, env, clone, sample, album, directory / str(i))
    row.problems.extend(problems.lines)
    return row


def measure(sample: Sample, albums: Sequence[Album], chosen: Sequence[Scenario] = SCENARIOS) -> list[Row]:
    """Every scenario for every contender it names, through one Development-Mode fake, in one run."""
    from fakes.spec_clone import SpecClone

    clone = SpecClone(sample, batch=False, require_auth=True, search_limit_max=10, dev_mode_fields=True,
                      single_quoted_filters=True)
    rows = []
    with clone.running(), _spotify_pointed_at(clone), _beets_env() as env, \
            tempfile.TemporaryDirectory(prefix="tagbridge-bench-") as tmp:
        for s, scenario in enumerate(chosen):
            for contender in scenario.contenders:
                row = Row(scenario=scenario, contender=contender)
                rows.append(_run_row(row, env, clone, sample, albums, Path(tmp) / f"{s}-{contender}"))
    return rows


# --- targets and the report -----------------------------------------------------------------


def _pair(rows: Sequence[Row], scenario: Scenario) -> tuple[Row | None, Row | None]:
    found = {r.contender: r for r in rows if r.scenario == scenario}
    return found.get("spotify"), found.get("tagbridge")


def _lost(row: Row, plain: Row) -> int:
    """Candidates ``plain`` had that ``row`` lacks, summed over the albums."""
    return sum(len(set(before) - set(now)) for before, now in zip(plain.candidates, row.candidates))


def _costlier(beets: Row, ours: Row, *, apply: bool) -> list[str]:
    """Albums where both picked the same album but tagbridge made more requests than beets."""
    out = []
    for i, album in enumerate(ours.albums):
        ours_n = ours.requests[i] + (ours.apply[i] if apply else 0)
        if ours.candidates[i][:1] == beets.candidates[i][:1] and ours_n > beets.requests[i]:
            out.append(f"{album.title!r} {ours_n}>{beets.requests[i]}")
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """One of the issue's targets, and whether this run met it."""

    name: str
    holds: bool
    detail: str
    with_apply: bool = False  # judged again, tagbridge's import-time ISRC fetch counted too


def _first(rows: Sequence[Row], test: Any) -> Scenario:
    return next(r.scenario for r in rows if test(r.scenario))


def targets(rows: Sequence[Row]) -> list[Target]:
    """The issue's three targets, judged on this run's rows (the plain, 429 and decoy scenarios)."""
    plain = _first(rows, lambda s: not (s.rate_limit or s.decoys or s.isrcs))
    limited = _first(rows, lambda s: s.rate_limit)
    padded = _first(rows, lambda s: s.decoys)
    (beets_plain, ours_plain), (beets_429, ours_429), (beets_pad, ours_pad) = (
        _pair(rows, s) for s in (plain, limited, padded))
    assert beets_plain and ours_plain and beets_429 and ours_429 and beets_pad and ours_pad
    lost, albums = _lost(ours_429, ours_plain), ours_plain.albums
    out = [Target(name="no candidate lost to a 429", holds=lost == 0,
                  detail=f"tagbridge lost {lost}, beets {_lost(beets_429, beets_plain)} "
                         f"({sum(ours_429.rate_limited)} and {sum(beets_429.rate_limited)} 429s answered)")]
    pairs = [(s.name, *_pair(rows, s)) for s in (plain, limited, padded)]
    worse = {name: _costlier(b, o, apply=False) for name, b, o in pairs if b and o}
    worse_apply = {name: _costlier(b, o, apply=True) for name, b, o in pairs if b and o}
    detail = "; ".join(f"{name}: {', '.join(v)}" for name, v in worse.items() if v) or "none"
    detail_apply = "; ".join(f"{name}: {len(v)} of {len(albums)}" for name, v in worse_apply.items() if v) or "none"
    out.append(Target(name="never more requests than beets for the same result", holds=not any(worse.values()),
                      detail=f"albums with the same pick and more requests: {detail}"))
    out.append(Target(name=out[-1].name, holds=not any(worse_apply.values()), with_apply=True,
                      detail=f"albums with the same pick and more requests: {detail_apply}"))
    ratio = ours_pad.mean() / max(beets_pad.mean(), 1e-9)
    ratio_apply = ours_pad.mean(apply=True) / max(beets_pad.mean(), 1e-9)
    theirs = beets_pad.mean()
    out.append(Target(name="at most half of beets' requests when a search returns several candidates",
                      holds=ratio <= 0.5, detail=f"{padded.name}: {ours_pad.mean():.2f}/{theirs:.2f} = {ratio:.3f}"))
    out.append(Target(name=out[-1].name, holds=ratio_apply <= 0.5, with_apply=True,
                      detail=f"{padded.name}: {ours_pad.mean(apply=True):.2f}/{theirs:.2f} = {ratio_apply:.3f}"))
    return out


_KINDS: Final = ("token", "search", "album", "pages", "batch", "track", "other")


def _lines(rows: Sequence[Row], albums: Sequence[Album], verbose: bool) -> Iterator[str]:
    n = len(albums)
    yield (f"{n} albums through one SpecClone in Development Mode (no batch endpoints, auth, search limit 10, "
           f"restricted fields); every request counted in its own log")
    yield ""
    yield (f"{'scenario':18} {'plugin':9} {'matched':>7} {'found':>6} {'requests':>8} {'mean':>5} {'max':>4} "
           f"{'tokens':>6} {'429s':>4} {'lost':>4} {'apply':>5} {'isrcs':>5} {'mean+apply':>10}")
    plain = rows[0].scenario
    for row in rows:
        base = next(r for r in rows if r.scenario == plain and r.contender == row.contender)
        lost = "-" if row.scenario == plain else str(_lost(row, base))
        yield (f"{row.scenario.name:18} {row.contender:9} {row.matched():>4}/{n:<2} {row.found():>3}/{n:<2} "
               f"{row.total():>8} {row.mean():>5.2f} {max(row.requests, default=0):>4} {row.tokens:>6} "
               f"{sum(row.rate_limited):>4} {lost:>4} {sum(row.apply):>5} {row.isrcs_filled:>5} "
               f"{row.mean(apply=True):>10.2f}")
    yield "  matched: beets' autotagger ranks the right album first; found: it is among the candidates."
    yield "  Each album is its own cold run: the plugin loaded afresh, an empty HTTP cache, no token."
    yield "  requests, mean, max: per album while beets looks for candidates, token POSTs left out (tokens: beets'"
    yield "  plugin fetches one as it loads, tagbridge on first use). lost: candidates the plain row had and this lacks."
    yield "  apply: requests at import_task_choice/apply for the best candidate (tagbridge's ISRC fetch), not in requests;"
    yield "  isrcs: items that got an ISRC from it."
    yield ""
    yield "ratio tagbridge/beets, mean requests per album, same run, same fake"
    for scenario in dict.fromkeys(r.scenario for r in rows):
        beets, ours = _pair(rows, scenario)
        if ours is None:
            continue
        against = beets or _pair(rows, plain)[0]
        assert against is not None
        note = "" if beets else "  (against beets' plain row: beets reads no ISRC)"
        theirs = max(against.mean(), 1e-9)
        yield (f"  {scenario.name:18} {ours.mean():.2f}/{against.mean():.2f} = {ours.mean() / theirs:.3f}"
               f"   with tokens {ours.mean(tokens=True) / max(against.mean(tokens=True), 1e-9):.3f}"
               f"   with apply {ours.mean(apply=True) / theirs:.3f}{note}")
    yield ""
    yield "targets"
    for target in targets(rows):
        name = "  ... counting tagbridge's import-time ISRC fetch too" if target.with_apply else target.name
        yield f"  {'holds' if target.holds else 'FAILS'}  {name}: {target.detail}"
    yield ""
    yield "where the requests went (all albums, import-time included)"
    yield f"{'scenario':18} {'plugin':9} " + " ".join(f"{k:>6}" for k in _KINDS)
    for row in rows:
        yield f"{row.scenario.name:18} {row.contender:9} " + " ".join(f"{row.kinds[k]:>6}" for k in _KINDS)
    for row in rows if verbose else []:
        yield ""
        yield f"{row.scenario.name} / {row.contender}: requests {row.requests}, apply {row.apply}"
        for album, ids in zip(row.albums, row.candidates):
            if ids[:1] != [album.id]:
                got = f"best {ids[0]}, {len(ids)} candidates" if ids else "no candidates"
                yield f"  miss {album.id} {album.title!r} by {album.artist!r}: {got}"
        for line in dict.fromkeys(row.problems):
            yield f"  logged {line}"


def main(argv: Sequence[str] | None = None, *, out: TextIO = sys.stdout) -> int:
    """Run the benchmark and print the report; 0 also when it has to skip (it says why)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--albums", type=int, metavar="N", help="only the first N sample albums (default: all)")
    parser.add_argument("--decoys", type=int, default=DECOYS, metavar="N",
                        help=f"decoy albums added to each search in that scenario (default {DECOYS})")
    parser.add_argument("--verbose", action="store_true", help="list requests per album, every miss and log line")
    args = parser.parse_args(argv)
    reason = skip_reason()
    if reason:
        print(f"skipped: {reason}", file=out)
        return 0
    from fakes.annas import load_sample
    from spotify_requests import SAMPLE_DIR

    started = time.monotonic()
    sample = load_sample(SAMPLE_DIR)
    albums = load_albums(sample, args.albums)
    rows = measure(sample, albums, scenarios(args.decoys))
    for line in _lines(rows, albums, args.verbose):
        print(line, file=out)
    print(f"\n{time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, {time.monotonic() - started:.1f} s",
          file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
