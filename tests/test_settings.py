"""The one settings parser: the environment, flags and beets-shaped mappings, with clear errors naming the option."""

from __future__ import annotations

import math

import pytest

from tagbridge.core.config import ArtSize, RateLimit, Settings, parse_rate, parse_size, parse_url
from tagbridge.core.errors import ConfigError
from tagbridge.settings import OPTIONS, env_name, parse_settings, settings_from_env, settings_from_mapping
from tagbridge.sources.registry import SERVICES, rate_limits


def test_defaults_are_the_published_ones() -> None:
    s = settings_from_env({})
    assert s.itunes_url == "https://itunes.apple.com"
    limits = rate_limits(s)
    assert limits["itunes"] == RateLimit(20, 60.0) and limits["musicbrainz"] == RateLimit(1, 1.0)
    assert s.size == ArtSize(3000), "3000x3000bb by default, never the -999 form"


def test_default_rates_come_from_what_each_source_declares() -> None:
    limits = rate_limits(Settings())
    assert {name: str(limit) for name, limit in limits.items()} == {
        name: str(parse_rate(info.rate)) for name, info in SERVICES.items()}


def test_a_local_clone_is_not_held_to_spotifys_rate_unless_asked() -> None:
    clone = settings_from_env({"TAGBRIDGE_SPOTIFY_BACKEND": "clone", "TAGBRIDGE_SPOTIFY_API_URL": "http://127.0.0.1:8000"})
    assert "spotify" not in rate_limits(clone)
    limited = settings_from_env({"TAGBRIDGE_SPOTIFY_BACKEND": "clone", "TAGBRIDGE_SPOTIFY_API_URL": "http://127.0.0.1:8000",
                                 "TAGBRIDGE_SPOTIFY_RATE": "50/1"})
    assert rate_limits(limited)["spotify"] == RateLimit(50, 1.0)


def test_environment_overrides_urls_rates_and_lists() -> None:
    s = settings_from_env({"TAGBRIDGE_ITUNES_URL": "http://127.0.0.1:9/", "TAGBRIDGE_ITUNES_RATE": "5/10",
                           "TAGBRIDGE_COUNTRIES": "us, jp", "TAGBRIDGE_SOURCES": "itunes,caa"})
    assert s.base_url("itunes") == "http://127.0.0.1:9"
    assert rate_limits(s)["itunes"] == RateLimit(5, 10.0)
    assert s.countries == ("US", "JP") and s.sources == ("itunes", "caa")


@pytest.mark.parametrize("env, needle", [
    ({"TAGBRIDGE_ITUNES_RATE": "fast"}, "TAGBRIDGE_ITUNES_RATE"),
    ({"TAGBRIDGE_MUSICBRAINZ_RATE": "0/1"}, "at least one call"),
    ({"TAGBRIDGE_CAA_URL": "coverartarchive.org"}, "not an http(s) URL"),
    ({"TAGBRIDGE_SOURCES": "itunes,deezer"}, "unknown source 'deezer'"),
    ({"TAGBRIDGE_COUNTRIES": "USA"}, "not a storefront country code"),
    ({"TAGBRIDGE_COUNTRIES": "US,UK"}, "did you mean GB"),
    ({"TAGBRIDGE_COUNTRIES": "US,XX"}, "'XX' is not a storefront"),
    ({"TAGBRIDGE_ART_SIZE": "huge"}, "pixel count"),
    ({"TAGBRIDGE_MIN_SCORE": "2"}, "between 0 and 1"),
    ({"TAGBRIDGE_MIN_SCORE": "nan"}, "TAGBRIDGE_MIN_SCORE"),
    ({"TAGBRIDGE_TIMEOUT": "nan"}, "TAGBRIDGE_TIMEOUT"),
    ({"TAGBRIDGE_TIMEOUT": "inf"}, "TAGBRIDGE_TIMEOUT"),
    ({"TAGBRIDGE_TIMEOUT": "-1"}, "positive"),
    ({"TAGBRIDGE_DEADLINE": "0"}, "TAGBRIDGE_DEADLINE"),
    ({"TAGBRIDGE_RATE_LIMIT_RETRIES": "1.5"}, "whole number"),
    ({"TAGBRIDGE_ITUNES_URL": "http://127.0.0.1:notaport"}, "TAGBRIDGE_ITUNES_URL"),
    ({"TAGBRIDGE_ITUNES_URL": "http://[::1"}, "TAGBRIDGE_ITUNES_URL"),
    ({"TAGBRIDGE_CAA_URL": "http://exa mple.org"}, "space"),
    ({"TAGBRIDGE_MUSICBRAINZ_URL": "http://musicbrainz.org /"}, "TAGBRIDGE_MUSICBRAINZ_URL"),
    ({"TAGBRIDGE_ITUNES_URL": "http://:80"}, "host"),
    ({"TAGBRIDGE_ITUNES_URL": "http://host:99999"}, "TAGBRIDGE_ITUNES_URL"),
    ({"TAGBRIDGE_SPOTIFY_BACKEND": "clone"}, "needs the clone's base URL"),
    ({"TAGBRIDGE_SPOTIFY_BACKEND": "deezer"}, "not one of api, clone"),
])
def test_bad_settings_name_the_culprit(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_env(env)
    assert needle in str(info.value), f"the message should say {needle!r}: {info.value}"
    var = next(iter(env))
    assert str(info.value).startswith(var), "the message names the variable first"


def test_a_password_in_a_base_url_never_appears_in_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_env({"TAGBRIDGE_ITUNES_URL": "http://user:hunter2@host:notaport/"})
    assert "hunter2" not in str(info.value) and "***@" in str(info.value)


def test_a_url_with_user_info_and_ipv6_is_accepted() -> None:
    assert parse_url("http://user:pw@[::1]:8080/") == "http://user:pw@[::1]:8080"


def test_an_empty_variable_counts_as_unset() -> None:
    assert settings_from_env({"TAGBRIDGE_ART_SIZE": "  ", "TAGBRIDGE_COUNTRIES": ""}) == Settings()


def test_flags_are_named_when_bad_and_an_empty_flag_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"^--size: is empty"):
        parse_settings([("size", "", "--size")])
    with pytest.raises(ConfigError, match=r"^--country: the country list is empty"):
        parse_settings([("countries", " , ", "--country")])


