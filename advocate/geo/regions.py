"""US states and Mexican states: names, abbreviations and spellings -> (country, code)."""

from __future__ import annotations

import functools

from advocate.data import read_csv
from advocate.textnorm import fold

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}
# Traditional abbreviations still seen on forms ("Calif.", "Tex.", "Wash. D.C.")
_US_EXTRA = {
    "Calif": "CA", "Cal": "CA", "Tex": "TX", "Fla": "FL", "Ariz": "AZ", "Colo": "CO", "Conn": "CT",
    "Ill": "IL", "Ind": "IN", "Kans": "KS", "Kan": "KS", "Mass": "MA", "Mich": "MI", "Minn": "MN",
    "Miss": "MS", "Nebr": "NE", "Neb": "NE", "Nev": "NV", "N Mex": "NM", "Okla": "OK", "Ore": "OR",
    "Oreg": "OR", "Penn": "PA", "Penna": "PA", "Tenn": "TN", "Wash": "WA", "Wis": "WI", "Wisc": "WI",
    "Wyo": "WY", "Ala": "AL", "Ark": "AR", "Ga": "GA", "Ky": "KY", "La": "LA", "Md": "MD",
    "Mo": "MO", "Mont": "MT", "Va": "VA", "Vt": "VT", "W Va": "WV", "Washington DC": "DC",
    "Washington D C": "DC", "D C": "DC", "Texas": "TX", "Nueva York": "NY", "Nuevo Mexico": "NM",
    "Carolina del Norte": "NC", "Carolina del Sur": "SC", "Florida": "FL", "Luisiana": "LA",
    "Pensilvania": "PA", "Misuri": "MO", "Arizona": "AZ", "Nevada": "NV",
}


@functools.cache
def mx_states() -> dict[str, dict]:
    return {row["admin1"]: row for row in read_csv("mx_states.csv")}


@functools.cache
def _aliases() -> dict[str, tuple[tuple[str, str], ...]]:
    table: dict[str, list[tuple[str, str]]] = {}

    def add(alias: str, key: tuple[str, str]):
        k = fold(alias)
        if k and key not in table.setdefault(k, []):
            table[k].append(key)

    for code, name in US_STATES.items():
        add(code, ("US", code))
        add(name, ("US", code))
    for alias, code in _US_EXTRA.items():
        add(alias, ("US", code))
    for code, row in mx_states().items():
        add(row["name"], ("MX", code))
        add(row["iso"], ("MX", code))
        add("MX-" + row["iso"], ("MX", code))
        for alias in row["aliases"].split("|"):
            add(alias, ("MX", code))
    return {k: tuple(v) for k, v in table.items()}


def lookup_region(text: str) -> tuple[tuple[str, str], ...]:
    """All (country, admin1) pairs a region string may mean: "Mich." -> Michigan and Michoacán."""
    key = fold(text)
    for suffix in (" usa", " us", " mexico", " mex"):  # "Texas USA", "Oaxaca, México" typed as one
        if key.endswith(suffix) and key[: -len(suffix)] in _aliases():
            return _aliases()[key[: -len(suffix)]]
    return _aliases().get(key, ())


def region_label(country: str, admin1: str) -> str:
    """The short form shown back to users: "NY", "Oax."-style names are spelled out for Mexico."""
    if country == "MX":
        row = mx_states().get(admin1)
        return row["name"] if row else admin1
    return admin1


def all_region_names() -> list[str]:
    names = list(US_STATES) + list(US_STATES.values())
    names += [r["name"] for r in mx_states().values()]
    return names
