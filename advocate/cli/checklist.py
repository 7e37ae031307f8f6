"""`advocate checklist ...`: list, show (terminal, md, html, txt, json), fill, status."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from advocate.cli.common import ForceOpt, Format, FormatOpt, info, interactive, overwrite, state
from advocate.errors import ExitStatus
from advocate.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from advocate.cli.common import State
    from advocate.store import Store

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


class ShowFormat(str, enum.Enum):
    terminal = "terminal"
    md = "md"
    html = "html"
    txt = "txt"
    json = "json"


LangOpt = Annotated[list[str] | None, typer.Option(
    "--lang", metavar="LANG", help=N_("One or two languages side by side (repeat: --lang en --lang es). "
                                   "Default from the config (en, es)."))]
SensitiveOpt = Annotated[bool, typer.Option("--include-sensitive",
                                            help=N_("Show the answers to items marked sensitive (never shown by default)."))]


class Stage(str, enum.Enum):
    first = "first"
    later = "later"
    as_needed = "as-needed"
    all = "all"


StageOpt = Annotated[Stage | None, typer.Option("--stage", help=N_("Which questions: first (the first meeting), later, "
                                                                "as-needed, or all. Default: first; all with --client."),
                                                show_default=False)]
NoNotesOpt = Annotated[bool, typer.Option("--no-notes", help=N_("Leave out the notes meant for the advocate."))]


def _langs(st: State, lang):
    from advocate.checklists.i18n import normalize_ui_language
    from advocate.checklists.model import default_languages
    from advocate.errors import InputError

    chosen = [normalize_ui_language(x) for x in (lang or default_languages(st.config()))]
    chosen = list(dict.fromkeys(chosen))
    if len(chosen) > 3:
        raise InputError(_("give at most three --lang values (two side by side print best)"))
    return chosen


def _reading_language(st, lang: str | None) -> str:
    """The one language of a listing read by the advocate (status, answers): ``--lang``, else the interface
    language when checklists ship in it (so `advocate --lang es` reads Spanish), else the first configured one."""
    from advocate.checklists.i18n import shipped_languages
    from advocate.i18n import current_language

    if lang:
        return _langs(st, [lang])[0]
    if current_language() in shipped_languages():
        return current_language()
    return _langs(st, None)[0]


@app.command("list")
def list_(ctx: typer.Context, fmt: FormatOpt = Format.table):
    """The checklists available (shipped, and any in your organization's folder)."""
    from advocate.checklists.i18n import shipped_languages, tr
    from advocate.checklists.model import load_all
    from advocate.render import render

    st = state(ctx)
    rows = []
    for cid, (doc, src) in load_all(st.config().checklist_override_dir).items():
        n = sum(len(s["items"]) for s in doc["sections"])
        sens = sum(1 for s in doc["sections"] for it in s["items"] if it.get("sensitive"))
        rows.append({"id": cid, "title_en": tr(doc["title"], "en") if isinstance(doc["title"], str) else doc["title"].get("en"),
                     "title_es": tr(doc["title"], "es") if isinstance(doc["title"], str) and "es" in shipped_languages()
                     else (doc["title"].get("es") if isinstance(doc["title"], dict) else ""),
                     "sections": len(doc["sections"]), "items": n, "sensitive_items": sens,
                     "source": "shipped" if src.packaged else src.path})
    if fmt == Format.table:  # the value stays "shipped" in the machine formats
        rows = [{**r, "source": _("shipped with advocate") if r["source"] == "shipped" else r["source"]} for r in rows]
    render(rows, fmt.value, columns=list(rows[0]),
           table_columns=[("id", N_("Name"), {"keep": True}), ("title_en", N_("English")), ("title_es", N_("Spanish")), ("sections", N_("Sections")),
                          ("items", N_("Items")), ("sensitive_items", N_("Sensitive")), ("source", N_("From"))])


@app.command()
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("A checklist name from `checklist list`, e.g. intake."))],
    lang: LangOpt = None,
    include_sensitive: SensitiveOpt = False,
    stage: StageOpt = None,
    no_notes: NoNotesOpt = False,
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help=N_("terminal, md, html (printable), txt or json."))] = ShowFormat.terminal,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", path_type=str,
                                                help=N_("Write to FILE instead of stdout."))] = None,
    force: ForceOpt = False,
    client: Annotated[str | None, typer.Option(
        "--client", metavar="CODE", help=N_("Fill in this client's saved answers (and print the code on every page)."))] = None,
    only_open: Annotated[bool, typer.Option("--only-open", help=N_("Only the items this client has not answered yet."))] = False,
    blank: Annotated[bool, typer.Option("--blank", help=N_("With --client: a blank sheet with just the code on it."))] = False,
    page_per_section: Annotated[bool, typer.Option(
        "--page-per-section", help=N_("html: start each section on a new page (default: sections flow on)."))] = False,
):
    """A checklist in one or two languages side by side; with --client, filled in with the saved answers.

    Example: advocate checklist show intake --lang en --lang es -f html -o intake.html
    Example: advocate checklist show intake --client C-7K3M9Q -f md
    """
    from advocate.checklists import formats
    from advocate.checklists.model import get_checklist, localize
    from advocate.errors import InputError

    st = state(ctx)
    cfg = st.config()
    langs = _langs(st, lang)
    if (only_open or blank) and not client:
        raise InputError(_("--only-open and --blank need --client CODE (whose answers?)"))
    if only_open and blank:
        raise InputError(_("--only-open and --blank do not go together"))
    doc, _src = get_checklist(name, cfg.checklist_override_dir)
    if stage is None:  # a client's answers may be in any stage; a blank sheet is for the first meeting
        stage = Stage.all if client and not blank else Stage.first
    c = localize(doc, langs, stage=stage.value, notes=not no_notes)
    if client:
        from advocate.clients import normalize_code

        client = normalize_code(client)
        if not blank:
            from advocate.checklists.progress import answers, fill_in, progress

            saved = answers(st.store(), client, doc["id"])
            c = fill_in(c, saved, only_open=only_open, include_sensitive=include_sensitive)
            c["client"] = client
            whole = progress(doc, saved)  # the whole checklist, as `checklist status` and `today` count it
            info(_("{client}: {answered} answered, {open} open in {name}.").format(
                client=client, answered=whole["answered"], open=whole["open"], name=doc["id"]))
    if fmt == ShowFormat.terminal and output is None:
        _terminal(c)
        return
    if fmt == ShowFormat.json:
        import json

        keys = ("id", "languages", "title", "intro", "stage", "client", "answered", "open", "updated",
                "sensitive_hidden", "sections")
        text = json.dumps({k: c[k] for k in keys if k in c}, ensure_ascii=False, indent=1) + "\n"
    elif fmt == ShowFormat.html:
        text = formats.to_html(c, client=client, org=cfg.organization_name, page_per_section=page_per_section)
    elif fmt == ShowFormat.md:
        text = formats.to_markdown(c, client=client, org=cfg.organization_name)
    else:
        text = formats.to_text(c, client=client, org=cfg.organization_name)
    if output:
        from advocate.files import write_private

        written = write_private(output, text, default_name=f"{name}.{fmt.value if fmt != ShowFormat.terminal else 'txt'}",
                                **overwrite(force))
        info(_("Wrote {written}.").format(written=written))
    else:
        print(text, end="" if text.endswith("\n") else "\n")


