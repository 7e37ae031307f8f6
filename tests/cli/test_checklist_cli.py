import json

import pytest

from advocate.checklists.model import get_checklist, localize
from advocate.checklists.progress import answers, save_answer


def test_show_html_side_by_side(cli, tmp_path):
    out = tmp_path / "intake.html"
    r = cli("checklist", "show", "intake", "--lang", "en", "--lang", "es", "-f", "html", "-o", out)
    assert r.exit_code == 0, r
    html = out.read_text()
    assert html.count("<section") == 12  # "return" is as-needed; benefits and justice come later
    assert "Can you talk right now without risk?" in html and "¿Puede hablar ahora sin riesgo?" in html
    for shown in ("Could you leave or quit when you wanted to?", "How old are you?", "papers-held", "screen.debt",
                  "immigration.t-visa", "immigration.u-visa", "health.self-harm"):
        assert shown in html, shown
    assert "return.decision" not in html
    everything = cli("checklist", "show", "intake", "--stage", "all", "-f", "json").json()
    assert len(everything["sections"]) == 15
    assert sum(len(s["items"]) for s in everything["sections"]) == sum(
        len(s["items"]) for s in get_checklist("intake")[0]["sections"])
    assert "@page" in html and "break-before: page" in html
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_show_md_entirely_spanish(cli):
    r = cli("checklist", "show", "intake", "--lang", "es", "-f", "md")
    assert r.exit_code == 0
    assert "Lista de admisión" in r.stdout and "Impreso:" in r.stdout
    assert " de 20" in r.stdout  # "28 de noviembre de 2026"
    for english in ("Intake checklist", "Printed", "Client code", "prefer not to say", "Is it safe"):
        assert english not in r.stdout


@pytest.mark.parametrize("fmt", ["terminal", "md", "html", "txt", "json"])
def test_every_format(cli, fmt):
    r = cli("checklist", "show", "consent", "-f", fmt)
    assert r.exit_code == 0, r
    assert "recipient" in r.stdout.lower() or "destinatario" in r.stdout.lower()


def test_json_shape(cli):
    data = cli("checklist", "show", "intake", "--lang", "en", "--lang", "es", "-f", "json").json()
    assert data["id"] == "intake" and data["languages"] == ["en", "es"]
    item = data["sections"][0]["items"][0]
    assert set(item) >= {"id", "text", "sensitive", "answers"} and set(item["text"]) == {"en", "es"}


def test_unknown_checklist_and_language(cli):
    r = cli("checklist", "show", "intak")
    assert r.exit_code == 1 and "intake" in r.stderr
    r = cli("checklist", "show", "intake", "--lang", "fr")
    assert r.exit_code == 2 and "available" in r.stderr


def test_fill_refuses_without_a_terminal(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("checklist", "fill", "intake", "--client", code)
    assert r.exit_code == 2 and "terminal" in r.stderr


def test_fill_and_resume_with_scripted_prompt(store):
    import typer

    from advocate.appointments.clients import create_client
    from advocate.cli.checklist import run_fill

    code = create_client(store)["code"]
    doc, _ = get_checklist("safety-plan")
    c = localize(doc, ["en", "es"])
    asked = []

    def script(stop_after):
        def ask(kind, message, choices):
            if kind == "note":
                return "call after 6pm"
            asked.append(message)
            if len(asked) > stop_after:
                return None  # Ctrl-C
            if kind == "select":
                return choices[0][0]
            return "2026-12-10" if "YYYY-MM-DD" in message else "near the church"
        return ask

    with pytest.raises(typer.Exit):
        run_fill(store, code, doc, c, answers(store, code, doc["id"]), save_answer, ask=script(3))
    saved = answers(store, code, doc["id"])
    assert len(saved) == 3  # nothing lost before the interruption
    asked.clear()
    run_fill(store, code, doc, c, answers(store, code, doc["id"]), save_answer, ask=script(100))
    total = sum(len(s["items"]) for s in doc["sections"])
    assert len(asked) == total - 3  # resumed where it stopped
    final = answers(store, code, doc["id"])
    assert len(final) == total
    assert final["review.review-date"]["answer"] == "2026-12-10"


def test_status(cli, store):
    from advocate.appointments.clients import create_client

    code = create_client(store)["code"]
    doc, _ = get_checklist("documents")
    save_answer(store, code, doc, "papers.passport", "yes")
    save_answer(store, code, doc, "papers.matricula", "prefer-not-to-say")
    store.close()
    rows = cli("checklist", "status", "--client", code, "-f", "json").json()
    assert rows[0]["checklist"] == "documents" and rows[0]["answered"] == 2
    assert "papers.birth-certificate" in rows[0]["open_items"]


def test_show_stage_and_no_notes(cli, tmp_path):
    folder = tmp_path / "config" / "checklists"
    folder.mkdir(parents=True)
    (folder / "visit.json").write_text(json.dumps({
        "id": "visit", "title": {"en": "Visit", "es": "Visita"},
        "sections": [{"id": "a", "title": {"en": "A", "es": "A"}, "items": [
            {"id": "now", "text": {"en": "Asked now", "es": "Ahora"},
             "note": {"en": "Ask gently", "es": "Con calma"}},
            {"id": "soon", "text": {"en": "Asked later", "es": "Luego"}, "stage": "later"}]}]}))
    data = cli("checklist", "show", "visit", "--lang", "en", "-f", "json").json()
    assert [it["id"] for it in data["sections"][0]["items"]] == ["a.now"] and data["stage"] == "first"
    assert data["sections"][0]["items"][0]["note"] == {"en": "Ask gently"}
    data = cli("checklist", "show", "visit", "--lang", "en", "-f", "json", "--stage", "all", "--no-notes").json()
    assert [it["id"] for it in data["sections"][0]["items"]] == ["a.now", "a.soon"]
    assert data["sections"][0]["items"][0]["note"] is None
    r = cli("checklist", "show", "visit", "--stage", "second")
    assert r.exit_code == 2
