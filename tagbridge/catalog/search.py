"""Search: reading Spotify's ``q``, turning it into FTS5 and identifier lookups, and ranking the hits.

What belongs here: :func:`parse_query` (``album:"Random Access Memories" artist:'Daft Punk'
year:2013 free words``), :func:`plan_search` (what one result type looks for: FTS5 match
expressions over the folded-name indexes, a normalized ISRC or UPC, a year range) and
:func:`find` (the ranked rowids of the hits). What doesn't: response shapes (``objects.py``),
parameters and errors (``api.py``) and SQL text (``sql.py``).

How a query is read, after Spotify's documented syntax:

* ``field:"a phrase"``, ``field:'a phrase'`` (beets' spotify plugin swaps every ``"`` for ``'``;
  a ``'`` inside a word, as in ``Don't``, does not close the value) or ``field:word``;
  ``artist:Daft Punk`` is the filter ``Daft`` plus the free word ``Punk``, as on Spotify.
* Filters: ``album``, ``artist``, ``track``, ``year`` (``2013`` or ``2010-2015``), ``isrc``,
  ``upc``. Any other ``field:value`` (``genre:``, ``tag:new``) is free text.
* A filter that does not apply to a result type (``upc:`` on tracks, ``isrc:`` on albums,
  ``album:`` on artists) makes that type find nothing, as in the fake clones; ``year:`` is
  ignored for artists. An unreadable year, ISRC or UPC finds nothing.
* Names are matched token by token: values and free words are folded exactly as the index was
  (``core.normalize.normalize_text``), split into words, and each word becomes one quoted FTS5
  string restricted to its column, so no input can be read as FTS5 syntax. Words with no letter
  or digit ("!!!", an emoji) cannot be indexed tokens and are dropped; a filter left with no
  word is ignored.

Ranking: names equal to the wanted name once folded (the type's own filter, else the free
words) first, then popularity, then the dump's order. The work is bounded whatever the query:
at most :data:`RESULT_CAP` hits are ranked, which is every position paging can reach (offset
<= 1000, limit <= 50), so ``total`` counts at most that many; with ``year:`` at most
:data:`YEAR_SCAN` index hits are read to find them, and a query of only ``year:`` looks at the
first :data:`YEAR_SCAN` albums or tracks only (no index on dates).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from tagbridge.catalog import sql
from tagbridge.catalog.build import normalize_upc
from tagbridge.core.identifiers import normalize_isrc
from tagbridge.core.normalize import normalize_text

__all__ = [
    "Kind",
    "KINDS",
    "SearchQuery",
    "SearchPlan",
    "parse_query",
    "plan_search",
    "find",
    "RESULT_CAP",
    "YEAR_SCAN",
    "MAX_OFFSET",
]

Kind = Literal["album", "artist", "track"]
KINDS: Final[tuple[Kind, ...]] = ("album", "artist", "track")

#: The largest ``offset`` a search accepts (Spotify's limit).
MAX_OFFSET: Final = 1000
#: Hits ranked at most: every position a page can reach (offset 1000 + limit 50).
RESULT_CAP: Final = MAX_OFFSET + 50
#: Index hits read at most to find the ones in a ``year:`` range; rows a ``year:``-only query scans.
YEAR_SCAN: Final = 5000
#: Up to this many hits, each name is folded to find exact matches; past it, only names that
#: start with the wanted words (an anchored FTS5 phrase), at most this many.
_FOLD_ALL: Final = 64

_FILTERS: Final = frozenset({"album", "artist", "track", "year", "isrc", "upc"})
#: Filters each type understands; ``year`` is ignored for artists.
_APPLIES: Final[dict[Kind, frozenset[str]]] = {
    "album": frozenset({"album", "artist", "year", "upc"}),
    "track": frozenset({"album", "artist", "track", "year", "isrc"}),
    "artist": frozenset({"artist", "year"}),
}
#: FTS5 column of each text filter, per index; None is free text (the type's own columns).
_COLUMNS: Final[dict[Kind, dict[str | None, str | None]]] = {
    "album": {"album": "name", "artist": "artists", None: "{name artists}"},
    "track": {"track": "name", "artist": "artists", "album": "album", None: None},
    "artist": {"artist": "name", None: "name"},
}
#: The filter whose value an exact name must equal, per type.
_OWN: Final[dict[Kind, str]] = {"album": "album", "track": "track", "artist": "artist"}

_TOKEN: Final = re.compile(
    r"""(?P<field>[A-Za-z]+):(?:"(?P<dq>[^"]*)"?|'(?P<sq>.*?)(?:'(?=\s|$)|$)|(?P<word>\S+))"""
    r"""|"(?P<phrase>[^"]*)"?|(?P<free>\S+)""",
    re.DOTALL,
)
_YEARS: Final = re.compile(r"([0-9]{4})(?:-([0-9]{4}))?")


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchQuery:
    """A parsed ``q``: the filters in order (names lower-cased) and the free text."""

    filters: tuple[tuple[str, str], ...]
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchPlan:
    """What one result type looks for; ``nothing`` when no row can match."""

    kind: Kind
    nothing: bool = False
    #: FTS5 expression of every name criterion (None: none).
    match: str | None = None
    #: The folded name an exact hit has, and an FTS5 expression for names starting with it.
    target: str | None = None
    anchored: str | None = None
    isrc: str | None = None
    upc: str | None = None
    years: tuple[str, str] | None = None


