import pytest

from advocate.errors import InputError, NotFound
from advocate.geo.resolve import resolve_place


@pytest.mark.parametrize(
    "text,label_start,country",
    [
        ("10001", "New York, NY", "US"),
        ("Tijuana, BC", "Tijuana", "MX"),
        ("Oaxaca de Juárez, Oaxaca", "Oaxaca", "MX"),
        ("OAXACA DE JUAREZ, oax.", "Oaxaca", "MX"),
        ("Ciudad de México, CDMX", "Mexico City", "MX"),
        ("Ecatepec de Morelos, Edomex", "Ecatepec", "MX"),
        ("Cd. Juárez, Chih.", "Ciudad Juárez", "MX"),
        ("Los Angeles, California", "Los Angeles, CA", "US"),
        ("st. paul, mn", "Saint Paul, MN", "US"),
        ("San Juan, PR", "San Juan, PR", "US"),
    ],
)
def test_resolves_offline(text, label_start, country):
    place = resolve_place(text)
    assert place.label.startswith(label_start)
    assert place.country == country


def test_ambiguous_name_picks_most_populous_and_says_so():
    place = resolve_place("Springfield")
    assert place.note and "most populous" in place.note
    assert len(place.candidates) > 1
    assert place.candidates[0]["population"] >= place.candidates[1]["population"]


def test_michoacan_and_michigan_share_an_abbreviation():
    assert resolve_place("Morelia, Mich.").country == "MX"
    assert resolve_place("Detroit, Mich.").country == "US"


def test_unknown_place_suggests_close_matches():
    with pytest.raises(NotFound) as exc:
        resolve_place("Atlnta, GA")
    assert "Atlanta, GA" in str(exc.value)


def test_unknown_state_is_named():
    with pytest.raises(NotFound) as exc:
        resolve_place("Atlantis, ZZ")
    assert '"ZZ"' in str(exc.value)


def test_unknown_zip():
    with pytest.raises(NotFound):
        resolve_place("00000")


def test_street_address_needs_online():
    with pytest.raises(InputError) as exc:
        resolve_place("123 Main St, Springfield, IL")
    assert "online geocoding" in str(exc.value)


def test_online_geocoder_is_used_only_when_enabled(store):
    class FakeLocation:
        latitude, longitude, address = 39.78, -89.65, "123 Main St, Springfield, IL"

    class FakeGeocoder:
        calls = 0

        def geocode(self, query, **kw):
            FakeGeocoder.calls += 1
            return FakeLocation()

    geo = FakeGeocoder()
    place = resolve_place("123 Main St, Springfield, IL", online=True, store=store, geocoder=geo)
    assert place.latitude == 39.78 and place.kind == "address"
    again = resolve_place("123 main st,  springfield, IL", online=True, store=store, geocoder=geo)
    assert "cached" in again.source and FakeGeocoder.calls == 1


def test_the_cli_geocodes_with_the_geocoder_its_config_names(cli, isolated, monkeypatch):
    """The library reads no config (advocate.geo.online.make_geocoder takes the service); the command line
    passes the user's."""
    import geopy.geocoders

    made = []

    class FakeNominatim:
        def __init__(self, **kwargs):
            made.append(kwargs)

        def geocode(self, query, **kw):
            class Found:
                latitude, longitude, address = 39.78, -89.65, "123 Main St, Springfield, IL"
            return Found()

    monkeypatch.setattr(geopy.geocoders, "Nominatim", FakeNominatim)
    (isolated / "config").mkdir(exist_ok=True)
    (isolated / "config" / "config.toml").write_text(
        'geocoder = "https://geo.example.org/nominatim"\ngeocoder_user_agent = "our-agency"\n', encoding="utf-8")
    r = cli("places", "resolve", "123 Main St, Springfield, IL", "--online", "-f", "json")
    assert r.exit_code == 0, r
    assert made == [{"user_agent": "our-agency", "domain": "geo.example.org/nominatim", "scheme": "https"}]
    from advocate.geo.online import make_geocoder

    made.clear()
    make_geocoder().geocode("x")
    assert made == [{"user_agent": "advocate-cli"}]


def test_online_geocoder_refuses_client_codes(store):
    with pytest.raises(InputError):
        resolve_place("C-7K3M9Q, 12 Elm St, Austin, TX", online=True, store=store, geocoder=object())


@pytest.mark.parametrize("text,label,at_least", [
    ("Juarez", "Ciudad Juárez, Chihuahua, México", 1_000_000),
    ("Matamoros", "Heroica Matamoros, Tamaulipas, México", 100_000),
    ("Queretaro", "Santiago de Querétaro, Querétaro, México", 1_000_000),
    ("Juchitan", "Heroica Ciudad de Juchitán de Zaragoza, Oaxaca, México", 50_000),
    ("Leon", "León de los Aldama, Guanajuato, México", 1_000_000),
])
def test_ambiguous_name_picks_the_city_not_a_small_namesake(text, label, at_least):
    place = resolve_place(text)
    assert place.label == label and place.population >= at_least
    assert "most populous" in place.note and "Others:" in place.note  # the choice and the alternatives
    pops = [c["population"] for c in place.candidates]
    assert pops[0] == max(pops)


def test_full_name_does_not_warn_about_an_unrelated_village():
    place = resolve_place("Ciudad Juarez")
    assert place.label.startswith("Ciudad Juárez, Chihuahua") and place.note == ""
    # an unrelated alternate name (Colorado Springs is listed as "El Paso", its county) is no alternative
    assert all(c["name"] != "Colorado Springs" for c in resolve_place("El Paso").candidates)


@pytest.mark.parametrize("text,label", [
    ("Miami FL", "Miami, FL"), ("El Paso TX", "El Paso, TX"), ("el paso texas", "El Paso, TX"),
    ("Tijuana Baja California", "Tijuana, Baja California, México"), ("San Diego CA", "San Diego, CA"),
])
def test_city_and_state_without_a_comma(text, label):
    assert resolve_place(text).label == label


def test_city_state_without_comma_unknown_still_refused():
    with pytest.raises(NotFound):
        resolve_place("Atlantis ZZ")


def test_town_in_zone_is_the_best_known_town_and_never_builds_the_index(tmp_path, monkeypatch):
    from advocate.geo import gazetteer

    assert gazetteer.town_in_zone("miami", "America/New_York") == "Miami"
    assert gazetteer.town_in_zone("miami", "America/New_York", (("US", "OK"),)) is None
    assert gazetteer.town_in_zone("mcallen", "America/Chicago", (("US", "TX"),)) == "McAllen"
    assert gazetteer.town_in_zone("dallas", "America/New_York") is None  # the best-known Dallas keeps Central
    assert gazetteer.town_in_zone("centro", "America/Mexico_City") is None  # another name of a place: not its own
    assert gazetteer.town_in_zone("no such town anywhere", "America/New_York") is None
    monkeypatch.setattr(gazetteer, "gazetteer_path", lambda: tmp_path / "not-built.sqlite")
    assert gazetteer.town_in_zone("miami", "America/New_York") is None
    assert not (tmp_path / "not-built.sqlite").exists()
