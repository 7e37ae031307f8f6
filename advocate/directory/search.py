"""Nearby-services search: an R*Tree box that widens until it holds enough results, then ranking.

Ranking uses a fast great-circle distance; the figures returned for the rows shown are geopy
geodesic distances. National and remote resources (no point) follow the local ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, TypeVar, cast

from advocate.defaults import DEFAULT_WITHIN_KM, STALE_AFTER_MONTHS
from advocate.directory.vocab import expand_category, language_family, normalize_language
from advocate.errors import InputError, NotFound
from advocate.geo.distance import EARTH_KM, KM_PER_MILE, bounding_box, geodesic_km_mi
from advocate.i18n import N_, _

if TYPE_CHECKING:
    from advocate.geo.resolve import Place
    from advocate.store import Store

T = TypeVar("T")
DEFAULT_LIMIT = 10
ENFORCEMENT_CATEGORIES = ("law-enforcement", "detention")
# A record only for a child (a bundled record with ``for_minors``: NCMEC, OTIP's line for minors) is shown when
# the lookup asks for one of these (``-c youth``, ``-c child-protection``, ``-c children``).
MINOR_CATEGORIES = ("youth", "child-protection")
CONSULAR_REACH_KM = 1200.0  # -c consular with nothing in the radius: the nearest consulates up to this far
START_KM = 8.0


@dataclass
class Filters:
    categories: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    staff_only: bool = False
    include_inactive: bool = False

    @classmethod
    def parse(cls, categories=(), languages=(), staff_only=False) -> Filters:
        cats = [cid for c in categories or () for cid in expand_category(c)]
        return cls(list(dict.fromkeys(cats)),
                   [normalize_language(lang) for lang in languages or ()], staff_only)

    def asks_enforcement(self) -> bool:
        """True when the user asked for law-enforcement or detention records by category."""
        return bool(set(self.categories) & set(ENFORCEMENT_CATEGORIES))

    def asks_for_minors(self) -> bool:
        """True when the lookup is about a child (a youth or child-protection category was asked for)."""
        return bool(set(self.categories) & set(MINOR_CATEGORIES))

    def hidden_sql(self) -> tuple[str, list]:
        """One SELECT of the ids of the services this lookup must not offer unasked, and its parameters
        ("" when there are none)."""
        subs, params = [], []
        if not self.asks_enforcement():
            # law-enforcement and detention records are never offered unasked (issue 10): a bundled record
            # flagged law_enforcement (only the loader sets the flag), or any record whose only categories are
            # enforcement ones
            marks = ",".join("?" * len(ENFORCEMENT_CATEGORIES))
            subs.append("SELECT id FROM services WHERE source = 'advocate-bundled' AND law_enforcement = 1 UNION "
                        f"SELECT e.service_id FROM service_categories e WHERE e.category IN ({marks}) AND NOT EXISTS "
                        f"(SELECT 1 FROM service_categories e2 WHERE e2.service_id = e.service_id "
                        f"AND e2.category NOT IN ({marks}))")
            params += [*ENFORCEMENT_CATEGORIES, *ENFORCEMENT_CATEGORIES]
        if not self.asks_for_minors():
            # only-for-a-child records (issue 10: NCMEC was in every lookup) need a child in the question
            subs.append("SELECT id FROM services WHERE for_minors = 1")
        if not self.categories:
            # records shown only when asked (issue 10: the U.S. Embassy's visa section, an immigration authority,
            # was in every lookup for a place in Mexico): a lookup with categories already keeps only the
            # records that carry one of them
            subs.append("SELECT id FROM services WHERE only_when_asked = 1")
        return " UNION ".join(subs), params

    def expanded_languages(self) -> set[str]:
        out: set[str] = set()
        for code in self.languages:
            out |= language_family(code)
        return out

    def sql(self, alias: str = "s", *, id_expr: str | None = None, active_expr: str | None = None,
            hidden: bool = True) -> tuple[str, list]:
        """A WHERE clause over services aliased ``alias`` (or, with ``id_expr``/``active_expr``, over
        the spatial index's own service_id and active columns). ``hidden=False`` leaves out the services this
        lookup must not offer unasked (:meth:`hidden_sql`): only for a caller that drops them itself."""
        where, params = [], []
        id_expr = id_expr or f"{alias}.id"
        if not self.include_inactive:
            where.append(active_expr or f"{alias}.status = 'active'")
        if self.categories:
            where.append(f"EXISTS (SELECT 1 FROM service_categories c WHERE c.service_id = {id_expr} "
                         f"AND c.category IN ({','.join('?' * len(self.categories))}))")
            params += self.categories
        if hidden:
            sub, sub_params = self.hidden_sql()
            if sub:
                # (one uncorrelated subquery: SQLite builds the small set once per statement, not per row)
                where.append(f"{id_expr} NOT IN ({sub})")
                params += sub_params
        if self.languages:
            langs = sorted(self.expanded_languages())
            mode = " AND g.mode = 'staff'" if self.staff_only else ""
            any_interp = "" if self.staff_only else " OR (g.mode = 'interpretation' AND g.language = 'mul')"
            where.append(f"EXISTS (SELECT 1 FROM service_languages g WHERE g.service_id = {id_expr} AND "
                         f"((g.language IN ({','.join('?' * len(langs))}){mode}){any_interp}))")
            params += langs
        return (" AND ".join(where) or "1"), params


def store_state(store: Store) -> tuple | None:
    """What an answer kept between lookups depends on: ``PRAGMA data_version`` moves when another connection
    commits, ``total_changes`` when this one writes rows, ``schema_version`` when it changes a table. None when
    nothing may be kept: the connection cannot tell, or it is inside a transaction that may have written (a
    rollback would undo rows without moving ``total_changes`` back); a snapshot of :meth:`Store.read` that has
    written nothing is fine."""
    conn = store.conn
    changes = getattr(conn, "total_changes", None)
    if changes is None or (getattr(conn, "in_transaction", True) and getattr(store, "reading", None) != changes):
        return None
    # (schema_version: a table changed by DDL on this connection moves neither of the others)
    # (the connection itself, compared by identity: a new one at the same address could share every figure)
    return (conn, *conn.execute("SELECT * FROM pragma_data_version, pragma_schema_version").fetchone(), changes)


KEPT_VARIANTS = 64  # answers kept for one store state (filters, countries...), at most


def kept_answer(store: Store, attr: str, variant: Hashable, make: Callable[[], T]) -> T:
    """``make()``'s answer for ``variant``, kept on the store (attribute ``attr``) while its state
    (:func:`store_state`) is the one it was made in; made afresh, and not kept, when that cannot be told."""
    state = store_state(store)
    if state is None:
        return make()
    kept = getattr(store, attr, None)
    answers = kept[1] if kept is not None and kept[0] == state and len(kept[1]) < KEPT_VARIANTS else {}
    if variant not in answers:
        answers[variant] = make()
        try:
            setattr(store, attr, (state, answers))
        except AttributeError:  # a store object that takes no attributes: nothing kept
            pass
    return answers[variant]


def hidden_ids(store: Store, filters: Filters) -> frozenset[str]:
    """The ids of the services ``filters`` must not offer unasked (:meth:`Filters.hidden_sql`), read once per
    store state (:func:`kept_answer`): SQLite would otherwise build these sets again for every query."""
    sub, params = filters.hidden_sql()
    if not sub:
        return frozenset()
    return kept_answer(store, "_hidden_ids", (sub, tuple(params)),
                       lambda: frozenset(sid for (sid,) in store.conn.execute(sub, params)))


def nearest_ids(conn, lat: float, lon: float, within_km: float, limit: int, filters: Filters,
                hidden: frozenset[str] | None = None):
    """[(distance_km, service_id, location_id)] nearest first, one per service, at most ``limit``.

    ``hidden``: the ids :func:`hidden_ids` gives for ``filters``, dropped here instead of in SQL (None: SQL
    leaves them out, building their sets for each query)."""
    where, params = filters.sql(id_expr="r.service_id", active_expr="r.active = 1", hidden=hidden is None)
    skip = hidden or frozenset()
    sql = f"""SELECT r.service_id, r.location_id, r.min_lat, r.min_lon FROM sal_rtree r
              WHERE r.min_lat >= ? AND r.max_lat <= ? AND r.min_lon >= ? AND r.max_lon <= ? AND {where}"""
    radius = min(START_KM, within_km)
    # haversine inlined (this loop is the hot path of every lookup); same formula as geo.distance
    phi0, lam0 = math.radians(lat), math.radians(lon)
    cos0, rad, sin, cos, asin, sqrt, diameter = math.cos(phi0), math.radians, math.sin, math.cos, math.asin, math.sqrt, \
        2 * EARTH_KM
    while True:
        box = bounding_box(lat, lon, radius)
        best: dict[str, tuple[float, str]] = {}
        for sid, lid, plat, plon in conn.execute(sql, [*box, *params]):
            phi = rad(plat)
            a = sin((phi - phi0) / 2) ** 2 + cos0 * cos(phi) * sin((rad(plon) - lam0) / 2) ** 2
            d = diameter * asin(sqrt(a) if a < 1.0 else 1.0)
            if d <= radius and (sid not in best or d < best[sid][0]) and sid not in skip:
                best[sid] = (d, lid)
        if len(best) >= limit or radius >= within_km:
            break
        # widen by what the density seen so far suggests (area grows with r^2), between 1.5x and 4x
        growth = math.sqrt(limit / max(len(best), 0.25)) * 1.25
        radius = min(radius * min(4.0, max(1.5, growth)), within_km)
    ranked = sorted((d, sid, lid) for sid, (d, lid) in best.items())  # ties by id: the same choice as batch's grid
    return ranked[:limit]


def services_near(store: Store, place: Place, *, within_km: float = DEFAULT_WITHIN_KM, limit: int = DEFAULT_LIMIT,
                  filters: Filters | None = None, national: bool = True, stale_months: int = STALE_AFTER_MONTHS,
                  national_from: str | None = None) -> list[ServiceRow]:
    """Local services by distance (ties by name), then the national lines that work from the place's
    country (``national_from``: "US", "MX" or "all" to show another set), survivor-first.

    Law-enforcement records appear only when the filters ask for ``law-enforcement``."""
    filters = filters or Filters()
    # one snapshot for the whole lookup: the hidden sets, the nearest ids and their rows agree with one another
    # whatever another process commits meanwhile (a service made law-enforcement-only between two of these
    # queries could otherwise be shown)
    with store.read():
        return _services_near(store, place, within_km, limit, filters, national, stale_months, national_from)


def _services_near(store: Store, place: Place, within_km: float, limit: int, filters: Filters, national: bool,
                   stale_months: int, national_from: str | None) -> list[ServiceRow]:
    hidden = hidden_ids(store, filters)
    near = _nearest_by_nearness(store, place, within_km, limit, filters, hidden)
    if not near and filters.categories == ["consular"] and within_km < CONSULAR_REACH_KM:
        # consulates are few and far apart: name the nearest ones beyond the radius rather than none
        near = nearest_ids(store.conn, place.latitude, place.longitude, CONSULAR_REACH_KM, min(limit, 3), filters,
                           hidden)
        beyond = {sid for _, sid, _ in near}
    else:
        beyond = set()
    rows = fetch_services(store, [sid for _, sid, _ in near], stale_months=stale_months,
                          location_ids={sid: lid for _, sid, lid in near})
    for row in rows:
        if row["id"] in beyond:
            row["beyond_radius"] = True
        lat, lon = row["latitude"], row["longitude"]
        if lat is not None and lon is not None:
            # Karney's geodesic figures, rounded; found by a faster formula where that cannot change them
            row["distance_km"], row["distance_mi"] = geodesic_km_mi(place.latitude, place.longitude, lat, lon)
    rows.sort(key=nearness)
    del rows[limit:]
    if national:
        from advocate.directory.national import national_services

        rows += national_services(store, filters, place_country=getattr(place, "country", "") or "",
                                  dial_from=national_from, stale_months=stale_months)
    return rows


# How far off a point that stands for a ZIP or town centre may be, for ordering only: such a row is ranked as
# if it were this much farther away, so a door truly nearby comes first, and always after an exact one at the
# same distance (placeholders at the city centre, "0.0 mi", used to fill the first rows for "Miami, FL"). One
# figure for both: a P.O. box or single-building ZIP is often placed at its town's centre.
APPROXIMATE_SLACK_KM = 5.0


def precision(row: Mapping[str, Any]) -> str | None:
    """How exact a row's point is: ``exact`` (the directory's own coordinates, or a geocoded address),
    ``approximate`` (the centre of its ZIP or town, found offline), or None when it has no point."""
    if row.get("latitude") is None:
        return None
    return "approximate" if row.get("approximate") else "exact"


def nearness(row: Mapping[str, Any]) -> tuple:
    """Sort key for rows with ``distance_km``: nearest first; an approximate point counts as farther by how far
    off it may be (:data:`APPROXIMATE_SLACK_KM`) and after an exact one at the same distance; then by name.
    Rows with no point come last."""
    km = row.get("distance_km")
    if km is None:
        return (1, 0.0, 1, row["name"].casefold())
    rough = precision(row) == "approximate"
    return (0, km + (APPROXIMATE_SLACK_KM if rough else 0.0), rough, row["name"].casefold())


def _nearest_by_nearness(store: Store, place: Place, within_km: float, limit: int, filters: Filters,
                         hidden: frozenset[str] | None = None) -> list:
    """The ``limit`` nearest (distance, service, location) by :func:`nearness`: approximate points rank
    farther than they measure, so candidates are read by plain distance until none further could still
    make the cut (at most APPROXIMATE_SLACK_KM beyond the last one kept)."""
    want = limit
    while True:
        near = nearest_ids(store.conn, place.latitude, place.longitude, within_km, want, filters, hidden)
        if len(near) < want:
            return near
        approx = {lid for (lid,) in store.conn.execute(
            f"SELECT id FROM locations WHERE approximate != 0 AND id IN ({','.join('?' * len(near))})",
            [lid for _d, _s, lid in near])}
        keys = sorted(d + (APPROXIMATE_SLACK_KM if lid in approx else 0.0) for d, _s, lid in near)
        if keys[limit - 1] <= near[-1][0] or want >= 50_000:
            return near
        want *= 2
ROW_FIELDS = (
    "id", "name", "name_es", "organization", "categories", "languages", "interpretation", "distance_km",
    "distance_mi", "address", "city", "region", "postal_code", "country", "phone", "text_line", "lines", "url",
    "hours", "latitude", "longitude", "approximate", "precision", "scope", "status", "source", "citation", "citation_url",
    "source_date", "last_verified", "stale", "confidence", "caution", "caution_es", "law_enforcement", "priority",
)


# One number or channel of a service (``lines``), as the bundled directory sourced it; keys with no value are left
# out. ``kind`` is phone, text, whatsapp, tty or chat; ``from`` the countries it works when dialled from (a
# keyword, hence the functional form).
ServiceLine = TypedDict("ServiceLine", {
    "kind": str, "number": str, "from": list[str], "label": str, "label_es": str, "source": str, "source_url": str,
    "source_date": str, "confidence": str}, total=False)


class ServiceLocation(TypedDict):
    """One of a service's places (``locations`` of :func:`get_service`)."""

    name: str | None
    address: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    latitude: float | None
    longitude: float | None