def _terminal(c):
    from advocate.checklists.i18n import tr
    from advocate.checklists.model import advocate_note_text
    from advocate.checklists.ui import LABELS
    from advocate.render import console, render

    langs = c["languages"]
    con = console()

    def both(text):
        return " / ".join(dict.fromkeys(tr(text, lang) for lang in langs))

    con.print(" / ".join(dict.fromkeys(c["title"][lang] for lang in langs)), style="bold")
    if c.get("client"):
        from advocate.checklists.formats import answers_date

        con.print(f'{both(LABELS["client"])}: {c["client"]}   {both(LABELS["date"])}: {answers_date(c) or "-"}')
    if c.get("intro"):
        for lang in langs:
            con.print(c["intro"][lang], style="italic")
    cols = [("n", "#", {"no_wrap": True})] + [(lang, lang.upper()) for lang in langs] + [("answers", "")]

    for s in c["sections"]:
        rows = []
        for i, it in ((it.get("n", k), it) for k, it in enumerate(s["items"], 1)):
            if it.get("answer") or it.get("answer_hidden"):
                from advocate.checklists.formats import given_text

                answers = "=> " + (given_text(it, langs) or "")
            elif it["type"] in ("date", "text"):
                answers = both(LABELS["a_date" if it["type"] == "date" else "a_note"])
            else:  # the real answers; the three "not an answer" answers are always offered too
                answers = ", ".join(" / ".join(dict.fromkeys(a["label"][lang] for lang in langs))
                                    for a in it["answers"][:-3])
            note = advocate_note_text(it, langs)
            rows.append({"n": str(i), **{lang: it["text"][lang] + (f"\n» {note[1]}" if note and note[0] == lang else "")
                                          for lang in langs}, "answers": answers})
        render(rows, "table", table_columns=cols, title=" / ".join(dict.fromkeys(s["title"][lang] for lang in langs)))
    if c.get("sensitive_hidden"):
        info(_("Answers to sensitive items not shown: {n} (--include-sensitive shows them).").format(
            n=c["sensitive_hidden"]))


