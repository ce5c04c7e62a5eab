"""Text normalization for matching: the same steps for the query and for every result.

What belongs here: turning an artist credit or an album title into comparable text
(``normalize_text``, ``normalize_artist``, ``artist_set``) and splitting a store title into its
base and the qualifiers stores append (``split_title``). What doesn't: scoring or deciding
whether two albums match (core/match.py, core/fuzz.py).

Every step is symmetric: a query and a result that differ only in case, width, accents on Latin,
Greek or Cyrillic letters, apostrophe style, "&" versus "and" or punctuation normalize equal.
Nothing is dropped that could tell two different albums apart: CJK and kana stay intact (が is
not か), parenthesised text that is not a known qualifier stays in the title (a soundtrack
descriptor is stripped only when it fills its whole bracket or suffix, so "(Music from the
Motion Picture, Vol. 2)" keeps its volume), and a title made only of punctuation ("!!!") keeps
its punctuation rather than normalizing to "".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CONTENT_QUALIFIERS",
    "DESCRIPTOR_QUALIFIERS",
    "IGNORED_QUALIFIERS",
    "EDITION_QUALIFIERS",
    "Title",
    "artist_set",
    "normalize_artist",
    "normalize_text",
    "split_title",
]

# Typographic quotes, primes and backticks to their ASCII forms, so "Don’t" and "Don't" meet.
_QUOTES = str.maketrans(
    {
        "\u2019": "'",  # ’ right single quotation mark (Apple's usual apostrophe)
        "\u2018": "'",  # ‘
        "\u02bc": "'",  # ʼ modifier letter apostrophe
        "\u2032": "'",  # ′ prime
        "`": "'",
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
    }
)
_INNER_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_AMPERSAND = re.compile(r"(?<=\w)\s*[&+]\s*(?=\w)")

# Latin letters NFD does not decompose, written without their stroke by many catalogues
# ("Mø", "Łona"). Applied after casefold, so lower case suffices.
_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe"})

_STRIPPED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
# Й/й is И with a breve in Unicode, but Russian, Ukrainian and Belarusian treat it as its own
# letter and nobody writes "мои" for "мой"; stores never drop it. Ё, by contrast, is routinely
# written Е, so its diaeresis goes like any other.
_KEPT_MARKS = {("\u0438", "\u0306"), ("\u0418", "\u0306")}


@functools.lru_cache(maxsize=4096)
def _script_strips_marks(base: str) -> bool:
    return unicodedata.name(base, "").startswith(_STRIPPED_SCRIPTS)


def _strip_marks(text: str) -> str:
    """Drop combining marks sitting on Latin, Greek or Cyrillic letters; keep all others (が, パ)."""
    out: list[str] = []
    base = ""
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if base and _script_strips_marks(base) and (base, ch) not in _KEPT_MARKS:
                continue
        else:
            base = ch
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@functools.lru_cache(maxsize=65536)
def _blank_char(ch: str) -> str:
    """One character as :func:`_blank_punctuation` leaves it: itself, a space, or nothing."""
    category = unicodedata.category(ch)
    if category == "Cf":
        # Soft hyphens and zero-width joiners are invisible; some sources keep them, some don't.
        return ""
    return " " if category[0] in "PS" or category == "Cc" else ch


# Names are mostly ASCII: one translate call does what the per-character path does.
_ASCII_BLANKS = {code: _blank_char(chr(code)) for code in range(128) if _blank_char(chr(code)) != chr(code)}


def _blank_punctuation(text: str) -> str:
    if text.isascii():
        return text.translate(_ASCII_BLANKS)
    return "".join(map(_blank_char, text))


def normalize_text(s: str) -> str:
    """Comparable form of any name or title: NFKC, casefold, ASCII quotes, no Latin accents, no punctuation."""
    folded = unicodedata.normalize("NFKC", s).casefold()
    text = _INNER_APOSTROPHE.sub("", folded.translate(_QUOTES))
    text = _AMPERSAND.sub(" and ", text)
    if not text.isascii():
        text = _strip_marks(text).translate(_LETTERS)
    result = " ".join(_blank_punctuation(text).split())
    # A title of punctuation only ("!!!", "?") must stay distinguishable from other such titles.
    return result or " ".join(folded.split())


# ---------------------------------------------------------------------------------------------
# Title qualifiers

#: The qualifier a remix credited to someone adds beside "remix" ("(Kaytranada's Remix)").
CREDITED_REMIX = "credited remix"

#: Qualifiers that mean different audio (and so usually different art) from the plain title.
CONTENT_QUALIFIERS: frozenset[str] = frozenset(
    {
        CREDITED_REMIX,
        "live",
        "acoustic",
        "unplugged",
        "instrumental",
        "karaoke",
        "remix",
        "demo",
        "drumless",
        "a cappella",
        "commentary",
        "lullaby",
        "tribute",
        "orchestral",
        "sped up",
        "slowed",
        # A film's score is other music than its soundtrack album ("Guardians of the Galaxy
        # (Original Score)" is Tyler Bates' orchestral cues, not the Awesome Mix).
        "score",
    }
)

#: Qualifiers naming another edition of the same recording; they only break ties between editions.
EDITION_QUALIFIERS: frozenset[str] = frozenset(
    {
        "deluxe",
        "expanded",
        "special",
        "anniversary",
        "collector",
        "legacy",
        "bonus",
        "remastered",
        "reissue",
        "limited",
        "platinum",
        "mono",
        "stereo",
        "explicit",
        "clean",
        "standard",
        "extended",
        "edit",  # "(Radio Edit)", "(Single Version)", "(Edit)": a shortened cut of the same song
    }
)

#: Qualifiers that never tell two editions' covers apart for matching: the advisory twins
#: (explicit, clean; which one the user has is core/editions.py's business) and "standard".
IGNORED_QUALIFIERS: frozenset[str] = frozenset({"explicit", "clean", "standard"})

#: Qualifiers that describe what the album is without telling it apart from the plain title:
#: "Pulp Fiction (Music from the Motion Picture)" is the album a tag calls "Pulp Fiction".
DESCRIPTOR_QUALIFIERS: frozenset[str] = frozenset({"soundtrack"})

# Keyword pattern -> canonical token. Longer alternatives first where one contains another.
_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"super\s+deluxe|deluxe", "deluxe"),
    (r"expanded", "expanded"),
    (r"special", "special"),
    (r"anniversary", "anniversary"),
    (r"collector'?s", "collector"),
    (r"legacy", "legacy"),
    (r"bonus", "bonus"),
    (r"remaster(?:ed|ing)?", "remastered"),
    (r"reissue[d]?", "reissue"),
    (r"limited", "limited"),
    (r"platinum", "platinum"),
    (r"mono", "mono"),
    (r"stereo", "stereo"),
    (r"explicit", "explicit"),
    (r"clean(?:\s+version)?|edited(?:\s+version)?|censored", "clean"),
    (r"extended(?:\s+edition)?", "extended"),
    (r"standard", "standard"),
    (r"radio\s+edit|single\s+version|edit", "edit"),
    (r"live", "live"),
    (r"acoustic", "acoustic"),
    (r"unplugged", "unplugged"),
    (r"instrumentals?", "instrumental"),
    (r"karaoke", "karaoke"),
    (r"remix(?:es|ed)?", "remix"),
    (r"demos?", "demo"),
    (r"drumless", "drumless"),
    (r"a\s*cappella|acapella", "a cappella"),
    (r"commentary", "commentary"),
    (r"lullab(?:y|ies)", "lullaby"),
    (r"tribute", "tribute"),
    (r"orchestral", "orchestral"),
    (r"sped\s+up", "sped up"),
    (r"slowed", "slowed"),
    (r"score", "score"),
)
_TOKEN_OF = [(re.compile(rf"^(?:{pattern})$", re.IGNORECASE), token) for pattern, token in _KEYWORDS]
_ANY_KEYWORD = "|".join(pattern for pattern, _ in _KEYWORDS)
# \b on both sides: "Single Ladies", "EPs" and "Lively" contain no keyword.
_KEYWORD_WORD = re.compile(rf"\b(?:{_ANY_KEYWORD})\b", re.IGNORECASE)
# A " - " suffix is stripped only when it *starts* with a keyword (after years, ordinals or
# "the"): "Abbey Road - Remastered 2009" yes, "40 Seasons - The Best of Skid Row" no.
_KEYWORD_LEAD = re.compile(
    rf"^(?:(?:\d{{4}}|\d+(?:st|nd|rd|th)|the)\s+)*(?:{_ANY_KEYWORD})\b", re.IGNORECASE
)

_NUMBER_WORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|[ivx]+)"
_DISC = re.compile(rf"^(?:disc|disk|cd)\s*{_NUMBER_WORD}(?:\s*(?:of|/)\s*\d+)?$", re.IGNORECASE)
_BARE_DISC = re.compile(rf"\s+(?:disc|disk|cd)\s*{_NUMBER_WORD}$", re.IGNORECASE)
_FEAT = re.compile(r"^(?:feat\.?|ft\.?|featuring|with)\s+\S", re.IGNORECASE)
_RELEASE_TYPE = re.compile(r"^(single|ep)$", re.IGNORECASE)
# "The Love Club EP" is the store's "The Love Club - EP"; "EPs" and "Step" end in no such word.
_BARE_EP = re.compile(r"(?<=\S)\s+EP$", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:the|a|an)$", re.IGNORECASE)
# A soundtrack or cast-recording descriptor, matched against a whole bracket group or suffix so
# that "(Music from the Motion Picture, Vol. 2)" keeps its volume in the title.
_SOUNDTRACK = re.compile(
    r"^(?:"
    r"(?:the\s+)?(?:original\s+)?(?:(?:motion\s+picture|film|movie|television|tv|series|(?:video\s+)?game)\s+)?"
    r"soundtrack(?:\s+(?:album|recording))?"
    r"|ost"
    r"|(?:original\s+)?music\s+from\s+(?:and\s+inspired\s+by\s+)?the\s+(?:original\s+)?"
    r"(?:motion\s+picture|film|movie|(?:television\s+)?series)(?:\s+soundtrack)?"
    r"|original\s+(?:(?:broadway|london|off[\s-]broadway|west\s+end|motion\s+picture|studio)\s+)?"
    r"cast(?:\s+(?:recording|album|soundtrack))?"
    r")$",
    re.IGNORECASE,
)

_TRAILING_GROUP = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]$")
_TRAILING_DASH = re.compile(r"\s+[-\u2013\u2014]\s+([^-\u2013\u2014]+)$")
# Only a soundtrack descriptor is stripped after a colon ("Magnolia: Music from the Motion
# Picture"); other colon subtitles are part of the title ("Blur: The Best Of").
_TRAILING_COLON = re.compile(r"\s*:\s+([^:]+)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Title:
    """An album title split into its normalized base and the qualifiers a store appended."""

    base: str  # normalize_text of what is left after stripping
    qualifiers: frozenset[str]  # canonical tokens, e.g. {"deluxe", "remastered"}; years dropped
    release_type: str | None  # "single" or "ep" when a store suffix said so
    disc: bool = False  # a disc suffix was stripped: the title names one disc of a set


#: Words a remix qualifier may carry without naming whose remix it is.
_PLAIN_REMIX_WORDS = frozenset({"the", "remix", "remixes", "remixed", "mix", "mixes", "version", "versions",
                                "edition", "album", "edit", "deluxe", "extended", "club", "dance", "official"})


def _qualifier_tokens(text: str) -> set[str]:
    found: set[str] = set()
    for word in _KEYWORD_WORD.findall(text):
        for pattern, token in _TOKEN_OF:
            if pattern.match(word):
                found.add(token)
                break
    if "remix" in found and set(normalize_text(text).split()) - _PLAIN_REMIX_WORDS:
        # "(Kaytranada's Remix)" is somebody's remix: other audio than a bare "(Remix)".
        found.add(CREDITED_REMIX)
    return found


_Stripped = tuple[str, set[str], str | None, bool]


def _strip_one(title: str) -> _Stripped | None:
    """Strip one trailing qualifier: (rest, tokens, release type, disc), or None when there is none."""
    group = _TRAILING_GROUP.search(title)
    if group:
        inner = group.group(1).strip()
        rest = title[: group.start()]
        if _RELEASE_TYPE.match(inner):
            return rest, set(), inner.casefold(), False
        if _DISC.match(inner):
            return rest, set(), None, True
        if _FEAT.match(inner):
            return rest, set(), None, False
        if _SOUNDTRACK.match(inner):
            return rest, {"soundtrack"}, None, False
        tokens = _qualifier_tokens(inner)
        if tokens:
            return rest, tokens, None, False
        return None  # "(What's the Story) Morning Glory?"-style text belongs to the title
    dash = _TRAILING_DASH.search(title)
    if dash:
        tail = dash.group(1).strip()
        rest = title[: dash.start()]
        if _RELEASE_TYPE.match(tail):
            return rest, set(), tail.casefold(), False
        if _DISC.match(tail):
            return rest, set(), None, True
        if _SOUNDTRACK.match(tail):
            return rest, {"soundtrack"}, None, False
        if _KEYWORD_LEAD.match(tail):
            return rest, _qualifier_tokens(tail), None, False
        return None
    colon = _TRAILING_COLON.search(title) if ":" in title else None
    if colon and _SOUNDTRACK.match(colon.group(1).strip()):
        return title[: colon.start()], {"soundtrack"}, None, False
    disc = _BARE_DISC.search(title)
    if disc:
        return title[: disc.start()], set(), None, True
    ep = _BARE_EP.search(title) if title[-2:].casefold() == "ep" else None
    if ep and not all(_ARTICLE.match(word) for word in title[: ep.start()].split()):
        return title[: ep.start()], set(), "ep", False
    return None


def split_title(title: str) -> Title:
    """Split ``title`` into base and qualifiers, stripping store, disc, feat. and edition suffixes from its end."""
    text = " ".join(unicodedata.normalize("NFKC", title).translate(_QUOTES).split())
    qualifiers: set[str] = set()
    release_type: str | None = None
    disc = False
    while True:
        stripped = _strip_one(text)
        if stripped is None:
            break
        rest, tokens, kind, is_disc = stripped
        rest = rest.rstrip()
        if not rest.strip(" -:\u2013\u2014"):
            break  # "Deluxe", "(Live)": the whole title, not a qualifier
        text = rest
        qualifiers |= tokens
        release_type = release_type or kind
        disc = disc or is_disc
    return Title(base=normalize_text(text), qualifiers=frozenset(qualifiers), release_type=release_type, disc=disc)


# ---------------------------------------------------------------------------------------------
# Artists

_FEAT_GROUP = re.compile(r"\s*[(\[]\s*(?:feat\.?|ft\.?|featuring)\s+([^)\]]*)[)\]]", re.IGNORECASE)
_FEAT_TAIL = re.compile(r"\s+(?:feat\.?|ft\.?|featuring)\s+.*$", re.IGNORECASE)
_CREDIT_SEPARATOR = re.compile(
    r"\s*[,;]\s*|\s+(?:&|and|x|\u00d7|/|with|feat\.?|ft\.?|featuring)\s+", re.IGNORECASE
)


def normalize_artist(s: str) -> str:
    """``normalize_text`` of an artist credit without its featured artists ("feat. X", "(ft. X)")."""
    text = _FEAT_GROUP.sub("", unicodedata.normalize("NFKC", s))
    text = _FEAT_TAIL.sub("", text)
    return normalize_text(text)


def artist_set(s: str) -> frozenset[str]:
    """The normalized names in a credit: "Kanye West, Kid Cudi & Raekwon" gives three.

    Only for comparing two credits, both split the same way: "Simon & Garfunkel" becomes two
    names on either side, so it still equals itself.
    """
    text = _FEAT_GROUP.sub(r" feat. \1", unicodedata.normalize("NFKC", s))
    names = (normalize_text(part) for part in _CREDIT_SEPARATOR.split(text))
    return frozenset(name for name in names if name)
