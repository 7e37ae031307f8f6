"""Dialling scope and survivor-first order of national rows."""

from __future__ import annotations

import pytest

from advocate.directory.national import dialling_country, national_services
from advocate.directory.search import Filters, services_near
from advocate.errors import InputError
from advocate.geo.resolve import resolve_place
from tests.helpers import offered, put_service


def _national(rows):
    return [r for r in rows if r["scope"] == "national"]


def test_us_place_trafficking_hotline_first_and_no_law_enforcement(store):
    rows = _national(services_near(store, resolve_place("10001")))
    assert rows[0]["id"].endswith(":us-trafficking-hotline")
    assert not any(r["law_enforcement"] or "law-enforcement" in r["categories"] for r in rows)
    # every line shown works from the U.S.
    assert all("US" in ln["from"] for r in rows for ln in r["lines"])
    # crisis before consular before the rest, among the place's own country's rows
    home = [r["priority"] for r in rows if r["country"] == "US"]
    assert home == sorted(home)
    _foreign_after_home_crisis_lines(rows, "US")


def _foreign_after_home_crisis_lines(rows, home):
    """Another country's record (Mexico's trafficking WhatsApp in a U.S. lookup) never comes before the
    place's own trafficking, crisis, DV and sexual-assault lines (bands up to 25)."""
    last_home_crisis = max(i for i, r in enumerate(rows) if r["country"] == home and r["priority"] <= 25)
    first_foreign = min((i for i, r in enumerate(rows) if r["country"] != home), default=len(rows))
    assert first_foreign > last_home_crisis, [(r["id"], r["priority"]) for r in rows]


def test_mexican_place_only_lines_that_work_from_mexico(store):
    rows = _national(services_near(store, resolve_place("Oaxaca de Juárez, Oax.")))
    assert rows[0]["country"] == "MX" and "trafficking" in rows[0]["categories"]
    ids = {r["id"].split(":")[-1] for r in rows}
    assert not ids & {"us-988", "us-crisis-text-line-es", "us-dv-hotline", "us-trafficking-hotline"}
    for r in rows:
        assert all("MX" in ln["from"] for ln in r["lines"]), r["id"]
    ciam = next(r for r in rows if r["id"].endswith(":bi-ciam"))
    assert ciam["phone"] == "001 520 623 7874"


def test_national_from_shows_another_set(store):
    f = Filters()
    from_mx = national_services(store, f, place_country="US", dial_from="MX")
    assert {r["id"].split(":")[-1] for r in from_mx} >= {"bi-ciam"}
    assert not any(r["id"].endswith(":us-988") for r in from_mx)
    everything = national_services(store, f, place_country="US", dial_from="all")
    assert len(everything) > len(from_mx)
    # with every country the place's own trafficking hotline still comes first, then its crisis, DV and SA
    # lines; Mexico's trafficking line follows them, before consular help
    assert everything[0]["id"].endswith(":us-trafficking-hotline")
    _foreign_after_home_crisis_lines(everything, "US")
    ids = [r["id"].split(":")[-1] for r in everything]
    assert ids.index("us-988") < ids.index("us-dv-hotline") < ids.index("mx-linea-nacional-trata") < ids.index("bi-ciam")


def test_mexican_place_with_every_country_keeps_mexicos_lines_first(store):
    rows = national_services(store, Filters(), place_country="MX", dial_from="all")
    ids = [r["id"].split(":")[-1] for r in rows]
    assert ids[0] == "mx-linea-nacional-trata"
    _foreign_after_home_crisis_lines(rows, "MX")
    assert ids.index("mx-linea-mujeres") < ids.index("us-trafficking-hotline") < ids.index("us-988")
    # the U.S. rows keep their own survivor-first order after Mexico's
    us = [r["priority"] for r in rows if r["country"] == "US"]
    assert us == sorted(us)


def test_rank_key_another_countrys_record_waits_for_the_homes_crisis_lines():
    from advocate.directory.national import rank_key

    mx_trafficking = {"priority": 10, "country": "MX", "name": "b"}
    us_crisis = {"priority": 20, "country": "US", "name": "z"}
    us_consular = {"priority": 30, "country": "US", "name": "a"}
    order = sorted([us_consular, mx_trafficking, us_crisis], key=lambda r: rank_key(r, "US"))
    assert order == [us_crisis, mx_trafficking, us_consular]
    # a place of neither country: the bands alone decide
    order = sorted([us_consular, us_crisis, mx_trafficking], key=lambda r: rank_key(r, ""))
    assert order == [mx_trafficking, us_crisis, us_consular]


