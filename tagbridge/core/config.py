"""Settings as one frozen value, parsed from a mapping (the environment, beets or Picard options).

Nothing here reads ``os.environ`` itself: callers pass the mapping in, so tests and hosts decide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from tagbridge.core.errors import ConfigError

__all__ = [
    "Settings",
    "RateLimit",
    "ArtSize",
    "parse_rate",
    "parse_size",
    "settings_from_env",
    "KNOWN_SOURCES",
    "SPOTIFY_BACKENDS",
    "SPOTIFY_DIALECTS",
]

KNOWN_SOURCES = ("caa", "itunes", "spotify")

#: How tagbridge reaches Spotify data: the official Web API, or a local clone of it.
SPOTIFY_BACKENDS = ("api", "clone")
#: Which flavour of clone: detect from answers, Spotify's own shapes under /v1, or the seed clone's quirks.
SPOTIFY_DIALECTS = ("auto", "spec", "seed")

_DEFAULT_URLS = {
    "itunes": "https://itunes.apple.com",
    "caa": "https://coverartarchive.org",
    "musicbrainz": "https://musicbrainz.org",
    "spotify_api": "https://api.spotify.com/v1",
    "spotify_token": "https://accounts.spotify.com/api/token",
}

# Published limits: iTunes about 20 calls a minute, MusicBrainz 1 a second. CAA and Spotify
# publish none; these are polite defaults.
_DEFAULT_RATES = {
    "itunes": "20/60",
    "musicbrainz": "1/1",
    "caa": "10/1",
    "spotify": "10/1",
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

    itunes_url: str = _DEFAULT_URLS["itunes"]
    caa_url: str = _DEFAULT_URLS["caa"]
    musicbrainz_url: str = _DEFAULT_URLS["musicbrainz"]
    spotify_api_url: str = _DEFAULT_URLS["spotify_api"]
    #: None means "no token needed", the default for a local clone.
    spotify_token_url: str | None = _DEFAULT_URLS["spotify_token"]
    spotify_backend: str = "api"
    spotify_dialect: str = "auto"
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
    #: Results to ask iTunes' search for.
    search_limit: int = 10
    #: Seconds to wait for a service to answer before calling it unavailable.
    timeout: float = 20.0
    #: Times to wait out a rate-limit answer (429, iTunes' empty 403) before reporting it.
    rate_limit_retries: int = 2
    rates: Mapping[str, RateLimit] = field(
        default_factory=lambda: {k: parse_rate(v) for k, v in _DEFAULT_RATES.items()}
    )

    def base_url(self, source: str) -> str:
        """The configured base URL of ``source``, without a trailing slash."""
        return str(getattr(self, f"{source}_url")).rstrip("/")

    @property
    def spotify_credentials(self) -> tuple[str, str] | None:
        """``(client_id, client_secret)`` when both are set."""
        if self.spotify_client_id and self.spotify_client_secret:
            return self.spotify_client_id, self.spotify_client_secret
        return None


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*$")


def parse_rate(text: str) -> RateLimit:
    """Parse ``CALLS/SECONDS`` (e.g. ``20/60``).

    Raises:
        ConfigError: when the text is not of that form or a number is zero.
    """
    m = _RATE.match(text)
    if not m:
        raise ConfigError(f"rate limit {text!r} is not CALLS/SECONDS, e.g. 20/60")
    calls, seconds = int(m.group(1)), float(m.group(2))
    if calls <= 0 or seconds <= 0:
        raise ConfigError(f"rate limit {text!r} must allow at least one call in a positive time")
    return RateLimit(calls, seconds)


def parse_size(text: str | int) -> ArtSize:
    """Parse an art size: a pixel count (``3000``, ``1200x1200``) or ``original``.

    Raises:
        ConfigError: for anything else, or a size outside 50..100000.
    """
    value = str(text).strip().lower()
    if value in ("original", "orig", "max", "full"):
        return ArtSize(None)
    m = re.fullmatch(r"(\d+)(?:x(\d+))?", value)
    if not m or (m.group(2) and m.group(2) != m.group(1)):
        raise ConfigError(f"art size {text!r} is not a pixel count like 3000, or 'original'")
    pixels = int(m.group(1))
    if not 50 <= pixels <= 100000:
        raise ConfigError(f"art size {pixels} is outside 50..100000")
    return ArtSize(pixels)


def _parse_list(text: str, what: str) -> tuple[str, ...]:
    items = tuple(p.strip() for p in text.split(",") if p.strip())
    if not items:
        raise ConfigError(f"{what} list is empty")
    return items


def parse_sources(text: str) -> tuple[str, ...]:
    """Parse a comma-separated source list, checking every name."""
    items = tuple(s.lower() for s in _parse_list(text, "source"))
    unknown = [s for s in items if s not in KNOWN_SOURCES]
    if unknown:
        raise ConfigError(f"unknown source {unknown[0]!r}; choose from {', '.join(KNOWN_SOURCES)}")
    return tuple(dict.fromkeys(items))


def parse_countries(text: str) -> tuple[str, ...]:
    """Parse a comma-separated list of two-letter storefront codes."""
    items = tuple(c.upper() for c in _parse_list(text, "country"))
    bad = [c for c in items if not re.fullmatch(r"[A-Z]{2}", c)]
    if bad:
        raise ConfigError(f"country {bad[0]!r} is not a two-letter storefront code like US or JP")
    return tuple(dict.fromkeys(items))


def _parse_url(text: str, name: str) -> str:
    if not re.match(r"^https?://[^/\s]+", text.strip()):
        raise ConfigError(f"{name}={text!r} is not an http(s) URL")
    return text.strip().rstrip("/")


def settings_from_env(env: Mapping[str, str], base: Settings | None = None) -> Settings:
    """Build settings from ``TAGBRIDGE_*`` variables in ``env`` over ``base`` (or the defaults).

    Raises:
        ConfigError: naming the variable at fault.
    """
    s = base or Settings()
    changes: dict[str, object] = {}
    for key in ("itunes", "caa", "musicbrainz", "spotify_api", "spotify_token"):
        var = f"TAGBRIDGE_{key.upper()}_URL"
        if env.get(var):
            changes[f"{key}_url"] = _parse_url(env[var], var)
    for var, attr, choices in (("TAGBRIDGE_SPOTIFY_BACKEND", "spotify_backend", SPOTIFY_BACKENDS),
                               ("TAGBRIDGE_SPOTIFY_DIALECT", "spotify_dialect", SPOTIFY_DIALECTS)):
        if env.get(var):
            value = env[var].strip().lower()
            if value not in choices:
                raise ConfigError(f"{var}={env[var]!r} is not one of {', '.join(choices)}")
            changes[attr] = value
    backend = str(changes.get("spotify_backend", s.spotify_backend))
    if backend == "clone" and not env.get("TAGBRIDGE_SPOTIFY_TOKEN_URL"):
        # A local clone needs no auth; a token endpoint is used only when one is configured.
        changes["spotify_token_url"] = None
    for var, attr in (("TAGBRIDGE_SPOTIFY_CLIENT_ID", "spotify_client_id"),
                      ("TAGBRIDGE_SPOTIFY_CLIENT_SECRET", "spotify_client_secret")):
        if env.get(var):
            changes[attr] = env[var].strip()
    rates = dict(s.rates)
    for key in _DEFAULT_RATES:
        var = f"TAGBRIDGE_{key.upper()}_RATE"
        if env.get(var):
            try:
                rates[key] = parse_rate(env[var])
            except ConfigError as exc:
                raise ConfigError(f"{var}: {exc}") from None
    changes["rates"] = rates
    simple = {
        "TAGBRIDGE_COUNTRIES": ("countries", parse_countries),
        "TAGBRIDGE_SOURCES": ("sources", parse_sources),
        "TAGBRIDGE_ART_SIZE": ("size", parse_size),
    }
    for var, (attr, parse) in simple.items():
        if env.get(var):
            try:
                changes[attr] = parse(env[var])
            except ConfigError as exc:
                raise ConfigError(f"{var}: {exc}") from None
    for var, attr, kind in (("TAGBRIDGE_TIMEOUT", "timeout", float), ("TAGBRIDGE_RATE_LIMIT_RETRIES", "rate_limit_retries", int)):
        if env.get(var):
            try:
                number: float = kind(env[var])
            except ValueError:
                raise ConfigError(f"{var} must be a {'number of seconds' if kind is float else 'whole number'}") from None
            if number < 0 or (kind is float and number == 0):
                raise ConfigError(f"{var} must be positive")
            changes[attr] = number
    if env.get("TAGBRIDGE_MIN_SCORE"):
        try:
            score = float(env["TAGBRIDGE_MIN_SCORE"])
        except ValueError:
            raise ConfigError("TAGBRIDGE_MIN_SCORE must be a number between 0 and 1") from None
        if not 0.0 <= score <= 1.0:
            raise ConfigError("TAGBRIDGE_MIN_SCORE must be a number between 0 and 1")
        changes["min_score"] = score
    return _replace(s, changes)


def _replace(s: Settings, changes: Mapping[str, object]) -> Settings:
    from dataclasses import replace

    return replace(s, **changes)  # type: ignore[arg-type]
