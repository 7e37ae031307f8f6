"""Answers to a checklist, kept against a pseudonymous client code only.

Saved one at a time from the prompt (Ctrl-C loses nothing), or several at once from a script
(:func:`save_answers`: every value is checked first, then all are saved in one transaction or none).
Read back as rows (:func:`answer_rows`), merged into a localized checklist for printing
(:func:`fill_in`), or summed up per section (:func:`status`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from advocate.checklists.model import answer_choices, item_index
from advocate.clients import require_client
from advocate.clock import now_utc
from advocate.errors import InputError
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store

NOTE_LIMIT = 500  # a free-text answer or a note: enough for "call after 6, texts OK, code word 'tamales'"
TEXT_ANSWERED = "answered"  # the stored answer of a text item whose words are in the note


class SavedAnswer(TypedDict):
    answer: str  # an answer id ("yes", "prefer-not-to-say"), an ISO date, or "answered" (text in ``note``)
    note: str | None
    updated: str


def is_instruction(item: dict) -> bool:
    """An item the advocate says or does ("say"): printed as guidance without answer boxes; marked "done"."""
    return (item.get("answers") or item.get("type")) == "say"


def free_note(item: dict) -> bool:
    """Whether a note may go with the answer (``free_note``; a boolean ``note`` is the older spelling)."""
    if "free_note" in item:
        return bool(item["free_note"])
    return item.get("note") is True


def resolve_item(doc: dict, ref: str) -> str:
    """The full id ("safety.talk-now") of ``ref``, which may also be the item's own id when it is unique."""
    items = item_index(doc)
    ref = (ref or "").strip()
    if ref in items:
        return ref
    matches = [k for k in items if k.split(".", 1)[1] == ref]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InputError(_('"{ref}" is in more than one section of "{checklist}"; write one of {ids}').format(
            ref=ref, checklist=doc["id"], ids=", ".join(matches)), field="item")
    import difflib

    short = {k.split(".", 1)[1]: k for k in items}
    close = difflib.get_close_matches(ref, list(items) + list(short), n=2)
    raise InputError(_('"{ref}" is not an item of the checklist "{checklist}"; '
                       '`advocate checklist show {checklist} -f json` lists the ids').format(ref=ref, checklist=doc["id"]),
                     field="item",
                     suggestions=list(dict.fromkeys(short.get(c, c) for c in close)))


def _answers_said(item: dict) -> str:
    """The answers an item takes, for an error: each id, with its label in the interface language when that is
    not English ("yes (sí), no (no), unknown (no se sabe)"): a Spanish error listed English ids alone."""
    from advocate.checklists.i18n import shipped_languages, tr
    from advocate.i18n import current_language

    lang = current_language()
    out = []
    for aid, label in sorted(answer_choices(item)):
        said = ""
        if lang != "en" and lang in shipped_languages():
            said = tr(label, lang) if isinstance(label, str) else (label.get(lang) or "")
        out.append(f"{aid} ({said})" if said and said != aid else aid)
    return ", ".join(out)


def _answer_words(item: dict) -> dict[str, str]:
    """Every way to write each answer: its id and its label in each shipped language, folded."""
    from advocate.checklists.i18n import shipped_languages, tr
    from advocate.textnorm import fold

    words = {}
    for aid, label in answer_choices(item):
        words[fold(aid)] = aid
        for lang in shipped_languages():
            words.setdefault(fold(tr(label, lang) if isinstance(label, str) else label.get(lang) or ""), aid)
    words.pop("", None)
    if (item.get("answers") or "yesno") == "yesno":
        for w, aid in (("y", "yes"), ("n", "no"), ("si", "yes"), ("true", "yes"), ("false", "no")):
            words.setdefault(w, aid)
    return words


