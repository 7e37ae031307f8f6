"""Categories from AIRS/211 codes, target populations, whole phrases and the enforcement rule."""

from advocate.directory.taxonomy import (
    categories_from_code,
    categories_from_text,
    classify,
    enforcement_evidence,
    evidence_from_text,
)
from advocate.directory.vocab import categories


def cats(evidence):
    return sorted(e.category for e in evidence)


def test_airs_top_levels_follow_the_published_taxonomy():
    assert categories_from_code("FL-6500") == ["law-enforcement"]          # FL: law enforcement agencies
    assert categories_from_code("FL") == ["law-enforcement"]
    assert categories_from_code("FJ-1750") == []                           # FJ: judicial services, not help
    assert categories_from_code("FJ-6700.6500") == ["legal-criminal"]      # public defender
    assert categories_from_code("TJ-3000.8000") == []                      # TJ-3000: information and referral
    assert categories_from_code("PN-8100.1000") == []                      # PN: support groups
    assert categories_from_code("PN-8100.0200-180") == ["domestic-violence"]
    assert categories_from_code("FF-1500.3300") == ["detention"]           # immigration detention centres
    assert categories_from_code("FT-3500.1500") == []                      # USCIS offices: the agency
    assert categories_from_code("FT-3600.1500") == ["legal-immigration"]
    assert categories_from_code("FT-3200") == ["legal-civil"]
    assert categories_from_code("PD-7600.0600") == []                      # animal shelters
    assert categories_from_code("PX-2300.3100") == []                      # volunteer opportunities
    assert categories_from_code("PH-3500.4500") == ["interpretation"]
    assert categories_from_code("PH-1000.8500") == ["case-management"]
    assert categories_from_code("BH-1800.1500-308") == ["shelter", "trafficking"]
    assert categories_from_code("LF-4900.2400") == ["medical"]


def test_target_populations_feed_population_categories():
    assert categories_from_code("YX-1500.9000") == ["trafficking"]
    assert categories_from_code("YZ-1750") == ["domestic-violence"]
    assert categories_from_code("YT-2400.2600") == ["lgbtq", "youth"]
    assert categories_from_code("YB-9500.0500") == []                      # an age band is not youth services
    assert categories_from_code("YE-9000") == []


def test_every_mapped_category_exists():
    from advocate.directory.taxonomy import AIRS_POPULATIONS, AIRS_PREFIXES, KEYWORDS, OPEN_ELIGIBILITY

    used = {c for v in [*AIRS_PREFIXES.values(), *AIRS_POPULATIONS.values()] for c in v}
    used |= set(OPEN_ELIGIBILITY.values()) | {c for _, c in KEYWORDS}
    assert used <= set(categories())
    for new in ("accompaniment", "family-reunification", "labor-rights", "identity-documents", "child-protection",
                "detention"):
        row = categories()[new]
        assert row["label_en"] and row["label_es"] and row["description_en"] and row["description_es"]


def test_keywords_need_whole_phrases():
    assert categories_from_text("We help with asylum") == []
    assert categories_from_text("Free immigration legal services") == ["legal-immigration"]
    assert categories_from_text("Trapping and rescuing of homeless cats; cat shelter") == []
    assert categories_from_text("Miami-Dade Animal Services",
                                "an open-admission shelter: no homeless animal is turned away") == []
    assert "shelter" in categories_from_text("Emergency shelter for families")
    assert categories_from_text("Ayuda legal migratoria y asesoría") == ["legal-immigration"]
    assert categories_from_text("Recuperación de salarios no pagados: derechos laborales") == ["labor-rights"]
    e = evidence_from_text("Domestic violence counseling")[0]
    assert e.guessed and e.reason == '"Domestic violence"'


