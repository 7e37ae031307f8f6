"""From the taxonomies directories use (AIRS/211 LA codes, Open Eligibility) and from plain words to our categories.

Three kinds of evidence, strongest first, each kept with the category it gave (``Evidence``):

* ``taxonomy`` — the directory's own code, mapped through the published AIRS/211 LA top levels
  (F Criminal Justice and Legal Services: FF corrections, FJ judicial services, FL law enforcement
  agencies, FN law enforcement services, FP legal assistance modalities, FT legal substantive areas;
  P: PH individual and family support, PN mutual support / support groups, PX volunteer opportunities;
  T: TH disaster services, TJ information services, TJ-3000 information and referral; Y target
  populations). A code we know but deliberately give no category (courts, 3-1-1 lines, animal
  services, volunteer opportunities...) is returned as unmapped and kept as a note.
* ``keyword`` — a guess from whole phrases in the service's own name or description ("emergency
  shelter", "immigration legal services"); never from single suggestive words ("asylum",
  "homeless"), never from the organization's other programs, never for animal services.
* ``rule`` — enforcement and detention recognised by the name of the service or its organization
  (ICE, CBP, Border Patrol, police, sheriffs, detention and processing centres): such a record
  carries only ``law-enforcement`` and/or ``detention``, whatever else its codes or words suggest.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

# The categories a survivor may be sent to for help: an enforcement or detention record never carries one.
ENFORCEMENT_CATEGORIES = ("law-enforcement", "detention")


@dataclass(frozen=True)
class Evidence:
    category: str
    basis: str   # taxonomy | keyword | rule
    reason: str  # what in the record gave it, in the record's own words

    @property
    def guessed(self) -> bool:
        return self.basis == "keyword"


# AIRS / 211 LA taxonomy: the longest matching code prefix wins. A tuple of categories, or () for a code
# we recognise and deliberately map to nothing (kept as an unmapped note, and it stops keyword guessing).
AIRS_PREFIXES: dict[str, tuple[str, ...]] = {
    # B Basic needs
    "B": ("basic-needs",), "BD": ("food",), "BH": ("housing",), "BH-1800": ("shelter",),
    "BH-1800.1500-100": ("shelter", "domestic-violence"), "BH-1800.1500-080": ("shelter", "domestic-violence"),
    "BH-1800.1500-308": ("shelter", "trafficking"), "BH-1800.1500-700": ("shelter", "youth"),
    "BH-1850": ("shelter",), "BH-8600": ("housing",), "BM": ("basic-needs",), "BM-6500": ("clothing",),
    "BT": ("transportation",), "BV": ("basic-needs",),
    # D Consumer services, J Environment, PD domestic animal services, PX volunteer opportunities: nothing
    "D": (), "J": (), "PD": (), "PX": (), "PB": (), "PL": (), "PS": (), "PV": (), "PW": (),
    # F Criminal justice and legal services
    "F": (), "FC": (), "FF": (), "FF-1500": ("detention",), "FF-1900": (),
    "FJ": (), "FJ-6700.6500": ("legal-criminal",), "FJ-2600": ("child-protection",),
    "FL": ("law-enforcement",),
    "FN": (), "FN-1300": ("law-enforcement",), "FN-1700": ("law-enforcement",),
    "FN-1900": ("victim-services",), "FN-1900.0500": ("victim-services", "accompaniment"),
    "FN-1500.2560": (), "FN-5000": (),
    "FP": (), "FP-4000": ("legal-civil",), "FP-4500": ("legal-civil",), "FP-8000": ("legal-civil",),
    "FR": (),
    "FT": ("legal-civil",), "FT-1020": ("identity-documents",), "FT-2800": ("legal-criminal",),
    "FT-3000.1450": ("child-protection",), "FT-3000.1750": ("legal-civil", "domestic-violence"),
    "FT-3500": (),  # Citizenship and Immigration Services offices: the government agency, not legal help
    "FT-3600": ("legal-immigration",), "FT-4150": ("labor-rights",), "FT-4200": ("labor-rights",),
    "FT-1800.1850": ("labor-rights",), "FT-9400": ("labor-rights",),
    # H Education
    "H": ("education",),
    # L Health care
    "L": ("medical",), "LT-1750.7935": ("medical", "sexual-assault"),
    "LF-7000.1550": ("medical", "child-protection"),
    # N Income support and employment
    "N": ("benefits",), "ND": ("employment",), "ND-6500": ("employment",),
    "NS": (), "NL": ("benefits",), "NT": ("benefits",),
    # P Individual and family life
    "P": (), "PH": (), "PH-1000": ("case-management",), "PH-2400.1300": ("case-management",),
    "PH-1250": ("childcare",), "PH-3500": ("interpretation",),
    "PH-6500.1500": ("child-protection",), "PH-2400.1900": ("child-protection",),
    "PH-1450.7000": (), "PH-8000": (),
    # PN Mutual support (support groups): only the ones about a survivor's own situation
    "PN": (), "PN-8100.0200-180": ("domestic-violence",), "PN-8100.0200-800": ("sexual-assault",),
    "PN-8100.0500": ("substance-use",), "PN-8100.5000": ("mental-health",),
    "PN-8100.4500-240": ("lgbtq",), "PN-8100.4500-950": ("youth",),
    # R Mental health and substance use
    "R": ("mental-health",), "RX": ("substance-use",), "RP-1500": ("crisis",),
    "RP-1400.8000-020.80": ("mental-health", "domestic-violence"),
    "RP-1400.8000-020.21": ("mental-health", "domestic-violence"),
    "RP-1400.8000-800": ("mental-health", "sexual-assault"),
    "RP-1400.8000-160": ("mental-health", "victim-services"),
    # T Organizational/community/international: information lines, disaster services, libraries
    "T": (), "TJ": (), "TJ-3000": (), "TH": (),
    "TD-1600.3100": ("interpretation",),
}

# Y target populations: how 211s tag who a service is for. They add population categories; they never make a
# record a service of its own (a food pantry tagged "Victims of Human Trafficking" stays a food pantry + trafficking).
AIRS_POPULATIONS: dict[str, tuple[str, ...]] = {
    "YX-1500.9000": ("trafficking",), "YZ-3265": ("trafficking",), "YX-0500.8000-800": ("trafficking", "child-protection"),
    "YZ-1750": ("domestic-violence",), "YM-1500.1900": ("domestic-violence",), "YJ-2075": ("domestic-violence",),
    "YX-0300.8100": ("sexual-assault",), "YX-0500.8000": ("sexual-assault", "child-protection"),
    "YZ-8200": ("sexual-assault",),
    "YX-0500": ("child-protection",), "YZ-1450": ("child-protection",),
    "YX": ("victim-services",),
    "YT-2400": ("lgbtq",), "YZ-2500": ("lgbtq",), "YT-2400.2600": ("lgbtq", "youth"),
    "YB-9500.9000": ("youth",), "YV-3000.8000": ("youth",), "YM-1500.7000": ("youth",), "YJ-0500.0500": ("youth",),
}

# Open Eligibility top-level codes (Ohana): 101 Emergency ... 111 Legal
OPEN_ELIGIBILITY = {"101": "crisis", "102": "food", "103": "housing", "104": "clothing", "105": "transportation",
                    "106": "medical", "107": "benefits", "108": "case-management", "109": "education",
                    "110": "employment", "111": "legal-civil"}

# --- enforcement and detention, recognised by name --------------------------------------------------
_ENFORCEMENT_NAME = re.compile(
    r"\bimmigration (and|&) customs enforcement\b|\bU\.S\.? ICE\b|\(ICE\)|\bICE (ERO|field office|office)\b"
    r"|\benforcement and removal operations\b|\bcustoms (and|&) border protection\b|\bborder patrol\b"
    r"|\bhomeland security investigations\b|\bpolice (department|dept\.?|station|headquarters|district)\b"
    r"|\blaw[- ]enforcement[- ]based\b|\b(department|dept\.?|division|office|bureau) of law enforcement\b"
    r"|\bpolice\b|\bsheriff'?s?\b|\bhighway patrol\b|\bstate troopers?\b"
    r"|\bmarshals? (service|office)\b|\bfederal bureau of investigation\b|\bdrug enforcement administration\b"
    r"|\bsecret service\b|\bpolic[ií]a (municipal|estatal|federal)\b|\bguardia nacional\b"
    r"|\binstituto nacional de migraci[oó]n\b|\bpatrulla fronteriza\b|\bseguridad (p[uú]blica|ciudadana)\b", re.I)
_ENFORCEMENT_CS = re.compile(r"\b(ICE|CBP|HSI|FBI|DEA)\b")  # upper-case acronyms only: "ice" is not ICE
_ENFORCEMENT_ACRONYMS = ("ICE", "CBP", "HSI", "FBI", "DEA")  # one of these is in every match of _ENFORCEMENT_CS
# for each pattern, words (lower-cased) one of which is in every match of it, read with re.I, in a text whose
# characters fold as ASCII does (see _UNFOLDED): a text holding none of them is spared the pattern, which tries
# each of its phrases at every position (tests/directory/test_taxonomy.py checks every phrase holds one)
_ENFORCEMENT_NEEDLES = ("u.s. ice", "u.s ice", "(ice)", "ice ero", "ice field office", "ice office", "enforcement",
                        "customs", "border patrol", "homeland security", "sheriff", "highway patrol", "state trooper",
                        "marshal", "federal bureau", "secret service", "polic", "guardia nacional",
                        "instituto nacional de migraci", "patrulla fronteriza", "seguridad")
_DETENTION_NEEDLES = ("detention", "processing center", "correctional", "jail", "prison", "juvenile",
                      "centro de detenci", "migratoria", "krome")
_ENFORCEMENT_QUICK, _DETENTION_QUICK, _ACRONYMS_QUICK = (
    re.compile("|".join(re.escape(n) for n in needles))
    for needles in (_ENFORCEMENT_NEEDLES, _DETENTION_NEEDLES, _ENFORCEMENT_ACRONYMS))
_DETENTION_NAME = re.compile(
    r"\bdetention (center|centre|facility|unit)\b|\bprocessing center\b|\bcorrectional (institution|facility|center)\b"
    r"|\b(county|city) jail\b|\bjail$|\bstate prison\b|\bfederal prison\b|\bjuvenile (detention|hall)\b"
    r"|\bcentro de detenci[oó]n\b|\bestaci[oó]n migratoria\b|\bKrome\b", re.I)

# --- keyword guesses: whole phrases only -------------------------------------------------------------
KEYWORDS: list[tuple[str, str]] = [
    (r"\bhuman trafficking\b|\b(sex|labou?r) trafficking\b|\btrafficking (survivors?|victims?)\b|\btrata de personas\b",
     "trafficking"),
    (r"\bimmigration (legal|law|attorneys?|lawyers?|clinic|counsel(ing)?|representation)\b"
     r"|\blegal (help|services|assistance|representation|aid) (for|to) (immigrants|refugees|asylum)"
     r"|\b(asylum|naturali[sz]ation|citizenship|daca|tps|green card) (applications?|application assistance|clinics?|cases)\b"
     r"|\b[tu][- ]visas?\b|\bvawa self[- ]petitions?\b|\bremoval defen[cs]e\b|\bdeportation defen[cs]e\b"
     r"|\bspecial immigrant juvenile\b|\babogad[oa]s? (de|en) inmigraci[oó]n\b|\basesor[ií]a (legal )?migratoria\b"
     r"|\bayuda legal migratoria\b"
     r"|\b(asesor[ií]a|ayuda|servicios?|defensa) (legal|legales|jur[ií]dica) (de|en|para) (la )?(inmigraci[oó]n|migraci[oó]n"
     r"|inmigrantes|migrantes)\b", "legal-immigration"),
    (r"\bdomestic (violence|abuse)\b|\bdating violence\b|\bintimate partner (violence|abuse)\b"
     r"|\bviolencia (dom[eé]stica|familiar|de g[eé]nero)\b", "domestic-violence"),
    (r"\bsexual (assault|abuse|violence)\b|\brape crisis\b|\bagresi[oó]n sexual\b|\bviolencia sexual\b", "sexual-assault"),
    (r"\bemergency shelters?\b|\b(homeless|domestic violence|dv|youth|family|women'?s|men'?s|overnight|night|crisis) shelters?\b"
     r"|\bsafe house\b|\balbergues?\b|\brefugio (temporal|de emergencia|para mujeres)\b", "shelter"),
    (r"\btransitional housing\b|\baffordable housing\b|\bhousing (assistance|program|help|services)\b"
     r"|\brent(al)? assistance\b|\brapid re-?housing\b|\bsupportive housing\b|\bayuda (con|para) (la )?renta\b",
     "housing"),
    (r"\blegal (aid|services|assistance|help|clinic|representation)\b|\bfree legal\b|\bpro bono\b"
     r"|\basesor[ií]a (legal|jur[ií]dica)\b|\bayuda legal\b", "legal-civil"),
    (r"\bcriminal (defen[cs]e|record relief|records? sealing)\b|\bexpunge(ment)?\b|\bvacatur\b|\bpublic defender\b",
     "legal-criminal"),
    (r"\bmental health (services|care|counsel(l)?ing|treatment|clinic|center)\b|\bpsychotherapy\b|\btrauma therapy\b"
     r"|\b(individual|family|group) (counsel(l)?ing|therapy)\b|\bsalud mental\b|\bterapia psicol[oó]gica\b",
     "mental-health"),
    (r"\bsubstance (abuse|use) (treatment|services|program|counsel(l)?ing)\b|\baddiction (treatment|services|recovery)\b"
     r"|\bdetox(ification)?\b|\bharm reduction\b", "substance-use"),
    (r"\b(medical|health) (clinic|care|center|centre)\b|\bprimary care\b|\bhealth ?care services\b|\bfree clinic\b"
     r"|\bdental (care|clinic)\b|\bcl[ií]nica (m[eé]dica|de salud|gratuita)\b|\batenci[oó]n m[eé]dica\b", "medical"),
    (r"\bfood (pantry|pantries|bank|distribution|assistance)\b|\bsoup kitchen\b|\b(hot|free) meals?\b"
     r"|\bbanco de (comida|alimentos)\b|\bdespensas?\b", "food"),
    (r"\bclothing (bank|closet|assistance|distribution)\b|\bfree clothing\b|\bhygiene (kits|supplies)\b|\broperos?\b",
     "clothing"),
    (r"\b(interpretation|interpreting|translation) services\b|\bservicios de (interpretaci[oó]n|traducci[oó]n)\b",
     "interpretation"),
    (r"\bconsulate\b|\bconsulado\b|\bconsular (services|protection)\b|\bprotecci[oó]n consular\b", "consular"),
    (r"\bhotline\b|\bhelpline\b|\bhelp line\b|\bcrisis line\b|\bl[ií]nea de ayuda\b", "hotline"),
    (r"\bcrisis (intervention|center|centre|counsel(l)?ing|services|stabili[sz]ation)\b|\bsuicide prevention\b"
     r"|\bintervenci[oó]n en crisis\b", "crisis"),
    (r"\bcase management\b|\bmanejo de casos\b", "case-management"),
    (r"\bjob (training|placement|search assistance)\b|\bemployment (services|assistance|program|training)\b"
     r"|\bworkforce development\b|\bbolsa de trabajo\b", "employment"),
    (r"\besl\b|\benglish (classes|as a second language)\b|\bged\b|\badult education\b|\bliteracy (program|classes)\b"
     r"|\bclases de ingl[eé]s\b", "education"),
    (r"\bchild ?care\b|\bday ?care\b|\bguarder[ií]as?\b", "childcare"),
    (r"\byouth (services|program|programs|center|shelter|outreach)\b|\brunaway\b|\bhomeless youth\b", "youth"),
    (r"\blgbt|\bgay (and|&) lesbian\b|\btransgender\b|\bqueer\b", "lgbtq"),
    (r"\btransportation (services|assistance)\b|\bbus pass(es)?\b|\bfree rides?\b", "transportation"),
    (r"\bvictim (services|advocacy|advocates?|assistance)\b|\bcrime victims?\b|\bsurvivors? of (violence|abuse|crime)\b"
     r"|\batenci[oó]n a v[ií]ctimas\b", "victim-services"),
    (r"\bpublic benefits\b|\bfood stamps\b|\bsnap (benefits|applications?)\b|\bmedicaid (enrollment|applications?)\b"
     r"|\btanf\b|\bwic\b", "benefits"),
    (r"\brepatriation\b|\breintegration\b|\bsafe return\b|\bretorno seguro\b", "repatriation"),
    (r"\bderivative [tu][- ]visas?\b|\bfollow[- ]to[- ]join\b|\bi-730\b|\bfamily (based )?petitions?\b"
     r"|\bpetici[oó]n familiar\b", "family-reunification"),
    (r"\bwage theft\b|\bunpaid wages\b|\bworkers'? rights\b|\bworker center\b|\blabou?r rights\b|\bwage claims?\b"
     r"|\bderechos laborales\b", "labor-rights"),
    (r"\bbirth certificates?\b|\bstate id\b|\bidentification (cards?|documents)\b|\bmatr[ií]cula consular\b"
     r"|\bactas? de nacimiento\b", "identity-documents"),
    (r"\bchild abuse\b|\bchild protective services\b|\bchildren'?s advocacy center\b|\bchild welfare\b"
     r"|\bmaltrato infantil\b", "child-protection"),
    (r"\baccompaniment\b|\bacompa[ñn]amiento\b", "accompaniment"),
]
_KW = [(re.compile(p, re.I), c) for p, c in KEYWORDS]
# the same patterns without re.I, for a lower-cased text (see _evidence_from_text); None for one that spells a capital
_KW_LOWER = [re.compile(p) if p == p.lower() else None for p, _c in KEYWORDS]

# Animal services are not services for people: no keyword guess on a record about animals.
_ANIMALS = re.compile(r"\b(animals?|pets?|cats?|kittens?|dogs?|puppies|veterinar\w*|spay\w*|neuter\w*|humane society"
                      r"|spca|feline|canine)\b", re.I)
_ANIMALS_LOWER = re.compile(_ANIMALS.pattern) if _ANIMALS.pattern == _ANIMALS.pattern.lower() else None


_AIRS_CODE = re.compile(r"^[A-Z]{1,2}(-\d{4}(\.\d+)*(-\d+(\.\d+)*)*)?$")


def is_airs_code(code: str) -> bool:
    return bool(_AIRS_CODE.match(code))


def _longest(table: dict, code: str):
    best = ""
    for prefix in table:
        if code.startswith(prefix) and len(prefix) > len(best) and (
                len(prefix) == 1 or len(code) == len(prefix) or code[len(prefix)] in "-."):
            best = prefix
    return best


_CODE_CACHE: dict[tuple[str, str], tuple[tuple[Evidence, ...], bool]] = {}


def evidence_from_code(code: str, name: str = "") -> tuple[list[Evidence], bool]:
    """(categories a taxonomy code gives, whether we recognise the code at all).

    A recognised code that gives nothing (courts, 3-1-1, animal services) returns ([], True)."""
    key = (code, name)
    hit = _CODE_CACHE.get(key)
    if hit is None:
        if len(_CODE_CACHE) >= _TEXT_CACHE_MAX:
            _CODE_CACHE.clear()
        found, known = _evidence_from_code(code, name)
        hit = _CODE_CACHE[key] = (tuple(found), known)
    return list(hit[0]), hit[1]


def _evidence_from_code(code: str, name: str) -> tuple[list[Evidence], bool]:
    code = (code or "").strip().upper()
    if not code:
        return [], False
    label = f"{code} {name}".strip()
    if re.match(r"^\d{3}(-\d+)*$", code):
        cat = OPEN_ELIGIBILITY.get(code[:3])
        return ([Evidence(cat, "taxonomy", f"Open Eligibility {label}")] if cat else []), bool(cat)
    if not is_airs_code(code):
        return [], False
    table = AIRS_POPULATIONS if code.startswith("Y") else AIRS_PREFIXES
    best = _longest(table, code)
    if not best:
        return [], code.startswith("Y")  # other target populations: recognised, no category
    out = [Evidence(c, "taxonomy", f"AIRS/211 {label}") for c in table[best]]
    if out and not code.startswith("Y"):
        # the term's own name may say more than the code's branch ("Domestic Violence Shelters" under BH-1800)
        out += [Evidence(e.category, "taxonomy", f"AIRS/211 {label}") for e in evidence_from_text(name)
                if e.category not in table[best] and e.category not in ENFORCEMENT_CATEGORIES]
    return out, True


def categories_from_code(code: str) -> list[str]:
    return [e.category for e in evidence_from_code(code)[0]]


def is_population_code(code: str) -> bool:
    hit = _POPULATION.get(code)
    if hit is None:  # (once per code: an import asks twice for each of a service's terms)
        if len(_POPULATION) >= _TEXT_CACHE_MAX:
            _POPULATION.clear()
        c = (code or "").strip().upper()
        hit = _POPULATION[code] = c.startswith("Y") and is_airs_code(c)
    return hit


_POPULATION: dict[str, bool] = {}


_TEXT_CACHE: dict[tuple, tuple[Evidence, ...]] = {}
_TEXT_CACHE_MAX = 4096  # an import reads the same names, descriptions and term names again and again


def evidence_from_text(*texts: str) -> list[Evidence]:
    """Keyword guesses: a category for each whole phrase found (none for records about animals)."""
    hit = _TEXT_CACHE.get(texts)
    if hit is None:
        if len(_TEXT_CACHE) >= _TEXT_CACHE_MAX:
            _TEXT_CACHE.clear()
        hit = _TEXT_CACHE[texts] = tuple(_evidence_from_text(texts))
    return list(hit)


def _evidence_from_text(texts: tuple[str, ...]) -> list[Evidence]:
    text = " ".join(t for t in texts if t)
    if not text:
        return []
    # a text whose every character matches, under re.I, just what its lower() is (ASCII, Spanish letters,
    # typographic quotes and dashes) is read lower-cased, by the patterns compiled without re.I (the same matches at
    # the same places: lower() keeps each such character one character), and only by the patterns that may match
    # it: those the first letters of its words may start (see pattern_heads; most texts have a handful of the
    # thirty phrase lists, and no word about animals). Any other text is read by every re.I pattern
    low = text.lower() if _reads_lower(text) else None
    heads, animal_heads, lengths = _keyword_heads(), _ANIMAL_HEADS[0], _START_LENGTHS
    words: set[str] = set() if low is None else set(_WORD.findall(low))  # (read only when low is not None)
    starts = {w[:n] for w in words for n in lengths}
    if low is None or _ANIMALS_LOWER is None:
        if len(_ANIMALS.findall(text)) >= 2 or _ANIMALS.search(texts[0] if texts else ""):
            return []
    elif _may_start(animal_heads, words, starts) and (
            len(_ANIMALS_LOWER.findall(low)) >= 2 or (texts and _ANIMALS_LOWER.search(texts[0].lower()))):
        return []
    out: dict[str, Evidence] = {}
    spans: list[tuple[int, int]] = []
    for (rx, cat), lower_rx, head in zip(_KW, _KW_LOWER, heads, strict=True):
        if cat in out:
            continue
        if low is None or lower_rx is None:
            found = rx.finditer(text)
        elif head is None:
            found = lower_rx.finditer(low)
        else:
            heads_here = (words & head[0]) | (starts & head[1])
            if not heads_here:
                continue
            found = _matches_at(lower_rx, low, heads_here)
        for m in found:  # a phrase overlapping one already read ("immigration legal services") adds nothing
            if not any(m.start() < b and a < m.end() for a, b in spans):
                out[cat] = Evidence(cat, "keyword", f'"{text[m.start():m.end()].strip()}"')
                spans.append(m.span())
                break
    return list(out.values())


def _matches_at(rx: re.Pattern, low: str, heads: set[str]):
    """``rx.finditer(low)`` for a pattern every match of which starts with one of ``heads`` (see pattern_heads):
    the pattern is tried only where the text holds one of them, not at every character."""
    at: list[int] = []
    for head in heads:
        i = low.find(head)
        while i >= 0:
            at.append(i)
            i = low.find(head, i + 1)
    end = 0
    for i in sorted(at):
        if i >= end and (m := rx.match(low, i)) is not None:
            yield m
            end = m.end()  # (the matches finditer gives do not overlap; none of these is empty)


def _may_start(head, words, starts) -> bool:
    """Whether a pattern whose :func:`pattern_heads` are ``head`` may match a text of those words and word starts."""
    return head is None or not (words.isdisjoint(head[0]) and starts.isdisjoint(head[1]))


_UNFOLDED = re.compile("[^\x00-\x7f\xa0áéíóúüñÁÉÍÓÚÜÑ‘’“”–—…•]")
_WORD = re.compile(r"\w+")
_READS_LOWER: dict[str, bool] = {}  # a cased character _UNFOLDED finds -> whether _reads_lower may still say yes
_READS_LOWER_MAX = 16_384


def _reads_lower(text: str) -> bool:
    """Whether ``text`` lower-cased, read by the lower-case patterns without re.I, gives what the patterns with re.I
    give on ``text``: each of its characters that _UNFOLDED finds (most texts have none) is one that lower() keeps one
    character, that re.I matches to just the patterns' characters it lowers to, and whose word, space and digit
    classes lowering keeps (è, ô, ö, ç, º: Haitian Creole and French words do; the Kelvin sign lowers to k and
    matches k; a long s, a dotless i, a capital I with a dot do not)."""
    if _UNFOLDED.search(text) is None:
        return True
    for c in set(_UNFOLDED.findall(text)):
        alike = _READS_LOWER.get(c)
        if alike is None:
            if c.lower() == c == c.upper():  # a character without case (CJK, digits, symbols): re.I matches it as is
                continue
            if len(_READS_LOWER) >= _READS_LOWER_MAX:  # (Unicode has fewer cased characters than this)
                _READS_LOWER.clear()
            alike = _READS_LOWER[c] = _reads_alike(c)
        if not alike:
            return False
    return True


def _reads_alike(c: str) -> bool:
    low = c.lower()
    if len(low) != 1 or (c.isalnum(), c.isspace(), c.isdecimal()) != (low.isalnum(), low.isspace(), low.isdecimal()):
        return False
    return all((re.fullmatch(re.escape(a), c, re.I) is not None) == (a == low) for a in _pattern_characters())


@functools.cache
def _pattern_characters() -> frozenset[str]:
    """Every character a lower-cased pattern or needle here may spell: each one written in them, and ASCII (for the
    ranges of a character class), lower-cased."""
    written = [p for p, _c in KEYWORDS] + [_ANIMALS.pattern, _ENFORCEMENT_NAME.pattern, _DETENTION_NAME.pattern,
                                            *_ENFORCEMENT_NEEDLES, *_DETENTION_NEEDLES, "".join(map(chr, range(128)))]
    return frozenset(c.lower() for text in written for c in text)


_HEAD = 4  # letters of a word-start the quick test compares (see pattern_heads)
_HEADS: list[tuple[frozenset[str], frozenset[str]] | None] = []
_ANIMAL_HEADS: list[tuple[frozenset[str], frozenset[str]] | None] = []
_START_LENGTHS: list[int] = []  # the lengths of every word start in those heads


def _keyword_heads() -> list[tuple[frozenset[str], frozenset[str]] | None]:
    """For each phrase list of :data:`KEYWORDS`: :func:`pattern_heads` (worked out on first use, with the animal
    words' and the lengths of their word starts)."""
    if not _HEADS:
        heads = [pattern_heads(p) for p, _c in KEYWORDS]
        animals = pattern_heads(_ANIMALS.pattern) if _ANIMALS_LOWER is not None else None
        _START_LENGTHS[:] = sorted({len(s) for h in (*heads, animals) if h is not None for s in h[1]})
        _ANIMAL_HEADS[:] = [animals]
        _HEADS[:] = heads
    return _HEADS


def pattern_heads(pattern: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The word every match of ``pattern`` (read with re.I) starts with, lower-cased: (whole words, word starts).
    An alternative that spells out a whole word after a leading ``\\b`` (``\\bfree clinic`` -> ``free``,
    ``\\b[tu][- ]visas?`` -> ``t``, ``u``) gives that word; one whose letters run on (``\\brent(al)?``,
    ``\\blgbt``) gives its first (up to four) letters, which the text's word must start with. None when the
    pattern does not say (an alternative that may start inside a word, or with a character class, a repeat or a
    wildcard)."""
    try:  # (Python's own reader of patterns; if a later Python changes it, every pattern simply runs)
        parser, const = importlib.import_module("re._parser"), importlib.import_module("re._constants")
        found, _whole, anchored = _prefixes(list(parser.parse(pattern, re.I)), False, const)
    except Exception:  # noqa: BLE001
        return None
    words, starts = set(), set()
    for prefix in found:
        run = _WORD.match(prefix)
        if not anchored or run is None:
            return None
        if run.end() < len(prefix):  # (a character that is not a word character ends the word)
            words.add(run.group(0))
        else:
            starts.add(run.group(0)[:_HEAD])
    return (frozenset(words), frozenset(starts)) if words or starts else None


def _prefixes(items: list, anchored: bool, const) -> tuple[set[str], bool, bool]:
    """(the texts a match of the parsed ``items`` may start with, lower-cased; whether they are whole matches;
    whether a ``\\b`` comes before the first character in every alternative). Stops at the first item it cannot
    spell out (the prefixes found so far still are what every match starts with)."""
    prefixes = {""}
    for op, av in items:
        start = prefixes == {""}
        if op is const.AT:  # zero width: a leading \b says the match starts a word
            anchored = anchored or (start and av is const.AT_BOUNDARY)
            continue
        if op is const.LITERAL and not _UNFOLDED.match(chr(av)):
            prefixes = {p + chr(av).lower() for p in prefixes}
        elif op is const.IN and all(kind is const.LITERAL and not _UNFOLDED.match(chr(c)) for kind, c in av):
            prefixes = {p + chr(c).lower() for p in prefixes for _k, c in av}
        elif op is const.BRANCH or (op is const.SUBPATTERN and not (av[1] or av[2])):  # (no inline flags)
            parts = [_prefixes(list(b), anchored and start, const) for b in (av[1] if op is const.BRANCH else [av[3]])]
            if start:
                anchored = all(a for _p, _w, a in parts)
            prefixes = {p + q for p in prefixes for found, _w, _a in parts for q in found}
            if not all(whole for _p, whole, _a in parts):
                return prefixes, False, anchored
        elif op in (const.MAX_REPEAT, const.MIN_REPEAT) and av[0] == 0 and av[1] == 1:  # "s?": with it or without
            found, whole, _a = _prefixes(list(av[2]), False, const)
            if not whole:
                return prefixes, False, anchored
            prefixes = prefixes | {p + q for p in prefixes for q in found}
        else:
            return prefixes, False, anchored
        if len(prefixes) > 512:
            return prefixes, False, anchored
    return prefixes, True, anchored


def categories_from_text(*texts: str) -> list[str]:
    return [e.category for e in evidence_from_text(*texts)]


def enforcement_evidence(service_name: str, organization_name: str = "", codes: Sequence[str] = ()) -> list[Evidence]:
    """law-enforcement / detention when the service or its organization is an enforcement body or a place of
    detention, by name or by taxonomy (FL, FF-1500); [] otherwise."""
    return _enforcement(service_name or "", organization_name or "", _code_rules(codes))


def _enforcement(name: str, organization: str, code_rules: tuple[Evidence, ...]) -> list[Evidence]:
    """:func:`enforcement_evidence` with the codes' part worked out (:func:`_code_rules`): what the name says first,
    then the organization's name, then the codes, one piece of evidence per category (the first)."""
    named = _named_rules("name", name) if name else ()
    org = _organization_rules(organization) if organization else ()
    if not (named or org or code_rules):
        return []
    out: dict[str, Evidence] = {}
    for e in (*named, *org, *code_rules):
        out.setdefault(e.category, e)
    return list(out.values())


def _named_rules(label: str, text: str) -> tuple[Evidence, ...]:
    """What ``text`` (the ``label`` of a record: its name, its organization's) says of enforcement and detention."""
    # (the patterns run only on a text that holds one of the words every match of them holds: see _NEEDLES)
    out: list[Evidence] = []
    low = text.lower() if _reads_lower(text) else None
    m = _DETENTION_NAME.search(text) if low is None or _DETENTION_QUICK.search(low) else None
    if m:
        out.append(Evidence("detention", "rule", f'{label}: "{m.group(0)}"'))
    m = _ENFORCEMENT_NAME.search(text) if low is None or _ENFORCEMENT_QUICK.search(low) else None
    if m is None and _ACRONYMS_QUICK.search(text) and text != text.upper():
        m = _ENFORCEMENT_CS.search(text)
    if m:
        out.append(Evidence("law-enforcement", "rule", f'{label}: "{m.group(0).strip()}"'))
    return tuple(out)


_ORGANIZATION_RULES: dict[str, tuple[Evidence, ...]] = {}


def _organization_rules(name: str) -> tuple[Evidence, ...]:
    """:func:`_named_rules` of an organization's name, once per name (an organization has many services)."""
    hit = _ORGANIZATION_RULES.get(name)
    if hit is None:
        if len(_ORGANIZATION_RULES) >= _TEXT_CACHE_MAX:
            _ORGANIZATION_RULES.clear()
        hit = _ORGANIZATION_RULES[name] = _named_rules("organization", name)
    return hit


def _code_rules(codes) -> tuple[Evidence, ...]:
    """law-enforcement / detention by taxonomy code (FL, FF-1500), one piece of evidence per category."""
    out: dict[str, Evidence] = {}
    for code in codes or ():
        c = (code or "").strip().upper()
        if c == "FL" or c.startswith("FL-"):
            out.setdefault("law-enforcement", Evidence("law-enforcement", "rule", f"AIRS/211 {c} (law enforcement agency)"))
        elif c.startswith("FF-1500"):
            out.setdefault("detention", Evidence("detention", "rule", f"AIRS/211 {c} (correctional/detention facility)"))
    return tuple(out.values())


_CLASSIFIED: dict[tuple, tuple[tuple[Evidence, ...], tuple[str, ...]]] = {}


def classify(*, name: str, description: str = "", organization: str = "",
             terms: list[tuple[str, str]] | tuple = ()) -> tuple[list[Evidence], list[str]]:
    """Categories for an imported service, each with its evidence, and the taxonomy terms left unmapped.

    ``terms`` are (code, term name) pairs from the directory's own taxonomy. Service codes decide; target
    populations add to them; keywords from the service's own name and description are used only when no
    service code was given (or none we recognise); enforcement and detention override everything."""
    terms = tuple(terms)
    coded, left, service_coded, code_rules = _read_terms(terms)
    if service_coded:  # the text is not read (the codes decide): only the names, for enforcement
        return _enforcement(name, organization, code_rules) or list(coded), list(left)
    key = (name, description, organization, terms)
    hit = _CLASSIFIED.get(key)
    if hit is None:  # a directory lists the same programme, with the same words, at many places
        if len(_CLASSIFIED) >= _TEXT_CACHE_MAX:
            _CLASSIFIED.clear()
        evidence, unmapped = _classify(name, description, organization, key[3])
        hit = _CLASSIFIED[key] = (tuple(evidence), tuple(unmapped))
    return list(hit[0]), list(hit[1])


def _classify(name: str, description: str, organization: str,
              terms: tuple[tuple[str, str], ...]) -> tuple[list[Evidence], list[str]]:
    coded, unmapped, service_coded, code_rules = _read_terms(terms)
    enforcement = _enforcement(name, organization, code_rules)
    if enforcement:
        return enforcement, list(unmapped)
    if service_coded:
        return list(coded), list(unmapped)
    found = {e.category: e for e in coded}
    for e in evidence_from_text(name, description):
        found.setdefault(e.category, e)
    return list(found.values()), list(unmapped)


_TERMS_READ: dict[tuple, tuple[tuple[Evidence, ...], tuple[str, ...], bool, tuple[Evidence, ...]]] = {}


def _read_terms(terms: tuple[tuple[str, str], ...]) -> tuple[tuple[Evidence, ...], tuple[str, ...], bool,
                                                               tuple[Evidence, ...]]:
    """What a service's terms alone say: (their evidence, one per category, the first; the terms left unmapped;
    whether one is a service code we know; :func:`_code_rules`), once per set of terms (the services of a
    directory share a few thousand of them)."""
    hit = _TERMS_READ.get(terms)
    if hit is None:
        if len(_TERMS_READ) >= _TEXT_CACHE_MAX:
            _TERMS_READ.clear()
        found: dict[str, Evidence] = {}
        unmapped: list[str] = []
        service_coded = False
        for code, tname in terms:
            evs, known = evidence_from_code(code, tname)
            if known and not is_population_code(code):
                service_coded = True
            if not known and tname and not is_airs_code((code or "").strip().upper()):
                # a free vocabulary (not AIRS): its term names are read like text, phrase by phrase
                evs = [Evidence(e.category, "taxonomy", f'term "{tname}"') for e in evidence_from_text(tname)]
                service_coded = service_coded or bool(evs)
            if evs:
                for e in evs:
                    found.setdefault(e.category, e)
            elif not is_population_code(code):
                unmapped.append(tname or code)
        hit = _TERMS_READ[terms] = (tuple(found.values()), tuple(unmapped), service_coded,
                                    _code_rules([c for c, _ in terms]))
    return hit
