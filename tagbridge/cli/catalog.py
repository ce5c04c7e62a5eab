"""``tagbridge catalog import|index|synth``: build a local Spotify catalog from the dump, or a synthetic one.

What belongs here: these commands' options, help and examples, the progress bar (tqdm on a
terminal, a line every half minute otherwise), the one-line summary, and what Ctrl-C prints.
What doesn't: reading the dump or generating rows (``catalog/importer.py``, ``catalog/synth.py``);
they are imported when a command runs, so ``tagbridge --help`` stays fast.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

from tagbridge.cli.common import EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE
from tagbridge.core.errors import ConfigError

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["add_parsers", "run"]

_DUMP = """\
the dump: Anna's Archive "Backing up Spotify" metadata (torrent annas_archive_spotify_2025_07_metadata):
  spotify_clean.sqlite3 (about 117 GB), or its Kaggle Parquet edition "spotify-metadata-by-annas-archive"
  (one file per table: albums.parquet, tracks.parquet, artists.parquet, ... about 30 GB).
"""

_IMPORT_EPILOG = _DUMP + """
Copies the tables tagbridge reads (not track_audio_features), then builds the dump's indexes
and the search indexes (folded names, UPCs, ISRCs). Memory stays bounded (well under 2 GiB);
the catalog holds the rows again, so allow about the dump's size in free disk space. To use
spotify_clean.sqlite3 in place instead, see 'tagbridge catalog index'.

Interrupted (Ctrl-C, a kill, a reboot)? Run the same command again: it resumes where it stopped,
without duplicating or losing rows. Until it finishes, the catalog is refused as incomplete.

examples:
  tagbridge catalog import ~/dl/spotify-metadata-by-annas-archive --db ~/spotify.sqlite
  tagbridge catalog import ~/dl/spotify_clean.sqlite3 --db ~/spotify.sqlite
  tagbridge serve --db ~/spotify.sqlite

exit status: 0 done, 2 unusable input (the message names the file and column) or --db,
130 interrupted (run it again to resume), 74 the disk is full.
"""

_INDEX_EPILOG = """\
Builds only tagbridge's search indexes (folded names, UPCs, ISRCs: a few GB) in a side file,
and reads spotify_clean.sqlite3 in place, read-only: the 117 GB are neither copied nor written.
Keep the original where it is: the side file records its absolute path, and every lookup
reads it. Resumes like 'catalog import' when interrupted.

examples:
  tagbridge catalog index ~/dl/spotify_clean.sqlite3            # writes ~/dl/spotify_clean.tagbridge.sqlite3
  tagbridge catalog index /mnt/ro/spotify_clean.sqlite3 --db ~/spotify.side.sqlite3
  tagbridge serve --db ~/spotify.side.sqlite3

exit status: 0 done, 2 unusable original or --db, 130 interrupted (run it again to resume).
"""

_SYNTH_EPILOG = """\
The rows look like the dump's: artists with many albums, featured artists, singles, multi-disc
deluxe editions, Various Artists compilations repeating other albums' recordings (same ISRC),
missing UPCs, Japanese, Korean, Cyrillic, Greek and accented names, images, markets. The same
--tracks and --seed give the same rows. Every catalog holds the album "Night Ferry" by
"The Lantern Club" (id 4TbDemoAlbumNightFerry, UPC 0889853412307, 6 tracks) for demos.
About a minute per million tracks; 10 million take about 12 minutes, 4 GB of disk and under
1 GiB of memory (--parquet alone: half the time, no indexing).

examples:
  tagbridge catalog synth --tracks 20000 --db demo.sqlite
  tagbridge catalog synth --tracks 10000000 --db bench.sqlite --parquet bench-parquet/
  tagbridge catalog synth --tracks 1000000 --parquet synth-pq/ && tagbridge catalog import synth-pq/ --db s.sqlite
