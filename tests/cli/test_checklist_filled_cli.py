"""Filled checklists read back: show --client (every format), answers, fill --set/--item, status."""

import json
import subprocess
import sys

import pytest

from tests.helpers import store_digest

SIX = ["--set", "talk-now=yes",
       "--set", "medical-now=no", "--note", "medical-now=saw a nurse last week",
       "--set", "contact-channel=Text only, after 6pm | voicemail not OK",
       "--set", "spanish-level=fluent",
       "--set", "plan-review=2026-12-10",
       "--set", "threats=prefer-not-to-say"]  # threats is marked sensitive


@pytest.fixture
def code(cli):
    return cli("clients", "new", "-f", "json").json()["code"]


@pytest.fixture
def six(cli, code):
    r = cli("checklist", "fill", "intake", "--client", code, *SIX)
    assert r.exit_code == 0, r
    assert "Saved 6 answers" in r.stderr
    return code


def test_six_answers_read_back_in_markdown(cli, six):
    md = cli("checklist", "show", "intake", "--client", six, "-f", "md").stdout
    assert f"Client code / Código de la persona: {six}" in md
    assert "**yes / sí**" in md
    assert "**no; Note / Nota: saw a nurse last week**" in md
    assert "Text only, after 6pm \\| voicemail not OK" in md  # a pipe in an answer does not break the table
    assert "**2026-12-10**" in md
    # open items still offer their boxes
    assert "[ ] sí [ ] no" in md or "[ ] sí  [ ] no" in md


def test_six_answers_read_back_in_html_and_json(cli, six):
    html = cli("checklist", "show", "intake", "--client", six, "-f", "html").stdout
    assert six in html and "saw a nurse last week" in html and "Text only, after 6pm | voicemail not OK" in html
    assert html.count('class="box checked"') == 3  # talk-now, medical-now, spanish-level; text and date are written
    data = cli("checklist", "show", "intake", "--client", six, "-f", "json").json()
    assert data["client"] == six and data["answered"] == 6  # the sensitive sixth is answered, its answer not shown
    items = {it["id"]: it for s in data["sections"] for it in s["items"]}
    assert items["start.talk-now"]["answer"]["id"] == "yes"
    assert items["start.talk-now"]["answer"]["label"] == {"en": "yes", "es": "sí"}
    assert items["start.medical-now"]["answer"]["note"] == "saw a nurse last week"
    assert items["safety.contact-channel"]["answer"]["text"] == "Text only, after 6pm | voicemail not OK"
    assert items["safety.plan-review"]["answer"]["text"] == "2026-12-10"
    assert items["language.spanish-level"]["answer"]["id"] == "fluent"
    assert items["safety.afraid-tonight"]["answer"] is None
    # a sensitive item's question is printed, its answer is not
    assert items["screen.threats"]["answer"] is None and items["screen.threats"]["answer_hidden"]
    assert data["sensitive_hidden"] == 1


@pytest.mark.parametrize("fmt", ["terminal", "txt"])
def test_terminal_and_text_show_answers(cli, six, fmt):
    out = cli("checklist", "show", "intake", "--client", six, "-f", fmt).stdout
    assert "nurse" in out and "2026-12-10" in out and "=> yes / sí" in out and six in out


def test_sensitive_answers_only_when_asked(cli, six):
    for fmt in ("md", "html", "txt", "terminal"):
        out = cli("checklist", "show", "intake", "--client", six, "-f", fmt).stdout
        if fmt == "terminal":  # wrapped in a table; no other answer of the six is "prefer not to say"
            assert "=> answered (sensitive:" in out and "prefiere no decir" not in out
            continue
        if fmt == "html":
            threats = out[out.index('id="screen.threats"'):].split('<div class="item')[0]
        else:
            lines = out.splitlines()
            at = next(i for i, line in enumerate(lines) if "threaten you or your family" in line)
            threats = lines[at] if fmt == "md" else lines[at + 2]
        assert "answered (sensitive: not printed)" in threats, fmt
        assert "[x]" not in threats and "checked" not in threats and "prefer" not in threats
    data = cli("checklist", "show", "intake", "--client", six, "-f", "json", "--include-sensitive").json()
    items = {it["id"]: it for s in data["sections"] for it in s["items"]}
    assert items["screen.threats"]["answer"]["id"] == "prefer-not-to-say"
    r = cli("checklist", "answers", "--client", six, "-f", "json")
    assert {row["item"] for row in r.json()} == {"start.talk-now", "start.medical-now", "safety.contact-channel",
                                                 "language.spanish-level", "safety.plan-review"}
    assert "Answers to sensitive items left out: 1" in r.stderr
    rows = cli("checklist", "answers", "--client", six, "-f", "json", "--include-sensitive").json()
    assert len(rows) == 6 and any(r["item"] == "screen.threats" and r["sensitive"] for r in rows)


