"""Answers to a checklist, kept against a pseudonymous client code only; saved one at a time."""

from __future__ import annotations

from datetime import date

from advocate.appointments.clients import require_client
from advocate.checklists.model import answer_choices, item_index
from advocate.errors import InputError
from advocate.store import now_utc
from advocate.i18n import _

NOTE_LIMIT = 200


def save_answer(store, client: str, doc: dict, item_id: str, answer: str, note: str | None = None) -> None:
    code = require_client(store, client)
    items = item_index(doc)
    if item_id not in items:
        raise InputError(_('"{item_id}" is not an item of the checklist "{id}"').format(item_id=item_id, id=doc['id']))
    item = items[item_id]
    allowed = {a for a, _ in answer_choices(item)}
    kind = item.get("answers", "yesno")
    if answer not in allowed:
        if kind == "date":
            try:
                answer = date.fromisoformat(answer).isoformat()
            except (TypeError, ValueError):
                raise InputError(_('"{answer}" is not a date; write it as YYYY-MM-DD').format(answer=answer)) from None
        elif kind == "text" and answer == "answered":
            pass
        else:
            raise InputError(_('"{answer}" is not an answer to {item_id}; expected one of {value}').format(answer=answer, item_id=item_id, value=', '.join(sorted(allowed))))
    if note is not None:
        note = note.replace("\x00", "").strip()[:NOTE_LIMIT] or None
    with store.write():
        store.conn.execute(
            "INSERT OR REPLACE INTO checklist_progress (client_code, checklist, item, answer, note, updated)"
            " VALUES (?, ?, ?, ?, ?, ?)", (code, doc["id"], item_id, answer, note, now_utc()))
        store.audit("answer", "checklist_progress")


def answers(store, client: str, checklist: str) -> dict[str, dict]:
    code = require_client(store, client)
    rows = store.conn.execute(
        "SELECT item, answer, note, updated FROM checklist_progress WHERE client_code = ? AND checklist = ?",
        (code, checklist))
    return {item: {"answer": a, "note": n, "updated": u} for item, a, n, u in rows}


def status(store, client: str, docs: dict[str, dict], *, include_sensitive: bool = False) -> list[dict]:
    """Per checklist: answered, open, and the open item ids (sensitive ones only if asked)."""
    code = require_client(store, client)
    out = []
    for cid, doc in docs.items():
        done = answers(store, code, cid)
        items = [k for k, it in item_index(doc).items() if include_sensitive or not it.get("sensitive")]
        answered = [k for k in items if k in done]
        if not done:
            continue
        out.append({"checklist": cid, "answered": len(answered), "open": len(items) - len(answered),
                    "open_items": [k for k in items if k not in done]})
    return out
