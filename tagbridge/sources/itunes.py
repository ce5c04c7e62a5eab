"""The iTunes Search API as a cover-art source: request builders, the response parser, lookups.

What belongs here: the iTunes endpoints, storefront fallback, barcode forms, and turning
collection rows into :class:`ArtCandidate` values. What doesn't: the wire shapes
(``itunes_types.py``), artwork URL rewriting (``artwork.py``), deciding whether two album
texts agree (``core/match.py``), and any I/O.

Service facts this module relies on (https://performance-partners.apple.com/search-api):

* About 20 calls a minute. Past that iTunes answers **403 with an empty body**; every request
  here sets ``empty_403_is_rate_limit`` so that is never read as "no result".
* An album missing from a storefront answers ``resultCount: 0``, so storefronts are tried in
  the order of ``Settings.countries``.
* DESIGN.md names ``entity=song`` for ``/lookup``; we ask ``entity=album``. The collection row
  carries the artwork and track count, and the answer stays one row instead of one per track.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from tagbridge.core.config import Settings
from tagbridge.core.errors import BadResponse, Unavailable
from tagbridge.core.http import HttpRequest, HttpResponse, Lookup, check_status, parse_json
from tagbridge.core.match import AlbumMatch, match_album
from tagbridge.core.model import AlbumQuery, ArtCandidate, MatchKind
from tagbridge.sources.artwork import artwork_file_stem, plan_itunes_artwork
from tagbridge.sources.itunes_types import CollectionJson, read_collection, read_results

__all__ = [
    "Itunes",
    "ItunesCollection",
    "build_search_request",
    "build_lookup_request",
    "parse_collections",
    "search_term",
    "barcode_forms",
    "search_art",
    "upc_art",
    "id_art",
]

_log = logging.getLogger(__name__)


class Itunes:
    """What the iTunes source offers, declared for the resolver and the drivers."""

    NAME: Final = "itunes"
    #: Apple asks labels for 3000x3000 uploads; older albums may have 1400 or 600.
    TYPICAL_SIZE: Final = 3000
    RATE: Final = "20/60"
    EMPTY_403_IS_RATE_LIMIT: Final = True
    SUPPORTS_BARCODE: Final = True
    SUPPORTS_TEXT_SEARCH: Final = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ItunesCollection:
    """One album (or EP, or single) row from /search or /lookup."""

    collection_id: int
    artist: str
    title: str
    artwork_url: str  # the 100x100 thumbnail URL as sent
    track_count: int | None = None
    year: int | None = None
    collection_type: str | None = None  # "Album", even for compilations
    country: str | None = None  # three letters, "USA"
    compilation: bool = False


# --- requests -------------------------------------------------------------------------------

_BRACKETED = re.compile(r"\s*[(\[][^)\]]*[)\]]")


def search_term(query: AlbumQuery) -> str:
    """The ``term`` for a search: artist and album, the album's bracketed qualifiers left out.

    iTunes ANDs the words of a term, so a qualifier spelled differently from Apple's
    ("(Remastered)" against "(2011 Remaster)") turns a hit into ``resultCount: 0``. Dropping
    bracketed parts only widens the search; match_album still sees the full title. A title
    that is all brackets is kept as it is.
    """
    album = _BRACKETED.sub("", query.album).strip() or query.album.strip()
    return " ".join(part for part in (query.artist.strip(), album) if part)


def build_search_request(settings: Settings, query: AlbumQuery, country: str) -> HttpRequest:
    """``GET {itunes}/search`` for albums matching the query's text in one storefront."""
    return HttpRequest(
        url=f"{settings.base_url('itunes')}/search",
        source=Itunes.NAME,
        params=(
            ("term", search_term(query)),
            ("entity", "album"),
            ("media", "music"),
            ("limit", str(settings.search_limit)),
            ("country", country),
        ),
        empty_403_is_rate_limit=True,
        validate=parse_collections,
    )