def test_answers_formats(cli, six):
    rows = cli("checklist", "answers", "--client", six, "-f", "json").json()
    by = {r["item"]: r for r in rows}
    assert by["start.medical-now"]["text"] == "no" and by["start.medical-now"]["note"] == "saw a nurse last week"
    assert by["safety.contact-channel"]["answer"] == "answered"
    assert by["safety.contact-channel"]["text"] == "Text only, after 6pm | voicemail not OK"
    assert by["start.talk-now"]["question"].startswith("Can you talk right now")
    es = {r["item"]: r for r in cli("checklist", "answers", "--client", six, "-f", "json", "--lang", "es").json()}
    assert es["start.talk-now"]["text"] == "sí" and es["start.talk-now"]["question"].startswith("¿")
    csv = cli("checklist", "answers", "--client", six, "-f", "csv").stdout.splitlines()
    assert csv[0] == "checklist,item,question,answer,text,note,sensitive,updated" and len(csv) == 6
    assert len(cli("checklist", "answers", "--client", six, "-f", "ndjson").stdout.splitlines()) == 5
    assert cli("checklist", "answers", "--client", six, "-f", "tsv").stdout.count("\t") >= 35
    table = cli("checklist", "answers", "--client", six).stdout
    assert "start.medical-now" in table and "Can you talk right now" in table and "Checklist" not in table
    r = cli("checklist", "answers", "--client", six, "--checklist", "documents", "-f", "json")
    assert r.exit_code == 0 and r.json() == []
    r = cli("checklist", "answers", "--client", six, "--checklist", "intak")
    assert r.exit_code == 1 and "intake" in r.stderr


def test_edit_one_answer_with_set(cli, six):
    r = cli("checklist", "fill", "intake", "--client", six, "--set", "start.talk-now=no")
    assert r.exit_code == 0, r
    by = {x["item"]: x for x in cli("checklist", "answers", "--client", six, "-f", "json").json()}
    assert by["start.talk-now"]["answer"] == "no" and len(by) == 5


def test_edit_one_answer_at_the_prompt(store, cli, six):
    """`fill --item` asks just that item again (the prompt scripted through run_fill's ``ask``)."""
    from advocate.checklists.model import get_checklist, localize
    from advocate.checklists.progress import answers, save_answer
    from advocate.cli.checklist import _items_to_edit, run_fill

    doc, _src = get_checklist("intake")
    c = localize(doc, ["en", "es"])
    done = answers(store, six, "intake")
    only = _items_to_edit(doc, c, ["urgent-symptoms", "medical-now"], done, ["en", "es"])
    asked = []

    def ask(kind, message, choices):
        asked.append(message)
        return "yes" if kind == "select" else "clinic on Tuesday"

    run_fill(store, six, doc, c, done, save_answer, ask=ask, only=only)
    # medical-now, then urgent-symptoms and its note (a free_note item)
    assert len(asked) == 3 and "doctor" in asked[0] and "pain" in asked[1]
    saved = answers(store, six, "intake")
    assert saved["start.medical-now"]["answer"] == "yes" and saved["start.medical-now"]["note"] is None
    assert saved["health.urgent-symptoms"]["note"] == "clinic on Tuesday"
    assert saved["start.talk-now"]["answer"] == "yes"  # nothing else asked or changed


def test_item_prompt_needs_a_terminal_and_a_real_item(cli, six):
    r = cli("checklist", "fill", "intake", "--client", six, "--item", "talk-now")
    assert r.exit_code == 2 and "terminal" in r.stderr and "--set" in r.stderr