@app.command()
def fill(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("A checklist name, e.g. intake."))],
    client: Annotated[str, typer.Option("--client", metavar="CODE", help=N_("The client code the answers belong to."))],
    lang: LangOpt = None,
    stage: StageOpt = None,
    place: Annotated[str | None, typer.Option(
        "--place", metavar="PLACE", help=N_('Where the person is now (a ZIP, "City, ST", "Ciudad, Estado"): '
                                         "emergency numbers shown during the fill are the ones that work there."))] = None,
    include_sensitive: SensitiveOpt = False,
    restart: Annotated[bool, typer.Option("--restart", help=N_("Ask answered items again."))] = False,
    item: Annotated[list[str] | None, typer.Option(
        "--item", metavar="ID", help=N_("Ask only this item again, to change its answer (repeat for more)."))] = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", metavar="ITEM=ANSWER", help=N_("Record an answer without prompting (repeat; for scripts): an answer id "
        "such as yes or prefer-not-to-say, a date YYYY-MM-DD, or the words of a text answer. "
        "All are checked before any is saved."))] = None,
    note: Annotated[list[str] | None, typer.Option(
        "--note", metavar="ITEM=TEXT", help=N_("With --set: a note to keep with that item's answer (repeat)."))] = None,
):
    """Walk the items at the prompt; every answer is saved at once (Ctrl-C loses nothing; run again to resume).

    A "no" to "can you talk without risk?" ends the session at once and clears the screen; a "yes" to
    "emergency care now?" shows the emergency numbers for --place first.
    Example: advocate checklist fill intake --client C-7K3M9Q --place "Fresno, CA"
    Example: advocate checklist fill intake --client C-7K3M9Q --item talk-now
    Example: advocate checklist fill intake --client C-7K3M9Q --set talk-now=yes --set leave-fast="a cousin's"
    """
    from advocate.checklists.model import get_checklist, localize
    from advocate.checklists.progress import answers, save_answer
    from advocate.errors import InputError

    if note and not set_:
        raise InputError(_("--note goes with --set ITEM=ANSWER"))
    if set_ and (item or restart):
        raise InputError(_("--set records answers without prompting; leave out --item and --restart"))
    st = state(ctx)
    if set_:
        _fill_from_script(st, name, client, set_, note or [])
        return
    if not interactive():
        raise InputError(_("`checklist fill` asks questions, so it needs a terminal; use --set ITEM=ANSWER from a "
                           "script, or `checklist show NAME -f html` for paper"))
    cfg = st.config()
    store = st.store()
    doc, _src = get_checklist(name, cfg.checklist_override_dir)
    langs = _langs(st, lang)
    if stage is None:  # the item asked again may be in any stage
        stage = Stage.all if item else Stage.first
    c = localize(doc, langs, stage=stage.value)
    c["include_sensitive"] = include_sensitive
    country = ""
    if place:  # resolved now, offline, so the numbers are ready the moment they are needed
        from advocate.geo.resolve import resolve_place

        country = resolve_place(place, online=False, store=store).country
    done = answers(store, client, doc["id"])
    only = _items_to_edit(doc, c, item, done, langs) if item else None
    run_fill(store, client, doc, c, done, save_answer, restart=restart, only=only,
             emergency=lambda: _show_emergency(store, country, langs))


def _items_to_edit(doc, c, refs, done, langs):
    """The full ids behind ``--item`` values; each one's current answer is shown before it is asked again
    (an answer to a sensitive item only with --include-sensitive)."""
    from advocate.checklists.formats import given_text
    from advocate.checklists.progress import fill_in, resolve_item
    from advocate.errors import InputError

    wanted = [resolve_item(doc, ref) for ref in refs]
    shown = {it["id"]: it for s in fill_in(c, done, include_sensitive=c.get("include_sensitive", False))["sections"]
             for it in s["items"]}
    for key in wanted:
        if key not in shown:
            raise InputError(_("{item} is not in the stage chosen; leave out --stage to ask it").format(item=key),
                             field="stage")
        now = given_text(shown[key], langs)
        info(_("{item}: now {answer}").format(item=key, answer=now) if now else
             _("{item}: not answered yet").format(item=key))
    return set(wanted)


