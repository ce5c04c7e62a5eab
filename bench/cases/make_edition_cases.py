"""Write ``itunes_editions.jsonl``: labelled cases for the edition-exact matcher (issue 10).

What belongs here: turning lists of albums people really own (artist, title, track count, year,
as the stores list them) into cases in the shape of real iTunes answers: the field set and order
of ``/search?entity=album`` and ``/lookup?upc=`` rows, Apple's three ``collectionExplicitness``
values, and the artwork file-name patterns Apple's CDN uses (the barcode, the barcode with
``.rgb``, a UUID, ``cover``, a catalogue number). Collection ids, artist ids and barcodes are
made up (stable per album), so a case can never be mistaken for a recording.

Every kind has decoys: the clean twin when the user has the clean one, the deluxe edition the
user really has, a same-titled album by another artist, a barcode the store reused.

Run ``python bench/cases/make_edition_cases.py``; the output is deterministic (fixed seed) and
committed, so the split into tuning and held-out parts (by a hash of the case id, see
``bench/match_accuracy.py``) never moves.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "itunes_editions.jsonl"
_rng = random.Random(20261202)


def _h(*parts: object) -> int:
    return int(hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def _barcode(*parts: object) -> str:
    body = str(_h("upc", *parts) % 10**11).zfill(11)
    digits = [int(c) for c in body]
    check = (10 - (sum(digits[0::2]) * 3 + sum(digits[1::2])) % 10) % 10
    return body + str(check)


def _art(stem: str, *parts: object) -> str:
    n = _h("host", *parts) % 5 + 1
    music = 100 + _h("music", *parts) % 130
    u = str(uuid.UUID(int=_h("uuid", *parts) << 80 | _h("uuid2", *parts)))
    return (f"https://is{n}-ssl.mzstatic.com/image/thumb/Music{music}/v4/{u[:2]}/{u[2:4]}/{u[4:6]}/{u}/"
            f"{stem}/100x100bb.jpg")


def row(artist: str, title: str, tracks: int, year: int, *, explicitness: str = "notExplicit",
        stem: str | None = None, key: object = None, country: str = "USA", genre: str = "Pop",
        censored: str | None = None, collection_type: str = "Album") -> dict[str, Any]:
    """One iTunes collection row, fields in the order Apple sends them."""
    key = key if key is not None else (artist, title, tracks, year, explicitness)
    cid = 100_000_000 + _h("cid", key) % 1_800_000_000
    aid = 100_000 + _h("aid", artist) % 1_600_000_000
    art_stem = stem or _rng.choice([f"{_barcode(key)}.jpg", f"{_barcode(key)}.rgb.jpg", f"{uuid.UUID(int=_h('s', key) << 64)}.jpg",
                                    "cover.jpg", f"{artist[:3].upper()}{_h('cat', key) % 100000:05d}.jpg"])
    out: dict[str, Any] = {
        "wrapperType": "collection", "collectionType": collection_type, "artistId": aid, "collectionId": cid,
        "amgArtistId": _h("amg", artist) % 3_000_000, "artistName": artist, "collectionName": title,
        "collectionCensoredName": censored or title,
        "artistViewUrl": f"https://music.apple.com/us/artist/{aid}?uo=4",
        "collectionViewUrl": f"https://music.apple.com/us/album/{cid}?uo=4",
        "artworkUrl60": _art(art_stem, key).replace("100x100bb", "60x60bb"),
        "artworkUrl100": _art(art_stem, key),
        "collectionPrice": 9.99 if tracks > 6 else 5.99, "collectionExplicitness": explicitness,
        "trackCount": tracks, "copyright": f"℗ {year} {artist}", "country": country, "currency": "USD",
        "releaseDate": f"{year}-{1 + _h('m', key) % 12:02d}-{1 + _h('d', key) % 28:02d}T07:00:00Z",
        "primaryGenreName": genre,
    }
    if explicitness == "explicit":
        out["contentAdvisoryRating"] = "Explicit"
    elif explicitness == "cleaned":
        out["contentAdvisoryRating"] = "Clean"
    return out


def case(kind: str, name: str, query: dict[str, Any], results: list[dict[str, Any]], expect: dict[str, Any] | None,
         trap: str, *, lookup: list[dict[str, Any]] | None = None,
         by_country: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    out: dict[str, Any] = {"id": f"{kind}-{slug}", "query": query, "results": results,
                           "expect": expect["collectionId"] if expect else None, "trap": trap}
    if lookup is not None:
        out["lookup"] = lookup
    if by_country is not None:
        out["search_by_country"] = by_country
    return out


def _other(artist: str) -> dict[str, Any]:
    """A same-store neighbour: another album by the same artist (iTunes answers carry them)."""
    return row(artist, _rng.choice(["Live at Wembley", "Greatest Hits", "B-Sides & Rarities", "Unplugged"]),
               _rng.randint(8, 20), _rng.randint(1995, 2022))


# --- 1. explicit and clean twins --------------------------------------------------------------

EXPLICIT = [
    ("Kendrick Lamar", "good kid, m.A.A.d city", 12, 2012), ("Kendrick Lamar", "DAMN.", 14, 2017),
    ("Kendrick Lamar", "To Pimp a Butterfly", 16, 2015), ("Kendrick Lamar", "Mr. Morale & The Big Steppers", 18, 2022),
    ("Eminem", "The Marshall Mathers LP", 18, 2000), ("Eminem", "The Eminem Show", 20, 2002),
    ("Eminem", "Recovery", 17, 2010), ("Eminem", "Kamikaze", 13, 2018),
    ("Kanye West", "My Beautiful Dark Twisted Fantasy", 13, 2010), ("Kanye West", "Graduation", 13, 2007),
    ("Kanye West", "Yeezus", 10, 2013), ("Kanye West", "The Life of Pablo", 20, 2016),
    ("Drake", "Take Care", 18, 2011), ("Drake", "Views", 20, 2016), ("Drake", "Nothing Was the Same", 13, 2013),
    ("Travis Scott", "ASTROWORLD", 17, 2018), ("Travis Scott", "Rodeo", 14, 2015),
    ("Post Malone", "beerbongs & bentleys", 18, 2018), ("Post Malone", "Hollywood's Bleeding", 17, 2019),
    ("Cardi B", "Invasion of Privacy", 13, 2018), ("J. Cole", "2014 Forest Hills Drive", 13, 2014),
    ("J. Cole", "KOD", 12, 2018), ("Nicki Minaj", "The Pinkprint", 16, 2014), ("Nicki Minaj", "Queen", 19, 2018),
    ("Lil Wayne", "Tha Carter III", 16, 2008), ("50 Cent", "Get Rich or Die Tryin'", 19, 2003),
    ("Dr. Dre", "2001", 22, 1999), ("JAY-Z", "The Blueprint", 15, 2001), ("JAY-Z", "The Black Album", 14, 2003),
    ("Tyler, The Creator", "IGOR", 12, 2019), ("Tyler, The Creator", "Flower Boy", 14, 2017),
    ("Billie Eilish", "WHEN WE ALL FALL ASLEEP, WHERE DO WE GO?", 14, 2019), ("Lizzo", "Cuz I Love You", 11, 2019),
    ("The Weeknd", "After Hours", 14, 2020), ("The Weeknd", "Starboy", 18, 2016), ("Rihanna", "ANTI", 13, 2016),
    ("Childish Gambino", "Because the Internet", 19, 2013), ("Run The Jewels", "Run the Jewels 2", 11, 2014),
    ("Megan Thee Stallion", "Good News", 17, 2020), ("Doja Cat", "Planet Her", 14, 2021),
    ("Olivia Rodrigo", "SOUR", 11, 2021), ("Lil Nas X", "MONTERO", 15, 2021), ("Future", "DS2", 13, 2015),
    ("21 Savage", "i am > i was", 15, 2018), ("Mac Miller", "Swimming", 13, 2018),
    ("A$AP Rocky", "LONG.LIVE.A$AP", 12, 2013), ("Logic", "Everybody", 13, 2017),
    ("Kid Cudi", "Man On the Moon: The End of Day", 15, 2009),
]
_CLEAN_MARKERS = ["{t} (Clean)", "{t} (Clean Version)", "{t} [Edited]", "{t} (clean)"]


def explicit_cases() -> list[dict[str, Any]]:
    out = []
    for n, (artist, title, tracks, year) in enumerate(EXPLICIT):
        explicit = row(artist, title, tracks, year, explicitness="explicit")
        cleaned = row(artist, title, tracks, year, explicitness="cleaned",
                      censored=title.replace("a", "*", 1) if n % 3 == 0 else None)
        other = _other(artist)
        # Apple lists the cleaned twin first about as often as not.
        results = [cleaned, explicit, other] if n % 2 == 0 else [explicit, other, cleaned]
        query = {"artist": artist, "album": title, "tracks": tracks, "year": year}
        out.append(case("explicit", f"{artist} {title}", query, results, explicit,
                        "explicit and cleaned twins, same title, count and date: the user has the original"))
        marked = _CLEAN_MARKERS[n % len(_CLEAN_MARKERS)].format(t=title)
        out.append(case("explicit", f"{artist} {title} clean", {**query, "album": marked}, list(reversed(results)),
                        cleaned, "the query's title says clean: the cleaned twin, not the explicit one"))
    return out


# --- 2. editions that differ in track count ---------------------------------------------------

EDITIONS = [
    ("Taylor Swift", "1989", 13, 16, 2014), ("Lady Gaga", "Born This Way", 14, 17, 2011),
    ("Ed Sheeran", "÷", 12, 16, 2017), ("Ed Sheeran", "x", 12, 16, 2014), ("Coldplay", "Ghost Stories", 9, 12, 2014),
    ("Dua Lipa", "Future Nostalgia", 11, 13, 2020), ("Sam Smith", "In the Lonely Hour", 10, 14, 2014),
    ("Imagine Dragons", "Night Visions", 11, 13, 2012), ("Adele", "25", 11, 14, 2015),
    ("Beyoncé", "BEYONCÉ", 14, 20, 2013), ("Lorde", "Pure Heroine", 10, 13, 2013),
    ("Halsey", "Badlands", 11, 16, 2015), ("Shawn Mendes", "Illuminate", 12, 15, 2016),
    ("Ariana Grande", "Dangerous Woman", 11, 15, 2016), ("Katy Perry", "PRISM", 13, 16, 2013),
    ("Bruno Mars", "Doo-Wops & Hooligans", 10, 12, 2010), ("Rihanna", "Loud", 11, 13, 2010),
    ("Florence + The Machine", "Ceremonials", 12, 20, 2011), ("Arctic Monkeys", "Tranquility Base Hotel & Casino", 11, 13, 2018),
    ("The Killers", "Day & Age", 10, 13, 2008), ("Muse", "Drones", 12, 14, 2015), ("Kings of Leon", "Only by the Night", 11, 13, 2008),
    ("Radiohead", "OK Computer", 12, 23, 1997), ("The Beatles", "Abbey Road", 17, 40, 1969),
    ("Fleetwood Mac", "Rumours", 11, 37, 1977), ("David Bowie", "Hunky Dory", 11, 22, 1971),
    ("Nirvana", "Nevermind", 13, 40, 1991), ("U2", "The Joshua Tree", 11, 49, 1987),
]


def edition_cases() -> list[dict[str, Any]]:
    out = []
    for n, (artist, title, standard, deluxe, year) in enumerate(EDITIONS):
        suffix = ["(Deluxe Edition)", "(Deluxe)", "(Super Deluxe Edition)", "(Expanded Edition)", "(Extended)"][n % 5]
        plain = row(artist, title, standard, year)
        big = row(artist, f"{title} {suffix}", deluxe, year if n % 3 else year + 1)
        other = _other(artist)
        results = [plain, big, other] if n % 2 else [big, plain, other]
        query = {"artist": artist, "album": title, "year": year}
        out.append(case("tracks", f"{artist} {title} has {deluxe}", {**query, "tracks": deluxe}, results, big,
                        f"the user has the {deluxe}-track edition; the title-exact row has {standard}"))
        out.append(case("tracks", f"{artist} {title} has {standard}", {**query, "tracks": standard}, results, plain,
                        f"the user has the {standard}-track album; the {deluxe}-track edition is another one"))
    # Self-titled albums with the same track count: the year decides; a later deluxe is another edition.
    for artist, years, tracks in [("Weezer", (1994, 2001, 2008, 2016, 2019), 10), ("Metallica", (1991,), 12),
                                  ("Paramore", (2013,), 17), ("Blur", (1997,), 14), ("Peter Gabriel", (1977, 1978, 1980), 9),
                                  ("Fleetwood Mac", (1968, 1975), 11), ("Bad Company", (1974,), 8),
                                  ("Led Zeppelin", (1969,), 9), ("The Velvet Underground", (1969,), 10)]:
        rows = [row(artist, artist, tracks, y, key=(artist, y)) for y in years]
        later = row(artist, f"{artist} (Deluxe Edition)", tracks + 9, years[-1] + 20)
        for y, r in zip(years, rows):
            results = [later, *rows]
            out.append(case("tracks", f"{artist} self-titled {y}", {"artist": artist, "album": artist, "tracks": tracks,
                                                                    "year": y}, results, r,
                            "several self-titled albums with one track count: the year decides; the later "
                            "deluxe is another edition"))
    return out


# --- 3. identifiers: the barcode ---------------------------------------------------------------

UPC_ALBUMS = [
    ("Sigur Rós", "Ágætis byrjun", "Agaetis Byrjun", 10, 1999), ("Björk", "Homogenic", "Homogenic", 10, 1997),
    ("Daft Punk", "Random Access Memories", "Random Access Memories", 13, 2013),
    ("Pink Floyd", "The Dark Side of the Moon", "Dark Side of the Moon", 10, 1973),
    ("Wu-Tang Clan", "Enter the Wu-Tang (36 Chambers)", "Enter the Wu-Tang", 12, 1993),
    ("Neutral Milk Hotel", "In the Aeroplane Over the Sea", "In the Aeroplane over the Sea", 11, 1998),
    ("Rammstein", "Mutter", "Mutter", 11, 2001), ("Stromae", "Racine carrée", "Racine Carree", 13, 2013),
    ("Rosalía", "El mal querer", "El Mal Querer", 11, 2018), ("Christine and the Queens", "Chaleur humaine", "Chaleur Humaine", 11, 2014),
    ("Buena Vista Social Club", "Buena Vista Social Club", "Buena Vista Social Club", 14, 1997),
    ("Johann Sebastian Bach; Glenn Gould", "The Goldberg Variations, BWV 988 (1981 recording)", "Bach: Goldberg Variations, BWV 988", 32, 1982),
    ("Miles Davis", "Kind of Blue", "Kind of Blue (Legacy Edition)", 5, 1959),
    ("The Notorious B.I.G.", "Ready to Die", "Ready To Die (The Remaster)", 17, 1994),
    ("OutKast", "Speakerboxxx / The Love Below", "Speakerboxxx/The Love Below", 39, 2003),
    ("Massive Attack", "Mezzanine", "Mezzanine", 11, 1998), ("Portishead", "Dummy", "Dummy", 11, 1994),
    ("Aphex Twin", "Selected Ambient Works 85–92", "Selected Ambient Works 85-92", 13, 1992),
    ("Boards of Canada", "Music Has the Right to Children", "Music Has the Right to Children", 18, 1998),
    ("Kraftwerk", "Trans-Europa Express", "Trans-Europe Express", 7, 1977),
    ("Caetano Veloso", "Transa", "Transa", 7, 1972), ("Fela Kuti", "Expensive Shit", "Expensive Shit", 2, 1975),
    ("Yann Tiersen", "Le Fabuleux Destin d'Amélie Poulain (Bande originale du film)", "Amélie (Original Soundtrack)", 20, 2001),
    ("Nusrat Fateh Ali Khan", "Mustt Mustt", "Mustt Mustt", 8, 1990),
    ("Tinariwen", "Amassakoul", "Amassakoul", 11, 2004), ("Ennio Morricone", "Il buono, il brutto, il cattivo", "The Good, the Bad and the Ugly (Original Motion Picture Soundtrack)", 11, 1966),
]


def upc_cases() -> list[dict[str, Any]]:
    out = []
    for n, (artist, mb_title, store_title, tracks, year) in enumerate(UPC_ALBUMS):
        upc = _barcode("upc-case", artist, mb_title)
        query = {"artist": artist, "album": mb_title, "tracks": tracks, "year": year, "barcode": upc}
        # (a) one collection for the barcode, its title written differently: an identity.
        single = row(artist, store_title, tracks, year, stem="source.jpg", key=("a", n))
        decoy = row(f"{artist.split()[0]} Tribute Band", mb_title, tracks, year + 15, key=("decoy", n))
        out.append(case("upc", f"{artist} {mb_title} single lookup", query, [decoy], single,
                        "lookup?upc= answers one collection whose title is written differently; track count agrees",
                        lookup=[single]))
        # (b) clean and explicit twins for one barcode: the artwork file name (the barcode) decides.
        form = [upc, "0" + upc, f"{upc}.rgb"][n % 3]
        right = row(artist, store_title, tracks, year, stem=f"{form}.jpg", key=("b", n), explicitness="explicit")
        twin = row(artist, store_title, tracks, year, stem=f"{_barcode('twin', n)}.jpg", key=("b2", n),
                   explicitness="cleaned")
        out.append(case("upc", f"{artist} {mb_title} twins by file name", query, [], right,
                        "lookup?upc= answers two twins; the one whose artwork file name is the barcode is the album",
                        lookup=[twin, right] if n % 2 else [right, twin]))
        # (c) the CD barcode is not the digital UPC: empty lookup; a search row's file name is the barcode.
        width = [12, 13, 14][n % 3]
        stem = upc.zfill(width)
        named = row(artist, store_title + (" (Remastered)" if n % 4 == 0 else ""), tracks, year + (n % 2) * 10,
                    stem=f"{stem}.jpg", key=("c", n))
        other = row(artist, f"{store_title} (Live)", tracks + 3, year + 5, key=("c2", n))
        out.append(case("upc", f"{artist} {mb_title} search row named by barcode",
                        query, [other, named] if n % 2 else [named, other], named,
                        f"empty lookup; a search row's artwork file name is the barcode in {width} digits",
                        lookup=[]))
        # (d) decoy: the store reused the barcode for an unrelated album (other artist, other count).
        reused = row("Various Artists", "Summer Party Hits 2009", 40, 2009, stem=f"{upc}.jpg", key=("d", n))
        good = row(artist, mb_title, tracks, year, key=("d2", n))
        if n % 3 == 0:
            out.append(case("upc", f"{artist} {mb_title} reused barcode", query, [good], good,
                            "the barcode's only collection is another artist's album with another track count: "
                            "not an identity; the text search finds the album", lookup=[reused]))
    return out


# --- 4. renamed and restyled artists ----------------------------------------------------------

RENAMED = [
    ("Kesha", "Ke$ha", "Animal", 14, 2010), ("ASAP Rocky", "A$AP Rocky", "Testing", 15, 2018),
    ("Yasiin Bey", "Mos Def", "Black on Both Sides", 17, 1999), ("Yusuf / Cat Stevens", "Cat Stevens", "Tea for the Tillerman", 11, 1970),
    ("The Chicks", "Dixie Chicks", "Fly", 14, 1999), ("Lady A", "Lady Antebellum", "Need You Now", 11, 2010),
    ("Snoop Dogg", "Snoop Doggy Dogg", "Doggystyle", 19, 1993), ("Diddy", "Puff Daddy & The Family", "No Way Out", 17, 1997),
    ("Tom Petty and the Heartbreakers", "Tom Petty", "Damn the Torpedoes", 9, 1979),
    ("Bob Marley & The Wailers", "Bob Marley", "Exodus", 10, 1977), ("Sly & The Family Stone", "Sly and the Family Stone", "Stand!", 8, 1969),
    ("Ye", "Kanye West", "Donda", 27, 2021), ("Prince", "The Artist (Formerly Known As Prince)", "Emancipation", 36, 1996),
    ("Bruce Springsteen & The E Street Band", "Bruce Springsteen", "Born to Run", 8, 1975),
    ("Echo & The Bunnymen", "Echo and the Bunnymen", "Ocean Rain", 9, 1984), ("Hall & Oates", "Daryl Hall & John Oates", "Private Eyes", 10, 1981),
    ("Florence + The Machine", "Florence and the Machine", "Lungs", 13, 2009), ("Joan Jett", "Joan Jett & The Blackhearts", "I Love Rock 'n' Roll", 10, 1981),
    ("Mark Ronson", "Mark Ronson & The Business Intl.", "Record Collection", 14, 2010),
    ("Ziggy Marley", "Ziggy Marley & The Melody Makers", "Conscious Party", 10, 1988),
    ("Panic! at the Disco", "Panic at the Disco", "Pretty. Odd.", 15, 2008), ("Ms. Dynamite", "Miss Dynamite", "A Little Deeper", 14, 2002),
    ("Seal", "Seal Henry Samuel", "Seal", 11, 1991), ("Sean Paul", "Sean Paul Henriques", "Dutty Rock", 19, 2002),
    ("P!nk", "Pink", "Missundaztood", 15, 2001), ("Jhené Aiko", "Jhene Aiko", "Souled Out", 12, 2014),
]


def renamed_cases() -> list[dict[str, Any]]:
    out = []
    for n, (mb_artist, store_artist, title, tracks, year) in enumerate(RENAMED):
        right = row(store_artist, title, tracks, year)
        others = [_other(store_artist), row("Various Artists", f"{title} (A Tribute)", tracks + 2, year + 12,
                                            key=("trib", n))]
        query = {"artist": mb_artist, "album": title, "tracks": tracks, "year": year}
        out.append(case("renamed", f"{mb_artist} {title}", query, [*others[:1], right, *others[1:]], right,
                        f"credited {mb_artist!r} on MusicBrainz, {store_artist!r} on the store; title, count and "
                        "year agree and no other artist has that title"))
        if n % 2 == 0:
            # Decoy: title alone agrees (another artist's album of the same name, other count and year).
            stranger = row(f"{store_artist.split()[0]} Experience", title, tracks + 4, year + 9, key=("stranger", n))
            out.append(case("renamed", f"{mb_artist} {title} title only", query, [stranger], None,
                            "only the title agrees: another artist, another count and year"))
        else:
            # Decoy: two other artists list that title with the same count and year: no way to tell.
            a = row(f"The {title.split()[0]} Ensemble", title, tracks, year, key=("two-a", n))
            b = row(f"{title.split()[0]} Collective", title, tracks, year, key=("two-b", n))
            out.append(case("renamed", f"{mb_artist} {title} two strangers", query, [a, b], None,
                            "two other artists list the title with the same count and year: abstain"))
    return out


# --- 5. non-Latin names -------------------------------------------------------------------------

NONLATIN = [
    ("宇多田ヒカル", "Hikaru Utada", "初恋", "Hatsukoi", 12, 2018, "JP"),
    ("米津玄師", "Kenshi Yonezu", "STRAY SHEEP", "STRAY SHEEP", 15, 2020, "JP"),
    ("椎名林檎", "Ringo Sheena", "加爾基 精液 栗ノ花", "Karuki Zamen Kuri no Hana", 11, 2003, "JP"),
    ("坂本龍一", "Ryuichi Sakamoto", "async", "async", 14, 2017, "JP"),
    ("YOASOBI", "YOASOBI", "THE BOOK", "THE BOOK", 10, 2021, "JP"),
    ("きゃりーぱみゅぱみゅ", "Kyary Pamyu Pamyu", "なんだこれくしょん", "Nanda Collection", 13, 2013, "JP"),
    ("中島みゆき", "Miyuki Nakajima", "寒水魚", "Kansuigyo", 10, 1982, "JP"),
    ("竹内まりや", "Mariya Takeuchi", "VARIETY", "VARIETY", 11, 1984, "JP"),
    ("大貫妙子", "Taeko Onuki", "ミニヨン", "MIGNONNE", 10, 1978, "JP"),
    ("山下達郎", "Tatsuro Yamashita", "FOR YOU", "FOR YOU", 10, 1982, "JP"),
    ("방탄소년단", "BTS", "화양연화 pt.2", "The Most Beautiful Moment in Life, Pt. 2", 9, 2015, "KR"),
    ("아이유", "IU", "꽃갈피", "A Flower Bookmark", 7, 2014, "KR"),
    ("혁오", "HYUKOH", "23", "23", 12, 2017, "KR"),
    ("이날치", "LEENALCHI", "수궁가", "SUGUNGGA", 10, 2020, "KR"),
    ("장기하와 얼굴들", "Kiha & The Faces", "싸구려 커피", "Cheap Coffee", 11, 2009, "KR"),
    ("뉴진스", "NewJeans", "Get Up", "Get Up", 6, 2023, "KR"),
    ("周杰倫", "Jay Chou", "范特西", "Fantasy", 10, 2001, "TW"),
    ("王菲", "Faye Wong", "寓言", "Fable", 10, 2000, "TW"),
    ("五月天", "Mayday", "後青春期的詩", "Poetry of the Day After", 12, 2008, "TW"),
    ("陳綺貞", "Cheer Chen", "華麗的冒險", "Groupies", 11, 2005, "TW"),
    ("告五人", "Accusefive", "運氣來得若有似無", "Lucky Quite Unlucky", 11, 2019, "TW"),
    ("蘇打綠", "Sodagreen", "小宇宙", "Little Universe", 11, 2006, "TW"),
    ("林俊傑", "JJ Lin", "江南", "Jiang Nan", 10, 2004, "TW"),
    ("草東沒有派對", "No Party For Cao Dong", "醜奴兒", "The Servile", 11, 2016, "TW"),
    ("落日飛車", "Sunset Rollercoaster", "Jinji Kikko", "Jinji Kikko", 8, 2016, "TW"),
    ("Ryuichi Sakamoto", "坂本龍一", "戦場のメリークリスマス", "Merry Christmas Mr. Lawrence", 19, 1983, "JP"),
]


def nonlatin_cases() -> list[dict[str, Any]]:
    out = []
    for n, (artist, romanized_artist, title, store_title, tracks, year, home) in enumerate(NONLATIN):
        native = row(artist, title, tracks, year, country={"JP": "JPN", "KR": "KOR", "TW": "TWN"}[home], key=("home", n))
        us = row(romanized_artist, store_title, tracks, year, key=("us", n))
        decoy = row(romanized_artist, f"{store_title} (Live)", tracks + 4, year + 3, key=("decoy", n))
        query = {"artist": artist, "album": title, "tracks": tracks, "year": year}
        # The US storefront lists it romanised or translated; the home storefront natively.
        out.append(case("nonlatin", f"{romanized_artist} {store_title}", query, [us, decoy], native,
                        f"a {home} album asked in its own script: its home storefront lists it natively",
                        by_country={home: [native], "US": [us, decoy]}))
    return out


# --- 6. numbers, volumes and versions -----------------------------------------------------------

def number_cases() -> list[dict[str, Any]]:
    out = []
    series = [("Various Artists", "Now That's What I Call Music! {n}", 18, 2000), ("Various Artists", "Ministry of Sound: Chillout Sessions {n}", 36, 2005),
              ("Guardians of the Galaxy", "Guardians of the Galaxy: Awesome Mix Vol. {n}", 12, 2014),
              ("Fleet Foxes", "Part {n}", 8, 2011), ("Bob Dylan", "The Bootleg Series, Vol. {n}", 20, 1991),
              ("Eric B. & Rakim", "Paid in Full Vol. {n}", 10, 1987), ("Kill Bill", "Kill Bill Vol. {n} (Original Soundtrack)", 22, 2003),
              ("Hozier", "Unreal Unearth, Part {n}", 8, 2023), ("Red Hot Chili Peppers", "Stadium Arcadium Vol. {n}", 14, 2006),
              ("Ariana Grande", "k bye for now (swt live) Vol. {n}", 31, 2019)]
    for n, (artist, pattern, tracks, year) in enumerate(series):
        for wanted, decoy in [(5, 55), (2, 1), (1, 11), (3, 2)]:
            if "Part" in pattern and wanted > 3:
                continue
            right = row(artist, pattern.format(n=wanted), tracks, year, key=(n, wanted))
            wrong = row(artist, pattern.format(n=decoy), tracks, year + 1, key=(n, decoy))
            query = {"artist": artist, "album": pattern.format(n=wanted), "tracks": tracks}
            out.append(case("numbers", f"{pattern.format(n=wanted)} not {decoy}", query,
                            [wrong, right] if (n + wanted) % 2 else [right, wrong], right,
                            f"{wanted} is not {decoy}"))
    # Roman and Arabic numerals are one number.
    for artist, roman, arabic, tracks, year in [("Led Zeppelin", "Led Zeppelin II", "Led Zeppelin 2", 9, 1969),
                                                ("Peter Gabriel", "Peter Gabriel III", "Peter Gabriel 3", 10, 1980),
                                                ("Chicago", "Chicago II", "Chicago 2", 12, 1970),
                                                ("Van Halen", "Van Halen II", "Van Halen 2", 10, 1979),
                                                ("The Rocky Horror", "Rocky II", "Rocky 2", 10, 1979)]:
        right = row(artist, arabic, tracks, year)
        out.append(case("numbers", f"{roman} as {arabic}", {"artist": artist, "album": roman, "tracks": tracks,
                                                              "year": year}, [right], right, "II and 2 are one number"))
    # A bare "(Remix)" is not somebody's remix.
    for artist, title, tracks, year in [("Linkin Park", "Reanimation", 20, 2002), ("Lady Gaga", "Dawn of Chromatica", 13, 2021),
                                        ("Bjork", "Telegram", 10, 1996), ("Dua Lipa", "Club Future Nostalgia", 17, 2020),
                                        ("Gorillaz", "D-Sides", 19, 2007)]:
        theirs = row(artist, f"{title} (Kaytranada's Remix)", tracks, year, key=("their", title))
        out.append(case("numbers", f"{title} remix not theirs", {"artist": artist, "album": f"{title} (Remix)",
                                                                  "tracks": tracks, "year": year}, [theirs], None,
                        "a bare (Remix) in the query is not somebody's remix"))
    # Cast recordings and soundtracks credited to a cast or to Various Artists.
    for mb_artist, store_artist, title, tracks, year in [
            ("Lin-Manuel Miranda", "Original Broadway Cast of Hamilton", "Hamilton (Original Broadway Cast Recording)", 46, 2015),
            ("Benj Pasek & Justin Paul", "Various Artists", "The Greatest Showman (Original Motion Picture Soundtrack)", 11, 2017),
            ("Stephen Sondheim", "Original Broadway Cast of Into the Woods", "Into the Woods (Original Broadway Cast Recording)", 20, 1988),
            ("Justin Hurwitz", "Various Artists", "La La Land (Original Motion Picture Soundtrack)", 15, 2016),
            ("Andrew Lloyd Webber", "Original London Cast", "The Phantom of the Opera (Original London Cast Recording)", 31, 1987),
            ("Elton John", "Various Artists", "The Lion King (Original Motion Picture Soundtrack)", 13, 1994)]:
        right = row(store_artist, title, tracks, year)
        wrong = row(store_artist, title.replace("(Original", "(Deluxe Original"), tracks + 10, year + 5, key=("dlx", title))
        out.append(case("numbers", f"{title} cast", {"artist": mb_artist, "album": title, "tracks": tracks, "year": year},
                        [wrong, right], right, "a cast recording credited to the cast: title, count and year agree"))
    return out


def main() -> None:
    cases = [*explicit_cases(), *edition_cases(), *upc_cases(), *renamed_cases(), *nonlatin_cases(), *number_cases()]
    seen: set[str] = set()
    with OUT.open("w", encoding="utf-8") as out:
        for c in cases:
            assert c["id"] not in seen, c["id"]
            seen.add(c["id"])
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for c in cases:
        kinds[c["id"].split("-")[0]] = kinds.get(c["id"].split("-")[0], 0) + 1
    print(f"{len(cases)} cases written to {OUT}: {kinds}")


if __name__ == "__main__":
    main()
