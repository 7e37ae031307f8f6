"""Turn a location string into a point, offline first.

Order: coordinates as given; a US ZIP from the gazetteer; "City, Region" or a bare place name
from the gazetteer (accent- and case-insensitive, most populous match when ambiguous); a street
address only through the online geocoder, and only when the user enabled it.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field

from advocate.errors import InputError, NotFound
from advocate.geo import gazetteer
from advocate.geo.parse import CityRegion, Coordinates, StreetAddress, Zip, parse_location
from advocate.geo.regions import lookup_region, region_label
from advocate.textnorm import fold_place


@dataclass
class Place:
    query: str
    latitude: float
    longitude: float
    label: str
    kind: str  # zip | city | coordinates | address
    source: str  # input | zipcodes | geonames | geocoder name (+ " (cached)")
    country: str = ""
    region: str = ""
    approximate: bool = True  # a centroid, not a door
    note: str = ""  # e.g. the ambiguity that was resolved
    candidates: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def resolve_place(text: str, *, online: bool = False, store=None, geocoder=None, progress=None) -> Place:
    """Resolve ``text``; raise InputError (malformed) or NotFound (well-formed but unknown)."""
    parsed = parse_location(text)
    query = text.strip()
    if isinstance(parsed, Coordinates):
        return Place(query, parsed.latitude, parsed.longitude, f"{parsed.latitude:.5f},{parsed.longitude:.5f}",
                     "coordinates", "input", approximate=False)
    gazetteer.connection(progress)
    if isinstance(parsed, Zip):
        z = gazetteer.zip_point(parsed.zip5)
        if not z:
            raise NotFound(f'no US ZIP code "{parsed.zip5}" in the offline ZIP list; try a nearby ZIP or "City, ST"')
        return Place(query, z["latitude"], z["longitude"], f'{z["city"]}, {z["state"]} {z["zip"]}', "zip",
                     "zipcodes", country="US", region=z["state"])
    if isinstance(parsed, StreetAddress):
        return _online(query, online=online, store=store, geocoder=geocoder, street=True)
    return _city(query, parsed, online=online, store=store, geocoder=geocoder)


def _city(query: str, parsed: CityRegion, *, online, store, geocoder) -> Place:
    regions = lookup_region(parsed.region) if parsed.region else ()
    norm = fold_place(parsed.city)
    found = gazetteer.places_named(norm) if (regions or not parsed.region) else []
    if regions:
        wanted = set(regions)
        found = [p for p in found if (p["country"], p["admin1"]) in wanted]
    if not found:
        if online:
            return _online(query, online=online, store=store, geocoder=geocoder)
        raise NotFound(_not_found_message(query, parsed, regions), suggestions=_suggest(parsed, regions))
    # primary-name matches beat alternate names, then population
    found.sort(key=lambda p: (-p["is_primary"], -p["population"]))
    best = found[0]
    label = f'{best["name"]}, {region_label(best["country"], best["admin1"])}'
    if best["country"] == "MX":
        label += ", México"
    candidates = [
        {"name": p["name"], "region": region_label(p["country"], p["admin1"]), "country": p["country"],
         "latitude": p["latitude"], "longitude": p["longitude"], "population": p["population"]}
        for p in found[:10]
    ]
    note = ""
    distinct = {(p["country"], p["admin1"]) for p in found}
    if len(distinct) > 1:
        note = (f'"{query}" matches {len(found)} places; using {label}, the most populous '
                "(add the state to choose another)")
    return Place(query, best["latitude"], best["longitude"], label, "city", best["source"],
                 country=best["country"], region=region_label(best["country"], best["admin1"]),
                 note=note, candidates=candidates)


def _not_found_message(query: str, parsed: CityRegion, regions) -> str:
    if parsed.region and not regions:
        return (f'no place called "{query}": "{parsed.region}" is not a US or Mexican state; '
                'try a ZIP or "City, ST"')
    hint = "" if parsed.region else ' with its state, as "Springfield, IL" or "Tijuana, BC"'
    return f'no place called "{query}" in the offline gazetteer; try a ZIP or "City, ST"{hint}'


def _suggest(parsed: CityRegion, regions) -> list[str]:
    names: dict[str, tuple[str, str]] = {}
    for country, admin1 in regions or [(None, None)]:
        names.update(gazetteer.names_in_region(country, admin1))
    close = difflib.get_close_matches(parsed.city, list(names), n=3, cutoff=0.7)
    out = []
    for name in close:
        country, admin1 = names[name]
        out.append(f"{name}, {region_label(country, admin1)}")
    if parsed.region and not regions:
        from advocate.geo.regions import all_region_names

        out += [f"{parsed.city}, {r}" for r in difflib.get_close_matches(parsed.region, all_region_names(), n=2, cutoff=0.7)]
    return out


def _online(query: str, *, online: bool, store, geocoder, street: bool = False) -> Place:
    if not online:
        what = "a street address" if street else f'"{query}"'
        raise InputError(
            f"{what} can only be found with online geocoding, which is off; "
            'give a ZIP or "City, ST", or enable online geocoding (--online, or online_geocoding = true in the config)'
        )
    from advocate.geo.online import geocode

    return geocode(query, store=store, geocoder=geocoder)
