"""``tagbridge serve``: a Spotify-compatible clone server over a local catalog, for any client."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from tagbridge.cli.common import EXIT_OK, checked_text
from tagbridge.core.errors import ConfigError

__all__ = ["add_parser", "run"]

_EPILOG = """\
routes (all Spotify's shapes; errors as {"error": {"status", "message"}}):
  GET  /v1/search?q=&type=track,album,artist&limit=&offset=   filters track: album: artist: year: isrc: upc:
  GET  /v1/albums/{id}  /v1/albums?ids=  /v1/albums/{id}/tracks
  GET  /v1/tracks/{id}  /v1/tracks?ids=
  GET  /v1/artists/{id} /v1/artists?ids= /v1/artists/{id}/albums
  POST /api/token       any client credentials get a token (so unmodified clients authenticate)

examples:
  tagbridge catalog synth --tracks 100000 --db demo.sqlite && tagbridge serve --db demo.sqlite
  spotipy:        spotipy.Spotify(auth_manager=..., requests_timeout=5) with prefix="http://127.0.0.1:8000/v1/"
  tagbridge:      TAGBRIDGE_SPOTIFY_BACKEND=clone TAGBRIDGE_SPOTIFY_API_URL=http://127.0.0.1:8000/v1 tagbridge album ...
  beets:          tagbridge: {spotify: {backend: clone, url: http://127.0.0.1:8000/v1}}

scaling: --workers N runs N processes over the one read-only file (each opens it read-only and
memory-maps it); past one machine, serve the same SQL from a server-grade engine with read replicas.
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``serve``."""
    serve = sub.add_parser(
        "serve", help="serve a local catalog as a Spotify Web API clone",
        description="Serve a catalog built by 'tagbridge catalog import|index|synth' over HTTP, speaking the "
                    "Spotify Web API under /v1, so beets' spotify plugin, spotipy, Picard and tagbridge's own "
                    "clone backend use it unchanged.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--db", required=True, metavar="PATH", help="the catalog file (or side index) to serve")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="worker processes over the one read-only file (default 1; the number of cores is a "
                            "good value)")
    return serve


def run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Check the catalog, then run uvicorn until interrupted."""
    from tagbridge.catalog.store import Catalog

    path = checked_text(args.db, "--db")
    if not 0 < args.port < 65536:
        raise ConfigError(f"--port: {args.port} is not a port number")
    if args.workers < 1:
        raise ConfigError(f"--workers: {args.workers} must be 1 or more")
    try:
        Catalog(path).close()  # refuse a missing or half-written catalog before starting workers
    except ConfigError as exc:
        raise ConfigError(f"--db: {exc}") from None
    import uvicorn

    from tagbridge.server.app import DB_ENV

    os.environ[DB_ENV] = os.path.abspath(path)
    print(f"tagbridge: serving {path} at http://{args.host}:{args.port}/v1 ({args.workers} worker(s)); Ctrl-C stops")
    uvicorn.run("tagbridge.server.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="warning", access_log=False)
    return EXIT_OK
