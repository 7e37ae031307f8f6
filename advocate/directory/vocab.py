"""Categories and languages: the small vocabularies every lookup, import and log shares."""

from __future__ import annotations

import difflib
import functools

from advocate.data import read_csv
from advocate.errors import InputError
from advocate.textnorm import fold
from advocate.i18n import _


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
}


def expand_category(text: str) -> list[str]:
    """Category ids a filter word means: a group ("legal", "health") or one category."""
    key = fold(text).replace(" ", "-")
    if key in CATEGORY_GROUPS:
        return list(CATEGORY_GROUPS[key])
    return [normalize_category(text)]


def normalize_category(text: str) -> str:
    """A category id from an id, an English or Spanish label, or a common synonym; InputError otherwise."""
    key = fold(text)
    found = _category_aliases().get(key) or _category_aliases().get(key.replace(" ", "-"))
    if found:
        return found
    close = difflib.get_close_matches(text.lower(), list(categories()), n=3, cutoff=0.5)
    raise InputError(
        _('"{text}" is not a category; see `advocate services categories` for the list').format(text=text), suggestions=close
    )


# --- languages -------------------------------------------------------------------------------
@functools.cache
def languages() -> dict[str, dict]:
    return {row["code"]: row for row in read_csv("languages.csv")}


@functools.cache
def _language_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, row in languages().items():
        out.setdefault(fold(code), code)
        if row["iso639_1"]:
            out.setdefault(fold(row["iso639_1"]), code)
        for name in (row["name_en"], row["name_es"]):
            out.setdefault(fold(name), code)
            out.setdefault(fold(name.split("(")[0]), code)
        if row["autonym"]:
            for part in row["autonym"].split("/"):
                out.setdefault(fold(part), code)
    # group names typed in English or Spanish ("Mixtec", "mixteco") mean the whole group
    for code, row in languages().items():
        if row["scope"] in ("group", "macrolanguage", "collective"):
            base = row["name_en"].split("(")[0]
            out[fold(base)] = code
            out[fold(row["name_es"].split("(")[0])] = code
    out.update({"mixteco": "mixtec", "mixtec": "mixtec", "creole": "hat", "kreyol": "hat", "asl": "ase",
                "chinese": "zho", "mandarin": "cmn", "farsi": "fas", "quiche": "quc", "kiche": "quc",
                "kanjobal": "kjb", "jakalteko": "jac", "popti": "jac", "mayan": "myn", "maya": "yua",
                "nahuatl": "nah", "otomi": "oto", "zapotec": "zap", "triqui": "triqui", "trique": "triqui"})
    return out


def normalize_language(text: str) -> str:
    """ISO 639-3 (or group key) for a 639-1/639-3 code or an English/Spanish name: "es" -> "spa"."""
    key = fold(str(text))
    code = _language_aliases().get(key)
    if code:
        return code
    close = difflib.get_close_matches(key, [c for c in _language_aliases() if len(c) > 2], n=3, cutoff=0.75)
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
    row = table.get(code)
    while row and row["parent"]:
        out.add(row["parent"])
        row = table.get(row["parent"])
    return out


def language_name(code: str, lang: str = "en") -> str:
    row = languages().get(code)
    if not row:
        return "many languages (interpreters)" if code == "mul" and lang == "en" else (
            "muchos idiomas (intérpretes)" if code == "mul" else code)
    return row["name_es"] if lang == "es" else row["name_en"]


def parse_language_text(text: str) -> tuple[list[str], list[str]]:
    """Free text like "Spanish, Creole; ASL (by appointment)" -> (codes, leftover words kept as a note)."""
    import re

    codes, leftovers = [], []
    for part in re.split(r"[,;/|]+|\band\b|\by\b", text or "", flags=re.I):
        part = part.strip()
        if not part:
            continue
        inner = re.findall(r"\((.*?)\)", part)
        cleaned = re.sub(r"\(.*?\)", "", part).strip()
        code = None
        for candidate in [*inner, cleaned]:  # "Chinese (Cantonese)" is Cantonese
            try:
                code = normalize_language(candidate)
                break
            except InputError:
                continue
        if code is None:
            leftovers.append(part)
            continue
        if code not in codes:
            codes.append(code)
    return codes, leftovers
