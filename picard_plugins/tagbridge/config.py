"""The plugin's options: their names and defaults in Picard's config, and turning them into Settings.

Picard stores options flat (``api.plugin_config``); tagbridge's one settings parser
(``_tagbridge/settings.py``) reads the canonical nested shape that beets uses too. This module
maps one onto the other and nothing else, so a value is checked by the same rules in every
front end. A bad value is a :class:`ConfigError` naming the option as the user sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ._tagbridge.core.config import Settings
from ._tagbridge.settings import settings_from_mapping

__all__ = ["OPTIONS", "SIZES", "BACKENDS", "register_options", "settings_for", "ART_SOURCES_BEST"]

#: The image sizes the options page offers.
SIZES: Final = ("600", "1200", "3000", "original")
#: The Spotify backends a Picard user can choose: a local catalog file is for beets and the CLI.
BACKENDS: Final = ("api", "clone")
#: What "tagbridge best" ranks together.
ART_SOURCES_BEST: Final = ("caa", "itunes", "spotify")

#: Every option, with its default. The ``*_url`` overrides are for mirrors and tests; they are
#: not on the options page (set them in Picard.ini's [plugin.<uuid>] section).
OPTIONS: Final[Mapping[str, Any]] = {
    "spotify_backend": "api",
    "spotify_client_id": "",
    "spotify_client_secret": "",
    "spotify_url": "",
    "countries": "US",
    "size": "3000",
    "min_score": 0.85,
    "prefer": "explicit",
    "spotify_ids": True,
    "spotify_token_url": "",
    "itunes_url": "",
    "caa_url": "",
    "musicbrainz_url": "",
    "timeout": 20.0,
}

_SHOWN_AS: Final = "tagbridge options"


def register_options(plugin_config: Any) -> None:
    """Register every option with its default (Picard needs this before the first read)."""
    for name, default in OPTIONS.items():
        plugin_config.register_option(name, default)


def _get(plugin_config: Any, name: str) -> Any:
    try:
        value = plugin_config[name]
    except KeyError:
        return OPTIONS[name]
    return OPTIONS[name] if value is None else value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def settings_for(plugin_config: Any, sources: tuple[str, ...]) -> Settings:
    """Settings for asking ``sources``, from the plugin's options.

    Raises:
        ConfigError: "tagbridge options.<path>: ..." for the first bad value.
    """
    get = lambda name: _blank_to_none(_get(plugin_config, name))  # noqa: E731
    backend = get("spotify_backend")
    spotify: dict[str, Any] = {"backend": backend, "token_url": get("spotify_token_url")}
    if backend == "clone":
        spotify["url"] = get("spotify_url")
    else:
        spotify["client_id"] = get("spotify_client_id")
        spotify["client_secret"] = get("spotify_client_secret")
        spotify["url"] = get("spotify_url")  # the API's own, unless a mirror is set
    mapping: dict[str, Any] = {
        "sources": list(sources),
        "size": get("size"),
        "countries": get("countries"),
        "min_score": get("min_score"),
        "prefer": get("prefer"),
        "timeout": get("timeout"),
        "spotify": spotify,
        "urls": {name: get(f"{name}_url") for name in ("itunes", "caa", "musicbrainz")},
    }
    return settings_from_mapping(mapping, prefix=_SHOWN_AS)
