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

from tagbridge.core.config import DEFAULT_URLS, Settings
from tagbridge.core.errors import BadResponse, Unavailable
from tagbridge.core.identifiers import normalize_barcode, same_barcode
from tagbridge.core.http import HttpRequest, HttpResponse, Lookup, check_status, host_of, parse_json
from tagbridge.core.match import (
    RENAMED_ARTIST_SCORE,
    AlbumMatch,
    artists_agree,
    identity_contradiction,
    match_album,
    renamed_artist,
)
from tagbridge.core.editions import explicitness_of
from tagbridge.core.model import AlbumQuery, ArtCandidate, ArtFindings, MatchKind, PassedOver
from tagbridge.core.rank import clears_minimum
from tagbridge.core.countries import COUNTRY_CODES, home_storefronts
from tagbridge.core.service import ServiceInfo
from tagbridge.sources.artwork import artwork_file_stem, plan_itunes_artwork
from tagbridge.sources.itunes_types import CollectionJson, read_collection, read_results

__all__ = [
    "INFO",
    "STOREFRONTS",
    "ItunesCollection",
    "build_search_request",
    "build_lookup_request",
    "parse_collections",
    "search_term",
    "barcode_forms",
    "search_art",
    "upc_art",
    "id_art",
    "album_art",
    "can_answer",
    "NEEDS",
]

_log = logging.getLogger(__name__)


#: Apple asks labels for 3000x3000 uploads; older albums may have 1400 or 600.
_TYPICAL_SIZE: Final = 3000

#: Apple's storefronts are named by ISO 3166-1 codes ("GB", never "UK"); an unknown code is a
#: usage error rather than a silent ``resultCount: 0``.
STOREFRONTS: Final = COUNTRY_CODES

