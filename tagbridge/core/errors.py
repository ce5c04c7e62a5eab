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
    "SECRET_PARAMS",
]

#: Query parameters whose values are secrets: redacted wherever a URL is shown, and kept out
#: of HTTP cache keys. The one list every module uses.
SECRET_PARAMS: tuple[str, ...] = (
    "client_secret", "access_token", "token", "secret", "password", "key", "api_key", "apikey",
)


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
    """``url`` fit to show: user info (``user:password@``) and secret query parameters replaced by ``***``.

    Every URL in a message or a log line goes through here, so errors never carry credentials.
    """
    scheme, sep, rest = url.partition("://")
    if sep:
        authority_end = len(rest)
        for stop in "/?#":
            pos = rest.find(stop)
            if pos != -1:
                authority_end = min(authority_end, pos)
        authority, tail = rest[:authority_end], rest[authority_end:]
        if "@" in authority:
            authority = "***@" + authority.rpartition("@")[2]
        url = scheme + sep + authority + tail
    if "?" not in url:
        return url
    base, _, query = url.partition("?")
    query, hash_mark, fragment = query.partition("#")
    parts = []
    for pair in query.split("&"):
        key = pair.split("=", 1)[0]
        if key.lower() in SECRET_PARAMS:
            pair = f"{key}=***"
        parts.append(pair)
    return base + "?" + "&".join(parts) + hash_mark + fragment
