"""data/consulates.csv: every Mexican consulate open in the U.S., each row with its own source and date.

A wrong city or number sends a survivor to the wrong place, so the file is checked for shape here and a
few known facts are pinned (Nashville has none; Oklahoma City and New Brunswick opened in 2023).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import zipcodes

from advocate.data import read_csv

COLUMNS = ["city", "state", "name", "name_es", "address", "postal_code", "phone", "source", "source_url",
           "source_date", "confidence", "notes", "notes_es"]
REQUIRED = ["city", "state", "name", "name_es", "source", "source_url", "source_date", "confidence"]
NANP = re.compile(r"^\(([2-9]\d\d)\) [2-9]\d\d-\d{4}$")


@pytest.fixture(scope="module")
def rows():
    return read_csv("consulates.csv")


def test_columns_are_the_agreed_ones(rows):
    assert list(rows[0]) == COLUMNS


def test_every_row_has_the_required_fields(rows):
    for r in rows:
        missing = [c for c in REQUIRED if not (r[c] or "").strip()]
        assert not missing, (r["city"], missing)
        assert r["confidence"] in {"high", "medium", "low"}
        if r["confidence"] != "high":
            assert r["notes"].strip(), f"{r['city']}: a row that is not 'high' says what to re-check"
        if r["notes"].strip():
            assert r["notes_es"].strip(), f"{r['city']}: every note has its Spanish twin"
        assert r["source_url"].startswith(("https://", "http://"))


def test_the_53_offices_and_no_duplicates(rows):
    keys = [(r["city"], r["state"]) for r in rows]
    assert len(keys) == len(set(keys)) == 53
    assert len({r["name"] for r in rows}) == 53


def test_no_consulate_in_nashville_and_the_2023_openings_are_there(rows):
    cities = {r["city"] for r in rows}
    assert not any("nashville" in r["city"].lower() or "nashville" in r["name"].lower() for r in rows)
    assert {"Oklahoma City", "New Brunswick"} <= cities
    atlanta = next(r for r in rows if r["city"] == "Atlanta")
    assert "Tennessee" in atlanta["notes"]


def test_names_say_which_city_in_both_languages(rows):
    for r in rows:
        assert r["city"] in r["name"] and r["city"] in r["name_es"]
        assert "Mexico" in r["name"] and "México" in r["name_es"]


def test_postal_codes_are_real_zips_of_the_row_state(rows):
    for r in rows:
        z = r["postal_code"]
        if not z:
            continue
        assert re.fullmatch(r"\d{5}", z), (r["city"], z)
        found = zipcodes.matching(z)
        assert found, (r["city"], z)
        assert found[0]["state"] == r["state"], (r["city"], z, found[0]["state"])


def test_phones_are_us_numbers_as_dialled_from_the_us(rows):
    for r in rows:
        if r["phone"]:
            assert NANP.match(r["phone"]), (r["city"], r["phone"])


def test_dates_are_real_and_not_in_the_future(rows):
    today = dt.date.today()
    for r in rows:
        d = dt.date.fromisoformat(r["source_date"])
        assert dt.date(2000, 1, 1) <= d <= today, (r["city"], d)


def test_a_row_without_address_or_phone_says_how_to_reach_the_consulate(rows):
    for r in rows:
        if not r["address"] or not r["phone"]:
            assert "520 623 7874" in r["notes"] or "CIAM" in r["notes"] or r["phone"], r["city"]


def test_nashville_is_sent_to_atlanta(cli):
    r = cli("services", "near", "Nashville, TN", "-c", "consular", "-f", "json")
    assert r.exit_code == 0, r
    names = [x["name"] for x in r.json() if x["scope"] == "local"]
    assert "Atlanta" in names[0]
    assert not any("Nashville" in n for n in names)


def test_new_jersey_and_oklahoma_have_their_own_consulates(cli):
    for place, city in (("New Brunswick, NJ", "New Brunswick"), ("Tulsa, OK", "Oklahoma City")):
        r = cli("services", "near", place, "-c", "consular", "-f", "json")
        assert r.exit_code == 0, r
        local = [x["name"] for x in r.json() if x["scope"] == "local"]
        assert city in local[0], place


def test_an_unconfirmed_row_is_low_and_carries_no_address_or_phone(rows):
    """Issue 10: what was not confirmed is marked low and never shown as an address or a number to dial; a lead
    found but not confirmed stays in the note, said to be unconfirmed, in both languages."""
    for r in rows:
        if r["confidence"] == "low":
            assert not r["address"] and not r["phone"], r["city"]
            assert "MiConsulado" in r["notes"] and "MiConsulado" in r["notes_es"], r["city"]
            if "Lead" in r["notes"]:
                assert "not confirmed" in r["notes"] and "sin confirmar" in r["notes_es"], r["city"]
        else:
            assert r["address"] or r["phone"], f"{r['city']}: a row without address or phone is low"


def test_seattle_is_at_its_2018_address(rows):
    seattle = next(r for r in rows if r["city"] == "Seattle")
    assert seattle["address"] == "807 E. Roy St." and seattle["source_date"] >= "2018-06-01"


def test_addresses_resting_on_one_old_or_third_party_source_are_leads_not_addresses(rows):
    """Fact check of 2026-11-29: an address that only one source older than 2023, or only an undated third-party
    directory, gave is not shown as the consulate's address; it stays in the note as a lead, with its source."""
    by_city = {r["city"]: r for r in rows}
    for city, lead in (("Austin", "5202 E. Ben White Blvd."), ("Saint Paul", "797 E. 7th St."), ("San Antonio", "127 Navarro St."),
                       ("San Bernardino", "293 N. D St."), ("Tucson", "3915 E. Broadway Blvd.")):
        r = by_city[city]
        assert r["confidence"] == "low" and not r["address"] and not r["postal_code"], city
        assert lead in r["notes"] and lead in r["notes_es"], city
    # re-checked and kept: each with a source that says when it said it
    for city, street in (("Dallas", "1210 River Bend Dr."), ("Orlando", "2550 Technology Dr."),
                         ("Phoenix", "320 E. McDowell Rd."), ("New Brunswick", "390 George St."),
                         ("Oklahoma City", "1131 W. Sheridan Ave."), ("Miami", "2555 Ponce de Leon Blvd.")):
        r = by_city[city]
        assert r["confidence"] == "medium" and r["address"].startswith(street), city
        assert r["source_date"] >= "2023-01-01", city
