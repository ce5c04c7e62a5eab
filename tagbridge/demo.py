"""``tagbridge demo``: the main job end to end, offline, on the embedded default.

It builds a small synthetic catalog (the Anna's Archive dump's schema), writes an album of real
audio files that carry nothing but their ISRCs (as a CD ripper reads them off the disc), runs
beets' real importer with the tagbridge plugin on the ``catalog`` backend, and prints the tags
before and after. Cover art lives on image servers, not in the catalog: that step says what it
would fetch and why it could not.

What belongs here: the demo's steps and what they print. What doesn't: any matching or lookup
(the plugin and the resolver do that, exactly as in a real import).
"""

from __future__ import annotations

import os
import time
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["run_demo", "write_silent_wav", "DemoResult"]

Say = Callable[[str], None]

#: Tags shown before and after, in the order a person reads them.
_SHOWN = ("track", "title", "artist", "album", "year", "isrc")


def write_silent_wav(path: Path, duration_ms: int) -> Path:
    """A silent WAV ``duration_ms`` long (8-bit mono at 1 kHz: one byte a millisecond).

    beets weighs track length when it matches, so each file is as long as the track it stands
    for. The data chunk is kept even: mediafile cannot read back tags behind an odd-sized one.
    """
    frames = duration_ms + duration_ms % 2
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(1000)
        out.writeframes(b"\x80" * frames)
    return path


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo did, for its exit status and for tests."""

    imported: bool
    before: list[dict[str, Any]]
    after: list[dict[str, Any]]
    art_url: str | None


def _tags(paths: Sequence[Path]) -> list[dict[str, Any]]:
    import mediafile  # type: ignore[import-untyped]

    rows = []
    for path in paths:
        tags = mediafile.MediaFile(str(path))
        rows.append({"file": path.name, **{key: getattr(tags, key) or "" for key in _SHOWN}})
    return rows


def _table(rows: list[dict[str, Any]], say: Say) -> None:
    keys = ("file", *_SHOWN)
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in keys}
    say("  " + "  ".join(k.ljust(widths[k]) for k in keys))
    for row in rows:
        say("  " + "  ".join(str(row[k] or "-").ljust(widths[k]) for k in keys))


def run_demo(directory: Path, *, tracks: int = 20_000, say: Say = print) -> DemoResult:
    """Run every step in ``directory`` (created if needed); nothing outside it is touched."""
    from tagbridge.catalog.synth import FEATURED, synth_catalog

    directory.mkdir(parents=True, exist_ok=True)
    catalog = directory / "catalog.sqlite"
    say(f"1. A synthetic catalog of {tracks:,} tracks in the Anna's Archive dump's schema: {catalog}")
    started = time.monotonic()
    if catalog.exists():
        say("   (already there; reused)")
    else:
        synth_catalog(catalog, tracks=tracks, seed=1)
    say(f"   ready in {time.monotonic() - started:.1f} s; it holds {FEATURED.artist} – {FEATURED.name} among others")

    album_dir = directory / "untagged"
    album_dir.mkdir(exist_ok=True)
    paths = []
    for n, track in enumerate(FEATURED.tracks, 1):
        path = write_silent_wav(album_dir / f"{n:02d}.wav", track.duration_ms)
        _set_tags(path, isrc=track.isrc)
        paths.append(path)
    before = _tags(paths)
    say(f"\n2. An untagged album: {len(paths)} WAV files in {album_dir}, carrying only their ISRCs "
        "(as a ripper reads them off a CD)")
    _table(before, say)

    say("\n3. beets' real importer, with the tagbridge plugin on the catalog backend (no network):")
    library_files = _import(directory, catalog, album_dir, say)
    after = _tags(library_files) if library_files else []
    if after:
        say("   tags after the import:")
        _table(after, say)
    else:
        say("   nothing was imported (see above)")

    say("\n4. Cover art:")
    art_url = _art(directory, catalog, say)
    return DemoResult(imported=bool(after), before=before, after=after, art_url=art_url)


def _set_tags(path: Path, **tags: Any) -> None:
    import mediafile

    media = mediafile.MediaFile(str(path))
    for key, value in tags.items():
        setattr(media, key, value)
    media.save()


def _beets_config(directory: Path, catalog: Path) -> dict[str, Any]:
    return {
        "directory": str(directory / "library"),
        "library": str(directory / "library.db"),
        "plugins": ["tagbridge"],
        "create_backup_before_migrations": False,  # a new library: nothing to back up
        "import": {"copy": True, "write": True, "resume": False, "quiet": False, "log": None},
        "tagbridge": {
            "sources": ["caa", "itunes", "spotify"],
            "spotify": {"backend": "catalog", "catalog": str(catalog)},
            "cache_dir": str(directory / "cache"),
            "timeout": 3,
        },
    }


def _import(directory: Path, catalog: Path, album_dir: Path, say: Say) -> list[Path]:
    """Import ``album_dir`` with beets' importer in this process; the library's files afterwards."""
    os.environ["BEETSDIR"] = str(directory / "beets")  # beets' state files stay in the demo's directory
    import beets
    from beets import importer, library, plugins
    from beets.autotag import Recommendation

    beets.config.clear()
    beets.config.read(user=False, defaults=True)
    beets.config.set(_beets_config(directory, catalog))
    plugins.load_plugins()
    lib = library.Library(str(directory / "library.db"), str(directory / "library"))

    class Session(importer.ImportSession):
        """Takes beets' best candidate when tagbridge found it by an identifier; says so."""

        def should_resume(self, path: Any) -> bool:
            return False

        def choose_match(self, task: Any) -> Any:
            if not task.candidates:
                say("   beets found no candidate")
                return importer.Action.SKIP
            best = task.candidates[0]
            info = best.info
            say(f"   beets' best candidate: {info.artist} – {info.album} from {info.data_source}, "
                f"distance {float(best.distance):.2f} (recommendation: {task.rec.name if task.rec else '?'})")
            if task.rec == Recommendation.strong or info.data_source == "tagbridge":
                say("   applied: tagbridge identified the album by its files' ISRCs (an ID link beats any text)")
                return best
            return importer.Action.SKIP

        def choose_item(self, task: Any) -> Any:
            return importer.Action.SKIP

        def resolve_duplicate(self, task: Any, found_duplicates: Any) -> None:
            task.set_choice(importer.Action.SKIP)

    Session(lib, None, [os.fsencode(album_dir)], None).run()
    found = [Path(os.fsdecode(item.path)) for album in lib.albums() for item in album.items()]
    plugins.send("cli_exit", lib=lib)
    return sorted(found)