class CategoryEvidence(TypedDict):
    """Why a service carries a category: the directory's own code, a guess from a phrase (``guessed``), or the
    enforcement rule."""

    category: str
    basis: str
    guessed: bool
    reason: str | None


class ServiceRow(TypedDict):
    """A service as every lookup returns it (:func:`fetch_services`, :func:`services_near`,
    :func:`search_services`, :func:`get_service`, national rows): the keys of :data:`ROW_FIELDS` in that order,
    then ``description`` and ``description_es``; the others only where that lookup adds them."""

    id: str
    name: str
    name_es: str | None
    organization: str | None
    categories: list[str]
    languages: list[str]  # ISO 639-3 codes spoken by staff
    interpretation: list[str]  # codes offered through an interpreter
    distance_km: float | None  # from the place looked up; None with no point or no place
    distance_mi: float | None
    address: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    phone: str | None
    text_line: str | None
    lines: list[ServiceLine]
    url: str | None
    hours: str | None
    latitude: float | None
    longitude: float | None
    approximate: bool | None  # the point is a ZIP or town centre; None with no point
    precision: str | None  # exact, approximate, or None (see :func:`precision`)
    scope: str  # local or national
    status: str  # active or inactive
    source: str
    citation: str | None
    citation_url: str | None
    source_date: str | None
    last_verified: str | None
    stale: bool
    confidence: str | None  # high, medium or low
    caution: str | None
    caution_es: str | None
    law_enforcement: bool
    priority: int | None
    description: str | None
    description_es: str | None
    beyond_radius: NotRequired[bool]  # services_near: a consulate found past the radius asked for
    dialled_from: NotRequired[str]  # national rows: the country their lines were chosen for
    matched: NotRequired[list[str]]  # search_services: the terms that matched
    locations: NotRequired[list[ServiceLocation]]  # get_service: every place of the service
    category_evidence: NotRequired[list[CategoryEvidence]]  # get_service: why each category was given


