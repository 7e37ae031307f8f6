"""The referral sheet: the services a survivor is sent to, with what they need to get there.

For each service: its name, address, a direction line without a map ("2.4 miles north-east of New York, NY"
from ``near``), the directory's own directions (location ``transportation``), the numbers that work from the
country the person calls from, opening hours, the languages spoken there (named in the sheet's language), whether
an appointment is needed (from the directory's ``application_process``) and what to bring.

The same rules as the appointment card (:mod:`advocate.cards`, whose pieces this reuses): written in the
*survivor's* language, neutral unless ``label`` (a name with a labelling word becomes a category label, the
replacement said in ``Card.notes`` for the advocate), never the client code, never the organization's name;
text from the directory with a labelling word is left off. A law-enforcement service is on a sheet only when
it was asked for (named by id, or a lookup with ``-c law-enforcement``), and the advocate is told.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from advocate.cards import (
    COUNTRY_NAMES,
    T_BRING_ADDRESS,
    T_BRING_BIRTH,
    T_BRING_CHILD,
    T_BRING_ID,
    T_BRING_LETTERS,
    T_BRING_MEDS,
    T_BRING_PAY,
    T_NOTE_CAUTION,
    T_NOTE_DROPPED,
    T_NOTE_NAME_HIDDEN,
    T_PHONE,
    Card,
    Line,
    Section,
    address_text,
    is_labelling,
    keeps_own_name,
    line_ways,
    neutral_field,
    neutral_line_name,
    neutral_location,
    neutral_phones,
    neutral_text,
    service_name,
)
from advocate.errors import InputError
from advocate.hours import hours_words
from advocate.i18n import N_, _, current_language, format_number, gettext_in, ngettext_in

if TYPE_CHECKING:
    from advocate.store import Store

SHEET_PAPERS = ("letter", "half-letter")

T_SHEET_TITLE = N_("Places that can help")
T_PLACE_N = N_("Place {n}")
T_ADDRESS = N_("Address")
T_HOW_TO_GET = N_("Getting there")
T_DIRECTIONS = N_("Directions (as the directory gives them)")
T_HOURS = N_("Opening hours")
T_HOURS_AS_GIVEN = N_("Opening hours (as the directory gives them)")
T_HOURS_ASK = N_("Call to ask the hours before you go.")
T_NOTE_HOURS_ASK = N_("the paper asks the person to call for the hours: with a part left off, the hours left would "
                      "be another programme's or show a day as closed")
T_LANGUAGES = N_("Languages spoken")
T_INTERPRETERS = N_("with an interpreter: {languages}")
T_APPOINTMENT = N_("Appointment")
T_CALL_FIRST = N_("Call first to make an appointment.")
T_WALK_IN = N_("You can go without an appointment.")
T_CALL_INFO = N_("Call first to ask how it works.")
T_REFERRAL = N_("They ask for a referral first; your advocate can help with it.")
T_BRING = N_("What to bring")
T_BRING_SHEET = N_("This sheet")
T_BY_PHONE = N_("By phone; no office to visit.")
T_FROM_ABROAD = N_("(from {country})")
T_VERY_CLOSE = N_("Very close to {place}")
T_DIRECTION = N_("{distance} {direction} of {place}")
T_NOTE_NO_NUMBER = N_("{name} is not on the sheet: it has no number to call from {country}")
T_NOTE_NO_LINE_HERE = N_("{name}: no phone on the sheet, none of its numbers is known to work from {country} (its "
                         "address is there)")
T_EXT = N_("ext. {number}")
T_NOTE_SAME_DOOR = N_("one entry on the sheet for {names}: the same address and phone, and all else it says but the "
                      "name and what to bring")
T_NOTE_LAW = N_("{name} is law enforcement: it is on the sheet because you asked for it")
COMPASS = (N_("north"), N_("north-east"), N_("east"), N_("south-east"), N_("south"), N_("south-west"),
           N_("west"), N_("north-west"))
# what a person may bring, by the service's categories, when the directory lists no documents of its own: only
# items that are right for every service of the category (not "education": an English class for adults is not a
# child's school), and only from a category the directory gave (not one guessed from a word of the description)
BRING_BY_CATEGORY = {
    "consular": (T_BRING_BIRTH,), "identity-documents": (T_BRING_BIRTH,), "repatriation": (T_BRING_BIRTH,),
    "medical": (T_BRING_MEDS,), "mental-health": (T_BRING_MEDS,), "substance-use": (T_BRING_MEDS,),
    "legal-immigration": (T_BRING_LETTERS,), "legal-criminal": (T_BRING_LETTERS,), "legal-civil": (T_BRING_LETTERS,),
    "labor-rights": (T_BRING_PAY, T_BRING_LETTERS), "benefits": (T_BRING_LETTERS, T_BRING_ADDRESS),
    "housing": (T_BRING_LETTERS,), "childcare": (T_BRING_CHILD,),
}
# a service of many kinds (a community centre) says nothing about what this visit needs: no guess past this
BRING_MAX_CATEGORIES = 2
PHONE_ONLY = {"hotline", "crisis"}
FAR_LINE_KM = 160.0  # a help line's office farther than this (100 mi) from the place is not a place to go
_WALK_IN = re.compile(r"\bwalk[- ]?ins?\b|\bno appointment|\bdrop[- ]?in\b|\bsin cita\b", re.I)
_APPOINTMENT = re.compile(r"\bappointments?\b|\bappt\b|\bcall (first|ahead|to (schedule|set ?up|make))|"
                          r"\bmust call\b|\bschedul|\bcita\b", re.I)
_CALL_INFO = re.compile(r"^\W*call\b|\bcall (for|to ask)\b|\bllame\b", re.I)
_REFERRAL = re.compile(r"\breferral (is )?(required|needed|only)|\bby referral\b|\bmust be referred\b", re.I)
DIAL_PREFIX = {"US": "+1", "MX": "+52"}
# what a caller dials before the country code, from a landline or a mobile (IFT: from Mexico "00", then the country's
# code; from the U.S. "011"): the form that works on every phone, as the bundled lines write it ("001 520 623 7874")
EXIT_CODE = {"MX": "00{code}", "US": "011 {code}"}
_EXTENSION = re.compile(r"\s*,?\s*(?:x|ext\.?|extension|extensi[oó]n)\s*(\d{1,6})\s*$", re.I)


def sheet_country(value: str | None) -> str | None:
    code = (value or "").strip().upper()
    if not code:
        return None
    if code not in COUNTRY_NAMES:
        raise InputError(_('"{value}" is not a country for this sheet; use MX or US').format(value=value), field="for")
    return code


def appointment_words(text: str | None, lang: str) -> str | None:
    """Whether a service needs an appointment, from the directory's own words, in ``lang``; None when unsaid."""
    if not text:
        return None
    if _REFERRAL.search(text):
        return gettext_in(lang, T_REFERRAL)
    if _WALK_IN.search(text):
        return gettext_in(lang, T_WALK_IN)
    if _APPOINTMENT.search(text):
        return gettext_in(lang, T_CALL_FIRST)
    if _CALL_INFO.search(text):
        return gettext_in(lang, T_CALL_INFO)
    return None


