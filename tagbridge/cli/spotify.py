"""``tagbridge album`` and ``tagbridge track``: Spotify metadata as records, from the Web API or a clone.

What belongs here: these commands' options and printing records. What doesn't: any lookup or
matching logic (``sources/spotify*.py``), and the session's token cache (``runtime.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from tagbridge.cli.common import EXIT_FAILED, EXIT_OK, checked_text, settings_for, write_line
from tagbridge.core.config import SPOTIFY_BACKENDS, Settings
from tagbridge.core.errors import ConfigError, SourceError
from tagbridge.core.http import Lookup
from tagbridge.core.identifiers import parse_barcode
from tagbridge.core.model import AlbumQuery, PassedOver
from tagbridge.core.records import AlbumRecord, ArtistRef, TrackRecord

if TYPE_CHECKING:  # the Spotify source loads the matcher; ``--help`` does not need it
    from tagbridge.sources import spotify

__all__ = ["add_parsers", "run_album", "run_track"]

_EPILOG = """\
backends:
  api    the official Web API (default). Needs TAGBRIDGE_SPOTIFY_CLIENT_ID and
         TAGBRIDGE_SPOTIFY_CLIENT_SECRET (a free app at developer.spotify.com); the access
         token is cached with mode 0600 under TAGBRIDGE_CACHE_DIR.
  catalog  a local catalog file (TAGBRIDGE_SPOTIFY_CATALOG or --catalog), answered in this process:
         no server, no network. Build one with 'tagbridge catalog import|index|synth'.
  clone  a local Spotify clone at TAGBRIDGE_SPOTIFY_API_URL (e.g. http://127.0.0.1:8000), no
         auth unless TAGBRIDGE_SPOTIFY_TOKEN_URL is set. Spec-following clones (/v1 routes) and
         the seed-style clone (no /v1, search by track only) are told apart from their answers;
         TAGBRIDGE_SPOTIFY_DIALECT=spec|seed states it when detection cannot.

exit status: 0 with the records found (an empty list when nothing matched well enough),
1 when Spotify could not be asked (outage, rate limit, rejected credentials), 2 on a usage or
configuration error.
"""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> tuple[argparse.ArgumentParser, ...]:
    """Register ``album`` and ``track``."""
    album = sub.add_parser(
        "album", help="album metadata with its tracks from Spotify or a local clone",
        description="Look an album up by Spotify id/URL/URI, by barcode, or by artist and title. "
                    "Text matches are scored (title, artist, track count, year) and ranked; weak ones are dropped.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    how = album.add_mutually_exclusive_group(required=True)
    how.add_argument("--spotify-id", metavar="ID|URL|URI", help="a Spotify album id, open.spotify.com URL or spotify: URI")
    how.add_argument("--barcode", metavar="UPC", help="UPC/EAN; Spotify finds it zero-padded to 14 digits")
    how.add_argument("--artist", help="album artist (with --album)")
    album.add_argument("--album", help="album title (with --artist)")
    album.add_argument("--tracks", type=int, metavar="N", help="track count, to tell editions apart")
    album.add_argument("--year", type=int, help="release year, to tell reissues apart")
    _common(album)

    track = sub.add_parser(
        "track", help="track metadata from Spotify or a local clone",
        description="Look a track up by ISRC, by Spotify id/URL/URI, or by artist and title.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    how = track.add_mutually_exclusive_group(required=True)
    how.add_argument("--isrc", help="ISRC, e.g. GBAAP0000867")
    how.add_argument("--spotify-id", metavar="ID|URL|URI", help="a Spotify track id, open.spotify.com URL or spotify: URI")
    how.add_argument("--artist", help="track artist (with --title)")
    track.add_argument("--title", help="track title (with --artist)")
    _common(track)
    return album, track


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=SPOTIFY_BACKENDS,
                        help="api (default), clone or catalog; or TAGBRIDGE_SPOTIFY_BACKEND")
    parser.add_argument("--catalog", metavar="PATH",
                        help="the catalog file for --backend catalog; or TAGBRIDGE_SPOTIFY_CATALOG")
    parser.add_argument("--min-score", metavar="S", help="drop text matches under this score, 0..1 (default 0.85)")
    parser.add_argument("--no-cache", action="store_true",
                        help="do not answer from the HTTP cache (fresh answers still refresh it)")
    parser.add_argument("--json", action="store_true", help="print JSON: {'albums': [...]} or {'tracks': [...]}")
    parser.add_argument("--explain", action="store_true",
                        help="print why each match scored as it did, and why anything was passed over")


_FLAGS = {"spotify.backend": "backend", "spotify.catalog": "catalog", "min_score": "min_score"}

_LookupFactory = Callable[["spotify.SpotifySession"], Lookup["_Found"]]


@dataclass(frozen=True, slots=True)
class _Found:
    records: list[AlbumRecord] | list[TrackRecord]
    passed_over: list[PassedOver] = field(default_factory=list)


def _ask(args: argparse.Namespace, settings: Settings, env: Mapping[str, str],
         lookup: _LookupFactory) -> tuple[_Found, str | None]:
    """Run one Spotify lookup; returns (what was found, error) so the caller can print both."""
    from tagbridge.runtime import Runtime

    with Runtime(settings, cache_read=not args.no_cache, env=env) as runtime, runtime.spotify() as session:
        try:
            return runtime.run(lookup(session)), None
        except SourceError as exc:
            return _Found([]), str(exc)


def _settings(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    settings = settings_for(args, env, _FLAGS)
    if settings.spotify_backend == "api" and settings.spotify_credentials is None:
        raise ConfigError("Spotify's api backend needs TAGBRIDGE_SPOTIFY_CLIENT_ID and TAGBRIDGE_SPOTIFY_CLIENT_SECRET "
                          "(a free client-credentials app at developer.spotify.com); a local clone needs neither "
                          "(--backend clone with TAGBRIDGE_SPOTIFY_API_URL)")
    return settings


def run_album(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Run ``tagbridge album``."""
    from tagbridge.sources import spotify

    if args.spotify_id:
        album_id = spotify.parse_spotify_ref(checked_text(args.spotify_id, "--spotify-id"), "album")

        def lookup(session: spotify.SpotifySession) -> Lookup[_Found]:
            record = yield from spotify.album_by_id(session, album_id)
            return _Found([record] if record else [])
    elif args.barcode:
        try:
            digits = parse_barcode(checked_text(args.barcode, "--barcode"))
        except ConfigError as exc:
            raise ConfigError(f"--barcode: {exc}") from None

        def lookup(session: spotify.SpotifySession) -> Lookup[_Found]:
            return _Found(list((yield from spotify.albums_by_upc(session, digits))))
    else:
        if not (args.artist and args.album):
            raise ConfigError("give --spotify-id, --barcode, or both --artist and --album")
        query = AlbumQuery(artist=checked_text(args.artist, "--artist"), album=checked_text(args.album, "--album"),
                           tracks=args.tracks, year=args.year)

        def lookup(session: spotify.SpotifySession) -> Lookup[_Found]:
            found = yield from spotify.search_albums(session, query)
            return _Found(found.records, found.passed_over)
    settings = _settings(args, env)
    found, error = _ask(args, settings, env, lookup)
    _print("albums", found, error, args, sys.stdout)
    return EXIT_FAILED if error else EXIT_OK


def run_track(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Run ``tagbridge track``."""
    from tagbridge.sources import spotify

    if args.spotify_id:
        track_id = spotify.parse_spotify_ref(checked_text(args.spotify_id, "--spotify-id"), "track")

        def lookup(session: spotify.SpotifySession) -> Lookup[_Found]:
            record = yield from spotify.track_by_id(session, track_id)
            return _Found([record] if record else [])
    elif args.isrc:
        isrc = spotify.normalize_isrc(checked_text(args.isrc, "--isrc"))
        if isrc is None:
            raise ConfigError(f"--isrc: {args.isrc!r} is not an ISRC (12 characters like GBAAP0000867)")

        def lookup(session: spotify.SpotifySession) -> Lookup[_Found]:
            return _Found(list((yield from spotify.tracks_by_isrc(session, isrc))))
    else:
        if not (args.artist and args.title):
            raise ConfigError("give --isrc, --spotify-id, or both --artist and --title")
        artist, title = checked_text(args.artist, "--artist"), checked_text(args.title, "--title")

        def lookup(session: spotify.SpotifySession) -> Lookup[_Found]:
            return _Found(list((yield from spotify.search_tracks(session, artist, title))))
    settings = _settings(args, env)
    found, error = _ask(args, settings, env, lookup)
    _print("tracks", found, error, args, sys.stdout)
    return EXIT_FAILED if error else EXIT_OK


def _print(key: str, found: _Found, error: str | None, args: argparse.Namespace, out: IO[str]) -> None:
    if error:
        print(f"tagbridge: {error}", file=sys.stderr)
    typed = [r for r in found.records if isinstance(r, (AlbumRecord, TrackRecord))]
    if args.json:
        doc: dict[str, object] = {key: [r.to_json() for r in typed]}
        if error:
            doc["error"] = error
        if args.explain:
            doc["rejected"] = [p.to_json() for p in found.passed_over]
        write_line(json.dumps(doc, ensure_ascii=False), out)
        return
    lines: list[str] = []
    if not typed and not error:
        lines.append("nothing matched well enough" + (":" if args.explain and found.passed_over else ""))
        if args.explain and not found.passed_over:
            lines.append("  the search found nothing to consider")
    for rec in typed:
        if isinstance(rec, AlbumRecord):
            lines += _album_lines(rec, args.explain)
        else:
            lines += _track_lines(rec, args.explain, indent="")
    if args.explain:
        for passed in found.passed_over:
            lines.append(f"  passed over: {passed.artist} – {passed.title} (spotify:album:{passed.id}): "
                         + "; ".join(passed.reasons))
    if lines:
        write_line("\n".join(lines), out)


def _credit(artists: tuple[ArtistRef, ...]) -> str:
    return ", ".join(a.name for a in artists)


def _album_lines(rec: AlbumRecord, explain: bool) -> list[str]:
    score = f" [{rec.match.value} {rec.score:.2f}]" if rec.match and rec.score is not None else ""
    lines = [f"{_credit(rec.artists)} – {rec.title} ({rec.release_date or '?'}, {rec.album_type or 'album'}, "
             f"{rec.total_tracks or len(rec.tracks)} tracks){score}"]
    facts = [f"spotify:album:{rec.id}"] + [f"{k} {v}" for k, v in (("UPC", rec.upc), ("label", rec.label)) if v]
    lines.append("  " + " · ".join(facts))
    if explain:
        lines += [f"    · {reason}" for reason in rec.reasons]
    for track in rec.tracks:
        lines += _track_lines(track, False, indent="  ")
    return lines


def _track_lines(rec: TrackRecord, explain: bool, *, indent: str) -> list[str]:
    pos = f"{rec.disc_number or 1}-{rec.track_number:02d} " if rec.track_number else ""
    length = ""
    if rec.duration_ms:
        seconds = round(rec.duration_ms / 1000)
        length = f" ({seconds // 60}:{seconds % 60:02d})"
    isrc = f"  ISRC {rec.isrc}" if rec.isrc else ""
    score = f" [{rec.match.value} {rec.score:.2f}]" if rec.match and rec.score is not None else ""
    lines = [f"{indent}{pos}{_credit(rec.artists)} – {rec.title}{length}{isrc}{score}"]
    if explain:
        lines += [f"{indent}    · {reason}" for reason in rec.reasons]
    return lines
