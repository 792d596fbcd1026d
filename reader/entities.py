"""Names as sources write them ("the Syrian regime", "Russian Aerospace Forces", "Türkiye",
"the Behun area"), made comparable. Pure functions, no Django.

- `name_key` is the comparison key: case, diacritics, punctuation, a leading article and
  plural or possessive endings aside ("the Russians'" and "Russian" have one key).
- The country table comes from the countryinfo package (MIT licence; restcountries data):
  every country's name, its alternative spellings and its demonym are forms of it, so
  "Russia", "Russian", "Russian Federation" and "Russians" are one country. A form two
  countries share ("Congolese") names neither. ISO codes count only written in capitals,
  and only for actors, places and attributions ("US", "RUS"; never "no" or "in").
- Generic organisational words around one country make an entity inside it ("Syrian
  government forces", "the Russian Air Force" are parts of Syria and Russia); generic place
  words around a place name are dropped ("the area around the settlement of Behun" is
  Behun), and a place written "Balyun, Idlib Governorate, Syria" is read as a chain.
- `likely_variants` proposes spelling variants (rapidfuzz), never a merge.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

ARTICLES = frozenset({"the", "a", "an", "al", "el"})
# Words of organisations around a head ("the Turkish Ministry of National Defense").
ORGANISATIONAL = frozenset(
    str.split(
        """
    government governments regime regimes state states administration authority authorities
    force forces armed army armies military militaries air aerospace navy naval aviation
    ministry ministries minister defence defense national foreign interior affairs mod
    troop troops soldier soldiers servicemen serviceman personnel officer officers official
    officials president presidency prime presidential cabinet parliament leadership leader
    embassy consulate delegation diplomat diplomats spokesman spokesperson spokeswoman
    command commander commanders general staff unit units intelligence security service
    services police gendarmerie militia special operation operations centre center
    jet jets warplane warplanes plane planes aircraft pilot pilots helicopter helicopters
    artillery drone drones bomber bombers fighter fighters source sources side media
    agency agencies news press channel tv television radio office department joint chief
    chiefs of the and for its on by in from backed pro allied loyalist loyal top senior
    close to other alternative unnamed anonymous
    """
    )
)
# Words around a place name that do not change which place it is.
PLACE_WORDS = frozenset(
    str.split(
        """
    area areas settlement settlements town towns village villages city cities province
    provinces governorate governorates district districts region regions countryside
    outskirts vicinity territory territories municipality suburb suburbs locality place
    called location site near nearby around outside close to in at of on the inside
    north south east west northern southern eastern western central northwest northeast
    southwest southeast northwestern northeastern southwestern southeastern
    """
    )
)
ROLES = ("actor", "place", "text", "attribution")
_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
_POSSESSIVE = re.compile(r"(?<=[\w).])['’]s?(?=\s|$|[^\w])", re.IGNORECASE)
# Parts of an attribution naming several origins: "Turkey & SOHR", "Turkey and SOHR".
_ORIGIN_SEPARATOR = re.compile(r"\s*(?:&|\band\b|;|\+)\s*", re.IGNORECASE)


def _fold(text: str) -> str:
    """Casefolded, without diacritics (Türkiye, Erdoğan, Çavuşoğlu)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("İ", "I"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Spellings that differ between British and American English, and a common abbreviation.
SPELLINGS = {
    "defence": "defense",
    "centre": "center",
    "organisation": "organization",
    "programme": "program",
    "mod": "defense ministry",
}
# Words that join an organisation's name ("Ministry of Defense"), left out of its key so
# that "Russian Defence Ministry" and "the Russian Ministry of Defense" are one key.
JOINING = frozenset({"of", "the", "and", "for", "its", "on", "by", "in", "from"})


def _singular(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    if len(token) > 5 and token.endswith("is"):  # Iraqis, Yemenis (not Tunis, Paris)
        return token[:-1]
    return token


def _tokens(written: str) -> list[str]:
    """Folded tokens without possessive endings or plural -s, spelt one way."""
    text = _POSSESSIVE.sub("", _fold(written))
    tokens = [_singular(token) for token in re.findall(r"[^\W_]+", text)]
    return " ".join(SPELLINGS.get(token, token) for token in tokens).split()


def _key(tokens: Iterable[str]) -> str:
    tokens = list(tokens)
    if len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def name_key(written: str) -> str:
    """The comparison key of a name: "The Russians'" and "russian" both give "russian"."""
    return _key(_tokens(written))


@dataclass(frozen=True)
class Country:
    name: str
    code: str  # ISO 3166-1 alpha-3
    forms: tuple[str, ...]  # every written form: name, spellings, demonym
    demonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class CountryTable:
    by_key: dict[str, Country]
    by_code: dict[str, Country]
    countries: tuple[Country, ...]


@functools.cache
def country_table() -> CountryTable:
    """Every country of countryinfo by each key of its forms (a key two countries share is
    left out), and by its ISO codes. Loaded once, on first use."""
    from countryinfo import CountryInfo

    grouped: dict[str, dict] = {}
    for record in CountryInfo.all().values():
        iso = record.get("ISO") or {}
        code = iso.get("alpha3") or record["name"].upper()
        entry = grouped.setdefault(
            code,
            {"name": record["name"], "forms": [], "codes": set(), "population": -1, "demonyms": []},
        )
        if record.get("demonym"):
            entry["demonyms"].append(record["demonym"])
        # Of two records for one code (Burma and Myanmar), the fuller one names it.
        population = record.get("population") or 0
        if population > entry["population"]:
            entry["name"], entry["population"] = record["name"], population
        entry["codes"] |= {c for c in (iso.get("alpha2"), iso.get("alpha3")) if c}
        written = [record["name"], *record.get("altSpellings", [])]
        written += [record.get("demonym") or "", record.get("nativeName") or ""]
        entry["forms"] += [f for f in written if f and f not in entry["codes"] and f.isascii()]
        entry["forms"] += [f for f in written if f and not f.isascii() and _fold(f).isascii()]
    countries = []
    for code, entry in sorted(grouped.items()):
        forms = tuple(dict.fromkeys([entry["name"], *entry["forms"]]))
        demonyms = tuple(dict.fromkeys(entry["demonyms"]))
        countries.append((Country(entry["name"], code, forms, demonyms), entry["codes"]))
    by_key: dict[str, Country | None] = {}
    for country, _ in countries:
        for form in country.forms:
            key = name_key(form)
            if len(key) < 3:
                continue
            if key in by_key and by_key[key] != country:
                by_key[key] = None  # ambiguous: names neither
            else:
                by_key.setdefault(key, country)
    by_code = {code: country for country, codes in countries for code in codes}
    # Short forms written in capitals ("UK", "UAE") count as codes do.
    for country, _ in countries:
        for form in country.forms:
            if form.isupper() and form.isalpha() and len(form) <= 4:
                by_code.setdefault(form, country)
    return CountryTable(
        by_key={key: country for key, country in by_key.items() if country},
        by_code=by_code,
        countries=tuple(country for country, _ in countries),
    )


def country_for(written: str, *, codes: bool = True) -> Country | None:
    """The country a name is a form of, or None."""
    table = country_table()
    stripped = written.strip().strip(".")
    is_code = codes and stripped.isupper() and stripped.isalpha() and len(stripped) <= 4
    if is_code and (country := table.by_code.get(stripped)):
        return country
    key = name_key(written)
    found = table.by_key.get(key)
    if found is None and key.endswith("s") and " " not in key:
        found = table.by_key.get(key[:-1])  # the Thais, the Fijis
    return found


@dataclass(frozen=True)
class NameReading:
    """What one written name is: its display name and key, the country it is part of
    (organisational words around a country) and, for places, what contains it."""

    name: str
    key: str
    country: Country | None = None  # this is the country itself
    head: Country | None = None  # this is part of that country
    within: tuple[NameReading, ...] = field(default=())  # places: the containing chain


def _clean(written: str) -> str:
    return " ".join(written.replace("\u00a0", " ").split()).strip(" ,.;:()[]\"'“”‘’")


def _strip_article(written: str) -> str:
    words = written.split(" ")
    if len(words) > 1 and _fold(words[0]) in {"the", "a", "an"}:
        return " ".join(words[1:])
    return written


def _head(tokens: list[str]) -> Country | None:
    """The one country the tokens name once organisational words are set aside."""
    rest = [token for token in tokens if token not in ORGANISATIONAL]
    if not rest or len(rest) == len(tokens):
        return None
    return country_table().by_key.get(" ".join(rest))


def _place_core(written: str) -> str:
    """The place name inside generic place words: "the area around the settlement of
    Behun" is "Behun", "Idlib Governorate" is "Idlib"."""
    matches = list(_TOKEN.finditer(written))
    folded = [_singular(_fold(_POSSESSIVE.sub("", m.group(0)))) for m in matches]
    first, last = 0, len(matches)
    while first < last - 1 and (folded[first] in PLACE_WORDS or folded[first] in ARTICLES):
        first += 1
    while last - 1 > first and folded[last - 1] in PLACE_WORDS:
        last -= 1
    if not matches or (first == 0 and last == len(matches)):
        return written
    return written[matches[first].start() : matches[last - 1].end()]


def _read_one(written: str, role: str, *, codes: bool) -> NameReading | None:
    written = _clean(written)
    if not name_key(written):
        return None
    if country := country_for(written, codes=codes):
        return NameReading(country.name, name_key(country.name), country=country)
    if role == "place":
        core = _place_core(written)
        if (country := country_for(core, codes=codes)) and core != written:
            return NameReading(country.name, name_key(country.name), country=country)
        # "Syria's Idlib province": Idlib, in Syria.
        possessive = re.match(r"(.+?)['’]s?\s+(.+)", core)
        if possessive and (country := country_for(possessive[1], codes=False)):
            inner = _read_one(possessive[2], role, codes=False)
            if inner is not None:
                outer = NameReading(country.name, name_key(country.name), country=country)
                return NameReading(inner.name, inner.key, within=(outer,))
        return NameReading(_strip_article(core), name_key(core))
    name = _strip_article(written)
    tokens = _tokens(written)
    head = _head(tokens) if role in ("actor", "attribution") else None
    if head is None:
        return NameReading(name, name_key(written))
    # Inside a country, an organisation's words in any order: "Russian Defence Ministry",
    # "Russia's Ministry of Defense" and "the Russian MoD" are one.
    words = sorted({token for token in tokens if token in ORGANISATIONAL} - JOINING - ARTICLES)
    return NameReading(name, f"{name_key(head.name)} {' '.join(words)}", head=head)


def read_name(written: str, role: str) -> NameReading | None:
    """What a value names, read in its role ("actor", "place", "text"); None when it holds
    no name at all. A place written as a list ("Balyun, Idlib Governorate, Syria") is the
    first place, each following one containing the one before."""
    codes = role != "text"
    if role == "place" and "," in written:
        parts = [part for part in written.split(",") if name_key(part)]
        readings = [_read_one(part, role, codes=codes) for part in parts]
        chain = [reading for reading in readings if reading is not None]
        if len(chain) > 1:
            head, *around = chain
            return NameReading(head.name, head.key, head.country, head.head, tuple(around))
    return _read_one(written, role, codes=codes)


def read_attribution(written: str) -> list[NameReading]:
    """The origins an attribution names: "Turkey & SOHR" is Turkey and SOHR."""
    parts = _ORIGIN_SEPARATOR.split(written) if written.strip() else []
    readings = [_read_one(part, "attribution", codes=True) for part in parts if part.strip()]
    unique = {reading.key: reading for reading in readings if reading is not None}
    return list(unique.values())


def _skeleton(key: str) -> str:
    """Consonants only, as transliterations vary most in vowels, h, w and y (Balyun,
    Baylun, Behun; Saraqib, Saraqeb, Sarabiq)."""
    key = key.replace("q", "k").replace("c", "k").replace("ph", "f").replace("v", "f")
    key = re.sub(r"[aeiouyhw\s]", "", key.replace("z", "s"))
    return re.sub(r"(.)\1+", r"\1", key)


# A variant: near-identical keys (Baylun / Balyun: 83), or the same consonant skeleton
# give or take one letter (Behun / Balyun: bn / bln) starting alike, when the whole keys
# still share half their letters.
VARIANT_RATIO = 80
VARIANT_SKELETON_RATIO = 75
VARIANT_FLOOR = 50


def likely_variants(first: str, second: str) -> bool:
    """Whether two keys are likely one name spelt two ways (to propose, never to merge)."""
    from rapidfuzz import fuzz  # here: only this feature uses it, and not at every start

    if first == second or not first or not second:
        return False
    ratio = fuzz.ratio(first, second)
    if ratio >= VARIANT_RATIO:
        return True
    one, two = _skeleton(first), _skeleton(second)
    return (
        ratio >= VARIANT_FLOOR
        and len(one) >= 2
        and len(two) >= 2
        and one[0] == two[0]
        and fuzz.ratio(one, two) >= VARIANT_SKELETON_RATIO
    )
