"""The Picard tests' fixtures and helpers: the built plugin, one Picard host per session, releases to load.

What belongs here: building the plugin once, loading it into the host with Picard's own loader,
per-test option values, and MusicBrainz release bodies shaped as Picard asks for them. What
doesn't: assertions (the test modules) and the host itself (``picard_host.py``).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("picard", reason="Picard 3.0.x comes with the test extra: pip install -e '.[test]'")
pytest.importorskip("PyQt6", reason="PyQt6 comes with the test extra: pip install -e '.[test]'")

from picard_host import HostApp, configure_servers, load_plugin, start_host, wait_until  # noqa: E402

from tagbridge.picard_build import PLUGIN_UUID, build_plugin  # noqa: E402

__all__ = ["built_plugin", "host", "picard", "PicardRun", "release_body", "ReleaseTrack", "PLUGIN_ID"]

PLUGIN_ID = "tagbridge"
_NAMESPACE = uuid.UUID("2f0d6d55-6f2e-4b8c-9f4e-0d1c2b3a4f50")


def fake_mbid(*parts: object) -> str:
    """A stable MusicBrainz-shaped ID for a made-up entity."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(map(str, parts))))


@pytest.fixture(scope="session")
def built_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``tagbridge picard-plugin build`` output, in a plugins directory as Picard lays it out."""
    plugins = tmp_path_factory.mktemp("picard-plugins")
    build_plugin(plugins / PLUGIN_ID)
    return plugins


@dataclass
class PicardRun:
    """The session's Picard host with the plugin enabled, and what a test needs to drive it."""

    app: HostApp
    plugin: Any
    module: Any
    errors: list[str] = field(default_factory=list)
    #: Every message Picard and the plugin logged during the test, at any level.
    messages: list[str] = field(default_factory=list)

    def plugin_errors(self) -> list[str]:
        """The errors the plugin logged (Picard's web service also logs every non-2xx answer, a 404 included)."""
        return [line for line in self.errors if line.startswith("tagbridge")]

    def stored_images(self) -> list[str]:
        """The image URLs Picard's cover-art queue downloaded, processed and stored in the album's metadata."""
        return re.findall(r"^Storing to metadata: CoverArtImage\(url='([^']+)'", "\n".join(self.messages), re.M)

    @property
    def api(self) -> Any:
        from picard.plugin3.api import PluginApi

        return PluginApi._instances[self.module.__name__]

    @property
    def setting(self) -> Any:
        from picard.config import get_config

        return get_config().setting

    def configure(self, server_url: str, *, providers: Sequence[str], **options: Any) -> None:
        """Point every service at ``server_url``, enable ``providers`` in this order, set plugin ``options``."""
        from picard.config import get_config

        host, _, port = server_url.removeprefix("http://").partition(":")
        configure_servers(self.setting, mb_host=host, mb_port=int(port))
        self.setting["ca_providers"] = [(name, True) for name in providers]
        self.setting["save_images_to_tags"] = True
        self.setting["save_images_to_files"] = False
        config = self.api.plugin_config
        base = {"itunes_url": server_url, "caa_url": server_url, "musicbrainz_url": server_url,
                "spotify_backend": "clone", "spotify_url": f"{server_url}/v1", "countries": "US",
                "size": "3000", "min_score": 0.85, "prefer": "explicit", "spotify_ids": True, "spotify_client_id": "",
                "spotify_client_secret": "", "spotify_token_url": "", "timeout": 10.0}
        for name, value in {**base, **options}.items():
            config[name] = value
        get_config().sync()

    def load_album(self, mbid: str, timeout: float = 30.0) -> Any:
        """Load release ``mbid`` the way Picard does when a user adds it; waits until it and its art are done."""
        from picard.album import Album

        album = Album(mbid)
        self.app.albums[mbid] = album
        album.load()
        finished = wait_until(lambda: album.loaded and not album._pending_tasks, timeout)
        assert finished, f"album {mbid} did not finish loading: pending {list(album._pending_tasks)}"
        return album


    def retrieve_art(self, release: dict[str, Any], timeout: float = 30.0, **fields: str) -> tuple[Any, Any]:
        """Run Picard's own cover-art queue (``picard.coverart.CoverArt``) for ``release``; waits until it is done.

        Returns (album, album.metadata): Picard stores the downloaded images in the album's metadata.
        """
        from picard.album import Album
        from picard.coverart import CoverArt
        from picard.metadata import Metadata

        mbid = str(release["id"])
        album = Album(mbid)
        self.app.albums[mbid] = album
        metadata = Metadata()
        metadata["musicbrainz_albumid"] = mbid
        metadata["album"] = str(release.get("title") or "")
        metadata["barcode"] = str(release.get("barcode") or "")
        for key, value in fields.items():
            metadata[key] = value
        album.metadata.update(metadata)  # as a loaded album has it (Picard skips empty metadata when storing art)
        coverart = CoverArt(album, metadata, release)
        coverart.retrieve()
        finished = wait_until(lambda: coverart._queue_generator is None and not album._pending_tasks, timeout)
        assert finished, f"the cover-art queue for {mbid} did not finish: pending {list(album._pending_tasks)}"
        return album, album.metadata


