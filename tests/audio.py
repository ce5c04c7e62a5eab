"""Real audio files for the beets tests: tiny WAVs, tagged with mediafile, as long as the real tracks.

What belongs here: writing an album directory of WAV files (stdlib ``wave``) whose lengths are the
sample's real durations, tagged with whatever a test wants beets to see. beets weighs track length
when it matches, so a file one second long would not look like the album it is. Not here: beets
configuration or servers (``beets/beets_support.py``).

8-bit mono at 1000 Hz makes one byte a millisecond; the data chunk is kept at an even length,
because mediafile cannot read back tags behind an odd-sized chunk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import mediafile
from fakes.annas import Sample, TrackRow

from tagbridge.demo import write_silent_wav

__all__ = ["OUTRUN", "OUTRUN_UPC", "SUBSTANCE", "SampleTrack", "album_tracks", "write_album", "write_wav"]

#: Kavinsky, "OutRun": 13 tracks, UPC 00602537292066 (beets stores 602537292066).
OUTRUN = "3bRM4GQgoFjBRRzhp87Ugb"
OUTRUN_UPC = "00602537292066"
#: New Order, "Substance": 24 tracks on 2 discs.
SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"



@dataclass(frozen=True, slots=True, kw_only=True)
class SampleTrack:
    """A track of the sample as a test expects beets to tag it."""

    id: str
    title: str
    artist: str
    disc: int
    number: int
    duration_ms: int
    isrc: str


def album_tracks(sample: Sample, album_id: str) -> list[SampleTrack]:
    """The album's tracks in disc and track order, with their primary artist."""
    album = sample.album_by_id[album_id]
    rows: Iterable[TrackRow] = sample.album_tracks[album["rowid"]]
    ordered = sorted(rows, key=lambda t: (t["disc_number"], t["track_number"]))
    return [SampleTrack(id=t["id"], title=t["name"], artist=sample.track_artists(t["rowid"])[0]["name"],
                        disc=t["disc_number"], number=t["track_number"], duration_ms=t["duration_ms"],
                        isrc=t["external_id_isrc"] or "") for t in ordered]


def write_wav(path: Path, duration_ms: int) -> Path:
    """A silent WAV of ``duration_ms``: the demo's own writer (one home for the format's traps)."""
    return write_silent_wav(path, duration_ms)


def write_album(directory: Path, tracks: Iterable[SampleTrack], *, names: bool = True, isrcs: bool = False,
                album: str | None = None) -> list[Path]:
    """One WAV a track in ``directory``, tagged by ``names`` (artist, album, title, track, disc) and/or ISRC.

    File names say nothing about the track (``01.wav``...), so only the tags can identify it.
    With ``names=False`` the files carry no artist, album or title at all.
    """
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, track in enumerate(tracks, 1):
        path = write_wav(directory / f"{n:02d}.wav", track.duration_ms)
        tags = mediafile.MediaFile(str(path))
        if names:
            tags.title = track.title
            tags.artist = track.artist
            tags.album = album or ""
            tags.track = track.number
            tags.disc = track.disc
        if isrcs:
            tags.isrc = track.isrc
        tags.save()
        paths.append(path)
    return paths