def test_enforcement_by_name_or_code_carries_nothing_else():
    ev, _ = classify(name="U.S. Immigration and Customs Enforcement",
                     terms=[("FT-3500.1500", "Citizenship and Immigration Services Offices"), ("YE-9000", "")])
    assert cats(ev) == ["law-enforcement"]
    ev, _ = classify(name="Krome Service Processing Center", organization="U.S. Immigration and Customs Enforcement",
                     terms=[("FT-3600", "Immigration/Naturalization Legal Services")])
    assert cats(ev) == ["detention", "law-enforcement"]
    ev, _ = classify(name="Victim Advocate Program", organization="Monroe County Sheriff's Office",
                     terms=[("FN-1900.2500", "General Crime Victim Assistance")])
    assert cats(ev) == ["law-enforcement"]
    assert cats(enforcement_evidence("Border Patrol station")) == ["law-enforcement"]
    assert enforcement_evidence("Ice cream social for families") == []
    assert enforcement_evidence("Jail diversion program") == []
    # seen in the Miami 211 export: an FDLE unit filed as a youth service, a police-based advocate as victim services
    ev, _ = classify(name="Missing Persons and Offender Registration",
                     organization="FLORIDA DEPT OF LAW ENFORCEMENT (FDLE)", terms=[("YV-3000.8000", "Homeless Youth")])
    assert cats(ev) == ["law-enforcement"]
    assert cats(enforcement_evidence("LAW ENFORCEMENT BASED VICTIM ADVOCATE")) == ["law-enforcement"]
    assert cats(enforcement_evidence("Secretaría de Seguridad Pública del Estado")) == ["law-enforcement"]
    assert enforcement_evidence("Training for law enforcement on trafficking indicators") == []
    assert enforcement_evidence("Victim advocacy with law enforcement interviews") == []
    ev, _ = classify(name="Detained adults program", organization="Americans for Immigrant Justice",
                     terms=[("FT-3600.6500", "Relief from Removal")])
    assert cats(ev) == ["legal-immigration"]


def test_keywords_only_without_a_service_code_and_unmapped_codes_kept():
    ev, unmapped = classify(name="3-1-1 Answer Center", description="request local services (pick up the stray dog)",
                            terms=[("TH-2600.1580", "Disaster Related Shelter Services"), ("TJ-3000", "Information")])
    assert ev == [] and unmapped == ["Disaster Related Shelter Services", "Information"]
    ev, _ = classify(name="Liga contra el cancer", description="free medical care to cancer patients ... who have "
                     "established legal residence or have political asylum")
    assert cats(ev) == ["medical"] and ev[0].guessed


# --- the quick test before the keyword phrases run (taxonomy.pattern_heads) must never change what is found ---
import csv  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from advocate.directory import taxonomy  # noqa: E402

_FILLER = ["services", "free", "the", "legal", "family", "t", "u", "i", "dv", "mens", "men's", "rent", "rental",
           "lgbtq", "servicio", "clínica", "CLÍNICA", "Atención", "visa", "T-visa", "self-petition", "ñ", "año", "K",
           "ſex", "İmmigration", "ß", "’", "—", "\xa0", "\n", "(", ")", "'", "-", ",", ".", "123", "_x", "x_",
           "pets", "Dog", "cats", "catalog", "veterinarians", "Spaying", "humane society", "SPCA", "feline", "petition",
           "Sèvis", "lopital", "Kòmante", "Señor", "Ôpital", "Ǆ", "ǅ", "ŉ", "º", "ﬁ", "ﬀ"]


def _all_patterns(texts: tuple[str, ...], monkeypatch) -> list:
    """What _evidence_from_text finds when every phrase list runs, with re.I, on the text as written (no quick test,
    no lower-cased reading): the classifier as it was first written."""
    text = " ".join(t for t in texts if t)
    animals = re.compile(taxonomy._ANIMALS.pattern, re.I)
    if not text or len(animals.findall(text)) >= 2 or animals.search(texts[0] if texts else ""):
        return []
    out: dict = {}
    spans: list[tuple[int, int]] = []
    for p, cat in taxonomy.KEYWORDS:
        if cat in out:
            continue
        for m in re.finditer(p, text, re.I):
            if not any(m.start() < b and a < m.end() for a, b in spans):
                out[cat] = taxonomy.Evidence(cat, "keyword", f'"{m.group(0).strip()}"')
                spans.append(m.span())
                break
    return list(out.values())


def _case(draw, text: str) -> str:
    how = draw(st.sampled_from(["as is", "upper", "lower", "title", "swap"]))
    return {"as is": text, "upper": text.upper(), "lower": text.lower(), "title": text.title(),
            "swap": text.swapcase()}[how]