def _art(directory: Path, catalog: Path, say: Say) -> str | None:
    """Rank the imported album's covers as fetchart would, then try the download; say why it cannot be done offline."""
    from tagbridge.catalog.synth import FEATURED
    from tagbridge.core.errors import TagbridgeError
    from tagbridge.core.model import AlbumQuery
    from tagbridge.runtime import Runtime
    from tagbridge.settings import settings_from_mapping

    settings = settings_from_mapping(_beets_config(directory, catalog)["tagbridge"], prefix="tagbridge")
    query = AlbumQuery(artist=FEATURED.artist, album=FEATURED.name, barcode=FEATURED.upc, tracks=len(FEATURED.tracks))
    with Runtime(settings) as runtime:
        resolution = runtime.resolve_art(query)
        if not resolution.candidates:
            say("   nothing to fetch: no source offered a cover (" + "; ".join(
                f"{r.source}: {r.error or r.skipped or 'nothing'}" for r in resolution.reports) + ")")
            return None
        best = resolution.candidates[0]
        size = f"{best.width}x{best.height}" if best.width else "size unknown"
        say(f"   would fetch {best.url}")
        say(f"   ({best.source}, {best.match.value} match, {size}, ranked first of {len(resolution.candidates)})")
        try:
            runtime.download_image(best.url, best.source)
        except TagbridgeError as exc:
            say(f"   could not: {exc.message if hasattr(exc, 'message') else exc}")
            say("   covers live on image servers, not in the catalog: this step needs the network "
                "(the synthetic catalog's image URLs point at nothing, so even online it would stop here)")
            return best.url
        say("   fetched it")
        return best.url
