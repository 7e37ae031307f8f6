"""Turn a location string into a point, offline first.

Order: coordinates as given; a US ZIP from the gazetteer; "City, Region" or a bare place name
from the gazetteer (accent- and case-insensitive, most populous match when ambiguous); a street
address only through the online geocoder, and only when the user enabled it.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from advocate.errors import InputError, NotFound
from advocate.geo import gazetteer
from advocate.geo.parse import CityRegion, Coordinates, StreetAddress, Zip, parse_location
from advocate.geo.regions import lookup_region, region_label
from advocate.i18n import _
from advocate.textnorm import fold_place

if TYPE_CHECKING:
    from advocate.store import Store


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
    population: int | None = None  # the gazetteer's figure for a city (0 = unknown)
    town_centre: bool = False  # a ZIP with no point of its own, placed at its town's centre: distances are rough

    def as_dict(self) -> dict:
        return asdict(self)


def resolve_place(text: str, *, online: bool = False, store: Store | None = None, geocoder=None, progress=None,
                  point_only: bool = False) -> Place:
    """Resolve ``text``; raise InputError (malformed) or NotFound (well-formed but unknown). With ``point_only``
    (a caller that reads the point alone, such as the import), a ZIP's place is not checked for being only its
    town's centre (a query on the gazetteer's towns), so its ``town_centre`` and ``note`` are left unset."""
    parsed = parse_location(text)
    query = text.strip()
    if isinstance(parsed, Coordinates):
        return Place(query, parsed.latitude, parsed.longitude, f"{parsed.latitude:.5f},{parsed.longitude:.5f}",
                     "coordinates", "input", approximate=False)
    gazetteer.connection(progress)
    if isinstance(parsed, Zip):
        z = gazetteer.zip_point(parsed.zip5)
        if not z:
            raise NotFound(_('no US ZIP code "{zip5}" in the offline ZIP list; try a nearby ZIP or "City, ST"').format(zip5=parsed.zip5))
        centre = False if point_only else gazetteer.zip_at_town_centre(z)
        note = _("{zip5} has no point of its own in the offline ZIP list, only the centre of {city}, {state}: "
                 "distances from it are rough").format(zip5=z["zip"], city=z["city"], state=z["state"]) if centre else ""
        return Place(query, z["latitude"], z["longitude"], f'{z["city"]}, {z["state"]} {z["zip"]}', "zip",
                     "zipcodes", country="US", region=z["state"], note=note, town_centre=centre)
    if isinstance(parsed, StreetAddress):
        return _online(query, online=online, store=store, geocoder=geocoder, street=True)
    return _city(query, parsed, online=online, store=store, geocoder=geocoder)


def _city(query: str, parsed: CityRegion, *, online, store: Store | None, geocoder) -> Place:
    regions = lookup_region(parsed.region) if parsed.region else ()
    norm = fold_place(parsed.city)
    found = gazetteer.places_named(norm) if (regions or not parsed.region) else []
    if regions:
        wanted = set(regions)
        found = [p for p in found if (p["country"], p["admin1"]) in wanted]
    if not found and not parsed.region:
        # "Miami FL", "El Paso TX", "Tijuana Baja California": the state after the name, without a comma
        split = _split_trailing_region(parsed.city)
        if split is not None:
            return _city(query, split, online=online, store=store, geocoder=geocoder)
    if not found:
        if online:
            return _online(query, online=online, store=store, geocoder=geocoder)
        raise NotFound(_not_found_message(query, parsed, regions), suggestions=_suggest(parsed, regions))
    found = rank_places(found, norm)
    # places that match only through an unrelated other name are no real alternative ("Ciudad Juarez"
    # is not Villa Juárez, Durango, though GeoNames lists that name for it)
    found = [p for p in found if p["is_primary"] or _names_it(p["name"], norm)] or found
    best = found[0]
    label = _place_label(best)
    candidates = [
        {"name": p["name"], "region": region_label(p["country"], p["admin1"]), "country": p["country"],
         "latitude": p["latitude"], "longitude": p["longitude"], "population": p["population"]}
        for p in found[:10]
    ]
    note = ""
    distinct = {(p["country"], p["admin1"]) for p in found}
    if len(distinct) > 1:
        others = "; ".join(_place_label(p) + _people(p) for p in found[1:4])
        more = len(found) - 4
        note = _('"{query}" matches {n} places; using {label}{people}, the most populous '
                 "(add the state to choose another). Others: {others}{more}").format(
            query=query, n=len(found), label=label, people=_people(best), others=others,
            more=_(" and {n} more").format(n=more) if more > 0 else "")
    return Place(query, best["latitude"], best["longitude"], label, "city", best["source"],
                 country=best["country"], region=region_label(best["country"], best["admin1"]),
                 note=note, candidates=candidates, population=best["population"] or 0)


def _place_label(p: dict) -> str:
    label = f'{p["name"]}, {region_label(p["country"], p["admin1"])}'
    return label + ", México" if p["country"] == "MX" else label


def _people(p: dict) -> str:
    return _(" ({n:,} people)").format(n=p["population"]) if p.get("population") else ""


def _names_it(place_name: str, norm: str) -> bool:
    """True when the place's own name holds the words typed, in order ("Ciudad Juárez" for "juarez")."""
    return f" {norm} " in f" {fold_place(place_name)} "