@st.composite
def _texts(draw):
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["phrase", "filler", "noise"]))
        if kind == "phrase":  # something one of the phrase lists matches, as written or cased otherwise
            pattern = draw(st.sampled_from([p for p, _c in taxonomy.KEYWORDS]))
            parts.append(_case(draw, draw(st.from_regex(pattern, fullmatch=True))))
        elif kind == "filler":
            parts.append(_case(draw, draw(st.sampled_from(_FILLER))))
        else:
            parts.append(draw(st.text(alphabet="abcdeilmnorstuvyzáéíñ’ -'\n.KſİßAèôöçºıµÿ€\u2003ŉǅ", max_size=12)))
    glue = draw(st.sampled_from([" ", "", "-", ", ", "\n"]))
    return (glue.join(parts[:1]), glue.join(parts[1:]))


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (split at each | outside brackets and parentheses)."""
    out, depth, klass, escaped, start = [], 0, False, False, 0
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif klass:
            klass = ch != "]"
        elif ch == "[":
            klass = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
    return [*out, pattern[start:]]


_ALTERNATIVES = [alt for p, _c in taxonomy.KEYWORDS for alt in _alternatives(p)]


@settings(max_examples=200, deadline=None)
@given(_texts())
def test_the_quick_test_finds_what_every_phrase_list_finds(texts):
    with pytest.MonkeyPatch.context() as m:
        assert taxonomy._evidence_from_text(texts) == _all_patterns(texts, m)


def _language(items) -> list[str]:
    """Every text the parsed pattern ``items`` matches (the phrase lists are finite: words, classes, groups, ?)."""
    import importlib

    const = importlib.import_module("re._constants")
    out = [""]
    for op, av in items:
        if op is const.AT:
            continue
        if op is const.LITERAL:
            options = [chr(av)]
        elif op is const.IN:
            options = [chr(c) for _k, c in av]
        elif op is const.SUBPATTERN:
            options = _language(av[3])
        elif op is const.BRANCH:
            options = [t for b in av[1] for t in _language(b)]
        elif op is const.MAX_REPEAT and (av[0], av[1]) == (0, 1):
            options = ["", *_language(av[2])]
        else:
            raise AssertionError(f"a phrase list this test cannot spell out: {op}")
        out = [a + b for a in out for b in options]
    return out


def test_the_quick_test_finds_each_phrase_alone():
    """Every phrase every list can match (each alternative spelled out), cased one way or another, with something
    before and after it: the same evidence with the quick test as without."""
    import importlib

    parser = importlib.import_module("re._parser")
    cases = [str, str.upper, str.title, str.lower, str.swapcase]
    around = [("", ""), ("Free ", " here"), ("the (", ")."), ("K ", "s"), ("ſ ", "’s"), ("", "-x")]
    n = 0
    for p, _c in taxonomy.KEYWORDS:
        for phrase in _language(list(parser.parse(p, re.I))):
            assert re.search(p, phrase, re.I), (p, phrase)
            for before, after in (around[n % 3], around[n % len(around)]):  # (one of them plain ASCII)
                texts = ("Program" if n % 2 else "", before + cases[n % len(cases)](phrase) + after)
                with pytest.MonkeyPatch.context() as m:
                    assert taxonomy._evidence_from_text(texts) == _all_patterns(texts, m), texts
            n += 1
    assert n > 1000


def _real_rows(*tables: str):
    """The rows of the real exports' ``tables`` in shared/data (the test is skipped without them)."""
    shared = Path(__file__).resolve().parents[3] / "shared" / "data" / "hsds"
    files = [f for t in tables for f in sorted(shared.rglob(f"{t}.csv"))] if shared.is_dir() else []
    if not files:
        pytest.skip("no real exports here")
    for f in files:
        with open(f, newline="", encoding="utf-8", errors="replace") as fh:
            yield from csv.DictReader(fh)


def test_the_quick_test_on_real_descriptions():
    """Every service name and description of the real exports in shared/data (skipped without them)."""
    seen = 0
    for row in _real_rows("services"):
        texts = ((row.get("name") or "").strip(), " ".join((row.get("description") or "").split()))
        with pytest.MonkeyPatch.context() as m:
            assert taxonomy._evidence_from_text(texts) == _all_patterns(texts, m), texts
        seen += 1
    assert seen > 1000


def test_pattern_heads():
    heads = taxonomy.pattern_heads
    assert heads(r"\bfree clinic\b|\brent(al)? help") == (frozenset({"free", "rent", "rental"}), frozenset())
    assert heads(r"\b[tu][- ]visas?\b") == (frozenset({"t", "u"}), frozenset())
    assert heads(r"\blgbt|\bpsych\w+") == (frozenset(), frozenset({"lgbt", "psyc"}))
    assert heads(r"\bcl[ií]nica\b") == (frozenset(), frozenset({"clin", "clín"}))  # (the word may run on)
    # nothing to say: a phrase that may start inside a word, with a class, a repeat, a wildcard or a folded letter
    for pattern in (r"free\b", r"\bfree|clinic", r"\b\w+ing", r"\b[a-z]+", r"\b.x", r"\bſex", r"\b(?-i:Free)"):
        assert heads(pattern) is None, pattern
    # every phrase list of the import has something to say
    assert all(h is not None for h in taxonomy._keyword_heads())


