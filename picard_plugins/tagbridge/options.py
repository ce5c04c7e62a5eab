"""Options › Plugins › tagbridge: the Spotify backend, iTunes storefronts, image size and match score.

Values are checked by tagbridge's one settings parser before Picard saves them, so a bad
storefront or URL is refused on the page with the same message the CLI and beets give.
"""

from __future__ import annotations

from typing import Any

from PyQt6 import QtWidgets

from picard.plugin3.api import OptionsPage, t_

from ._host import options_error
from ._tagbridge.core.editions import PREFERENCES
from ._tagbridge.core.errors import ConfigError
from .config import ART_SOURCES_BEST, BACKENDS, SIZES, settings_for

__all__ = ["TagbridgeOptionsPage"]


class _Values(dict):  # type: ignore[type-arg]
    """The page's values in the shape ``settings_for`` reads (a plugin_config look-alike)."""


class TagbridgeOptionsPage(OptionsPage):
    """One form; secrets are shown masked."""

    NAME = "tagbridge"
    TITLE = t_("options.title", "tagbridge")
    PARENT = "plugins"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        tr = self.api.tr
        form = QtWidgets.QFormLayout(self)
        self.backend = QtWidgets.QComboBox(self)
        self.backend.addItems(list(BACKENDS))
        self.backend.currentTextChanged.connect(self._show_backend)
        form.addRow(tr("options.backend", "Spotify backend"), self.backend)
        self.client_id = QtWidgets.QLineEdit(self)
        form.addRow(tr("options.client_id", "Client ID"), self.client_id)
        self.client_secret = QtWidgets.QLineEdit(self)
        self.client_secret.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        form.addRow(tr("options.client_secret", "Client secret"), self.client_secret)
        self.clone_url = QtWidgets.QLineEdit(self)
        self.clone_url.setPlaceholderText("http://127.0.0.1:8000/v1")
        form.addRow(tr("options.clone_url", "Clone base URL"), self.clone_url)
        self.countries = QtWidgets.QLineEdit(self)
        self.countries.setPlaceholderText("US, GB, JP")
        form.addRow(tr("options.countries", "iTunes storefronts (tried in order)"), self.countries)
        self.size = QtWidgets.QComboBox(self)
        self.size.addItems(list(SIZES))
        form.addRow(tr("options.size", "Image size target"), self.size)
        self.min_score = QtWidgets.QDoubleSpinBox(self)
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.05)
        self.min_score.setDecimals(2)
        form.addRow(tr("options.min_score", "Minimum match score"), self.min_score)
        self.prefer = QtWidgets.QComboBox(self)
        self.prefer.addItems(list(PREFERENCES))
        form.addRow(tr("options.prefer", "When a store lists explicit and clean versions, I have the"), self.prefer)
        self.spotify_ids = QtWidgets.QCheckBox(
            tr("options.spotify_ids", "Add Spotify album and track IDs (found by ISRC or barcode)"), self)
        form.addRow(self.spotify_ids)
        note = QtWidgets.QLabel(tr("options.note", "Tick the providers in Options › Cover Art: a new provider "
                                                   "starts disabled."), self)
        form.addRow(note)

    def _show_backend(self, backend: str) -> None:
        api = backend == "api"
        self.client_id.setEnabled(api)
        self.client_secret.setEnabled(api)
        self.clone_url.setEnabled(not api)

    def _values(self) -> dict[str, Any]:
        return {
            "spotify_backend": self.backend.currentText(),
            "spotify_client_id": self.client_id.text().strip(),
            "spotify_client_secret": self.client_secret.text().strip(),
            "spotify_url": self.clone_url.text().strip(),
            "countries": self.countries.text().strip(),
            "size": self.size.currentText(),
            "min_score": round(self.min_score.value(), 2),
            "prefer": self.prefer.currentText(),
            "spotify_ids": self.spotify_ids.isChecked(),
        }

    def load(self) -> None:
        config = self.api.plugin_config
        self.backend.setCurrentText(str(config["spotify_backend"]))
        self.client_id.setText(str(config["spotify_client_id"] or ""))
        self.client_secret.setText(str(config["spotify_client_secret"] or ""))
        self.clone_url.setText(str(config["spotify_url"] or ""))
        self.countries.setText(str(config["countries"] or ""))
        self.size.setCurrentText(str(config["size"]))
        self.min_score.setValue(float(config["min_score"]))
        self.prefer.setCurrentText(str(config["prefer"]))
        self.spotify_ids.setChecked(bool(config["spotify_ids"]))
        self._show_backend(self.backend.currentText())

    def check(self) -> None:
        config = self.api.plugin_config
        merged = _Values({name: config[name] for name in ("spotify_token_url", "itunes_url", "caa_url",
                                                          "musicbrainz_url", "timeout")})
        merged.update(self._values())
        try:
            settings_for(merged, ART_SOURCES_BEST)
        except ConfigError as exc:
            raise options_error("tagbridge", str(exc)) from None

    def save(self) -> None:
        config = self.api.plugin_config
        for name, value in self._values().items():
            config[name] = value