def test_clone_backend_needs_no_token_unless_one_is_given() -> None:
    clone = settings_from_env({"TAGBRIDGE_SPOTIFY_BACKEND": "clone", "TAGBRIDGE_SPOTIFY_API_URL": "http://127.0.0.1:8000"})
    assert clone.spotify_token_url is None
    with_token = settings_from_env({"TAGBRIDGE_SPOTIFY_BACKEND": "clone", "TAGBRIDGE_SPOTIFY_API_URL": "http://127.0.0.1:8000",
                                    "TAGBRIDGE_SPOTIFY_TOKEN_URL": "http://127.0.0.1:8000/api/token"})
    assert with_token.spotify_token_url == "http://127.0.0.1:8000/api/token"
    back = parse_settings([("spotify.backend", "api", "--backend")], clone)
    assert back.spotify_token_url == "https://accounts.spotify.com/api/token", "the api backend always has a token URL"


def test_a_beets_shaped_mapping_parses_through_the_same_rules() -> None:
    s = settings_from_mapping({
        "sources": ["caa", "itunes", "spotify"], "size": "original", "countries": ["us", "gb", "jp"],
        "min_score": 0.9,
        "spotify": {"backend": "clone", "url": "http://127.0.0.1:8000/v1", "client_id": None},
        "rates": {"itunes": "20/60"}, "urls": {"itunes": "http://127.0.0.1:1"},
        "auto": True,
    }, prefix="tagbridge", ignore=("auto",))
    assert s.sources == ("caa", "itunes", "spotify") and s.size.is_original and s.countries == ("US", "GB", "JP")
    assert (s.spotify_backend, s.spotify_api_url, s.spotify_token_url) == ("clone", "http://127.0.0.1:8000/v1", None)
    assert s.itunes_url == "http://127.0.0.1:1" and s.min_score == 0.9


@pytest.mark.parametrize("options, needle", [
    ({"size": "huge"}, "tagbridge.size: "),
    ({"spotify": {"backend": "x"}}, "tagbridge.spotify.backend: "),
    ({"rates": {"itunes": "often"}}, "tagbridge.rates.itunes: "),
    ({"rates": {"deezer": "1/1"}}, "tagbridge.rates.deezer: not an option"),
    ({"spotify": "api"}, "tagbridge.spotify: expected a mapping"),
    ({"countries": [1.5]}, "tagbridge.countries: "),
    ({"min_score": True}, "tagbridge.min_score: "),
    ({"sizee": 3000}, "tagbridge.sizee: not an option"),
])
def test_a_bad_mapping_value_names_the_option_as_beets_spells_it(options: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_mapping(options, prefix="tagbridge")
    assert str(info.value).startswith(needle), info.value


def test_every_option_has_an_environment_variable() -> None:
    names = [env_name(o.path) for o in OPTIONS]
    assert len(set(names)) == len(names) and all(n.startswith("TAGBRIDGE_") for n in names)
    assert env_name("size") == "TAGBRIDGE_ART_SIZE" and env_name("urls.caa") == "TAGBRIDGE_CAA_URL"


@pytest.mark.parametrize("text, pixels", [("3000", 3000), ("1200x1200", 1200), ("original", None), (600, 600)])
def test_sizes_parse(text: str | int, pixels: int | None) -> None:
    assert parse_size(text).pixels == pixels


@pytest.mark.parametrize("text", ["1200x600", "-5", "10", "1e3", "", math.nan])
def test_bad_sizes_are_refused(text: str | float) -> None:
    with pytest.raises(ConfigError):
        parse_size(text)


def test_rate_accepts_fractional_seconds() -> None:
    assert parse_rate("3/0.5") == RateLimit(3, 0.5)
