"""Clients are pseudonymous codes. There is no name field, and a code is never derived from one."""

from __future__ import annotations

import re
import secrets

from advocate.errors import InputError, NotFound
from advocate.store import now_utc

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read aloud and copy
CODE_RE = re.compile(r"^C-[2-9A-HJKMNP-TV-Z]{6}$")
CLIENT_TABLES = ("appointments", "checklist_progress")


def new_code() -> str:
    return "C-" + "".join(secrets.choice(ALPHABET) for _ in range(6))


def normalize_code(text: str) -> str:
    code = (text or "").strip().upper()
    if not CODE_RE.match(code):
        raise InputError(f'"{text}" is not a client code; codes look like C-7K3M9Q (see `advocate clients list`)')
    return code


def create_client(store, *, language: str | None = None, note: str | None = None) -> dict:
    if language:
        from advocate.directory.vocab import normalize_language

        language = normalize_language(language)
    if note is not None and len(note) > 500:
        raise InputError("a client note is limited to 500 characters; keep names and stories out of it")
    with store.write():
        for _ in range(20):
            code = new_code()
            if not store.conn.execute("SELECT 1 FROM clients WHERE code = ?", (code,)).fetchone():
                break
        store.conn.execute("INSERT INTO clients (code, language, note, created) VALUES (?, ?, ?, ?)",
                           (code, language, note, now_utc()))
        store.audit("create", "clients")
    return get_client(store, code)


def get_client(store, code: str) -> dict:
    code = normalize_code(code)
    row = store.conn.execute(
        """SELECT c.code, c.language, c.note, c.status, c.created, c.closed,
                  (SELECT count(*) FROM appointments a WHERE a.client_code = c.code),
                  (SELECT count(*) FROM checklist_progress p WHERE p.client_code = c.code)
           FROM clients c WHERE c.code = ?""", (code,)).fetchone()
    if not row:
        raise NotFound(f"no client with code {code}; see `advocate clients list`")
    keys = ("code", "language", "note", "status", "created", "closed", "appointments", "checklist_answers")
    return dict(zip(keys, row))


def require_client(store, code: str) -> str:
    return get_client(store, code)["code"]


def list_clients(store, *, status: str | None = None) -> list[dict]:
    where, params = ("WHERE c.status = ?", [status]) if status else ("", [])
    rows = store.conn.execute(
        f"""SELECT c.code, c.language, c.status, c.created, c.closed,
                   (SELECT count(*) FROM appointments a WHERE a.client_code = c.code)
            FROM clients c {where} ORDER BY c.created, c.code""", params).fetchall()
    keys = ("code", "language", "status", "created", "closed", "appointments")
    return [dict(zip(keys, r)) for r in rows]


def close_client(store, code: str) -> dict:
    code = require_client(store, code)
    with store.write():
        store.conn.execute("UPDATE clients SET status = 'closed', closed = ? WHERE code = ?", (now_utc(), code))
        store.audit("close", "clients")
    return get_client(store, code)


def purge_client(store, code: str) -> dict:
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


def _scrub_free_pages(store) -> None:
    """secure_delete zeroes freed content; a checkpoint and VACUUM leave no copy in the WAL or free pages."""
    try:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("VACUUM")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:  # another process holds the file: secure_delete already zeroed the rows
        pass
