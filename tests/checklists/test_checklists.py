import json
import re
from datetime import date

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from advocate.checklists import formats
from advocate.checklists.extract import strings_of
from advocate.checklists.i18n import LOCALE_DIR, format_date_long, shipped_languages, tr
from advocate.checklists.model import get_checklist, load_all, localize
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


def test_sensitive_hidden_by_default():
    doc = SHIPPED["intake"]
    c = localize(doc, ["en", "es"])
    shown = {it["id"] for s in c["sections"] for it in s["items"]}
    assert "safety.controller-near" not in shown and c["sensitive_hidden"] > 0
    c = localize(doc, ["en", "es"], include_sensitive=True)
    assert "safety.controller-near" in {it["id"] for s in c["sections"] for it in s["items"]}


def test_three_kinds_of_non_answer_are_distinct():
    c = localize(SHIPPED["intake"], ["en"])
    for s in c["sections"]:
        for it in s["items"]:
            ids = [a["id"] for a in it["answers"]]
            assert ids[-3:] == ["prefer-not-to-say", "unknown", "does-not-apply"]


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
