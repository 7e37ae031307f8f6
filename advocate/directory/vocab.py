"""Categories and languages: the small vocabularies every lookup, import and log shares."""

from __future__ import annotations

import difflib
import functools
import re

from advocate.data import read_csv
from advocate.errors import InputError
from advocate.i18n import _
from advocate.textnorm import fold


# --- categories ------------------------------------------------------------------------------
@functools.cache
def categories() -> dict[str, dict]:
    return {row["id"]: row for row in read_csv("categories.csv")}


@functools.cache
def _category_aliases() -> dict[str, str]:
    out = {}
    for cid, row in categories().items():
        for text in (cid, row["label_en"], row["label_es"]):
            out[fold(text)] = cid
    extra = {
        "immigration": "legal-immigration", "inmigracion": "legal-immigration", "legal": "legal-civil",
        "consulate": "consular", "consulado": "consular", "dv": "domestic-violence", "health": "medical",
        "salud": "medical", "therapy": "mental-health", "counseling": "mental-health", "interpreter": "interpretation",
        "interprete": "interpretation", "albergue": "shelter", "refugio": "shelter", "hotlines": "hotline",
        "sa": "sexual-assault", "trata": "trafficking",
    }
    out.update(extra)
    return out


def category_aliases() -> dict[str, str]:
    """Folded labels, ids and synonyms -> category id."""
    return dict(_category_aliases())


# Words that stand for several categories at once: ``-c legal`` is every kind of legal help, immigration
# legal help included (it used to mean civil legal help only, which hid immigration attorneys).
CATEGORY_GROUPS = {
    "legal": ("legal-immigration", "legal-civil", "legal-criminal"),
    "legal-help": ("legal-immigration", "legal-civil", "legal-criminal"),
    "ayuda-legal": ("legal-immigration", "legal-civil", "legal-criminal"),
    "abogado": ("legal-immigration", "legal-civil", "legal-criminal"),
    "lawyer": ("legal-immigration", "legal-civil", "legal-criminal"),
    "violence": ("domestic-violence", "sexual-assault", "victim-services", "trafficking"),
    "violencia": ("domestic-violence", "sexual-assault", "victim-services", "trafficking"),
    "health": ("medical", "mental-health", "substance-use"),
    "salud": ("medical", "mental-health", "substance-use"),
    "crisis-help": ("crisis", "hotline"),
    # a child is involved: child protection and youth services (and the records only for a child, e.g. NCMEC)
    "children": ("child-protection", "youth"),
    "child": ("child-protection", "youth"),
    "minor": ("child-protection", "youth"),
    "minors": ("child-protection", "youth"),
    "menor": ("child-protection", "youth"),
    "menores": ("child-protection", "youth"),
    "ninos": ("child-protection", "youth"),
    "ninez": ("child-protection", "youth"),
}


def expand_category(text: str) -> list[str]:
    """Category ids a filter word means: a group ("legal", "health") or one category."""
    key = fold(text).replace(" ", "-")
    if key in CATEGORY_GROUPS:
        return list(CATEGORY_GROUPS[key])
    return [normalize_category(text)]


def category_id(text: str) -> str | None:
    """The category id an id, an English or Spanish label, or a common synonym names; None for any other text."""
    key = fold(text)
    return _category_aliases().get(key) or _category_aliases().get(key.replace(" ", "-"))


def normalize_category(text: str) -> str:
    """A category id from an id, an English or Spanish label, or a common synonym; InputError otherwise (with the
    closest words as suggestions)."""
    found = category_id(text)
    if found:
        return found
    from advocate.textnorm import close_words

    # ids first, then the English and Spanish labels and synonyms: "albergu" -> "albergue", "sheltr" -> "shelter"
    words = {cid: cid for cid in categories()}
    for cid, row in categories().items():
        for label in (row["label_en"], row["label_es"]):
            words.setdefault(label.lower(), cid)
    for alias, cid in _category_aliases().items():
        words.setdefault(alias, cid)
    close = close_words(text, words, n=3, cutoff=0.6)
    raise InputError(
        _('"{text}" is not a category; see `advocate services categories` for the list').format(text=text), suggestions=close
    )


# --- languages -------------------------------------------------------------------------------
@functools.cache
def languages() -> dict[str, dict]:
    return {row["code"]: row for row in read_csv("languages.csv")}


_APOSTROPHES = re.compile(r"['’‘`´ʼʻ]")


def language_key(text: str) -> str:
    """The form language names are matched in: accents, case and apostrophes ignored ("Q'anjob'al" = "qanjobal")."""
    return fold(_APOSTROPHES.sub("", str(text)))


