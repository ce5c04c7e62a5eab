"""``tagbridge art``: cover art for one album or a JSONL batch, ranked across sources."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO

from tagbridge.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    build_driver,
    json_line,
    open_batch,
    query_from_mapping,
)
from tagbridge.cli.spotify import spotify_session
from tagbridge.core.config import KNOWN_SOURCES, Settings
from tagbridge.core.errors import ConfigError
from tagbridge.core.model import ArtResolution
from tagbridge.core.resolve import resolve_art
from tagbridge.sources.spotify import SpotifySession

__all__ = ["add_parser", "run"]

_EPILOG = """\
environment:
  TAGBRIDGE_ITUNES_URL, TAGBRIDGE_CAA_URL, TAGBRIDGE_MUSICBRAINZ_URL   base URLs (mirrors, tests)
  TAGBRIDGE_SPOTIFY_API_URL, TAGBRIDGE_SPOTIFY_BACKEND=api|clone, TAGBRIDGE_SPOTIFY_CLIENT_ID,
  TAGBRIDGE_SPOTIFY_CLIENT_SECRET                      Spotify (see 'tagbridge album --help')
  TAGBRIDGE_ITUNES_RATE=20/60, TAGBRIDGE_MUSICBRAINZ_RATE=1/1,
  TAGBRIDGE_CAA_RATE=10/1, TAGBRIDGE_SPOTIFY_RATE=10/1 per-host limits as CALLS/SECONDS
  TAGBRIDGE_COUNTRIES, TAGBRIDGE_SOURCES, TAGBRIDGE_ART_SIZE, TAGBRIDGE_MIN_SCORE
                                                       defaults for the options below
  TAGBRIDGE_TIMEOUT=20, TAGBRIDGE_RATE_LIMIT_RETRIES=2 seconds to wait; rate-limit answers to wait out
  TAGBRIDGE_CACHE_DIR                                  HTTP cache and rate-limit state

exit status: 0 when art was found or the resolver abstained (an empty list: wrong art is
worse than none); 1 when every source asked failed (offline, rate limited), so no answer was
possible; 2 on a usage or configuration error. A failing source is reported per source and
never stops the others.
"""



def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``art`` and its options."""
    art = sub.add_parser(
        "art",
        help="find the best cover art for an album, or abstain",
        description=(
            "Find cover art for one album (or a JSONL batch) across the Cover Art Archive, the "
            "iTunes Search API and (with --sources spotify) Spotify or a local Spotify clone, ranked "
            "best first: identifier matches (MusicBrainz links, barcode, "
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


@contextmanager
def _spotify(settings: Settings, env: Mapping[str, str]) -> Iterator[SpotifySession | None]:
    """A Spotify session (with its token cache) only when Spotify is among the sources."""
    if "spotify" not in settings.sources:
        yield None
        return
    with spotify_session(settings, env) as session:
        yield session


def run(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    """Run ``tagbridge art``; returns the exit status."""
    if args.batch:
        if args.artist or args.album or args.barcode or args.mbid or args.release_group:
            raise ConfigError("--batch takes its queries from the file; drop --artist/--album/--barcode/--mbid")
        return _art_batch(args, settings, env)
    query = query_from_mapping(
        {"artist": args.artist, "album": args.album, "barcode": args.barcode, "mbid": args.mbid,
         "release_group": args.release_group, "tracks": args.tracks},
        where="",
    )
    with build_driver(settings, env, use_cache=not args.no_cache) as driver, _spotify(settings, env) as session:
        result = driver.run(resolve_art(settings, query, probe=args.probe, spotify_session=session))
    _print_result(result, args, sys.stdout)
    return EXIT_FAILED if _all_failed(result) else EXIT_OK


def _art_batch(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    from tqdm import tqdm

    stream: IO[str] = sys.stdin if args.batch == "-" else open_batch(args.batch)
    lines = list(enumerate(stream, 1))
    bad = failed = 0
    with build_driver(settings, env, use_cache=not args.no_cache) as driver, _spotify(settings, env) as session:
        # The bar goes to stderr and only to a terminal, so piped JSON output stays clean.
        for number, line in tqdm(lines, unit="album", file=sys.stderr, disable=not sys.stderr.isatty()):
            if not line.strip():
                continue
            try:
                query = query_from_mapping(json_line(line, number), where=f"line {number}: ")
            except ConfigError as exc:
                bad += 1
                print(json.dumps({"line": number, "error": str(exc), "candidates": []}, ensure_ascii=False), flush=True)
                print(f"tagbridge: {exc}", file=sys.stderr)
                continue
            result = driver.run(resolve_art(settings, query, probe=args.probe, spotify_session=session))
            _print_result(result, args, sys.stdout)
            sys.stdout.flush()
            failed += _all_failed(result)
    if bad:
        print(f"tagbridge: error: {bad} of {len(lines)} batch lines were not valid queries", file=sys.stderr)
        return EXIT_USAGE
    if failed:
        print(f"tagbridge: {failed} of {len(lines)} queries got no answer from any source", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _all_failed(result: ArtResolution) -> bool:
    """True when every source that was asked failed: no answer, as opposed to a clean abstention."""
    asked = [r for r in result.reports if not r.skipped]
    return bool(asked) and not any(r.ok for r in asked)


def _print_result(result: ArtResolution, args: argparse.Namespace, out: IO[str]) -> None:
    for report in result.reports:
        if not report.ok:
            print(f"tagbridge: {report.error}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(explain=args.explain), ensure_ascii=False), file=out)
        return
    q = result.query
    label = " – ".join(p for p in (q.artist, q.album) if p) or q.mbid or q.barcode or q.release_group
    if not result.candidates and _all_failed(result):
        print(f"{label}: no answer: every source failed (see above)", file=out)
    elif not result.candidates:
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


