"""Country codes, for storefronts (iTunes) and markets (Spotify): ISO 3166-1 alpha-2, plus XK.

What belongs here: the code list and checking a code against it. What doesn't: which codes a
given service serves (each source declares its ``regions``).
"""

from __future__ import annotations

__all__ = ["COUNTRY_CODES", "country_hint", "home_storefronts"]

#: ISO 3166-1 alpha-2, with XK (Kosovo), which Apple and Spotify both use.
COUNTRY_CODES: frozenset[str] = frozenset((
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
))

# Codes people write that are not ISO 3166-1: what they mean.
_LOOKALIKES = {"UK": "GB", "EN": "GB", "EL": "GR", "JA": "JP", "KO": "KR", "ZH": "CN"}


def country_hint(code: str) -> str:
    """A hint for an unknown code, e.g. " (did you mean GB?)" for UK; empty when there is none."""
    better = _LOOKALIKES.get(code.upper())
    return f" (did you mean {better}?)" if better else ""


def _has(text: str, low: int, high: int) -> bool:
    return any(low <= ord(ch) <= high for ch in text)


def home_storefronts(text: str) -> tuple[str, ...]:
    """The storefronts that list an album written in ``text``'s script natively, to ask first.

    A Japanese, Korean or Chinese title is often romanised or translated on the US store and
    written natively only at home: kana means Japan, hangul Korea; Han characters alone could be
    either Japanese or Chinese, so Japan then Taiwan. Latin text has no home: an empty tuple.
    """
    if _has(text, 0x3040, 0x30FF) or _has(text, 0x31F0, 0x31FF):  # hiragana, katakana
        return ("JP",)
    if _has(text, 0xAC00, 0xD7AF) or _has(text, 0x1100, 0x11FF) or _has(text, 0x3130, 0x318F):  # hangul
        return ("KR",)
    if _has(text, 0x4E00, 0x9FFF) or _has(text, 0x3400, 0x4DBF):  # CJK ideographs
        return ("JP", "TW")
    return ()
