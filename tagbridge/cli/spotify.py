"""``tagbridge album`` and ``tagbridge track``: Spotify metadata as records, from the Web API or a clone.

What belongs here: these commands' options, the Spotify session's token cache, and printing
records. What doesn't: any lookup or matching logic (``sources/spotify*.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import IO

from tagbridge.cli.common import EXIT_FAILED, EXIT_OK, build_driver, parse_barcode
from tagbridge.core.config import SPOTIFY_BACKENDS, Settings
from tagbridge.core.errors import ConfigError, SourceError
from tagbridge.core.http import Lookup
from tagbridge.core.model import AlbumQuery
from tagbridge.core.records import AlbumRecord, ArtistRef, TrackRecord
from tagbridge.drivers.sync import default_cache_dir
from tagbridge.drivers.token_cache import TokenCache
from tagbridge.sources import spotify

__all__ = ["add_parsers", "run_album", "run_track", "spotify_session"]

_EPILOG = """\
backends:
  api    the official Web API (default). Needs TAGBRIDGE_SPOTIFY_CLIENT_ID and
         TAGBRIDGE_SPOTIFY_CLIENT_SECRET (a free app at developer.spotify.com); the access
         token is cached with mode 0600 under TAGBRIDGE_CACHE_DIR.
  clone  a local Spotify clone at TAGBRIDGE_SPOTIFY_API_URL (e.g. http://127.0.0.1:8000), no
         auth unless TAGBRIDGE_SPOTIFY_TOKEN_URL is set. Spec-following clones (/v1 routes) and
         the seed-style clone (no /v1, search by track only) are told apart from their answers;
         TAGBRIDGE_SPOTIFY_DIALECT=spec|seed states it when detection cannot.

exit status: 0 with the records found (an empty list when nothing matched well enough),
1 when Spotify could not be asked (outage, rate limit, rejected credentials), 2 on a usage or
configuration error.
"""


def add_parsers(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
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


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=SPOTIFY_BACKENDS, help="api (default) or clone; or TAGBRIDGE_SPOTIFY_BACKEND")
    parser.add_argument("--min-score", type=float, metavar="S", help="drop text matches under this score, 0..1 (default 0.85)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the HTTP cache")
    parser.add_argument("--json", action="store_true", help="print JSON: {'albums': [...]} or {'tracks': [...]}")
    parser.add_argument("--explain", action="store_true", help="print why each text match scored as it did")


def _with_backend(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> Settings:
    if not args.backend or args.backend == settings.spotify_backend:
        return settings
    token_url = settings.spotify_token_url
    if args.backend == "clone" and not env.get("TAGBRIDGE_SPOTIFY_TOKEN_URL"):
        token_url = None  # a clone needs no token unless one is configured
    elif args.backend == "api" and token_url is None:
        token_url = Settings().spotify_token_url
    return replace(settings, spotify_backend=args.backend, spotify_token_url=token_url)


@contextmanager
def spotify_session(settings: Settings, env: Mapping[str, str]) -> Iterator[spotify.SpotifySession]:
    """A session primed from the token cache; a new token is written back (mode 0600) on exit."""
    cache = None
    creds = settings.spotify_credentials
    if creds and settings.spotify_token_url:
        cache = TokenCache(default_cache_dir(env), creds[0], settings.spotify_token_url)
    stored = cache.load() if cache else None
    token = spotify.SpotifyToken.from_json(stored) if stored else None
    session = spotify.SpotifySession(settings, clock=time.time, token=token)
    try:
        yield session
    finally:
        if cache and session.token_changed and session.token is not None:
            cache.save(session.token.to_json())


_LookupFactory = Callable[[spotify.SpotifySession], Lookup[list[object]]]


def _ask(args: argparse.Namespace, settings: Settings, env: Mapping[str, str],
         lookup: _LookupFactory) -> tuple[list[object], str | None]:
    """Run one Spotify lookup; returns (records, error) so the caller can print both."""
    with build_driver(settings, env, use_cache=not args.no_cache) as driver, spotify_session(settings, env) as session:
        try:
            return list(driver.run(lookup(session))), None
        except SourceError as exc:
            return [], str(exc)


def run_album(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    """Run ``tagbridge album``."""
    settings = _with_backend(args, settings, env)
    if args.spotify_id:
        album_id = spotify.parse_spotify_ref(args.spotify_id, "album")

        def lookup(session: spotify.SpotifySession) -> Lookup[list[object]]:
            record = yield from spotify.album_by_id(session, album_id)
            return [record] if record else []
    elif args.barcode:
        digits = parse_barcode(args.barcode)

        def lookup(session: spotify.SpotifySession) -> Lookup[list[object]]:
            return list((yield from spotify.albums_by_upc(session, digits)))
    else:
        if not (args.artist and args.album):
            raise ConfigError("give --spotify-id, --barcode, or both --artist and --album")
        query = AlbumQuery(artist=args.artist, album=args.album, tracks=args.tracks, year=args.year)

        def lookup(session: spotify.SpotifySession) -> Lookup[list[object]]:
            found = yield from spotify.search_albums(session, query)
            return [r for r in found if r.score is None or r.score >= settings.min_score]
    records, error = _ask(args, settings, env, lookup)
    _print("albums", records, error, args, sys.stdout)
    return EXIT_FAILED if error else EXIT_OK


def run_track(args: argparse.Namespace, settings: Settings, env: Mapping[str, str]) -> int:
    """Run ``tagbridge track``."""
    settings = _with_backend(args, settings, env)
    if args.spotify_id:
        track_id = spotify.parse_spotify_ref(args.spotify_id, "track")

        def lookup(session: spotify.SpotifySession) -> Lookup[list[object]]:
            record = yield from spotify.track_by_id(session, track_id)
            return [record] if record else []
    elif args.isrc:
        isrc = spotify.normalize_isrc(args.isrc)
        if isrc is None:
            raise ConfigError(f"ISRC {args.isrc!r} is not 12 characters like GBAAP0000867")

        def lookup(session: spotify.SpotifySession) -> Lookup[list[object]]:
            return list((yield from spotify.tracks_by_isrc(session, isrc)))
    else:
        if not (args.artist and args.title):
            raise ConfigError("give --isrc, --spotify-id, or both --artist and --title")

        def lookup(session: spotify.SpotifySession) -> Lookup[list[object]]:
            found = yield from spotify.search_tracks(session, args.artist, args.title)
            return [r for r in found if r.score is None or r.score >= settings.min_score]
    records, error = _ask(args, settings, env, lookup)
    _print("tracks", records, error, args, sys.stdout)
    return EXIT_FAILED if error else EXIT_OK


def _print(key: str, records: list[object], error: str | None, args: argparse.Namespace, out: IO[str]) -> None:
    if error:
        print(f"tagbridge: {error}", file=sys.stderr)
    typed = [r for r in records if isinstance(r, (AlbumRecord, TrackRecord))]
    if args.json:
        doc: dict[str, object] = {key: [r.to_json() for r in typed]}
        if error:
            doc["error"] = error
        print(json.dumps(doc, ensure_ascii=False), file=out)
        return
    if not typed and not error:
        print("nothing matched well enough", file=out)
    for rec in typed:
        if isinstance(rec, AlbumRecord):
            _print_album(rec, args.explain, out)
        else:
            _print_track(rec, args.explain, out, indent="")


def _credit(artists: tuple[ArtistRef, ...]) -> str:
    return ", ".join(a.name for a in artists)


def _print_album(rec: AlbumRecord, explain: bool, out: IO[str]) -> None:
    score = f" [{rec.match.value} {rec.score:.2f}]" if rec.match and rec.score is not None else ""
    print(f"{_credit(rec.artists)} – {rec.title} ({rec.release_date or '?'}, {rec.album_type or 'album'}, "
          f"{rec.total_tracks or len(rec.tracks)} tracks){score}", file=out)
    facts = [f"spotify:album:{rec.id}"] + [f"{k} {v}" for k, v in (("UPC", rec.upc), ("label", rec.label)) if v]
    print("  " + " · ".join(facts), file=out)
    if explain:
        for reason in rec.reasons:
            print(f"    · {reason}", file=out)
    for track in rec.tracks:
        _print_track(track, False, out, indent="  ")


def _print_track(rec: TrackRecord, explain: bool, out: IO[str], *, indent: str) -> None:
    pos = f"{rec.disc_number or 1}-{rec.track_number:02d} " if rec.track_number else ""
    length = ""
    if rec.duration_ms:
        seconds = round(rec.duration_ms / 1000)
        length = f" ({seconds // 60}:{seconds % 60:02d})"
    isrc = f"  ISRC {rec.isrc}" if rec.isrc else ""
    score = f" [{rec.match.value} {rec.score:.2f}]" if rec.match and rec.score is not None else ""
    print(f"{indent}{pos}{_credit(rec.artists)} – {rec.title}{length}{isrc}{score}", file=out)
    if explain:
        for reason in rec.reasons:
            print(f"{indent}    · {reason}", file=out)
