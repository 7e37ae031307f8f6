"""Papers a survivor can carry: the appointment card and the numbers card.

A card is built as plain data (:class:`Card`: a title and sections of lines) in the *survivor's*
language, whatever the interface language is, then rendered as self-contained HTML (inline CSS, sized
for its paper), plain text or Markdown.

* **Neutral by default.** Nothing on a card may give the person away if the wrong person finds it: no
  word for trafficking, violence, victim, immigration or police, and not the agency's name
  (:func:`labelling_words`, :func:`is_labelling`). A service or line whose name carries such a word is
  shown by a neutral description ("Línea de ayuda 24 h", a category label); each replacement is
  reported in ``Card.notes`` for the advocate (never printed on the card). ``label=True`` restores
  the real names.
* **The client code is never on a card**, and no name but the first name of who accompanies (if given).
* **Numbers that work from where the person is**: the bundled national lines whose dialling scope
  includes the country of the appointment's place (or the chosen country), survivor-first, never a
  law-enforcement line.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from advocate.errors import InputError
from advocate.i18n import N_, _, current_language, gettext_in, normalize_language

if TYPE_CHECKING:
    from advocate.store import Store

CARD_LANGUAGES = ("en", "es")
CARD_FORMATS = ("html", "txt", "md")
PREP_CHECKLIST, PREP_PAPERS = "appointment-prep", "prep.papers"  # the "papers to bring" the card adds to its own list

# Words that label a person. Stems, matched case- and accent-insensitively on word starts; a stem ending in a
# space is a whole word ("ice " is ICE, not "iced"; "sex " is not "sexta", a street in Tijuana).
LABELLING_STEMS = ("traffick", "trata", "trafic", "violen", "victim", "immigra", "inmigra", "migra", "emigra",
                   "police", "polic", "law enforcement", "sheriff", "ice ", "hsi ", "abuse", "abuso", "asylum",
                   "asilo", "deport", "explot", "exploit", "refugee", "refugiad", "sexual", "suicid",
                   # what a service is for, when its name or hours say it: a shelter, a survivor, a citizenship
                   # class or a visa gives a person away as surely as "trafficking" does
                   "shelter", "albergue", "refugio", "surviv", "sobrevivient", "domestic", "dv ", "sex ", "sexo ",
                   "rape", "violacion", "violada", "assault", "agresion sexual", "battered", "maltrat", "tortur",
                   "prostitu", "citizenship", "ciudadania", "naturaliz", "undocumented", "indocumentad",
                   "sin papeles", "green card", "visa ", "visas ", "daca ", "tps ", "uscis", "detention",
                   "detencion", "detenid",
                   # "Home for Women in Distress" (a Miami shelter; Broward's DV agency is "Women In Distress")
                   "distress",
                   # an interview with the authorities (the law-enforcement appointment's Spanish title)
                   "autoridad", "authorities", "fiscalia", "ministerio publico",
                   # the US trafficking hotline's text keyword says what the line is for
                   "befree")

# --- words on the cards (English msgids, Spanish in the interface catalog) -------------------------
T_APPOINTMENT = N_("Your appointment")
T_WHEN = N_("When")
T_WHERE = N_("Where")
T_WITH = N_("Going with you")
T_INTERPRETER = N_("Interpreter")
T_BRING = N_("What to bring")
T_NUMBERS = N_("Numbers you can call")
T_PHONE = N_("Phone")
T_TIME_IN = N_("{city} time")
T_LINES_FROM = N_("Numbers that work from {country}")
T_HELP_LINE = N_("Help line")
T_HELP_LINE_24 = N_("Help line, 24 h")
T_SUPPORT_24 = N_("Someone to talk to, 24 h")
T_EMERGENCIES = N_("Emergencies")
T_CONSULATE = N_("Consulate of Mexico")
T_CALL = N_("call")
T_TEXT = N_("text")
T_CHAT = N_("chat")
T_ABOUT_MIN = N_("about {minutes} minutes")
T_ABOUT_HOURS = N_("about {hours} hours")
T_ABOUT_HOUR = N_("about one hour")
T_ABOUT_HOUR_HALF = N_("about an hour and a half")
T_ABOUT_HOURS_HALF = N_("about {hours} and a half hours")
T_PLACE_TBC = N_("Your advocate will tell you the place.")
T_BRING_CARD = N_("This card")
T_BRING_ID = N_("Any ID you have, if it is safe to carry")
T_BRING_MEDS = N_("Your medicines, or a list of them")
T_BRING_LETTERS = N_("Letters or papers you received about this")
T_BRING_BIRTH = N_("Birth certificate or any Mexican ID you have (passport, voter card, consular ID)")
T_BRING_ADDRESS = N_("Something with your address, if you have it")
T_BRING_PAY = N_("Pay stubs, messages or notes about your work, if you have them")
T_BRING_CHILD = N_("The child's papers and vaccination record, if you have them")
T_BRING_FOOD = N_("Water and something to eat")
T_COUNTRY_MX = N_("Mexico")
T_COUNTRY_US = N_("the United States")
T_NOTE_NAME_HIDDEN = N_('"{name}" is shown as "{shown}" (its name has a labelling word)')
T_NOTE_DROPPED = N_("left off the paper because it has a labelling word: {text}")
T_NOTE_CAUTION = N_("before you hand over the paper, {name}: {caution}")
T_NOTE_NO_ROOM = N_("left off the card, which has no room for it: {line}")

BRING_BY_TYPE = {
    "court": (T_BRING_LETTERS, T_BRING_ID),
    "legal": (T_BRING_LETTERS, T_BRING_ID),
    "immigration": (T_BRING_LETTERS, T_BRING_ID),
    "law-enforcement": (T_BRING_LETTERS,),
    "medical": (T_BRING_MEDS, T_BRING_ID),
    "mental-health": (T_BRING_MEDS,),
    "benefits": (T_BRING_LETTERS, T_BRING_ID, T_BRING_ADDRESS),
    "housing": (T_BRING_LETTERS, T_BRING_ID),
    "consulate": (T_BRING_BIRTH, T_BRING_ADDRESS),
    "employment": (T_BRING_PAY, T_BRING_ID),
    "school": (T_BRING_CHILD,),
    "shelter-intake": (T_BRING_MEDS,),
}
COUNTRY_NAMES = {"MX": T_COUNTRY_MX, "US": T_COUNTRY_US}
KIND_WORDS = {"phone": T_CALL, "text": T_TEXT, "whatsapp": "WhatsApp", "chat": T_CHAT}


@dataclass
class Line:
    label: str
    value: str = ""


@dataclass
class Section:
    heading: str
    lines: list[Line] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the directory's own names of what it shows (never printed)


@dataclass
class Card:
    """What a paper says, already in the survivor's language. ``paper`` is ``half-letter`` or ``wallet``;
    ``notes`` are for the advocate only (stderr), never printed on the card."""

    title: str
    lang: str
    paper: str
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    left_off: list[str] = field(default_factory=list)  # for the advocate too: what the paper had no room for


def card_language(lang: str | None) -> str:
    code = normalize_language(lang) if lang else None
    if lang and code not in CARD_LANGUAGES:
        raise InputError(_('"{value}" is not a card language; use es or en').format(value=lang),
                         field="lang")
    return code or "es"


def gettext_in_current(text: str) -> str:
    return _(text)


# --- neutrality -------------------------------------------------------------------------------------

def _fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def labelling_words(organization: str | None = None) -> list[str]:
    """The stems no card may carry by default, plus the organization's name (and its words of 4+ letters)."""
    words = [_fold(s) for s in LABELLING_STEMS]
    org = (organization or "").strip()
    if org:
        words.append(_fold(org))
    return words


