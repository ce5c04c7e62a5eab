"""Deciding whether one source's album is the queried album, and how sure we are.

What belongs here: ``match_album``, which compares a query with one candidate's artist credit,
title, track count and year and returns a kind (exact, fuzzy or rejected), a 0..1 score and the
reasons. What doesn't: text normalization (core/normalize.py), string scorers (core/fuzz.py),
identifier matches (a source that reached an album by ID knows that without us) and ordering
candidates against each other (core/rank.py).

Wrong art is worse than no art, so the rules lean to rejecting:

- EXACT: normalized artists (or their sets of names) equal, base titles equal, the same content
  and edition qualifiers and a compatible release type. "explicit", "standard" and soundtrack
  descriptors ("(Music from the Motion Picture)") are ignored: stores add them inconsistently
  and they never change the cover beyond an advisory sticker. "remastered" is *not* ignored,
  since remasters often get new art; it only demotes to FUZZY.
- FUZZY, score 0.9: the same, except an edition qualifier or the release type differs (0.95
  when the only difference is "remastered"). The plain title then stays the exact match and
  the deluxe one ranks below it. The edition also explains a far-off track count, so the two
  penalties never stack.
- Rejected: a content qualifier (live, drumless, karaoke, score, ...) on one side only; one
  title's words a strict subset of the other's ("Ladies" in "Single Ladies"); different numbers
  ("Vol. 1" and "Vol. 2"); a various-artists query against a single artist's album or the
  reverse.
- One credit a strict subset of the other ("Kanye West" in "JAY-Z & Kanye West") is FUZZY 0.88
  only when the titles and their qualifiers are identical and the years are not apart; a title
  many artists use ("Greatest Hits") also needs the same year and track count. Otherwise it is
  rejected ("Ariel NOAH" against "Difki Khalif & Ariel NOAH"'s single).
- Near-equal names score 0.97 and can never be EXACT: a leading article ("The Beatles" and
  "Beatles"), an honorific before a full name ("Ms. Lauryn Hill"), the artist's possessive
  before the title ("Simon & Garfunkel's Greatest Hits" by Simon & Garfunkel).
- A self-titled album the store names by nickname ("Weezer (Blue Album)", "Peter Gabriel 3:
  Melt") is the self-titled query only in the same year with a close track count.
- Otherwise FUZZY with ``title_similarity ** 1.5 * artist_similarity``: the title weighs more,
  and a weak title cannot be rescued by a strong artist. Callers drop scores below their minimum
  (``Settings.min_score``, 0.85 by default).

Track count and year only adjust a score, except where they must confirm a credit subset or a
nickname as above. A query naming one disc ("(Disc 2)") has no comparable track count.
"""

from __future__ import annotations

import re

from tagbridge.core.editions import far_apart
from tagbridge.core.model import AlbumQuery, MatchKind
from tagbridge.core.normalize import (
    CONTENT_QUALIFIERS,
    DESCRIPTOR_QUALIFIERS,
    IGNORED_QUALIFIERS,
    Title,
    artist_set,
    normalize_artist,
    split_title,
)
from tagbridge.core.similarity import (
    ARTICLE_SIMILARITY,
    EDITION_FACTOR,
    NO_ARTIST_FACTOR,
    Verdict,
    compare_titles,
    similarity,
    strict_subset,
    without_article,
)

__all__ = ["AlbumMatch", "match_album", "title_matches_exactly", "artists_agree", "renamed_artist", "identity_contradiction",
           "compare_artists",
           "RENAMED_ARTIST_SCORE"]