def parse_query(q: str) -> SearchQuery:
    """Split ``q`` into filters and free text (see the module docstring for the syntax)."""
    filters: list[tuple[str, str]] = []
    words: list[str] = []
    for match in _TOKEN.finditer(q):
        field = (match["field"] or "").lower()
        if field in _FILTERS:
            value = next(v for v in (match["dq"], match["sq"], match["word"]) if v is not None)
            filters.append((field, value))
        elif match["phrase"] is not None:
            words.append(match["phrase"])
        else:
            words.append(match[0])
    return SearchQuery(filters=tuple(filters), words=tuple(words))


def _tokens(text: str) -> list[str]:
    """``text`` folded as the index folds names, split into words that can be index tokens."""
    return [word for word in normalize_text(text).split()
            if any(unicodedata.category(ch)[0] in "LN" for ch in word)]


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _criterion(column: str | None, tokens: Sequence[str]) -> str:
    # Each distinct word once: a repeated one only makes FTS5 walk its doclist again.
    phrases = " ".join(_quoted(token) for token in dict.fromkeys(tokens))
    return f"{column} : ({phrases})" if column else f"({phrases})"


def _years(value: str) -> tuple[str, str] | None:
    found = _YEARS.fullmatch(value.strip())
    if not found:
        return None
    low, high = found[1], found[2] or found[1]
    return (low, high) if low <= high else (high, low)


def plan_search(query: SearchQuery, kind: Kind) -> SearchPlan:
    """What ``kind`` results must satisfy for ``query``."""
    nothing = SearchPlan(kind=kind, nothing=True)
    applies, columns = _APPLIES[kind], _COLUMNS[kind]
    criteria: list[str] = []
    own: list[str] | None = None
    isrc = upc = None
    years = None
    for field, value in query.filters:
        if field not in applies:
            return nothing
        if field == "year":
            if kind != "artist" and (years := _years(value)) is None:
                return nothing
        elif field == "isrc":
            code = normalize_isrc(value)
            if code is None or (isrc is not None and code != isrc):
                return nothing
            isrc = code
        elif field == "upc":
            key = normalize_upc(value)
            if key is None or (upc is not None and key != upc):
                return nothing
            upc = key
        elif tokens := _tokens(value):
            criteria.append(_criterion(columns[field], tokens))
            if field == _OWN[kind]:
                own = tokens
    free = _tokens(" ".join(query.words))
    if free:
        criteria.append(_criterion(columns[None], free))
    if not criteria and isrc is None and upc is None and years is None:
        return nothing
    wanted = own if own is not None else free
    match = " AND ".join(criteria) or None
    anchored = None
    if wanted and match:
        anchored = f"({match}) AND name : ^ {' + '.join(_quoted(token) for token in wanted)}"
    return SearchPlan(kind=kind, match=match, target=" ".join(wanted) or None, anchored=anchored,
                      isrc=isrc, upc=upc, years=years)


