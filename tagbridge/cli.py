"""The ``tagbridge`` command line: argument parsing, output, and wiring settings to a driver.

What belongs here: turning argv and the environment into a query and settings, running the
resolver through the sync driver, printing. What doesn't: any matching or source logic.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO

from tagbridge import __version__
from tagbridge.core.config import (
    KNOWN_SOURCES,
    Settings,
    parse_countries,
    parse_size,
    parse_sources,
    settings_from_env,
)
from tagbridge.core.errors import ConfigError, TagbridgeError
from tagbridge.core.http import host_of
from tagbridge.core.model import AlbumQuery, ArtResolution
from tagbridge.core.resolve import resolve_art
from tagbridge.drivers.sync import DriverOptions, SyncDriver, default_cache_dir

__all__ = ["main", "build_parser"]

log = logging.getLogger("tagbridge")

EXIT_OK = 0
EXIT_USAGE = 2

_EPILOG = """\
environment:
  TAGBRIDGE_ITUNES_URL, TAGBRIDGE_CAA_URL, TAGBRIDGE_MUSICBRAINZ_URL   base URLs (mirrors, tests)
  TAGBRIDGE_ITUNES_RATE=20/60, TAGBRIDGE_MUSICBRAINZ_RATE=1/1,
  TAGBRIDGE_CAA_RATE=10/1                              per-host limits as CALLS/SECONDS
  TAGBRIDGE_COUNTRIES, TAGBRIDGE_SOURCES, TAGBRIDGE_ART_SIZE, TAGBRIDGE_MIN_SCORE
                                                       defaults for the options below
  TAGBRIDGE_TIMEOUT=20, TAGBRIDGE_RATE_LIMIT_RETRIES=2 seconds to wait; rate-limit answers to wait out
  TAGBRIDGE_CACHE_DIR                                  HTTP cache and rate-limit state