def test_set_is_all_or_nothing(cli, six, db_path):
    before = store_digest(db_path, ["checklist_progress"], order="1, 2, 3")
    r = cli("checklist", "fill", "intake", "--client", six, "--set", "talk-now=no", "--set", "medical-now=maybe",
            "--set", "plan-review=12/10/2026", "--set", "no-such-item=yes")
    assert r.exit_code == 2, r
    assert "3 answers are wrong and none was saved" in r.stderr
    assert '"maybe" is not an answer to start.medical-now' in r.stderr and "YYYY-MM-DD" in r.stderr
    assert '"no-such-item" is not an item' in r.stderr and "Traceback" not in r.stderr
    assert store_digest(db_path, ["checklist_progress"], order="1, 2, 3") == before


def test_a_wrong_answer_in_spanish_lists_the_answers_in_spanish_too(cli, six):
    """The Spanish error listed English ids alone ("se espera una de estas: does-not-apply, no, ..."); each now
    carries its Spanish label, which --set takes as well."""
    r = cli("--lang", "es", "checklist", "fill", "intake", "--client", six, "--set", "talk-now=quizá")
    assert r.exit_code == 2, r
    assert "unknown (no se sabe)" in r.stderr and "yes (sí)" in r.stderr and "prefer-not-to-say (prefiere no decir)" \
        in r.stderr
    r = cli("--lang", "es", "checklist", "fill", "intake", "--client", six, "--set", "age-now=joven")
    assert "under-18 (menos de 18)" in r.stderr, r.stderr
    assert cli("checklist", "fill", "intake", "--client", six, "--set", "talk-now=no se sabe").exit_code == 0
    en = cli("checklist", "fill", "intake", "--client", six, "--set", "talk-now=maybe")
    assert "expected one of does-not-apply, no, prefer-not-to-say, unknown, yes" in en.stderr, en.stderr


@pytest.mark.parametrize("args, message", [
    (["--set", "talk-now"], "ITEM=ANSWER"),
    (["--set", "=yes"], "ITEM=ANSWER"),
    (["--note", "talk-now=x"], "--note goes with --set"),
    (["--set", "talk-now=yes", "--note", "medical-now=x"], "has no --set"),
    (["--set", "talk-now=yes", "--set", "start.talk-now=no"], "given twice"),
    (["--set", "contact-channel="], "needs an answer"),
    (["--set", "talk-now=yes", "--item", "talk-now"], "without prompting"),
    (["--set", "contact-channel=" + "x" * 600], "keep it under 500"),
])
def test_set_refuses_bad_input(cli, code, db_path, args, message):
    before = store_digest(db_path, ["checklist_progress"], order="1, 2, 3")
    r = cli("checklist", "fill", "intake", "--client", code, *args)
    assert r.exit_code == 2, r
    assert message in r.stderr and r.stderr.count("\n") == 1
    assert store_digest(db_path, ["checklist_progress"], order="1, 2, 3") == before


def test_set_understands_labels_in_either_language(cli, code):
    r = cli("checklist", "fill", "intake", "--client", code, "--set", "talk-now=Sí", "--set", "afraid-tonight=no se sabe",
            "--set", "medical-now=Prefer not to say", "--set", "spanish-level=FLUENT")
    assert r.exit_code == 0, r
    by = {x["item"]: x["answer"] for x in cli("checklist", "answers", "--client", code, "-f", "json").json()}
    assert by == {"start.talk-now": "yes", "safety.afraid-tonight": "unknown", "start.medical-now": "prefer-not-to-say",
                  "language.spanish-level": "fluent"}


def test_unknown_client_is_refused(cli):
    r = cli("checklist", "fill", "intake", "--client", "C-222222", "--set", "talk-now=yes")
    assert r.exit_code == 1 and "no client with code" in r.stderr
    r = cli("checklist", "show", "intake", "--client", "nobody")
    assert r.exit_code == 2 and "not a client code" in r.stderr


