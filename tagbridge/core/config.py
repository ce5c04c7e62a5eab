"""Settings as one frozen value, and the parsers for each kind of setting value.

What belongs here: :class:`Settings` with its defaults, and turning one raw value (a string
from the environment or a flag, or a typed value from beets' YAML or Picard's options) into
a checked one. What doesn't: which options exist and where they come from (the one settings
parser, ``tagbridge/settings.py``, which knows the sources), and reading ``os.environ``.

Every parser raises :class:`ConfigError` with a message that completes "<option name>: ...",
so the caller can name the option the way its front end spells it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tagbridge.core.countries import country_hint
from tagbridge.core.errors import ConfigError, redact_url

__all__ = [
    "Settings",
    "RateLimit",
    "ArtSize",
    "parse_rate",
    "parse_size",
    "parse_url",
    "parse_names",
    "parse_countries",
    "parse_score",
    "parse_seconds",
    "parse_count",
    "parse_choice",
    "SPOTIFY_BACKENDS",
    "SPOTIFY_DIALECTS",
    "DEFAULT_URLS",
]

#: How tagbridge reaches Spotify data: the official Web API, a local clone of it over HTTP, or a
#: local catalog file answered in-process (no server).
SPOTIFY_BACKENDS = ("api", "clone", "catalog")
#: Which flavour of clone: detect from answers, Spotify's own shapes under /v1, or the seed clone's quirks.
SPOTIFY_DIALECTS = ("auto", "spec", "seed")

DEFAULT_URLS = {
    "itunes": "https://itunes.apple.com",
    "caa": "https://coverartarchive.org",
    "musicbrainz": "https://musicbrainz.org",
    "spotify_api": "https://api.spotify.com/v1",
    "spotify_token": "https://accounts.spotify.com/api/token",
    # The catalog backend's requests never leave the process: this name only routes them
    # (``.invalid`` is reserved, RFC 2606, so it can never reach a real host).
    "spotify_catalog": "http://catalog.invalid/v1",
}


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``calls`` requests in any window of ``seconds``."""

    calls: int
    seconds: float

    def __str__(self) -> str:
        return f"{self.calls}/{self.seconds:g}"