@functools.lru_cache(maxsize=16)
def _labelling_pattern(organization: str | None) -> re.Pattern[str]:
    """One expression for :func:`labelling_words` over folded text with words separated by single spaces: a stem
    at a word start, a whole-word stem (one written with a trailing space) as a word."""
    alternatives = []
    for stem in labelling_words(organization):
        stem_f = re.sub(r"[^\w]+", " ", stem)
        words = stem_f.strip()
        if words:
            alternatives.append(re.escape(" " + words + (" " if stem_f.endswith(" ") else "")))
    return re.compile("|".join(alternatives) or "(?!)")


def is_labelling(text: str | None, organization: str | None = None) -> bool:
    if not text:
        return False
    folded = " " + re.sub(r"[^\w]+", " ", _fold(text)) + " "
    return _labelling_pattern((organization or "").strip() or None).search(folded) is not None


_SPLIT_LINES = re.compile(r"\s*(?:[\n;]|\s\|\s)\s*")
_SPLIT_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[\"'(¿¡]?[A-ZÁÉÍÓÚÑ])")
_DAY = (r"(?:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|"
        r"lun(?:es)?|mar(?:tes)?|mi[eé](?:rcoles)?|jue(?:ves)?|vie(?:rnes)?|s[aá]b(?:ado)?|dom(?:ingo)?)s?\.?")
_DAY_TOKEN = re.compile(rf"^\(?{_DAY}(?:\s*[-–]\s*{_DAY})?[,;)]*$", re.I)
_TIME_WORD = re.compile(r"^(?:a\.?m\.?|p\.?m\.?|noon|midnight|closed|cerrado|h|hrs?\.?)[,;)]*$", re.I)


def _headed_pieces(text: str) -> list[str]:
    """Cut one line before each heading of the "Immigration: 8:00am-5:00pm, Mon-Thur Citizenship Class: 9:00am..."
    kind: a heading is up to six words ending in a colon, none of them a day, a time or a number."""
    tokens = list(re.finditer(r"\S+", text))
    cuts = [0]
    for i, tok in enumerate(tokens):
        if not tok.group().endswith(":") or i == 0:
            continue
        start = i
        while start > 0 and i - start < 5:
            word = tokens[start - 1].group()
            if (any(c.isdigit() for c in word) or not any(c.isalpha() for c in word) or word[-1] in ",;)."
                    or _DAY_TOKEN.match(word) or _TIME_WORD.match(word)):
                break
            start -= 1
        if start > 0 and tokens[start].start() > cuts[-1]:
            cuts.append(tokens[start].start())
    cuts.append(len(text))
    return [text[a:b].strip(" ,") for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip(" ,")]


