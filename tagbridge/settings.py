"""The one settings parser: the environment (CLI), command-line flags, beets' and Picard's options.

Every front end turns what it has into ``(option, value, shown as)`` triples and calls
:func:`parse_settings`; the rules (which options exist, what each accepts, what depends on
what) live only here. Options are named by their path in beets' YAML, the canonical shape::

    sources: [caa, itunes, spotify]
    size: 3000                 # or original
    countries: [US, GB, JP]
    min_score: 0.85
    prefer: explicit           # or clean
    spotify: {backend, url, token_url, client_id, client_secret, dialect, catalog}
    rates: {itunes: 20/60, ...}
    urls: {itunes, caa, musicbrainz}
    timeout, deadline, rate_limit_retries, cache_dir

A bad value raises :class:`ConfigError` naming the option the way its front end spells it
(``TAGBRIDGE_ART_SIZE``, ``--size`` or ``tagbridge.size``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from tagbridge.core.config import (
    DEFAULT_URLS,
    SPOTIFY_BACKENDS,
    SPOTIFY_DIALECTS,
    Settings,
    parse_choice,
    parse_count,
    parse_countries,
    parse_names,
    parse_rate,
    parse_score,
    parse_seconds,
    parse_size,
    parse_url,
)
from tagbridge.core.editions import PREFERENCES
from tagbridge.core.errors import ConfigError
from tagbridge.sources.itunes import STOREFRONTS
from tagbridge.sources.registry import ART_SOURCES, SERVICES

__all__ = ["Option", "OPTIONS", "parse_settings", "settings_from_env", "settings_from_mapping", "env_name",
           "env_items"]


def _text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ConfigError(f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise ConfigError("is empty")
    return text


@dataclass(frozen=True, slots=True)
class Option:
    """One option: its path in the canonical shape, the Settings field it sets, and its value parser."""

    path: str
    attr: str
    parse: Callable[[object], object]
    help: str


_URL_SERVICES = ("itunes", "caa", "musicbrainz")

#: Every option there is. Rates are one option per service (``rates.<service>``).
OPTIONS: tuple[Option, ...] = (
    Option("sources", "sources", lambda v: parse_names(v, tuple(ART_SOURCES), "source"),
           f"art sources in order of preference ({', '.join(ART_SOURCES)})"),
    Option("size", "size", parse_size, "wanted image size in pixels, or 'original'"),
    Option("countries", "countries", lambda v: parse_countries(v, STOREFRONTS), "iTunes storefronts, tried in order"),
    Option("min_score", "min_score", parse_score, "abstain under this match score, 0..1"),
    Option("prefer", "prefer", lambda v: parse_choice(v, PREFERENCES),
           "explicit or clean: which twin you have when a store lists both"),
    Option("timeout", "timeout", parse_seconds, "the most one request may take, in seconds"),
    Option("deadline", "deadline", parse_seconds, "the most one whole lookup may take, in seconds"),
    Option("rate_limit_retries", "rate_limit_retries", parse_count, "rate-limit answers to wait out"),
    Option("cache_dir", "cache_dir", _text, "where the HTTP cache, rate-limit state and token cache live"),
    Option("spotify.backend", "spotify_backend", lambda v: parse_choice(v, SPOTIFY_BACKENDS),
           "api, clone or catalog"),
    Option("spotify.catalog", "spotify_catalog", _text, "the catalog file the catalog backend reads"),
    Option("spotify.dialect", "spotify_dialect", lambda v: parse_choice(v, SPOTIFY_DIALECTS), "auto, spec or seed"),
    Option("spotify.url", "spotify_api_url", parse_url, "the Web API's or a clone's base URL"),
    Option("spotify.token_url", "spotify_token_url", parse_url, "the client-credentials token endpoint"),
    Option("spotify.client_id", "spotify_client_id", _text, "the Spotify app's client id"),
    Option("spotify.client_secret", "spotify_client_secret", _text, "the Spotify app's client secret"),
    *(Option(f"urls.{name}", f"{name}_url", parse_url, f"base URL of {SERVICES[name].title}")
      for name in _URL_SERVICES),
    *(Option(f"rates.{name}", f"rates.{name}", parse_rate, f"rate limit of {SERVICES[name].title}, CALLS/SECONDS")
      for name in SERVICES),
)
_BY_PATH = {o.path: o for o in OPTIONS}

#: Environment variables whose names do not follow ``TAGBRIDGE_<PATH>``.
_ENV_NAMES = {
    "size": "TAGBRIDGE_ART_SIZE",
    "spotify.url": "TAGBRIDGE_SPOTIFY_API_URL",
    **{f"urls.{name}": f"TAGBRIDGE_{name.upper()}_URL" for name in _URL_SERVICES},
    **{f"rates.{name}": f"TAGBRIDGE_{name.upper()}_RATE" for name in SERVICES},
}


def env_name(path: str) -> str:
    """The environment variable for an option path: ``spotify.backend`` is ``TAGBRIDGE_SPOTIFY_BACKEND``."""
    return _ENV_NAMES.get(path) or "TAGBRIDGE_" + path.replace(".", "_").upper()


def parse_settings(items: Iterable[tuple[str, object, str]], base: Settings | None = None) -> Settings:
    """Settings from ``(path, value, shown_as)`` triples over ``base``; a later triple wins over an earlier one.

    Raises:
        ConfigError: "<shown_as>: <what is wrong>" for the first bad value or unknown option.
    """
    changes: dict[str, object] = {}
    rates = dict((base or Settings()).rates)
    given: dict[str, str] = {}
    for path, value, shown in items:
        option = _BY_PATH.get(path)
        if option is None:
            raise ConfigError(f"{shown}: not an option; known: {', '.join(o.path for o in OPTIONS)}")
        try:
            parsed = option.parse(value)
        except ConfigError as exc:
            raise ConfigError(f"{shown}: {exc}") from None
        if option.attr.startswith("rates."):
            rates[option.attr.partition(".")[2]] = parsed  # type: ignore[assignment]
        else:
            changes[option.attr] = parsed
        given[path] = shown
    changes["rates"] = rates
    settings = replace(base or Settings(), **changes)  # type: ignore[arg-type]
    return _spotify_endpoints(settings, given)


def _spotify_endpoints(settings: Settings, given: Mapping[str, str]) -> Settings:
    """The Spotify rules that tie options together, in one place."""
    if settings.spotify_backend == "catalog":
        if not settings.spotify_catalog:
            shown = given.get("spotify.backend", "spotify.backend")
            raise ConfigError(f"{shown}: the catalog backend needs the catalog file "
                              f"({env_name('spotify.catalog')}, or spotify.catalog in beets)")
        # Answered in-process: no token, Spotify's own shapes, the reserved routing name.
        return replace(settings, spotify_api_url=DEFAULT_URLS["spotify_catalog"], spotify_token_url=None,
                       spotify_dialect="spec")
    if settings.spotify_backend == "clone":
        if settings.spotify_api_url == DEFAULT_URLS["spotify_api"]:
            shown = given.get("spotify.backend", "spotify.backend")
            raise ConfigError(f"{shown}: the clone backend needs the clone's base URL "
                              f"({env_name('spotify.url')}, or spotify.url in beets)")
        if "spotify.token_url" not in given:
            # A local clone needs no auth; a token endpoint is used only when one is configured.
            return replace(settings, spotify_token_url=None)
    elif settings.spotify_token_url is None:
        return replace(settings, spotify_token_url=DEFAULT_URLS["spotify_token"])
    return settings


def env_items(env: Mapping[str, str]) -> list[tuple[str, object, str]]:
    """The ``(path, value, variable)`` triples of the ``TAGBRIDGE_*`` variables set in ``env``; empty means unset."""
    return [(o.path, env[name], name) for o in OPTIONS if (name := env_name(o.path)) in env and env[name].strip()]


def settings_from_env(env: Mapping[str, str], base: Settings | None = None) -> Settings:
    """Settings from ``TAGBRIDGE_*`` variables in ``env``; an empty variable counts as unset.

    Raises:
        ConfigError: naming the variable at fault.
    """
    return parse_settings(env_items(env), base)


def settings_from_mapping(options: Mapping[str, object], *, prefix: str, ignore: Iterable[str] = (),
                          base: Settings | None = None) -> Settings:
    """Settings from a nested mapping in the canonical shape (beets' ``tagbridge:`` section, Picard's options).

    Args:
        prefix: how the front end names the section, e.g. "tagbridge", for messages.
        ignore: top-level keys that belong to the host, not to us (beets adds its own).

    Raises:
        ConfigError: naming the option as ``<prefix>.<path>``.
    """
    skip = set(ignore)
    items: list[tuple[str, object, str]] = []
    for key, value in options.items():
        if key in skip or value is None:
            continue
        if key in ("spotify", "rates", "urls"):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{prefix}.{key}: expected a mapping of options, got {value!r}")
            items += [(f"{key}.{sub}", v, f"{prefix}.{key}.{sub}") for sub, v in value.items() if v is not None]
        else:
            items.append((str(key), value, f"{prefix}.{key}"))
    return parse_settings(items, base)