def check_answer(doc: dict, item_id: str, answer: str, note: str | None = None) -> tuple[str, str | None]:
    """``(answer, note)`` as they will be stored, or InputError naming the item and what it expects.

    ``answer`` is an answer id or its label in a shipped language (yes, sí, prefer-not-to-say, "no se
    sabe"), a date (YYYY-MM-DD) for date items, or the free text itself for text items."""
    from advocate.textnorm import fold, strip_control

    items = item_index(doc)
    if item_id not in items:
        raise InputError(_('"{item_id}" is not an item of the checklist "{id}"').format(item_id=item_id, id=doc["id"]),
                         field="item")
    item = items[item_id]
    kind = item.get("answers") or "yesno"
    answer = strip_control(str(answer if answer is not None else "")).strip()
    if note is not None:
        note = strip_control(note, keep_newlines=True).strip() or None
    allowed = {a for a, _label in answer_choices(item)}
    chosen = allowed and _answer_words(item).get(fold(answer))
    if answer in allowed:
        chosen = answer
    if chosen:
        answer = chosen
    elif not answer:
        raise InputError(_("{item_id} needs an answer").format(item_id=item_id), field="answer")
    elif kind == "date":
        try:
            answer = date.fromisoformat(answer).isoformat()
        except ValueError:
            raise InputError(_('"{answer}" is not a date for {item_id}; write it as YYYY-MM-DD').format(
                answer=answer, item_id=item_id), field="answer") from None
    elif kind == "text":
        if answer == TEXT_ANSWERED:  # the prompt's own spelling: the words are already in the note
            if not note:
                raise InputError(_("{item_id} needs the answer's words").format(item_id=item_id), field="answer")
        else:
            if note:
                raise InputError(_("{item_id} is answered in words already; give its answer without a separate "
                                   "note").format(item_id=item_id), field="note")
            answer, note = TEXT_ANSWERED, answer
    else:
        raise InputError(_('"{answer}" is not an answer to {item_id}; expected one of {value}').format(
            answer=answer, item_id=item_id, value=_answers_said(item)), field="answer")
    if note is not None and len(note) > NOTE_LIMIT:
        raise InputError(_("the answer to {item_id} is {n} characters long; keep it under {limit} "
                           "(no names, no story)").format(item_id=item_id, n=len(note), limit=NOTE_LIMIT), field="note")
    return answer, note


def save_answer(store: Store, client: str, doc: dict, item_id: str, answer: str, note: str | None = None) -> None:
    """Check and save one answer (replacing an earlier one for the same item)."""
    save_answers(store, client, doc, [(item_id, answer, note)])


def save_answers(store: Store, client: str, doc: dict, entries: list[tuple[str, str, str | None]]) -> list[str]:
    """Save several answers, all or nothing: every entry (item ref, answer, note) is checked first and
    every problem is reported in one InputError; only then are all written in one transaction.
    Returns the full item ids saved."""
    code = require_client(store, client)
    checked, problems, seen = [], [], set()
    for ref, answer, note in entries:
        try:
            item_id = resolve_item(doc, ref)
            if item_id in seen:
                raise InputError(_("{item_id} is given twice").format(item_id=item_id), field="item")
            seen.add(item_id)
            checked.append((item_id, *check_answer(doc, item_id, answer, note)))
        except InputError as exc:
            problems.append(exc.full_message)
    if problems:
        if len(problems) == 1:
            raise InputError(problems[0], field="answer")
        raise InputError(_("{n} answers are wrong and none was saved: {problems}").format(
            n=len(problems), problems="; ".join(problems)), field="answer")
    now = now_utc()
    with store.write():
        for item_id, answer, note in checked:
            store.conn.execute(
                "INSERT OR REPLACE INTO checklist_progress (client_code, checklist, item, answer, note, updated)"
                " VALUES (?, ?, ?, ?, ?, ?)", (code, doc["id"], item_id, answer, note, now))
            store.audit("answer", "checklist_progress")
    return [c[0] for c in checked]


def answers(store: Store, client: str, checklist: str) -> dict[str, SavedAnswer]:
    code = require_client(store, client)
    rows = store.conn.execute(
        "SELECT item, answer, note, updated FROM checklist_progress WHERE client_code = ? AND checklist = ?",
        (code, checklist))
    return {item: {"answer": a, "note": n, "updated": u} for item, a, n, u in rows}


def written_answer(store: Store, client: str, checklist: str, item: str) -> str | None:
    """The words of a client's free-text answer to ``item`` ("prep.papers") of ``checklist``, or None when there
    are none: not answered, or answered with "unknown", "does not apply" or "prefer not to say"."""
    saved = answers(store, client, checklist).get(item)
    if not saved or saved["answer"] != TEXT_ANSWERED:
        return None
    return (saved["note"] or "").strip() or None