def neutral_text(text: str | None, organization: str | None = None, *, items: bool = False) -> tuple[str, list[str]]:
    """``text`` from the directory without its labelling parts: (what may go on a paper, the parts left off).

    The text is cut into lines (newlines, ";"), sentences and headed parts ("Immigration: 8:00am-5:00pm, Mon-Thur"),
    and with ``items`` into comma-separated items (a list of documents); every part with a labelling word
    (:func:`is_labelling`) is left off whole, so what stays is the directory's own words, never a half-sentence.
    "" when nothing is left."""
    text = (text or "").strip()
    if not text or not is_labelling(text, organization):
        return text, []
    kept: list[tuple[str, str]] = []  # (part, the separator that follows it)
    dropped: list[str] = []
    for line in _SPLIT_LINES.split(text):
        for sentence in _SPLIT_SENTENCES.split(line):
            parts = _headed_pieces(sentence)
            if items:
                parts = [p.strip() for part in parts for p in re.split(r",\s+(?![^()]*\))", part) if p.strip()]
            for n, part in enumerate(parts):
                if is_labelling(part, organization):
                    dropped.append(part)
                else:
                    last = n == len(parts) - 1
                    kept.append((part, (" " if part.endswith((".", "!", "?")) else "; ") if last else
                                 (", " if items else "; ")))
    out = "".join(p + sep for p, sep in kept[:-1]) + (kept[-1][0] if kept else "")
    return out.strip(" ;,"), dropped


# a part of an address that names a place, not a programme: "Col. El Refugio" is a neighbourhood of Tijuana
_PLACE_WORD = re.compile(r"^(?:col(?:onia)?|fracc(?:ionamiento)?|barrio|ejido|ranch(?:o|er[ií]a)|pueblo|villa|"
                         r"av(?:enida)?|calle|callej[oó]n|privada|blvd|boulevard|bulevar|carretera|camino|calzada|"
                         r"paseo|prolongaci[oó]n|andador|cerrada|circuito|retorno|zona|sector|secci[oó]n|manzana|"
                         r"mz|lote|lt|c\.?p|street|st|avenue|ave|road|rd|drive|dr|lane|ln|way|court|ct|place|pl|"
                         r"highway|hwy|route|rte|suite|ste|unit|floor|fl|building|bldg|apt)\b\.?", re.I)
_STREET_END = re.compile(r"\b(?:street|st|avenue|ave|road|rd|drive|dr|lane|ln|way|court|ct|boulevard|blvd|"
                         r"highway|hwy|parkway|pkwy|circle|cir|terrace|ter|trail|trl)\.?$", re.I)


def neutral_address(street: str | None, organization: str | None = None) -> tuple[str, list[str]]:
    """A street address without a building or programme name that labels ("Victim Services Building, 50 W
    Washington St"): comma-separated parts with a labelling word are left off, unless the part is the street or the
    neighbourhood itself (a number, "Calle ...", "Col. ...", "... Road": a street or a colonia may be called Refugio)."""
    kept, dropped = [], []
    for part in (p.strip() for p in (street or "").split(",")):
        if not part:
            continue
        if (is_labelling(part, organization) and not any(c.isdigit() for c in part) and not _PLACE_WORD.match(part)
                and not _STREET_END.search(part)):
            dropped.append(part)
        else:
            kept.append(part)
    return ", ".join(kept), dropped


def neutral_field(text: str | None, label: bool, organization: str | None, notes: list[str], **kw) -> str:
    """Directory text as a paper may show it: whole with ``label``, else without its labelling parts (each said in
    ``notes``)."""
    text = (text or "").strip()
    if label or not text:
        return text
    kept, dropped = neutral_text(text, organization, **kw)
    notes += [_(T_NOTE_DROPPED).format(text=d) for d in dropped]
    return kept


def neutral_location(loc: Mapping[str, Any], label: bool, organization: str | None,
                     notes: list[str]) -> Mapping[str, Any]:
    """A location whose street line has no building or programme name that labels (unless ``label``)."""
    if label or not loc.get("address"):
        return loc
    street, dropped = neutral_address(loc["address"], organization)
    notes += [_(T_NOTE_DROPPED).format(text=d) for d in dropped]
    return {**loc, "address": street}


def neutral_phones(text: str | None, label: bool, organization: str | None, notes: list[str]) -> list[str]:
    """A directory's phone numbers; one written with a labelling word ("305-555-0100 (DV line)") is left off."""
    phones = [p.strip() for p in re.split(r"\s*;\s*", text or "") if p.strip()]
    if label:
        return phones
    kept = [p for p in phones if not is_labelling(p, organization)]
    notes += [_(T_NOTE_DROPPED).format(text=p) for p in phones if p not in kept]
    return kept


# --- dates --------------------------------------------------------------------------------------------

def zone_country(zone_name: str) -> str | None:
    from babel.core import get_global

    return get_global("zone_territories").get(zone_name)