def test_only_open(cli, six):
    full = cli("checklist", "show", "intake", "--client", six, "-f", "json").json()
    data = cli("checklist", "show", "intake", "--client", six, "-f", "json", "--only-open").json()
    ids = [it["id"] for s in data["sections"] for it in s["items"] if it["type"] != "say"]
    assert "start.talk-now" not in ids and "safety.afraid-tonight" in ids
    assert len(ids) == full["open"] == data["open"]
    # what the advocate still has to say is printed too, but is not an open question
    said = [it["id"] for s in data["sections"] for it in s["items"] if it["type"] == "say"]
    assert "start.role" in said
    txt = cli("checklist", "show", "intake", "--client", six, "-f", "txt", "--only-open").stdout
    assert " 1. Are you afraid" in txt and " 4. Could someone be following" in txt  # numbers of the full form
    r = cli("checklist", "show", "intake", "--only-open")
    assert r.exit_code == 2 and "--client" in r.stderr


def test_blank_sheet_for_a_client(cli, six):
    md = cli("checklist", "show", "intake", "--client", six, "--blank", "-f", "md").stdout
    assert six in md and "**yes / sí**" not in md


def test_status_is_a_summary_per_section(cli, six):
    table = cli("checklist", "status", "--client", six).stdout
    assert "Before we begin" in table and "Work and living conditions" in table
    assert "safety.afraid-tonight" not in table and "afraid-tonight" not in table
    assert len(table.splitlines()) < 25
    rows = cli("checklist", "status", "--client", six, "-f", "json").json()
    (intake,) = rows
    assert intake["checklist"] == "intake" and intake["answered"] == 6 and intake["sensitive_answered"] == 1
    assert "safety.afraid-tonight" in intake["open_items"]
    safety = next(s for s in intake["sections"] if s["section"] == "safety")
    assert safety["answered"] == 2 and "safety.afraid-tonight" in safety["open_items"]
    csv = cli("checklist", "status", "--client", six, "-f", "csv").stdout.splitlines()
    assert csv[0] == "checklist,section,answered,open,sensitive_answered,sensitive"
    assert "safety.afraid" not in "".join(csv)


def test_clients_show_names_the_checklists(cli, six):
    """clients show and checklist status count the same (issue 15: 6 answered / 141 open against 5 / 102)."""
    r = cli("clients", "show", six)
    status = cli("checklist", "status", "--client", six, "-f", "json").json()[0]
    assert f"intake: {status['answered']} answered, {status['open']} open" in r.stdout
    assert "checklist answers --client" in r.stderr
    data = cli("clients", "show", six, "-f", "json").json()[0]
    assert data["checklist_answers"] == 6 and data["checklists"][0]["checklist"] == "intake"
    assert (data["checklists"][0]["answered"], data["checklists"][0]["open"]) == (status["answered"], status["open"])


