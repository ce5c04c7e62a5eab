"""tagbridge for Picard 3: high-resolution iTunes and Spotify cover art, and Spotify IDs by ISRC or barcode.

Picard calls :func:`enable` with its plugin API. Everything tagbridge decides comes from the
generated ``_tagbridge`` package (``tagbridge picard-plugin build``); this package only adapts
Picard's types and web service to it. It needs nothing beyond what Picard ships.
"""

from __future__ import annotations

from typing import Any

from ._host import set_min_delay
from .config import register_options, settings_for
from .plugin import ITUNES_DELAY_MS, PROVIDERS, forget_album, install, process_album, process_track

__all__ = ["enable"]


def enable(api: Any) -> None:
    """Register the options, the three cover-art providers, the Spotify ID processors and the options page."""
    from .options import TagbridgeOptionsPage  # Qt widgets: imported only once Picard is up

    register_options(api.plugin_config)
    install(api)
    try:
        itunes = settings_for(api.plugin_config, ("itunes",)).itunes_url
    except Exception:  # noqa: BLE001 - a bad option is reported when a provider first runs
        itunes = "https://itunes.apple.com"
    set_min_delay(itunes, ITUNES_DELAY_MS)
    for provider in PROVIDERS:
        api.register_cover_art_provider(provider)
    api.register_album_metadata_processor(process_album)
    api.register_track_metadata_processor(process_track)
    api.register_album_post_removal_processor(forget_album)
    api.register_options_page(TagbridgeOptionsPage)