@dataclass(frozen=True, slots=True)
class ArtSize:
    """The image size to ask for: ``pixels`` for a square target, or the untouched original."""

    pixels: int | None  # None means "original"

    @property
    def is_original(self) -> bool:
        """True when the untouched upload is wanted."""
        return self.pixels is None

    def __str__(self) -> str:
        return "original" if self.pixels is None else str(self.pixels)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything the resolver and its sources need to know, with the published defaults."""

    itunes_url: str = DEFAULT_URLS["itunes"]
    caa_url: str = DEFAULT_URLS["caa"]
    musicbrainz_url: str = DEFAULT_URLS["musicbrainz"]
    spotify_api_url: str = DEFAULT_URLS["spotify_api"]
    #: None means "no token needed", the default for a local clone.
    spotify_token_url: str | None = DEFAULT_URLS["spotify_token"]
    spotify_backend: str = "api"
    spotify_dialect: str = "auto"
    #: The catalog file the ``catalog`` backend answers from.
    spotify_catalog: str | None = None
    spotify_client_id: str | None = None
    #: Never printed: kept out of repr, logs and error messages.
    spotify_client_secret: str | None = field(default=None, repr=False)
    #: Spotify's Development Mode (February 2026) caps search at 10 results a page.
    spotify_search_limit: int = 10
    #: iTunes storefronts, tried in order; an album missing in one answers resultCount 0.
    countries: tuple[str, ...] = ("US",)
    #: Sources to ask, in order of preference when identity and size tie.
    sources: tuple[str, ...] = ("caa", "itunes")
    size: ArtSize = field(default_factory=lambda: ArtSize(3000))
    #: Below this match score (0..1) the resolver abstains.
    min_score: float = 0.85
    #: Which twin the user has when a store lists explicit and clean versions: "explicit" (the
    #: original) or "clean". A clean marker in the album title overrides it (core/editions.py).
    prefer: str = "explicit"
    #: Results to ask iTunes' search for.
    search_limit: int = 10
    #: The most one request may take, in seconds, retries and body included.
    timeout: float = 20.0
    #: The most one whole resolution may take, in seconds, rate-limit waits included.
    deadline: float = 120.0
    #: Times to wait out a rate-limit answer (429, iTunes' empty 403) before reporting it.
    rate_limit_retries: int = 2
    #: Per-service limits the user set, by service name; a service not named keeps the limit
    #: its source declares (``tagbridge/sources/registry.py`` merges the two).
    rates: Mapping[str, RateLimit] = field(default_factory=dict)
    #: Where the HTTP cache, rate-limit state and token cache live; None means the user cache dir.
    cache_dir: str | None = None

    def base_url(self, source: str) -> str:
        """The configured base URL of ``source``, without a trailing slash."""
        return str(getattr(self, f"{source}_url")).rstrip("/")

    @property
    def spotify_credentials(self) -> tuple[str, str] | None:
        """``(client_id, client_secret)`` when both are set."""
        if self.spotify_client_id and self.spotify_client_secret:
            return self.spotify_client_id, self.spotify_client_secret
        return None


# --- value parsers: each takes a raw value and returns a checked one, or raises ConfigError ----


def _text(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ConfigError(f"expected {what}, got {type(value).__name__} {value!r}")
    text = str(value).strip()
    if not text:
        raise ConfigError(f"is empty; expected {what}")
    return text


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*$")


def parse_rate(value: object) -> RateLimit:
    """Parse ``CALLS/SECONDS`` (e.g. ``20/60``).

    Raises:
        ConfigError: when the text is not of that form or a number is zero.
    """
    text = _text(value, "CALLS/SECONDS, e.g. 20/60")
    m = _RATE.match(text)
    if not m:
        raise ConfigError(f"rate limit {text!r} is not CALLS/SECONDS, e.g. 20/60")
    calls, seconds = int(m.group(1)), float(m.group(2))
    if calls <= 0 or seconds <= 0:
        raise ConfigError(f"rate limit {text!r} must allow at least one call in a positive time")
    return RateLimit(calls, seconds)


def parse_size(value: object) -> ArtSize:
    """Parse an art size: a pixel count (``3000``, ``1200x1200``) or ``original``.

    Raises:
        ConfigError: for anything else, or a size outside 50..100000.
    """
    text = _text(value, "a pixel count like 3000, or 'original'").lower()
    if text in ("original", "orig", "max", "full"):
        return ArtSize(None)
    m = re.fullmatch(r"(\d+)(?:x(\d+))?", text)
    if not m or (m.group(2) and m.group(2) != m.group(1)):
        raise ConfigError(f"art size {text!r} is not a pixel count like 3000, or 'original'")
    pixels = int(m.group(1))
    if not 50 <= pixels <= 100000:
        raise ConfigError(f"art size {pixels} is outside 50..100000")
    return ArtSize(pixels)


_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})?)*\.?$")


def parse_url(value: object) -> str:
    """A base URL, checked whole: http(s), a real host, a numeric port, no spaces; trailing slash dropped.

    The message never repeats a password from the URL's user info.

    Raises:
        ConfigError: saying what is wrong with it.
    """
    text = _text(value, "an http(s) URL")
    shown = redact_url(text)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ConfigError(f"{shown!r} contains a space or a control character")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"{shown!r} is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigError(f"{shown!r} is not an http(s) URL")
    host = parts.hostname or ""
    ipv6 = parts.netloc.rpartition("@")[2].startswith("[")
    if not host or (not ipv6 and not _HOST.match(host)):
        raise ConfigError(f"{shown!r} has no valid host name")
    if port == 0:
        raise ConfigError(f"{shown!r} has port 0")
    if parts.query or parts.fragment:
        raise ConfigError(f"{shown!r} is a base URL and must not carry a query or fragment")
    return text.rstrip("/")


def parse_names(value: object, known: Collection[str], what: str) -> tuple[str, ...]:
    """A list of names (a YAML list or a comma-separated string), each one of ``known``, lower-cased, deduplicated."""
    items = _items(value, what)
    names = tuple(dict.fromkeys(i.lower() for i in items))
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"unknown {what} {unknown[0]!r}; choose from {', '.join(known)}")
    return names


def parse_countries(value: object, known: Collection[str]) -> tuple[str, ...]:
    """A list of two-letter storefront codes (a YAML list or ``US,GB``), each one of ``known``."""
    codes = tuple(dict.fromkeys(i.upper() for i in _items(value, "country")))
    for code in codes:
        if code not in known:
            raise ConfigError(f"{code!r} is not a storefront country code (ISO 3166-1, like US, GB or JP)"
                              + country_hint(code))
    return codes


def _items(value: object, what: str) -> list[str]:
    if isinstance(value, (list, tuple)):
        raw = [_text(v, f"a {what} name") for v in value]
    else:
        # "US,GB", "US, GB" and beets' own "US GB" all mean the same list.
        raw = re.split(r"[,\s]+", _text(value, f"a comma-separated {what} list"))
    items = [i for i in raw if i]
    if not items:
        raise ConfigError(f"the {what} list is empty")
    return items


def _number(value: object, what: str) -> float:
    if isinstance(value, bool):
        raise ConfigError(f"expected {what}, got {value!r}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _text(value, what)
        try:
            number = float(text)
        except ValueError:
            raise ConfigError(f"{text!r} is not {what}") from None
    if not math.isfinite(number):
        raise ConfigError(f"{value!r} is not {what}")
    return number


def parse_score(value: object) -> float:
    """A match score between 0 and 1."""
    score = _number(value, "a number between 0 and 1")
    if not 0.0 <= score <= 1.0:
        raise ConfigError(f"{score:g} is not between 0 and 1")
    return score


def parse_seconds(value: object) -> float:
    """A positive, finite number of seconds."""
    seconds = _number(value, "a number of seconds")
    if seconds <= 0:
        raise ConfigError(f"{seconds:g} must be a positive number of seconds")
    return seconds


def parse_count(value: object) -> int:
    """A whole number, zero or more."""
    number = _number(value, "a whole number")
    if number < 0 or number != int(number):
        raise ConfigError(f"{value!r} is not a whole number, zero or more")
    return int(number)


def parse_choice(value: object, choices: Collection[str]) -> str:
    """One of ``choices``, case-insensitively."""
    text = _text(value, f"one of {', '.join(choices)}").lower()
    if text not in choices:
        raise ConfigError(f"{text!r} is not one of {', '.join(choices)}")
    return text
