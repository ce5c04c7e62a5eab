"""What the beets plugin's tests share: beets in-process and as the real ``beet`` command, over local fakes.

What belongs here: the two ways into beets (an isolated in-process library and importer from
``beets.test.helper``; a ``beet`` subprocess with its own config file, HOME and BEETSDIR), the
album directories they import, and the local servers they talk to (the Spotify clones over the
Anna's Archive sample, and an image server serving real image bytes). Nothing here touches the
internet: every base URL the plugin may use points at 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import beets.plugins
import pytest
from audio import OUTRUN, SampleTrack, album_tracks, write_album
from beets import metadata_plugins
from beets.library import Album, Item, Library
from beets.test.helper import ImportHelper, PluginMixin
from fakes.annas import Sample, sample_or_skip
from fakes.fixtures import seed_clone, spec_clone  # noqa: F401 - fixtures used by the tests here
from fakes.spec_clone import SpecClone
from images import jpeg, png
from recorded_server import Answer, RecordedServer, recorded_server  # noqa: F401 - fixture
from shared_paths import recorded

__all__ = [
    "CAA_RELEASE",
    "Beet",
    "Beets",
    "add_album_as_is",
    "art_bytes",
    "art_clone_for",
    "art_path",
    "clone_options",
    "dead_url",
    "fast_options",
    "serve_caa_release",
]

#: A release whose recorded CAA index has one approved front image.
CAA_RELEASE = "e276296d-0e1a-40bb-ac14-7a95f1ca7ff0"

#: Rates high enough that no test waits on a per-host limit.
FAST_RATES = {"itunes": "1000/1", "musicbrainz": "1000/1", "caa": "1000/1", "spotify": "1000/1"}


def fast_options(cache_dir: Path, **more: Any) -> dict[str, Any]:
    """The ``tagbridge:`` section every test starts from: its own cache, high rates, short waits,
    and every base URL at a port where nothing listens, so a source a test forgot is an error,
    never a request to the internet."""
    nowhere = dead_url()
    options: dict[str, Any] = {
        "cache_dir": str(cache_dir),
        "rates": dict(FAST_RATES),
        "timeout": 5,
        "deadline": 20,
        "urls": {"itunes": nowhere, "caa": nowhere, "musicbrainz": nowhere},
        "spotify": {"backend": "clone", "url": nowhere},
    }
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(options.get(key), dict):
            options[key] = {**options[key], **value}
        else:
            options[key] = value
    return options


def clone_options(clone: Any) -> dict[str, Any]:
    """``spotify:`` for the clone backend at a running fake clone."""
    base = clone.api_url if isinstance(clone, SpecClone) else clone.url
    return {"backend": "clone", "url": base}


def dead_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def clear_beets_caches() -> None:
    """beets caches which plugins are metadata sources; forget that whenever the plugins change."""
    for cached in (metadata_plugins.find_metadata_source_plugins, metadata_plugins.get_metadata_source,
                   metadata_plugins.get_penalty):
        cached.cache_clear()


# --- beets in-process ---------------------------------------------------------------------------

class Beets(PluginMixin, ImportHelper):
    """An isolated beets: pristine global config, an in-memory library, an import directory.

    Plugins are loaded by :meth:`load`, not at setup, so each test configures them first. The
    import session is beets' ``ImportSessionFixture``, whose default choice applies the top
    candidate, as a user pressing Enter would.
    """

    preload_plugin = False

    def __init__(self, tmp_path: Path) -> None:
        self._tmp = tmp_path

    def create_temp_dir(self, **kwargs: Any) -> str:
        path = self._tmp / "beets"
        path.mkdir(exist_ok=True)
        return str(path)

    def load(self, *plugins: str, **sections: Any) -> list[beets.plugins.BeetsPlugin]:
        """Set each ``sections`` item as a config section, then load ``plugins`` (sending pluginload)."""
        for name, value in sections.items():
            self.config[name].set(value)
        self.config["ui"]["color"] = False
        clear_beets_caches()
        self.load_plugins(*plugins)
        return list(beets.plugins.find_plugins())

    def unload_plugins(self) -> None:
        super().unload_plugins()
        clear_beets_caches()

    def instance(self, cls: type) -> Any:
        """The loaded instance of ``cls``."""
        return next(p for p in beets.plugins.find_plugins() if isinstance(p, cls))

    def import_album(self, directory: Path, **import_options: Any) -> None:
        """Run beets' real importer over ``directory``, applying the top candidate."""
        self.setup_importer(directory, **import_options).run()


