"""Goals the survivor sets, in their own words, followed over time; a reached goal is a milestone with its date."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from advocate.clients import normalize_code, require_client
from advocate.clock import now_utc, today_local
from advocate.errors import InputError, NotFound
from advocate.i18n import N_, _
from advocate.plan.common import NOTE_LIMIT, TEXT_LIMIT, clean_text, history, parse_day, parse_id, record_event

if TYPE_CHECKING:
    from advocate.store import Store

STATUSES = ("working", "reached", "paused", "dropped")
STATUS_LABELS = {"working": N_("working on it"), "reached": N_("reached"), "paused": N_("paused"),
                 "dropped": N_("dropped")}
OPEN_STATUSES = ("working", "paused")


@functools.cache
def areas() -> dict[str, dict]:
    """The goal areas with their English and Spanish labels (data/goal_areas.csv)."""
    from advocate.data import read_csv

    return {r["area"]: r for r in read_csv("goal_areas.csv")}


def normalize_area(text: str | None) -> str:
    if text is None or not str(text).strip():
        return "other"
    from advocate.textnorm import close_words, fold

    key = str(text).strip().casefold().replace("_", "-")
    for area, row in areas().items():  # accents, case and spacing ignored
        if fold(key) in (fold(area), fold(row["label_en"]), fold(row["label_es"])):
            return area
    words = {area: area for area in areas()}
    for area, row in areas().items():
        for label in (row["label_en"], row["label_es"]):
            words.setdefault(label.lower(), area)
    raise InputError(_('"{text}" is not a goal area; expected one of: {areas}').format(
        text=text, areas=", ".join(areas())), field="area", suggestions=close_words(key, words))


def normalize_status(text: str) -> str:
    key = (text or "").strip().lower()
    if key not in STATUSES:
        raise InputError(_('"{text}" is not a goal status; expected one of: {statuses}').format(
            text=text, statuses=", ".join(STATUSES)), field="status")
    return key


def add_goal(store: Store, client: str, text: str, *, area: str | None = None, target: str | None = None,
             note: str | None = None) -> dict:
    """Record a goal as the survivor said it. Every value is checked before anything is written."""
    code = normalize_code(client)
    words = clean_text(text, limit=TEXT_LIMIT, what=_("a goal"), field="text", required=True)
    area_key = normalize_area(area)
    target_day = parse_day(target, field="target", what=_("the target date"))
    note = clean_text(note, limit=NOTE_LIMIT, what=_("a note"), field="note")
    require_client(store, code)
    now = now_utc()
    with store.write():
        cur = store.conn.execute(
            "INSERT INTO goals (client_code, text, area, target, created, updated) VALUES (?, ?, ?, ?, ?, ?)",
            (code, words, area_key, target_day, now, now))
        gid = cur.lastrowid
        assert gid is not None  # the cursor of an INSERT
        record_event(store, code, "goal", gid, "working", note, now)
        store.audit("create", "goals", gid)
    return get_goal(store, gid)


def get_goal(store: Store, goal_id, *, with_history: bool = False) -> dict:
    gid = parse_id(goal_id, what=_("goal"), field="goal")
    row = store.conn.execute(
        "SELECT id, client_code, text, area, target, status, reached, created, updated FROM goals WHERE id = ?",
        (gid,)).fetchone()
    if not row:
        raise NotFound(_("no goal number {id}; see `advocate goals list`").format(id=gid), field="goal")
    keys = ("id", "client", "text", "area", "target", "status", "reached", "created", "updated")
    goal = dict(zip(keys, row, strict=True))
    if with_history:
        goal["history"] = history(store, "goal", gid)
    return goal


def list_goals(store: Store, *, client: str | None = None, open_only: bool = False, area: str | None = None) -> list[dict]:
    where, params = [], []
    if client:
        where.append("client_code = ?")
        params.append(require_client(store, client))
    if open_only:
        where.append(f"status IN ({','.join('?' * len(OPEN_STATUSES))})")
        params += OPEN_STATUSES
    if area:
        where.append("area = ?")
        params.append(normalize_area(area))
    sql = ("SELECT id, client_code, text, area, target, status, reached, created, updated FROM goals"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY client_code, id")
    keys = ("id", "client", "text", "area", "target", "status", "reached", "created", "updated")
    return [dict(zip(keys, r, strict=True)) for r in store.conn.execute(sql, params)]


def update_goal(store: Store, goal_id, *, status: str | None = None, note: str | None = None, target: str | None = None,
                text: str | None = None, area: str | None = None, reached_on: str | None = None) -> dict:
    """Change a goal's status (reached = a milestone, dated today unless ``reached_on``), target, words or area."""
    goal = get_goal(store, goal_id)
    new_status = normalize_status(status) if status else None
    note = clean_text(note, limit=NOTE_LIMIT, what=_("a note"), field="note")
    target_day = parse_day(target, field="target", what=_("the target date"))
    words = clean_text(text, limit=TEXT_LIMIT, what=_("a goal"), field="text") if text is not None else None
    area_key = normalize_area(area) if area is not None else None
    reached_day = parse_day(reached_on, field="reached", what=_("the date it was reached"))
    if reached_day and (new_status or goal["status"]) != "reached":
        raise InputError(_("a date it was reached goes with the status reached"), field="reached")
    if not any(v is not None for v in (new_status, note, target_day, words, area_key, reached_day)):
        raise InputError(_("nothing to change; give a status, a note, a target date, new words or an area"),
                         field="status")
    now = now_utc()
    sets, params = ["updated = ?"], [now]
    if new_status:
        sets.append("status = ?")
        params.append(new_status)
        if new_status == "reached":
            sets.append("reached = ?")
            params.append(reached_day or today_local())
        else:
            sets.append("reached = NULL")
    elif reached_day:
        sets.append("reached = ?")
        params.append(reached_day)
    for col, value in (("target", target_day), ("text", words), ("area", area_key)):
        if value is not None:
            sets.append(f"{col} = ?")
            params.append(value)
    with store.write():
        store.conn.execute(f"UPDATE goals SET {', '.join(sets)} WHERE id = ?", (*params, goal["id"]))
        record_event(store, goal["client"], "goal", goal["id"], new_status or goal["status"], note, now)
        store.audit("update", "goals", goal["id"])
    return get_goal(store, goal["id"], with_history=True)
