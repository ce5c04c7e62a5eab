"""What every tagbridge command shares: settings from the environment and flags, the driver, queries.

What belongs here: turning argv and the environment into settings, a driver and a query.
What doesn't: any command's own logic or output (``art.py``, ``spotify.py``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import IO

from tagbridge.core.config import (
    Settings,
    parse_countries,
    parse_size,
    parse_sources,
    settings_from_env,
)
from tagbridge.core.errors import ConfigError
from tagbridge.core.http import host_of
from tagbridge.core.model import AlbumQuery
from tagbridge.drivers.sync import DriverOptions, SyncDriver, default_cache_dir
from tagbridge.sources.musicbrainz import normalize_mbid

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "setup_logging", "settings_for", "build_driver",
           "query_from_mapping", "parse_barcode", "open_batch", "json_line"]

EXIT_OK = 0
#: The only source a command asks failed (outage, rate limit): distinct from "nothing matched".
EXIT_FAILED = 1
EXIT_USAGE = 2


def setup_logging(verbose: int) -> None:
    """Log to stderr: warnings by default, requests with -v, everything with -vv."""
    level = logging.WARNING if not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(name)s: %(message)s", stream=sys.stderr)
    # urllib3 warns on every retry; the source's own one-line failure says it better, so its
    # chatter shows only with -vv.
    logging.getLogger("urllib3").setLevel(logging.DEBUG if verbose >= 2 else logging.ERROR)


def settings_for(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    """The environment's settings with the command's flags on top."""
    settings = settings_from_env(env)
    changes: dict[str, object] = {}
    if getattr(args, "sources", None):
        changes["sources"] = parse_sources(args.sources)
    if getattr(args, "size", None):
        changes["size"] = parse_size(args.size)
    if getattr(args, "country", None):
        changes["countries"] = parse_countries(args.country)
    if getattr(args, "min_score", None) is not None:
        if not 0.0 <= args.min_score <= 1.0:
            raise ConfigError("--min-score must be between 0 and 1")
        changes["min_score"] = args.min_score
    return replace(settings, **changes)  # type: ignore[arg-type]


def build_driver(settings: Settings, env: Mapping[str, str], *, use_cache: bool) -> SyncDriver:
    """The sync driver with the cache, rate-limit state and per-host limits the settings name."""
    cache_dir = default_cache_dir(env)
    hosts = {
        host_of(settings.itunes_url): settings.rates["itunes"],
        host_of(settings.caa_url): settings.rates["caa"],
        host_of(settings.musicbrainz_url): settings.rates["musicbrainz"],
        host_of(settings.spotify_api_url): settings.rates["spotify"],
    }
    return SyncDriver(
        DriverOptions(
            cache_path=cache_dir / "http-cache.sqlite",
            use_cache=use_cache,
            rates=hosts,
            ratelimit_path=cache_dir / "ratelimit.sqlite",
            timeout=(min(5.0, settings.timeout), settings.timeout),
            max_rate_limit_retries=settings.rate_limit_retries,
        )
    )


def open_batch(path: str) -> IO[str]:
    """Open a batch file for reading, or raise a ConfigError saying why not."""
    try:
        return Path(path).open(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read batch file {path}: {exc.strerror}") from None


def json_line(line: str, number: int) -> Mapping[str, object]:
    """One batch line as a JSON object, or a ConfigError naming the line."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"line {number}: not JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise ConfigError(f"line {number}: expected a JSON object like {{\"artist\": …, \"album\": …}}")
    return obj


def parse_barcode(text: str, *, where: str = "") -> str:
    """A UPC/EAN as digits only (spaces and dashes dropped), or a ConfigError."""
    digits = text.replace(" ", "").replace("-", "")
    if not digits.isdigit() or not 8 <= len(digits) <= 14:
        raise ConfigError(f"{where}barcode {text!r} is not 8 to 14 digits")
    return digits


def query_from_mapping(data: Mapping[str, object], *, where: str) -> AlbumQuery:
    """Build a query from CLI options or a batch object, checking every field.

    Raises:
        ConfigError: naming the bad field, prefixed with ``where``.
    """
    known = {"artist", "album", "barcode", "mbid", "release_group", "tracks", "year"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{where}unknown field {unknown[0]!r}; known: {', '.join(sorted(known))}")

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ConfigError(f"{where}{key} must be a string")
        return str(value).strip() or None

    def number(key: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"{where}{key} must be a positive whole number")
        return value

    barcode = text("barcode")
    if barcode is not None:
        barcode = parse_barcode(barcode, where=where)
    ids = {}
    for key in ("mbid", "release_group"):
        value = text(key)
        if value is not None:
            try:
                value = normalize_mbid(value)
            except ConfigError:
                raise ConfigError(f"{where}{key} {value!r} is not a MusicBrainz ID (a UUID)") from None
        ids[key] = value
    query = AlbumQuery(
        artist=text("artist") or "",
        album=text("album") or "",
        barcode=barcode,
        mbid=ids["mbid"],
        release_group=ids["release_group"],
        tracks=number("tracks"),
        year=number("year"),
    )
    if not (query.barcode or query.mbid or query.release_group or (query.artist and query.album)):
        raise ConfigError(f"{where}give --artist and --album, or an identifier (--barcode, --mbid, --release-group)")
    return query


