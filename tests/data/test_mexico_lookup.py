"""The Mexican records as a case manager meets them: a lookup from a Mexican place lists Mexico's lines,
the trafficking line among them, never the anonymous police-report line unasked; a state office appears
near its city."""

from __future__ import annotations

from tests.helpers import near_rows, offered


def _ids(rows):
    return [r["id"].split(":", 1)[-1] for r in rows]


def test_oaxaca_gets_mexicos_lines_and_no_police_line(cli):
    r = cli("services", "near", "Oaxaca de Juárez, Oax.", "-f", "json")
    assert r.exit_code == 0, r
    rows = r.json()
    ids = _ids(rows)
    for expected in ("mx-linea-nacional-trata", "mx-linea-mujeres", "mx-linea-de-la-vida", "mx-911"):
        assert expected in ids, expected
    assert "mx-089" not in ids
    assert ids[0] == "mx-linea-nacional-trata", "Mexico's trafficking line comes first for a Mexican place"
    trata = next(x for x in rows if x["id"].endswith("mx-linea-nacional-trata"))
    assert trata["country"] == "MX" and "800 5533 000" in (trata["phone"] or "")


def test_a_state_office_is_found_near_its_city(cli):
    """The state child-protection office is only for a child: found when the lookup is about one."""
    assert not offered(cli, "Xalapa, Ver.", "mx-ver-ppnna")
    local = [x for x in near_rows(cli, "Xalapa, Ver.", "-c", "children") if x["scope"] == "local"]
    assert any(x["id"].endswith("mx-ver-ppnna") for x in local)
    office = next(x for x in local if x["id"].endswith("mx-ver-ppnna"))
    assert office["confidence"] == "medium" and office["caution"]


def test_tamaulipas_womens_office_near_matamoros(cli):
    """A walk-in office of the state women's institute, reached by phone through the national 079 line (from
    Mexico only); medium, with its caution, never a shelter."""
    r = cli("services", "near", "Matamoros, Tamps.", "-f", "json")
    assert r.exit_code == 0, r
    local = [x for x in r.json() if x["scope"] == "local"]
    office = next(x for x in local if x["id"].endswith("mx-tamps-imt-matamoros"))
    assert office["confidence"] == "medium" and "confirm" in office["caution"]
    assert [(ln["number"], ln["from"]) for ln in office["lines"]] == [("079", ["MX"])]
    assert office["source_date"] == "2026-01-01" and office["last_verified"] == "2026-01-01"
