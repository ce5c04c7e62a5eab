"""Wire shapes the catalog answers with: the Spotify Web API's objects, as TypedDicts.

What belongs here: the response bodies of ``api.py``, named after the component schemas of
``../shared/specs/spotify-web-api.openapi.yml`` (``AlbumObject``, ``SimplifiedTrackObject``,
the paging objects, ``ErrorObject``), with the fields the catalog fills. Key order in the
bodies follows recorded Spotify answers; it is set where the dicts are built (``objects.py``).
What doesn't: reading Spotify's answers (``sources/spotify_types.py``) or building bodies.
"""

from __future__ import annotations

from typing import Literal, TypedDict

__all__ = [
    "ExternalUrls",
    "ExternalIds",
    "ImageObject",
    "SimplifiedArtistObject",
    "FollowersObject",
    "ArtistObject",
    "CopyrightObject",
    "SimplifiedAlbumObject",
    "AlbumObject",
    "ArtistAlbumObject",
    "SimplifiedTrackObject",
    "TrackObject",
    "SimplifiedTrackPage",
    "TrackPage",
    "SimplifiedAlbumPage",
    "ArtistAlbumPage",
    "ArtistPage",
    "EmptyPage",
    "SearchResponse",
    "ErrorObject",
    "ErrorResponse",
    "TokenResponse",
]


class ExternalUrls(TypedDict):
    """``ExternalUrlObject``: the open.spotify.com page."""

    spotify: str


class ExternalIds(TypedDict, total=False):
    """``ExternalIdObject``: an album's ``upc`` or a track's ``isrc``, when the dump has one."""

    isrc: str
    upc: str


class ImageObject(TypedDict):
    """``ImageObject``."""

    url: str
    height: int | None
    width: int | None


class SimplifiedArtistObject(TypedDict):
    """``SimplifiedArtistObject``."""

    external_urls: ExternalUrls
    href: str
    id: str
    name: str
    type: Literal["artist"]
    uri: str


class FollowersObject(TypedDict):
    """``FollowersObject``; ``href`` is always null, as on Spotify."""

    href: None
    total: int


class ArtistObject(SimplifiedArtistObject):
    """``ArtistObject``."""

    followers: FollowersObject
    genres: list[str]
    images: list[ImageObject]
    popularity: int


class CopyrightObject(TypedDict):
    """``CopyrightObject``: ``type`` is C (the copyright) or P (the sound recording)."""

    text: str
    type: Literal["C", "P"]


class SimplifiedAlbumObject(TypedDict):
    """``SimplifiedAlbumObject``."""

    album_type: str
    total_tracks: int
    available_markets: list[str]
    external_urls: ExternalUrls
    href: str
    id: str
    images: list[ImageObject]
    name: str
    release_date: str
    release_date_precision: str
    type: Literal["album"]
    uri: str
    artists: list[SimplifiedArtistObject]


class AlbumObject(SimplifiedAlbumObject):
    """``AlbumObject``: ``tracks`` is the first page; ``genres`` is always empty, as on Spotify."""

    tracks: SimplifiedTrackPage
    copyrights: list[CopyrightObject]
    external_ids: ExternalIds
    genres: list[str]
    label: str
    popularity: int


class ArtistAlbumObject(SimplifiedAlbumObject):
    """``ArtistDiscographyAlbumObject``: an album as an artist's discography lists it."""

    album_group: str


class SimplifiedTrackObject(TypedDict):
    """``SimplifiedTrackObject``."""

    artists: list[SimplifiedArtistObject]
    available_markets: list[str]
    disc_number: int
    duration_ms: int
    explicit: bool
    external_urls: ExternalUrls
    href: str
    id: str
    name: str
    preview_url: str | None
    track_number: int
    type: Literal["track"]
    uri: str
    is_local: bool


class TrackObject(SimplifiedTrackObject):
    """``TrackObject``."""

    album: SimplifiedAlbumObject
    external_ids: ExternalIds
    popularity: int


class _Paging(TypedDict):
    href: str
    limit: int
    next: str | None
    offset: int
    previous: str | None
    total: int


class SimplifiedTrackPage(_Paging):
    """``PagingSimplifiedTrackObject``: an album's tracks."""

    items: list[SimplifiedTrackObject]


class TrackPage(_Paging):
    """``PagingTrackObject``: track search results."""

    items: list[TrackObject]


class SimplifiedAlbumPage(_Paging):
    """``PagingSimplifiedAlbumObject``: album search results."""

    items: list[SimplifiedAlbumObject]


class ArtistAlbumPage(_Paging):
    """``PagingArtistDiscographyAlbumObject``: an artist's albums."""

    items: list[ArtistAlbumObject]


class ArtistPage(_Paging):
    """``PagingArtistObject``: artist search results."""

    items: list[ArtistObject]


class EmptyPage(_Paging):
    """A page of a search type the catalog does not hold (playlists, shows, ...): always empty."""

    items: list[None]


class SearchResponse(TypedDict, total=False):
    """The search answer: one page per requested type."""

    albums: SimplifiedAlbumPage
    artists: ArtistPage
    tracks: TrackPage
    playlists: EmptyPage
    shows: EmptyPage
    episodes: EmptyPage
    audiobooks: EmptyPage


class ErrorObject(TypedDict):
    """``ErrorObject``."""

    status: int
    message: str


class ErrorResponse(TypedDict):
    """The error envelope ``{"error": {"status", "message"}}``."""

    error: ErrorObject


class TokenResponse(TypedDict):
    """The accounts service's client-credentials answer."""

    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