INFO: Final = ServiceInfo(
    name="itunes",
    title="the iTunes Search API",
    # About 20 calls a minute; past that an empty 403 (every request sets empty_403_is_rate_limit).
    rate="20/60",
    # Apple documents up to 200; 10 albums is plenty once bracketed qualifiers are dropped.
    search_limit=200,
    typical_size=_TYPICAL_SIZE,
    regions=STOREFRONTS,
)


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
    explicitness: str | None = None  # "explicit", "cleaned" or "notExplicit", as Apple says


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
        source=INFO.name,
        params=(
            ("term", search_term(query)),
            ("entity", "album"),
            ("media", "music"),
            ("limit", str(max(1, min(settings.search_limit, INFO.search_limit or 1)))),
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
        source=INFO.name,
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
        raise BadResponse(INFO.name, request.full_url, "body has no 'results' list")
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
        explicitness=row.get("collectionExplicitness"),
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


def _mirrors(settings: Settings) -> tuple[str, ...]:
    """A configured iTunes mirror (or test server) is trusted to serve the CDN's artwork paths too."""
    host = host_of(settings.itunes_url)
    return () if host == host_of(DEFAULT_URLS["itunes"]) else (host,)


def _candidate(
    collection: ItunesCollection, settings: Settings, *, country: str, match: MatchKind, score: float,
    reasons: Iterable[str], same_album: bool = False,
) -> ArtCandidate | None:
    """The collection's cover at the wanted size; None when its artwork URL cannot be rewritten."""
    plan = plan_itunes_artwork(collection.artwork_url, settings.size, mirrors=_mirrors(settings))
    if plan is None:
        _log.debug("itunes: dropped collection %s: artwork URL %r cannot be rewritten to %s",
                   collection.collection_id, collection.artwork_url, settings.size)
        return None
    # NxNbb answers min(N, original); the original is typically 3000 but unknown until probed.
    if plan.legacy:
        hint, how = None, "legacy artwork URL; size unverified"
    elif plan.requested is None:
        hint, how = _TYPICAL_SIZE, "original upload"
    else:
        hint, how = min(plan.requested, _TYPICAL_SIZE), f"asked at {plan.requested}x{plan.requested}"
    return ArtCandidate(
        source=INFO.name,
        id=str(collection.collection_id),
        url=plan.url,
        artist=collection.artist,
        title=collection.title,
        match=match,
        score=score,
        size_hint=hint,
        track_count=collection.track_count,
        year=collection.year,
        explicitness=explicitness_of(collection.explicitness),
        same_album=same_album,
        reasons=(*reasons, f"iTunes {country} storefront, collection {collection.collection_id}", how),
    )


def _passed(collection: ItunesCollection, why: Iterable[str], score: float | None = None) -> PassedOver:
    return PassedOver(source=INFO.name, id=str(collection.collection_id), artist=collection.artist,
                      title=collection.title, reasons=tuple(why), url=collection.artwork_url, score=score)


def _across(
    requests: Iterable[tuple[str, HttpRequest]],
    evaluate: Callable[[str, HttpRequest, HttpResponse], ArtFindings],
    settings: Settings,
) -> Lookup[ArtFindings]:
    """Ask each request in turn until one yields a candidate that clears the minimum score (``core.rank``).

    Candidates under the minimum are kept, so the resolver can show why it abstained, but do
    not end the search. An unreachable storefront (Unavailable, thrown in or a 5xx) moves on
    to the next and is re-raised only when every request failed. RateLimited propagates at
    once: the other storefronts share the same limit, so asking them would only dig deeper.
    """
    failures: list[str] = []
    found = ArtFindings()
    tried = 0
    for country, request in requests:
        tried += 1
        try:
            response = yield request
            here = evaluate(country, request, response)
        except Unavailable as exc:
            failures.append(f"{country}: {exc.message}")
            continue
        if any(clears_minimum(c.score, settings) for c in here.candidates):
            return ArtFindings(candidates=here.candidates, passed_over=found.passed_over + here.passed_over)
        found += here
    if tried and len(failures) == tried:
        raise Unavailable(INFO.name, "every storefront failed (" + "; ".join(failures) + ")")
    return found


def search_art(settings: Settings, query: AlbumQuery) -> Lookup[ArtFindings]:
    """Search each storefront in turn; the first with an album scoring ``min_score`` ends the search.

    Returns:
        Candidates in iTunes' order, each matched by text (``exact`` or ``fuzzy``); when no
        storefront had a good one, the weak ones (for ``--explain``). Every row the matcher
        turned down (a tribute, a karaoke version, another artist) is passed over with why.
    """
    if not query.album.strip():
        return ArtFindings()

    def evaluate(country: str, request: HttpRequest, response: HttpResponse) -> ArtFindings:
        found, passed = [], []
        rows = parse_collections(request, response)
        answer = [(c.artist, c.title) for c in rows]
        for collection in rows:
            if query.barcode and _stem_is_barcode(collection, query.barcode):
                # The CD barcode is not always the digital UPC the lookup knows, but Apple often
                # names the uploaded artwork by it: that file name is an identity.
                cand = _candidate(collection, settings, country=country, match=MatchKind.ID, score=1.0,
                                  reasons=(f"iTunes {country} search", "artwork file name is the query's barcode"))
                if cand is not None:
                    found.append(cand)
                    continue
            verdict = _match(query, collection)
            if verdict.kind is None or verdict.score < RENAMED_ARTIST_SCORE:
                verdict = renamed_artist(query, (collection.artist, collection.title, collection.track_count,
                                                 collection.year), answer) or verdict
            if verdict.kind is None:
                passed.append(_passed(collection, (f"iTunes {country} search", *verdict.reasons)))
                continue
            cand = _candidate(collection, settings, country=country, match=verdict.kind,
                              score=verdict.score, reasons=verdict.reasons, same_album=verdict.same_album)
            if cand is not None:
                found.append(cand)
            else:
                passed.append(_passed(collection, (f"artwork URL cannot be rewritten to {settings.size}",)))
        return ArtFindings.of(found, passed)

    # A query in a non-Latin script asks that script's home storefront first (core/countries.py).
    countries = tuple(dict.fromkeys((*home_storefronts(f"{query.artist} {query.album}"), *settings.countries)))
    requests = ((c, build_search_request(settings, query, c)) for c in countries)
    return (yield from _across(requests, evaluate, settings))


def barcode_forms(barcode: str) -> tuple[str, ...]:
    """The barcode spellings to try with ``/lookup?upc=``, the given one first.

    iTunes is picky about the form: a 12-digit UPC-A is also tried as the 13-digit EAN with a
    leading 0, and such an EAN also as the UPC-A. A 14-digit GTIN with a leading 0 is read as
    the EAN-13 it wraps. Anything that is not a barcode (``core.identifiers.normalize_barcode``)
    gives no forms at all.
    """
    digits = normalize_barcode(barcode)
    if digits is None:
        return ()
    if len(digits) == 14 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) == 13 and digits.startswith("0"):
        return (digits, digits[1:])
    if len(digits) == 12:
        return (digits, "0" + digits)
    return (digits,)


