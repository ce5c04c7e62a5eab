"""What every tagbridge command shares: settings from the environment and flags, queries, batch input, output.

What belongs here: turning argv, the environment and batch lines into settings and queries,
each bad value named the way the user wrote it (``--barcode`` on the command line, ``barcode``
in a batch line); reading batch input line by line; writing whole output lines.
What doesn't: any command's own logic or output (``art.py``, ``spotify.py``), and anything
that imports the HTTP stack: that waits until a command runs (``tagbridge --help`` stays fast).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import IO

from tagbridge.core.config import Settings
from tagbridge.core.errors import ConfigError
from tagbridge.core.identifiers import normalize_mbid, parse_barcode
from tagbridge.core.model import AlbumQuery

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_OUTPUT", "EXIT_INTERRUPTED", "EXIT_BROKEN_PIPE",
           "setup_logging", "settings_for", "query_from_mapping", "checked_text", "batch_lines",
           "json_line", "write_line", "QUERY_FLAGS", "flag_name"]

EXIT_OK = 0
#: Every source a command asked failed (outage, rate limit): distinct from "nothing matched".
EXIT_FAILED = 1
EXIT_USAGE = 2
#: The output could not be written (a full disk): sysexits' EX_IOERR.
EXIT_OUTPUT = 74
#: Ctrl-C: 128 + SIGINT, as shells report it.
EXIT_INTERRUPTED = 130
#: The reader went away (``| head -1``): 128 + SIGPIPE, as shells report it.
EXIT_BROKEN_PIPE = 141

#: How a query field is spelled on the command line.
QUERY_FLAGS = {"artist": "--artist", "album": "--album", "barcode": "--barcode", "mbid": "--mbid",
               "release_group": "--release-group", "tracks": "--tracks", "year": "--year"}

#: The deepest a batch line's JSON may nest; a query object needs two levels.
_MAX_JSON_DEPTH = 32


def setup_logging(verbose: int) -> None:
    """Log to stderr: warnings by default, requests with -v, everything with -vv."""
    level = logging.WARNING if not verbose else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(name)s: %(message)s", stream=sys.stderr)
    # The libraries under the driver speak for themselves only with -vv: the source's own
    # one-line failure says it better (requests-cache logs an unreadable stored row at ERROR,
    # which the driver already treats as a miss).
    for name in ("urllib3", "requests_cache"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose >= 2 else logging.CRITICAL)


def checked_text(value: str, name: str) -> str:
    """``value`` when it is encodable text; a ConfigError naming ``name`` for undecodable bytes or lone surrogates.

    Arguments holding bytes that are not UTF-8 reach Python as lone surrogates, and so does a
    JSON line with ``"\\ud800"``; either would break later, far from the cause.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ConfigError(f"{name}: holds bytes that are not UTF-8 text (at character {exc.start + 1})") from None
    return value


def settings_for(args: argparse.Namespace, env: Mapping[str, str], flags: Mapping[str, str]) -> Settings:
    """The environment's settings with the command's flags on top, through the one settings parser.

    Args:
        flags: option path -> the ``args`` attribute holding it, e.g. ``{"size": "size"}``.

    Raises:
        ConfigError: naming the variable or the flag at fault.
    """
    from tagbridge.settings import env_items, parse_settings

    items = env_items(env)
    for path, attr in flags.items():
        value = getattr(args, attr, None)
        if value is not None:
            shown = "--" + attr.replace("_", "-")
            items.append((path, checked_text(value, shown) if isinstance(value, str) else value, shown))
    return parse_settings(items)


def query_from_mapping(data: Mapping[str, object], *, names: Callable[[str], str]) -> AlbumQuery:
    """Build a query from CLI options or a batch object, checking every field.

    Args:
        names: how a field is shown in a message: its flag on the command line
            (:func:`flag_name`), ``line N: key`` in a batch.

    Raises:
        ConfigError: naming the bad field.
    """
    unknown = sorted(set(data) - set(QUERY_FLAGS))
    if unknown:
        raise ConfigError(f"{names(unknown[0])}: not a query field; known: {', '.join(QUERY_FLAGS)}")

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ConfigError(f"{names(key)}: must be a string")
        return checked_text(str(value), names(key)).strip() or None

    def number(key: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"{names(key)}: must be a positive whole number")
        return value

    def checked(key: str, check: object) -> str | None:
        value = text(key)
        if value is None:
            return None
        try:
            return check(value)  # type: ignore[operator,no-any-return]
        except ConfigError as exc:
            raise ConfigError(f"{names(key)}: {exc}") from None

    query = AlbumQuery(
        artist=text("artist") or "",
        album=text("album") or "",
        barcode=checked("barcode", parse_barcode),
        mbid=checked("mbid", normalize_mbid),
        release_group=checked("release_group", lambda v: normalize_mbid(v, "release group")),
        tracks=number("tracks"),
        year=number("year"),
    )
    if not (query.barcode or query.mbid or query.release_group or (query.artist and query.album)):
        raise ConfigError(f"give {names('artist')} and {names('album')}, or an identifier "
                          f"({names('barcode')}, {names('mbid')}, {names('release_group')})")
    return query


def flag_name(key: str) -> str:
    """How a query field is spelled on the command line: ``release_group`` is ``--release-group``."""
    return QUERY_FLAGS.get(key, key)


def batch_lines(stream: IO[bytes]) -> Iterator[tuple[int, str | ConfigError]]:
    """``(line number, text)`` for each non-blank line as soon as it is read, or a ConfigError for one that is not UTF-8.

    A UTF-8 byte-order mark at the start is dropped. Reading stops at the end of input only:
    a bad line is one error, and the batch goes on.
    """
    for number, raw in enumerate(stream, 1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, ConfigError(f"line {number}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column "
                                      f"{exc.start + 1}); save the file as UTF-8")
            continue
        if line.strip():
            yield number, line


def json_line(line: str, number: int) -> Mapping[str, object]:
    """One batch line as a JSON object, or a ConfigError naming the line."""
    if _depth(line) > _MAX_JSON_DEPTH:
        raise ConfigError(f"line {number}: JSON nested more than {_MAX_JSON_DEPTH} levels deep")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"line {number}: not JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:  # pragma: no cover - _depth catches it first
        raise ConfigError(f"line {number}: JSON nested too deeply") from None
    if not isinstance(obj, dict):
        raise ConfigError(f"line {number}: expected a JSON object like {{\"artist\": …, \"album\": …}}")
    return obj


def _depth(text: str) -> int:
    """How deeply brackets nest in ``text``, strings skipped: a guard before ``json.loads`` recurses."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > _MAX_JSON_DEPTH:
                return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def write_line(text: str, out: IO[str] | None = None) -> None:
    """Write ``text`` and a newline in one piece and flush, so a reader never sees half a line."""
    stream = out or sys.stdout
    stream.write(text + "\n")
    stream.flush()
