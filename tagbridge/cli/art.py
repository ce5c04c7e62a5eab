"""``tagbridge art``: cover art for one album or a JSONL batch, ranked across sources."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO

from tagbridge.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    QUERY_FLAGS,
    batch_lines,
    flag_name,
    json_line,
    query_from_mapping,
    settings_for,
    write_line,
)
from tagbridge.core.config import Settings
from tagbridge.core.errors import ConfigError
from tagbridge.core.model import ArtResolution

__all__ = ["add_parser", "run"]

_EPILOG = """\
environment:
  TAGBRIDGE_ITUNES_URL, TAGBRIDGE_CAA_URL, TAGBRIDGE_MUSICBRAINZ_URL   base URLs (mirrors, tests)
  TAGBRIDGE_SPOTIFY_API_URL, TAGBRIDGE_SPOTIFY_BACKEND=api|clone, TAGBRIDGE_SPOTIFY_CLIENT_ID,
  TAGBRIDGE_SPOTIFY_CLIENT_SECRET                      Spotify (see 'tagbridge album --help')
  TAGBRIDGE_ITUNES_RATE=20/60, TAGBRIDGE_MUSICBRAINZ_RATE=1/1,
  TAGBRIDGE_CAA_RATE=10/1, TAGBRIDGE_SPOTIFY_RATE=10/1 per-service limits as CALLS/SECONDS
  TAGBRIDGE_COUNTRIES, TAGBRIDGE_SOURCES, TAGBRIDGE_ART_SIZE, TAGBRIDGE_MIN_SCORE
                                                       defaults for the options below
  TAGBRIDGE_TIMEOUT=20      the most one request may take, in seconds, retries and body included
  TAGBRIDGE_DEADLINE=120    the most one album's lookup may take, in seconds, waits included
  TAGBRIDGE_RATE_LIMIT_RETRIES=2                       rate-limit answers to wait out
  TAGBRIDGE_CACHE_DIR                                  HTTP cache, rate-limit state, token cache

time: a service that does not answer costs at most TAGBRIDGE_TIMEOUT once per album (it is
not asked again for that album), and no album takes longer than TAGBRIDGE_DEADLINE.

exit status: 0 when art was found, when the resolver abstained (an empty list: wrong art is
worse than none) or when no source had anything to go on (the message says what each needs);
1 when every source asked failed (offline, rate limited), so no answer was possible; 2 on a
usage or configuration error; 74 when the output cannot be written; 130 on Ctrl-C; 141 when
the reader of the output went away. A failing source is reported per source and never stops
the others.
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``art`` and its options."""
    from tagbridge.sources.registry import art_source_names

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
    what.add_argument("--barcode", metavar="UPC", help="UPC/EAN barcode (8, 12, 13 or 14 digits); looked up before any text search")
    what.add_argument("--mbid", metavar="MBID", help="MusicBrainz release ID: CAA art and url-rel links to iTunes")
    what.add_argument("--release-group", metavar="RGID", help="MusicBrainz release-group ID (CAA fallback)")
    what.add_argument("--tracks", type=int, metavar="N", help="track count, to tell editions apart")
    what.add_argument("--batch", metavar="FILE.jsonl",
                      help="one JSON query object per line ({'artist','album','barcode','mbid',"
                           "'release_group','tracks','year'}); '-' reads stdin as it arrives; prints one "
                           "result per line")
    how = art.add_argument_group("how to search")
    how.add_argument("--sources", metavar="LIST",
                     help=f"comma-separated, in order of preference (default caa,itunes; known: {','.join(art_source_names())})")
    how.add_argument("--size", metavar="PX|original",
                     help="wanted image size: pixels (default 3000) or 'original' for the untouched upload")
    how.add_argument("--country", metavar="CC,..", help="iTunes storefronts to try in order (default US), e.g. US,GB,JP")
    how.add_argument("--min-score", metavar="S", help="abstain under this match score, 0..1 (default 0.85)")
    how.add_argument("--prefer", metavar="explicit|clean",
                     help="which twin you have when a store lists an album's explicit and clean versions "
                          "(default explicit; a '(Clean)' or '[Edited]' in --album asks for the clean one)")
    how.add_argument("--probe", action="store_true", help="fetch the first bytes of the top candidates to learn their real size")
    how.add_argument("--no-cache", action="store_true",
                     help="do not answer from the HTTP cache (fresh answers still refresh it)")
    out = art.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print JSON: {'query', 'candidates', 'outcome', 'sources'}")
    out.add_argument("--explain", action="store_true",
                     help="say why each candidate ranked where it did, and everything passed over and why")
    return art


_FLAGS = {"sources": "sources", "size": "size", "countries": "country", "min_score": "min_score", "prefer": "prefer"}


def run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Run ``tagbridge art``; returns the exit status."""
    settings = settings_for(args, env, _FLAGS)
    if args.batch is not None:
        given = [flag for key, flag in QUERY_FLAGS.items() if key not in ("year",) and getattr(args, key, None)]
        if given:
            raise ConfigError(f"--batch takes its queries from the file; drop {', '.join(given)}")
        return _art_batch(args, settings, env)
    query = query_from_mapping(
        {"artist": args.artist, "album": args.album, "barcode": args.barcode, "mbid": args.mbid,
         "release_group": args.release_group, "tracks": args.tracks},
        names=flag_name,
    )
    from tagbridge.runtime import Runtime

    with Runtime(settings, cache_read=not args.no_cache, env=env) as runtime:
        result = runtime.resolve_art(query, probe=args.probe)
    _print_result(result, args, sys.stdout)
    return EXIT_FAILED if result.outcome == "failed" else EXIT_OK