def _label(doc_item: dict | None, answer: str, lang: str) -> str:
    from advocate.checklists.i18n import tr

    for aid, label in answer_choices(doc_item or {}):
        if aid == answer:
            return tr(label, lang) if isinstance(label, str) else (label.get(lang) or aid)
    return answer


def answer_text(item: dict | None, saved: SavedAnswer, lang: str) -> str:
    """What the answer says in ``lang``: the label of a choice, the date, or the free text."""
    if saved["answer"] == TEXT_ANSWERED and (item is None or (item.get("answers") or "yesno") == "text"):
        return saved["note"] or ""
    return _label(item, saved["answer"], lang)


def answer_rows(store: Store, client: str, docs: dict[str, dict], *, checklist: str | None = None,
                include_sensitive: bool = False, lang: str = "en") -> tuple[list[dict], int]:
    """Every saved answer of a client as rows, in checklist order, and how many sensitive ones were left out.

    An answer to an item no longer in its checklist (an organization edited the file) is listed too;
    as nobody can say whether it was sensitive, it counts as sensitive."""
    from advocate.checklists.model import text_in

    code = require_client(store, client)
    where, params = ("AND checklist = ?", [checklist]) if checklist else ("", [])
    saved: dict[str, dict[str, SavedAnswer]] = {}
    for cid, item, a, n, u in store.conn.execute(
            f"SELECT checklist, item, answer, note, updated FROM checklist_progress WHERE client_code = ? {where}"
            " ORDER BY checklist, item", [code, *params]):
        saved.setdefault(cid, {})[item] = {"answer": a, "note": n, "updated": u}
    rows, hidden = [], 0
    order = [c for c in docs if c in saved] + sorted(c for c in saved if c not in docs)
    for cid in order:
        items = item_index(docs[cid]) if cid in docs else {}
        known = [k for k in items if k in saved[cid]] + sorted(k for k in saved[cid] if k not in items)
        for key in known:
            item, s = items.get(key), saved[cid][key]
            if (item is None or item.get("sensitive")) and not include_sensitive:
                hidden += 1
                continue
            question = ""
            if item is not None:
                try:
                    question = text_in(item["text"], lang, key)
                except InputError:  # an organization's item with no text in this language
                    question = next(iter(item["text"].values()), "")
            free = s["answer"] == TEXT_ANSWERED and (item is None or (item.get("answers") or "yesno") == "text")
            rows.append({"checklist": cid, "item": key, "question": question,
                         "answer": s["answer"], "text": answer_text(item, s, lang),
                         "note": None if free else s["note"],
                         "sensitive": bool(item is None or item.get("sensitive")), "updated": s["updated"]})
    return rows, hidden


def fill_in(c: dict, saved: dict[str, SavedAnswer], *, only_open: bool = False,
            include_sensitive: bool = False) -> dict:
    """The localized checklist ``c`` with each item's ``answer`` set ({id, label by language, text, note,
    updated} or None); with ``only_open``, just the items still to answer.

    The answer to an item marked sensitive is left out unless ``include_sensitive``: such an item gets
    ``answer_hidden`` instead, and ``sensitive_hidden`` counts them (they still count as answered). Adds ``answered``/``open`` counts, as :func:`progress` counts them for the
    items in ``c``, and ``updated`` (the latest answer's time)."""
    from advocate.checklists.ui import DONE

    out = {**c, "sections": [], "filled": True}
    answered = open_ = hidden = 0
    last = None
    for s in c["sections"]:
        items = []
        for n, it in enumerate(s["items"], 1):
            got = saved.get(it["id"])
            item = {**it, "n": it.get("n", n), "answer": None}  # n: the number printed on the full form
            if to_answer(it):  # counted as progress() counts: sensitive items too, not what is said or done
                answered, open_ = answered + bool(got), open_ + (not got)
            if got:
                last = max(last or got["updated"], got["updated"])
            if got and it.get("sensitive") and not include_sensitive:
                item["answer_hidden"] = True
                hidden += 1
            elif got:
                labels = {a["id"]: a["label"] for a in it["answers"]}
                if is_instruction(it):
                    labels = {"done": {lang: _tr(DONE, lang) for lang in c["languages"]}}
                free = got["answer"] == TEXT_ANSWERED and it.get("type") == "text"
                item["answer"] = {
                    "id": got["answer"],
                    "label": labels.get(got["answer"]),  # None for a date or free text
                    "text": got["note"] if free else (got["answer"] if got["answer"] not in labels else None),
                    "note": None if free else got["note"], "updated": got["updated"]}
            items.append(item)
        if only_open:
            items = [i for i in items if i["answer"] is None and not i.get("answer_hidden")]
        if items:
            out["sections"].append({**s, "items": items})
    out.update(answered=answered, open=open_, updated=last, sensitive_hidden=hidden)
    return out


