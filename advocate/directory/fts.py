"""Full-text search over service names, descriptions and organizations (SQLite FTS5, accents folded)."""

from __future__ import annotations

import re

from advocate.errors import InputError
from advocate.i18n import _


def reindex(store, *, source: str | None = None, ids: list[str] | None = None) -> None:
    """Refresh the index rows of one source, some ids, or everything (Spanish names and descriptions included)."""
    conn = store.conn
    if ids is not None:
        where, params = f"s.id IN ({','.join('?' * len(ids))})", list(ids)
    elif source is not None:
        where, params = "s.source = ?", [source]
    else:
        where, params = "1", []
    conn.execute(f"DELETE FROM services_fts WHERE service_id IN (SELECT s.id FROM services s WHERE {where})", params)
    conn.execute(
        f"""INSERT INTO services_fts (service_id, name, description, organization)
            SELECT s.id, s.name || coalesce(' / ' || s.name_es, ''),
                   coalesce(s.description, '') || coalesce(' ' || s.description_es, ''), coalesce(o.name, '')
            FROM services s LEFT JOIN organizations o ON o.id = s.organization_id WHERE {where}""", params)


def fts_query(text: str) -> str:
    """User words -> an FTS5 query: every word must match (prefix match on the last), quotes kept safe."""
    words = re.findall(r"\w+", text or "", flags=re.UNICODE)
    if not words:
        raise InputError(_('search needs at least one word, for example "immigration" or "albergue"'))
    parts = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return " ".join(parts)


def search_ids(store, text: str, *, limit: int = 50, where_sql: str = "1", params: list | None = None) -> list[str]:
    q = fts_query(text)
    rows = store.conn.execute(
        f"""SELECT f.service_id FROM services_fts f JOIN services s ON s.id = f.service_id
            WHERE services_fts MATCH ? AND {where_sql} ORDER BY bm25(services_fts, 0.0, 10.0, 1.0, 3.0) LIMIT ?""",
        [q, *(params or []), limit]).fetchall()
    return [r[0] for r in rows]
