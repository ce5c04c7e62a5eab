"""The Picard and Qt facilities ``picard.plugin3.api`` does not export, reached in one place.

- Rate control per host (``picard.webservice.ratecontrol``): iTunes needs about 3 s between
  requests, and only Picard's own queue can space them.
- A timer on Qt's event loop, so a request that never finishes cannot hold an album: Qt's own
  transfer timeout aborts a reply, and Picard drops aborted replies without telling anyone.
- The error an options page raises to refuse a value (``picard.ui.options.OptionsCheckError``).

Each falls back quietly when a Picard version moves it, so the plugin still loads.
"""

from __future__ import annotations

from typing import Any

__all__ = ["set_min_delay", "options_error", "call_later"]


def set_min_delay(url: str, delay_ms: int) -> bool:
    """Space requests to ``url``'s host at least ``delay_ms`` apart; False when Picard offers no way."""
    try:
        from picard.webservice.ratecontrol import set_minimum_delay_for_url
    except ImportError:
        return False
    set_minimum_delay_for_url(url, delay_ms)
    return True


def options_error(title: str, info: str) -> Exception:
    """The exception that makes Picard's options dialog refuse to save, showing ``info``."""
    try:
        from picard.ui.options import OptionsCheckError
    except ImportError:
        return ValueError(f"{title}: {info}")
    return OptionsCheckError(title, info)  # type: ignore[no-any-return]


def call_later(seconds: float, func: Any) -> None:
    """Call ``func()`` on Qt's event loop after ``seconds``."""
    from PyQt6.QtCore import QTimer

    QTimer.singleShot(max(0, int(seconds * 1000)), func)
