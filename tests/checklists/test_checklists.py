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


def test_intake_has_13_sections_of_8_to_13_items():
    intake = SHIPPED["intake"]
    assert len(intake["sections"]) == 13
    assert all(8 <= len(s["items"]) <= 13 for s in intake["sections"])
    for name in ("safety-plan", "documents", "consent", "appointment-prep"):
        assert name in SHIPPED


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