def direction_words(place, lat: float, lon: float, lang: str, country: str) -> str:
    """"2.4 miles north-east of New York, NY" (kilometres from a place in Mexico)."""
    from advocate.geo.distance import KM_PER_MILE, haversine_km

    km = haversine_km(place.latitude, place.longitude, lat, lon)
    miles = country != "MX"
    amount = km / KM_PER_MILE if miles else km
    if amount < 0.2:
        return gettext_in(lang, T_VERY_CLOSE).format(place=place.label)
    n = round(amount, 1) if amount < 10 else round(amount)
    count = 1 if n == 1 else 2
    if miles:
        distance = ngettext_in(lang, "{n} mile", "{n} miles", count)
    else:
        distance = ngettext_in(lang, "{n} kilometre", "{n} kilometres", count)
    distance = distance.format(n=format_number(n, lang=lang))
    return gettext_in(lang, T_DIRECTION).format(distance=distance, direction=gettext_in(lang, COMPASS[_octant(
        place.latitude, place.longitude, lat, lon)]), place=place.label)


def _octant(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """The compass point (of 8) from the first point to the second: 0 north, 1 north-east..."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    bearing = (math.degrees(math.atan2(y, x)) + 360) % 360
    return int((bearing + 22.5) // 45) % 8


def dial_from(number: str, service_country: str | None, caller_country: str | None) -> str:
    """A directory phone number as dialled from ``caller_country``: the country code in front when the service
    is in another country (a US number from Mexico: +1 ...); short codes and numbers with a + stay as they are."""
    number = (number or "").strip()
    digits = re.sub(r"\D", "", _EXTENSION.sub("", number))
    if (not caller_country or not service_country or caller_country == service_country or number.startswith("+")
            or len(digits) < 10 or service_country not in DIAL_PREFIX):
        return number
    code = DIAL_PREFIX[service_country][1:]
    exit_code = EXIT_CODE.get(caller_country)
    if digits.startswith(code) and len(digits) > 10:
        number = number.lstrip("0 ").removeprefix(code).lstrip(" -")
    return f"{exit_code.format(code=code) if exit_code else '+' + code} {number}"


# toll-free prefixes (after the country code): such numbers, like short codes, are not reached from abroad
_TOLL_FREE = {"US": ("800", "833", "844", "855", "866", "877", "888"), "MX": ("800",)}


def callable_from_abroad(number: str, country: str) -> bool:
    """Whether a number of ``country`` can be called from another country: a full geographic number, not a
    short code ("911", "079") nor a toll-free one ("800 000 2018", "1-866-...")."""
    digits = re.sub(r"\D", "", _EXTENSION.sub("", number or ""))
    code = DIAL_PREFIX.get(country, "+").removeprefix("+")
    if code and digits.startswith(code) and len(digits) > 10:
        digits = digits[len(code):]
    return len(digits) == 10 and not digits.startswith(_TOLL_FREE.get(country, ()))


def extension_words(number: str, lang: str) -> str:
    """"305-579-5733 x2221" as a person reads it: "305-579-5733, ext. 2221" ("x" is not an extension in Spanish)."""
    m = _EXTENSION.search(number)
    if not m:
        return number
    return number[:m.start()] + ", " + gettext_in(lang, T_EXT).format(number=m.group(1))


def _country_words(code: str) -> str:
    """A country code as the interface language names it ("MX" -> "México"), for the advocate's notes."""
    return _(COUNTRY_NAMES[code]) if code in COUNTRY_NAMES else code


def _language_names(codes: list[str], lang: str) -> str:
    from advocate.directory.vocab import language_name

    return ", ".join(dict.fromkeys(language_name(c, lang) for c in codes if c))


def _nearest_location(all_locs: list[dict], place) -> dict:
    locs = [loc for loc in all_locs if loc.get("latitude") is not None]
    if place is None or not locs:
        return all_locs[0] if all_locs else {}
    from advocate.geo.distance import haversine_km

    return min(locs, key=lambda loc: haversine_km(place.latitude, place.longitude, loc["latitude"],
                                                     loc["longitude"]))


def _bring(row: Mapping[str, Any], extra: dict, lang: str, label: bool, organization: str | None, notes: list[str]) -> list[str]:
    """What to bring: this sheet, then the documents the directory lists for the service (without a labelling
    part); only when it lists none, the items of its categories (:data:`BRING_BY_CATEGORY`) and any ID."""
    items = [gettext_in(lang, T_BRING_SHEET)]
    docs = (extra.get("required_documents") or "").strip()
    if docs and not label:
        docs, dropped = neutral_text(docs, organization, items=True)
        notes += [_(T_NOTE_DROPPED).format(text=d) for d in dropped]
    if docs:
        items.append(docs)
        return list(dict.fromkeys(items))
    guessed = {e["category"] for e in row.get("category_evidence") or [] if e.get("guessed")}
    given = [c for c in row.get("categories") or [] if c not in guessed]  # set by hand, or the directory's code
    from advocate.labels import in_sentence

    # one line, items after "This sheet" in lower case: "Esta hoja; una identificación..." (the directory's own
    # words above are kept as written)
    if len(given) <= BRING_MAX_CATEGORIES:
        for cat in given:
            items += [in_sentence(gettext_in(lang, t)) for t in BRING_BY_CATEGORY.get(cat, ())]
    items.append(in_sentence(gettext_in(lang, T_BRING_ID)))
    return list(dict.fromkeys(items))


def service_section(store: Store, service_id: str, lang: str, *, n: int = 1, place=None, country: str | None = None,
                    label: bool = False, organization: str | None = None,
                    notes: list[str] | None = None) -> Section | None:
    """One service on the sheet, in ``lang``; ``country`` is where the person calls from (default: the place's,
    else the service's own); None for a national service with nothing to call from there."""
    from advocate.directory.search import get_service, getting_there

    notes = notes if notes is not None else []
    row = get_service(store, service_id)
    extra = getting_there(store, row["id"])
    dialled = [ln for ln in row.get("lines") or [] if ln.get("kind") in ("phone", "text", "whatsapp")]
    own = (row.get("name_es") if lang == "es" else None) or row.get("name") or ""
    if dialled and not label and row.get("scope") == "national" and not keeps_own_name(row, own, organization):
        # a national line: named as the numbers card names it ("Help line, 24 h"); a place with an address is
        # named as places are (an office called "help line" would mislead)
        name = (row.get("name_es") if lang == "es" else None) or row.get("name") or ""
        shown = neutral_line_name(row, dialled[0]["number"], lang)
        if is_labelling(name, organization):
            notes.append(_(T_NOTE_NAME_HIDDEN).format(name=name, shown=shown))
        name = shown
    else:
        name = service_name(row, lang, label=label, organization=organization, notes=notes,
                            fallback=gettext_in(lang, T_PLACE_N).format(n=n))
    spanish = current_language() == "es"  # notes are for the advocate: in the interface language
    own_name = (row.get("name_es") if spanish else None) or row.get("name")
    if row.get("law_enforcement"):
        notes.append(_(T_NOTE_LAW).format(name=own_name))
    caution = (row.get("caution_es") if spanish else None) or row.get("caution")
    if caution:  # for the advocate, not the paper: what the record says to know before giving it
        notes.append(_(T_NOTE_CAUTION).format(name=own_name, caution=caution))
    loc = neutral_location(_nearest_location(extra["locations"], place), label, organization, notes)
    svc_country = ((loc.get("country") if loc else None) or row.get("country") or "").upper() or None
    caller = country or (place.country.upper() if place is not None and place.country else None) or svc_country
    lines: list[Line] = []
    # a line one calls, not a place to go: a national line, or a directory's help line with its office far away
    by_phone = row.get("scope") == "national"
    phone_only = bool(set(row.get("categories") or []) & PHONE_ONLY)
    if phone_only and not by_phone and place is not None and loc.get("latitude") is not None:
        from advocate.geo.distance import haversine_km

        # a help line a directory lists with its office far away ("HOTLINE", a San Francisco mailbox on a Miami
        # sheet, "2,591 millas"): the person calls it; the office is not a place to go
        by_phone = haversine_km(place.latitude, place.longitude, loc["latitude"], loc["longitude"]) > FAR_LINE_KM
    address = address_text(loc, neutral_location(row, label, organization, notes)) if not by_phone else ""
    if address:
        lines.append(Line(gettext_in(lang, T_ADDRESS), address))
        if (place is not None and loc.get("latitude") is not None and not loc.get("approximate")
                and not getattr(place, "town_centre", False)):
            # an approximate point (the service's, or a ZIP with only its town's centre) would mislead
            lines.append(Line(gettext_in(lang, T_HOW_TO_GET),
                              direction_words(place, loc["latitude"], loc["longitude"], lang, caller or "US")))
        directions = neutral_field(loc.get("transportation"), label, organization, notes)
        if directions:
            lines.append(Line(gettext_in(lang, T_DIRECTIONS), directions))
    elif by_phone or set(row.get("categories") or []) & PHONE_ONLY:
        lines.append(Line(gettext_in(lang, T_ADDRESS), gettext_in(lang, T_BY_PHONE)))
    if row.get("lines"):
        ways = line_ways(row, caller or "US", lang, label=label, organization=organization, notes=notes)
        abroad = ""
        if (not ways and not by_phone and row.get("scope") == "local" and caller in COUNTRY_NAMES
                and svc_country in DIAL_PREFIX and caller != svc_country):
            # an office's own numbers (the El Paso consulate's, on a sheet for Ciudad Juárez): unlike a national
            # toll-free line or a short code, a local number is called from abroad with the exit and country
            # codes, written as the bundled lines write them ("001 520 623 7874")
            dialled_here = [{**ln, "from": [caller], "number": dial_from(ln["number"].removeprefix("+"), svc_country,
                                                                          caller)}
                            for ln in row["lines"] if ln.get("kind") == "phone" and svc_country in (ln.get("from") or [])
                            and callable_from_abroad(ln["number"], svc_country)]
            ways = line_ways({**row, "lines": dialled_here}, caller, lang, label=label, organization=organization,
                             notes=notes)
            abroad = " " + gettext_in(lang, T_FROM_ABROAD).format(country=gettext_in(lang, COUNTRY_NAMES[caller]))
        if ways:
            lines.append(Line(gettext_in(lang, T_PHONE), "; ".join(ways) + abroad))
        elif not by_phone:
            notes.append(_(T_NOTE_NO_LINE_HERE).format(name=own_name, country=_country_words(caller or "US")))

    elif neutral_phones(row.get("phone"), label, organization, []):
        phones = [extension_words(dial_from(p, svc_country, caller), lang)
                  for p in neutral_phones(row["phone"], label, organization, notes)]
        value = "; ".join(phones)
        if caller and svc_country and caller != svc_country and caller in COUNTRY_NAMES:
            value += " " + gettext_in(lang, T_FROM_ABROAD).format(
                country=gettext_in(lang, COUNTRY_NAMES[caller]))
        lines.append(Line(gettext_in(lang, T_PHONE), value))
    if by_phone and not any(ln.label == gettext_in(lang, T_PHONE) for ln in lines):
        # nothing on paper the person could call or visit
        notes.append(_(T_NOTE_NO_NUMBER).format(name=own_name, country=_country_words(caller or "US")))
        return None
    before = len(notes)
    kept_hours = neutral_field(row.get("hours"), label, organization, notes)
    if len(notes) > before:
        # a part was left off ("Immigration: 8:00am-5:00pm, Mon-Thur ..."): what is left describes another programme
        # or makes a day look closed, so the paper says to ask instead of giving hours that mislead
        notes.append(_(T_NOTE_HOURS_ASK))
        lines.append(Line(gettext_in(lang, T_HOURS), gettext_in(lang, T_HOURS_ASK)))
        kept_hours = ""
    hours, as_given = hours_words(kept_hours, lang)
    if hours:
        lines.append(Line(gettext_in(lang, T_HOURS_AS_GIVEN if as_given else T_HOURS), hours))
    spoken = _language_names(row.get("languages") or [], lang)
    interp = _language_names(row.get("interpretation") or [], lang)
    if spoken or interp:
        text = spoken
        if interp:
            with_interp = gettext_in(lang, T_INTERPRETERS).format(languages=interp)
            text = f"{text}; {with_interp}" if text else with_interp
        lines.append(Line(gettext_in(lang, T_LANGUAGES), text))
    how = appointment_words(extra.get("application_process"), lang)
    if how:
        lines.append(Line(gettext_in(lang, T_APPOINTMENT), how))
    if not by_phone:
        lines.append(Line(gettext_in(lang, T_BRING), "; ".join(
            _bring(row, extra, lang, label, organization, notes))))
    return Section(name, lines, names=[own_name or name])


SAME_DOOR_NAMES = 2  # names in the heading of one entry for several programmes (all of them go to stderr)


def _one_per_door(sections: list[Section], lang: str, notes: list[str]) -> list[Section]:
    """Sections that say the same thing but their names and what to bring (two programmes of one office: a 211
    lists each, with the office's address, phone and hours) as one: the first names joined, what to bring from
    all of them, the directory names of all of them told to the advocate. The direction line does not count
    (it is left out when a point is only a ZIP centre): the entry has it if any of them does."""
    bring, address, getting = gettext_in(lang, T_BRING), gettext_in(lang, T_ADDRESS), gettext_in(lang, T_HOW_TO_GET)
    out: list[Section] = []
    kept: dict[tuple, Section] = {}
    headings: dict[int, list[str]] = {}
    for sec in sections:
        key = tuple((ln.label, ln.value) for ln in sec.lines if ln.label not in (bring, getting))
        if not any(label == address for label, _value in key) or key not in kept:
            kept.setdefault(key, sec)
            out.append(sec)
            headings[id(sec)] = [sec.heading]
            continue
        first = kept[key]
        first.names += [n for n in sec.names if n not in first.names]
        if sec.heading not in headings[id(first)]:
            headings[id(first)].append(sec.heading)
        for label in (getting, bring):
            theirs = next((ln for ln in sec.lines if ln.label == label), None)
            ours = next((ln for ln in first.lines if ln.label == label), None)
            if theirs is None:
                continue
            if ours is None:
                at = next((i + 1 for i, ln in enumerate(first.lines) if ln.label == address), len(first.lines))
                first.lines.insert(at if label == getting else len(first.lines), Line(theirs.label, theirs.value))
            elif label == bring:
                ours.value = "; ".join(_merged(ours.value.split("; "), theirs.value.split("; ")))
    for sec in out:
        shown = [h for h in headings[id(sec)] if h]
        if len(shown) > 1:
            sec.heading = " / ".join(shown[:SAME_DOOR_NAMES])
        if len(sec.names) > 1:
            notes.append(_(T_NOTE_SAME_DOOR).format(names="; ".join(sec.names)))
    return out


def _merged(ours: list[str], theirs: list[str]) -> list[str]:
    """``ours`` with the items of ``theirs`` it lacks, each placed after the item it follows in ``theirs``."""
    out = list(ours)
    at = 0
    for item in theirs:
        if item in out:
            at = out.index(item) + 1
        else:
            out.insert(at, item)
            at += 1
    return out


def referral_sheet(store: Store, service_ids: list[str], lang: str = "es", *, place=None, country: str | None = None,
                   label: bool = False, organization: str | None = None, paper: str = "letter") -> Card:
    """The sheet for ``service_ids`` (in that order, each once), in ``lang``. ``place``: a resolved place for the
    direction lines; ``country``: where the person calls from (US or MX)."""
    if paper not in SHEET_PAPERS:
        raise InputError(_('"{value}" is not a paper size; use letter or half-letter').format(value=paper),
                         field="paper")
    ids = list(dict.fromkeys(i for i in service_ids if i))
    if not ids:
        raise InputError(_("give at least one service id"), field="service")
    notes: list[str] = []
    sections: list[Section] = []
    for sid in ids:
        sec = service_section(store, sid, lang, n=len(sections) + 1, place=place, country=country, label=label,
                              organization=organization, notes=notes)
        if sec is not None:
            sections.append(sec)
    if not sections:
        raise InputError(_("none of these services has an address or a number that works from there"),
                         field="service")
    sections = _one_per_door(sections, lang, notes)
    title = gettext_in(lang, T_SHEET_TITLE)
    if label and organization:
        sections.append(Section("", [Line(organization)]))
    return Card(title=title, lang=lang, paper="sheet-" + paper, sections=sections, notes=notes)
