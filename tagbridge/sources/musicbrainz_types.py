"""Wire shapes of a MusicBrainz release, as ws/2 JSON and as musicbrainzngs' XML-derived dicts.

What belongs here: TypedDicts for the fields tagbridge reads, and the functions that narrow a
decoded ``object`` to them. Both shapes are read because beets hands plugins musicbrainzngs
dicts, while Picard and our own sync path hand over ws/2 JSON. What doesn't: deciding what
a link means (``musicbrainz.py``).

ws/2 JSON: https://musicbrainz.org/doc/MusicBrainz_API (``relations[].url.resource``,
``ended`` a boolean). musicbrainzngs: ``url-relation-list[].target``, ``ended`` the string
``"true"`` when present.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

__all__ = ["UrlRel", "ErrorJson", "read_url_rels", "read_release", "read_error", "read_track_count",
           "read_artist_credit"]


class UrlRel(TypedDict):
    """One release-to-URL relationship, the same whichever shape it came in."""

    type: str  # "streaming", "purchase for download", "free streaming", ...
    target: str  # the URL
    ended: bool


class ErrorJson(TypedDict):
    """The ws/2 JSON error body: ``{"error": "...", "help": "..."}``."""

    error: str
    help: str


def read_release(body: object) -> Mapping[str, object] | None:
    """``body`` as a release mapping (unwrapping musicbrainzngs' ``{"release": {...}}``); else None.

    A release must have a string ``id``; nothing else is required.
    """
    if isinstance(body, dict) and "id" not in body and isinstance(body.get("release"), dict):
        body = body["release"]
    if not isinstance(body, dict) or not isinstance(body.get("id"), str):
        return None
    return body


def read_url_rels(release: Mapping[str, object]) -> list[UrlRel]:
    """The release's URL relationships from either shape, in the order given; junk rows skipped."""
    rels: list[UrlRel] = []
    relations = release.get("relations")
    if isinstance(relations, list):
        for rel in relations:
            if not isinstance(rel, dict) or not isinstance(rel.get("url"), dict):
                continue
            target = rel["url"].get("resource")
            if isinstance(target, str):
                rels.append({"type": _text(rel.get("type")), "target": target, "ended": rel.get("ended") is True})
    ngs = release.get("url-relation-list")
    if isinstance(ngs, list):
        for rel in ngs:
            if not isinstance(rel, dict) or not isinstance(rel.get("target"), str):
                continue
            ended = rel.get("ended")
            rels.append({"type": _text(rel.get("type")), "target": rel["target"],
                         "ended": ended is True or (isinstance(ended, str) and ended.lower() == "true")})
    return rels


def read_track_count(release: Mapping[str, object]) -> int | None:
    """Total tracks over all media (ws/2 ``media``, or ngs ``medium-list``); None when not included."""
    media = release.get("media", release.get("medium-list"))
    if not isinstance(media, list) or not media:
        return None
    total = 0
    for medium in media:
        count = medium.get("track-count") if isinstance(medium, dict) else None
        if isinstance(count, str) and count.isdigit():
            count = int(count)
        if not isinstance(count, int) or isinstance(count, bool):
            return None
        total += count
    return total


def read_artist_credit(release: Mapping[str, object]) -> str:
    """The artist credit as printed ("A feat. B"); empty when the release came without one."""
    phrase = release.get("artist-credit-phrase")
    if isinstance(phrase, str):
        return phrase
    credit = release.get("artist-credit")
    if not isinstance(credit, list):
        return ""
    parts: list[str] = []
    for item in credit:
        if isinstance(item, str):  # musicbrainzngs keeps join phrases as bare strings
            parts.append(item)
        elif isinstance(item, dict):
            artist = item.get("artist")
            name = item.get("name")
            if not isinstance(name, str) and isinstance(artist, dict):
                name = artist.get("name")
            parts.append(_text(name) + _text(item.get("joinphrase")))
    return "".join(parts).strip()


def read_error(body: object) -> ErrorJson | None:
    """``body`` as a ws/2 error body, or None."""
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return {"error": body["error"], "help": _text(body.get("help"))}
    return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
