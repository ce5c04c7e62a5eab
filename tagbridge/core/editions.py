"""Which edition of an album the user has: explicit or clean, its track count, its year.

What belongs here: the rules that tell editions of one album apart once the matcher has said a
candidate *is* that album: whether a track count is the same, close or far; whether the query
wants the explicit or the clean version; and how well a candidate fits on those counts (used
by the one ranking, ``core/rank.py``). What doesn't: deciding whether a candidate is the album
at all (``core/match.py``) and any I/O.

Explicit and clean twins: stores list an album's explicit and "cleaned" versions with the same
title, track count and date; only the advisory flag and the artwork differ. The user who has
the original wants the explicit (or not-explicit) one; the clean one only when the query says so
(a clean marker in the title, "(Clean)", "[Edited]", or the ``prefer: clean`` setting).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Final, Literal

from tagbridge.core.normalize import split_title

__all__ = ["Explicitness", "Preference", "PREFERENCES", "explicitness_of", "explicitness_of_tracks",
           "wanted_explicitness", "explicitness_fit", "says_clean", "name_twins", "far_apart", "track_count_fit", "year_fit"]

#: A candidate's advisory state: "explicit", "clean" (a cleaned twin), "none" (nothing to clean), or None (unknown).
Explicitness = Literal["explicit", "clean", "none"]
#: What the user has: the explicit original, or the clean version.
Preference = Literal["explicit", "clean"]
PREFERENCES: Final = ("explicit", "clean")

_APPLE: Final[dict[str, Explicitness]] = {"explicit": "explicit", "cleaned": "clean", "notexplicit": "none"}


def explicitness_of(apple: str | None) -> Explicitness | None:
    """Apple's ``collectionExplicitness`` (``explicit``, ``cleaned``, ``notExplicit``) as an Explicitness."""
    return _APPLE.get((apple or "").strip().casefold())


def explicitness_of_tracks(flags: list[bool | None]) -> Explicitness | None:
    """An album's state from its tracks' ``explicit`` flags (Spotify): any explicit track makes it explicit.

    A cleaned twin cannot be told from an album with nothing to clean by its flags alone, so
    all-false is "none"; unknown flags give None.
    """
    known = [f for f in flags if f is not None]
    if not known:
        return None
    return "explicit" if any(known) else "none"


def wanted_explicitness(album: str, default: Preference, *, marked_clean: bool = False) -> Preference:
    """The version the query asks for: a "clean"/"edited" marker in its title (or ``marked_clean``, a
    release whose disambiguation says clean) says clean, "explicit" says explicit; otherwise
    ``default`` (the ``prefer`` setting)."""
    qualifiers = split_title(album).qualifiers
    if marked_clean or "clean" in qualifiers:
        return "clean"
    if "explicit" in qualifiers:
        return "explicit"
    return default


def explicitness_fit(candidate: str | None, wanted: str) -> int:
    """0 for the twin the user does not have, 1 otherwise.

    Only the other twin loses: an album with nothing to clean, or a source that does not say
    (the Cover Art Archive), is as good as the wanted twin, so sources are never ranked against
    each other by how much they tell.
    """
    other = "clean" if wanted == "explicit" else "explicit"
    return 0 if candidate == other else 1


def name_twins(items: Sequence[tuple[Hashable, str | None]]) -> list[str | None]:
    """Each item's explicitness, with cleaned twins named: among items of one key (a source's
    title and track count), an explicit one makes the "none" ones (nothing to clean) its cleaned
    twins. Spotify tells its twins apart only this way, by its tracks' flags."""
    explicit_keys = {key for key, state in items if state == "explicit"}
    return ["clean" if state == "none" and key in explicit_keys else state for key, state in items]


def far_apart(a: int, b: int) -> bool:
    """Track counts too far apart to be one edition: more than 2 and more than 20% of the larger."""
    return abs(a - b) > max(2, 0.2 * max(a, b))


def track_count_fit(wanted: int | None, candidate: int | None) -> int:
    """2 for the same count, 1 for close or unknown, 0 for far apart (another edition)."""
    if wanted is None or candidate is None:
        return 1
    if wanted == candidate:
        return 2
    return 0 if far_apart(wanted, candidate) else 1


def year_fit(wanted: int | None, candidate: int | None) -> int:
    """1 for the same year (or either unknown), 0 otherwise: among equal editions the year decides."""
    return 1 if wanted is None or candidate is None or wanted == candidate else 0


def says_clean(text: str) -> bool:
    """True when a release's disambiguation or comment marks the clean version ("clean", "edited")."""
    return "clean" in split_title(f"x ({text})").qualifiers if text.strip() else False