class _Capture(logging.Handler):
    def __init__(self, run: PicardRun) -> None:
        super().__init__(logging.DEBUG)
        self.run = run

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        self.run.messages.append(message)
        if record.levelno >= logging.ERROR:
            self.run.errors.append(message)


@pytest.fixture(scope="session")
def host(built_plugin: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PicardRun]:
    """One Picard host per session (Qt allows one application) with the built plugin enabled."""
    config_file = tmp_path_factory.mktemp("picard-config") / "Picard.ini"
    app = start_host(config_file)
    plugin = load_plugin(app, built_plugin, PLUGIN_UUID)
    yield PicardRun(app=app, plugin=plugin, module=plugin._module)


@pytest.fixture
def picard(host: PicardRun) -> Iterator[PicardRun]:
    """The session's host with fresh logs: what Picard and the plugin log lands in ``messages`` (errors also in ``errors``)."""
    host.errors = []
    host.messages = []
    handler = _Capture(host)
    logger = logging.getLogger("main")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    host.app.albums.clear()
    try:
        yield host
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


# --- MusicBrainz release bodies ------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseTrack:
    """One track of a made-up release."""

    title: str
    length_ms: int
    isrcs: tuple[str, ...] = ()
    disc: int = 1


def release_body(*, mbid: str, title: str, artist: str, tracks: Sequence[ReleaseTrack], barcode: str | None = None,
                 date: str = "2013-02-25", relations: Sequence[dict[str, Any]] | None = (),
                 country: str = "XW") -> bytes:
    """A ws/2 release in the shape Picard requests it (media, recordings with ISRCs, artist credits, release group).

    ``relations=None`` leaves the ``relations`` key out, as MusicBrainz does when the user has
    switched relationships off.
    """
    artist_node = {"id": fake_mbid("artist", artist), "name": artist, "sort-name": artist, "disambiguation": "",
                   "type": "Person"}
    credit = [{"name": artist, "joinphrase": "", "artist": artist_node}]
    media: dict[int, list[dict[str, Any]]] = {}
    for track in tracks:
        media.setdefault(track.disc, []).append(track)  # type: ignore[arg-type]
    media_nodes = []
    for disc, disc_tracks in sorted(media.items()):
        nodes = []
        for n, track in enumerate(disc_tracks, 1):
            recording = {"id": fake_mbid("recording", mbid, disc, n), "title": track.title, "length": track.length_ms,
                         "video": False, "disambiguation": "", "isrcs": list(track.isrcs), "artist-credit": credit}
            nodes.append({"id": fake_mbid("track", mbid, disc, n), "number": str(n), "position": n,
                          "title": track.title, "length": track.length_ms, "artist-credit": credit,
                          "recording": recording})
        media_nodes.append({"position": disc, "format": "Digital Media", "title": "", "track-count": len(nodes),
                            "track-offset": 0, "tracks": nodes})
    body: dict[str, Any] = {
        "id": mbid, "title": title, "status": "Official", "quality": "normal", "disambiguation": "",
        "barcode": barcode or "", "date": date, "country": country, "asin": None, "packaging": None,
        "text-representation": {"language": "eng", "script": "Latn"},
        "cover-art-archive": {"artwork": False, "count": 0, "front": False, "back": False, "darkened": False},
        "artist-credit": credit, "label-info": [],
        "release-events": [{"date": date, "area": None}],
        "release-group": {"id": fake_mbid("release-group", mbid), "title": title, "primary-type": "Album",
                          "secondary-types": [], "first-release-date": date, "disambiguation": "",
                          "artist-credit": credit},
        "media": media_nodes,
    }
    if relations is not None:
        body["relations"] = list(relations)
    return json.dumps(body).encode()