exit status: 0 when art was found or the resolver abstained (an empty list: wrong art is
worse than none), 2 on a usage or configuration error. A failing source is reported per
source and never stops the others.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, shared by ``main`` and the README's ``--help`` text."""
    parser = argparse.ArgumentParser(
        prog="tagbridge",
        description="Album metadata and cover art from the Cover Art Archive, iTunes and Spotify.",
    )
    parser.add_argument("--version", action="version", version=f"tagbridge {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log requests (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    art = sub.add_parser(
        "art",
        help="find the best cover art for an album, or abstain",
        description=(
            "Find cover art for one album (or a JSONL batch) across the Cover Art Archive and the "
            "iTunes Search API, ranked best first: identifier matches (MusicBrainz links, barcode, "
            "MBID) before exact text matches before fuzzy ones, then by size up to --size, then by "
            "source order. Prints nothing ranked when unsure."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = art.add_argument_group("the album")
    what.add_argument("--artist", help="album artist, e.g. 'Daft Punk'")
    what.add_argument("--album", help="album title, e.g. 'Random Access Memories'")
    what.add_argument("--barcode", metavar="UPC", help="UPC/EAN barcode; looked up before any text search")
    what.add_argument("--mbid", metavar="MBID", help="MusicBrainz release ID: CAA art and url-rel links to iTunes")
    what.add_argument("--release-group", metavar="RGID", help="MusicBrainz release-group ID (CAA fallback)")
    what.add_argument("--tracks", type=int, metavar="N", help="track count, to tell editions apart")
    what.add_argument("--batch", metavar="FILE.jsonl",
                      help="one JSON query object per line ({'artist','album','barcode','mbid',"
                           "'release_group','tracks'}); '-' reads stdin; prints one result per line")
    how = art.add_argument_group("how to search")
    how.add_argument("--sources", metavar="LIST", help=f"comma-separated, in order of preference (default caa,itunes; known: {','.join(KNOWN_SOURCES)})")
    how.add_argument("--size", metavar="PX|original",
                     help="wanted image size: pixels (default 3000) or 'original' for the untouched upload")
    how.add_argument("--country", metavar="CC,..", help="iTunes storefronts to try in order (default US)")
    how.add_argument("--min-score", type=float, metavar="S", help="abstain under this match score, 0..1 (default 0.85)")
    how.add_argument("--probe", action="store_true", help="fetch the first bytes of the top candidates to learn their real size")
    how.add_argument("--no-cache", action="store_true", help="neither read nor write the HTTP cache")
    out = art.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print JSON: {'query', 'candidates', 'sources'}")
    out.add_argument("--explain", action="store_true", help="say why each candidate ranked where it did, and what was rejected")
    return parser


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    env = os.environ if env is None else env
    _setup_logging(args.verbose)
    try:
        settings = _settings(args, env)
        if args.command == "art":
            return _art(args, settings, env)
    except ConfigError as exc:
        print(f"tagbridge: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_USAGE  # pragma: no cover - argparse requires a command


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(name)s: %(message)s", stream=sys.stderr)


def _settings(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    settings = settings_from_env(env)
    changes: dict[str, object] = {}
    if args.sources:
        changes["sources"] = parse_sources(args.sources)
    if args.size:
        changes["size"] = parse_size(args.size)
    if args.country:
        changes["countries"] = parse_countries(args.country)
    if args.min_score is not None:
        if not 0.0 <= args.min_score <= 1.0:
            raise ConfigError("--min-score must be between 0 and 1")
        changes["min_score"] = args.min_score
    return replace(settings, **changes)  # type: ignore[arg-type]


def _driver(settings: Settings, env: Mapping[str, str], *, use_cache: bool) -> SyncDriver:
    cache_dir = default_cache_dir(env)
    hosts = {
        host_of(settings.itunes_url): settings.rates["itunes"],
        host_of(settings.caa_url): settings.rates["caa"],
        host_of(settings.musicbrainz_url): settings.rates["musicbrainz"],
    }
    return SyncDriver(
        DriverOptions(
            cache_path=cache_dir / "http-cache.sqlite",
            use_cache=use_cache,
            rates=hosts,
            ratelimit_path=cache_dir / "ratelimit.sqlite",
            timeout=(min(5.0, settings.timeout), settings.timeout),
            max_rate_limit_retries=settings.rate_limit_retries,
        )
    )


def _art(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    if args.batch:
        if args.artist or args.album or args.barcode or args.mbid or args.release_group:
            raise ConfigError("--batch takes its queries from the file; drop --artist/--album/--barcode/--mbid")
        return _art_batch(args, settings, env)
    query = query_from_mapping(
        {"artist": args.artist, "album": args.album, "barcode": args.barcode, "mbid": args.mbid,
         "release_group": args.release_group, "tracks": args.tracks},
        where="",
    )
    with _driver(settings, env, use_cache=not args.no_cache) as driver:
        result = driver.run(resolve_art(settings, query, probe=args.probe))
    _print_result(result, args, sys.stdout)
    return EXIT_OK


def _art_batch(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    from tqdm import tqdm

    stream: IO[str] = sys.stdin if args.batch == "-" else _open_batch(args.batch)
    lines = list(enumerate(stream, 1))
    bad = 0
    with _driver(settings, env, use_cache=not args.no_cache) as driver:
        # The bar goes to stderr and only to a terminal, so piped JSON output stays clean.
        for number, line in tqdm(lines, unit="album", file=sys.stderr, disable=not sys.stderr.isatty()):
            if not line.strip():
                continue
            try:
                query = query_from_mapping(_json_line(line, number), where=f"line {number}: ")
            except ConfigError as exc:
                bad += 1
                print(json.dumps({"line": number, "error": str(exc), "candidates": []}, ensure_ascii=False), flush=True)
                print(f"tagbridge: {exc}", file=sys.stderr)
                continue
            result = driver.run(resolve_art(settings, query, probe=args.probe))
            _print_result(result, args, sys.stdout)
            sys.stdout.flush()
    if bad:
        print(f"tagbridge: error: {bad} of {len(lines)} batch lines were not valid queries", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _open_batch(path: str) -> IO[str]:
    try:
        return Path(path).open(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read batch file {path}: {exc.strerror}") from None


def _json_line(line: str, number: int) -> Mapping[str, object]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"line {number}: not JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise ConfigError(f"line {number}: expected a JSON object like {{\"artist\": …, \"album\": …}}")
    return obj


_MBID_CHARS = set("0123456789abcdef-")


def query_from_mapping(data: Mapping[str, object], *, where: str) -> AlbumQuery:
    """Build a query from CLI options or a batch object, checking every field.

    Raises:
        ConfigError: naming the bad field, prefixed with ``where``.
    """
    known = {"artist", "album", "barcode", "mbid", "release_group", "tracks", "year"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{where}unknown field {unknown[0]!r}; known: {', '.join(sorted(known))}")

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ConfigError(f"{where}{key} must be a string")
        return str(value).strip() or None

    def number(key: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"{where}{key} must be a positive whole number")
        return value

    barcode = text("barcode")
    if barcode is not None:
        digits = barcode.replace(" ", "").replace("-", "")
        if not digits.isdigit() or not 8 <= len(digits) <= 14:
            raise ConfigError(f"{where}barcode {barcode!r} is not 8 to 14 digits")
        barcode = digits
    ids = {}
    for key in ("mbid", "release_group"):
        value = text(key)
        if value is not None:
            value = value.lower()
            if len(value) != 36 or set(value) - _MBID_CHARS or value.count("-") != 4:
                raise ConfigError(f"{where}{key} {value!r} is not a MusicBrainz ID (a UUID)")
        ids[key] = value
    query = AlbumQuery(
        artist=text("artist") or "",
        album=text("album") or "",
        barcode=barcode,
        mbid=ids["mbid"],
        release_group=ids["release_group"],
        tracks=number("tracks"),
        year=number("year"),
    )
    if not (query.barcode or query.mbid or query.release_group or (query.artist and query.album)):
        raise ConfigError(f"{where}give --artist and --album, or an identifier (--barcode, --mbid, --release-group)")
    return query


def _print_result(result: ArtResolution, args: argparse.Namespace, out: IO[str]) -> None:
    for report in result.reports:
        if not report.ok:
            print(f"tagbridge: {report.error}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(explain=args.explain), ensure_ascii=False), file=out)
        return
    q = result.query
    label = " – ".join(p for p in (q.artist, q.album) if p) or q.mbid or q.barcode or q.release_group
    if not result.candidates:
        print(f"{label}: no art found with enough confidence (abstained)", file=out)
    else:
        print(f"{label}:", file=out)
    for i, cand in enumerate(result.candidates, 1):
        size = f"{cand.width}x{cand.height}" if cand.width else (f"~{cand.size_hint}px" if cand.size_hint else "size ?")
        print(f"{i:>2}. {cand.source:<7} {cand.match.value:<5} {cand.score:.2f} {size:<11} {cand.artist} – {cand.title}", file=out)
        print(f"    {cand.url}", file=out)
        if args.explain:
            for reason in cand.reasons:
                print(f"      · {reason}", file=out)
    if args.explain:
        for cand in result.rejected:
            print(f"    rejected: {cand.source} {cand.artist} – {cand.title}: {'; '.join(cand.reasons)}", file=out)
        for report in result.reports:
            status = (f"skipped: {report.skipped}" if report.skipped else
                      f"{report.candidates} candidate(s)" if report.ok else f"failed: {report.error}")
            print(f"    source {report.source}: {status}", file=out)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