def when_words(start: datetime, lang: str, city: str | None = None) -> tuple[str, str]:
    """("martes 4 de marzo de 2031, 9:00 de la mañana", "hora de Tijuana") in the appointment's own zone; ``city``
    (the place's own town, in that zone) is named instead of the zone's sample city: "hora de Miami", not
    "hora de Nueva York", for an appointment in Miami."""
    from babel.dates import format_date, format_time, get_timezone_location

    from advocate.i18n import babel_locale

    locale = babel_locale(lang)
    pattern = "EEEE d 'de' MMMM 'de' y" if lang == "es" else "EEEE, MMMM d, y"
    day = format_date(start.date(), pattern, locale=locale)
    clock = format_time(start, "h:mm B", locale=locale)
    key = getattr(start.tzinfo, "key", "") or ""
    if not city and (key.startswith("Etc/") or "/" not in key):
        # a zone with no city ("Etc/GMT+5", "UTC", "EST", "EST5EDT"): Babel says "GMT+5" for what is UTC-5 (the
        # POSIX sign) and "Panamá" for EST; the card says the offset itself, with its usual sign
        offset = start.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
        city = "UTC" + (f"{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "") if minutes else "")
    city = city or get_timezone_location(start.tzinfo, locale=locale, return_city=True)
    if lang == "es" and city == "Ciudad de México":  # the one town said with its article: "hora de la Ciudad..."
        city = "la Ciudad de México"
    return f"{day}, {clock}", gettext_in(lang, T_TIME_IN).format(city=city)


def place_city(store: Store | None, a: dict) -> str | None:
    """The town of the appointment's place - its directory service's, or the town its free-text place ends with -
    when the appointment is kept in that town's own zone; None otherwise (the zone's sample city is said)."""
    from advocate.appointments.log import place_zone
    from advocate.directory.search import get_service

    if not a.get("service_id"):
        return _town_in_text(a.get("place") or "", a["tz"])
    if store is None:
        return None
    if place_zone(store, a["service_id"]) != a["tz"]:
        return None
    from advocate.errors import InputError, NotFound

    try:
        row = get_service(store, a["service_id"])
    except (InputError, NotFound):  # a card still prints, with the zone's own city
        return None
    locs = row.get("locations") or []
    loc: Mapping[str, Any] = locs[0] if locs else {}
    city = (loc.get("city") or row.get("city") or "").strip()
    return city.title() if city.isupper() else (city or None)


_ZIP_TAIL = re.compile(r"\s*\b\d{5}(?:-\d{4})?$")


def _town_in_text(text: str, zone: str) -> str | None:
    """The town a free-text place ends with ("Jackson Memorial, Miami", "1351 NW 12th St, Miami, FL 33125"), when
    the best-known town of that name (in the state written, if any) keeps the appointment's zone: the card then
    says "hora de Miami", not the zone's sample city ("hora de Nueva York"). A country, a state and a ZIP after
    the town are read as such, never as the town; a state where the town would be ("Clínica, Oaxaca": the city
    or the state?), a text with no comma, a town of another zone, or the sample city itself give None."""
    from zoneinfo import ZoneInfo

    from babel.dates import get_timezone_location

    from advocate.geo.gazetteer import town_in_zone
    from advocate.geo.parse import is_country
    from advocate.geo.regions import lookup_region
    from advocate.textnorm import fold_place

    parts = [p.strip() for p in text.split(",") if p.strip()]
    while parts and is_country(parts[-1]):
        parts.pop()
    regions: tuple[tuple[str, str], ...] = ()
    if len(parts) >= 3:
        tail = _ZIP_TAIL.sub("", parts[-1]).strip()
        found = lookup_region(tail) if tail else ()
        if not tail or found:  # "FL 33125", "Chih.", "Washington", a ZIP alone
            parts.pop()
            regions = found
    if len(parts) < 2:
        return None
    town = parts[-1]
    norm = fold_place(town)
    if not norm or any(ch.isdigit() for ch in town) or lookup_region(town):
        return None
    try:
        tz = ZoneInfo(zone)
        samples = {fold_place(get_timezone_location(tz, locale=loc, return_city=True)) for loc in ("en", "es")}
    except (LookupError, ValueError):
        return None
    if norm in samples:
        return None
    name = town_in_zone(norm, zone, regions)
    if name is None:
        return None
    return name if town.isupper() or town.islower() else town


def _duration_words(minutes: int, lang: str) -> str:
    if minutes < 50:
        return gettext_in(lang, T_ABOUT_MIN).format(minutes=minutes)
    if minutes < 75:
        return gettext_in(lang, T_ABOUT_HOUR)
    halves = (minutes + 15) // 30  # to the nearest half hour, said in words: "una hora y media", not "1.5 horas"
    hours, half = divmod(halves, 2)
    if half:
        return gettext_in(lang, T_ABOUT_HOUR_HALF) if hours == 1 else gettext_in(lang, T_ABOUT_HOURS_HALF).format(
            hours=hours)
    return gettext_in(lang, T_ABOUT_HOURS).format(hours=hours)


# --- numbers that work from a country -------------------------------------------------------------------

def neutral_line_name(row: Mapping[str, Any], number: str, lang: str) -> str:
    """A national line named by what it is, not by whom it serves ("Help line, 24 h", "Emergencies")."""
    cats = set(row.get("categories") or [])
    if number.strip() == "911":
        return gettext_in(lang, T_EMERGENCIES)
    if "consular" in cats:
        return gettext_in(lang, T_CONSULATE)
    h24 = (row.get("hours") or "").replace(" ", "") in ("24/7", "24h")
    if "mental-health" in cats and "crisis" in cats:
        return gettext_in(lang, T_SUPPORT_24 if h24 else T_HELP_LINE)
    return gettext_in(lang, T_HELP_LINE_24 if h24 else T_HELP_LINE)


_VANITY = re.compile(r"\+?1?[-. ]?\(?\d{3}\)?[-. ]?[0-9A-Z]{3}[-. ]?[0-9A-Z]*[A-Z][0-9A-Z]*")


def keeps_own_name(row: Mapping[str, Any], name: str, organization: str | None) -> bool:
    """A consular line keeps its own name when it labels nothing: "Consulado de México" would mislead someone in
    Mexico calling CIAM (the foreign ministry's centre for Mexicans in the U.S.)."""
    return "consular" in (row.get("categories") or []) and bool(name) and not is_labelling(name, organization)


def line_ways(row: Mapping[str, Any], country: str, lang: str, *, label: bool = False, organization: str | None = None,
              notes: list[str] | None = None, limit: int = 3) -> list[str]:
    """The ways to reach a bundled service's lines from ``country``, in ``lang`` ("llamar 988 (marque 2 para
    español)"): phone, text and WhatsApp only (a web chat is not something to dial from a paper); a line's
    label with a labelling word is left off (said in ``notes``) unless ``label``."""
    notes = notes if notes is not None else []
    ways = []
    lines = [ln for ln in row.get("lines") or [] if ln["kind"] in KIND_WORDS and country in (ln.get("from") or [])]
    for ln in lines[:limit]:
        extra = (ln.get("label_es") if lang == "es" else None) or ln.get("label") or ""
        if extra and not label and _VANITY.fullmatch(extra.strip()):
            extra = ""  # "1-800-799-SAFE": the digits are printed; the word says what the line is for
        if extra and not label and is_labelling(extra, organization):
            notes.append(gettext_in_current(T_NOTE_DROPPED).format(text=extra))
            extra = ""
        if ln["kind"] == "chat":
            continue
        way = f"{gettext_in(lang, KIND_WORDS[ln['kind']])} {ln['number']}"
        ways.append(f"{way} ({extra})" if extra else way)
    return ways


def numbers_for(store: Store, country: str, lang: str, *, label: bool = False, organization: str | None = None,
                limit: int = 3, notes: list[str] | None = None) -> list[Line]:
    """Up to ``limit`` lines that work from ``country`` (US or MX): survivor-first, never law enforcement,
    one entry per service, each with the ways to reach it from there."""
    from advocate.directory.national import national_services

    notes = notes if notes is not None else []
    out: list[Line] = []
    rows = national_services(store, place_country=country, dial_from=country)
    rows.sort(key=lambda r: (r.get("country") or "") != country)  # stable: the country's own lines first
    for row in rows:
        if row.get("law_enforcement"):
            continue
        lines = [ln for ln in row.get("lines") or [] if ln["kind"] in KIND_WORDS and country in (ln.get("from") or [])]
        if not lines:
            continue
        name = (row.get("name_es") if lang == "es" else None) or row.get("name") or ""
        if not label and not keeps_own_name(row, name, organization):
            shown = neutral_line_name(row, lines[0]["number"], lang)
            if is_labelling(name, organization):
                notes.append(gettext_in_current(T_NOTE_NAME_HIDDEN).format(name=name, shown=shown))
            name = shown
        ways = line_ways(row, country, lang, label=label, organization=organization, notes=notes)
        if not ways:
            continue
        spanish = current_language() == "es"
        caution = (row.get("caution_es") if spanish else None) or row.get("caution")
        if caution:  # for the advocate (stderr), never on the card: what to know before handing it over
            notes.append(gettext_in_current(T_NOTE_CAUTION).format(
                name=(row.get("name_es") if spanish else None) or row.get("name"), caution=caution))
        out.append(Line(name, "; ".join(ways)))
        if len(out) >= limit:
            break
    return out


def numbers_card(store: Store, country: str, lang: str, *, label: bool = False, organization: str | None = None,
                 limit: int = 6, fit: bool = True) -> Card:
    """Up to ``limit`` lines that work from ``country``; with ``fit`` (the printed card), only those that fit the
    wallet card whole, the others in ``left_off``."""
    country = (country or "").strip().upper()
    if country not in COUNTRY_NAMES:
        raise InputError(_('"{value}" is not a country for this card; use MX or US').format(
            value=country), field="for")
    notes: list[str] = []
    lines = numbers_for(store, country, lang, label=label, organization=organization, limit=limit, notes=notes)
    title = gettext_in(lang, T_LINES_FROM).format(country=gettext_in(lang, COUNTRY_NAMES[country]))
    left_off: list[str] = []
    if fit:
        lines = fit_wallet(title, lines, left_off)
    return Card(title=title, lang=lang, paper="wallet", sections=[Section("", lines)], notes=notes, left_off=left_off)


# What the wallet card holds, as its CSS draws it (_CSS["wallet"]), in CSS pixels (96 an inch): DejaVu Sans, the
# widest font it names, 7.5 pt (10 px) with line-height 1.2, bold numbers. The box clipped whatever did not fit:
# the U.S. card in Spanish printed three lines and half of a fourth, with two more lost below.
_WALLET_WIDTH_PX = (3.26 - 2 * 0.06) * 96 - 2
_WALLET_ROOM_PX = (1.7 - 0.06 - 0.03) * 96 - 2  # inside the border: the top padding and half the bottom one off
_WALLET_LINE_PX, _WALLET_GAP_PX = 7.5 * 1.2 * 96 / 72, 0.035 * 96
_WALLET_TITLE_LINE_PX = 8.5 * 1.2 * 96 / 72
# DejaVu Sans advance widths (em) of the lower-case letters; digits 0.636; bold is about a tenth wider
_DEJAVU = dict(zip("abcdefghijklmnopqrstuvwxyz", (.613, .635, .550, .635, .615, .352, .635, .634, .278, .278, .579,
                                                   .278, .974, .634, .612, .635, .635, .411, .521, .392, .634, .592,
                                                   .818, .592, .592, .525), strict=True))


def _em(text: str) -> float:
    import unicodedata

    total = 0.0
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        total += (_DEJAVU.get(base) or (.636 if base.isdigit() else .318 if base == " " else .72 if base.isupper()
                                        else .32 if base in ".,;:'!|" else .40 if base in "()[]-/" else .70))
    return total


def wallet_rows(words: list[tuple[str, float]], width_px: float = _WALLET_WIDTH_PX, px: float = 10.0) -> int:
    """How many lines ``words`` ((word, weight): 1.0 regular, 1.1 bold) take on the wallet card, wrapped at spaces
    as a browser does, with 2% to spare (a little more than the real line: never fewer)."""
    rows, used = 1, 0.0
    for word, weight in words:
        width = _em(word) * px * weight
        space = _em(" ") * px * weight
        if used and used + space + width > width_px * 0.98:
            rows, used = rows + 1, width
        else:
            used += (space if used else 0) + width
    return rows


def fit_wallet(title: str, lines: list[Line], notes: list[str]) -> list[Line]:
    """The lines, in order, that fit the wallet card whole; each one left off is said in ``notes`` with its
    number, so the advocate can write it on the back or use a referral sheet. Half a number is worse than none."""
    used = wallet_rows([(w, 1.1) for w in title.split()], px=8.5 * 96 / 72) * _WALLET_TITLE_LINE_PX + 0.04 * 96
    kept = []
    for ln in lines:
        words = [(w, 1.0) for w in f"{ln.label}:".split()] + [(w, 1.1) for w in ln.value.split()] if ln.value \
            else [(w, 1.0) for w in ln.label.split()]
        height = wallet_rows(words) * _WALLET_LINE_PX
        if used + height > _WALLET_ROOM_PX:
            notes.append(_(T_NOTE_NO_ROOM).format(line=f"{ln.label}: {ln.value}" if ln.value else ln.label))
            continue
        kept.append(ln)
        used += height + _WALLET_GAP_PX
    return kept


# --- the appointment card ----------------------------------------------------------------------------------

def _first_name(name: str | None) -> str | None:
    parts = (name or "").replace(",", " ").split()
    return parts[0][:40] if parts else None


def _prep_papers(store: Store, client_code: str) -> str | None:
    """The "papers to bring" the client's appointment-prep checklist says, as that checklist saved them."""
    from advocate.checklists.progress import written_answer

    return written_answer(store, client_code, PREP_CHECKLIST, PREP_PAPERS)


# What a paper calls a place whose name and own category both label it: the name was hidden for one of these, so
# another of its categories ("Education" for an immigration legal clinic that also teaches English) would send the
# person to the wrong desk. In order: the first the row has names it.
NEUTRAL_FOR_LABELLING = (("legal-immigration", N_("Legal help")), ("trafficking", N_("Support services")),
                         ("domestic-violence", N_("Support services")), ("sexual-assault", N_("Support services")),
                         ("victim-services", N_("Support services")), ("law-enforcement", N_("Government office")),
                         ("detention", N_("Government office")), ("shelter", N_("Housing")))


def _category_label(row: Mapping[str, Any], lang: str, organization: str | None) -> str | None:
    from advocate.directory.vocab import categories

    cats = set(row.get("categories") or [])
    for cat, neutral in NEUTRAL_FOR_LABELLING:
        if cat in cats:
            return gettext_in(lang, neutral)
    table = categories()
    for cat in row.get("categories") or []:
        entry = table.get(cat) or {}
        text = entry.get("label_es" if lang == "es" else "label_en")
        if text and not is_labelling(text, organization):
            return text
    return None


def service_name(row: Mapping[str, Any], lang: str, *, label: bool = False, organization: str | None = None,
                 notes: list[str] | None = None, fallback: str = T_APPOINTMENT) -> str:
    """A directory service's name as a paper shows it: its Spanish name in Spanish; unless ``label``, a name with
    a labelling word becomes the first neutral category label (or ``fallback``), said in ``notes``."""
    name = (row.get("name_es") if lang == "es" else None) or row.get("name") or ""
    if not label and is_labelling(name, organization):
        shown = _category_label(row, lang, organization) or gettext_in(lang, fallback)
        if notes is not None:
            notes.append(_(T_NOTE_NAME_HIDDEN).format(name=name, shown=shown))
        return shown
    return name


def address_text(loc: Mapping[str, Any] | None, row: Mapping[str, Any] | None = None) -> str:
    """"street, city, ST 12345" from a location (or the service row's own fields)."""
    loc, row = loc or {}, row or {}

    def pick(key):
        return loc.get(key) or row.get(key)

    return ", ".join(p for p in (pick("address"), pick("city"),
                                 " ".join(x for x in (pick("region"), pick("postal_code")) if x)) if p)


def _service_place(store: Store, service_id: str, lang: str, label: bool, organization: str | None,
                   notes: list[str]) -> tuple[list[Line], str | None]:
    from advocate.directory.search import get_service

    row = get_service(store, service_id)
    lines = [Line(service_name(row, lang, label=label, organization=organization, notes=notes))]
    locs = row.get("locations") or []
    loc: Mapping[str, Any] = locs[0] if locs else {}
    address = address_text(neutral_location(loc, label, organization, notes),
                           neutral_location(row, label, organization, notes))
    if address:
        lines.append(Line(address))
    country = (loc.get("country") or row.get("country") or "").upper() or None
    if row.get("lines"):
        # a bundled record's own lines, each with its label ("+1 520 623 7874 (CIAM (24 h) comunica con este
        # consulado)"): its first phone alone would pass a call centre in Arizona off as a Miami office's number
        ways = line_ways(row, country or "US", lang, label=label, organization=organization, notes=notes)
        if ways:
            lines.append(Line(gettext_in(lang, T_PHONE), "; ".join(ways)))
        return lines, country
    from advocate.sheet import extension_words

    phones = neutral_phones(row.get("phone"), label, organization, notes)
    if phones:  # "305-374-1065 x429" as a person reads it: "305-374-1065, extensión 429"
        lines.append(Line(gettext_in(lang, T_PHONE), "; ".join(extension_words(p, lang) for p in phones)))
    return lines, country


def appointment_card(store: Store, appointment_id, lang: str = "es", *, label: bool = False, with_name: str | None = None,
                     organization: str | None = None, numbers: int = 3) -> Card:
    """The card for one appointment, in ``lang``. Raises NotFound/InputError like the log does."""
    from advocate.appointments.log import from_utc_text, get_appointment, types
    from advocate.directory.vocab import language_name

    a = get_appointment(store, appointment_id)
    zone = ZoneInfo(a["tz"])
    start = from_utc_text(a["starts_utc"]).astimezone(zone)
    notes: list[str] = []
    kind = types().get(a["type"], {})
    type_label = kind.get("label_es" if lang == "es" else "label_en")
    title = gettext_in(lang, T_APPOINTMENT)
    if type_label and (label or not is_labelling(type_label, organization)) and a["type"] != "other":
        title = f"{title}: {type_label}"
    day, zone_phrase = when_words(start, lang, place_city(store, a))
    sections = [Section(gettext_in(lang, T_WHEN), [Line(day), Line(f"({zone_phrase})"),
                                                    Line(_duration_words(a["duration_min"], lang))])]
    country = None
    if a.get("service_id"):
        where, country = _service_place(store, a["service_id"], lang, label, organization, notes)
    elif a.get("place"):
        text = neutral_field(a["place"], label, organization, notes, items=True)
        where = [Line(text or gettext_in(lang, T_PLACE_TBC))]
    else:
        where = [Line(gettext_in(lang, T_PLACE_TBC))]
    sections.append(Section(gettext_in(lang, T_WHERE), where))
    first = _first_name(with_name)
    if first:
        sections.append(Section(gettext_in(lang, T_WITH), [Line(first)]))
    if a.get("interpreter"):
        sections.append(Section(gettext_in(lang, T_INTERPRETER), [Line(language_name(a["interpreter"], lang))]))
    bring = [Line(gettext_in(lang, T_BRING_CARD))]
    papers = neutral_field(_prep_papers(store, a["client"]), label, organization, notes, items=True)
    if papers:
        bring.append(Line(papers))
    bring += [Line(gettext_in(lang, item)) for item in BRING_BY_TYPE.get(a["type"], (T_BRING_ID,))]
    if a["duration_min"] >= 120:
        bring.append(Line(gettext_in(lang, T_BRING_FOOD)))
    sections.append(Section(gettext_in(lang, T_BRING), bring))
    country = country or zone_country(a["tz"]) or "US"
    if country in COUNTRY_NAMES and numbers:
        lines = numbers_for(store, country, lang, label=label, organization=organization, limit=numbers, notes=notes)
        if lines:
            sections.append(Section(gettext_in(lang, T_NUMBERS), lines))
    if label and organization:
        sections.append(Section("", [Line(organization)]))
    return Card(title=title, lang=lang, paper="half-letter", sections=sections, notes=notes)


# --- rendering ------------------------------------------------------------------------------------------------

_CSS = {
    "half-letter": """@page { size: 5.5in 8.5in; margin: 0.4in; }
html { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #000; background: #fff; }
body { margin: 0; font-size: 14pt; line-height: 1.25; }
h1 { font-size: 20pt; margin: 0 0 0.08in 0; }
h2 { font-size: 10pt; text-transform: uppercase; letter-spacing: 0.04em; margin: 0.1in 0 0.03in 0;
     border-bottom: 1px solid #000; }
p { margin: 0.02in 0; }
.v { font-weight: bold; }
ul { margin: 0.02in 0 0 0; padding-left: 0.25in; }
.big { font-size: 16pt; font-weight: bold; }
""",
    "sheet-letter": """@page { size: 8.5in 11in; margin: 0.6in; }
html { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #000; background: #fff; }
body { margin: 0; font-size: 13pt; line-height: 1.3; }
h1 { font-size: 20pt; margin: 0 0 0.12in 0; }
section { break-inside: avoid; page-break-inside: avoid; border-top: 2px solid #000; padding: 0.06in 0 0.1in 0; }
h2 { font-size: 16pt; margin: 0 0 0.04in 0; }
p { margin: 0.03in 0; }
.k { font-weight: bold; }
""",
    "sheet-half-letter": """@page { size: 5.5in 8.5in; margin: 0.4in; }
html { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #000; background: #fff; }
body { margin: 0; font-size: 11pt; line-height: 1.25; }
h1 { font-size: 16pt; margin: 0 0 0.08in 0; }
section { break-inside: avoid; page-break-inside: avoid; border-top: 2px solid #000; padding: 0.04in 0 0.08in 0; }
h2 { font-size: 13pt; margin: 0 0 0.03in 0; }
p { margin: 0.02in 0; }
.k { font-weight: bold; }
""",
    "wallet": """@page { size: 3.5in 2in; margin: 0.12in; }
html { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #000; background: #fff; }
body { margin: 0; width: 3.26in; font-size: 7.5pt; line-height: 1.2; }
.card { border: 1px dashed #777; padding: 0.06in; height: 1.7in; box-sizing: border-box; }
h1 { font-size: 8.5pt; margin: 0 0 0.04in 0; }
p { margin: 0 0 0.035in 0; }
.v { font-weight: bold; }
""",
}


def render_card(card: Card, fmt: str = "html") -> str:
    if fmt == "html":
        return _html(card)
    if fmt == "md":
        return _markdown(card)
    if fmt == "txt":
        return _text(card)
    raise InputError(_('"{value}" is not a card format; use html, txt or md').format(value=fmt),
                     field="format")


def _esc(text: str) -> str:
    return html.escape(text or "", quote=True)


def _html(card: Card) -> str:
    out = ["<!DOCTYPE html>", f'<html lang="{_esc(card.lang)}"><head><meta charset="utf-8">',
           f"<title>{_esc(card.title)}</title>", f"<style>{_CSS[card.paper]}</style></head><body>"]
    if card.paper.startswith("sheet-"):
        return "\n".join(out + _sheet_body(card) + ["</body></html>\n"])
    if card.paper == "wallet":
        out.append('<div class="card">')
    out.append(f"<h1>{_esc(card.title)}</h1>")
    for sec in card.sections:
        if sec.heading:
            out.append(f"<h2>{_esc(sec.heading)}</h2>")
        listed = len(sec.lines) > 1 and all(not ln.value for ln in sec.lines) and sec.heading and card.paper != "wallet" \
            and sec is not card.sections[0]
        if listed:
            out.append("<ul>" + "".join(f"<li>{_esc(ln.label)}</li>" for ln in sec.lines) + "</ul>")
            continue
        for ln in sec.lines:
            if sec is card.sections[0] and ln is sec.lines[0] and card.paper != "wallet":
                out.append(f'<p class="big">{_esc(ln.label)}</p>')
            elif ln.value:
                out.append(f'<p>{_esc(ln.label)}: <span class="v">{_esc(ln.value)}</span></p>')
            else:
                out.append(f"<p>{_esc(ln.label)}</p>")
    if card.paper == "wallet":
        out.append("</div>")
    out.append("</body></html>\n")
    return "\n".join(out)


def _sheet_body(card: Card) -> list[str]:
    """A referral sheet: one block per service (kept on one page), each fact as "label: value"."""
    out = [f"<h1>{_esc(card.title)}</h1>"]
    for sec in card.sections:
        out.append("<section>")
        if sec.heading:
            out.append(f"<h2>{_esc(sec.heading)}</h2>")
        for ln in sec.lines:
            if ln.value:
                out.append(f'<p><span class="k">{_esc(ln.label)}:</span> {_esc(ln.value)}</p>')
            else:
                out.append(f"<p>{_esc(ln.label)}</p>")
        out.append("</section>")
    return out


def _text(card: Card) -> str:
    out = [card.title, "=" * min(len(card.title), 60)]
    for sec in card.sections:
        out.append("")
        if sec.heading:
            out.append(sec.heading.upper())
        for ln in sec.lines:
            out.append(f"  {ln.label}: {ln.value}" if ln.value else f"  {ln.label}")
    return "\n".join(out) + "\n"


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text or "")


def _markdown(card: Card) -> str:
    out = [f"# {_md_escape(card.title)}"]
    for sec in card.sections:
        out.append("")
        if sec.heading:
            out += [f"## {_md_escape(sec.heading)}", ""]
        for ln in sec.lines:
            out.append(f"- {_md_escape(ln.label)}: **{_md_escape(ln.value)}**" if ln.value else f"- {_md_escape(ln.label)}")
    return "\n".join(out) + "\n"
