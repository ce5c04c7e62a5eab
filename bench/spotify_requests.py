"""HTTP requests per album for each Spotify backend, against beets' spotify plugin flow.

What belongs here: running tagbridge's Spotify lookups (by text, by UPC, by Spotify id) over the
real Anna's Archive sample albums, served by the test fakes, counting what crossed HTTP in each
fake's own request log, and the baseline: beets' spotify plugin album flow, reimplemented below
and run through the same driver against the same fake. What doesn't: any lookup logic; this
script only measures tagbridge's modules and never changes them.

The fakes live in ``tests/fakes``; this script puts ``tests/`` on ``sys.path`` to import them
(``fakes`` and ``shared_paths``). It needs ``../shared`` beside the checkout and pyarrow, and
says so and exits 0 when either is missing.

Run ``python bench/spotify_requests.py [--albums N] [--verbose]``; bench/README.md says how to
read the figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
for _path in (ROOT, TESTS):  # run as a script from anywhere: the checkout and the fakes
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from tagbridge.core.config import Settings
from tagbridge.core.errors import TagbridgeError
from tagbridge.core.http import HttpRequest, HttpResponse, Lookup
from tagbridge.core.model import AlbumQuery
from tagbridge.drivers.sync import DriverOptions, SyncDriver
from tagbridge.sources import spotify

if TYPE_CHECKING:
    from fakes import FakeServer
    from fakes.annas import Sample

__all__ = [
    "Album",
    "BeetsFlow",
    "KINDS",
    "Report",
    "Row",
    "SAMPLE_DIR",
    "load_albums",
    "main",
    "measure_all",
    "skip_reason",
]

#: The Anna's Archive sample, read in place (tests/shared_paths.py names the same directory).
SAMPLE_DIR: Final = (ROOT / ".." / "shared" / "data" / "annas-sample").resolve()
KINDS: Final = ("text", "upc", "id")
#: beets' MetadataSourcePlugin default ``search_limit``; Development Mode caps search at 10.
BEETS_SEARCH_LIMIT: Final = 5
#: beets' ``candidates`` drops the artist filter when the album is likely Various Artists.
_VA_ARTISTS: Final = frozenset({"", "various artists", "various", "va", "unknown"})
_ALBUM_PATH = re.compile(r"/albums/[^/]+$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Album:
    """One sample album as a user's query would name it."""

    id: str
    title: str
    artist: str  # the first credited album artist, as a tag would usually hold
    upc: str | None
    compilation: bool


@dataclass(slots=True, kw_only=True)
class Row:
    """One contender's run over the albums: what it found and what it cost, album by album.

    Not frozen: a run appends to it album by album.
    """

    backend: str
    kind: str
    contender: str = "tagbridge"
    counts: list[int] = field(default_factory=list)  # requests per album, the token POST included
    tokens: list[int] = field(default_factory=list)  # token POSTs per album
    found: list[list[str]] = field(default_factory=list)  # ids returned, best first
    errors: list[str | None] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)  # requests by category
    albums: list[Album] = field(default_factory=list)

    def resolved(self, *, anywhere: bool = False) -> int:
        """Albums whose id came back first (or among the results, with ``anywhere``)."""
        return sum(a.id in ids if anywhere else ids[:1] == [a.id] for a, ids in zip(self.albums, self.found))

    def mean(self, *, warm: bool = False) -> float:
        """Requests per album; ``warm`` leaves the token POST out, as with a cached token."""
        return sum(self._per_album(warm)) / max(1, len(self.counts))

    def most(self, *, warm: bool = False) -> int:
        """The most requests any one album took."""
        return max(self._per_album(warm), default=0)

    def _per_album(self, warm: bool) -> list[int]:
        return [c - t for c, t in zip(self.counts, self.tokens)] if warm else list(self.counts)