_EDITION_FACTOR = EDITION_FACTOR
# A remaster alone keeps the track list and usually the cover, so it sits above a deluxe edition
# (the plain album's closest stand-in when the store has no plain title).
_REMASTER_FACTOR = 0.95
_TRACK_COUNT_FACTOR = 0.93  # track counts far apart: probably another edition
_YEAR_FACTOR = 0.97  # years more than one apart: reissues are common, so only a nudge
_TRACK_COUNT_BONUS = 0.02
# A track-count bonus is only added to scores already at or above the default minimum score,
# so it can reorder accepted candidates but never be the reason one is accepted.
_BONUS_FLOOR = 0.85
_ARTICLE_SIMILARITY = ARTICLE_SIMILARITY
_NO_ARTIST_FACTOR = NO_ARTIST_FACTOR
_HONORIFIC_SIMILARITY = 0.97  # "Lauryn Hill" and "Ms. Lauryn Hill"
_POSSESSIVE_SIMILARITY = 0.97  # "Greatest Hits" and "Simon & Garfunkel's Greatest Hits" by them
# A self-titled album the store names by its nickname ("Weezer (Blue Album)"), accepted only
# when the years agree; 0.95 ** 1.5 leaves room for a remaster factor above the minimum.
_NICKNAME_SIMILARITY = 0.95
# One credit a strict subset of the other ("Kanye West" for "JAY-Z & Kanye West"): a fixed
# score, over the minimum but under any exact match or close edition.
_CREDIT_SUBSET_SCORE = 0.88

_IGNORED_QUALIFIERS = IGNORED_QUALIFIERS | DESCRIPTOR_QUALIFIERS
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame"})
# Words of titles many artists share ("Greatest Hits", "Live", "Christmas"): with one credit a
# subset of the other, such a title alone does not say it is the same album.
_GENERIC_WORDS = frozenset(
    {
        "hits", "greatest", "best", "essential", "essentials", "collection", "anthology", "gold",
        "live", "christmas", "xmas", "holiday", "singles", "ballads", "duets", "classics",
        "favorites", "favourites", "legend", "legends", "ultimate", "definitive", "retrospective",
        "unplugged", "concert", "icon", "platinum", "smash", "hit", "top", "biggest", "finest", "golden",
        "number", "ones", "essential", "selected", "works",
    }
)
# Words that carry nothing on their own, so "The Very Best Of, Vol. 2" is still generic.
_FILLER_WORDS = frozenset(
    {"the", "a", "an", "of", "and", "very", "all", "time", "vol", "volume", "part", "pt", "no", "songs", "years", "in"}
)
_SHORT_TITLE = 4  # a one-word title of this many letters or fewer is generic too ("Gold", "Hits")
_VARIOUS = frozenset(
    {
        "various artists",
        "various artist",
        "various",
        "va",
        "v a",
        "varios artistas",
        "varios",
        "artistes divers",
        "verschiedene interpreten",
        "varios interpretes",
        "artisti vari",
        "diverse artiesten",
    }
)
# A content qualifier one side lacks is forgiven when that side's base already says it:
# "MTV Unplugged in New York" against "MTV Unplugged in New York (Live)".
_IMPLIED_BY = {
    "live": frozenset({"live", "unplugged", "concert", "alive"}),
    "acoustic": frozenset({"acoustic", "unplugged"}),
    "a cappella": frozenset({"cappella", "acapella"}),
    "remix": frozenset({"remix", "remixes", "remixed"}),
    "instrumental": frozenset({"instrumental", "instrumentals"}),
}
# How stores tell self-titled albums apart: "Weezer (Blue Album)", "Peter Gabriel 3: Melt".
# A bare number is not a nickname: "Led Zeppelin II" is another album than "Led Zeppelin".
_NICKNAME = re.compile(r"^(?:(?:the )?([^\W\d]+) album|(?:\d+|[ivx]+) ([^\W\d]+))$")
_NOT_NICKNAMES = frozenset(
    {w for q in CONTENT_QUALIFIERS for w in q.split()} | {"remixes", "demos", "instrumentals", "concert"}
)

#: The verdict shape shared with the other matcher (core/similarity.py).
AlbumMatch = Verdict


def _reject(reasons: list[str], why: str) -> AlbumMatch:
    return AlbumMatch(kind=None, score=0.0, reasons=(*reasons, why))










def _without_honorific(text: str) -> str:
    first, _, rest = text.partition(" ")
    # "Ms. Lauryn Hill" yes; "Dr. Dre" and "Mr. Big" are whole names and stay as they are.
    return rest if first in _HONORIFICS and len(rest.split()) >= 2 else text


