"""The ``tagbridge`` command line: one module per command, sharing ``common``.

The parser is built from modules that import nothing heavy, so ``tagbridge --help`` stays fast;
the HTTP stack is imported when a command runs.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Mapping, Sequence

from tagbridge import __version__
from tagbridge.cli import art, catalog, demo, picard, serve, spotify
from tagbridge.cli.common import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT,
    EXIT_USAGE,
    setup_logging,
)
from tagbridge.core.errors import ConfigError

__all__ = ["main", "build_parser"]


def _verbosity(parser: argparse.ArgumentParser, dest: str) -> None:
    parser.add_argument("-v", "--verbose", action="count", default=0, dest=dest,
                        help="log requests (-vv for everything); also accepted before the command")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="tagbridge",
        description="Album metadata and cover art from the Cover Art Archive, iTunes and Spotify.",
    )
    parser.add_argument("--version", action="version", version=f"tagbridge {__version__}")
    _verbosity(parser, "verbose")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (demo.add_parser(sub), art.add_parser(sub), *spotify.add_parsers(sub), serve.add_parser(sub),
                    *catalog.add_parsers(sub), picard.add_parser(sub)):
        # -v after the command too: `tagbridge art -v ...` is how people type it.
        _verbosity(command, "verbose_after")
    return parser


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Usage and configuration errors exit 2 with one line; a closed pipe (``| head -1``) exits
    141 and Ctrl-C 130, quietly; an output that cannot be written (a full disk) exits 74.
    """
    args = build_parser().parse_args(argv)
    env = os.environ if env is None else env
    setup_logging(args.verbose + getattr(args, "verbose_after", 0))
    commands = {"art": art.run, "album": spotify.run_album, "track": spotify.run_track, "serve": serve.run,
                "demo": demo.run, "catalog": catalog.run,
                "picard-plugin": picard.run}
    try:
        return commands[args.command](args, env)
    except ConfigError as exc:
        print(f"tagbridge: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("tagbridge: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG):
            raise
        _silence_stdout()
        print(f"tagbridge: error: cannot write the output: {exc.strerror}", file=sys.stderr)
        return EXIT_OUTPUT


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout already closed or not a real file
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