@functools.cache
def _language_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, row in languages().items():
        out.setdefault(language_key(code), code)
        if row["iso639_1"]:
            out.setdefault(language_key(row["iso639_1"]), code)
        for name in (row["name_en"], row["name_es"]):
            for part in [name, *name.split("/")]:
                out.setdefault(language_key(part), code)
                out.setdefault(language_key(part.split("(")[0]), code)
                for inner in re.findall(r"\((.*?)\)", part):  # "huasteco (tének)": tének too
                    out.setdefault(language_key(inner), code)
        if row["autonym"]:
            for part in row["autonym"].split("/"):
                out.setdefault(language_key(part), code)
    # group names typed in English or Spanish ("Mixtec", "mixteco", "Me'phaa") mean the whole group
    for code, row in languages().items():
        if row["scope"] in ("group", "macrolanguage", "collective"):
            for name in (row["name_en"], row["name_es"]):
                for part in name.split("(")[0].split("/"):
                    out[language_key(part)] = code
            for part in (row["autonym"] or "").split("/"):
                if part.strip():
                    out[language_key(part)] = code
    out.update({"mixteco": "mixtec", "mixtec": "mixtec", "creole": "hat", "kreyol": "hat", "asl": "ase",
                "chinese": "zho", "mandarin": "cmn", "farsi": "fas", "quiche": "quc", "kiche": "quc",
                "kanjobal": "kjb", "jakalteko": "jac", "popti": "jac", "mayan": "myn", "maya": "yua",
                "nahuatl": "nah", "otomi": "oto", "zapotec": "zap", "triqui": "triqui", "trique": "triqui",
                # common in US directories: "Sign Language" there means ASL; Karen and Taiwanese as written
                "sign language": "ase", "lenguaje de senas": "ase", "karen": "kar",
                "taiwanese": "nan", "twi": "aka", "chol": "chol", "tlapaneco": "tlapanec", "tlapanec": "tlapanec",
                "hebrew": "heb", "yiddish": "yid", "greek": "ell", "tenek": "hus", "teenek": "hus"})
    return out


def search_languages(text: str) -> list[dict]:
    """Language rows whose code or any name (English, Spanish, autonym, group) contains ``text``, apostrophes,
    accents and case ignored; a whole-name match also brings its group's members."""
    key = language_key(text)
    table = languages()
    hits = [r for r in table.values()
            if any(key in language_key(r[k]) for k in ("code", "iso639_1", "name_en", "name_es", "autonym", "parent"))]
    exact = _language_aliases().get(key)
    if exact:
        family = language_family(exact)
        hits += [r for c, r in table.items() if c in family and r not in hits]
    return sorted(hits, key=lambda r: list(table).index(r["code"]))


def normalize_language(text: str) -> str:
    """ISO 639-3 (or group key) for a 639-1/639-3 code or an English/Spanish name: "es" -> "spa"."""
    key = language_key(str(text))
    code = _language_aliases().get(key)
    if code:
        return code
    # suggestions only for what looks like a name: a two- or three-letter code that is not one is not
    # "close" to a variant's name ("he" is not "nhe")
    close = [] if len(key) < 4 else difflib.get_close_matches(
        key, [c for c in _language_aliases() if len(c) > 3], n=3, cutoff=0.75)
    raise InputError(
        _('"{text}" is not a language code we know; use an ISO 639-1 or 639-3 code or a name (see `advocate services languages`)').format(text=text),
        suggestions=close,
    )


def language_family(code: str) -> set[str]:
    """Codes a filter on ``code`` matches: itself, its children (for a group) and its parents."""
    table = languages()
    out = {code}
    # children, recursively (myn -> every Mayan language)
    frontier = [code]
    while frontier:
        parent = frontier.pop()
        for c, row in table.items():
            if row["parent"] == parent and c not in out:
                out.add(c)
                frontier.append(c)
    # parents: a service listing "mixtec" (variant unknown) may help someone who speaks mxt
    up = table.get(code)
    while up and up["parent"]:
        out.add(up["parent"])
        up = table.get(up["parent"])
    return out


def language_name(code: str, lang: str = "en") -> str:
    row = languages().get(code)
    if not row:
        return "many languages (interpreters)" if code == "mul" and lang == "en" else (
            "muchos idiomas (intérpretes)" if code == "mul" else code)
    return row["name_es"] if lang == "es" else row["name_en"]


_PARSED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def parse_language_text(text: str) -> tuple[list[str], list[str]]:
    """Free text like "Spanish, Creole; ASL (by appointment)" -> (codes, leftover words kept as a note)."""
    key = text or ""
    hit = _PARSED.get(key)
    if hit is None:  # a directory writes the same few language lists again and again
        if len(_PARSED) >= 4096:
            _PARSED.clear()
        codes, leftovers = _parse_language_text(key)
        hit = _PARSED[key] = (tuple(codes), tuple(leftovers))
    return list(hit[0]), list(hit[1])


def _parse_language_text(text: str) -> tuple[list[str], list[str]]:
    import re

    aliases = _language_aliases()
    codes, leftovers = [], []
    for part in re.split(r"[,;/|]+|\band\b|\by\b", text or "", flags=re.I):
        part = part.strip()
        if not part:
            continue
        inner = re.findall(r"\((.*?)\)", part)
        cleaned = re.sub(r"\(.*?\)", "", part).strip()
        code = None
        for candidate in [*inner, cleaned]:  # "Chinese (Cantonese)" is Cantonese
            code = aliases.get(language_key(candidate))  # what normalize_language finds, without its suggestions
            if code:
                break
        if code is None:
            leftovers.append(part)
            continue
        if code not in codes:
            codes.append(code)
    return codes, leftovers