def _is_generic(base: str) -> bool:
    """A title many artists share: every word generic or filler ("Greatest Hits", "The Best Of, Vol. 2").

    "Greatest Thing" is not: one distinctive word makes the title the album's own.
    """
    words = without_article(base).split()
    if len(words) == 1 and len(words[0]) <= _SHORT_TITLE:
        return True
    meaningful = [w for w in words if w not in _FILLER_WORDS and not w.isdigit()]
    return bool(meaningful) and all(w in _GENERIC_WORDS for w in meaningful)


def _is_various(normalized: str) -> bool:
    return normalized in _VARIOUS


def _compare_artists(
    credits: tuple[str, str], normalized: tuple[str, str], compilation: bool, subset_refusal: str | None,
    reasons: list[str],
) -> float | None:
    """Artist similarity 0..1 (1.0 means equal), or None to reject; appends its reasons.

    ``credits`` are the query's and the candidate's credits as given, ``normalized`` their
    ``normalize_artist`` forms. One credit may be a strict subset of the other ("Kanye West" and
    "JAY-Z & Kanye West") only when ``subset_refusal`` is None; otherwise it says why not.
    """
    query, candidate = credits
    q, c = normalized
    if not q or not c:
        reasons.append("no artist to compare")
        return _NO_ARTIST_FACTOR
    if _is_various(q):
        if _is_various(c) or compilation:
            reasons.append("various-artists compilation")
            return 1.0
        reasons.append(f"query is various artists, candidate by {candidate!r}")
        return None
    if _is_various(c):
        reasons.append(f"candidate is a various-artists compilation, query by {query!r}")
        return None
    if q == c:
        reasons.append("artist equal after normalization")
        return 1.0
    q_names, c_names = artist_set(query), artist_set(candidate)
    if q_names == c_names:
        reasons.append("same artists in another order")
        return 1.0
    if q_names < c_names or c_names < q_names:
        if subset_refusal is None:
            side = "candidate" if q_names < c_names else "query"
            added = ", ".join(repr(name) for name in sorted(q_names ^ c_names))
            reasons.append(f"artist credit adds {added} on the {side} side; accepted: the titles agree exactly")
            return _CREDIT_SUBSET_SCORE
        reasons.append(f"artist credit differs in who takes part: {query!r} vs {candidate!r} ({subset_refusal})")
        return None
    if without_article(q) == without_article(c):
        reasons.append("artist equal but for a leading article")
        return _ARTICLE_SIMILARITY
    if _without_honorific(q) == _without_honorific(c):
        reasons.append("artist equal but for an honorific (Ms., Dr., Sir ...)")
        return _HONORIFIC_SIMILARITY
    q_words, c_words = set(q.split()), set(c.split())
    if strict_subset(q_words, c_words) or strict_subset(c_words, q_words):
        reasons.append(f"one artist name contains the other: {query!r} vs {candidate!r}")
        return None
    score = similarity(q, c)
    reasons.append(f"artist similarity {score:.2f}")
    return score


def compare_artists(query: str, candidate: str, reasons: list[str], *, subset_refusal: str | None) -> float | None:
    """The artist comparison both matchers use (tracks: ``core/track_match.py``), from the credits as given."""
    return _compare_artists((query, candidate), (normalize_artist(query), normalize_artist(candidate)), False,
                            subset_refusal, reasons)


def _without_possessive(base: str, artist: str) -> str:
    """``base`` less a leading "<artist>'s " naming its own artist, when a title remains."""
    for prefix in (f"{artist}s ", f"{artist} s "):
        if artist and base.startswith(prefix) and base[len(prefix) :].strip():
            return base[len(prefix) :]
    return base


