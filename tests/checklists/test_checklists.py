import json
import re
from datetime import date

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from advocate.checklists import formats
from advocate.checklists.extract import strings_of
from advocate.checklists.i18n import LOCALE_DIR, format_date_long, shipped_languages, tr
from advocate.checklists.model import get_checklist, load_all, localize, validate
from advocate.checklists.ui import LABELS, SKIP, SPECIAL_ANSWERS, YESNO
from advocate.errors import AdvocateError, InputError

SHIPPED = {cid: doc for cid, (doc, src) in load_all(None).items() if src.packaged}
LABELLING = re.compile(r"\b(victims?|v[ií]ctimas?|prostitut\w*|illegal\w*|ilegal\w*|trafficked|traficad\w*|"
                       r"sex workers?|whores?|putas?|illegals?)\b", re.I)


def all_strings():
    for doc in SHIPPED.values():
        for path, text in strings_of(doc):
            yield path, text
    for i, text in enumerate([*SPECIAL_ANSWERS.values(), *YESNO.values(), SKIP, *LABELS.values()]):
        yield f"ui.{i}", text


def test_spanish_is_shipped():
    assert {"en", "es"} <= set(shipped_languages())


@pytest.mark.parametrize("lang", [lang for lang in shipped_languages() if lang != "en"])
def test_parity_every_string_translated_in_every_language(lang):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "advocate.po", "rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id}
    missing = [path for path, text in all_strings() if not po.get(text)]
    assert not missing, f"{lang}: no translation for {missing[:10]}"
    fuzzy = []
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "advocate.po", "rb") as fh:
        fuzzy = [m.id for m in read_po(fh) if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries need review: {fuzzy[:5]}"


@pytest.mark.parametrize("lang", [lang for lang in shipped_languages() if lang != "en"])
def test_compiled_catalog_matches_po(lang):
    base = LOCALE_DIR / lang / "LC_MESSAGES" / "advocate"
    with open(f"{base}.po", "rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id}
    with open(f"{base}.mo", "rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id}
    assert po == mo, "run: pybabel compile -d advocate/locale -D advocate"


def test_no_labelling_words_in_survivor_facing_text():
    offenders = []
    for lang in shipped_languages():
        for path, text in all_strings():
            if LABELLING.search(tr(text, lang)):
                offenders.append((lang, path, tr(text, lang)))
    assert not offenders


def test_intake_sections_and_companions():
    intake = SHIPPED["intake"]
    assert len(intake["sections"]) == 15
    assert all(3 <= len(s["items"]) <= 15 for s in intake["sections"])
    for name in ("safety-plan", "documents", "consent", "appointment-prep"):
        assert name in SHIPPED


def test_identification_screen_covers_the_topics_and_prints_at_first_meeting():
    c = localize(SHIPPED["intake"], ["en"], stage="first")
    items = {it["id"] for s in c["sections"] for it in s["items"]}
    for topic in ("job-different", "promises", "free-to-leave", "watched", "pay-kept", "debt", "papers-held",
                  "cut-off", "threats", "forced-sex", "sex-for-needs", "drugs", "kind-of-work"):
        assert f"screen.{topic}" in items
    assert {"about.age-now", "about.age-began", "about.kind", "start.talk-alone", "start.role",
            "immigration.t-visa", "immigration.u-visa", "immigration.last-arrival", "health.self-harm",
            "health.sexual-health", "language.indigenous", "language.address"} <= items
    assert "return.decision" not in items and "benefits.income" not in items


def test_screen_answers_are_sensitive_and_never_ask_for_a_label():
    screen = next(s for s in SHIPPED["intake"]["sections"] if s["id"] == "screen")
    asked = [it for it in screen["items"] if it.get("answers", "yesno") != "say"]
    assert asked and all(it.get("sensitive") for it in asked)
    for lang in shipped_languages():
        for it in screen["items"]:
            assert not re.search(r"traffick|\btrata\b|victim|v[ií]ctima", tr(it["text"], lang), re.I)


def test_role_statement_says_who_we_are_not():
    role = next(it for s in SHIPPED["intake"]["sections"] for it in s["items"] if it["id"] == "role")
    assert "not the police" in role["text"] and "not immigration" in role["text"] and "will not call" in role["text"]
    es = tr(role["text"], "es")
    assert "No somos la policía" in es and "migración" in es and "No vamos a llamar a la policía ni a migración" in es


def test_content_mends():
    """The corrections a domain review asked for, pinned so they do not drift back."""
    es = {path: tr(text, "es") for doc in SHIPPED.values() for path, text in strings_of(doc)}
    en = {path: text for doc in SHIPPED.values() for path, text in strings_of(doc)}
    everything_es = "\n".join(es.values())
    assert "72 hours" in en["intake.health.sexual-health"] and "VIH" in es["intake.health.sexual-health"]
    exam = en["intake.health.exam-after-assault"]
    assert "free" in exam and "do not need to report to the police" in exam
    assert "forense" not in es["intake.health.exam-after-assault"]
    assert "not required" in en["intake.immigration.t-visa.note"] and "is required" in en["intake.immigration.u-visa.note"]
    assert "one year" in en["intake.immigration.last-arrival.note"]
    assert "audiencia" in es["intake.immigration.hearing-checkin"] and "Fechas de corte" not in everything_es
    assert "carta poder" in es["intake.immigration.children-care-plan"]
    assert "usted decide" in es["intake.immigration.other-routes"] and "abogado decide" not in everything_es
    assert "dialecto" in es["intake.language.indigenous"]
    for doc in ("intake", "documents"):
        papers = " ".join(t for p, t in en.items() if p.startswith(f"{doc}."))
        for word in ("INE", "CURP", "A-number", "NTA", "I-797", "cartilla"):
            assert word in papers, (doc, word)
    consent = " ".join(t for p, t in en.items() if p.startswith("consent."))
    for word in ("cannot take back", "30 days", "Under 18", "What could happen"):
        assert word in consent
    assert "referir" not in everything_es and "referida" not in everything_es


def test_papers_that_could_betray_a_plan_have_neutral_titles_and_a_keep_line():
    for name in ("documents", "safety-plan"):
        doc = SHIPPED[name]
        for lang in shipped_languages():
            title = tr(doc["title"], lang)
            assert not re.search(r"go-bag|emergency|safety|escape|leave|bolsa|emergencia|seguridad|huida", title, re.I)
        assert "only if it is safe for you to keep it" in doc["intro"]
        assert "solo si es seguro para usted tenerlo" in tr(doc["intro"], "es")


def test_neutral_header():
    for doc in SHIPPED.values():
        for lang in shipped_languages():
            assert not re.search(r"traffick|trata", tr(doc["title"], lang), re.I)


def test_sensitive_questions_are_always_asked():
    """``sensitive`` governs whether answers are shown, not whether the question is asked."""
    doc = SHIPPED["intake"]
    for kwargs in ({}, {"include_sensitive": True}):
        c = localize(doc, ["en", "es"], **kwargs)
        items = {it["id"]: it for s in c["sections"] for it in s["items"]}
        assert items["safety.controller-near"]["sensitive"] is True
        assert c["sensitive_hidden"] == 0


def _doc(*items, section_stage=None):
    section = {"id": "s", "title": {"en": "S", "es": "S"}, "items": list(items)}
    if section_stage:
        section["stage"] = section_stage
    return {"id": "t", "title": {"en": "T", "es": "T"}, "sections": [section]}


def _item(id_, **kw):
    return {"id": id_, "text": {"en": id_, "es": id_ + "-es"}, **kw}


def test_model_fields_and_defaults():
    doc = _doc(_item("a"), _item("b", note={"en": "Never assume.", "es": "No lo dé por hecho."}, stage="later",
                                 answers="text", lines=4, free_note=True, sensitive=True),
               _item("c", answers="say", note="Explain our role."))
    validate(doc, "t.json")
    c = localize(doc, ["en", "es"], stage="all")
    a, b, say = c["sections"][0]["items"]
    assert a["note"] is None and a["stage"] == "first" and a["type"] == "yesno" and a["lines"] is None
    assert a["free_note"] is False and a["sensitive"] is False
    assert b["note"] == {"en": "Never assume.", "es": "No lo dé por hecho."} and b["stage"] == "later"
    assert b["lines"] == 4 and b["free_note"] is True and b["sensitive"] is True
    assert [x["id"] for x in b["answers"]] == ["prefer-not-to-say", "unknown", "does-not-apply"]
    assert say["type"] == "say" and say["answers"] == [] and say["note"] == {"en": "Explain our role.",
                                                                           "es": "Explain our role."}
    assert localize(doc, ["en"], notes=False)["sections"][0]["items"][0]["note"] is None


def test_legacy_boolean_note_means_free_note():
    doc = _doc(_item("a", note=True), _item("b", note=False), _item("c", note=True, free_note=False))
    validate(doc, "old.json")
    items = localize(doc, ["en"])["sections"][0]["items"]
    assert [(it["free_note"], it["note"]) for it in items] == [(True, None), (False, None), (False, None)]


@pytest.mark.parametrize("stage, expected", [("first", ["a"]), ("later", ["b"]), ("as-needed", ["c", "d"]),
                                             ("all", ["a", "b", "c", "d"])])
def test_stage_chooses_the_items(stage, expected):
    doc = _doc(_item("a"), _item("b", stage="later"), _item("c", stage="as-needed"), _item("d"),
               section_stage="as-needed")
    doc["sections"][0]["items"][0]["stage"] = "first"
    c = localize(doc, ["en"], stage=stage)
    got = [it["id"].split(".")[1] for s in c["sections"] for it in s["items"]]
    assert got == expected
    assert c["stage_hidden"] == 4 - len(expected)


def test_bad_stage_is_a_clear_error():
    with pytest.raises(InputError, match="not a stage"):
        localize(_doc(_item("a")), ["en"], stage="second")


@pytest.mark.parametrize("bad, message", [
    ({"stage": "soon"}, "stage"), ({"lines": 0}, "lines"), ({"lines": "3"}, "lines"), ({"lines": True}, "lines"),
    ({"free_note": "yes"}, "free_note"), ({"note": 3}, "note"), ({"answers": "essay"}, "answers"),
    ({"react": {"no": "explode"}}, "react"),
])
def test_malformed_new_fields(bad, message):
    with pytest.raises(AdvocateError, match=message):
        validate(_doc(_item("a", **bad)), "x.json")


def test_notes_are_extracted_for_translation():
    doc = _doc(_item("a", note="Ask gently."), _item("b", note=True))
    texts = [t for _, t in strings_of(doc)]
    assert "Ask gently." in texts and True not in texts


def test_every_shipped_item_uses_the_current_fields():
    for doc in SHIPPED.values():
        validate(doc, doc["id"])
        for s in doc["sections"]:
            for it in s["items"]:
                assert not isinstance(it.get("note"), bool), f'{doc["id"]}.{s["id"]}.{it["id"]}: use free_note'


def test_three_kinds_of_non_answer_are_distinct():
    c = localize(SHIPPED["intake"], ["en"])
    for s in c["sections"]:
        for it in s["items"]:
            ids = [a["id"] for a in it["answers"]]
            assert ids[-3:] == ["prefer-not-to-say", "unknown", "does-not-apply"] or it["type"] == "say"


@pytest.mark.parametrize("render", [formats.to_markdown, formats.to_text, formats.to_html])
@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_format_renders_every_item(render, name):
    c = localize(SHIPPED[name], ["en", "es"], include_sensitive=True)
    out = render(c, client="C-7K3M9Q")
    for s in c["sections"]:
        for it in s["items"]:
            for lang in ("en", "es"):
                text = it["text"][lang]
                if render is formats.to_html:
                    import html

                    text = html.escape(text)
                elif render is formats.to_markdown:
                    text = text.replace("|", "\\|")
                assert text in out, (name, it["id"], lang)


def test_spanish_dates():
    assert format_date_long(date(2026, 12, 3), "es") == "3 de diciembre de 2026"
    assert format_date_long(date(2026, 12, 3), "en") == "December 3, 2026"


def test_override_folder_replaces_and_adds(tmp_path):
    folder = tmp_path / "checklists"
    folder.mkdir()
    (folder / "extra.json").write_text(json.dumps({
        "id": "extra", "title": {"en": "Clinic visit", "es": "Visita a la clínica"},
        "sections": [{"id": "a", "title": {"en": "Before", "es": "Antes"},
                      "items": [{"id": "x", "text": {"en": "Bring the card", "es": "Lleve la tarjeta"}}]}]}))
    (folder / "intake.json").write_text(json.dumps({
        "id": "intake", "title": "Intake checklist",
        "sections": [{"id": "s", "title": "Basic needs", "items": [{"id": "food", "text": "Do you have food for today?"}]}]}))
    docs = load_all(folder)
    assert "extra" in docs and not docs["extra"][1].packaged
    c = localize(get_checklist("intake", folder)[0], ["en", "es"])
    assert c["sections"][0]["items"][0]["text"]["es"] == "¿Tiene comida para hoy?"
    c = localize(get_checklist("extra", folder)[0], ["es"])
    assert c["title"]["es"] == "Visita a la clínica"
    with pytest.raises(InputError):
        localize(get_checklist("extra", folder)[0], ["fr"] if False else ["en", "xx"])


def test_malformed_override_is_a_clear_error(tmp_path):
    (tmp_path / "bad.json").write_text('{"id": "bad"}')
    with pytest.raises(AdvocateError, match="malformed"):
        load_all(tmp_path)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(AdvocateError, match="not valid JSON"):
        load_all(tmp_path)


GUARD = LOCALE_DIR / "es" / "gendered-forms.txt"


def guard_lines() -> list[str]:
    return [line.strip() for line in GUARD.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def guard_forms() -> list[str]:
    return [line for line in guard_lines() if not line.startswith("+")]


def guard_pattern():
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in guard_forms()) + r")(?!\w)", re.I)


def guard_offences(text: str) -> list[str]:
    """The listed forms in ``text``, once its allowed neutral phrases ("hijos e hijas") are taken out."""
    allowed = [line[1:].strip() for line in guard_lines() if line.startswith("+")]
    for phrase in allowed:
        text = re.sub(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", " ", text, flags=re.I)
    return guard_pattern().findall(text)


def test_no_spanish_string_assumes_a_gender_or_a_role():
    """Every Spanish string of the checklist catalog (texts, notes, options, labels) and of the papers a person
    carries (the cards and the referral sheet, in the interface catalog) is checked against the list kept
    beside the catalog: the survivor, and the people around them, may be a man, a woman, or neither."""
    forms = guard_forms()
    assert {"segura", "sola", "referida", "contactarla", "la controlaba", "abogado", "hijos", "niños"} <= set(forms)
    with open(LOCALE_DIR / "es" / "LC_MESSAGES" / "advocate.po", "rb") as fh:
        offenders = [(m.id, guard_offences(m.string)) for m in read_po(fh) if m.id and guard_offences(m.string)]
    assert not offenders
    with open(LOCALE_DIR / "es" / "LC_MESSAGES" / "interface.po", "rb") as fh:
        papers = [m for m in read_po(fh) if m.id and any(f in ("advocate/cards.py", "advocate/sheet.py")
                                                          for f, _line in m.locations)]
    assert len(papers) > 20
    offenders = [(m.id, guard_offences(" ".join(m.string) if isinstance(m.string, tuple) else m.string))
                 for m in papers]
    assert not [o for o in offenders if o[1]]
    for doc in SHIPPED.values():  # inline {"es": ...} texts in the shipped files too
        for path, text in strings_of(doc):
            if isinstance(text, dict):
                assert not guard_offences(text.get("es", "")), path


@pytest.mark.parametrize("bad", ["¿Se siente segura?", "¿La persona que la controlaba está cerca?",
                                 "¿Referida a un abogado?", "Revisar juntas el plan", "Una consejera",
                                 "examen médico forense", "Fechas de corte",
                                 "¿Quiere hablar gratis y en privado con un abogado de inmigración?",
                                 "el abogado se las explica", "Hijos nacidos en EE. UU.", "¿Hay niños en peligro?",
                                 "si un juez lo ordena", "Hijos e hijas nacidos aquí"])
def test_the_guard_catches_what_the_review_found(bad):
    assert guard_offences(bad)


@pytest.mark.parametrize("fine", ["¿Se siente a salvo?", "Hablar a solas", "Le canalizamos con una persona abogada",
                                  "un lugar seguro", "solo si usted quiere", "¿Puede hablar ahora sin riesgo?",
                                  "alguien que da asesoría legal de inmigración", "Papeles de sus hijos e hijas",
                                  "Hijas o hijos que nacieron en EE. UU.", "¿Hay niñas, niños u otras personas?",
                                  "Tarjeta del seguro médico", "un examen médico"])
def test_the_guard_lets_neutral_forms_through(fine):
    assert not guard_offences(fine)