def test_show_piped_into_head_exits_zero(tmp_path):
    """`checklist show intake | head -3` must not turn the closed pipe into exit 1 (Rich's default)."""
    import os

    env = {**os.environ}
    p = subprocess.run(f'"{sys.executable}" -m advocate checklist show intake | head -3; exit ${{PIPESTATUS[0]}}',
                       shell=True, executable="/bin/bash", capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert len(p.stdout.splitlines()) == 3 and p.stderr == ""


def test_answers_to_items_gone_from_the_checklist_count_as_sensitive(store, cli, code, tmp_path):
    """An organization removed an item after it was answered: the answer is still listed, but only on request."""
    from advocate.checklists.model import get_checklist
    from advocate.checklists.progress import save_answer

    doc, _src = get_checklist("intake")
    save_answer(store, code, doc, "start.talk-now", "yes")
    store.conn.execute("UPDATE checklist_progress SET item = 'safety.retired-item'")
    store.conn.commit()
    store.close()
    r = cli("checklist", "answers", "--client", code, "-f", "json")
    assert r.json() == [] and "left out" in r.stderr
    rows = cli("checklist", "answers", "--client", code, "-f", "json", "--include-sensitive").json()
    assert rows[0]["item"] == "safety.retired-item" and rows[0]["text"] == "yes" and rows[0]["question"] == ""
    assert json.dumps(rows)


def test_paper_form(cli, six):
    """Room to write, a details line under yes/no, notes per section, code/date/page n of N on every
    printed page (CSS margin boxes), advocate instructions without answer boxes, sections flowing."""
    html = cli("checklist", "show", "intake", "-f", "html", "--stage", "all").stdout
    assert "@top-left" in html and "counter(page)" in html and "counter(pages)" in html
    assert '--run-head: "Client code / Código de la persona: ____________' in html
    assert html.count('class="section-notes"') == html.count("<section")
    assert '<body class="flow">' in html
    role = html[html.index('id="start.role"'):].split('<div class="item')[0]
    assert "say-item" in html[html.index('id="start.role"') - 40:html.index('id="start.role"')]
    assert 'class="box' not in role and "Details" not in role
    talk = html[html.index('id="start.talk-now"'):].split('<div class="item')[0]
    assert "Details / Detalles:" in talk and 'class="note"' in talk
    paged = cli("checklist", "show", "intake", "-f", "html", "--page-per-section").stdout
    assert '<body class="page-per-section">' in paged
    filled = cli("checklist", "show", "intake", "--client", six, "-f", "html").stdout
    nb_code = six.replace("-", "\u2011")  # a non-breaking hyphen: the code never splits across lines
    assert f'--run-head: "Client code / Código de la persona: {nb_code}' in filled


def test_writing_room_follows_the_question():
    from advocate.checklists.formats import writing_lines

    one = {"type": "text", "text": {"en": "Home town"}}
    four = {"type": "text", "text": {"en": "What is a safe way to reach you? Safe times? Voicemail OK? A code word?"}}
    assert writing_lines(one) == 2 and writing_lines(four) == 5
    assert writing_lines({**one, "lines": 7}) == 7
    assert writing_lines({"type": "yesno", "text": {"en": "Is it OK?"}}) == 1


def test_text_form_has_room_to_write(cli):
    txt = cli("checklist", "show", "intake", "-f", "txt").stdout
    assert txt.count("Notes / Notas:") == txt.count("\n---") or txt.count("Notes / Notas:") >= 5
    lines = txt.splitlines()
    at = next(i for i, line in enumerate(lines) if "safe way for us to reach you" in line)
    assert sum(1 for line in lines[at:at + 12] if line.strip().startswith("_" * 60)) == 2  # its lines hint
    assert "Details / Detalles: ____" in txt


def test_status_today_clients_and_the_filled_form_count_alike(cli, code):
    """The case manager's review: status said 2 / 102, today 3/93 and the filled form 2 answered, 141 open.
    One definition now: every question with an answer box, in every stage, sensitive ones included; what the
    advocate only says (start.role, screen.why-we-ask) is neither answered nor open, even once marked done."""
    r = cli("checklist", "fill", "intake", "--client", code, "--set", "talk-now=yes", "--set", "medical-now=no",
            "--set", "role=done", "--set", "leave-fast=a cousin's place")  # leave-fast is sensitive
    assert r.exit_code == 0, r
    (status,) = cli("checklist", "status", "--client", code, "-f", "json").json()
    assert (status["answered"], status["sensitive_answered"]) == (3, 1)
    assert "start.role" not in status["open_items"] and "screen.why-we-ask" not in status["open_items"]
    screen = next(s for s in status["sections"] if s["section"] == "screen")
    assert screen["open"] == screen["sensitive"] == 13 and "screen.debt" in screen["open_items"]
    total = status["answered"] + status["open"]
    (today,) = [r for r in cli("today", "--client", code, "-f", "json").json() if r["kind"] == "checklist"]
    assert today["detail"] == f"{status['answered']}/{total}"
    assert f"{status['answered']} of {total} answered" in cli("today", "--client", code, env={"COLUMNS": "200"}).stdout
    for fmt in ("html", "json", "txt"):
        shown = cli("checklist", "show", "intake", "--client", code, "-f", fmt)
        assert f"{status['answered']} answered, {status['open']} open in intake" in shown.stderr, shown
    data = cli("checklist", "show", "intake", "--client", code, "-f", "json").json()
    assert (data["answered"], data["open"]) == (status["answered"], status["open"])
    assert f"intake: {status['answered']} answered, {status['open']} open" in cli("clients", "show", code).stdout
    es = cli("--lang", "es", "clients", "show", code, env={"COLUMNS": "200"}).stdout  # no "1 respondidas"
    assert f"intake: con respuesta {status['answered']}, pendientes {status['open']}" in es
    # the table says what it counts
    table = cli("checklist", "status", "--client", code, env={"COLUMNS": "120"})
    assert "1 / 40" in table.stdout and "sensitive ones too" in table.stderr


def test_progress_core_counts_what_a_case_manager_expects(store):
    from advocate.checklists.model import get_checklist, localize
    from advocate.checklists.progress import answers, fill_in, progress, save_answers
    from advocate.clients import create_client

    doc, _src = get_checklist("intake")
    code = create_client(store)["code"]
    empty = progress(doc, {})
    every = [it for s in doc["sections"] for it in s["items"]]
    assert empty["open"] == sum(1 for it in every if it.get("answers") != "say") and empty["answered"] == 0
    assert empty["sensitive"] == sum(1 for it in every if it.get("sensitive") and it.get("answers") != "say")
    assert empty["updated"] is None and empty["first_open"] < empty["open"]  # later questions do not count first
    save_answers(store, code, doc, [("talk-now", "prefer-not-to-say", None), ("role", "done", None),
                                    ("threats", "no", None), ("plan-review", "2026-12-10", None)])
    saved = answers(store, code, "intake")
    p = progress(doc, saved)
    assert (p["answered"], p["open"], p["sensitive_answered"]) == (3, empty["open"] - 3, 1)
    assert p["first_open"] == empty["first_open"] - 2  # plan-review is a later question
    filled = fill_in(localize(doc, ["en", "es"]), saved)
    assert (filled["answered"], filled["open"], filled["sensitive_hidden"]) == (p["answered"], p["open"], 1)
    # a checklist with no first-meeting question: every open question is one to finish
    later = {"id": "x", "sections": [{"id": "s", "stage": "later", "items": [
        {"id": "a", "text": {"en": "A?"}}, {"id": "b", "text": {"en": "Say B."}, "answers": "say"}]}]}
    assert progress(later, {})["first_open"] == progress(later, {})["open"] == 1


def test_status_and_answers_read_in_the_interface_language(cli, six):
    """`--lang es checklist status` printed "Before we begin", `--lang es checklist answers` the English questions."""
    wide = {"COLUMNS": "200"}
    status = cli("--lang", "es", "checklist", "status", "--client", six, env=wide).stdout
    assert "Antes de empezar" in status and "Seguridad" in status
    assert "Before we begin" not in status and "Safety" not in status
    answers = cli("--lang", "es", "checklist", "answers", "--client", six, env=wide).stdout
    assert "¿Puede hablar ahora sin riesgo?" in answers and " sí " in answers
    assert "Can you talk" not in answers and " yes " not in answers
    rows = cli("--lang", "es", "checklist", "answers", "--client", six, "-f", "json").json()
    assert next(r for r in rows if r["item"] == "start.talk-now")["text"] == "sí"
    # English interface: English; an explicit --lang wins over the interface language
    assert "Before we begin" in cli("checklist", "status", "--client", six, env=wide).stdout
    en = cli("--lang", "es", "checklist", "answers", "--client", six, "--lang", "en", env=wide).stdout
    assert "Can you talk" in en


def test_the_client_code_never_breaks_across_lines_on_paper(cli, six):
    """filled.html printed "Código de la persona: C-" on one line and "6MGH5R" on the next (checked by eye in
    headless chromium: the code now moves whole to the next line)."""
    from advocate.checklists.formats import NB_HYPHEN, to_html
    from advocate.checklists.model import get_checklist, localize

    html = cli("checklist", "show", "intake", "--client", six, "--lang", "en", "--lang", "es", "-f", "html").stdout
    assert f'<span class="code">{six}</span>' in html and ".code { white-space: nowrap; }" in html
    assert six.replace("-", NB_HYPHEN) in html.split("--run-head:")[1].split(";")[0]  # the running header
    assert six in html.split("<body")[1]  # the page text keeps a plain hyphen, to copy and search
    doc, _src = get_checklist("consent")
    page = to_html(localize(doc, ["es"]), client="C-7K3M9Q")
    assert '<span class="code">C-7K3M9Q</span>' in page and f"C{NB_HYPHEN}7K3M9Q" in page