def _nickname(self_titled: str, artist: str, other: str, other_artist: str) -> str | None:
    """The nickname when ``self_titled`` is its artist's name and ``other`` that name plus one."""
    if not artist or self_titled != artist or not other.startswith(f"{other_artist} "):
        return None
    nickname = other[len(other_artist) + 1 :]
    match = _NICKNAME.match(nickname)
    if match is None or (match.group(1) or match.group(2)) in _NOT_NICKNAMES:
        return None
    return nickname


def _title_names_artist(
    query: Title, candidate: Title, credits: tuple[str, str], corroborated: bool, reasons: list[str]
) -> float | None:
    """Similarity when one title is the other plus its artist's name, else None; appends reasons.

    ``credits`` are the query's and the candidate's artist credits; ``corroborated`` says year
    and track count agree, which a self-titled nickname needs.
    """
    q_artist, c_artist = normalize_artist(credits[0]), normalize_artist(credits[1])
    if _without_possessive(query.base, q_artist) == _without_possessive(candidate.base, c_artist):
        reasons.append("title equal but for the artist's possessive in front")
        return _POSSESSIVE_SIMILARITY
    nickname = _nickname(query.base, q_artist, candidate.base, c_artist) or _nickname(
        candidate.base, c_artist, query.base, q_artist
    )
    if nickname is None:
        return None
    if corroborated:
        reasons.append(f"self-titled album the store names {nickname!r}; year and track count agree")
        return _NICKNAME_SIMILARITY
    reasons.append(f"self-titled album named {nickname!r} needs the same year and track count to tell it")
    return None


def _compare_bases(
    query: Title, candidate: Title, credits: tuple[str, str], corroborated: bool, reasons: list[str]
) -> float | None:
    """Base-title similarity 0..1 (1.0 means equal), or None to reject; appends its reasons."""
    # The longer title may only add its artist's name: "Simon & Garfunkel's Greatest Hits".
    return compare_titles(query.base, candidate.base, reasons,
                          on_subset=lambda: _title_names_artist(query, candidate, credits, corroborated, reasons))


def _subset_refusal(
    query: Title, candidate: Title, query_year: int | None, year: int | None, corroborated: bool
) -> str | None:
    """Why a credit subset can't be the same album here, or None when it can."""
    # Only with nothing else differing, and a title many artists share ("Greatest Hits") must
    # also have its year and track count agree: Diana Ross's Greatest Hits is not the Supremes'.
    if query.base != candidate.base or not _qualifiers_agree(query, candidate):
        return "titles not identical"
    if query_year is not None and year is not None and abs(query_year - year) > 1:
        return "years differ"
    if _is_generic(query.base) and not corroborated:
        return "a title many artists use needs the same year and track count"
    return None


def _content(title: Title, other: Title) -> frozenset[str]:
    """``title``'s content qualifiers, less those ``other``'s base already implies."""
    words = set(other.base.split())
    return frozenset(q for q in title.qualifiers & CONTENT_QUALIFIERS if not _implied(q, words))


def _implied(qualifier: str, words: set[str]) -> bool:
    synonyms = _IMPLIED_BY.get(qualifier)
    if synonyms is not None:
        return bool(words & synonyms)
    return set(qualifier.split()) <= words


def _release_type_fits(candidate_type: str, tracks: int | None) -> bool:
    # Apple's rules: a single has 1-3 tracks, an EP 4-6 (we allow 7 for bonus tracks).
    if tracks is None:
        return False
    return tracks <= (3 if candidate_type == "single" else 7)


def _editions(title: Title) -> frozenset[str]:
    return title.qualifiers - CONTENT_QUALIFIERS - _IGNORED_QUALIFIERS


def _qualifiers_agree(query: Title, candidate: Title) -> bool:
    return _editions(query) == _editions(candidate) and query.release_type == candidate.release_type


