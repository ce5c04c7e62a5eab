"""Identifiers users and services hand around: barcodes, ISRCs and MusicBrainz IDs, each checked in one place.

What belongs here: what counts as each identifier and its normal form. What doesn't: the forms a
particular service wants to be asked in (iTunes' ``barcode_forms``, Spotify's zero-padded
``upc_forms``), which start from these.
"""

from __future__ import annotations

import re

from tagbridge.core.errors import ConfigError

__all__ = ["BARCODE_LENGTHS", "normalize_barcode", "parse_barcode", "normalize_isrc", "normalize_mbid", "same_barcode",
           "release_barcode", "barcode_key"]

#: EAN-8, UPC-A (12), EAN-13 and GTIN-14: the lengths a barcode on a release can have.
BARCODE_LENGTHS = (8, 12, 13, 14)
_SEPARATORS = re.compile(r"[\s-]")
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def normalize_barcode(text: str) -> str | None:
    """The barcode's digits (spaces and dashes dropped) when it has 8, 12, 13 or 14 ASCII digits; else None."""
    digits = _SEPARATORS.sub("", text)
    if not digits.isascii() or not digits.isdigit() or len(digits) not in BARCODE_LENGTHS:
        return None
    return digits


def parse_barcode(text: str) -> str:
    """:func:`normalize_barcode`, or a ConfigError saying what a barcode is.

    Raises:
        ConfigError: completing "<option>: ..." (the caller names the option).
    """
    digits = normalize_barcode(text)
    if digits is None:
        raise ConfigError(f"{text!r} is not a barcode (8, 12, 13 or 14 digits)")
    return digits


def release_barcode(text: str) -> str | None:
    """The barcode as a release prints it and MusicBrainz stores it: a GTIN-14 or a zero-led
    EAN-13 shortened to the UPC-A it wraps (Spotify reports ``00602537292066`` for the CD's
    ``602537292066``); None when ``text`` is not a barcode."""
    digits = normalize_barcode(text)
    if digits is None:
        return None
    if len(digits) == 14 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) == 13 and digits.startswith("0"):
        digits = digits[1:]
    return digits


def barcode_key(text: str | None) -> str | None:
    """The key under which one GTIN's zero-padded forms (UPC-A, EAN-13, GTIN-14) meet: its digits,
    leading zeros dropped; None when ``text`` has no non-zero digit. Lenient on purpose: stores
    and dumps keep barcodes with stray characters, and an index must still find them."""
    digits = "".join(ch for ch in (text or "") if ch.isascii() and ch.isdigit())
    return digits.lstrip("0") or None


def same_barcode(a: str, b: str) -> bool:
    """True when two barcodes are one GTIN written with different zero padding (UPC-A, EAN-13, GTIN-14)."""
    key = barcode_key(a)
    return key is not None and key == barcode_key(b)


def normalize_isrc(isrc: str) -> str | None:
    """``isrc`` upper-cased without dashes or spaces when it has the 12-character ISRC form; else None."""
    text = _SEPARATORS.sub("", isrc).upper()
    return text if _ISRC.match(text) else None


def normalize_mbid(mbid: str, what: str = "release") -> str:
    """``mbid`` trimmed and lower-cased, once checked to be a UUID.

    Raises:
        ConfigError: for anything that is not an MBID: a malformed ID from the user is a
        usage error, not "no art".
    """
    value = mbid.strip().lower() if isinstance(mbid, str) else ""
    if not _MBID.match(value):
        raise ConfigError(
            f"{mbid!r} is not a MusicBrainz {what} ID "
            "(a UUID like 83a3f2c0-3ca7-4e6e-9de8-f740a1eb8990)"
        )
    return value