def _enforcement_every_pattern(service_name: str, organization_name: str = "") -> list:
    """enforcement_evidence by name as it was before its needles: every pattern run on every text."""
    out: dict = {}
    for label, text in (("name", service_name or ""), ("organization", organization_name or "")):
        m = taxonomy._DETENTION_NAME.search(text)
        if m:
            out.setdefault("detention", taxonomy.Evidence("detention", "rule", f'{label}: "{m.group(0)}"'))
        m = taxonomy._ENFORCEMENT_NAME.search(text) or (
            taxonomy._ENFORCEMENT_CS.search(text) if text != text.upper() else None)
        if m:
            out.setdefault("law-enforcement",
                           taxonomy.Evidence("law-enforcement", "rule", f'{label}: "{m.group(0).strip()}"'))
    return list(out.values())


def test_enforcement_needles_are_in_every_phrase():
    """Each phrase the enforcement and detention patterns can match (spelled out) holds one of their needles, and
    each acronym of the case-sensitive pattern is one of its own; then, cased one way or another and with text
    around it, every phrase gives the same evidence as running every pattern."""
    import importlib

    parser = importlib.import_module("re._parser")
    cases = [str, str.upper, str.title, str.lower, str.swapcase]
    around = [("", ""), ("Office of the ", " North"), ("the (", ")."), ("K ", "s"), ("ſ ", "’s"), ("Ö ", "-x")]
    n = 0
    for rx, needles in ((taxonomy._ENFORCEMENT_NAME, taxonomy._ENFORCEMENT_NEEDLES),
                        (taxonomy._DETENTION_NAME, taxonomy._DETENTION_NEEDLES),
                        (taxonomy._ENFORCEMENT_CS, taxonomy._ENFORCEMENT_ACRONYMS)):
        for phrase in _language(list(parser.parse(rx.pattern, rx.flags))):
            folded = phrase.lower() if rx.flags & re.I else phrase
            assert any(needle in folded for needle in needles), (rx.pattern, phrase)
            for before, after in around:
                name = before + cases[n % len(cases)](phrase) + after
                org = cases[(n + 1) % len(cases)](phrase)
                assert taxonomy.enforcement_evidence(name) == _enforcement_every_pattern(name), name
                assert taxonomy.enforcement_evidence("Help", org) == _enforcement_every_pattern("Help", org), org
                n += 1
    assert n > 300


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["police", "Police", "ICE", "ice", "(ICE)", "U.S. ICE", "jail", "Jail", "county",
                                 "sheriff's", "Sheriffs", "Krome", "polícia federal", "policía estatal", "ſheriff",
                                 "detention center", "DEA", "FBI", "Service", "the", "K", "İ", "-", "’", " ", "\n",
                                 "processing", "center", "estación migratoria", "icebox", "Dealers", "CBPX"]),
                max_size=6),
       st.text(alphabet="aceijloprsIEDCBK ’ſ()-.", max_size=10))
def test_enforcement_needles_change_nothing(words, noise):
    for name in (" ".join(words) + noise, noise + "".join(words)):
        assert taxonomy.enforcement_evidence(name) == _enforcement_every_pattern(name), name
        assert taxonomy.enforcement_evidence("Help", name) == _enforcement_every_pattern("Help", name), name


def test_enforcement_needles_on_real_names():
    """Every service and organization name of the real exports in shared/data (skipped without them)."""
    seen = 0
    for row in _real_rows("services", "organizations"):
        name = (row.get("name") or "").strip()
        assert taxonomy.enforcement_evidence(name, name) == _enforcement_every_pattern(name, name), name
        seen += 1
    assert seen > 1000


def test_population_codes_once_per_code():
    """is_population_code remembers its answer per code: the same answers asked again, whatever the spelling."""
    for _ in range(2):
        assert taxonomy.is_population_code("YF-5000") and taxonomy.is_population_code(" yf-5000 ")
        assert taxonomy.is_population_code("Y") and not taxonomy.is_population_code("YZZ")
        assert not taxonomy.is_population_code("BH-1800") and not taxonomy.is_population_code("")
        assert not taxonomy.is_population_code(None)  # type: ignore[arg-type]


def test_a_character_without_case_reads_lower_without_being_checked():
    """CJK, digits and symbols have no case: re.I matches them as they are, so a text of thousands of them is read the
    quick way without a check per character (a reviewer's export of 6,000 CJK characters took 130 s instead of 5 s
    when each was checked and the check's memory emptied). The shortcut agrees with the check it skips."""
    caseless = [c for c in map(chr, range(0x80, 0x30000, 61)) if c.lower() == c == c.upper() and taxonomy._UNFOLDED.match(c)]
    assert len(caseless) > 1000
    assert all(taxonomy._reads_alike(c) for c in caseless)
    taxonomy._READS_LOWER.clear()
    text = "".join(map(chr, range(0x4E00, 0x4E00 + 6000)))
    assert taxonomy._reads_lower(text) and not taxonomy._READS_LOWER
    assert not taxonomy._reads_lower(text + "ſ") and taxonomy._READS_LOWER == {"ſ": False}