def test_law_enforcement_only_when_asked(store):
    rows = national_services(store, Filters.parse(["law-enforcement"]), place_country="US")
    hsi = next(r for r in rows if r["id"].endswith(":us-ice-hsi-tipline"))
    assert hsi["law_enforcement"] and "ICE / Homeland Security Investigations" in hsi["caution"]
    assert not any(r["id"].endswith(":us-ice-hsi-tipline") for r in national_services(store, Filters(), place_country="US"))


def test_dialling_country():
    assert dialling_country("MX") == "MX" and dialling_country("US") == "US" and dialling_country("") == "all"
    assert dialling_country("US", "mx") == "MX" and dialling_country("MX", "ALL") == "all"
    with pytest.raises(InputError):
        dialling_country("US", "GT")


def test_enforcement_only_records_need_asking_for_everywhere(store):
    """A police department (only law-enforcement) is not in a default lookup, nor in batch or search;
    a record with a support category besides is."""
    from advocate.directory.batch import index_points

    put_service(store, "police", 40.75, -73.99, city="New York", cats=["law-enforcement"], staff=())
    put_service(store, "legal-aid", 40.75, -73.99, city="New York", cats=["legal-immigration", "law-enforcement"], staff=())
    ids = {r["id"] for r in services_near(store, resolve_place("10001"), national=False)}
    assert "police" not in ids and "legal-aid" in ids
    asked = Filters.parse(["law-enforcement"])
    assert "police" in {r["id"] for r in services_near(store, resolve_place("10001"), filters=asked, national=False)}
    assert "police" not in {p[0] for p in index_points(store, Filters())}
    assert "police" in {p[0] for p in index_points(store, asked)}


def _bare(rows):
    return {r["id"].split(":")[-1] for r in rows}


def test_records_for_a_child_only_when_a_child_is_involved(store):
    """NCMEC and OTIP's line for minors are not in an adult's lookup (issue 10): they appear when the
    lookup asks for youth, child protection or 'children' (a word for both)."""
    default = _bare(national_services(store, Filters(), place_country="US"))
    assert not default & {"us-ncmec", "us-hhs-otip-minors"}
    assert "us-trafficking-hotline" in default
    for words in (["youth"], ["child-protection"], ["children"], ["menores"], ["trafficking", "minor"]):
        asked = _bare(national_services(store, Filters.parse(words), place_country="US"))
        assert {"us-ncmec", "us-hhs-otip-minors"} <= asked, words
    # a category that is not about a child does not bring them, even one they carry (trafficking)
    assert "us-ncmec" not in _bare(national_services(store, Filters.parse(["trafficking"]), place_country="US"))


def test_cli_child_lookup_lists_ncmec(cli):
    assert not offered(cli, "10001", ":us-ncmec")
    assert offered(cli, "10001", ":us-ncmec", "-c", "children")


def test_national_rows_kept_between_lookups_follow_every_change(store, db_path):
    """National rows are read once per store state: a change on this connection, or a commit by another,
    is seen by the next lookup; and a caller changing the rows it got does not change the next answer."""
    import sqlite3

    first = national_services(store, Filters(), place_country="US")
    first[0]["name"] = "changed by a caller"
    first[0]["lines"].clear()
    again = national_services(store, Filters(), place_country="US")
    assert again[0]["name"] != "changed by a caller" and again[0]["lines"]
    hotline = again[0]["id"]
    with store.write():
        store.conn.execute("UPDATE services SET name = 'Renamed here' WHERE id = ?", (hotline,))
    assert national_services(store, Filters(), place_country="US")[0]["name"] == "Renamed here"
    other = sqlite3.connect(db_path)
    with other:
        other.execute("UPDATE services SET name = 'Renamed elsewhere' WHERE id = ?", (hotline,))
    other.close()
    assert national_services(store, Filters(), place_country="US")[0]["name"] == "Renamed elsewhere"
    assert national_services(store, Filters(), place_country="MX") != national_services(store, Filters(), place_country="US")


def test_us_visa_office_only_when_asked(store):
    """The U.S. Embassy's visa section (an immigration authority) is never in a default lookup for a place in
    Mexico; a lookup for family reunification or immigration help shows it, with a caution naming the office."""
    place = resolve_place("Oaxaca de Juárez, Oax.")
    default_ids = {r["id"].split(":")[-1] for r in services_near(store, place)}
    assert "us-embassy-mexico-t-u-visas" not in default_ids
    everything = {r["id"].split(":")[-1] for r in national_services(store, Filters(), place_country="MX",
                                                                    dial_from="all")}
    assert "us-embassy-mexico-t-u-visas" not in everything
    for cat in ("family-reunification", "legal-immigration"):
        rows = services_near(store, place, filters=Filters.parse([cat]))
        embassy = [r for r in rows if r["id"].endswith(":us-embassy-mexico-t-u-visas")]
        assert embassy, cat
        assert "immigration office" in embassy[0]["caution"] and "migratoria" in embassy[0]["caution_es"]
