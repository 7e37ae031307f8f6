"""Directories remembered: where each imported source came from, so `sync` can pull it again.

Every import records its source in the ``sources`` table inside the import's own transaction (a failed or
dry-run import records nothing): its kind (file, folder, api, sheet), location (a path or a URL), the layout
detected, options a re-pull needs (JSON: page size, sheet name, column mapping), when it was last pulled, the
counts of that pull, and what tells a later pull whether anything changed (an API's ETag/Last-Modified, a
file's content hash).

Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advocate.errors import InputError, NotFound
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store

KINDS = ("file", "folder", "api", "sheet")
COUNTS = ("services_read", "imported", "updated", "rejected", "inactivated")
FIELDS = ["name", "kind", "location", "layout", "options", "created", "last_pulled", *COUNTS, "active_services",
          "etag", "last_modified", "content_hash", "publisher", "version"]


def now_utc() -> str:
    from advocate.clock import now_utc as store_now

    return store_now()


def record_source(store: Store, *, name: str, kind: str, location: str, layout: str | None = None,
                  options: dict | None = None, stats: Mapping[str, Any] | None = None, pulled_at: str | None = None,
                  etag: str | None = None, last_modified: str | None = None, content_hash: str | None = None,
                  publisher: str | None = None, version: str | None = None) -> None:
    """Insert or update the record of one source. Call it inside the import's transaction.

    ``options`` replaces the stored options when given (None keeps them); ``stats`` is an import summary
    (its counts are kept); content_hash, publisher and version keep their old value when not given. ``etag``
    and ``last_modified`` are the validators of an API's id listing as last seen, so a later sync can ask
    whether it changed (If-None-Match / If-Modified-Since): they are replaced every time, None included,
    because the validators of an older listing would vouch for a state the store no longer reflects."""
    if kind not in KINDS:
        raise InputError(_('"{kind}" is not a kind of source; use file, folder, api or sheet').format(kind=kind),
                         field="kind")
    counts = [int((stats or {}).get(k) or 0) for k in COUNTS]
    store.conn.execute(
        f"""INSERT INTO sources (name, kind, location, layout, options, created, last_pulled, {", ".join(COUNTS)},
               etag, last_modified, content_hash, publisher, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, location = excluded.location,
               layout = coalesce(excluded.layout, sources.layout),
               options = CASE WHEN ? THEN excluded.options ELSE sources.options END,
               last_pulled = excluded.last_pulled,
               {", ".join(f"{k} = excluded.{k}" for k in COUNTS)},
               etag = excluded.etag,
               last_modified = excluded.last_modified,
               content_hash = coalesce(excluded.content_hash, sources.content_hash),
               publisher = coalesce(excluded.publisher, sources.publisher),
               version = coalesce(excluded.version, sources.version)""",
        (name, kind, str(location), layout, json.dumps(options or {}, ensure_ascii=False, sort_keys=True), now_utc(),
         pulled_at or now_utc(), *counts, etag, last_modified, content_hash, publisher, version,
         options is not None))


def _row(names: list[str], r) -> dict:
    d = dict(zip(names, r, strict=True))
    try:
        d["options"] = json.loads(d.get("options") or "{}")
    except ValueError:
        d["options"] = {}
    return d


def list_sources(store: Store, names: list[str] | None = None) -> list[dict]:
    """Every remembered source (or the ones named), with how many of its services are active now."""
    cur = store.conn.execute("SELECT * FROM sources ORDER BY name")
    names_ = [c[0] for c in cur.description]
    rows = [_row(names_, r) for r in cur]
    if names:
        wanted = list(dict.fromkeys(names))
        known = {r["name"] for r in rows}
        for n in wanted:
            if n not in known:
                raise NotFound(_('there is no source named "{name}" (see `advocate services sources`)').format(name=n),
                               suggestions=_close(n, known), field="source")
        rows = [r for r in rows if r["name"] in wanted]
    active = dict(store.conn.execute(
        "SELECT source, count(*) FROM services WHERE status = 'active' AND source IN (SELECT name FROM sources)"
        " GROUP BY source").fetchall())
    for r in rows:
        r["active_services"] = active.get(r["name"], 0)
    return [{k: r.get(k) for k in FIELDS} for r in rows]


def get_source(store: Store, name: str) -> dict:
    return list_sources(store, [name])[0]


def _close(name: str, known) -> list[str]:
    import difflib

    return difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)


def content_hash(path) -> str:
    """sha256 over what an import of ``path`` reads: the file itself, or every .csv/.json under a folder (names
    and bytes, in name order), so a re-export with the same content hashes the same."""
    path = Path(path).expanduser()
    if path.name == "datapackage.json":
        path = path.parent
    h = hashlib.sha256()
    if path.is_dir():
        files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in (".csv", ".json"))
        for f in files:
            h.update(str(f.relative_to(path)).encode("utf-8", "surrogateescape") + b"\0")
            _feed(h, f)
            h.update(b"\0")
    else:
        _feed(h, path)
    return h.hexdigest()


def _feed(h, f: Path) -> None:
    with open(f, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)


def kind_of_path(path) -> str:
    """folder for a folder or a datapackage.json (it reads the folder around it), file otherwise."""
    path = Path(path).expanduser()
    return "folder" if path.is_dir() or path.name == "datapackage.json" else "file"