def _stem_is_barcode(collection: ItunesCollection, barcode: str) -> bool:
    stem = artwork_file_stem(collection.artwork_url)
    return bool(stem and stem.isdigit() and same_barcode(stem, barcode))


def _barcode_candidates(
    query: AlbumQuery, barcode: str, collections: list[ItunesCollection], settings: Settings, country: str
) -> ArtFindings:
    """Keep the collections of a UPC lookup that really are the album (see :func:`upc_art`)."""

    def as_ids(rows: list[ItunesCollection], score: float, *reasons: str) -> list[ArtCandidate]:
        made = (_candidate(c, settings, country=country, match=MatchKind.ID, score=score, reasons=reasons)
                for c in rows)
        return [cand for cand in made if cand is not None]

    lookup = f"barcode {barcode} lookup in the {country} storefront"
    if len(collections) == 1 and (query.tracks or query.artist):
        # The barcode's only collection is the album, whatever its title says (a long cover
        # title against a short store title, another language), when its track count agrees,
        # or its artist agrees and neither its track count nor its year says otherwise.
        (only,) = collections
        contradiction = identity_contradiction(query, only.track_count, only.year)
        if query.tracks and only.track_count == query.tracks:
            why = "its track count agrees"
        elif query.artist and artists_agree(query.artist, only.artist) and contradiction is None:
            why = "its artist agrees"
        else:
            reason = contradiction or "its artist is someone else"
            return ArtFindings.of([], [_passed(only, (lookup, f"the barcode's only collection is another album: "
                                                      f"{reason} (a reused or mistyped barcode)"))])
        return ArtFindings.of(as_ids(collections, 1.0, f"barcode {barcode} lookup",
                                     f"the barcode's only collection; {why}"))
    by_stem = [c for c in collections if _stem_is_barcode(c, barcode)]
    if by_stem:
        others = [_passed(c, (lookup, "another row's artwork file name is the barcode; this one's is not"))
                  for c in collections if c not in by_stem]
        return ArtFindings.of(as_ids(by_stem, 1.0, f"barcode {barcode} lookup", "artwork file name is the barcode"),
                              others)
    if not query.album.strip():
        return ArtFindings.of(as_ids(collections, 0.95, f"barcode {barcode} lookup",
                                     "no album title given to check it against"))
    accepted: list[tuple[ItunesCollection, AlbumMatch, int]] = []
    passed: list[PassedOver] = []
    for c in collections:
        verdict = _match(query, c)
        # match_album leaves weak text matches FUZZY with a low score; under the minimum the
        # text says "another album", whatever the barcode index says.
        if verdict.kind is None or not clears_minimum(verdict.score, settings):
            passed.append(_passed(c, (lookup, "the row is a different album by its text", *verdict.reasons),
                                  verdict.score))
        else:
            accepted.append((c, verdict, verdict.kind.strength))
    # Several rows for one barcode: only the closest text match is that barcode's album.
    best = max((strength for _c, _v, strength in accepted), default=0)
    found = []
    for c, verdict, strength in accepted:
        if strength < best:
            passed.append(_passed(c, (lookup, "a looser text match than another row of the same barcode"),
                                  verdict.score))
            continue
        cand = _candidate(c, settings, country=country, match=MatchKind.ID, score=0.99,
                          reasons=(f"barcode {barcode} lookup, title agrees", *verdict.reasons))
        if cand is not None:
            found.append(cand)
    return ArtFindings.of(found, passed)