"""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> tuple[argparse.ArgumentParser, ...]:
    """Register ``catalog`` and its subcommands; returns the subcommands' parsers."""
    catalog = sub.add_parser(
        "catalog", help="build a local Spotify catalog: import the dump, index it in place, or synthesize one",
        description="Build the SQLite catalog that 'tagbridge serve' and the catalog backend read.",
        epilog="'tagbridge catalog COMMAND --help' explains each, with examples.\n\n"
               "examples:\n  tagbridge catalog import ~/dl/spotify-metadata-by-annas-archive --db ~/spotify.sqlite\n"
               "  tagbridge catalog index ~/dl/spotify_clean.sqlite3\n"
               "  tagbridge catalog synth --tracks 20000 --db demo.sqlite",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = catalog.add_subparsers(dest="catalog_command", required=True, metavar="COMMAND")
    copy = commands.add_parser(
        "import", help="copy the dump into a catalog", epilog=_IMPORT_EPILOG,
        description="Import the Anna's Archive Spotify dump into a tagbridge catalog.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    copy.add_argument("source", metavar="SRC", type=Path,
                      help="the Kaggle Parquet directory, or spotify_clean.sqlite3")
    copy.add_argument("--db", required=True, type=Path, metavar="PATH", help="the catalog file to write (or resume)")
    copy.add_argument("--chunk-rows", type=int, help=argparse.SUPPRESS)  # tests interrupt mid-way with tiny chunks
    index = commands.add_parser(
        "index", help="index spotify_clean.sqlite3 in place (read-only, nothing copied)",
        epilog=_DUMP + "\n" + _INDEX_EPILOG,
        description="Build a side index beside the original SQLite dump, which is only read.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    index.add_argument("original", metavar="ORIGINAL", type=Path, help="spotify_clean.sqlite3")
    index.add_argument("--db", type=Path, metavar="PATH",
                       help="the side index to write (default: ORIGINAL's name with .tagbridge.sqlite3, beside it)")
    synth = commands.add_parser(
        "synth", help="generate a realistic synthetic catalog of any size (tests, demos, benchmarks)",
        epilog=_SYNTH_EPILOG,
        description="Generate a synthetic catalog in the dump's schema, as a catalog file and/or Parquet files.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    synth.add_argument("--tracks", type=int, required=True, metavar="N",
                       help="how many tracks (albums and artists follow)")
    synth.add_argument("--db", type=Path, metavar="PATH", help="write a complete, indexed catalog here")
    synth.add_argument("--parquet", type=Path, metavar="DIR",
                       help="write one Parquet file per table here, as the Kaggle edition (for import benchmarks)")
    synth.add_argument("--seed", type=int, default=0, help="another seed, other rows (default 0)")
    synth.add_argument("--force", action="store_true", help="overwrite existing outputs")
    return copy, index, synth


# --- progress ----------------------------------------------------------------------------------

class _Bar:
    """tqdm on stderr, one bar per phase, with rows/s and the time left."""

    def __init__(self) -> None:
        self.bar: tqdm[NoReturn] | None = None  # a bar over no iterable

    def phase(self, name: str, total: int | None, done: int = 0) -> None:
        from tqdm import tqdm

        self.close()
        unit = _UNITS.get(name, "rows")
        self.bar = tqdm(total=total, initial=done, desc=name, unit=f" {unit}", unit_scale=unit != "indexes",
                        file=sys.stderr, dynamic_ncols=True, smoothing=0.05, mininterval=0.5)

    def advance(self, rows: int, label: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(_label(label).strip(" ()"), refresh=False)
            self.bar.update(rows)

    def close(self) -> None:
        if self.bar is not None:
            if self.bar.total and self.bar.n != self.bar.total:  # the total was an estimate
                self.bar.total = self.bar.n
            self.bar.close()
            self.bar = None


class _Lines:
    """Without a terminal (a log file, cron): one line every half minute, nothing for short runs."""

    def __init__(self, stream: IO[str], every: float = 30.0) -> None:
        self.stream, self.every = stream, every
        self.name, self.done, self.base = "", 0, 0
        self.total: int | None = None
        self.started = self.said = time.monotonic()

    def phase(self, name: str, total: int | None, done: int = 0) -> None:
        self.name, self.total, self.done, self.base, self.started = name, total, done, done, time.monotonic()

    def advance(self, rows: int, label: str) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self.said < self.every:
            return
        self.said = now
        rate = (self.done - self.base) / max(now - self.started, 1e-9)
        of = f" of {self.total:,}" if self.total else ""
        left = f", about {_duration((self.total - self.done) / rate)} left" if self.total and rate else ""
        unit = _UNITS.get(self.name, "rows")
        print(f"tagbridge: {self.name}{_label(label)}: {self.done:,}{of} {unit}, {rate:,.0f} {unit}/s{left}",
              file=self.stream, flush=True)

    def close(self) -> None:
        pass


#: What each phase counts (rows, unless named here).
_UNITS = {"dump indexes": "indexes", "generate": "tracks"}


def _label(label: str) -> str:
    """`` (tracks)`` for a table or step worth naming beside the phase; nothing for the dump's indexes."""
    return "" if label == "dump-index" else f" ({label})"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def _progress() -> _Bar | _Lines:
    return _Bar() if sys.stderr.isatty() else _Lines(sys.stderr)


# --- the commands ------------------------------------------------------------------------------

def run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Run ``tagbridge catalog COMMAND``; returns the exit status."""
    import sqlite3

    progress = _progress()
    try:
        if args.catalog_command == "import":
            return _import(args, progress)
        if args.catalog_command == "index":
            return _index(args, progress)
        return _synth(args, progress)
    except KeyboardInterrupt:
        progress.close()
        if args.catalog_command == "synth":
            print("tagbridge: interrupted; the output is incomplete: run the command again with --force",
                  file=sys.stderr)
        else:
            print(f"tagbridge: interrupted; to resume where it stopped, run: {_again(args)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except sqlite3.DatabaseError as exc:  # writing the catalog itself failed: the dump's faults are DumpError
        progress.close()
        full = "full" in str(exc)
        print(f"tagbridge: error: cannot write {args.db}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT if full else EXIT_USAGE
    finally:
        progress.close()


def _again(args: argparse.Namespace) -> str:
    source = args.source if args.catalog_command == "import" else args.original
    words = ["tagbridge", "catalog", args.catalog_command, str(source)]
    if args.db is not None:
        words += ["--db", str(args.db)]
    return shlex.join(words)


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s" if seconds > 0 else "-"


def _import(args: argparse.Namespace, progress: _Bar | _Lines) -> int:
    from tagbridge.catalog.importer import import_catalog

    if args.chunk_rows is not None and args.chunk_rows < 1:
        raise ConfigError("--chunk-rows must be at least 1")
    kwargs = {"chunk_rows": args.chunk_rows} if args.chunk_rows else {}
    result = import_catalog(args.source, args.db, progress=progress, **kwargs)
    progress.close()
    if result.already_complete:
        print(f"tagbridge: {args.db} is already a complete catalog of {args.source}; nothing to do")
        return EXIT_OK
    resumed = " (resumed)" if result.resumed else ""
    print(f"tagbridge: imported {result.rows_copied:,} rows{resumed} from {args.source} into {args.db} in "
          f"{result.copy_seconds + result.index_seconds:.1f} s (copy {_rate(result.rows_copied, result.copy_seconds)}, "
          f"index {_rate(result.rows_indexed, result.index_seconds)})")
    return EXIT_OK


def _index(args: argparse.Namespace, progress: _Bar | _Lines) -> int:
    from tagbridge.catalog.importer import index_original

    if args.db is None:
        args.db = args.original.with_name(args.original.name.split(".")[0] + ".tagbridge.sqlite3")
    result, missing = index_original(args.original, args.db, progress=progress)
    progress.close()
    if missing:
        print(f"tagbridge: warning: {args.original} has no index on {', '.join(missing)}: lookups through them "
              "read the whole table (slow at full size); 'catalog import' builds them in a copy", file=sys.stderr)
    if result.already_complete:
        print(f"tagbridge: {args.db} is already a complete index of {args.original}; nothing to do")
        return EXIT_OK
    print(f"tagbridge: indexed {result.rows_indexed:,} rows of {args.original} into {args.db} in "
          f"{result.index_seconds:.1f} s ({_rate(result.rows_indexed, result.index_seconds)})")
    return EXIT_OK


def _synth(args: argparse.Namespace, progress: _Bar | _Lines) -> int:
    from tagbridge.catalog.synth import synth

    result = synth(tracks=args.tracks, db=args.db, parquet=args.parquet, seed=args.seed, overwrite=args.force,
                   progress=progress)
    progress.close()
    where = " and ".join(str(p) for p in (args.db, args.parquet) if p is not None)
    f = result.featured
    print(f"tagbridge: generated {result.tracks:,} tracks ({result.total_rows:,} rows) into {where} in "
          f"{result.seconds:.1f} s ({_rate(result.total_rows, result.seconds)}); featured album "
          f"'{f.name}' by {f.artist} (id {f.id}, UPC {f.upc})")
    return EXIT_OK