def build_lookup_request(
    settings: Settings, *, upc: str | None = None, collection_id: str | None = None, country: str
) -> HttpRequest:
    """``GET {itunes}/lookup?upc=|id=&entity=album&country=``; exactly one of upc, collection_id.

    Raises:
        ValueError: when neither or both identifiers are given.
    """
    if (upc is None) == (collection_id is None):
        raise ValueError("build_lookup_request needs exactly one of upc and collection_id")
    key, value = ("upc", upc) if upc is not None else ("id", collection_id)
    return HttpRequest(
        url=f"{settings.base_url('itunes')}/lookup",
        source=Itunes.NAME,
        params=((key, str(value)), ("entity", "album"), ("country", country)),
        empty_403_is_rate_limit=True,
        validate=parse_collections,
    )


# --- responses ------------------------------------------------------------------------------

def parse_collections(request: HttpRequest, response: HttpResponse) -> list[ItunesCollection]:
    """The album rows of a /search or /lookup answer; artist, track and music-video rows dropped.

    A row that lacks what a candidate needs (id, names, ``artworkUrl100``) is skipped.

    Raises:
        RateLimited: for the empty 403 iTunes throttles with, or a 429.
        Unavailable: for 5xx.
        ResponseError: for other statuses.
        BadResponse: when the body is not JSON or has no ``results`` list.
    """
    check_status(request, response)
    envelope = read_results(parse_json(request, response))
    if envelope is None:
        raise BadResponse(Itunes.NAME, request.full_url, "body has no 'results' list")
    collections = []
    for row in envelope["results"]:
        collection = read_collection(row)
        if collection is not None:
            collections.append(_collection(collection))
        elif isinstance(row, dict) and row.get("wrapperType") == "collection" and row.get("kind") is None:
            _log.debug("itunes: skipped a collection row missing its id, names or artwork: %r", row)
    return collections


def _collection(row: CollectionJson) -> ItunesCollection:
    date = row.get("releaseDate", "")
    various = {row["artistName"].casefold(), row.get("collectionArtistName", "").casefold()}
    return ItunesCollection(
        collection_id=row["collectionId"],
        artist=row["artistName"],
        title=row["collectionName"],
        artwork_url=row["artworkUrl100"],
        track_count=row.get("trackCount"),
        year=int(date[:4]) if date[:4].isdigit() else None,
        collection_type=row.get("collectionType"),
        country=row.get("country"),
        compilation="various artists" in various,
    )


# --- candidates -----------------------------------------------------------------------------

def _match(query: AlbumQuery, collection: ItunesCollection) -> AlbumMatch:
    return match_album(
        query,
        artist=collection.artist,
        title=collection.title,
        track_count=collection.track_count,
        year=collection.year,
        compilation=collection.compilation,
    )


def _candidate(
    collection: ItunesCollection, settings: Settings, *, country: str, match: MatchKind, score: float,
    reasons: Iterable[str],
) -> ArtCandidate | None:
    """The collection's cover at the wanted size; None when its artwork URL cannot be rewritten."""
    plan = plan_itunes_artwork(collection.artwork_url, settings.size)
    if plan is None:
        _log.debug("itunes: dropped collection %s: artwork URL %r cannot be rewritten to %s",
                   collection.collection_id, collection.artwork_url, settings.size)
        return None
    # NxNbb answers min(N, original); the original is typically 3000 but unknown until probed.
    if plan.legacy:
        hint, how = None, "legacy artwork URL; size unverified"
    elif plan.requested is None:
        hint, how = Itunes.TYPICAL_SIZE, "original upload"
    else:
        hint, how = min(plan.requested, Itunes.TYPICAL_SIZE), f"asked at {plan.requested}x{plan.requested}"
    return ArtCandidate(
        source=Itunes.NAME,
        id=str(collection.collection_id),
        url=plan.url,
        artist=collection.artist,
        title=collection.title,
        match=match,
        score=score,
        size_hint=hint,
        track_count=collection.track_count,
        reasons=(*reasons, f"iTunes {country} storefront, collection {collection.collection_id}", how),
    )