def _edition_factor(query: Title, candidate: Title, tracks: int | None, reasons: list[str]) -> float:
    factor = 1.0
    q_editions, c_editions = _editions(query), _editions(candidate)
    if q_editions != c_editions:
        differing = q_editions ^ c_editions
        if differing == {"remastered"}:
            reasons.append("edition differs: remastered (same recording, so closest to the plain album)")
            factor *= _REMASTER_FACTOR
        else:
            reasons.append(f"edition differs: {', '.join(sorted(differing))}")
            factor *= _EDITION_FACTOR
    if query.release_type != candidate.release_type:
        if query.release_type is None and candidate.release_type is not None and _release_type_fits(
            candidate.release_type, tracks
        ):
            reasons.append(f"{candidate.release_type} fits the query's {tracks} track(s)")
        else:
            kinds = f"{query.release_type or 'album'} vs {candidate.release_type or 'album'}"
            reasons.append(f"release type differs: {kinds}")
            factor *= _EDITION_FACTOR
    return factor


def _corroborated(query: AlbumQuery, track_count: int | None, year: int | None) -> bool:
    """The same year on both sides, and track counts not far apart where both are known."""
    if query.year is None or year is None or query.year != year:
        return False
    return query.tracks is None or track_count is None or not far_apart(query.tracks, track_count)


def _adjust_for_counts(
    score: float, query: AlbumQuery, candidate: tuple[int | None, int | None], *, one_disc: bool,
    other_edition: bool, reasons: list[str],
) -> float:
    track_count, year = candidate
    if query.tracks is not None and track_count is not None:
        if one_disc:
            # The query's count is one disc's; the store's is the whole set's. Only the query's
            # disc suffix counts: a store row for one disc ("In Rainbows (Disk 2)") should keep
            # the penalty that ranks it under the whole album.
            reasons.append(f"track count {track_count} vs {query.tracks}: not compared, the query names one disc")
        elif query.tracks == track_count:
            reasons.append(f"track count {track_count} matches")
            if score >= _BONUS_FLOOR:
                score = min(1.0, score + _TRACK_COUNT_BONUS)
        elif not far_apart(query.tracks, track_count):
            reasons.append(f"track count {track_count} vs {query.tracks}: close")
        elif other_edition:
            # The edition difference already cost its factor, and it is why the counts differ.
            reasons.append(f"track count {track_count} vs {query.tracks}: explained by the other edition")
        else:
            reasons.append(f"track count {track_count} vs {query.tracks}: probably another edition")
            score *= _TRACK_COUNT_FACTOR
    if query.year is not None and year is not None and abs(query.year - year) > 1:
        reasons.append(f"year {year} vs {query.year}")
        score *= _YEAR_FACTOR
    return score


def match_album(
    query: AlbumQuery,
    *,
    artist: str,
    title: str,
    track_count: int | None = None,
    year: int | None = None,
    compilation: bool = False,
) -> AlbumMatch:
    """Compare a candidate album (``artist``, ``title``, ...) with ``query``.

    Args:
        query: what the user asked for; its ``tracks`` and ``year`` are used when set.
        artist: the candidate's album artist credit.
        title: the candidate's album title as the source shows it ("X (Deluxe Edition) - Single").
        track_count: the candidate's number of tracks, when known.
        year: the candidate's release year, when known.
        compilation: the source marks the candidate as a various-artists compilation.

    Returns:
        kind EXACT or FUZZY with a 0..1 score, or kind None (score 0.0) when rejected; the
        reasons say why either way.
    """
    reasons: list[str] = []
    if not query.album.strip() or not title.strip():
        return _reject(reasons, "no title to compare")
    q_title, c_title = split_title(query.album), split_title(title)
    q_content, c_content = _content(q_title, c_title), _content(c_title, q_title)
    if q_content != c_content:
        only = ", ".join(sorted(q_content ^ c_content))
        return _reject(reasons, f"different recording: {only} on one side only")
    corroborated = _corroborated(query, track_count, year)
    title_similarity = _compare_bases(q_title, c_title, (query.artist, artist), corroborated, reasons)
    if title_similarity is None:
        return _reject(reasons, "title is a different album")
    refusal = _subset_refusal(q_title, c_title, query.year, year, corroborated)
    artists = (normalize_artist(query.artist), normalize_artist(artist))
    artist_similarity = _compare_artists((query.artist, artist), artists, compilation, refusal, reasons)
    if artist_similarity is None:
        return _reject(reasons, "artist is someone else")
    factor = _edition_factor(q_title, c_title, query.tracks, reasons)
    # The same album by the same artist, perhaps another edition of it: ranking then tells the
    # editions apart by track count, explicitness and year (core/editions.py).
    same_album = title_similarity == 1.0 and artist_similarity == 1.0
    if same_album and factor == 1.0:
        kind = MatchKind.EXACT
        score = 1.0
    else:
        kind = MatchKind.FUZZY
        score = title_similarity**1.5 * artist_similarity * factor
    other_edition = _editions(q_title) != _editions(c_title)
    adjusted = _adjust_for_counts(
        score, query, (track_count, year), one_disc=q_title.disc, other_edition=other_edition, reasons=reasons
    )
    if kind is MatchKind.EXACT and adjusted < score:
        # "Exact" means every known fact agrees; a track count or year that disagrees makes it a
        # near match, so an edition that agrees on everything can outrank it.
        kind = MatchKind.FUZZY
        reasons.append("not exact: track count or year disagrees")
    return AlbumMatch(kind=kind, score=adjusted, reasons=tuple(reasons), same_album=same_album)


