"""The ``tagbridge`` command line: one module per command, sharing ``common``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

from tagbridge import __version__
from tagbridge.cli import art, spotify
from tagbridge.cli.common import EXIT_USAGE, settings_for, setup_logging
from tagbridge.core.errors import ConfigError

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="tagbridge",
        description="Album metadata and cover art from the Cover Art Archive, iTunes and Spotify.",
    )
    parser.add_argument("--version", action="version", version=f"tagbridge {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log requests (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    art.add_parser(sub)
    spotify.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    env = os.environ if env is None else env
    setup_logging(args.verbose)
    commands = {"art": art.run, "album": spotify.run_album, "track": spotify.run_track}
    try:
        settings = settings_for(args, env)
        return commands[args.command](args, settings, env)
    except ConfigError as exc:
        print(f"tagbridge: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
