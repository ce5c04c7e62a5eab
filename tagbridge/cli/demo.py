"""``tagbridge demo``: the main job, offline: a synthetic catalog, an untagged album, beets' importer."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Mapping
from pathlib import Path

from tagbridge.cli.common import EXIT_FAILED, EXIT_OK, checked_text
from tagbridge.core.errors import ConfigError

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``demo``."""
    demo = sub.add_parser(
        "demo", help="see tagbridge tag an album offline: synthetic catalog, untagged files, beets' importer",
        description="Build a small synthetic catalog in the Anna's Archive dump's schema, write an album of real "
                    "audio files that carry only their ISRCs, import it with beets' real importer and the "
                    "tagbridge plugin on the catalog backend, and print the tags before and after. Needs no "
                    "network; the cover-art step says what it would fetch.",
    )
    demo.add_argument("--dir", metavar="DIR", help="where to put everything (default: a new temporary directory)")
    demo.add_argument("--tracks", type=int, default=20_000, metavar="N",
                      help="tracks in the synthetic catalog (default 20000; try 1000000 for a feel of size)")
    return demo


def run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Run the demo; exit 0 when the album was imported and tagged."""
    from tagbridge.demo import run_demo

    if args.tracks < 10:
        raise ConfigError(f"--tracks: {args.tracks} is too few for a catalog (at least 10)")
    directory = Path(checked_text(args.dir, "--dir")) if args.dir else Path(tempfile.mkdtemp(prefix="tagbridge-demo-"))
    print(f"tagbridge demo in {directory}\n")
    result = run_demo(directory, tracks=args.tracks)
    print(f"\nEverything is in {directory}. The real-world path: download the dump, 'tagbridge catalog import' "
          "it, then point beets at it (README, 'The local catalog').")
    return EXIT_OK if result.imported else EXIT_FAILED