# -- running a plan ------------------------------------------------------------------------------

_Hit = tuple[int, str | None, int | None]  # rowid, name, popularity

_TEXT: Final[dict[Kind, str]] = {
    "album": sql.ALBUM_SEARCH_TEXT, "track": sql.TRACK_SEARCH_TEXT, "artist": sql.ARTIST_SEARCH_TEXT,
}
_HAS: Final[dict[Kind, str]] = {"album": sql.ALBUM_FTS_HAS, "track": sql.TRACK_FTS_HAS}


def _bounds(plan: SearchPlan) -> dict[str, object]:
    low, high = plan.years if plan.years else (None, None)
    return {"ylo": low, "yhi": high, "cap": RESULT_CAP}


def _candidates(conn: sqlite3.Connection, plan: SearchPlan) -> list[_Hit]:
    bounds = _bounds(plan)
    if plan.isrc is not None or plan.upc is not None:
        if plan.isrc is not None:
            hits: list[_Hit] = conn.execute(sql.TRACK_SEARCH_ISRC, {"isrc": plan.isrc, **bounds}).fetchall()
        else:
            hits = conn.execute(sql.ALBUM_SEARCH_UPC, {"upc": plan.upc, **bounds}).fetchall()
        if plan.match is not None:
            has = _HAS[plan.kind]
            hits = [hit for hit in hits if conn.execute(has, (plan.match, hit[0])).fetchone()]
        return hits
    if plan.match is not None:
        scan = YEAR_SCAN if plan.years else RESULT_CAP
        return conn.execute(_TEXT[plan.kind], {"match": plan.match, "scan": scan, **bounds}).fetchall()
    if plan.kind == "artist":
        return []
    statement = sql.ALBUM_SEARCH_YEAR if plan.kind == "album" else sql.TRACK_SEARCH_YEAR
    return conn.execute(statement, {"scan": YEAR_SCAN, **bounds}).fetchall()


def _exact(conn: sqlite3.Connection, plan: SearchPlan, hits: list[_Hit]) -> set[int]:
    """Rowids whose folded name is the wanted one; adds anchored hits the capped list missed."""
    target = plan.target
    if target is None:
        return set()
    if len(hits) <= _FOLD_ALL or plan.anchored is None:
        return {rowid for rowid, name, _pop in hits if name and normalize_text(name) == target}
    params = {"match": plan.anchored, "scan": YEAR_SCAN if plan.years else _FOLD_ALL,
              **_bounds(plan), "cap": _FOLD_ALL}
    exact: set[int] = set()
    have = {hit[0] for hit in hits}
    for hit in conn.execute(_TEXT[plan.kind], params).fetchall():
        if hit[1] and normalize_text(hit[1]) == target:
            exact.add(hit[0])
            if hit[0] not in have:
                hits.append(hit)
    return exact


def find(conn: sqlite3.Connection, plan: SearchPlan) -> list[int]:
    """The rowids of ``plan``'s hits, best first; at most about :data:`RESULT_CAP`."""
    if plan.nothing:
        return []
    hits = _candidates(conn, plan)
    exact = _exact(conn, plan, hits)
    hits.sort(key=lambda hit: (hit[0] not in exact, -(hit[2] or 0), hit[0]))
    return [hit[0] for hit in hits]