def _across(
    requests: Iterable[tuple[str, HttpRequest]],
    evaluate: Callable[[str, HttpRequest, HttpResponse], list[ArtCandidate]],
    min_score: float,
) -> Lookup[list[ArtCandidate]]:
    """Ask each request in turn until one yields a candidate scoring at least ``min_score``.

    Candidates under the minimum are kept, so the resolver can show why it abstained, but do
    not end the search. An unreachable storefront (Unavailable, thrown in or a 5xx) moves on
    to the next and is re-raised only when every request failed. RateLimited propagates at
    once: the other storefronts share the same limit, so asking them would only dig deeper.
    """
    failures: list[str] = []
    weak: list[ArtCandidate] = []
    tried = 0
    for country, request in requests:
        tried += 1
        try:
            response = yield request
            found = evaluate(country, request, response)
        except Unavailable as exc:
            failures.append(f"{country}: {exc.message}")
            continue
        if any(c.score >= min_score for c in found):
            return found
        weak.extend(found)
    if tried and len(failures) == tried:
        raise Unavailable(Itunes.NAME, "every storefront failed (" + "; ".join(failures) + ")")
    return weak


def search_art(settings: Settings, query: AlbumQuery) -> Lookup[list[ArtCandidate]]:
    """Search each storefront in turn; the first with an album scoring ``min_score`` ends the search.

    Returns:
        Candidates in iTunes' order, each matched by text (``exact`` or ``fuzzy``); when no
        storefront had a good one, the weak ones (for ``--explain``); empty when the query has
        no album text or nothing matched anywhere.
    """
    if not query.album.strip():
        return []

    def evaluate(country: str, request: HttpRequest, response: HttpResponse) -> list[ArtCandidate]:
        found = []
        for collection in parse_collections(request, response):
            verdict = _match(query, collection)
            if verdict.kind is None:
                _log.debug("itunes: rejected %r by %r: %s", collection.title, collection.artist,
                           "; ".join(verdict.reasons))
                continue
            cand = _candidate(collection, settings, country=country, match=verdict.kind,
                              score=verdict.score, reasons=verdict.reasons)
            if cand is not None:
                found.append(cand)
        return found

    requests = ((c, build_search_request(settings, query, c)) for c in settings.countries)
    return (yield from _across(requests, evaluate, settings.min_score))


def barcode_forms(barcode: str) -> tuple[str, ...]:
    """The barcode spellings to try with ``/lookup?upc=``, the given one first.

    iTunes is picky about the form: a 12-digit UPC-A is also tried as the 13-digit EAN with a
    leading 0, and such an EAN also as the UPC-A. A 14-digit GTIN with a leading 0 is read as
    the EAN-13 it wraps. Anything but 8, 12, 13 or 14 digits (after dropping spaces and
    dashes) gives no forms at all: it is not a barcode.
    """
    digits = re.sub(r"[^0-9]", "", barcode)
    if len(digits) == 14 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) == 13 and digits.startswith("0"):
        return (digits, digits[1:])
    if len(digits) == 12:
        return (digits, "0" + digits)
    if len(digits) in (8, 13):
        return (digits,)
    return ()


def _stem_is_barcode(collection: ItunesCollection, barcode: str) -> bool:
    stem = artwork_file_stem(collection.artwork_url)
    return bool(stem and stem.isdigit() and stem.lstrip("0") == barcode.lstrip("0"))


