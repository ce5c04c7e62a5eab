"""Keeping secrets out of third-party log lines: urllib3 logs request paths whole.

urllib3's connection pool logs every request at DEBUG (``"GET /path?query HTTP/1.1" 200``),
query string and all. This filter passes each URL-like word of those records through
``core.errors.redact_url``, which hides secret query parameters (``SECRET_PARAMS``) and a
``user:password@``. tagbridge's own log lines redact their URLs where they are made.

What belongs here: the filter and its installation. What doesn't: redaction rules (``core.errors``).
"""

from __future__ import annotations

import logging
import re
import threading

from tagbridge.core.errors import redact_url

__all__ = ["redact_urllib3_logs"]

# A word holding a query string, or a "scheme://user:password@host" authority.
_URLISH = re.compile(r"[^\s'\"()<>]*(?:\?|://[^\s'\"()<>/@]*@)[^\s'\"()<>]*")
_URLLIB3_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.connection", "urllib3.poolmanager")
_lock = threading.Lock()
_installed = False


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message or "@" in message:
            record.msg = _URLISH.sub(lambda m: redact_url(m.group(0)), message)
            record.args = ()
        return True


def redact_urllib3_logs() -> None:
    """Install the filter on urllib3's loggers, once per process."""
    global _installed
    with _lock:
        if _installed:
            return
        for name in _URLLIB3_LOGGERS:
            logging.getLogger(name).addFilter(_RedactingFilter())
        _installed = True
