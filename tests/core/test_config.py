"""Settings from the environment: defaults, overrides and clear errors for bad values."""

from __future__ import annotations

import pytest

from tagbridge.core.config import ArtSize, RateLimit, parse_rate, parse_size, settings_from_env
from tagbridge.core.errors import ConfigError


def test_defaults_are_the_published_ones() -> None:
    s = settings_from_env({})
    assert s.itunes_url == "https://itunes.apple.com"
    assert s.rates["itunes"] == RateLimit(20, 60.0) and s.rates["musicbrainz"] == RateLimit(1, 1.0)
    assert s.size == ArtSize(3000), "3000x3000bb by default, never the -999 form"


def test_environment_overrides_urls_rates_and_lists() -> None:
    s = settings_from_env({"TAGBRIDGE_ITUNES_URL": "http://127.0.0.1:9/", "TAGBRIDGE_ITUNES_RATE": "5/10",
                           "TAGBRIDGE_COUNTRIES": "us, jp", "TAGBRIDGE_SOURCES": "itunes,caa"})
    assert s.base_url("itunes") == "http://127.0.0.1:9"
    assert s.rates["itunes"] == RateLimit(5, 10.0)
    assert s.countries == ("US", "JP") and s.sources == ("itunes", "caa")


@pytest.mark.parametrize("env, needle", [
    ({"TAGBRIDGE_ITUNES_RATE": "fast"}, "TAGBRIDGE_ITUNES_RATE"),
    ({"TAGBRIDGE_MUSICBRAINZ_RATE": "0/1"}, "at least one call"),
    ({"TAGBRIDGE_CAA_URL": "coverartarchive.org"}, "not an http(s) URL"),
    ({"TAGBRIDGE_SOURCES": "itunes,deezer"}, "unknown source 'deezer'"),
    ({"TAGBRIDGE_COUNTRIES": "USA"}, "two-letter"),
    ({"TAGBRIDGE_ART_SIZE": "huge"}, "pixel count"),
    ({"TAGBRIDGE_MIN_SCORE": "2"}, "between 0 and 1"),
])
def test_bad_settings_name_the_culprit(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        settings_from_env(env)


@pytest.mark.parametrize("text, pixels", [("3000", 3000), ("1200x1200", 1200), ("original", None), (600, 600)])
def test_sizes_parse(text: str | int, pixels: int | None) -> None:
    assert parse_size(text).pixels == pixels


@pytest.mark.parametrize("text", ["1200x600", "-5", "10", "1e3", ""])
def test_bad_sizes_are_refused(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_size(text)


def test_rate_accepts_fractional_seconds() -> None:
    assert parse_rate("3/0.5") == RateLimit(3, 0.5)