def _barcode_candidates(
    query: AlbumQuery, barcode: str, collections: list[ItunesCollection], settings: Settings, country: str
) -> list[ArtCandidate]:
    """Keep the collections of a UPC lookup that really are the album (see :func:`upc_art`)."""

    def as_ids(rows: list[ItunesCollection], score: float, *reasons: str) -> list[ArtCandidate]:
        made = (_candidate(c, settings, country=country, match=MatchKind.ID, score=score, reasons=reasons)
                for c in rows)
        return [cand for cand in made if cand is not None]

    by_stem = [c for c in collections if _stem_is_barcode(c, barcode)]
    if by_stem:
        return as_ids(by_stem, 1.0, f"barcode {barcode} lookup", "artwork file name is the barcode")
    if not query.album.strip():
        return as_ids(collections, 0.95, f"barcode {barcode} lookup", "no album title given to check it against")
    accepted: list[tuple[ItunesCollection, AlbumMatch, int]] = []
    for c in collections:
        verdict = _match(query, c)
        # match_album leaves weak text matches FUZZY with a low score; under the minimum the
        # text says "another album", whatever the barcode index says.
        if verdict.kind is None or verdict.score < settings.min_score:
            _log.debug("itunes: barcode %s also found %r by %r, a different album: %s",
                       barcode, c.title, c.artist, "; ".join(verdict.reasons))
        else:
            accepted.append((c, verdict, verdict.kind.strength))
    # Several rows for one barcode: only the closest text match is that barcode's album.
    best = max((strength for _c, _v, strength in accepted), default=0)
    found = []
    for c, verdict, strength in accepted:
        if strength < best:
            _log.debug("itunes: barcode %s: %r is a looser match than another row", barcode, c.title)
            continue
        cand = _candidate(c, settings, country=country, match=MatchKind.ID, score=0.99,
                          reasons=(f"barcode {barcode} lookup, title agrees", *verdict.reasons))
        if cand is not None:
            found.append(cand)
    return found


def upc_art(settings: Settings, query: AlbumQuery) -> Lookup[list[ArtCandidate]]:
    """Look the query's barcode up in each storefront, each barcode form in turn.

    A row whose artwork file name is the barcode is the album (``id``, score 1.0), and then
    only such rows are kept. Otherwise a row is kept when match_album accepts its text with at
    least ``min_score`` ("barcode lookup, title agrees", 0.99), and only the closest such
    rows; a row whose text is a different album is dropped. With no album text to check,
    every row is kept at 0.95.
    """
    forms = barcode_forms(query.barcode or "")
    if not forms:
        if query.barcode:
            _log.debug("itunes: %r is not a barcode; no lookup made", query.barcode)
        return []

    def evaluate(country: str, request: HttpRequest, response: HttpResponse) -> list[ArtCandidate]:
        return _barcode_candidates(query, forms[0], parse_collections(request, response), settings, country)

    requests = ((c, build_lookup_request(settings, upc=form, country=c))
                for c in settings.countries for form in forms)
    return (yield from _across(requests, evaluate, settings.min_score))


def id_art(settings: Settings, collection_id: str, country: str) -> Lookup[list[ArtCandidate]]:
    """Look a collection id up, in ``country`` first and then the configured storefronts.

    Returns:
        The collection's cover as an ``id`` match (score 1.0); empty when no storefront has it
        or ``collection_id`` is not a number.
    """
    if not collection_id.isdigit() or not collection_id.isascii():
        return []
    wanted = int(collection_id)
    first = country.upper()
    countries = (first, *(c for c in settings.countries if c.upper() != first))

    def evaluate(country: str, request: HttpRequest, response: HttpResponse) -> list[ArtCandidate]:
        found = []
        for collection in parse_collections(request, response):
            # An artist id misfiled as an album link answers the artist's albums: take only ours.
            if collection.collection_id != wanted:
                continue
            cand = _candidate(collection, settings, country=country, match=MatchKind.ID, score=1.0,
                              reasons=("linked from MusicBrainz url-rel",))
            if cand is not None:
                found.append(cand)
        return found

    requests = ((c, build_lookup_request(settings, collection_id=collection_id, country=c)) for c in countries)
    return (yield from _across(requests, evaluate, settings.min_score))
