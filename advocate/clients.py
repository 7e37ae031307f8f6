"""Clients are pseudonymous codes. There is no name field, and a code is never derived from one."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING

from advocate.clock import now_utc
from advocate.errors import InputError, NotFound
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read aloud and copy
CODE_RE = re.compile(r"^C-[2-9A-HJKMNP-TV-Z]{6}$")
# every table holding rows tied to a client code (purge and retention delete from each, in this order)
CLIENT_TABLES = ("plan_events", "referrals", "releases", "goals", "appointments", "checklist_progress")


def new_code() -> str:
    return "C-" + "".join(secrets.choice(ALPHABET) for _ in range(6))


def normalize_code(text: str) -> str:
    code = (text or "").strip().upper()
    if not CODE_RE.match(code):
        raise InputError(_('"{text}" is not a client code; codes look like C-7K3M9Q (see `advocate clients list`)').format(text=text))
    return code


def create_client(store: Store, *, language: str | None = None, note: str | None = None) -> dict:
    if language:
        from advocate.directory.vocab import normalize_language

        language = normalize_language(language)
    if note is not None and len(note) > 500:
        raise InputError(_("a client note is limited to 500 characters; keep names and stories out of it"))
    with store.write():
        for _attempt in range(20):
            code = new_code()
            if not store.conn.execute("SELECT 1 FROM clients WHERE code = ?", (code,)).fetchone():
                break
        store.conn.execute("INSERT INTO clients (code, language, note, created) VALUES (?, ?, ?, ?)",
                           (code, language, note, now_utc()))
        store.audit("create", "clients")
    return get_client(store, code)


def get_client(store: Store, code: str) -> dict:
    code = normalize_code(code)
    row = store.conn.execute(
        """SELECT c.code, c.language, c.note, c.status, c.created, c.closed,
                  (SELECT count(*) FROM appointments a WHERE a.client_code = c.code),
                  (SELECT count(*) FROM checklist_progress p WHERE p.client_code = c.code)
           FROM clients c WHERE c.code = ?""", (code,)).fetchone()
    if not row:
        raise NotFound(_("no client with code {code}; see `advocate clients list`").format(code=code))
    keys = ("code", "language", "note", "status", "created", "closed", "appointments", "checklist_answers")
    return dict(zip(keys, row, strict=False))


def require_client(store: Store, code: str) -> str:
    return get_client(store, code)["code"]


def list_clients(store: Store, *, status: str | None = None) -> list[dict]:
    where, params = ("WHERE c.status = ?", [status]) if status else ("", [])
    rows = store.conn.execute(
        f"""SELECT c.code, c.language, c.status, c.created, c.closed,
                   (SELECT count(*) FROM appointments a WHERE a.client_code = c.code)
            FROM clients c {where} ORDER BY c.created, c.code""", params).fetchall()
    keys = ("code", "language", "status", "created", "closed", "appointments")
    return [dict(zip(keys, r, strict=False)) for r in rows]


def close_client(store: Store, code: str) -> dict:
    code = require_client(store, code)
    with store.write():
        store.conn.execute("UPDATE clients SET status = 'closed', closed = ? WHERE code = ?", (now_utc(), code))
        store.audit("close", "clients")
    return get_client(store, code)


def purge_client(store: Store, code: str) -> dict:
    """Delete the client and everything tied to the code, leaving no trace of it in any table."""
    code = require_client(store, code)
    removed = {}
    with store.write():
        for table in CLIENT_TABLES:
            removed[table] = store.conn.execute(f"DELETE FROM {table} WHERE client_code = ?", (code,)).rowcount
        removed["clients"] = store.conn.execute("DELETE FROM clients WHERE code = ?", (code,)).rowcount
        store.audit("purge", "clients")
    _scrub_free_pages(store)
    return {"code": code, "removed": removed}


def _scrub_free_pages(store: Store) -> None:
    """secure_delete zeroes freed content; a checkpoint and VACUUM leave no copy in the WAL or free pages.

    If another program keeps a read snapshot open, the WAL cannot be emptied and still holds the deleted
    rows: that raises :class:`ScrubIncomplete` (the rows are deleted; say so, and what to do) instead of
    claiming success."""
    from advocate.store import scrub

    scrub(store)


def parse_age(text: str):
    """ "7y", "18m", "90d" -> a timedelta-like cutoff description (years, months, days)."""
    import re

    m = re.match(r"^\s*(\d{1,3})\s*(y|years?|m|months?|d|days?)\s*$", str(text or ""), re.I)
    if not m or int(m.group(1)) == 0:
        raise InputError(_('"{text}" is not an age; write it like 7y, 18m or 90d').format(text=text))
    n, unit = int(m.group(1)), m.group(2)[0].lower()
    return n, unit


def cutoff_date(text: str, today=None):
    from datetime import date, timedelta

    n, unit = parse_age(text)
    today = today or date.today()
    if unit == "d":
        return today - timedelta(days=n)
    months = n * 12 if unit == "y" else n
    y, m = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(y, m + 1, min(today.day, 28))


def purge_closed(store: Store, older_than: str, *, dry_run: bool = False) -> dict:
    """Purge every client closed before the cutoff (retention), with everything tied to them, and the places
    looked up online before it. ``codes`` in the result names the clients purged (for their copies)."""
    cutoff = cutoff_date(older_than)
    codes = [r[0] for r in store.conn.execute(
        "SELECT code FROM clients WHERE status = 'closed' AND closed IS NOT NULL AND substr(closed, 1, 10) < ?",
        (cutoff.isoformat(),))]
    totals = {"clients": 0, **{t: 0 for t in CLIENT_TABLES}}
    if dry_run:
        for code in codes:
            totals["clients"] += 1
            for table in CLIENT_TABLES:
                totals[table] += store.conn.execute(
                    f"SELECT count(*) FROM {table} WHERE client_code = ?", (code,)).fetchone()[0]
        totals["geocode_cache"] = store.conn.execute(
            "SELECT count(*) FROM geocode_cache WHERE created IS NULL OR substr(created, 1, 10) < ?",
            (cutoff.isoformat(),)).fetchone()[0]
        return {"cutoff": cutoff.isoformat(), "dry_run": True, **totals, "codes": codes}
    with store.write():
        for code in codes:
            for table in CLIENT_TABLES:
                totals[table] += store.conn.execute(f"DELETE FROM {table} WHERE client_code = ?", (code,)).rowcount
            totals["clients"] += store.conn.execute("DELETE FROM clients WHERE code = ?", (code,)).rowcount
            store.audit("purge", "clients")
        # places looked up online are kept no longer than client records
        totals["geocode_cache"] = store.conn.execute(
            "DELETE FROM geocode_cache WHERE created IS NULL OR substr(created, 1, 10) < ?",
            (cutoff.isoformat(),)).rowcount
    if codes or totals["geocode_cache"]:
        _scrub_free_pages(store)
    return {"cutoff": cutoff.isoformat(), "dry_run": False, **totals, "codes": codes}


def audit_log(store: Store, limit: int = 100) -> list[dict]:
    rows = store.conn.execute("SELECT id, at, action, tbl, row_id FROM audit ORDER BY id DESC LIMIT ?", (limit,))
    return [dict(zip(("id", "at", "action", "table", "row_id"), r, strict=False)) for r in rows]