def skip_reason() -> str | None:
    """Why the benchmark cannot run here (no ../shared sample, no pyarrow, no fakes), or None."""
    if not (SAMPLE_DIR / "albums.parquet").exists():
        return f"{SAMPLE_DIR} is absent: the shared data must sit at ../shared beside the project"
    for module in ("pyarrow", "pytest"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed; the test fakes need it (install the test extra)"
    return None


def load_albums(sample: Sample, limit: int | None = None) -> list[Album]:
    """The sample's albums in file order, taken-down ones (empty names) left out."""
    albums = []
    for row in sample.albums:
        artists = sample.main_album_artists(row["rowid"])
        if not row["name"].strip() or not artists:
            continue
        albums.append(Album(id=row["id"], title=row["name"], artist=artists[0]["name"],
                            upc=row["external_id_upc"], compilation=row["album_type"] == "compilation"))
    return albums[:limit] if limit is not None else albums


# --- the baseline ---------------------------------------------------------------------------


class BeetsFlow:
    """beets' spotify plugin album flow (beetsplug/spotify.py with beets/metadata_plugins.py).

    ``setup()`` fetches a client-credentials token once, when the plugin loads. ``candidates``
    sends one ``GET /search`` (``type=album``, ``limit`` = ``search_limit``, default 5) with an
    ``album`` filter and, unless the album is likely Various Artists, an ``artist`` filter, then
    ``album_for_id`` for every hit, whatever it is: ``GET /albums/{id}`` and each ``tracks.next``.
    A 401 re-authenticates and retries; any other error makes the search answer nothing. A failed
    album fetch is left out here (beets raises); on these fakes none fails.
    """

    def __init__(self, settings: Settings, *, quote: str = '"', limit: int = BEETS_SEARCH_LIMIT) -> None:
        """``quote`` wraps filter values: beets itself writes ``album:'…'`` (see bench/README.md)."""
        self.base = settings.spotify_api_url.rstrip("/")
        self.token_url = settings.spotify_token_url or ""
        self.credentials = settings.spotify_credentials or ("", "")
        self.quote = quote
        self.limit = limit
        self.token: str | None = None

    def search_query(self, album: Album) -> str:
        """``album:"…" artist:"…"``, in the order and with the filters beets' ``candidates`` uses."""
        filters = {"album": album.title}
        if not (album.compilation or album.artist.lower() in _VA_ARTISTS):
            filters["artist"] = album.artist
        return " ".join(f"{k}:{self.quote}{v}{self.quote}" for k, v in filters.items())

    def candidates(self, album: Album) -> Lookup[list[str]]:
        """The ids of every album the search answered, each fetched whole as beets does."""
        params = (("q", self.search_query(album)), ("type", "album"), ("limit", str(self.limit)))
        response = yield from self._get(f"{self.base}/search", params)
        if response.status != 200:
            return []
        items = json.loads(response.body).get("albums", {}).get("items", [])
        found = []
        for item in items:
            fetched = yield from self.album_for_id(item["id"])
            if fetched is not None:
                found.append(fetched)
        return found

    def album_for_id(self, album_id: str) -> Lookup[str | None]:
        """``GET /albums/{id}`` and every ``tracks.next`` page; the album's id, or None."""
        response = yield from self._get(f"{self.base}/albums/{album_id}", ())
        if response.status != 200:
            return None
        data = json.loads(response.body)
        page = data["tracks"]
        while page.get("next"):
            more = yield from self._get(page["next"], ())
            page = json.loads(more.body)
        return str(data["id"])

    def _get(self, url: str, params: tuple[tuple[str, str], ...]) -> Lookup[HttpResponse]:
        if self.token is None:
            yield from self._authenticate()
        response = yield self._request(url, params)
        if response.status == 401:
            yield from self._authenticate()
            response = yield self._request(url, params)
        return response

    def _request(self, url: str, params: tuple[tuple[str, str], ...]) -> HttpRequest:
        return HttpRequest(url=url, source="spotify", params=params,
                           headers=(("Authorization", f"Bearer {self.token}"),))

    def _authenticate(self) -> Lookup[None]:
        request = spotify.build_token_request(self.token_url, *self.credentials)
        response = yield request
        self.token = str(json.loads(response.body)["access_token"])


# --- running and counting -------------------------------------------------------------------


def _category(method: str, target: str, *, seed: bool) -> str:
    """What a logged request was for; on the seed clone, ``/v1`` and ``type=album`` are detection."""
    parts = urlsplit(target)
    path, query = parts.path, dict(parse_qsl(parts.query))
    if method == "POST":
        return "token"
    if seed and (path.startswith("/v1/") or (path == "/search" and query.get("type") == "album")):
        return "probe"
    if path.endswith("/search"):
        return "search"
    if path.endswith("/tracks") and "/albums/" in path:
        return "pages"
    if path.endswith("/albums"):
        return "batch"
    if _ALBUM_PATH.search(path):
        return "album"
    return "other"


def _run(row: Row, server: FakeServer, driver: SyncDriver, albums: Sequence[Album],
         lookup: Callable[[Album], Lookup[list[str]]], *, seed: bool = False) -> Row:
    for album in albums:
        before = len(server.log)
        try:
            ids, error = driver.run(lookup(album)), None
        except TagbridgeError as exc:
            ids, error = [], f"{type(exc).__name__}: {exc}"
        entries = server.log[before:]
        row.albums.append(album)
        row.found.append(ids)
        row.errors.append(error)
        row.counts.append(len(entries))
        row.tokens.append(sum(e.method == "POST" for e in entries))
        row.kinds.update(_category(e.method, e.target, seed=seed) for e in entries)
    return row


def _tagbridge(kind: str, session: spotify.SpotifySession) -> Callable[[Album], Lookup[list[str]]]:
    def lookup(album: Album) -> Lookup[list[str]]:
        if kind == "text":
            found = yield from spotify.search_albums(session, AlbumQuery(artist=album.artist, album=album.title))
            return [r.id for r in found.records]
        if kind == "upc":
            by_upc = yield from spotify.albums_by_upc(session, album.upc or "")
            return [r.id for r in by_upc]
        record = yield from spotify.album_by_id(session, album.id)
        return [record.id] if record else []
    return lookup


def _beets(kind: str, flow: BeetsFlow) -> Callable[[Album], Lookup[list[str]]]:
    def lookup(album: Album) -> Lookup[list[str]]:
        if kind == "text":
            return (yield from flow.candidates(album))
        found = yield from flow.album_for_id(album.id)
        return [found] if found else []
    return lookup


def _driver(stack: ExitStack, server: FakeServer) -> SyncDriver:
    # No cache, no limit: every request reaches the fake, so its log counts them all.
    options = DriverOptions(cache_path=None, cache_read=False, cache_write=False, rates={})
    return stack.enter_context(SyncDriver(options))


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """Every row of one benchmark run."""

    tagbridge: list[Row]
    beets: list[Row]
    beets_verbatim: Row  # beets' own single-quoted filters, through the same fake


def measure_all(sample: Sample, albums: Sequence[Album]) -> Report:
    """Run every backend and lookup kind, and the beets baseline, over ``albums``."""
    from fakes.seed_clone import SeedClone
    from fakes.spec_clone import SpecClone

    api = SpecClone(sample, require_auth=True, batch=False, page_size=50, search_limit_max=10)
    clone = SpecClone(sample)  # batch on, no auth
    seed = SeedClone(sample)
    rows: list[Row] = []
    fakes: tuple[FakeServer, ...] = (api, clone, seed)
    with ExitStack() as stack:
        for fake in fakes:
            stack.enter_context(fake.running())
        api_settings = Settings(spotify_backend="api", spotify_api_url=api.api_url, spotify_token_url=api.token_url,
                                spotify_client_id=api.client_id, spotify_client_secret=api.client_secret)
        backends: list[tuple[str, FakeServer, Settings]] = [
            ("api (Development Mode)", api, api_settings),
            ("clone (spec), base without /v1", clone,
             Settings(spotify_backend="clone", spotify_api_url=clone.url, spotify_token_url=None)),
            ("clone (spec), base ending /v1", clone,
             Settings(spotify_backend="clone", spotify_api_url=clone.api_url, spotify_token_url=None)),
            ("clone (seed)", seed, Settings(spotify_backend="clone", spotify_api_url=seed.url, spotify_token_url=None)),
        ]
        drivers = {id(fake): _driver(stack, fake) for fake in fakes}
        for name, server, settings in backends:
            for kind in KINDS:
                # One session a run, as the CLI and beets adapter keep one: the token, dialect
                # and batch verdict are learnt once and reused for every later album.
                session = spotify.SpotifySession(settings, clock=time.time)
                rows.append(_run(Row(backend=name, kind=kind), server, drivers[id(server)], albums,
                                 _tagbridge(kind, session), seed=server is seed))
        beets = [_run(Row(backend="api (Development Mode)", kind=kind, contender="beets"), api, drivers[id(api)],
                      albums, _beets(kind, BeetsFlow(api_settings))) for kind in ("text", "id")]
        verbatim = _run(Row(backend="api (Development Mode)", kind="text", contender="beets, album:'…'"), api,
                        drivers[id(api)], albums, _beets("text", BeetsFlow(api_settings, quote="'")))
    return Report(tagbridge=rows, beets=beets, beets_verbatim=verbatim)


# --- the report -----------------------------------------------------------------------------

_CATEGORIES: Final = ("token", "search", "album", "pages", "batch", "probe", "other")


def _lines(report: Report, albums: Sequence[Album], verbose: bool) -> Iterator[str]:
    n = len(albums)
    with_upc = sum(a.upc is not None for a in albums)
    yield f"{n} albums; requests counted in each fake's own log; cold = the token POST counted once a run"
    yield ""
    yield f"{'backend':34} {'lookup':6} {'contender':10} {'resolved':>9} {'requests':>8} {'mean':>6} {'max':>4}" \
          f" {'warm mean':>9} {'warm max':>8}"
    for row in [*report.tagbridge, *report.beets]:
        beets = row.contender == "beets"
        total = with_upc if row.kind == "upc" else n
        resolved = f"{row.resolved(anywhere=beets)}/{total}{'*' if beets else ''}"
        yield (f"{row.backend:34} {row.kind:6} {row.contender:10} {resolved:>9} {sum(row.counts):>8} "
               f"{row.mean():>6.2f} {row.most():>4} {row.mean(warm=True):>9.2f} {row.most(warm=True):>8}")
    yield "  resolved: the right id as the top result; * for beets: the right id among its candidates"
    yield "  (beets' autotagger ranks them afterwards). beets has no barcode lookup: no upc row."
    yield ""
    api = {r.kind: r for r in report.tagbridge if r.backend.startswith("api")}
    yield "ratio tagbridge/beets, mean requests per album, same run, same fake (api settings)"
    for row in report.beets:
        ours = api[row.kind]
        yield (f"  {row.kind:5} cold {ours.mean():.2f}/{row.mean():.2f} = {ours.mean() / row.mean():.3f}"
               f"   warm {ours.mean(warm=True):.2f}/{row.mean(warm=True):.2f} = "
               f"{ours.mean(warm=True) / max(row.mean(warm=True), 1e-9):.3f}")
    v = report.beets_verbatim
    yield (f"  beets' own quoting (album:'…' artist:'…') through this fake: {v.resolved(anywhere=True)}/{n} found, "
           f"{v.mean():.2f} requests per album")
    yield ""
    yield "where the requests went (all albums)"
    yield f"{'backend':34} {'lookup':6} {'contender':10} " + " ".join(f"{c:>6}" for c in _CATEGORIES)
    for row in [*report.tagbridge, *report.beets]:
        yield f"{row.backend:34} {row.kind:6} {row.contender:10} " + " ".join(f"{row.kinds[c]:>6}" for c in _CATEGORIES)
    for row in report.tagbridge + report.beets if verbose else []:
        misses = [(a, ids, e) for a, ids, e in zip(row.albums, row.found, row.errors)
                  if (a.upc or row.kind != "upc") and ids[:1] != [a.id]]
        yield ""
        yield f"{row.backend} / {row.kind} / {row.contender}: requests per album {row.counts}"
        for album, ids, error in misses:
            got = error or (f"got {ids}" if ids else "nothing")
            yield f"  miss {album.id} {album.title!r} by {album.artist!r}: {got}"


def main(argv: Sequence[str] | None = None, *, out: TextIO = sys.stdout) -> int:
    """Run the benchmark and print the report; 0 also when it has to skip (it says why)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--albums", type=int, metavar="N", help="only the first N sample albums (default: all)")
    parser.add_argument("--verbose", action="store_true", help="list requests per album and every miss")
    args = parser.parse_args(argv)
    reason = skip_reason()
    if reason:
        print(f"skipped: {reason}", file=out)
        return 0
    from fakes.annas import load_sample

    started = time.monotonic()
    sample = load_sample(SAMPLE_DIR)
    albums = load_albums(sample, args.albums)
    report = measure_all(sample, albums)
    for line in _lines(report, albums, args.verbose):
        print(line, file=out)
    print(f"\n{time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, {time.monotonic() - started:.1f} s",
          file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
