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
