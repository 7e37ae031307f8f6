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
    assert "Entrevista inicial" in r.stdout and "Impreso:" in r.stdout
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

    from advocate.cli.checklist import run_fill
    from advocate.clients import create_client

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
    from advocate.clients import create_client

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


def _fill(store, name, script, *, stage="all", emergency=None):
    import typer

    from advocate.cli.checklist import run_fill
    from advocate.clients import create_client

    code = create_client(store)["code"]
    doc, _ = get_checklist(name)
    c = localize(doc, ["en", "es"], stage=stage)
    cleared = []
    try:
        run_fill(store, code, doc, c, answers(store, code, doc["id"]), save_answer, ask=script,
                 emergency=emergency, clear=lambda: cleared.append(True))
        exit_code = 0
    except typer.Exit as exc:
        exit_code = exc.exit_code
    return code, doc, exit_code, cleared


def test_fill_no_to_talk_now_stops_at_once_and_leaves_a_neutral_line(store, capsys):
    asked = []

    def ask(kind, message, choices):
        asked.append(message)
        return "no" if "talk right now" in message else choices[0][0]

    code, doc, exit_code, cleared = _fill(store, "intake", ask)
    assert exit_code == 0 and len(asked) == 1 and cleared == [True]
    assert answers(store, code, "intake") == {"start.talk-now": answers(store, code, "intake")["start.talk-now"]}
    assert answers(store, code, "intake")["start.talk-now"]["answer"] == "no"
    err = capsys.readouterr().err.strip()
    assert err == "Saved. See you soon. / Guardado. Hasta pronto."


def test_fill_emergency_yes_shows_numbers_before_the_next_question(store):
    events = []

    def ask(kind, message, choices):
        events.append(("ask", message.split("\n")[1]))
        if kind == "note":
            return ""
        if len([e for e in events if e[0] == "ask"]) > 3:
            return None
        return "yes" if kind == "select" and any(v == "yes" for v, _ in choices) else choices[0][0]

    _code, _doc, exit_code, _ = _fill(store, "intake", ask, emergency=lambda: events.append(("emergency", "")))
    assert exit_code == 130
    kinds = [e[0] for e in events]
    medical = next(i for i, e in enumerate(events) if "emergency care" in e[1])
    assert kinds[medical + 1] == "emergency"


def test_fill_ctrl_c_at_a_note_prompt_ends_the_fill(store):
    asked = []

    def ask(kind, message, choices):
        asked.append(kind)
        if kind == "note":
            raise KeyboardInterrupt
        return "yes" if any(v == "yes" for v, _ in choices) else choices[0][0]

    code, doc, exit_code, _ = _fill(store, "appointment-prep", ask)
    assert exit_code == 130 and asked == ["select", "note"]
    saved = answers(store, code, doc["id"])
    assert list(saved) == ["prep.what-happens"] and saved["prep.what-happens"]["answer"] == "yes"


def test_fill_reasks_a_bad_date_instead_of_ending(store, capsys):
    typed = iter(["next tuesday", "2026-13-40", "2026-12-10"])
    asked = []

    def ask(kind, message, choices):
        asked.append(message)
        if "YYYY-MM-DD" in message:
            return next(typed)
        return "" if kind == "text" else choices[0][0]

    code, doc, exit_code, _ = _fill(store, "safety-plan", ask)
    assert exit_code == 0
    assert answers(store, code, doc["id"])["review.review-date"]["answer"] == "2026-12-10"
    assert sum("YYYY-MM-DD" in m for m in asked) == 3
    err = capsys.readouterr().err
    assert '"next tuesday" is not a date' in err and "Traceback" not in err


def test_fill_typed_special_answer_and_say_items(store):
    def ask(kind, message, choices):
        if kind == "text":
            return "No se sabe"
        return "" if kind == "note" else choices[0][0]

    code, doc, exit_code, _ = _fill(store, "intake", ask, stage="first")
    saved = answers(store, code, doc["id"])
    assert exit_code == 0
    assert saved["start.role"]["answer"] == "done"
    assert saved["safety.contact-channel"]["answer"] == "unknown" and saved["safety.contact-channel"]["note"] is None
    assert "return.decision" not in saved  # --stage first


