"""Full-text search over service names, descriptions and organizations (SQLite FTS5, accents folded),
in English or Spanish: the query goes through the bilingual term list (:mod:`advocate.directory.terms`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from advocate.errors import InputError
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store


def reindex(store: Store, *, source: str | None = None, ids: list[str] | None = None) -> None:
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


def _parts(text: str):
    from advocate.directory.terms import expand

    parts = expand(text)
    if not parts:
        raise InputError(_('search needs at least one word, for example "immigration" or "albergue"'), field="text")
    return parts


def fts_query(text: str) -> str:
    """User words -> an FTS5 query: every part must match, each part in any of its languages' words."""
    from advocate.directory.terms import fts_query as build

    return build(_parts(text))


@dataclass
class Hit:
    service_id: str
    matched: list[str]  # the words (or category) each part of the query matched in this record


def search(store: Store, text: str, *, limit: int = 50, where_sql: str = "1", params: list | None = None) -> list[Hit]:
    """Services matching ``text``, best first (BM25 over name, description and organization).

    A query that is one category's name or synonym ("albergue", "inmigración") also finds the
    services filed under that category, after the ones whose text matches."""
    from advocate.directory.terms import fts_query as build
    from advocate.directory.terms import literal_parts, matched_terms

    parts = _parts(text)
    params = list(params or [])
    ids: list[str] = []
    texts: dict[str, str] = {}
    # the words as typed first (their best matches lead), then every language's words for them
    for q in dict.fromkeys((build(literal_parts(parts)), build(parts))):
        for sid, *fields in store.conn.execute(
                f"""SELECT f.service_id, f.name, f.description, f.organization FROM services_fts f
                    JOIN services s ON s.id = f.service_id
                    WHERE services_fts MATCH ? AND {where_sql}
                    ORDER BY bm25(services_fts, 0.0, 10.0, 1.0, 3.0), f.service_id LIMIT ?""", [q, *params, limit]):
            if sid not in texts:
                ids.append(sid)
                texts[sid] = " ".join(x or "" for x in fields)
    ids = ids[:limit]
    if len(parts) == 1 and parts[0].categories and len(ids) < limit:
        cats = parts[0].categories
        more = store.conn.execute(
            f"""SELECT s.id FROM services s WHERE EXISTS (SELECT 1 FROM service_categories c WHERE c.service_id = s.id
                AND c.category IN ({','.join('?' * len(cats))})) AND {where_sql} ORDER BY s.name, s.id LIMIT ?""",
            [*cats, *params, limit + len(ids)]).fetchall()
        seen = set(ids)
        ids += [r[0] for r in more if r[0] not in seen][: limit - len(ids)]
    categories: dict[str, list[str]] = {}
    if ids:
        marks = ",".join("?" * len(ids))
        for sid, cat in store.conn.execute(
                f"SELECT service_id, category FROM service_categories WHERE service_id IN ({marks})", ids):
            categories.setdefault(sid, []).append(cat)
    return [Hit(sid, matched_terms(parts, texts.get(sid, ""), categories.get(sid, []))) for sid in ids]


def search_ids(store: Store, text: str, *, limit: int = 50, where_sql: str = "1", params: list | None = None) -> list[str]:
    return [h.service_id for h in search(store, text, limit=limit, where_sql=where_sql, params=params)]
