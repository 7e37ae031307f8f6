import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate.errors import AdvocateError, InputError
from advocate.geo.parse import CityRegion, Coordinates, StreetAddress, Zip, parse_distance, parse_location


@pytest.mark.parametrize(
    "text,expected",
    [
        ("10001", Zip("10001")),
        (" 10001-1234 ", Zip("10001")),
        ("Tijuana, BC", CityRegion("Tijuana", "BC")),
        ("Oaxaca de Juárez, Oaxaca", CityRegion("Oaxaca de Juárez", "Oaxaca")),
        ("Oaxaca de Juárez, Oaxaca, México", CityRegion("Oaxaca de Juárez", "Oaxaca")),
        ("New York, NY 10001", Zip("10001")),
        ("Springfield", CityRegion("Springfield", "")),
        ("32.53,-117.02", Coordinates(32.53, -117.02)),
        ("32.53, -117.02", Coordinates(32.53, -117.02)),
        ("123 Main St, Springfield, IL", StreetAddress("123 Main St, Springfield, IL")),
    ],
)
def test_parse_examples(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "91,0", "0,181", "1.2.3", "999", "12,34,56", "nan,1", "\x00"])
def test_parse_rejects_with_input_error(text):
    with pytest.raises(InputError):
        parse_location(text)


def test_short_zip_suggests_leading_zeros():
    with pytest.raises(InputError) as exc:
        parse_location("2139")
    assert "02139" in str(exc.value)


def test_swapped_coordinates_suggest_the_swap():
    with pytest.raises(InputError) as exc:
        parse_location("-117.02,32.53")
    assert "32.53,-117.02" in str(exc.value)


@given(st.text(max_size=300))
def test_parse_never_crashes(text):
    try:
        parse_location(text)
    except AdvocateError as exc:
        assert str(exc) and "\n" not in exc.message


@given(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False))
def test_coordinates_round_trip(lat, lon):
    parsed = parse_location(f"{lat!r},{lon!r}")
    assert isinstance(parsed, Coordinates)
    assert math.isclose(parsed.latitude, lat) and math.isclose(parsed.longitude, lon)


@given(st.from_regex(r"\A\d{5}(-\d{4})?\Z"))
def test_any_zip_shape_parses(text):
    assert parse_location(text) == Zip(text[:5])


@pytest.mark.parametrize("text,km", [("25mi", 40.2336), ("40km", 40.0), ("25", 40.2336), ("1.5 miles", 2.414016)])
def test_distance(text, km):
    assert math.isclose(parse_distance(text), km, rel_tol=1e-6)


@pytest.mark.parametrize("text", ["-5", "0", "abc", "10 parsecs", "", "inf", "1e400"])
def test_distance_rejects(text):
    with pytest.raises(InputError):
        parse_distance(text)


@given(st.text(max_size=40))
def test_distance_never_crashes(text):
    try:
        assert parse_distance(text) > 0
    except InputError:
        pass


def test_mistyped_zip_is_said_as_such():
    import pytest

    from advocate.errors import InputError
    from advocate.geo.parse import parse_location

    with pytest.raises(InputError) as exc:
        parse_location("10O01")
    assert "mistyped ZIP" in str(exc.value) and "10001" in exc.value.full_message
    assert parse_location("Miami").city == "Miami"  # an ordinary word is still a place name


def test_within_prints_its_unit(cli):
    r = cli("services", "near", "10001", "--within", "25")
    assert r.exit_code == 0 and "(within 25 mi)" in r.stdout