def fetch_services(store: Store, ids: list[str], *, stale_months: int = STALE_AFTER_MONTHS,
                   location_ids: dict[str, str] | None = None) -> list[ServiceRow]:
    """Full rows for service ids, in the order given (one location each: the one asked for or the first)."""
    if not ids:
        return []
    conn = store.conn
    marks = ",".join("?" * len(ids))
    cats: dict[str, list[str]] = {}
    for sid, cat in conn.execute(
            f"SELECT service_id, category FROM service_categories WHERE service_id IN ({marks}) ORDER BY category", ids):
        cats.setdefault(sid, []).append(cat)
    staff: dict[str, list[str]] = {}
    interp: dict[str, list[str]] = {}
    for sid, lang, mode in conn.execute(
            f"SELECT service_id, language, mode FROM service_languages WHERE service_id IN ({marks})"
            " ORDER BY language", ids):
        (staff if mode == "staff" else interp).setdefault(sid, []).append(lang)
    locs: dict[str, dict] = {}
    loc_cols = ("address", "city", "region", "postal_code", "country", "latitude", "longitude", "approximate")
    for sid, lid, *vals in conn.execute(
            f"""SELECT sal.service_id, l.id, {', '.join('l.' + c for c in loc_cols)}
                FROM service_at_location sal JOIN locations l ON l.id = sal.location_id
                WHERE sal.service_id IN ({marks}) ORDER BY sal.id""", ids):
        wanted = (location_ids or {}).get(sid)
        if sid not in locs or lid == wanted:
            locs[sid] = dict(zip(loc_cols, vals, strict=False))
    svc_cols = ("id", "name", "phone", "text_line", "url", "hours", "scope", "status", "country", "source",
                "last_verified", "confidence", "caution", "description", "name_es", "description_es", "caution_es",
                "citation", "citation_url", "source_date", "law_enforcement", "priority")
    lines: dict[str, list[dict]] = {}
    line_keys = ("kind", "number", "from", "label", "label_es", "source", "source_url", "source_date", "confidence")
    for sid, *vals in conn.execute(
            f"""SELECT service_id, kind, number, dial_from, label, label_es, citation, citation_url, source_date,
                       confidence FROM service_lines WHERE service_id IN ({marks}) ORDER BY service_id, position""",
            ids):
        vals[2] = [c for c in (vals[2] or "").split(",") if c]
        lines.setdefault(sid, []).append({k: v for k, v in zip(line_keys, vals, strict=True) if v is not None and v != ""})
    found = {}
    for vals in conn.execute(
            f"""SELECT {', '.join('s.' + c for c in svc_cols)}, o.name FROM services s
                LEFT JOIN organizations o ON o.id = s.organization_id WHERE s.id IN ({marks})""", ids):
        found[vals[0]] = vals
    today = date.today()
    stale: dict = {}
    out: list[ServiceRow] = []
    for sid in ids:
        vals = found.get(sid)
        if not vals:
            continue
        svc = dict(zip(svc_cols, vals, strict=False))
        svc["organization"] = vals[-1]
        loc = locs.get(sid)
        # the row's keys in ROW_FIELDS order, then description and description_es (as the renderers expect)
        row: dict[str, Any] = dict.fromkeys(ROW_FIELDS)
        row.update(svc)
        del row["description"], row["description_es"]
        row["categories"] = cats.get(sid, [])
        row["languages"] = staff.get(sid, [])
        row["interpretation"] = interp.get(sid, [])
        if loc:
            for k, v in loc.items():
                if v is not None and (k != "country" or not row["country"]):
                    row[k] = v
            row["approximate"] = bool(loc["approximate"])
        else:
            row["approximate"] = None
        row["precision"] = precision(row)
        verified = svc["last_verified"]
        is_old = stale.get(verified)
        if is_old is None:
            is_old = stale[verified] = is_stale(verified, today, stale_months)
        row["stale"] = is_old
        row["description"] = svc["description"]
        row["description_es"] = svc["description_es"]
        row["law_enforcement"] = bool(svc["law_enforcement"])
        row["lines"] = lines.get(sid, [])
        out.append(cast(ServiceRow, row))
    return out