def test_emergency_lines_work_where_the_person_is(store):
    from advocate.checklists.emergency import emergency_lines

    mx = emergency_lines(store, "MX")
    assert mx[0]["kind"] == "general" and mx[0]["phone"] == "911" and mx[0]["source"]
    assert sum(r["phone"] == "911" for r in mx) == 1  # the bundled 911 row is not repeated
    assert not any("1-800" in (r["phone"] or "") or "1-888" in (r["phone"] or "") for r in mx)
    us = emergency_lines(store, "US")
    assert us[0]["phone"] == "911" and any("988" in (r["phone"] or "") for r in us)
    assert not any("HSI" in r["name"] or "law" in r["name"].lower() for r in us + mx)
    anywhere = emergency_lines(store, "")
    assert {r["country"] for r in anywhere if r["kind"] == "general"} >= {"US", "MX"}


def test_a_sensitive_answer_never_reaches_paper_or_an_export_by_default(cli, store):
    """Whatever the command, a filled sensitive answer (and its note) stays off every output unless
    --include-sensitive; the question itself is printed."""
    from advocate.clients import create_client

    code = create_client(store)["code"]
    doc, _ = get_checklist("intake")
    save_answer(store, code, doc, "screen.debt", "yes", "owes-XQZ-4400")
    save_answer(store, code, doc, "screen.kind-of-work", "answered", "farm-XQZ-field")
    store.close()
    outputs = [cli("checklist", "show", "intake", "--client", code, "-f", fmt, "--stage", "all")
               for fmt in ("md", "html", "txt", "json", "terminal")]
    outputs.append(cli("checklist", "status", "--client", code, "-f", "json"))
    for r in outputs:
        assert r.exit_code == 0, r
        assert "XQZ" not in r.stdout and "XQZ" not in r.stderr
    assert "Did someone say you owed them money" in outputs[0].stdout


@pytest.mark.parametrize("fmt", ["html", "md", "txt", "terminal"])
def test_advocate_notes_print_apart_in_the_advocates_language(cli, fmt):
    note_en = "If the answer is no, stop here"
    note_es = "Si la respuesta es no, pare aquí"
    r = cli("checklist", "show", "intake", "--lang", "en", "--lang", "es", "-f", fmt)
    assert r.exit_code == 0
    assert note_en in r.stdout and note_es not in r.stdout  # the interface is English
    if fmt == "html":
        assert f'<div class="note">{note_en}' in r.stdout and ".note {" in r.stdout
    r = cli("checklist", "show", "intake", "--lang", "es", "-f", fmt)
    assert note_es in r.stdout  # only Spanish on the page: the note follows it
    r = cli("checklist", "show", "intake", "--lang", "en", "--lang", "es", "-f", fmt, "--no-notes")
    assert note_en not in r.stdout and note_es not in r.stdout


def test_checklist_list_says_where_each_comes_from_in_spanish(cli):
    r = cli("--lang", "es", "checklist", "list")
    assert r.exit_code == 0 and "incluida" in r.stdout.split() and "shipped" not in r.stdout
    assert {row["source"] for row in cli("checklist", "list", "-f", "json").json()} == {"shipped"}


@pytest.mark.parametrize("choices,enter,up", [
    ([("yes", "yes / sí"), ("no", "no"), ("prefer-not-to-say", "prefer not to say"), ("skip", "skip for now")],
     "skip", "prefer-not-to-say"),
    ([("done", "done"), ("skip", "skip for now")], "done", "skip"),
])
def test_enter_alone_records_no_answer_about_the_person(choices, enter, up):
    """At the prompt a yes/no question started on "yes": one stray Enter saved "yes" to "can you talk right now
    without risk?". A question about the person now starts on "skip for now" (as a blank text answer does); what
    the advocate only says or does starts on "done". Driven through questionary itself, keys as typed."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from advocate.cli.checklist import _questionary_ask

    for keys, expected in (("\r", enter), ("\x1b[A\r", up)):
        with create_pipe_input() as given:
            given.send_text(keys)
            assert _questionary_ask("select", "Q?", choices, input=given, output=DummyOutput()) == expected
