"""Word lists and name makers for the synthetic catalog: artists, titles and labels as the dump has them.

What belongs here: the vocabulary (common and rare English words, given and family names,
Japanese, Korean, Cyrillic, Greek and accented Latin names and words, venues, genres, labels,
markets) and pure functions that pick from it. Picks take a :class:`random.Random` or a 64-bit
hash, so the same seed gives the same names. What doesn't: rows, ids and writing (``synth.py``).
"""

from __future__ import annotations

import random
from typing import Final, TypeVar

T = TypeVar("T")

__all__ = ["SCRIPTS", "GENRES", "MARKETS", "VERSIONS", "DATES", "mix", "by_share", "artist_script", "artist_name",
           "title", "album_title", "label_name", "compilation_title", "skewed"]

_MASK: Final = (1 << 64) - 1


def mix(value: int) -> int:
    """splitmix64's finalizer: a bijection of 64-bit integers that scatters neighbours."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def by_share(choices: tuple[tuple[int, T], ...], slot: int, default: T) -> T:
    """The choice whose share (per thousand, taken in order) holds ``slot`` (0 to 999); ``default`` past them all."""
    for share, choice in choices:
        if slot < share:
            return choice
        slot -= share
    return default


def skewed(items: tuple[str, ...], r: float, power: float = 1.5) -> str:
    """An item of ``items`` (most common first) for a uniform ``r``: Zipf-like, the head picked most."""
    return items[int(len(items) * r ** power)]


# Most common first: picks lean to the head, the tail stays rare.
_WORDS: Final = tuple("""
love you me night heart time life baby girl day world home dream light fire way back
gone forever tonight always feel good down young wild blue summer rain sun moon star stars
dance lost free run fall rise city road river ocean sky gold golden black white red
midnight morning shadow shadows ghost ghosts angel paradise heaven hell crazy sweet slow
high low open closed broken alone together again never more last first little big new old
lights lover lovers kiss fever storm thunder lightning waves wave sea island desert
echo echoes silence noise voice song songs music radio disco electric neon velvet
glass stone paper silver diamond diamonds crystal mirror window door house street streets
train station highway drive driving running falling flying burning waiting dreaming
sunset sunrise winter spring autumn snow ice flame flowers rose roses garden forest
mountain valley hearts eyes hands blood tears smile lies truth secret secrets promise
memory memories yesterday tomorrow today hello goodbye nothing everything someone somebody
nobody everybody together apart inside outside under over between beyond away
""".split())

_RARE: Final = tuple("""
petrichor halcyon sonder ephemeral solstice kaleidoscope quixotic zephyr obsidian labyrinth
serendipity vellichor aurora nebula meridian equinox saudade limerence cenotaph palimpsest
chiaroscuro tessellate verdigris susurrus gossamer sempiternal effervescent incandescent
phosphene apricity hiraeth komorebi wanderlust elysium ozymandias borealis cascadia mnemosyne
""".split())

_FIRST: Final = tuple("""
James Mary John Emma Michael Olivia David Sophia Daniel Ava Chris Mia Alex Emily Ryan Grace
Sam Chloe Jack Lily Luke Zoe Adam Ella Ben Ruby Tom Anna Max Leah Nick Nora Paul Sara Mark
Kate Leo Maya Eric Iris Noah Ivy Oscar Julia Felix Hannah Isaac Clara Marcus Alice Victor
""".split())

_LAST: Final = tuple("""
Smith Johnson Brown Taylor Miller Wilson Moore Clark Lewis Walker Hall Young King Wright
Scott Green Baker Adams Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker
Evans Edwards Collins Stewart Morris Reed Cook Morgan Bell Murphy Bailey Cooper Howard
Ward Cox Hayes Kelly Price Bennett Wood Ross Foster Gray James Brooks Sanders
""".split())

_ACCENTED_FIRST: Final = ("José", "Zoë", "Björn", "Søren", "Łukasz", "Ólafur", "Chloé", "Inés", "Mélanie",
                          "Jürgen", "François", "Ângela", "Renée", "Andrés", "Małgorzata", "Dvořák", "Élodie",
                          "Håkon", "Aurélie", "Noémie")
_ACCENTED_LAST: Final = ("Müller", "Núñez", "García", "Sjöberg", "Ødegaard", "Pérez", "Kovačević", "Gonçalves",
                         "Lefèvre", "Łęcki", "Čapek", "Ångström", "Fernández", "Schäfer", "Jónsdóttir", "Brontë")
_ACCENTED_WORDS: Final = ("Café", "Déjà Vu", "Naïve", "Piñata", "Señorita", "Mañana", "Über", "Crème Brûlée",
                          "Fiancée", "Rosé", "Sérénade", "Éternité", "Año Nuevo", "Tränen", "Hôtel")

_JA_FAMILY: Final = ("佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤", "吉田", "山田")
_JA_GIVEN: Final = ("美咲", "陽菜", "翔太", "蓮", "結衣", "大輝", "さくら", "ゆい", "あおい", "はると", "葵", "湊")
_JA_BANDS: Final = ("ヨルノカゲ", "ミライズ", "ソラノネ", "ネオンライト", "ハナビ", "カゲロウ", "ツキアカリ", "シグナルズ")
_JA_WORDS: Final = ("夜明け", "東京", "桜", "夢", "光", "花火", "青い空", "雨", "星", "未来", "約束", "さよなら",
                    "ありがとう", "君の名前", "心", "風", "海", "月", "恋", "ひかり", "メロディー", "サヨナラ")

_KO_FAMILY: Final = ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오")
_KO_GIVEN: Final = ("민준", "서연", "지우", "하은", "도윤", "수아", "예준", "지민", "서준", "하윤", "유나", "태양")
_KO_BANDS: Final = ("블루문", "새벽별", "하늘소리", "은하수", "별빛정원", "소나기", "달빛소년단", "파란바다")
_KO_WORDS: Final = ("사랑", "밤", "꿈", "별", "하늘", "너에게", "봄날", "눈물", "기억", "우리", "바다", "여름",
                    "안녕", "그대", "첫눈", "고백")

_RU_MALE: Final = (("Иван", "Дмитрий", "Алексей", "Сергей", "Андрей", "Михаил"),
                   ("Иванов", "Петров", "Смирнов", "Волков", "Соколов", "Морозов"))
_RU_FEMALE: Final = (("Анна", "Мария", "Екатерина", "Ольга", "Дарья", "Полина"),
                     ("Иванова", "Петрова", "Смирнова", "Волкова", "Соколова", "Морозова"))
_RU_BANDS: Final = ("Северный Ветер", "Белые Ночи", "Звери Города", "Полярная Звезда", "Ночной Трамвай", "Кино и Море")
_RU_WORDS: Final = ("Ночь", "Звезда", "Любовь", "Город", "Лето", "Дождь", "Весна", "Небо", "Море", "Время",
                    "Дорога", "Сердце", "Зима", "Песня", "Огонь")

_EL_NAMES: Final = (("Γιώργος", "Νίκος", "Μαρία", "Ελένη", "Κώστας", "Δήμητρα"),
                    ("Παπαδόπουλος", "Νικολάου", "Γεωργίου", "Δημητρίου", "Οικονόμου", "Αλεξίου"))
_EL_WORDS: Final = ("Αγάπη", "Νύχτα", "Θάλασσα", "Ουρανός", "Καλοκαίρι", "Όνειρο", "Φως", "Καρδιά", "Δρόμος",
                    "Φεγγάρι", "Αστέρι", "Βροχή")

_VENUES: Final = ("Wembley Stadium", "Red Rocks", "the Royal Albert Hall", "Budokan", "Madison Square Garden",
                  "Glastonbury", "the Hollywood Bowl", "Brixton Academy", "Paradiso", "the Fillmore")
_MAJORS: Final = ("Universal Music Group", "Sony Music Entertainment", "Warner Records", "Rhino", "Columbia",
                  "Virgin Music", "Atlantic Records", "Island Records", "Capitol Records", "Interscope")
_INDIE_KINDS: Final = ("Records", "Music", "Recordings", "Sound", "Audio", "Collective")

GENRES: Final = ("pop", "rock", "indie pop", "hip hop", "rap", "dance pop", "edm", "house", "techno", "trance",
                 "progressive house", "deep house", "r&b", "soul", "jazz", "classical", "country", "folk",
                 "indie rock", "alternative rock", "metal", "punk", "post-punk", "new wave", "synthpop",
                 "ambient", "lo-fi beats", "k-pop", "j-pop", "j-rock", "city pop", "latin pop", "reggaeton",
                 "afrobeats", "drum and bass", "dubstep", "trip hop", "downtempo", "lounge", "chanson",
                 "russian rock", "greek pop", "bossa nova", "blues", "gospel", "melodic techno", "synthwave")

#: Scripts of artists' names, with their shares per thousand (the rest is plain Latin).
SCRIPTS: Final[tuple[tuple[int, str], ...]] = ((40, "accented"), (30, "ja"), (30, "ko"), (25, "ru"), (15, "el"))

_ALL_MARKETS: Final = (
    "AR,AU,AT,BE,BO,BR,BG,CA,CL,CO,CR,CY,CZ,DK,DO,DE,EC,EE,SV,FI,FR,GR,GT,HN,HK,HU,IS,IE,IT,LV,LT,LU,MY,MT,MX,"
    "NL,NZ,NI,NO,PA,PY,PE,PH,PL,PT,SG,SK,ES,SE,CH,TW,TR,UY,US,GB,AD,LI,MC,ID,JP,TH,VN,RO,IL,ZA,SA,AE,BH,QA,OM,"
    "KW,EG,MA,DZ,TN,LB,JO,PS,IN,BY,KZ,MD,UA,AL,BA,HR,ME,MK,RS,SI,KR,BD,PK,LK,GH,KE,NG,TZ,UG,AG,AM,BS,BB,BZ,BT,"
    "BW,BF,CV,CW,DM,FJ,GM,GE,GD,GW,GY,HT,JM,KI,LS,LR,MW,MV,ML,MH,FM,NA,NR,NE,PW,PG,PR,WS,SM,ST,SN,SC,SL,SB,KN,"
    "LC,VC,SR,TL,TO,TT,TV,VU,AZ,BN,BI,KH,CM,TD,KM,GQ,SZ,GA,GN,KG,LA,MO,MR,MN,NP,RW,TG,UZ,ZW,BJ,MG,MU,MZ,AO,CI,"
    "DJ,ZM,CD,CG,IQ,LY,TJ,VE,ET,XK"
)
#: How often albums use each ``available_markets`` row, per thousand, and the row (rowid, list).
MARKETS: Final[tuple[tuple[int, tuple[int, str]], ...]] = (
    (40, (1, "unavailable")),
    (750, (2, _ALL_MARKETS)),
    (100, (3, ",".join(m for m in _ALL_MARKETS.split(",") if m not in ("PR", "BY")))),
    (30, (4, "US,CA")),
    (20, (5, "JP")),
    (40, (6, "AT,BE,BG,CH,CY,CZ,DE,DK,EE,ES,FI,FR,GB,GR,HR,HU,IE,IT,LT,LU,LV,MT,NL,NO,PL,PT,RO,SE,SI,SK")),
    (20, (7, "KR")),
)

#: Versions of a track, per thousand tracks: a suffix to its title (fields: remixer, year, part);
#: None for an interlude, which takes a title of its own.
VERSIONS: Final[tuple[tuple[int, str | None], ...]] = (
    (40, " - {remixer} Remix"), (30, " - Remastered {year}"), (20, " - Radio Edit"), (10, " - Extended Mix"),
    (10, ", Pt. {part}"), (10, " - Acoustic"), (10, None),
)

#: Release dates per thousand albums: (format, precision); the dump has zero-filled ones.
DATES: Final[tuple[tuple[int, tuple[str, str]], ...]] = (
    (2, ("0000", "year")), (88, ("{year}", "year")), (30, ("{year}-{month:02d}", "month")),
)


def artist_script(key: int) -> str:
    """The script of the artist whose name hash is ``key``: ``latin`` or one of :data:`SCRIPTS`."""
    return by_share(SCRIPTS, key % 1000, "latin")


def _pick(items: tuple[str, ...], key: int, shift: int) -> str:
    return items[(key >> shift) % len(items)]


#: Shapes of Latin-script artist names, per thousand (the rest: "{first} {initial}.").
_LATIN_NAMES: Final = (
    (350, "{first} {last}"), (150, "The {word} {nouns}"), (50, "{word}"), (50, "{upper}"), (50, "DJ {word}"),
    (50, "{first} & The {nouns}"), (100, "{word} {noun}"), (50, "{noun} of {other}"), (50, "{word} {n}"),
    (50, "{rare}"),
)


def _latin_name(key: int) -> str:
    word = _pick(_WORDS, key, 20).capitalize()
    noun = _pick(_WORDS, key, 28).capitalize()
    shape = by_share(_LATIN_NAMES, (key >> 12) % 1000, "{first} {initial}.")
    return shape.format(first=_pick(_FIRST, key, 20), last=_pick(_LAST, key, 28), word=word, noun=noun,
                        nouns=noun if noun.endswith("s") else noun + "s", upper=word.upper(),
                        other=_pick(_WORDS, key, 36).capitalize(), n=(key >> 36) % 99 + 1,
                        rare=_pick(_RARE, key, 20).capitalize(), initial=_pick(_LAST, key, 28)[0])


def artist_name(key: int) -> str:
    """A name for the artist whose name hash is ``key`` (always the same one)."""
    script = artist_script(key)
    band = (key >> 10) % 4 == 0
    if script == "accented":
        return f"{_pick(_ACCENTED_FIRST, key, 20)} {_pick(_ACCENTED_LAST, key, 28)}"
    if script == "ja":
        return _pick(_JA_BANDS, key, 20) if band else f"{_pick(_JA_FAMILY, key, 20)}{_pick(_JA_GIVEN, key, 28)}"
    if script == "ko":
        return _pick(_KO_BANDS, key, 20) if band else f"{_pick(_KO_FAMILY, key, 20)}{_pick(_KO_GIVEN, key, 28)}"
    if script == "ru":
        if band:
            return _pick(_RU_BANDS, key, 20)
        given, family = _RU_MALE if (key >> 36) % 2 else _RU_FEMALE
        return f"{_pick(given, key, 20)} {_pick(family, key, 28)}"
    if script == "el":
        return f"{_pick(_EL_NAMES[0], key, 20)} {_pick(_EL_NAMES[1], key, 28)}"
    return _latin_name(key)


_CAPITALIZED: Final = tuple(w.capitalize() for w in _WORDS)
_RARE_CAPITALIZED: Final = tuple(w.capitalize() for w in _RARE)


def _english(rng: random.Random, words: int) -> str:
    r = rng.random
    return " ".join(_RARE_CAPITALIZED[int(len(_RARE) * r())] if r() < 0.05
                    else _CAPITALIZED[int(len(_WORDS) * r() ** 1.5)] for _ in range(words))


def title(rng: random.Random, script: str) -> str:
    """A plain song or album title (no edition or version), in the artist's script most of the time."""
    r = rng.random()
    if script == "ja" and r < 0.7:
        return rng.choice(_JA_WORDS) + (rng.choice(("の", "と", "")) + rng.choice(_JA_WORDS) if r < 0.3 else "")
    if script == "ko" and r < 0.7:
        return rng.choice(_KO_WORDS) + (" " + rng.choice(_KO_WORDS) if r < 0.3 else "")
    if script == "ru" and r < 0.7:
        return rng.choice(_RU_WORDS) + (" и " + rng.choice(_RU_WORDS).lower() if r < 0.25 else "")
    if script == "el" and r < 0.7:
        return rng.choice(_EL_WORDS) + (" " + rng.choice(_EL_WORDS).lower() if r < 0.25 else "")
    if script == "accented" and r < 0.25:
        return rng.choice(_ACCENTED_WORDS)
    return _english(rng, 1 + int(3.2 * rng.random() ** 1.5))


