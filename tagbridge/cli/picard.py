"""``tagbridge picard-plugin build OUT_DIR``: package the Picard 3 plugin as its own git repository."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from tagbridge.cli.common import EXIT_OK, checked_text

__all__ = ["add_parser", "run"]

_EPILOG = """\
then, in Picard 3:
  picard-cli --yes plugins install OUT_DIR      or Options > Plugins > Install, choosing OUT_DIR
  (push OUT_DIR to a git host to install from its URL, or to list it in Picard's plugin registry)
and tick "iTunes (high resolution)", "Spotify" or "tagbridge best" in Options > Cover Art:
a new provider starts disabled.

OUT_DIR must be new, empty, or an earlier build (which gets a new commit on top).
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``picard-plugin``."""
    plugin = sub.add_parser(
        "picard-plugin", help="package the Picard 3 plugin",
        description="Package tagbridge's Picard 3 plugin: the adapter, a generated copy of the pure-Python "
                    "core it runs (no requests, no rapidfuzz, nothing Picard does not ship), MANIFEST.toml and "
                    "its messages, committed as a git repository Picard's plugin manager installs.",
    )
    actions = plugin.add_subparsers(dest="plugin_action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="write the plugin into OUT_DIR as a git repository",
                               description="Write the plugin into OUT_DIR and commit it (one commit per build).",
                               epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    build.add_argument("out_dir", metavar="OUT_DIR", help="where to write the plugin")
    return build


def run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Build, then say where the plugin is and how to install it."""
    from tagbridge.picard_build import build_plugin

    out, commit = build_plugin(Path(checked_text(args.out_dir, "OUT_DIR")))
    print(f"tagbridge: Picard plugin written to {out} (commit {commit[:12]})", file=sys.stderr)
    print(f"install it with: picard-cli --yes plugins install {out}", file=sys.stderr)
    print(out)
    return EXIT_OK
