"""From the taxonomies directories use (AIRS/211 LA codes, Open Eligibility) and from plain words to our categories."""

from __future__ import annotations

import re

# AIRS / 211 LA taxonomy: longest matching code prefix wins
AIRS_PREFIXES = {
    "BH-1800": "shelter", "BH-8600": "housing", "BH": "housing", "BD": "food", "BM-6500": "clothing", "BM": "basic-needs",
    "BT": "transportation", "BV": "basic-needs", "FT": "legal-civil", "FP": "legal-civil", "FF": "legal-criminal",
    "FN": "victim-services", "FL": "legal-civil", "FR": "legal-criminal", "L": "medical", "LF": "medical", "LN": "medical",
    "LV": "medical", "LT": "medical", "R": "mental-health", "RP": "mental-health", "RX": "substance-use",
    "RF": "mental-health", "NL": "benefits", "ND": "employment", "NT": "benefits", "H": "education", "HH": "education",
    "PH-2360": "interpretation", "PH-8000": "interpretation", "PX-8000": "interpretation", "PN": "victim-services",
    "PH-6500": "victim-services", "PH-1800": "case-management", "RP-1400": "mental-health",
    "RP-1500": "crisis", "PH-3300": "domestic-violence", "TJ-3000": "law-enforcement", "FJ": "law-enforcement",
}
# Open Eligibility top-level codes (Ohana): 101 Emergency ... 111 Legal
OPEN_ELIGIBILITY = {"101": "crisis", "102": "food", "103": "housing", "104": "clothing", "105": "transportation",
                    "106": "medical", "107": "benefits", "108": "case-management", "109": "education",
                    "110": "employment", "111": "legal-civil"}

KEYWORDS: list[tuple[str, str]] = [
    (r"traffick|trata de personas", "trafficking"),
    (r"immigra|asylum|refugee|\bvisa\b|naturaliz|deportation|citizenship|\bdaca\b|inmigra", "legal-immigration"),
    (r"domestic (violence|abuse)|dating violence|intimate partner|family violence|violencia dom", "domestic-violence"),
    (r"sexual (assault|abuse|violence)|\brape\b", "sexual-assault"),
    (r"\bshelters?\b|safe house|albergue|refugio", "shelter"),
    (r"housing|\brent\b|homeless|vivienda", "housing"),
    (r"\blegal\b|attorney|lawyer|\blaw (center|clinic|project)|abogad|asesor[ií]a legal", "legal-civil"),
    (r"criminal (defense|record|justice)|expunge|vacatur|prosecut", "legal-criminal"),
    (r"mental health|counsel+ing|therap|psychiatr|psycholog|salud mental", "mental-health"),
    (r"substance|alcohol|\bdrugs?\b|addiction|detox|recovery", "substance-use"),
    (r"clinic|medical|health care|healthcare|hospital|dental|primary care|pharmac|m[eé]dic", "medical"),
    (r"\bfood\b|pantry|meals?\b|groceries|comida", "food"),
    (r"clothing|clothes|hygiene|ropa", "clothing"),
    (r"interpret|translat|int[eé]rprete", "interpretation"),
    (r"consulate|consular|consulado", "consular"),
    (r"hotline|helpline|help line|crisis line|l[ií]nea de ayuda", "hotline"),
    (r"\bcrisis\b|suicide|emergency", "crisis"),
    (r"case management|case manager", "case-management"),
    (r"employment|\bjobs?\b|job training|workforce|empleo", "employment"),
    (r"\besl\b|english class|\bged\b|literacy|tutoring|education", "education"),
    (r"child ?care|day ?care|preschool|guarder[ií]a", "childcare"),
    (r"\byouth\b|\bteens?\b|adolescent|runaway", "youth"),
    (r"lgbt|gay|lesbian|transgender|queer", "lgbtq"),
    (r"transportation|bus pass|\brides?\b", "transportation"),
    (r"victim|survivor|sobreviviente", "victim-services"),
    (r"public benefits|food stamps|\bsnap\b|medicaid|\btanf\b|\bwic\b|welfare", "benefits"),
    (r"repatriat|reintegrat|family reunification", "repatriation"),
]


def _triggers(pattern: str) -> tuple[str, ...] | None:
    """Plain substrings one of which must be in the (lower-cased) text for ``pattern`` to match;
    None when no such set can be read off the pattern (then the regex always runs)."""
    out = set()
    for alt in pattern.split("|"):
        runs = re.findall(r"[a-z]{3,}", re.sub(r"\\b|\\s|[?+*]", " ", alt.lower()))
        if not runs:
            return None
        out.add(max(runs, key=len)[:6])
    return tuple(sorted(out))


_KW = [(re.compile(p, re.I), c, _triggers(p)) for p, c in KEYWORDS]


def categories_from_code(code: str) -> list[str]:
    code = (code or "").strip().upper()
    if not code:
        return []
    if re.match(r"^\d{3}(-\d+)*$", code):
        cat = OPEN_ELIGIBILITY.get(code[:3])
        return [cat] if cat else []
    if not re.match(r"^[A-Z]{1,2}(-\d{4}(\.\d+)*(-\d+)*)?$", code):  # not an AIRS/211 LA code
        return []
    best = ""
    for prefix in AIRS_PREFIXES:
        if code.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return [AIRS_PREFIXES[best]] if best else []


def categories_from_text(*texts: str) -> list[str]:
    text = " ".join(t for t in texts if t)
    low = text.lower()
    out = []
    for rx, cat, triggers in _KW:  # a substring test first: most patterns cannot match most texts
        if cat in out or (triggers is not None and not any(t in low for t in triggers)):
            continue
        if rx.search(text):
            out.append(cat)
    return out
