"""A small real Picard 3 host for tests: Qt offscreen, a real config file, a real web service.

Picard's own test helpers are not in its wheel, so this is the "tagger" the tests run: a
QApplication subclass (Picard finds it through ``Tagger.instance()``) holding Picard's real
``WebService`` (QNetworkAccessManager) and MusicBrainz API helper, a real config in a temporary
INI file, and Picard's real plugin loader. Only the main window is a stand-in (MagicMock), as
HOSTS.md advises: nothing here draws.

What belongs here: starting that host, loading a built plugin into it the way Picard does, and
running Qt's event loop until a condition holds. What doesn't: any assertion about tagbridge.
"""

from __future__ import annotations

import locale
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt6 import QtCore, QtNetwork, QtWidgets  # noqa: E402

__all__ = ["HostApp", "start_host", "load_plugin", "wait_until", "configure_servers"]


class _LocalOnly(QtNetwork.QNetworkProxyFactory):
    """Direct connections to 127.0.0.1 and localhost only; every other host through a dead proxy."""

    def queryProxy(self, query: QtNetwork.QNetworkProxyQuery = QtNetwork.QNetworkProxyQuery()) -> list[Any]:  # noqa: B008,N802
        if query.peerHostName() in ("127.0.0.1", "localhost", "::1"):
            return [QtNetwork.QNetworkProxy(QtNetwork.QNetworkProxy.ProxyType.NoProxy)]
        return [QtNetwork.QNetworkProxy(QtNetwork.QNetworkProxy.ProxyType.HttpProxy, "127.0.0.1", 9)]


class HostApp(QtWidgets.QApplication):
    """What Picard's album, cover-art and plugin code read from the tagger, and nothing else."""

    def __init__(self, argv: list[str]) -> None:
        super().__init__(argv)
        self.albums: dict[str, Any] = {}
        self.mbid_redirects: dict[str, str] = {}
        self.window = MagicMock(name="MainWindow")
        self.nats = None
        self.stopping = False
        self.thread_pool = QtCore.QThreadPool.globalInstance()
        self.priority_thread_pool = self.thread_pool
        self.webservice: Any = None
        self.mb_api: Any = None
        self._release_groups: dict[str, Any] = {}
        self.plugin_manager: Any = None
        self.cleanups: list[Callable[[], Any]] = []

    def setup_services(self) -> None:
        from picard.webservice import WebService
        from picard.webservice.api_helpers.musicbrainz import MBAPIHelper

        self.webservice = WebService()
        # No test reaches the internet: anything but this machine goes to a proxy nobody
        # listens on, so a stray request fails at once instead of leaving the sandbox.
        self.webservice.manager.setProxyFactory(_LocalOnly())
        self.mb_api = MBAPIHelper(self.webservice)

    def get_release_group_by_id(self, rg_id: str) -> Any:
        from picard.releasegroup import ReleaseGroup

        return self._release_groups.setdefault(rg_id, ReleaseGroup(rg_id))

    def remove_album(self, album: Any) -> None:
        self.albums.pop(album.id, None)

    def get_plugin_manager(self) -> Any:
        return self.plugin_manager

    def event(self, event: QtCore.QEvent) -> bool:
        """Run work that Picard's threads hand to the main thread, as the real Tagger does."""
        from picard.util.thread import ProxyToMainEvent

        if isinstance(event, ProxyToMainEvent):
            event.run()
            return True
        return super().event(event)

    def register_cleanup(self, func: Callable[[], Any]) -> None:
        self.cleanups.append(func)

    def move_file_to_nat(self, *_: Any) -> None:  # pragma: no cover - NAT releases are not tested
        pass


_APP: HostApp | None = None


def start_host(config_file: Path) -> HostApp:
    """The one host per process (Qt allows one application), with a fresh config read from ``config_file``."""
    global _APP
    from picard import config as picard_config
    from picard.i18n import setup_i18n

    if _APP is None:
        existing = QtWidgets.QApplication.instance()
        if existing is not None and not isinstance(existing, HostApp):
            raise RuntimeError("another QApplication is running; the Picard tests need their own")
        _APP = existing or HostApp(["picard-test"])
        from picard.tagger import Tagger

        # Where Picard's code finds "the tagger" (Tagger.instance()); the real Tagger sets it in __init__.
        Tagger._Tagger__instance = _APP  # type: ignore[attr-defined]
        saved = locale.setlocale(locale.LC_ALL)
        setup_i18n(None, "C")
        # Picard sets the C locale for its messages; the rest of the test process keeps its own
        # (under C, text-mode subprocess pipes in later tests would decode as ASCII).
        locale.setlocale(locale.LC_ALL, saved)
        import picard.options  # noqa: F401 - registers every Picard option with its default
    picard_config.setup_config(_APP, str(config_file))
    _APP.albums.clear()
    _APP.setup_services()
    return _APP


def configure_servers(setting: Any, *, mb_host: str, mb_port: int) -> None:
    """Point Picard's MusicBrainz server at a local one, and keep its caches out of the way."""
    setting["server_host"] = mb_host
    setting["server_port"] = mb_port
    setting["use_server_for_submission"] = False


def load_plugin(app: HostApp, plugins_dir: Path, uuid: str) -> Any:
    """Load the plugins in ``plugins_dir`` with Picard's own plugin manager and enable ``uuid``; returns its Plugin."""
    from picard.plugin3.manager import PluginManager

    manager = PluginManager(app)
    app.plugin_manager = manager
    manager.add_directory(str(plugins_dir), primary=True)
    manager.init_plugins()
    (plugin,) = [p for p in manager.plugins if p.uuid == uuid]
    manager.enable_plugin(plugin)
    return plugin


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Run Qt's event loop until ``condition()`` holds or ``timeout`` seconds pass; returns whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QtCore.QCoreApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if condition():
            return True
        time.sleep(0.01)
    return condition()