def upc_art(settings: Settings, query: AlbumQuery) -> Lookup[ArtFindings]:
    """Look the query's barcode up in each storefront, each barcode form in turn.

    A row whose artwork file name is the barcode is the album (``id``, score 1.0), and then
    only such rows are kept. Otherwise a row is kept when match_album accepts its text with at
    least ``min_score`` ("barcode lookup, title agrees", 0.99), and only the closest such
    rows; a row whose text is a different album is passed over. With no album text to check,
    every row is kept at 0.95.
    """
    forms = barcode_forms(query.barcode or "")
    if not forms:
        if query.barcode:
            _log.debug("itunes: %r is not a barcode; no lookup made", query.barcode)
        return ArtFindings()

    def evaluate(country: str, request: HttpRequest, response: HttpResponse) -> ArtFindings:
        return _barcode_candidates(query, forms[0], parse_collections(request, response), settings, country)

    requests = ((c, build_lookup_request(settings, upc=form, country=c))
                for c in settings.countries for form in forms)
    return (yield from _across(requests, evaluate, settings))


def id_art(settings: Settings, collection_id: str, country: str) -> Lookup[ArtFindings]:
    """Look a collection id up, in ``country`` first and then the configured storefronts.

    Returns:
        The collection's cover as an ``id`` match (score 1.0); empty when no storefront has it
        or ``collection_id`` is not a number.
    """
    if not collection_id.isdigit() or not collection_id.isascii():
        return ArtFindings()
    wanted = int(collection_id)
    first = country.upper()
    countries = (first, *(c for c in settings.countries if c.upper() != first))

    def evaluate(country: str, request: HttpRequest, response: HttpResponse) -> ArtFindings:
        found = []
        for collection in parse_collections(request, response):
            # An artist id misfiled as an album link answers the artist's albums: take only ours.
            if collection.collection_id != wanted:
                continue
            cand = _candidate(collection, settings, country=country, match=MatchKind.ID, score=1.0,
                              reasons=("linked from MusicBrainz url-rel",))
            if cand is not None:
                found.append(cand)
        return ArtFindings.of(found)

    requests = ((c, build_lookup_request(settings, collection_id=collection_id, country=c)) for c in countries)
    return (yield from _across(requests, evaluate, settings))


def can_answer(query: AlbumQuery) -> bool:
    """True when iTunes has something to go on: an Apple Music link, a barcode, or artist and album."""
    return bool(query.links.itunes_ids or query.barcode or (query.artist and query.album))


#: Said when :func:`can_answer` is False.
NEEDS: Final = "an artist and album, a barcode or an Apple Music link"


def album_art(settings: Settings, query: AlbumQuery) -> Lookup[ArtFindings]:
    """Cover candidates for ``query``, strongest route first: url-rel ids, then barcode, then text search.

    Text search runs only when no identifier reached the album: an ID link beats any text match.
    """
    found = ArtFindings()
    for collection_id, country in query.links.itunes_ids:
        found += yield from id_art(settings, collection_id, country)
        if found.candidates:
            return found
    if query.barcode:
        found += yield from upc_art(settings, query)
        if any(c.match is MatchKind.ID for c in found.candidates):
            return found
    if query.artist and query.album:
        found += yield from search_art(settings, query)
    return found