@pytest.fixture
def beets_lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Beets]:
    """beets in-process; see :class:`Beets`.

    Loggers are process-wide and both sides change them: a command run in-process gives beets'
    logger a handler on that test's captured stderr, and the plugin routes the core's "tagbridge"
    logger into beets (no propagation). Both are put back afterwards, or later tests would log
    to a closed stream or find the core's records missing from caplog. Temporary files (fetchart
    keeps a copy of each image it set) go under ``tmp_path``, not the system's /tmp/beets.
    """
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    saved = {name: _logger_state(name) for name in ("beets", "tagbridge")}
    helper = Beets(tmp_path)
    helper.setup_beets()
    try:
        yield helper
    finally:
        helper.teardown_beets()
        for name, (handlers, level, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers, logger.propagate = handlers, propagate
            logger.setLevel(level)


def _logger_state(name: str) -> tuple[list[logging.Handler], int, bool]:
    logger = logging.getLogger(name)
    return list(logger.handlers), logger.level, logger.propagate


# --- the real beet command ----------------------------------------------------------------------

@dataclasses.dataclass
class Beet:
    """The ``beet`` command in a subprocess: its own config file, HOME and BEETSDIR, no TAGBRIDGE_* variables."""

    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / "config.yaml"

    @property
    def library(self) -> Path:
        return self.root / "library.db"

    @property
    def directory(self) -> Path:
        return self.root / "music"

    def open_library(self) -> Library:
        """The library the command wrote (its paths are stored relative to ``directory``)."""
        return Library(str(self.library), str(self.directory))

    def configure(self, plugins: Sequence[str], **sections: Any) -> Path:
        """Write the config file: the library in ``root``, copy-on-import, tags written, no colour.

        JSON is YAML, so the file is written as JSON: what the test says is what beets reads.
        """
        config: dict[str, Any] = {
            "directory": str(self.directory),
            "library": str(self.library),
            "plugins": list(plugins),
            "import": {"copy": True, "write": True, "log": str(self.root / "import.log")},
            "ui": {"color": False},
            "threaded": True,
            "create_backup_before_migrations": False,
        }
        for name, value in sections.items():
            config[name] = {**config[name], **value} if isinstance(config.get(name), dict) else value
        self.config_path.write_text(json.dumps(config, indent=2))
        return self.config_path

    def __call__(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TAGBRIDGE_")}
        temp = self.root / "tmp"  # fetchart keeps a copy of each image it set in the temporary directory
        temp.mkdir(exist_ok=True)
        env.update(HOME=str(self.root), BEETSDIR=str(self.root), TMPDIR=str(temp), PYTHONWARNINGS="ignore")
        command = [sys.executable, "-m", "beets", "-c", str(self.config_path), *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def beet(tmp_path: Path) -> Beet:
    """The ``beet`` command rooted at ``tmp_path``; call :meth:`Beet.configure` first."""
    root = tmp_path / "beet"
    root.mkdir()
    return Beet(root)


# --- albums to import ---------------------------------------------------------------------------

@pytest.fixture
def sample() -> Sample:
    """The Anna's Archive sample (skips, saying why, without ../shared or pyarrow)."""
    return sample_or_skip()


@pytest.fixture
def outrun(sample: Sample) -> list[SampleTrack]:
    """Kavinsky's OutRun as the sample has it, in track order."""
    return album_tracks(sample, OUTRUN)


@pytest.fixture
def outrun_by_names(tmp_path: Path, outrun: list[SampleTrack]) -> Path:
    """An untagged-by-ids copy of OutRun: artist, album, title and track number only, no ISRC."""
    directory = tmp_path / "incoming" / "outrun"
    write_album(directory, outrun, names=True, album="OutRun")
    return directory.parent


def add_album_as_is(lib: Library, directory: Path, tracks: Sequence[SampleTrack], title: str,
                    **fields: Any) -> Album:
    """An album as beets keeps one imported as-is (files tagged by names, albumartist set), ``fields`` on top."""
    items = [Item.from_path(p) for p in write_album(directory, tracks, names=True, album=title)]
    album = lib.add_album(items)
    album.update({"albumartist": items[0].artist, **fields})
    album.store()
    return album


def art_path(album: Album) -> Path | None:
    """Where the album's art is, as the library has it now; None without art."""
    album.load()
    return Path(os.fsdecode(album.artpath)) if album.artpath else None


def art_bytes(album: Album) -> bytes | None:
    """The album's art file's bytes, as the library has it now; None without art."""
    path = art_path(album)
    return path.read_bytes() if path else None


# --- the image server and a Spotify clone whose covers it serves ---------------------------------

@pytest.fixture
def images(recorded_server: RecordedServer) -> RecordedServer:
    """A local image server that serves a whole 640x640 PNG at ``/img/cover-640.png``."""
    recorded_server.add("/img/cover-640.png", Answer(png(640, 640), content_type="image/png"))
    return recorded_server


def art_clone_for(sample: Sample, covers: dict[str, Sequence[tuple[str, int, int]]]) -> SpecClone:
    """A spec clone whose albums (by id) offer the given covers (url, width, height) instead of i.scdn.co's."""
    images = dict(sample.album_images)
    for album_id, offered in covers.items():
        images[sample.album_by_id[album_id]["rowid"]] = tuple({"url": u, "width": w, "height": h} for u, w, h in offered)
    return SpecClone(dataclasses.replace(sample, album_images=images))  # type: ignore[arg-type]


@pytest.fixture
def art_clone(sample: Sample, images: RecordedServer) -> Iterator[SpecClone]:
    """A running spec clone whose OutRun cover is ``images``' 640x640 PNG."""
    server = art_clone_for(sample, {OUTRUN: [(f"{images.url}/img/cover-640.png", 640, 640)]})
    with server.running():
        yield server


def serve_caa_release(server: RecordedServer) -> bytes:
    """Serve :data:`CAA_RELEASE` as CAA (its recorded index, image URLs pointed at ``server``) and as a
    MusicBrainz release MusicBrainz does not have (404); returns the cover's bytes, a 1400 px JPEG."""
    index = recorded(f"caa/caa_release_{CAA_RELEASE[:8]}_single_front_mbuserscripts.json").read_bytes()
    server.add(f"/release/{CAA_RELEASE}", Answer(index.replace(b"http://coverartarchive.org", server.url.encode())))
    cover = jpeg(1400, 1400)
    server.add(f"/release/{CAA_RELEASE}/31558457789.jpg", Answer(cover, content_type="image/jpeg"))
    server.add(f"/ws/2/release/{CAA_RELEASE}",
               Answer(recorded("musicbrainz/mb_url_lookup_404_not_found_error.json"), status=404))
    return cover