def _tr(msgid: str, lang: str) -> str:
    from advocate.checklists.i18n import tr

    return tr(msgid, lang)


def to_answer(item: dict) -> bool:
    """Whether an item counts in a checklist's progress: every item with an answer box, sensitive ones included;
    not what the advocate says or does ("say" items: printed as instructions and marked done, never "open")."""
    return not is_instruction(item)


class SectionProgress(TypedDict):
    section: str
    title: object  # the section's title as the checklist file gives it (a msgid or {"en": ..., "es": ...})
    answered: int
    open: int
    sensitive: int  # of answered + open, how many are marked sensitive
    sensitive_answered: int
    open_items: list[str]
    first_open: int  # of open, how many are first-meeting questions (all of them if no question is one)


class Progress(TypedDict):
    checklist: str
    answered: int
    open: int
    sensitive: int
    sensitive_answered: int
    open_items: list[str]
    first_open: int
    updated: str | None
    sections: list[SectionProgress]


def progress(doc: dict, saved: Mapping[str, SavedAnswer]) -> Progress:
    """How far one checklist is filled: the one definition behind every count advocate shows (`checklist status`,
    `today`, `clients show`, a filled form's "answered, open").

    Every stage counts. An item to answer is one with an answer box (:func:`to_answer`), sensitive ones
    included: a count shows no answer, and a case manager needs to know those questions are still to come
    (``sensitive``/``sensitive_answered`` say how many of the counts they are). An item is answered once
    any answer is saved, "prefer not to say" and "unknown" included. Saved answers to items the file no
    longer has are not counted."""
    from advocate.checklists.model import stage_of

    # the questions to finish first: the first meeting's, or every one in a checklist with no first-meeting stage
    has_first = any(to_answer(it) and stage_of(it, s) == "first" for s in doc["sections"] for it in s["items"])
    sections: list[SectionProgress] = []
    for s in doc["sections"]:
        items = [(f'{s["id"]}.{it["id"]}', it) for it in s["items"] if to_answer(it)]
        if not items:
            continue
        open_items = [k for k, _it in items if k not in saved]
        sensitive = [k for k, it in items if it.get("sensitive")]
        sections.append({
            "section": s["id"], "title": s.get("title") or s["id"],
            "answered": len(items) - len(open_items), "open": len(open_items),
            "sensitive": len(sensitive), "sensitive_answered": sum(1 for k in sensitive if k in saved),
            "open_items": open_items,
            "first_open": sum(1 for k, it in items if k not in saved and (stage_of(it, s) == "first" or not has_first))})
    return {"checklist": doc["id"], "answered": sum(x["answered"] for x in sections),
            "open": sum(x["open"] for x in sections), "sensitive": sum(x["sensitive"] for x in sections),
            "sensitive_answered": sum(x["sensitive_answered"] for x in sections),
            "first_open": sum(x["first_open"] for x in sections),
            "open_items": [k for x in sections for k in x["open_items"]],
            "updated": max((v["updated"] for v in saved.values()), default=None), "sections": sections}


def status(store: Store, client: str, docs: dict[str, dict]) -> list[Progress]:
    """:func:`progress` of every checklist the client has answers in, in the order of ``docs``."""
    code = require_client(store, client)
    return [progress(doc, done) for cid, doc in docs.items() if (done := answers(store, code, cid))]
