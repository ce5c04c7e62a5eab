"""``beet tagbridge [QUERY]``: for each matched album, the ranked cover art and the Spotify match, with reasons.

A dry run by default. ``--apply`` sets the best art that downloads whole (never over existing
art unless ``--force``) and stores ``spotify_album_id`` on the album and ``spotify_track_id`` on
each item it can pair with a track (by ISRC, else by disc and track number when the counts
agree). Only an identifier match or an exact text match is applied.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from beets import ui, util

from beetsplug.tagbridge.info import evidence_from_items, pair_items
from tagbridge.core.errors import TagbridgeError
from tagbridge.core.model import ArtResolution, MatchKind
from tagbridge.core.records import AlbumRecord
from tagbridge.identify import find_spotify_albums
from tagbridge.sources.artwork import image_kind

if TYPE_CHECKING:
    from beets.library import Album, Item, Library

    from beetsplug.tagbridge import TagbridgePlugin

__all__ = ["tagbridge_command"]

_SHOWN = 5


def tagbridge_command(plugin: TagbridgePlugin) -> ui.Subcommand:
    """The subcommand, bound to ``plugin``."""
    cmd = ui.Subcommand("tagbridge", help="show (or, with --apply, set) ranked cover art and Spotify ids")
    cmd.parser.add_option("-a", "--apply", action="store_true", default=False,
                          help="set the best art and the Spotify ids (without it: a dry run)")
    cmd.parser.add_option("-f", "--force", action="store_true", default=False,
                          help="with --apply, replace art an album already has")
    cmd.parser.add_option("-e", "--explain", action="store_true", default=False,
                          help="say why each candidate ranked where it did, and what was passed over")
    cmd.parser.add_option("--no-art", dest="art", action="store_false", default=True, help="skip cover art")
    cmd.parser.add_option("--no-spotify", dest="spotify", action="store_false", default=True,
                          help="skip the Spotify match")

    def run(lib: Library, opts: Any, args: Sequence[str]) -> None:
        albums = list(lib.albums(list(args)))
        if not albums:
            ui.print_("tagbridge: no album matches the query")
            return
        for number, album in enumerate(albums, 1):
            ui.print_(f"[{number}/{len(albums)}] {album.albumartist} - {album.album}")
            if opts.art:
                _art(plugin, album, opts)
            if opts.spotify:
                _spotify(plugin, album, opts)

    cmd.func = run
    return cmd


def _art(plugin: TagbridgePlugin, album: Album, opts: Any) -> None:
    resolution = plugin.resolve_album_art(album)
    if resolution is None:
        return
    _print_art(resolution, opts.explain)
    if not opts.apply or not resolution.candidates:
        return
    if album.artpath and os.path.isfile(util.syspath(album.artpath)) and not opts.force:
        ui.print_("  art: kept the art the album has (--force replaces it)")
        return
    for cand in resolution.candidates:
        try:
            data = plugin.runtime.download_image(cand.url, cand.source)
        except TagbridgeError as exc:
            ui.print_(f"  art: skipped {cand.url}: {exc}")
            continue
        suffix = {"png": ".png", "gif": ".gif", "webp": ".webp"}.get(image_kind(data) or "", ".jpg")
        path = util.get_temp_filename(__name__, suffix=suffix)
        with open(path, "wb") as fh:
            fh.write(data)
        album.set_art(path, copy=False)
        album.store()
        ui.print_(f"  art: set from {cand.source} ({cand.url})")
        return
    ui.print_("  art: no candidate downloaded whole; the album's art is unchanged")


def _print_art(resolution: ArtResolution, explain: bool) -> None:
    outcome = resolution.outcome
    if outcome != "found":
        words = {"abstained": "nothing good enough (abstained)", "failed": "every source failed",
                 "not_asked": "no source had anything to go on"}[outcome]
        ui.print_(f"  art: {words}")
        for report in resolution.reports:
            if report.error or report.skipped:
                ui.print_(f"    {report.source}: {report.error or report.skipped}")
    for i, cand in enumerate(resolution.candidates[:_SHOWN], 1):
        size = f"{cand.width}x{cand.height}" if cand.width else (f"~{cand.size_hint}px" if cand.size_hint else "size ?")
        ui.print_(f"  art {i}. {cand.source:<7} {cand.match.value:<5} {cand.score:.2f} {size:<10} {cand.url}")
        if explain:
            for reason in cand.reasons:
                ui.print_(f"       · {reason}")
    if explain:
        for passed in resolution.rejected:
            ui.print_(f"    passed over: {passed.source} {passed.artist} - {passed.title}: {'; '.join(passed.reasons)}")


def _spotify(plugin: TagbridgePlugin, album: Album, opts: Any) -> None:
    items = list(album.items())
    evidence = evidence_from_items(items, album.albumartist, album.album)
    found = plugin.spotify_lookup(f"looking up {album}", lambda s: find_spotify_albums(s, evidence), None)
    if found is None:
        ui.print_("  spotify: could not be asked (see the log)")
        return
    if not found.records:
        ui.print_("  spotify: nothing matched well enough")
    for record in found.records[:_SHOWN]:
        kind = record.match.value if record.match else "?"
        ui.print_(f"  spotify {kind} {record.score or 0:.2f}: {', '.join(a.name for a in record.artists)} - "
                  f"{record.title} (spotify:album:{record.id})")
        if opts.explain:
            for reason in record.reasons:
                ui.print_(f"       · {reason}")
    if opts.explain:
        for passed in found.passed_over:
            ui.print_(f"    passed over: {passed.artist} - {passed.title}: {'; '.join(passed.reasons)}")
    best = found.records[0] if found.records else None
    if opts.apply and best is not None:
        if best.match in (MatchKind.ID, MatchKind.EXACT):
            _apply_ids(album, items, best)
        else:
            ui.print_("  spotify: not applied: only an identifier or exact match is")


def _apply_ids(album: Album, items: list[Item], record: AlbumRecord) -> None:
    album["spotify_album_id"] = record.id
    album.store()
    paired = pair_items(items, record.tracks)
    for item, track in paired:
        item["spotify_track_id"] = track.id
        item["spotify_album_id"] = record.id
        item.store()
    ui.print_(f"  spotify: set spotify_album_id {record.id} and {len(paired)} of {len(items)} track ids")