def is_stale(last_verified: str | None, today: date, months: int) -> bool:
    if not last_verified:
        return True
    try:
        d = date.fromisoformat(str(last_verified)[:10])
    except ValueError:
        return True
    if months >= 12 * 1000:  # "never stale"
        return False
    y, m = divmod(today.year * 12 + today.month - 1 - months, 12)
    m += 1
    try:
        cutoff = today.replace(year=y, month=m)
    except ValueError:  # 31st in a shorter month
        cutoff = today.replace(year=y, month=m, day=28)
    return d < cutoff


ELLIPSIS = "…"
BUNDLED_PREFIX = "advocate-bundled:"


def _by_prefix(store: Store, prefix: str) -> list[str]:
    """Ids that start with ``prefix`` (or whose bundled short form does), at most two."""
    return [r[0] for r in store.conn.execute(
        "SELECT id FROM services WHERE substr(id, 1, length(?1)) = ?1 OR substr(id, 1, length(?2)) = ?2 LIMIT 2",
        (prefix, BUNDLED_PREFIX + prefix))]


def shortened_id(store: Store, shown: str, width: int) -> str:
    """``shown`` (an id as a table shows it) shortened for a narrow table to a form :func:`get_service` still
    accepts: the shortest prefix, of at least ``width`` - 1 characters, that names one service, and "…"
    ("consulate-new-b…"); ``shown`` itself when no shorter form is unique."""
    for end in range(max(width - 1, 2), len(shown) - 1):
        if len(_by_prefix(store, shown[:end])) == 1:
            return shown[:end] + ELLIPSIS
    return shown