def title_matches_exactly(a: str, b: str) -> bool:
    """True when two album titles have the same base, the same qualifiers and the same release type."""
    ta, tb = split_title(a), split_title(b)
    return (
        ta.base == tb.base
        and ta.qualifiers - _IGNORED_QUALIFIERS == tb.qualifiers - _IGNORED_QUALIFIERS
        and ta.release_type == tb.release_type
    )


def artists_agree(a: str, b: str) -> bool:
    """True when two credits name the same artist: equal once normalized (articles aside), sharing a
    name ("JAY-Z & Kanye West" and "Kanye West"), or near-equal ("Beyonce" and "Beyoncé")."""
    na, nb = normalize_artist(a), normalize_artist(b)
    if not na or not nb:
        return False
    if without_article(na) == without_article(nb) or artist_set(a) & artist_set(b):
        return True
    return similarity(na, nb) >= _ARTICLE_SIMILARITY


#: An album whose artist is credited another way: accepted, but below any text match of the artist.
RENAMED_ARTIST_SCORE = 0.88


def renamed_artist(query: AlbumQuery, candidate: tuple[str, str, int | None, int | None],
                   answer: list[tuple[str, str]]) -> AlbumMatch | None:
    """A FUZZY match for an album whose artist the store credits another way, or None.

    Artists get renamed and restyled ("Ke$ha" and "Kesha", "Dixie Chicks" and "The Chicks", a
    later stage name). When the title agrees exactly, the track count and the year agree
    exactly, and no other artist in the same answer (``answer``: every row's artist and title)
    has that title, the store's artist is taken to be the query's. Never on title alone.
    """
    artist, title, tracks, year = candidate
    if query.tracks is None or query.year is None or tracks != query.tracks or year != query.year:
        return None
    if not title_matches_exactly(query.album, title) or split_title(title).disc:
        return None
    credited = {normalize_artist(a) for a, t in answer if title_matches_exactly(query.album, t)}
    if credited != {normalize_artist(artist)}:
        return None
    why = (f"artist credited {artist!r} here and {query.artist!r} in the query: title, track count ({tracks}) and "
           f"year ({year}) agree exactly and no other artist in the answer has this title (a renamed or "
           "restyled artist)")
    return AlbumMatch(kind=MatchKind.FUZZY, score=RENAMED_ARTIST_SCORE, reasons=(why,))


def identity_contradiction(query: AlbumQuery, track_count: int | None, year: int | None) -> str | None:
    """What known fact says an identifier's album is not the query's, or None: a track count far
    apart, or years more than one apart (a reissue keeps its year within one on the stores)."""
    if query.tracks is not None and track_count is not None and far_apart(query.tracks, track_count):
        return f"track count {track_count} vs {query.tracks}"
    if query.year is not None and year is not None and abs(query.year - year) > 1:
        return f"year {year} vs {query.year}"
    return None