def rank_places(found: list[dict], norm: str) -> list[dict]:
    """Places matching a typed name, the one meant first: the most populous among those whose own name
    contains the words typed (GeoNames lists "Juarez" as another name of Ciudad Juárez, 1.5 million
    people, and of a Chiapas village of 7,000 called just "Juárez"). Places that match only through an
    unrelated alternate name ("El Paso" for Colorado Springs, from its county) come last."""
    named = [p for p in found if p["is_primary"] or _names_it(p["name"], norm)]
    other = [p for p in found if p not in named]
    key = (lambda p: (-(p["population"] or 0), -p["is_primary"], p["name"], p["admin1"]))
    if not named:
        return sorted(other, key=key)
    return sorted(named, key=key) + sorted(other, key=key)


def _split_trailing_region(text: str) -> CityRegion | None:
    """ "Miami FL" -> CityRegion("Miami", "FL") when the last one to three words name a state and the rest a
    place in it; None otherwise."""
    words = text.split()
    for k in (1, 2, 3):
        if len(words) <= k:
            break
        head, tail = " ".join(words[:-k]), " ".join(words[-k:])
        regions = lookup_region(tail)
        if not regions:
            continue
        wanted = set(regions)
        if any((p["country"], p["admin1"]) in wanted for p in gazetteer.places_named(fold_place(head))):
            return CityRegion(head, tail)
    return None


def _not_found_message(query: str, parsed: CityRegion, regions) -> str:
    if parsed.region and not regions:
        return _('no place called "{query}": "{region}" is not a US or Mexican state; try a ZIP or "City, ST"').format(
            query=query, region=parsed.region)
    if parsed.region:
        return _('no place called "{query}" in the offline gazetteer; try a ZIP or "City, ST"').format(query=query)
    return _('no place called "{query}" in the offline gazetteer; try a ZIP or "City, ST" with its state, as '
             '"Springfield, IL" or "Tijuana, BC"').format(query=query)


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


def _online(query: str, *, online: bool, store: Store | None, geocoder, street: bool = False) -> Place:
    if not online:
        what = "a street address" if street else f'"{query}"'
        raise InputError(
            _('{what} can only be found with online geocoding, which is off; give a ZIP or "City, ST", or enable online geocoding (for this lookup, or online_geocoding = true in the config)').format(what=what),
            field="online"
        )
    from advocate.geo.online import geocode

    return geocode(query, store=store, geocoder=geocoder)
