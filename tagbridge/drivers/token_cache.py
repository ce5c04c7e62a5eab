"""A small on-disk cache for Spotify access tokens, readable only by the user (mode 0600).

What belongs here: reading and atomically writing one JSON file per client and token endpoint.
The file holds the access token and its expiry, never the client secret.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["TokenCache"]

_log = logging.getLogger("tagbridge")


class TokenCache:
    """Loads and stores a token mapping for one (client id, token URL) pair under ``directory``."""

    def __init__(self, directory: Path, client_id: str, token_url: str) -> None:
        # The file name hashes the client id so the id itself is not spelled out on disk.
        digest = hashlib.sha256(f"{client_id}\n{token_url}".encode()).hexdigest()[:16]
        self.path = directory / f"spotify-token-{digest}.json"

    def load(self) -> Mapping[str, object] | None:
        """The stored token mapping, or None when absent, unreadable or not private."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            _log.warning("cannot read the token cache %s: %s", self.path, exc.strerror)
            return None
        if os.name == "posix" and st.st_mode & 0o077:
            _log.warning("ignoring the token cache %s: it is readable by others", self.path)
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _log.warning("ignoring an unreadable token cache at %s", self.path)
            return None
        return data if isinstance(data, dict) else None

    def save(self, token: Mapping[str, object]) -> None:
        """Write the token atomically with mode 0600; failures are logged, never raised."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # mkstemp creates the file with mode 0600, so the token is never readable by others.
            fd, tmp = tempfile.mkstemp(prefix=".token-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(dict(token), fh)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            _log.warning("cannot write the token cache %s: %s", self.path, exc.strerror)

    def clear(self) -> None:
        """Forget the stored token (e.g. after the service rejected it)."""
        self.path.unlink(missing_ok=True)