def _split_pairs(values, what):
    from advocate.errors import InputError

    pairs = []
    for v in values:
        key, sep, value = v.partition("=")
        if not sep or not key.strip():
            raise InputError(_('"{value}" is not {what}; write ITEM=ANSWER, e.g. talk-now=yes').format(value=v, what=what),
                             field="set")
        pairs.append((key.strip(), value))
    return pairs


def _fill_from_script(st: State, name, client, sets, notes):
    from advocate.checklists.model import get_checklist
    from advocate.checklists.progress import resolve_item, save_answers
    from advocate.errors import InputError

    doc, _src = get_checklist(name, st.config().checklist_override_dir)
    pairs = _split_pairs(sets, _("an answer"))
    note_for = {}
    for ref, text in _split_pairs(notes, _("a note")):
        note_for[resolve_item(doc, ref)] = text
    entries = []
    for ref, answer in pairs:
        try:
            key = resolve_item(doc, ref)
        except InputError:
            key = ref  # reported with every other problem by save_answers
        entries.append((key, answer, note_for.pop(key, None)))
    if note_for:
        raise InputError(_("a --note for {items} has no --set for the same item").format(items=", ".join(note_for)),
                         field="note")
    saved = save_answers(st.store(), client, doc, entries)
    info(ngettext("Saved {n} answer for {client} in {name}.", "Saved {n} answers for {client} in {name}.",
                  len(saved)).format(n=len(saved), client=client.strip().upper(), name=doc["id"]))


class _Stop(Exception):
    """Ctrl-C at any prompt."""


def run_fill(store: Store, client, doc, c, done, save, *, restart=False, ask=None, emergency=None, clear=None, only=None):
    """The prompt loop.

    ``ask(kind, message, choices)`` is injectable for tests (questionary by default): it returns the answer,
    or None (or raises KeyboardInterrupt) for Ctrl-C, which ends the whole fill at once whatever prompt is
    open. A bad answer (a date that is not a date) is said in one sentence and asked again. An item with
    ``react`` {"no": "stop"} ends the fill at once on a no: the answer is saved, the screen cleared, and only
    a neutral line is left; {"yes": "emergency"} calls ``emergency()`` before anything else. With ``only``
    (a set of item ids), just those items are asked, answered or not.
    """
    from datetime import date

    from advocate.checklists.i18n import tr
    from advocate.checklists.ui import DONE, LABELS, SKIP
    from advocate.i18n import _, current_language

    ask = ask or _questionary_ask
    clear = clear or _clear_screen
    langs = c["languages"]
    note_lang = current_language() if current_language() in langs else langs[0]

    def both(text):
        return " / ".join(dict.fromkeys(tr(text, lang) for lang in langs))

    def prompt(kind, message, choices):
        try:
            got = ask(kind, message, choices)
        except KeyboardInterrupt:
            raise _Stop from None
        if got is None:
            raise _Stop
        return got

    total = sum(len(s["items"]) for s in c["sections"])
    seen = 0
    try:
        for s in c["sections"]:
            for item in s["items"]:
                seen += 1
                if only is not None and item["id"] not in only:
                    continue
                if item["id"] in done and not restart and only is None:
                    continue
                question = "\n".join(dict.fromkeys(item["text"][lang] for lang in langs))
                if item.get("note"):
                    question += f"\n  » {item['note'][note_lang]}"
                header = f"[{seen}/{total}] " + " / ".join(dict.fromkeys(s["title"][lang] for lang in langs))
                skip_label = both(SKIP)
                specials = [(a["id"], " / ".join(dict.fromkeys(a["label"][lang] for lang in langs)))
                            for a in item["answers"] if a["id"] in ("prefer-not-to-say", "unknown", "does-not-apply")]
                while True:
                    if item["type"] == "say":
                        answer = prompt("select", f"{header}\n{question}", [("done", both(DONE)), ("skip", skip_label)])
                    elif item["type"] in ("yesno", "choice"):
                        choices = [(a["id"], " / ".join(dict.fromkeys(a["label"][lang] for lang in langs)))
                                   for a in item["answers"]]
                        answer = prompt("select", f"{header}\n{question}", choices + [("skip", skip_label)])
                    else:
                        hint = both(LABELS["hint_date" if item["type"] == "date" else "hint_text"])
                        also = ", ".join(label for _id, label in specials)
                        answer = prompt("text", f"{header}\n{question}\n({hint}; {both(LABELS['or'])}: {also}; "
                                                f"{both(LABELS['blank'])}: {skip_label})", specials).strip()
                        typed = answer.casefold()
                        for a in item["answers"]:  # a typed "unknown" / "no se sabe" is that answer, not free text
                            if a["id"] in dict(specials) and (typed == a["id"] or typed in {
                                    v.casefold() for v in a["label"].values()}):
                                answer = a["id"]
                        if item["type"] == "date" and answer and answer not in dict(specials):
                            try:
                                answer = date.fromisoformat(answer).isoformat()
                            except ValueError:
                                info(_('"{answer}" is not a date; write it as YYYY-MM-DD (for example {example}), '
                                       'or leave it blank to skip.').format(answer=answer,
                                                                            example=date.today().isoformat()))
                                continue
                    break
                if answer in ("", "skip"):
                    continue
                note = None
                if item["type"] == "text" and answer not in dict(specials):
                    note, answer = answer, "answered"
                save(store, client, doc, item["id"], answer, note)  # saved before anything else is asked
                reaction = (item.get("react") or {}).get(answer)
                if reaction == "stop":
                    clear()
                    info(both(LABELS["stopped_neutral"]))
                    raise typer.Exit(ExitStatus.OK)
                if reaction == "emergency" and emergency:
                    emergency()
                if item["free_note"] and item["type"] != "text":
                    extra = prompt("note", both(LABELS["note"]) + ":", []).strip()
                    if extra:
                        save(store, client, doc, item["id"], answer, extra)
    except _Stop:
        info(_("Stopped. Answers so far are saved; run the same command to continue."))
        raise typer.Exit(ExitStatus.INTERRUPTED) from None
    info(_("Checklist complete for now. `advocate checklist status --client CODE` shows what is open."))


