"""The one error hierarchy. Every failure tagbridge reports is one of these.

"Not found" is never an error: lookups return ``None`` or an empty list for it.
"""

from __future__ import annotations

__all__ = [
    "TagbridgeError",
    "ConfigError",
    "SourceError",
    "ResponseError",
    "BadResponse",
    "RateLimited",
    "Unavailable",
    "redact_url",
]


class TagbridgeError(Exception):
    """Base of every error tagbridge raises on purpose."""


class ConfigError(TagbridgeError):
    """A setting, environment variable or command-line value is invalid."""


class SourceError(TagbridgeError):
    """A source failed; ``source`` names it ("itunes", "caa", ...)."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class ResponseError(SourceError):
    """The service answered with an HTTP status we cannot use."""

    def __init__(self, source: str, url: str, status: int, message: str = "") -> None:
        detail = message or f"HTTP {status}"
        super().__init__(source, f"{detail} from {redact_url(url)}")
        self.url = url
        self.status = status


class BadResponse(SourceError):
    """The body is not what the service promises: HTML where JSON was due, truncated JSON, wrong shape."""

    def __init__(self, source: str, url: str, message: str) -> None:
        super().__init__(source, f"{message} from {redact_url(url)}")
        self.url = url


class RateLimited(SourceError):
    """The service asked us to slow down. Never to be read, or cached, as "no result"."""

    def __init__(self, source: str, retry_after: float | None, message: str = "rate limited") -> None:
        hint = f" (retry after {retry_after:g} s)" if retry_after is not None else ""
        super().__init__(source, message + hint)
        self.retry_after = retry_after


class Unavailable(SourceError):
    """The service could not be reached or answered 5xx: timeout, refused connection, outage."""


def redact_url(url: str) -> str:
    """Drop the query string's secret-looking parameters so errors never carry credentials."""
    if "?" not in url:
        return url
    base, _, query = url.partition("?")
    parts = []
    for pair in query.split("&"):
        key = pair.split("=", 1)[0]
        if key.lower() in {"client_secret", "access_token", "token", "secret", "password", "key", "api_key"}:
            pair = f"{key}=***"
        parts.append(pair)
    return base + "?" + "&".join(parts)
