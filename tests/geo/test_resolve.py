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


def test_online_geocoder_refuses_client_codes(store):
    with pytest.raises(InputError):
        resolve_place("C-7K3M9Q, 12 Elm St, Austin, TX", online=True, store=store, geocoder=object())