def _batch_names(number: int) -> Callable[[str], str]:
    return lambda key: f"line {number}: {key}"


def _open_batch(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by _art_batch
    except OSError as exc:
        raise ConfigError(f"--batch: cannot read {path}: {exc.strerror}") from None


def _art_batch(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    from tqdm import tqdm

    from tagbridge.runtime import Runtime

    stream = _open_batch(args.batch)
    bad = failed = total = 0
    try:
        with Runtime(settings, cache_read=not args.no_cache, env=env) as runtime:
            # The bar goes to stderr and only to a terminal, so piped JSON output stays clean.
            lines: Iterable[tuple[int, str | ConfigError]] = tqdm(
                batch_lines(stream), unit="album", file=sys.stderr, disable=not sys.stderr.isatty())
            for number, line in lines:
                total += 1
                try:
                    if isinstance(line, ConfigError):
                        raise line
                    query = query_from_mapping(json_line(line, number), names=_batch_names(number))
                except ConfigError as exc:
                    bad += 1
                    write_line(json.dumps({"line": number, "error": str(exc), "candidates": []}, ensure_ascii=False))
                    print(f"tagbridge: {exc}", file=sys.stderr)
                    continue
                result = runtime.resolve_art(query, probe=args.probe)
                _print_result(result, args, sys.stdout)
                failed += result.outcome == "failed"
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if bad:
        print(f"tagbridge: error: {bad} of {total} batch lines were not valid queries", file=sys.stderr)
        return EXIT_USAGE
    if failed:
        print(f"tagbridge: {failed} of {total} queries got no answer from any source", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _print_result(result: ArtResolution, args: argparse.Namespace, out: IO[str]) -> None:
    for report in result.reports:
        if not report.ok:
            print(f"tagbridge: {report.error}", file=sys.stderr)
    if args.json:
        write_line(json.dumps(result.to_json(explain=args.explain), ensure_ascii=False), out)
        return
    write_line("\n".join(_text_lines(result, explain=args.explain)), out)


def _text_lines(result: ArtResolution, *, explain: bool) -> Iterator[str]:
    q = result.query
    label = " – ".join(p for p in (q.artist, q.album) if p) or q.mbid or q.barcode or q.release_group
    notes = [r.note for r in result.reports if r.note]
    outcome = result.outcome
    if outcome == "failed":
        yield f"{label}: no answer: every source failed (see above)"
    elif outcome == "not_asked":
        needs = "; ".join(r.skipped or "" for r in result.reports if r.skipped)
        yield f"{label}: nothing was asked: {needs}"
    elif outcome == "abstained":
        yield f"{label}: no art found with enough confidence (abstained)"
    else:
        yield f"{label}:"
    for note in notes:
        yield f"    note: {note}"
    for i, cand in enumerate(result.candidates, 1):
        size = f"{cand.width}x{cand.height}" if cand.width else (f"~{cand.size_hint}px" if cand.size_hint else "size ?")
        yield f"{i:>2}. {cand.source:<7} {cand.match.value:<5} {cand.score:.2f} {size:<11} {cand.artist} – {cand.title}"
        yield f"    {cand.url}"
        if explain:
            yield from (f"      · {reason}" for reason in cand.reasons)
    if explain:
        for passed in result.rejected:
            yield f"    passed over: {passed.source} {passed.artist} – {passed.title}: {'; '.join(passed.reasons)}"
        for report in result.reports:
            status = (f"skipped: {report.skipped}" if report.skipped else
                      f"{report.candidates} candidate(s)" if report.ok else f"failed: {report.error}")
            yield f"    source {report.source}: {status}"