def _clear_screen():
    """Leave no question or answer on a terminal someone else may look at."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        if stream.isatty():
            stream.write("\x1b[H\x1b[2J\x1b[3J")
            stream.flush()
            return


def _show_emergency(store: Store, country, langs):
    from advocate.checklists.emergency import emergency_lines
    from advocate.checklists.i18n import tr
    from advocate.checklists.ui import LABELS

    title = " / ".join(dict.fromkeys(tr(LABELS["emergency"], lang) for lang in langs))
    info("")
    for row in emergency_lines(store, country):
        how = " · ".join(x for x in (row["phone"], row["text_line"]) if x)
        where = f" ({row['country']})" if not country and row["country"] else ""
        info(f"  {title}{where}: {how}" if row["kind"] == "general" else f"  {row['name']}{where}: {how}")
    info("")


def _questionary_ask(kind, message, choices, **kwargs):
    """One prompt; Ctrl-C raises KeyboardInterrupt (``unsafe_ask``) so the fill can end at once. A question about
    the person starts on "skip for now", as a blank text answer skips: a stray Enter records nothing (it saved
    "yes" to "can you talk right now without risk?"); what the advocate says or does starts on "done".
    ``kwargs`` go to questionary (tests pass input and output)."""
    import questionary

    if kind == "select":
        options = [questionary.Choice(label, value=v) for v, label in choices]
        skip = next((o for o in options if o.value == "skip"), None) if choices and choices[0][0] != "done" else None
        return questionary.select(message, choices=options, default=skip, **kwargs).unsafe_ask()
    return questionary.text(message, **kwargs).unsafe_ask()


ClientOpt = Annotated[str, typer.Option("--client", metavar="CODE", help=N_("The client code."))]


@app.command()
def status(
    ctx: typer.Context,
    client: ClientOpt,
    include_sensitive: Annotated[bool, typer.Option("--include-sensitive", hidden=True,
                                                    help=N_("No longer needed: the counts include sensitive questions."))
                                 ] = False,
    fmt: FormatOpt = Format.table,
):
    """What is answered and what is still open for a client, section by section.

    Every question counts, sensitive ones too (the Sensitive column says how many of them are answered, of how
    many); what the advocate only says or does is not counted. `today` and `checklist show --client` count the
    same way. -f json (or ndjson) adds the open item ids.
    Example: advocate checklist status --client C-7K3M9Q
    """
    from advocate.checklists.model import load_all, text_in
    from advocate.checklists.progress import status as run_status
    from advocate.errors import InputError
    from advocate.render import render

    st = state(ctx)
    if include_sensitive:
        info(_("--include-sensitive is no longer needed here: the counts always include sensitive questions."))
    docs = {cid: doc for cid, (doc, _src) in load_all(st.config().checklist_override_dir).items()}
    rows = run_status(st.store(), client, docs)
    if fmt in (Format.json, Format.ndjson):
        render(rows, fmt.value)
        return
    lang = _reading_language(st, None)

    def line(checklist, section, title, counts):
        return {"checklist": checklist, "section": section, "title": title, "answered": counts["answered"],
                "open": counts["open"], "sensitive_answered": counts["sensitive_answered"],
                "sensitive": counts["sensitive"],
                "sensitive_shown": f'{counts["sensitive_answered"]} / {counts["sensitive"]}' if counts["sensitive"] else "",
                "done": "✓" if not counts["open"] else ""}

    flat = []
    for row in rows:
        for sec in row["sections"]:
            try:
                title = text_in(sec["title"], lang, sec["section"])
            except InputError:
                title = sec["section"]
            flat.append(line(row["checklist"], sec["section"], title, sec))
        flat.append(line(row["checklist"], "", _("all sections"), row))
    render(flat, fmt.value, columns=["checklist", "section", "answered", "open", "sensitive_answered", "sensitive"],
           table_columns=[("checklist", N_("Checklist")), ("title", N_("Section")), ("answered", N_("Answered")),
                          ("open", N_("Open")), ("sensitive_shown", N_("Sensitive")), ("done", "")],
           empty_message=_("No checklist answers yet for this client."))
    if fmt == Format.table and rows:
        info(_("Answered and Open count every question, sensitive ones too (Sensitive: how many of those are "
               "answered / in all; their answers are never shown here). What the advocate only says is not counted."))
        info(_("`checklist show NAME --client {client} --only-open` prints what is still open.").format(
            client=client.strip().upper()))


@app.command("answers")
def answers_(
    ctx: typer.Context,
    client: ClientOpt,
    name: Annotated[str | None, typer.Option("--checklist", metavar="NAME", help=N_("Only this checklist."))] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="LANG",
                                             help=N_("The language of the questions and answers (default: the "
                                                     "interface language)."))] = None,
    include_sensitive: Annotated[bool, typer.Option(
        "--include-sensitive", help=N_("Also list answers to items marked sensitive (left out by default)."))] = False,
    fmt: FormatOpt = Format.table,
):
    """Every answer saved for a client: item, question, answer and note.

    Example: advocate checklist answers --client C-7K3M9Q -f csv
    """
    from advocate.checklists.model import get_checklist, load_all
    from advocate.checklists.progress import answer_rows
    from advocate.render import render

    st = state(ctx)
    override = st.config().checklist_override_dir
    if name:
        get_checklist(name, override)  # an unknown name is an error, not an empty list
    docs = {cid: doc for cid, (doc, _src) in load_all(override).items()}
    language = _reading_language(st, lang)
    rows, hidden = answer_rows(st.store(), client, docs, checklist=name, include_sensitive=include_sensitive,
                               lang=language)
    columns = ["checklist", "item", "question", "answer", "text", "note", "sensitive", "updated"]
    if fmt != Format.table:
        render(rows, fmt.value, columns=columns)
    else:
        from datetime import datetime

        from advocate.render import console

        for row in rows:
            row["saved"] = datetime.fromisoformat(row["updated"]).astimezone().date().isoformat()
        table = [("item", N_("Item"), {"no_wrap": True}), ("question", N_("Question")), ("text", N_("Answer")),
                 ("note", N_("Note")), ("saved", N_("Saved"), {"no_wrap": True})]
        if console().width < 100:  # the question is the longest column and the one the reader knows best
            table.pop(1)
        if len({r["checklist"] for r in rows}) > 1:
            table.insert(0, ("checklist", N_("Checklist"), {"no_wrap": True}))
        render(rows, "table", table_columns=table, empty_message=_("No checklist answers to list for this client."))
    if hidden:
        info(_("Answers to sensitive items left out: {n} (--include-sensitive lists them).").format(n=hidden))
