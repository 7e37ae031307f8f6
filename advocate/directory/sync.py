"""Pull remembered sources again and say what changed: new services, updated ones (which fields), inactivated.

Each kind of source has a *puller*, found in a registry by (kind, layout), then by kind alone::

    @register_puller("sheet")
    def pull_sheet(store, source: dict, options: SyncOptions) -> Pending | None: ...

A puller reads what it must (the network for an API, the file for a file) WITHOUT writing, and returns
``None`` when the source has not changed, or a :class:`Pending` whose ``apply()`` writes the new state into the
store and records the source (``record_source``). ``sync_source`` runs ``apply()`` inside one transaction between
two snapshots of the source's services, so the changes reported are exactly the changes made, whatever the
kind; with ``dry_run`` the transaction is rolled back and nothing is kept. A failure leaves the store as it was.

For an API: only the services modified since the last pull (``modified_after``, the server's own clock), plus
the list of ids the server still has (``minimal=true`` where supported, else the plain pages) to notice the
services that disappeared, asked for with the validators of the last listing (If-None-Match /
If-Modified-Since): on a 304 nothing disappeared, and when that listing dated each id, nothing changed at all
and nothing more is read. For a file or folder: a re-import when its content hash changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advocate.errors import AdvocateError, NotFound
from advocate.files import os_reason
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.directory.hsds import ImportStats
    from advocate.store import Store

FIELDS = ("name", "organization", "phone", "address", "hours", "languages", "categories", "url", "email",
          "description", "eligibility", "fees", "status")
CHANGES = ("new", "updated", "inactivated")


@dataclass
class SyncOptions:
    """What every puller may need: the HTTP options (timeouts, waits; tests inject their own), progress
    callbacks, whether the offline geocoder may go online."""

    http: Any = None  # advocate.directory.hsds_api.HttpOptions
    on_page: Callable[[int, int | None, int], None] | None = None
    progress: Callable[[int, int], None] | None = None
    online: bool = False
    geocoder: Any = None  # the online geocoder (advocate.geo.online.make_geocoder), when online
    force: bool = False  # pull even when the source says nothing changed


@dataclass
class Pending:
    """A pull read and ready: ``apply()`` writes it (inside sync's transaction) and returns the import summary."""

    apply: Callable[[], ImportStats]
    close: Callable[[], None] = field(default=lambda: None)
    note: str | None = None


PullFn = Callable[[Any, dict, SyncOptions], "Pending | None"]
_PULLERS: dict[tuple[str, str | None], PullFn] = {}


def register_puller(kind: str, layout: str | None = None) -> Callable[[PullFn], PullFn]:
    """Register the puller of a kind of source (and optionally one layout of it)."""

    def deco(fn: PullFn) -> PullFn:
        _PULLERS[(kind, layout)] = fn
        return fn

    return deco


def puller_for(source: dict) -> PullFn:
    fn = _PULLERS.get((source["kind"], source.get("layout"))) or _PULLERS.get((source["kind"], None))
    if fn is None:
        raise AdvocateError(_('advocate cannot pull a source of kind "{kind}" again ({name}); import it again '
                              "instead").format(kind=source["kind"], name=source["name"]), field="source")
    return fn


# --- snapshots and their difference ---------------------------------------------------------------------------


def snapshot(store: Store, source: str) -> dict[str, dict]:
    """{service id: {field: value}} for every service of ``source``: what a case manager would call a change."""
    sql = """
        SELECT s.id, s.source_id, s.name, coalesce(o.name, ''), coalesce(s.phone, ''),
          coalesce((SELECT group_concat(a, ' | ') FROM (
              SELECT trim(coalesce(l.address, '') || ', ' || coalesce(l.city, '') || ', ' || coalesce(l.region, '')
                     || ' ' || coalesce(l.postal_code, '')) AS a
              FROM service_at_location sal JOIN locations l ON l.id = sal.location_id
              WHERE sal.service_id = s.id ORDER BY a)), ''),
          coalesce(s.hours, ''),
          coalesce((SELECT group_concat(x, ',') FROM (SELECT language || ':' || mode AS x FROM service_languages
              WHERE service_id = s.id ORDER BY x)), ''),
          coalesce((SELECT group_concat(category, ',') FROM (SELECT category FROM service_categories
              WHERE service_id = s.id ORDER BY category)), ''),
          coalesce(s.url, ''), coalesce(s.email, ''), coalesce(s.description, ''), coalesce(s.eligibility, ''),
          coalesce(s.fees, ''), s.status
        FROM services s LEFT JOIN organizations o ON o.id = s.organization_id
        WHERE s.source = ?"""
    out = {}
    for row in store.conn.execute(sql, (source,)):
        out[row[0]] = {"source_id": row[1], **dict(zip(FIELDS, row[2:], strict=True))}
    return out


def diff(before: dict[str, dict], after: dict[str, dict]) -> list[dict]:
    """The changes from one snapshot to the next: new, updated (with the fields that changed), inactivated.
    A service that came back is "updated" with ``status`` among its fields."""
    changes = []
    for sid, now in after.items():
        was = before.get(sid)
        entry = {"id": sid, "source_id": now["source_id"], "name": now["name"]}
        if was is None:
            if now["status"] == "active":
                changes.append({**entry, "change": "new", "fields": []})
            continue
        if was["status"] == "active" and now["status"] == "inactive":
            changes.append({**entry, "change": "inactivated", "fields": []})
            continue
        fields = [f for f in FIELDS if was[f] != now[f]]
        if fields:
            changes.append({**entry, "change": "updated", "fields": fields})
    order = {c: i for i, c in enumerate(CHANGES)}
    return sorted(changes, key=lambda c: (order[c["change"]], c["name"].casefold(), c["id"]))


# --- sync ------------------------------------------------------------------------------------------------------


class _Rollback(Exception):
    """Raised inside the sync transaction to undo a dry run."""


def sync_source(store: Store, source: dict, *, dry_run: bool = False, options: SyncOptions | None = None) -> dict:
    """Pull one remembered source again; returns its report (see :func:`sync`)."""
    options = options or SyncOptions()
    report: dict[str, Any] = {"source": source["name"], "kind": source["kind"], "location": source["location"],
                              "status": "unchanged", "new": 0, "updated": 0, "inactivated": 0, "changes": [],
                              "dry_run": dry_run, "error": None}
    pending = puller_for(source)(store, source, options)
    if pending is None:  # the source says nothing changed since it was last pulled: nothing read, nothing written
        report["unchanged_since"] = source.get("last_pulled")
        return report
    try:
        changes: list[dict] = []
        try:
            with store.write():
                before = snapshot(store, source["name"])
                pending.apply()
                changes = diff(before, snapshot(store, source["name"]))
                if dry_run:
                    raise _Rollback()
        except _Rollback:
            pass
    finally:
        pending.close()
    report["changes"] = changes
    for kind in CHANGES:
        report[kind] = sum(1 for c in changes if c["change"] == kind)
    report["status"] = "changed" if changes else "unchanged"
    if pending.note:
        report["note"] = pending.note
    return report


def sync(store: Store, names: list[str] | None = None, *, dry_run: bool = False, options: SyncOptions | None = None,
         on_source: Callable[[dict], None] | None = None) -> list[dict]:
    """Pull every remembered source (or those named) again, each in its own transaction; one report per source:
    ``{"source", "kind", "location", "status": changed|unchanged|failed, "new", "updated", "inactivated",
    "changes": [{"id", "source_id", "name", "change", "fields"}], "dry_run", "error"}``, plus
    ``"unchanged_since"`` (the last pull) when the source said it had not changed and was not read again. A source that fails is
    reported with its error and left as it was; the others go on. ``on_source(source)`` is called before each."""
    from advocate.directory.sources import list_sources

    sources = list_sources(store, names)
    if not sources:
        raise NotFound(_("no source has been imported yet, so there is nothing to sync; import a directory first"),
                       field="source")
    reports = []
    for source in sources:
        if on_source:
            on_source(source)
        try:
            reports.append(sync_source(store, source, dry_run=dry_run, options=options))
        except AdvocateError as exc:
            reports.append({"source": source["name"], "kind": source["kind"], "location": source["location"],
                            "status": "failed", "new": 0, "updated": 0, "inactivated": 0, "changes": [],
                            "dry_run": dry_run, "error": exc.full_message})
    return reports


# --- the pullers that ship ---------------------------------------------------------------------------------------


@register_puller("sheet")  # a spreadsheet: read again with the mapping and sheet its source remembers
@register_puller("file")
@register_puller("folder")
def pull_file(store: Store, source: dict, options: SyncOptions) -> Pending | None:
    """A file or folder export: re-imported when its content hash changed."""
    from advocate.directory.hsds import import_directory
    from advocate.directory.sources import content_hash

    path = Path(source["location"])
    if not path.exists():
        raise NotFound(_("{path} is no longer there; import the source again from where it is now").format(
            path=path), field="source")
    check_remembered_path(path)
    if not options.force and source.get("content_hash") and content_hash(path) == source["content_hash"]:
        return None
    return Pending(apply=lambda: import_directory(store, path, source=source["name"], online=options.online,
                                                  progress=options.progress, geocoder=options.geocoder))


def check_remembered_path(path: Path) -> None:
    """Refuse to read a remembered file or folder that is no longer what was imported: the import remembered
    it with every symbolic link resolved, so a path that now resolves elsewhere has had a link put in its
    place (or in a folder on its way), and a pipe or a device would hang the sync or read without end."""
    import os
    import stat

    from advocate.errors import InputError

    real = os.path.realpath(path)
    if real != str(path):
        raise InputError(_("{path} now leads to {real}, not the file that was imported; import it again if that "
                           "is meant").format(path=path, real=real), field="source")
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError(_("{path} cannot be read ({reason})").format(path=path, reason=os_reason(exc)),
                         field="source") from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputError(_("{path} is no longer a file or a folder (a pipe or a device?); import the source again "
                           "from where it is now").format(path=path), field="source")


@register_puller("api")
def pull_api(store: Store, source: dict, options: SyncOptions) -> Pending | None:
    """An HSDS 3 API: the ids it lists now, asked for conditionally (If-None-Match / If-Modified-Since with
    the validators of the last listing), and what changed since the last pull (``modified_after``).

    A 304 says no service appeared or disappeared; when the last listing also gave each id its modification
    date, it says no service was edited either, and nothing more is asked (the source is unchanged since its
    last pull). Otherwise the services modified since then are read, and only those are written."""
    from advocate.directory.hsds_api import ApiReader, Listing, write_pulled

    opts = source.get("options") or {}
    since = source.get("last_pulled")
    validators = None
    if since and not options.force and (source.get("etag") or source.get("last_modified")):
        validators = {"etag": source.get("etag"), "last_modified": source.get("last_modified"),
                      "dated": bool(opts.get("listing_dated"))}
    reader = ApiReader(source["location"], allow_http=bool(opts.get("allow_http")),
                       page_size=int(opts.get("page_size") or 100), http=options.http)
    try:
        about = reader.about()
        listing: Listing | None = reader.listing(validators) if since else None
        if listing is not None and listing.ids is None and listing.dated:
            return None  # nothing listed, added, removed or edited since the last pull
        pulled = reader.download(modified_after=_as_api_time(since), on_page=options.on_page)
    finally:
        reader.close()
    if listing is not None and listing.ids is None and pulled.services == 0:
        pulled.stage.close()
        return None
    present = listing.ids if listing is not None else None  # None: nothing disappeared (or a first pull)
    kept = {**opts, "listing_dated": bool(listing and listing.dated and listing.validators)}

    def apply() -> ImportStats:
        stats, _importer = write_pulled(store, pulled, source=source["name"], url=reader.url, about=about,
                                        options=kept, incremental=bool(since), present_ids=present,
                                        online=options.online, progress=options.progress, geocoder=options.geocoder,
                                        listing=listing)
        return stats

    return Pending(apply=apply, close=pulled.stage.close)


def _as_api_time(value: str | None) -> str | None:
    from advocate.directory.hsds_api import parse_modified_after

    return parse_modified_after(value) if value else None