def get_service(store: Store, service_id: str, *, stale_months: int = STALE_AFTER_MONTHS) -> ServiceRow:
    service_id = (service_id or "").strip()
    if (service_id.endswith((ELLIPSIS, "...")) and len(service_id.rstrip(".…")) >= 2
            and not store.conn.execute("SELECT 1 FROM services WHERE id = ?", (service_id,)).fetchone()):
        # an id shortened to fit a table ("consulate-new-b…"): the one service it starts
        found = _by_prefix(store, service_id.rstrip(".…"))
        if len(found) == 1:
            service_id = found[0]
        elif found:
            raise InputError(_('"{service_id}" is the start of more than one service id; give the whole id').format(
                service_id=service_id), field="service")
    ids = [service_id]
    if not store.conn.execute("SELECT 1 FROM services WHERE id = ?", ids).fetchone():
        # accept the bundled short form ("us-988") and unique prefixes
        # exact matching only: "%" and "_" in what was typed are characters, not wildcards
        rows = store.conn.execute("SELECT id FROM services WHERE substr(id, -length(?) - 1) = ':' || ? OR source_id = ?"
                                  " LIMIT 2", (service_id, service_id, service_id)).fetchall()
        if len(rows) != 1:
            raise NotFound(_('no service with id "{service_id}"; ids are shown by `advocate services near`').format(service_id=service_id))
        ids = [rows[0][0]]
    row = fetch_services(store, ids, stale_months=stale_months)[0]
    locs = store.conn.execute(
        """SELECT l.name, l.address, l.city, l.region, l.postal_code, l.country, l.latitude, l.longitude
           FROM service_at_location sal JOIN locations l ON l.id = sal.location_id WHERE sal.service_id = ?""",
        ids).fetchall()
    row["locations"] = cast(list[ServiceLocation], [dict(zip(
        ("name", "address", "city", "region", "postal_code", "country", "latitude", "longitude"), r, strict=False))
        for r in locs])
    # why each category was given: the directory's code, a guess from a phrase, or the enforcement rule
    row["category_evidence"] = [
        {"category": c, "basis": b, "guessed": b == "keyword", "reason": r}
        for c, b, r in store.conn.execute(
            "SELECT category, basis, reason FROM category_evidence WHERE service_id = ? ORDER BY category", ids)]
    return row


