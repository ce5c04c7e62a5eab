"""Wire shapes of the Cover Art Archive's ``index.json`` (``/release/{mbid}``, ``/release-group/{rgid}``).

What belongs here: TypedDicts for the JSON as CAA (or archive.org, after the redirect) sends it,
and the functions that narrow a decoded ``object`` to them. What doesn't: choosing an image
(``caa.py``).

Reference: https://musicbrainz.org/doc/Cover_Art_Archive/API. Quirks seen in recorded bodies:
``id`` is an integer in newer bodies and a string in older ones; older images have only the
``small``/``large`` thumbnails (250/500), newer ones also ``250``/``500``/``1200``.
"""

from __future__ import annotations

from typing import TypedDict

__all__ = ["ImageJson", "IndexJson", "read_index", "read_image"]


class _ImageRequired(TypedDict):
    id: str  # normalized: CAA sends an int or a digit string
    image: str
    front: bool
    approved: bool
    types: list[str]


class ImageJson(_ImageRequired, total=False):
    """One image of a release, with its thumbnails keyed as CAA keys them ("250", "small", ...)."""

    thumbnails: dict[str, str]
    comment: str


class IndexJson(TypedDict):
    """A release's (or release group's chosen release's) image list."""

    images: list[object]  # rows are checked one by one with read_image
    release: str  # "https://musicbrainz.org/release/<mbid>"; "" when absent


def read_index(body: object) -> IndexJson | None:
    """``body`` as an index.json envelope, or None when it has no ``images`` list."""
    if not isinstance(body, dict) or not isinstance(body.get("images"), list):
        return None
    release = body.get("release")
    return {"images": list(body["images"]), "release": release if isinstance(release, str) else ""}


def read_image(row: object) -> ImageJson | None:
    """``row`` as an image with a usable ``image`` URL; None when it lacks one.

    Missing flags read as false and missing types as none, which keeps such an image out of
    the front-cover choice rather than failing the whole release.
    """
    if not isinstance(row, dict):
        return None
    image = row.get("image")
    if not isinstance(image, str) or not image.strip():
        return None
    raw_id = row.get("id")
    types = row.get("types")
    out: ImageJson = {
        "id": str(raw_id) if isinstance(raw_id, (int, str)) and not isinstance(raw_id, bool) else "",
        "image": image.strip(),
        "front": row.get("front") is True,
        "approved": row.get("approved") is True,
        "types": [t for t in types if isinstance(t, str)] if isinstance(types, list) else [],
    }
    thumbs = row.get("thumbnails")
    if isinstance(thumbs, dict):
        out["thumbnails"] = {str(k): v.strip() for k, v in thumbs.items() if isinstance(v, str) and v.strip()}
    comment = row.get("comment")
    if isinstance(comment, str):
        out["comment"] = comment
    return out