#: Shapes of album titles, per thousand albums (the rest: a plain title).
_ALBUM_TITLES: Final = (
    (50, "{artist}"), (40, "Live at {venue}"), (20, "{best}"), (30, "{title}, Vol. {volume}"),
    (20, "{title} Part {part}"), (20, "{number}"),
)


def album_title(rng: random.Random, script: str, artist: str) -> tuple[str, bool]:
    """An album title, and whether it is a live album (its tracks are then live versions)."""
    shape = by_share(_ALBUM_TITLES, int(rng.random() * 1000), "{title}")
    name = shape.format(artist=artist, venue=rng.choice(_VENUES), title=title(rng, script),
                        best=rng.choice(("Greatest Hits", f"The Best of {artist}", "Essentials", "Anthology")),
                        volume=rng.randint(2, 5), part=rng.choice(("II", "III", "2")), number=rng.randint(1, 30))
    return name, shape.startswith("Live at")


def compilation_title(rng: random.Random, year: int) -> str:
    """A Various Artists compilation's title."""
    genre = rng.choice(GENRES).title()
    return rng.choice((
        f"Summer Hits {year}", f"The Best of {genre}, Vol. {rng.randint(1, 12)}", f"{genre} Essentials",
        f"{_english(rng, 1)} Lounge {rng.randint(1, 12)}.0", f"Ultimate {genre} Collection",
        f"{genre} Classics", f"Now {year}", f"{_english(rng, 2)}: {genre} Anthems",
    ))


def label_name(key: int) -> str:
    """The label the artist whose name hash is ``key`` records for."""
    if (key >> 44) % 10 < 3:
        return _pick(_MAJORS, key, 48)
    return f"{_pick(_WORDS, key, 48).capitalize()} {_pick(_INDIE_KINDS, key, 56)}"