def getting_there(store: Store, service_id: str) -> dict:
    """What a person needs to get to a service, as the directory wrote it: ``application_process`` (appointment,
    walk-in, referral), ``required_documents``, ``eligibility``, ``fees`` and ``locations``, each with
    its ``transportation`` directions and whether its point is ``approximate``. ``service_id`` is a full id (from :func:`get_service`)."""
    row = store.conn.execute("SELECT application_process, required_documents, eligibility, fees FROM services"
                             " WHERE id = ?", (service_id,)).fetchone()
    out = dict(zip(("application_process", "required_documents", "eligibility", "fees"), row or (None,) * 4,
                   strict=True))
    cols = ("name", "address", "city", "region", "postal_code", "country", "latitude", "longitude", "approximate",
            "transportation")
    out["locations"] = [dict(zip(cols, r, strict=True)) for r in store.conn.execute(
        f"""SELECT {', '.join('l.' + c for c in cols)} FROM service_at_location sal JOIN locations l
            ON l.id = sal.location_id WHERE sal.service_id = ? ORDER BY sal.id""", (service_id,))]
    return out


# --- what a front end shows beside a row ---------------------------------------------------------

@dataclass(frozen=True)
class Caution:
    """A reason to check a row before sending someone: ``kind`` is verify, stale, approx or inactive;
    ``detail`` the confidence (verify) or the last verification date (stale)."""

    kind: str
    detail: str | None = None

    def text(self) -> str:
        """Short words for a table cell, in the interface language."""

        if self.kind == "verify":
            return _("verify ({confidence})").format(confidence=_(self.detail or "low"))
        if self.kind == "stale":
            return _("stale ({date})").format(date=self.detail or _("never verified"))
        if self.kind == "approx":
            return _("approx. place (ZIP or town centre)")
        return _("inactive")


# confidence words shown inside "verify (medium)"
CONFIDENCE_WORDS = (N_("high"), N_("medium"), N_("low"))


def cautions(row: Mapping[str, Any]) -> list[Caution]:
    """Why a service row needs checking, in the order a table shows them."""
    out = []
    if row.get("confidence") in ("medium", "low"):
        out.append(Caution("verify", row["confidence"]))
    if row.get("stale"):
        out.append(Caution("stale", row.get("last_verified")))
    if row.get("approximate") and row.get("scope", "local") == "local":
        out.append(Caution("approx"))
    if row.get("status") == "inactive":
        out.append(Caution("inactive"))
    return out


def order_by_distance(rows: list[ServiceRow], place: Place, limit: int | None = None) -> list[ServiceRow]:
    """Rows (from :func:`fetch_services`) with ``distance_km``/``distance_mi`` from ``place``, nearest
    first, rows with no point last, ties by name; at most ``limit``. Used by text search "near" a place."""
    from advocate.geo.distance import haversine_km

    for r in rows:
        lat, lon = r.get("latitude"), r.get("longitude")
        if lat is not None and lon is not None:
            km = haversine_km(place.latitude, place.longitude, lat, lon)
            r["distance_km"], r["distance_mi"] = round(km, 2), round(km / KM_PER_MILE, 2)
    rows.sort(key=nearness)
    return rows[:limit] if limit is not None else rows


NEAR_POOL = 2000  # text matches ordered by distance when the search is "near" a place


def search_services(store: Store, text: str, *, near: Place | None = None, filters: Filters | None = None,
                    limit: int = 20, stale_months: int = STALE_AFTER_MONTHS) -> list[ServiceRow]:
    """Full-text search of the directory (English or Spanish words, any accents): rows as
    :func:`fetch_services` gives them, each with ``matched`` (the terms that matched it), best match
    first; with ``near``, the best :data:`NEAR_POOL` matches ordered by distance from that place
    (:func:`order_by_distance`), at most ``limit``."""
    from advocate.directory.fts import search as fts_search

    filters = filters or Filters()
    where, params = filters.sql()
    with store.read():  # one snapshot: a service made hidden between the search and the fetch is not shown
        hits = fts_search(store, text, limit=limit if near is None else NEAR_POOL, where_sql=where, params=params)
        rows = fetch_services(store, [h.service_id for h in hits], stale_months=stale_months)
    matched = {h.service_id: h.matched for h in hits}
    for r in rows:
        r["matched"] = matched.get(r["id"], [])
    return rows if near is None else order_by_distance(rows, near, limit)
